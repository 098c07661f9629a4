/** SHA-1 (FIPS 180-4) over bytes, for htpasswd's {SHA} entries and Redis's script SHAs: user programs have no node:crypto. */
import { md_pad } from './md5.ts';

function rotl(x: number, n: number): number { return (x << n) | (x >>> (32 - n)); }

function sha1_block(h: Uint32Array, w: Uint32Array, dv: DataView, off: number): void {
  for (let i = 0; i < 16; i++) w[i] = dv.getUint32(off + i * 4);
  for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (let i = 0; i < 80; i++) {
    let f: number, k: number;
    if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
    else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
    else { f = b ^ c ^ d; k = 0xca62c1d6; }
    const t = (rotl(a, 5) + f + e + k + w[i]) | 0;
    e = d; d = c; c = rotl(b, 30); b = a; a = t;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

// Scratch reused by every call (as md5.ts does): the password check runs once per request.
const W = new Uint32Array(80), H = new Uint32Array(5);
let pad = new Uint8Array(128), pad_view = new DataView(pad.buffer);

/** The 20-byte SHA-1 digest of msg. */
export function sha1(msg: Uint8Array): Uint8Array {
  if (pad.length < msg.length + 72) { pad = new Uint8Array(msg.length + 136); pad_view = new DataView(pad.buffer); }
  const p = md_pad(msg, true, msg.length, pad);
  H[0] = 0x67452301; H[1] = 0xefcdab89; H[2] = 0x98badcfe; H[3] = 0x10325476; H[4] = 0xc3d2e1f0;
  for (let off = 0; off < p.length; off += 64) sha1_block(H, W, pad_view, off);
  const out = new Uint8Array(20);
  for (let i = 0; i < 5; i++) { const v = H[i]; out[i * 4] = v >>> 24; out[i * 4 + 1] = v >>> 16; out[i * 4 + 2] = v >>> 8; out[i * 4 + 3] = v; }
  return out;
}
