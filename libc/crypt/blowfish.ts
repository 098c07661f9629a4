/**
 * Blowfish (Schneier 1993), the cipher under bcrypt: 16 Feistel rounds over an 18-word P-array
 * and four 256-word S-boxes. Its initial state is the fractional part of pi in hex (P[0] =
 * 0x243f6a88 …), which this file computes once, on first use, instead of carrying 1,042 magic
 * words: pi = 16·atan(1/5) − 4·atan(1/239) (Machin) in fixed point with BigInt. The state is
 * shaped as OpenBSD's blf.h `blf_ctx`: https://github.com/openbsd/src/blob/master/sys/crypto/blf.c
 */

/** blf_ctx: S-boxes as one 1024-word array (S0 at 0, S1 at 256, …), then the P-array. */
export interface BlfCtx { readonly S: Uint32Array; readonly P: Uint32Array }

const BLF_N = 16;
const WORDS = 18 + 1024;

/** atan(1/x) scaled by 2^bits, by its alternating series. */
function atan_inv(x: bigint, bits: bigint): bigint {
  const x2 = x * x;
  let term = (1n << bits) / x, sum = term, k = 1n, sign = -1n;
  while (term !== 0n) {
    term /= x2;
    k += 2n;
    sum += sign * (term / k);
    sign = -sign;
  }
  return sum;
}

let pi_words: Uint32Array | null = null;

/** The first WORDS 32-bit words of pi's fractional part (computed once, ~0.1 s). */
function pi_fraction(): Uint32Array {
  if (pi_words) return pi_words;
  const bits = BigInt(WORDS * 32 + 64); // 64 guard bits absorb the series' truncation errors
  const pi = 16n * atan_inv(5n, bits) - 4n * atan_inv(239n, bits);
  const frac = (pi - (3n << bits)) >> 64n; // drop the guard bits: WORDS·32 bits of the fraction
  const out = new Uint32Array(WORDS);
  let v = frac;
  for (let i = WORDS - 1; i >= 0; i--) { out[i] = Number(v & 0xffffffffn); v >>= 32n; }
  pi_words = out;
  return out;
}

/** Blowfish_initstate(): P and S from pi. */
export function blf_initstate(): BlfCtx {
  const w = pi_fraction();
  return { P: w.slice(0, 18), S: w.slice(18) };
}

/** Blowfish_encipher() on the pair held in x[0], x[1]. */
export function blf_encipher(c: BlfCtx, x: Uint32Array): void {
  const S = c.S, P = c.P;
  let l = x[0] ^ P[0], r = x[1];
  for (let i = 1; i <= BLF_N; i += 2) {
    r ^= (((S[l >>> 24] + S[256 | ((l >>> 16) & 0xff)]) ^ S[512 | ((l >>> 8) & 0xff)]) + S[768 | (l & 0xff)]) ^ P[i];
    l ^= (((S[r >>> 24] + S[256 | ((r >>> 16) & 0xff)]) ^ S[512 | ((r >>> 8) & 0xff)]) + S[768 | (r & 0xff)]) ^ P[i + 1];
  }
  x[0] = r ^ P[BLF_N + 1];
  x[1] = l;
}

/** Blowfish_stream2word(): the next 4 bytes of data, big-endian, wrapping around; pos[0] advances. */
export function stream2word(data: Uint8Array, pos: Uint32Array): number {
  let w = 0, j = pos[0];
  for (let i = 0; i < 4; i++) {
    if (j >= data.length) j = 0;
    w = (w << 8) | data[j++];
  }
  pos[0] = j;
  return w >>> 0;
}

/**
 * Blowfish_expandstate() (salt given) / Blowfish_expand0state() (salt null): the key is XORed
 * into P, then P and S are replaced by successive encryptions, each of the running block
 * XORed with the next salt words.
 */
export function blf_expand(c: BlfCtx, salt: Uint8Array | null, key: Uint8Array): void {
  const kp = new Uint32Array(1), sp = new Uint32Array(1), x = new Uint32Array(2);
  for (let i = 0; i < 18; i++) c.P[i] ^= stream2word(key, kp);
  const fill = (arr: Uint32Array): void => {
    for (let i = 0; i < arr.length; i += 2) {
      if (salt) { x[0] ^= stream2word(salt, sp); x[1] ^= stream2word(salt, sp); }
      blf_encipher(c, x);
      arr[i] = x[0]; arr[i + 1] = x[1];
    }
  };
  fill(c.P);
  fill(c.S);
}
