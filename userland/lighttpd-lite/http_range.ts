/**
 * Range requests as lighttpd 1.4.69's http_range.c reads them: after a case-insensitive
 * "bytes=", up to RMAX byte-range-specs, each read with strtoll's rules ("a-b", "a-", "-n";
 * blanks and a sign allowed where strtoll takes them); a spec that does not parse, or starts
 * past the end, is skipped, not fatal. Ranges that overlap or lie within 80 bytes of each other
 * coalesce into the first of them, in the order given. A repeated Range field arrives joined
 * ("bytes=0-1, bytes=3-4"), so its second spec is skipped.
 */

/** lighttpd's limit on the ranges of one request. */
const RMAX = 10;

/** strtoll's saturation values, as ±Infinity (no file is that long). */
const LLONG_MAX = Infinity, LLONG_MIN = -Infinity;

/** Where the last strtoll stopped (its endptr; the start when nothing was converted). */
let end_pos = 0;

const is_space = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
const is_digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** strtoll(s + i, &end, 10): leading white space, an optional sign, decimal digits; saturates at LLONG_MAX/LLONG_MIN. */
function strtoll(s: string, i: number): number {
  let p = i;
  while (is_space(s[p])) p++;
  const neg = s[p] === '-';
  if (neg || s[p] === '+') p++;
  const d0 = p;
  while (is_digit(s[p])) p++;
  if (p === d0) { end_pos = i; return 0; }
  end_pos = p;
  const digits = s.slice(d0, p).replace(/^0+/, '');
  const limit = neg ? '9223372036854775808' : '9223372036854775807';
  if (digits.length > 19 || (digits.length === 19 && digits >= limit)) return neg ? LLONG_MIN : LLONG_MAX;
  const v = Number(digits);
  return neg ? -v : v;
}

/** http_range_parse_next(): one spec at s[i] into r[k], r[k+1] (r[k+1] = -1: invalid); where it stopped. */
function parse_next(s: string, i: number, len: number, r: number[], k: number): number {
  let n = strtoll(s, i), e = end_pos;
  r[k + 1] = -1;
  if (n >= 0) {
    if (n !== LLONG_MAX && n < len && e !== i) {
      r[k] = n;
      while (s[e] === ' ' || s[e] === '\t') e++;
      if (s[e] === '-') {
        const s2 = e + 1;
        n = strtoll(s, s2); e = end_pos;
        if (e === s2 || (n === 0 && s[e - 1] !== '0')) r[k + 1] = len - 1;
        else if (r[k] <= n && n !== LLONG_MAX) r[k + 1] = n < len ? n : len - 1;
      }
    }
  } else if (n !== LLONG_MIN) {
    r[k] = len > -n ? len + n : 0;
    r[k + 1] = len - 1;
  }
  while (s[e] === ' ' || s[e] === '\t') e++;
  return e;
}

/** http_range_coalesce(): overlapping or near (80 bytes) ranges merge into the earlier one; the new count. */
function coalesce(r: number[], n: number): number {
  for (let i = 0; i + 2 < n; i += 2) {
    const b = r[i], e = r[i + 1];
    for (let j = i + 2; j < n; j += 2) {
      if (b <= r[j] ? e < r[j] - 80 : r[j + 1] < b - 80) continue;
      r[i] = b <= r[j] ? b : r[j];
      r[i + 1] = e >= r[j + 1] ? e : r[j + 1];
      r.splice(j, 2);
      n -= 2;
      i = -2; // and start over
      break;
    }
  }
  return n;
}

/**
 * The ranges of a Range value for a body of `size` bytes: null to ignore the field (another
 * unit, or an empty body: 200), [] when none is satisfiable (416), else [first, last, ...]
 * inclusive — one pair for a 206 with Content-Range, several for multipart/byteranges.
 */
export function http_range_parse(header: string, size: number): number[] | null {
  if (size === 0 || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'bytes=') return null;
  const r: number[] = [];
  let n = 0, s = 6;
  do {
    s = parse_next(header, s, size, r, n);
    if ((s >= header.length || header[s] === ',') && r[n + 1] !== -1) n += 2;
    else while (s < header.length && header[s] !== ',') s++; // an invalid spec is skipped
  } while (s++ < header.length && n < RMAX * 2);
  r.length = n;
  if (n > 2) r.length = coalesce(r, n);
  return r;
}
