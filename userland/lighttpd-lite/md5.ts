/** MD5 (RFC 1321) over bytes, for md5_apr1.ts: user programs have no node:crypto. */

const S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** Pads the message as MD5 and SHA-1 do: 0x80, zeros, the bit length in 8 bytes (le or be). */
export function md_pad(msg: Uint8Array, big_endian: boolean): Uint8Array {
  const n = ((msg.length + 8) >> 6) * 64 + 64;
  const out = new Uint8Array(n);
  out.set(msg);
  out[msg.length] = 0x80;
  const dv = new DataView(out.buffer);
  const bits_lo = (msg.length * 8) >>> 0, bits_hi = Math.floor(msg.length / 0x20000000);
  if (big_endian) { dv.setUint32(n - 8, bits_hi); dv.setUint32(n - 4, bits_lo); }
  else { dv.setUint32(n - 8, bits_lo, true); dv.setUint32(n - 4, bits_hi, true); }
  return out;
}

function md5_block(h: Uint32Array, dv: DataView, off: number): void {
  let a = h[0], b = h[1], c = h[2], d = h[3];
  for (let i = 0; i < 64; i++) {
    let f: number, g: number;
    if (i < 16) { f = (b & c) | (~b & d); g = i; }
    else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
    else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
    else { f = c ^ (b | ~d); g = (7 * i) & 15; }
    const x = (a + f + K[i] + dv.getUint32(off + g * 4, true)) | 0;
    a = d; d = c; c = b;
    b = (b + ((x << S[i]) | (x >>> (32 - S[i])))) | 0;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}

/** The 16-byte MD5 digest of msg. */
export function md5(msg: Uint8Array): Uint8Array {
  const p = md_pad(msg, false), dv = new DataView(p.buffer);
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  for (let off = 0; off < p.length; off += 64) md5_block(h, dv, off);
  const out = new Uint8Array(16), ov = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) ov.setUint32(i * 4, h[i], true);
  return out;
}
