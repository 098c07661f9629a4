/**
 * MD5 (RFC 1321) over bytes, for md5-crypt and apr1 (md5_crypt.ts): user programs have no node:crypto. Messages up to
 * 119 bytes (every step of apr1) are padded in a reused block buffer, so the 1000 rounds of
 * MD5-crypt allocate only their 16-byte digests.
 */

const S = Int32Array.from([7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]);
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
const G = Int32Array.from({ length: 64 }, (_, i) => (i < 16 ? i : i < 32 ? 5 * i + 1 : i < 48 ? 3 * i + 5 : 7 * i) & 15);

/** Pads the message as MD5 and SHA-1 do: 0x80, zeros, the bit length in 8 bytes (le or be). */
export function md_pad(msg: Uint8Array, big_endian: boolean, len = msg.length, into?: Uint8Array): Uint8Array {
  const n = ((len + 8) >> 6) * 64 + 64;
  const out = into && into.length >= n ? into.subarray(0, n).fill(0) : new Uint8Array(n);
  // Element copies and no subarray: a view of a small array would move its storage off V8's heap.
  if (len === msg.length) out.set(msg); else for (let i = 0; i < len; i++) out[i] = msg[i];
  out[len] = 0x80;
  const dv = new DataView(out.buffer, out.byteOffset, n);
  const bits_lo = (len * 8) >>> 0, bits_hi = Math.floor(len / 0x20000000);
  if (big_endian) { dv.setUint32(n - 8, bits_hi); dv.setUint32(n - 4, bits_lo); }
  else { dv.setUint32(n - 8, bits_lo, true); dv.setUint32(n - 4, bits_hi, true); }
  return out;
}

const X = new Int32Array(16);

function md5_block(h: Int32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) { const o = off + i * 4; X[i] = b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24); }
  let a = h[0], bb = h[1], c = h[2], d = h[3];
  for (let i = 0; i < 64; i++) {
    const f = i < 16 ? (bb & c) | (~bb & d) : i < 32 ? (d & bb) | (~d & c) : i < 48 ? bb ^ c ^ d : c ^ (bb | ~d);
    const x = (a + f + K[i] + X[G[i]]) | 0;
    a = d; d = c; c = bb;
    bb = (bb + ((x << S[i]) | (x >>> (32 - S[i])))) | 0;
  }
  h[0] = (h[0] + a) | 0; h[1] = (h[1] + bb) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
}

const PAD = new Uint8Array(128);
const H = new Int32Array(4);

/** The 16-byte MD5 digest of msg[0..len). */
export function md5(msg: Uint8Array, len = msg.length): Uint8Array {
  const p = md_pad(msg, false, len, PAD);
  H[0] = 0x67452301; H[1] = 0xefcdab89 | 0; H[2] = 0x98badcfe | 0; H[3] = 0x10325476;
  for (let off = 0; off < p.length; off += 64) md5_block(H, p, off);
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) { out[i * 4] = H[i]; out[i * 4 + 1] = H[i] >>> 8; out[i * 4 + 2] = H[i] >>> 16; out[i * 4 + 3] = H[i] >>> 24; }
  return out;
}
