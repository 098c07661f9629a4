/** Base64 (RFC 4648) as lighttpd's base64.c: strict decoding for Basic credentials, encoding for {SHA}. */

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const REV = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) REV[ALPHA.charCodeAt(i)] = i;

export function base64_encode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += ALPHA[n >> 18] + ALPHA[(n >> 12) & 63] + (i + 1 < b.length ? ALPHA[(n >> 6) & 63] : '=') + (i + 2 < b.length ? ALPHA[n & 63] : '=');
  }
  return s;
}

/** Decodes s; null when it holds a character outside the alphabet or bad padding. */
export function base64_decode(s: string): Uint8Array | null {
  let end = s.length;
  while (end > 0 && s[end - 1] === '=') end--;
  if (s.length - end > 2 || (end & 3) === 1) return null;
  const out = new Uint8Array((end * 3) >> 2);
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < end; i++) {
    const v = REV[s.charCodeAt(i) & 0xff];
    if (v < 0 || s.charCodeAt(i) > 0xff) return null;
    acc = (acc << 6) | v; bits += 6;
    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }
  }
  return out;
}
