/**
 * hyperloglog.c's data structure, byte for byte: a 16-byte header ("HYLL", encoding, 3 unused
 * bytes, the cached cardinality little-endian with bit 63 meaning "stale") followed by 16384
 * 6-bit registers, either dense (12288 bytes, LSB-first packing) or sparse (ZERO, XZERO and VAL
 * run-length opcodes). The value stays an ordinary string, so GETRANGE/SETRANGE see the same
 * bytes Redis stores; the cardinality is Ertl's estimator as in Redis 7.0.
 */

export const HLL_REGISTERS = 1 << 14;
const HLL_P = 14, HLL_Q = 64 - HLL_P, HLL_P_MASK = HLL_REGISTERS - 1, HLL_REGISTER_MAX = 63;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE = 0, HLL_SPARSE = 1;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * 6 + 7) >> 3);
const SPARSE_VAL_MAX_VALUE = 32, SPARSE_VAL_MAX_LEN = 4, SPARSE_ZERO_MAX_LEN = 64, SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.721347520444481703680;

/** An HLL string's bytes being worked on: `b` may have spare capacity past `len`. */
export class Hll {
  constructor(public b: Uint8Array, public len: number) {}
  get encoding(): number { return this.b[4]; }
  invalidate_cache(): void { this.b[15] |= 0x80; }
  /** sdsMakeRoomFor: capacity for n more bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.b.length) return;
    const nb = new Uint8Array(Math.max(this.len + n, this.b.length * 2));
    nb.set(this.b.subarray(0, this.len));
    this.b = nb;
  }
  bytes(): Uint8Array { return this.b.subarray(0, this.len); }
}

/** createHLLObject: sparse, every register zero (one XZERO opcode covers all 16384). */
export function hll_create(): Hll {
  const h = new Hll(new Uint8Array(HLL_HDR_SIZE + 2), HLL_HDR_SIZE + 2);
  h.b.set([0x48, 0x59, 0x4c, 0x4c, HLL_SPARSE]);
  xzero_set(h.b, HLL_HDR_SIZE, HLL_REGISTERS);
  return h;
}

// ---- MurmurHash64A on 32-bit halves (no 64-bit integers in the hot path) ----

/** (ah:al) * (bh:bl) mod 2^64 as [hi, lo], by 16-bit limbs so no partial product loses bits. */
function mul64(ah: number, al: number, bh: number, bl: number): [number, number] {
  const a48 = ah >>> 16, a32 = ah & 0xffff, a16 = al >>> 16, a00 = al & 0xffff;
  const b48 = bh >>> 16, b32 = bh & 0xffff, b16 = bl >>> 16, b00 = bl & 0xffff;
  let c48 = 0, c32 = 0, c16 = 0, c00 = a00 * b00;
  c16 += c00 >>> 16; c00 &= 0xffff;
  c16 += a16 * b00; c32 += c16 >>> 16; c16 &= 0xffff;
  c16 += a00 * b16; c32 += c16 >>> 16; c16 &= 0xffff;
  c32 += a32 * b00; c48 += c32 >>> 16; c32 &= 0xffff;
  c32 += a16 * b16; c48 += c32 >>> 16; c32 &= 0xffff;
  c32 += a00 * b32; c48 += c32 >>> 16; c32 &= 0xffff;
  c48 += a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48; c48 &= 0xffff;
  return [((c48 << 16) | c32) >>> 0, ((c16 << 16) | c00) >>> 0];
}

const M_HI = 0xc6a4a793, M_LO = 0x5bd1e995;

/** x ^= x >> 47 on a [hi, lo] pair. */
function xorshift47(hi: number, lo: number): [number, number] { return [hi, (lo ^ (hi >>> 15)) >>> 0]; }

/** MurmurHash64A as Redis has it (little-endian reads, so endian-neutral). */
export function murmur64a(d: Uint8Array, seed: number): [number, number] {
  const len = d.length;
  let [hh, hl] = mul64(0, len >>> 0, M_HI, M_LO);
  hl = (hl ^ seed) >>> 0;
  const u32 = (i: number): number => (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)) >>> 0;
  const body = len - (len & 7);
  for (let i = 0; i < body; i += 8) {
    let [kh, kl] = mul64(u32(i + 4), u32(i), M_HI, M_LO);
    [kh, kl] = xorshift47(kh, kl);
    [kh, kl] = mul64(kh, kl, M_HI, M_LO);
    hh = (hh ^ kh) >>> 0; hl = (hl ^ kl) >>> 0;
    [hh, hl] = mul64(hh, hl, M_HI, M_LO);
  }
  const rest = len & 7;
  if (rest) {
    for (let j = rest - 1; j >= 0; j--) {
      const v = d[body + j];
      if (j >= 4) hh = (hh ^ (v << ((j - 4) * 8))) >>> 0; else hl = (hl ^ (v << (j * 8))) >>> 0;
    }
    [hh, hl] = mul64(hh, hl, M_HI, M_LO);
  }
  [hh, hl] = xorshift47(hh, hl);
  [hh, hl] = mul64(hh, hl, M_HI, M_LO);
  return xorshift47(hh, hl);
}

