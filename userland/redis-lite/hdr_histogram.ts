/**
 * The parts of HdrHistogram_c (Redis 7.0's deps/hdr_histogram) that Redis's per-command latency
 * tracking uses: bucketing by significant figures, recording, value at a percentile and the
 * logarithmic iterator LATENCY HISTOGRAM walks. Same arithmetic as the C library, so the values
 * INFO latencystats and LATENCY HISTOGRAM print are the ones Redis would print for the same
 * recorded durations. https://github.com/redis/redis/blob/7.0.15/deps/hdr_histogram/hdr_histogram.c
 *
 * Values are JavaScript numbers (exact up to 2^53): shifts are written as multiplications and
 * divisions by powers of two, and `v | sub_bucket_mask` (for its bit length) as a max.
 */

/** server.h: latency histograms track 1 ns .. 1 s with 2 significant figures. */
export const LATENCY_HISTOGRAM_MIN_VALUE = 1;
export const LATENCY_HISTOGRAM_MAX_VALUE = 1_000_000_000;
export const LATENCY_HISTOGRAM_PRECISION = 2;

/** 64 - __builtin_clzll(v): the number of bits of v. */
function bit_length(v: number): number {
  return v < 2 ** 32 ? 32 - Math.clz32(v) : 32 + bit_length(Math.floor(v / 2 ** 32));
}

export class HdrHistogram {
  readonly unit_magnitude: number;
  readonly sub_bucket_half_count_magnitude: number;
  readonly sub_bucket_count: number;
  readonly sub_bucket_half_count: number;
  /** Bit length of sub_bucket_mask ((sub_bucket_count - 1) << unit_magnitude). */
  private readonly mask_bits: number;
  readonly counts: Float64Array;
  total_count = 0;
  min_value = Number.MAX_SAFE_INTEGER;
  max_value = 0;

  /** hdr_init (with hdr_calculate_bucket_config); throws on the arguments it refuses (EINVAL). */
  constructor(lowest_discernible_value: number, highest_trackable_value: number, significant_figures: number) {
    if (lowest_discernible_value < 1 || significant_figures < 1 || significant_figures > 5 || lowest_discernible_value * 2 > highest_trackable_value) {
      throw new RangeError('hdr_init: invalid bucket configuration');
    }
    const largest_single_unit = 2 * 10 ** significant_figures;
    const sub_bucket_count_magnitude = Math.ceil(Math.log(largest_single_unit) / Math.log(2));
    this.sub_bucket_half_count_magnitude = Math.max(sub_bucket_count_magnitude, 1) - 1;
    this.unit_magnitude = Math.floor(Math.log(lowest_discernible_value) / Math.log(2));
    this.sub_bucket_count = 2 ** (this.sub_bucket_half_count_magnitude + 1);
    this.sub_bucket_half_count = this.sub_bucket_count / 2;
    this.mask_bits = bit_length((this.sub_bucket_count - 1) * 2 ** this.unit_magnitude);
    const bucket_count = this.buckets_needed_to_cover(highest_trackable_value);
    this.counts = new Float64Array((bucket_count + 1) * this.sub_bucket_half_count);
  }

  private buckets_needed_to_cover(value: number): number {
    let smallest_untrackable = this.sub_bucket_count * 2 ** this.unit_magnitude, n = 1;
    while (smallest_untrackable <= value) { smallest_untrackable *= 2; n++; }
    return n;
  }

  private bucket_index(v: number): number {
    return Math.max(bit_length(v), this.mask_bits) - this.unit_magnitude - (this.sub_bucket_half_count_magnitude + 1);
  }

  private sub_bucket_index(v: number, bucket: number): number { return Math.floor(v / 2 ** (bucket + this.unit_magnitude)); }

  private value_from_index(bucket: number, sub: number): number { return sub * 2 ** (bucket + this.unit_magnitude); }

  /** counts_index_for, on every recorded call: 32-bit shifts while v fits (Redis's values do: ≤ 1e9). */
  private counts_index_for(v: number): number {
    const b = this.bucket_index(v);
    const sb = v < 2 ** 31 ? v >>> (b + this.unit_magnitude) : this.sub_bucket_index(v, b);
    return (b + 1) * this.sub_bucket_half_count + sb - this.sub_bucket_half_count;
  }

  /** hdr_value_at_index: the lowest value counted at a counts index. */
  value_at_index(index: number): number {
    let bucket = Math.floor(index / this.sub_bucket_half_count) - 1;
    let sub = (index % this.sub_bucket_half_count) + this.sub_bucket_half_count;
    if (bucket < 0) { sub -= this.sub_bucket_half_count; bucket = 0; }
    return this.value_from_index(bucket, sub);
  }

  lowest_equivalent_value(v: number): number {
    const b = this.bucket_index(v);
    return this.value_from_index(b, this.sub_bucket_index(v, b));
  }

  /** hdr_size_of_equivalent_value_range: how many values share v's count. */
  size_of_equivalent_value_range(v: number): number {
    const b = this.bucket_index(v), sb = this.sub_bucket_index(v, b);
    return 2 ** (this.unit_magnitude + (sb >= this.sub_bucket_count ? b + 1 : b));
  }

  highest_equivalent_value(v: number): number {
    return this.lowest_equivalent_value(v) + this.size_of_equivalent_value_range(v) - 1;
  }

  /** hdr_record_value: false if v is negative or beyond the trackable range. */
  record_value(v: number): boolean {
    if (v < 0) return false;
    const i = this.counts_index_for(v);
    if (i < 0 || i >= this.counts.length) return false;
    this.counts[i]++;
    this.total_count++;
    if (v !== 0 && v < this.min_value) this.min_value = v;
    if (v > this.max_value) this.max_value = v;
    return true;
  }

  /** hdr_value_at_percentile: the highest value equivalent to the one at that rank (the lowest for 0). */
  value_at_percentile(percentile: number): number {
    const requested = Math.min(percentile, 100);
    const at = Math.max(Math.trunc((requested / 100) * this.total_count + 0.5), 1);
    let value = 0, seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= at) { value = this.value_at_index(i); break; }
    }
    return percentile === 0 ? this.lowest_equivalent_value(value) : this.highest_equivalent_value(value);
  }

  /**
   * hdr_iter_log_init + hdr_iter_next: one step per reporting level (first, first*base, …)
   * until every count was passed. Each step gives the iterator's position as the C iterator
   * leaves it: the highest value equivalent to the counts index it stopped at, and the count
   * of everything up to and including that index.
   */
  log_steps(first: number, base: number, step: (highest_equivalent_value: number, cumulative_count: number) => void): void {
    const len = this.counts.length;
    let index = -1, cumulative = 0, value = 0, highest = 0;
    let level = first, level_lowest = this.lowest_equivalent_value(level);
    const move_next = (): boolean => {
      if (++index >= len) return false;
      cumulative += this.counts[index];
      value = this.value_at_index(index);
      highest = this.highest_equivalent_value(value);
      return true;
    };
    while (cumulative < this.total_count || (index < len && this.value_at_index(index + 1) > level_lowest)) {
      for (;;) {
        if (value >= level_lowest) { level *= base; level_lowest = this.lowest_equivalent_value(level); break; }
        if (!move_next()) break;
      }
      step(highest, cumulative);
    }
  }
}
