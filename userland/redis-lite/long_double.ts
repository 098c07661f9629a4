/**
 * x87 `long double` (64-bit significand, 15-bit exponent), the type Redis's INCRBYFLOAT and
 * HINCRBYFLOAT compute in on x86-64: a value is m·2^e exactly (BigInt m), rounded after each
 * step to nearest, ties to even, as the FPU does. Parsing is strtold's and printing is
 * ld2string's LD_STR_HUMAN (`%.17Lf`, trailing zeros trimmed), both exact, so 0.1 added ten
 * times prints "1" as Redis prints it, where doubles would print 0.9999999999999999.
 * Not a hot path: BigInt is fine here.
 */

/** A finite long double m·2^e, or an infinity (inf = ±1, m and e unused). */
export interface LongDouble { m: bigint; e: number; inf: number }

const MANT_BITS = 64;
/** The exponent of the smallest subnormal (2^-16445) and the first power of two past the largest finite value (2^16384). */
const MIN_QUANTUM = -16445, OVERFLOW_EXP = 16384;

export const LD_ZERO: LongDouble = { m: 0n, e: 0, inf: 0 };

const bitlen = (x: bigint): number => (x === 0n ? 0 : x.toString(2).length);

/** floor(log2(num/den)) for positive num, den. */
function ilog2(num: bigint, den: bigint): number {
  let p = bitlen(num) - bitlen(den);
  const below = p >= 0 ? num < den << BigInt(p) : num << BigInt(-p) < den;
  if (below) p--;
  return p;
}

/** num/den divided, rounded to nearest with ties to even. */
function div_round(num: bigint, den: bigint): bigint {
  const q = num / den, r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && q & 1n) ? q + 1n : q;
}

/** The long double nearest to num/den (den > 0); overflow gives an infinity, underflow 0. */
export function ld_round(num: bigint, den: bigint): LongDouble {
  if (num === 0n) return LD_ZERO;
  const neg = num < 0n, a = neg ? -num : num;
  const p = ilog2(a, den);
  if (p >= OVERFLOW_EXP) return { m: 0n, e: 0, inf: neg ? -1 : 1 };
  const q = Math.max(p - (MANT_BITS - 1), MIN_QUANTUM);
  const m = q >= 0 ? div_round(a, den << BigInt(q)) : div_round(a << BigInt(-q), den);
  if (m === 0n) return LD_ZERO;
  if (bitlen(m) + q > OVERFLOW_EXP) return { m: 0n, e: 0, inf: neg ? -1 : 1 };
  return { m: neg ? -m : m, e: q, inf: 0 };
}

/** a + b, rounded once. */
export function ld_add(a: LongDouble, b: LongDouble): LongDouble {
  if (a.inf || b.inf) return a.inf && b.inf && a.inf !== b.inf ? { m: 0n, e: NaN, inf: 0 } : a.inf ? a : b;
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const sum = (a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e));
  return e >= 0 ? ld_round(sum << BigInt(e), 1n) : ld_round(sum, 1n << BigInt(-e));
}

/** Neither infinite nor NaN. */
export const ld_is_finite = (x: LongDouble): boolean => x.inf === 0 && !Number.isNaN(x.e);

/** The decimal literal's digits and power of ten as a long double; overflow → ±inf, tiny → 0. */
function from_decimal(neg: boolean, digits: string, exp10: number): LongDouble {
  const d = BigInt(digits.replace(/^0+(?=\d)/, '') || '0');
  if (d === 0n) return LD_ZERO;
  const mag = digits.replace(/^0+/, '').length + exp10; // the literal is below 10^mag
  if (mag > 5000) return { m: 0n, e: 0, inf: neg ? -1 : 1 };
  if (mag < -5000) return LD_ZERO;
  const s = neg ? -d : d;
  return exp10 >= 0 ? ld_round(s * 10n ** BigInt(exp10), 1n) : ld_round(s, 10n ** BigInt(-exp10));
}

/** Hexadecimal significand digits and a binary exponent as a long double. */
function from_hex(neg: boolean, int: string, frac: string, exp2: number): LongDouble {
  const d = BigInt(`0x${int || '0'}${frac}`) * (neg ? -1n : 1n), e = exp2 - 4 * frac.length;
  if (d === 0n) return LD_ZERO;
  if (e > 20000) return { m: 0n, e: 0, inf: neg ? -1 : 1 };
  if (e < -20000) return LD_ZERO;
  return e >= 0 ? ld_round(d << BigInt(e), 1n) : ld_round(d, 1n << BigInt(-e));
}

const DECIMAL = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;

/**
 * string2ld: strtold over the whole string — no leading space, nothing left over, no NaN, and
 * no literal that overflows to infinity or underflows to zero (ERANGE); "inf" itself is taken.
 * null when the string is not such a number.
 */
export function string2ld(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= 5 * 1024) return null;
  const inf = /^([+-]?)inf(inity)?$/i.exec(s);
  if (inf) return { m: 0n, e: 0, inf: inf[1] === '-' ? -1 : 1 };
  let m = DECIMAL.exec(s), x: LongDouble;
  if (m) {
    const int = m[2] ?? '', frac = m[3] ?? m[4] ?? '', e = Number(m[5] ?? 0);
    if (!Number.isSafeInteger(e)) return null; // beyond any exponent: ERANGE either way
    x = from_decimal(m[1] === '-', int + frac, e - frac.length);
  } else if ((m = HEX.exec(s))) {
    const e = Number(m[5] ?? 0);
    if (!Number.isSafeInteger(e)) return null;
    x = from_hex(m[1] === '-', m[2] ?? '', m[3] ?? m[4] ?? '', e);
  } else return null;
  if (x.inf) return null; // overflow: HUGE_VAL with ERANGE
  if (x.m === 0n && /[1-9a-fA-F]/.test(s.replace(/^[+-]?0[xX]/, '').replace(/[eEpP].*$/, ''))) return null; // underflow to zero
  return x;
}

/** ld2string(LD_STR_HUMAN): `%.17Lf` (exact, ties to even), trailing zeros and a bare point cut, "-0" as "0". */
export function ld_human(x: LongDouble): string {
  if (x.inf) return x.inf > 0 ? 'inf' : '-inf';
  const neg = x.m < 0n, a = neg ? -x.m : x.m, scale = 10n ** 17n;
  const q = x.e >= 0 ? (a << BigInt(x.e)) * scale : div_round(a * scale, 1n << BigInt(-x.e));
  const digits = q.toString().padStart(18, '0');
  let s = `${digits.slice(0, -17)}.${digits.slice(-17)}`.replace(/0+$/, '').replace(/\.$/, '');
  if (neg) s = `-${s}`;
  return s === '-0' ? '0' : s;
}
