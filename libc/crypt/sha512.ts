/**
 * SHA-512 (FIPS 180-4 §6.4) over bytes, for SHA-512-crypt ("$6$", htpasswd -5). Its 64-bit words
 * are kept as 32-bit halves (hi, lo). The round constants and initial value are the first 64
 * bits of the fractional parts of the cube and square roots of the first primes (§4.2.3,
 * §5.3.5); they are computed once here, exactly, with BigInt, rather than typed out.
 */

const PRIMES: number[] = [];
for (let n = 2; PRIMES.length < 80; n++) if (PRIMES.every((p) => n % p !== 0)) PRIMES.push(n);

/** floor(x^(1/k)) for a BigInt x, by Newton's method from above. */
function iroot(x: bigint, k: bigint): bigint {
  let r = 1n << (BigInt(x.toString(2).length) / k + 1n);
  for (;;) {
    const next = ((k - 1n) * r + x / r ** (k - 1n)) / k;
    if (next >= r) return r;
    r = next;
  }
}

/** The 64 fractional bits of p^(1/k), as [hi, lo] halves appended to out. */
function frac_root(p: number, k: bigint, out: number[]): void {
  const v = iroot(BigInt(p) << (64n * k), k) & 0xffffffffffffffffn;
  out.push(Number(v >> 32n), Number(v & 0xffffffffn));
}

const K: number[] = [], IV: number[] = [];
for (const p of PRIMES) frac_root(p, 3n, K);
for (const p of PRIMES.slice(0, 8)) frac_root(p, 2n, IV);
const KK = new Uint32Array(K), H0 = new Uint32Array(IV);

const W = new Uint32Array(160);

/** Bits n..n+31 of the 64-bit rotation right of (h, l) by n, for the low (lo=true) or high half. */
function rotr(h: number, l: number, n: number, lo: boolean): number {
  if (n >= 32) { const t = h; h = l; l = t; n -= 32; }
  return lo ? (l >>> n) | (h << (32 - n)) : (h >>> n) | (l << (32 - n));
}

function shr(h: number, l: number, n: number, lo: boolean): number {
  return lo ? (l >>> n) | (h << (32 - n)) : h >>> n;
}

function sha512_block(H: Uint32Array, dv: DataView, off: number): void {
  for (let i = 0; i < 32; i++) W[i] = dv.getUint32(off + 4 * i);
  for (let i = 16; i < 80; i++) {
    const ah = W[2 * i - 30], al = W[2 * i - 29], bh = W[2 * i - 4], bl = W[2 * i - 3];
    const s0l = rotr(ah, al, 1, true) ^ rotr(ah, al, 8, true) ^ shr(ah, al, 7, true);
    const s0h = rotr(ah, al, 1, false) ^ rotr(ah, al, 8, false) ^ shr(ah, al, 7, false);
    const s1l = rotr(bh, bl, 19, true) ^ rotr(bh, bl, 61, true) ^ shr(bh, bl, 6, true);
    const s1h = rotr(bh, bl, 19, false) ^ rotr(bh, bl, 61, false) ^ shr(bh, bl, 6, false);
    const lo = (s0l >>> 0) + (s1l >>> 0) + W[2 * i - 13] + W[2 * i - 31];
    W[2 * i + 1] = lo;
    W[2 * i] = s0h + s1h + W[2 * i - 14] + W[2 * i - 32] + Math.floor(lo / 0x100000000);
  }
  const v = H.slice(); // a..h as (hi, lo) pairs
  for (let i = 0; i < 80; i++) {
    const eh = v[8], el = v[9], ah = v[0], al = v[1];
    const S1l = rotr(eh, el, 14, true) ^ rotr(eh, el, 18, true) ^ rotr(eh, el, 41, true);
    const S1h = rotr(eh, el, 14, false) ^ rotr(eh, el, 18, false) ^ rotr(eh, el, 41, false);
    const chl = (el & v[11]) ^ (~el & v[13]), chh = (eh & v[10]) ^ (~eh & v[12]);
    const t1l = v[15] + (S1l >>> 0) + (chl >>> 0) + KK[2 * i + 1] + W[2 * i + 1];
    const t1h = v[14] + S1h + chh + KK[2 * i] + W[2 * i] + Math.floor(t1l / 0x100000000);
    const S0l = rotr(ah, al, 28, true) ^ rotr(ah, al, 34, true) ^ rotr(ah, al, 39, true);
    const S0h = rotr(ah, al, 28, false) ^ rotr(ah, al, 34, false) ^ rotr(ah, al, 39, false);
    const majl = (al & v[3]) ^ (al & v[5]) ^ (v[3] & v[5]), majh = (ah & v[2]) ^ (ah & v[4]) ^ (v[2] & v[4]);
    const t2l = (S0l >>> 0) + (majl >>> 0), t2h = S0h + majh + Math.floor(t2l / 0x100000000);
    v.copyWithin(2, 0, 14); // h=g, g=f, f=e, e=d (+t1 below), d=c, c=b, b=a
    const el2 = v[9] + (t1l >>> 0);
    v[8] = v[8] + t1h + Math.floor(el2 / 0x100000000); v[9] = el2;
    const al2 = (t1l >>> 0) + (t2l >>> 0);
    v[0] = t1h + t2h + Math.floor(al2 / 0x100000000); v[1] = al2;
  }
  for (let i = 0; i < 16; i += 2) {
    const lo = H[i + 1] + v[i + 1];
    H[i + 1] = lo; H[i] = H[i] + v[i] + Math.floor(lo / 0x100000000);
  }
}

/** The 64-byte SHA-512 digest of msg. */
export function sha512(msg: Uint8Array): Uint8Array {
  const n = ((msg.length + 16) >> 7) * 128 + 128;
  const p = new Uint8Array(n);
  p.set(msg);
  p[msg.length] = 0x80;
  const dv = new DataView(p.buffer);
  dv.setUint32(n - 8, Math.floor(msg.length / 0x20000000));
  dv.setUint32(n - 4, (msg.length * 8) >>> 0);
  const H = H0.slice();
  for (let off = 0; off < n; off += 128) sha512_block(H, dv, off);
  const out = new Uint8Array(64), ov = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) ov.setUint32(4 * i, H[i]);
  return out;
}