/** hllPatLen: [register index, length of the 000…1 run in the remaining 50 bits]. */
export function pat_len(ele: Uint8Array): [number, number] {
  const [hi, lo] = murmur64a(ele, 0xadc83b19);
  const index = lo & HLL_P_MASK;
  // hash >> 14 with bit Q set so the run ends within Q+1.
  const rlo = ((lo >>> HLL_P) | (hi << (32 - HLL_P))) >>> 0, rhi = ((hi >>> HLL_P) | (1 << (HLL_Q - 32))) >>> 0;
  const ctz = (x: number): number => 31 - Math.clz32(x & -x);
  return [index, (rlo ? ctz(rlo) : 32 + ctz(rhi)) + 1];
}

// ---- dense ----

export function dense_get(b: Uint8Array, off: number, reg: number): number {
  const byte = off + ((reg * 6) >> 3), fb = (reg * 6) & 7;
  return ((b[byte] >> fb) | ((b[byte + 1] ?? 0) << (8 - fb))) & HLL_REGISTER_MAX;
}

export function dense_set(b: Uint8Array, off: number, reg: number, v: number): void {
  const byte = off + ((reg * 6) >> 3), fb = (reg * 6) & 7;
  b[byte] = (b[byte] & ~(HLL_REGISTER_MAX << fb)) | (v << fb);
  if (byte + 1 < b.length) b[byte + 1] = (b[byte + 1] & ~(HLL_REGISTER_MAX >> (8 - fb))) | (v >> (8 - fb));
}

/** hllDenseSet: raises the register to count; 1 if it changed. */
function dense_raise(h: Hll, index: number, count: number): number {
  if (count <= dense_get(h.b, HLL_HDR_SIZE, index)) return 0;
  dense_set(h.b, HLL_HDR_SIZE, index, count);
  return 1;
}

// ---- sparse opcodes ----

const is_zero = (v: number): boolean => (v & 0xc0) === 0;
const is_xzero = (v: number): boolean => (v & 0xc0) === 0x40;
const zero_len = (v: number): number => (v & 0x3f) + 1;
const xzero_len = (b: Uint8Array, p: number): number => (((b[p] & 0x3f) << 8) | b[p + 1]) + 1;
const val_value = (v: number): number => ((v >> 2) & 0x1f) + 1;
const val_len = (v: number): number => (v & 3) + 1;
const val_op = (val: number, len: number): number => (((val - 1) << 2) | (len - 1)) | 0x80;
function xzero_set(b: Uint8Array, p: number, len: number): void { b[p] = ((len - 1) >> 8) | 0x40; b[p + 1] = (len - 1) & 0xff; }

