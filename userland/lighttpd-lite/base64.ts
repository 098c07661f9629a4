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

/**
 * Decodes s as lighttpd 1.4.69's li_base64_dec does (checked against it with Basic
 * credentials): spaces and tabs are skipped, '=' or any other character outside the alphabet
 * ends the input; null when nothing was decoded or a lone sextet is left over.
 */
export function base64_decode(s: string): Uint8Array | null {
  const out = new Uint8Array((s.length * 3) >> 2);
  let acc = 0, bits = 0, o = 0, n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    const v = c > 0xff ? -1 : REV[c];
    if (v < 0) break;
    acc = ((acc << 6) | v) & 0xffffff; bits += 6; n++;
    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }
  }
  return o === 0 || (n & 3) === 1 ? null : o === out.length ? out : out.slice(0, o);
}