/** Walks the sparse opcodes: f(first register, run length, value) per run; false if they do not cover exactly 16384 registers. */
export function sparse_runs(b: Uint8Array, len: number, f: (first: number, run: number, val: number) => void): boolean {
  let idx = 0;
  for (let p = HLL_HDR_SIZE; p < len;) {
    const v = b[p];
    if (is_zero(v)) { idx += zero_len(v); p++; continue; }
    if (is_xzero(v)) { idx += xzero_len(b, p); p += 2; continue; }
    const run = val_len(v);
    if (idx + run > HLL_REGISTERS) return false;
    f(idx, run, val_value(v));
    idx += run; p++;
  }
  return idx === HLL_REGISTERS;
}

/** hllSparseToDense: false (and h unchanged) if the sparse form is corrupt. */
export function sparse_to_dense(h: Hll): boolean {
  if (h.encoding === HLL_DENSE) return true;
  const d = new Uint8Array(HLL_DENSE_SIZE);
  d.set(h.b.subarray(0, HLL_HDR_SIZE));
  d[4] = HLL_DENSE;
  if (!sparse_runs(h.b, h.len, (first, run, val) => { for (let i = first; i < first + run; i++) dense_set(d, HLL_HDR_SIZE, i, val); })) return false;
  h.b = d; h.len = HLL_DENSE_SIZE;
  return true;
}

/** The split of the opcode at p (covering first…first+span-1) around index: XZERO-VAL-XZERO at worst. */
function split_op(h: Hll, p: number, first: number, span: number, index: number, count: number): number[] {
  const v = h.b[p], last = first + span - 1, seq: number[] = [];
  const zeros = (n: number): void => { if (n > SPARSE_ZERO_MAX_LEN) seq.push(((n - 1) >> 8) | 0x40, (n - 1) & 0xff); else seq.push(n - 1); };
  const zero = !(v & 0x80);
  if (index !== first) { if (zero) zeros(index - first); else seq.push(val_op(val_value(v), index - first)); }
  seq.push(val_op(count, 1));
  if (index !== last) { if (zero) zeros(last - index); else seq.push(val_op(val_value(v), last - index)); }
  return seq;
}

/** Step 4 of hllSparseSet: merges adjacent VAL opcodes of equal value, scanning 5 from `from`. */
function merge_vals(h: Hll, from: number): void {
  const b = h.b;
  for (let p = from, scan = 5; p < h.len && scan-- > 0;) {
    if (is_xzero(b[p])) { p += 2; continue; }
    if (is_zero(b[p])) { p++; continue; }
    if (p + 1 < h.len && b[p + 1] & 0x80 && val_value(b[p]) === val_value(b[p + 1])) {
      const len = val_len(b[p]) + val_len(b[p + 1]);
      if (len <= SPARSE_VAL_MAX_LEN) {
        b[p + 1] = val_op(val_value(b[p]), len);
        b.copyWithin(p, p + 1, h.len);
        h.len--;
        continue;
      }
    }
    p++;
  }
}

/** hllSparseSet: 1 if the register rose, 0 if not, -1 if the HLL is corrupt; may promote to dense. */
export function sparse_raise(h: Hll, index: number, count: number, max_bytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(h, index, count);
  h.reserve(3);
  const b = h.b;
  let p = HLL_HDR_SIZE, first = 0, span = 0, prev = -1;
  while (p < h.len) {
    const v = b[p], oplen = is_xzero(v) ? 2 : 1;
    span = is_zero(v) ? zero_len(v) : v & 0x80 ? val_len(v) : xzero_len(b, p);
    if (index <= first + span - 1) break;
    prev = p; p += oplen; first += span;
  }
  if (span === 0 || p >= h.len) return -1;
  const v = b[p], oldlen = is_xzero(v) ? 2 : 1;
  const trivial = v & 0x80 ? val_len(v) === 1 : is_zero(v) && zero_len(v) === 1;
  if (v & 0x80 && val_value(v) >= count) return 0;
  if (trivial) b[p] = val_op(count, 1);
  else {
    const seq = split_op(h, p, first, span, index, count), delta = seq.length - oldlen;
    if (delta > 0 && h.len + delta > max_bytes) return promote(h, index, count);
    b.copyWithin(p + seq.length, p + oldlen, h.len);
    b.set(seq, p);
    h.len += delta;
  }
  merge_vals(h, prev >= 0 ? prev : HLL_HDR_SIZE);
  h.invalidate_cache();
  return 1;
}

function promote(h: Hll, index: number, count: number): number {
  if (!sparse_to_dense(h)) return -1;
  return dense_raise(h, index, count);
}

/** hllAdd: 1 if a register rose, 0 if not, -1 for a corrupt HLL. */
export function hll_add(h: Hll, ele: Uint8Array, max_bytes: number): number {
  const [index, count] = pat_len(ele);
  if (h.encoding === HLL_DENSE) return dense_raise(h, index, count);
  if (h.encoding === HLL_SPARSE) return sparse_raise(h, index, count, max_bytes);
  return -1;
}

/** hllMerge: max[i] = max(max[i], register i); false if a sparse HLL is corrupt. */
export function hll_merge(max: Uint8Array, h: Hll): boolean {
  if (h.encoding === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) { const v = dense_get(h.b, HLL_HDR_SIZE, i); if (v > max[i]) max[i] = v; }
    return true;
  }
  return sparse_runs(h.b, h.len, (first, run, val) => { for (let i = first; i < first + run; i++) if (val > max[i]) max[i] = val; });
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1, z = x, zp: number;
  do { x *= x; zp = z; z += x * y; y += y; } while (zp !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1, z = 1 - x, zp: number;
  do { x = Math.sqrt(x); zp = z; y *= 0.5; z -= (1 - x) * (1 - x) * y; } while (zp !== z);
  return z / 3;
}

/** hllCount from a register histogram (Ertl, arXiv:1702.01284). */
export function count_from_histo(histo: number[]): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; j--) { z += histo[j]; z *= 0.5; }
  z += m * sigma(histo[0] / m);
  return Math.round(ALPHA_INF * m * m / z);
}

/** The histogram of register values; null if the sparse form is corrupt. */
export function histogram(h: Hll): number[] | null {
  const histo = new Array<number>(64).fill(0);
  if (h.encoding === HLL_DENSE) { for (let i = 0; i < HLL_REGISTERS; i++) histo[dense_get(h.b, HLL_HDR_SIZE, i)]++; return histo; }
  // hllSparseRegHisto counts every run, then flags a total other than 16384.
  let idx = 0;
  for (let p = HLL_HDR_SIZE; p < h.len;) {
    const v = h.b[p];
    const run = is_zero(v) ? zero_len(v) : is_xzero(v) ? xzero_len(h.b, p) : val_len(v);
    histo[is_zero(v) || is_xzero(v) ? 0 : val_value(v)] += run;
    idx += run; p += is_xzero(v) ? 2 : 1;
  }
  return idx === HLL_REGISTERS ? histo : null;
}

export function raw_histogram(regs: Uint8Array): number[] {
  const histo = new Array<number>(64).fill(0);
  for (const r of regs) histo[r]++;
  return histo;
}

/** PFDEBUG DECODE's text for a sparse HLL. */
export function sparse_decode(h: Hll): string {
  const out: string[] = [];
  for (let p = HLL_HDR_SIZE; p < h.len;) {
    const v = h.b[p];
    if (is_zero(v)) { out.push(`z:${zero_len(v)}`); p++; } else if (is_xzero(v)) { out.push(`Z:${xzero_len(h.b, p)}`); p += 2; } else { out.push(`v:${val_value(v)},${val_len(v)}`); p++; }
  }
  return out.join(' ');
}
