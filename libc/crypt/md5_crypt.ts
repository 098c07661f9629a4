/**
 * MD5-crypt (Kamp's FreeBSD crypt, "$1$") and Apache's "$apr1$" (apr_md5_encode: the same
 * algorithm with its own magic), htpasswd's default. lighttpd's mod_authn_file computes apr1
 * itself and hands "$1$" to crypt(3).
 */
import { md5 } from './md5.ts';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function put(buf: Uint8Array, at: number, b: Uint8Array): number { buf.set(b, at); return at + b.length; }

/** crypt's base64 of the low 6·n bits of v, least significant first (b64_from_24bit). */
export function to64(v: number, n: number): string {
  let s = '';
  while (n-- > 0) { s += ITOA64[v & 0x3f]; v >>= 6; }
  return s;
}

/** The 22 characters of the final digest, in crypt's byte order. */
function encode_final(f: Uint8Array): string {
  const g = (a: number, b: number, c: number): number => (f[a] << 16) | (f[b] << 8) | f[c];
  return to64(g(0, 6, 12), 4) + to64(g(1, 7, 13), 4) + to64(g(2, 8, 14), 4) + to64(g(3, 9, 15), 4) + to64(g(4, 10, 5), 4) + to64(f[11], 2);
}

/** The initial digest: pw, magic, salt, the alternate digest repeated, and the bit walk of pw's length. */
function initial(pw: Uint8Array, salt: Uint8Array, magic: Uint8Array): Uint8Array {
  const alt = md5(cat(pw, salt, pw));
  const parts: Uint8Array[] = [pw, magic, salt];
  for (let n = pw.length; n > 0; n -= 16) parts.push(alt.subarray(0, Math.min(16, n)));
  for (let i = pw.length; i; i >>= 1) parts.push(i & 1 ? new Uint8Array(1) : pw.subarray(0, 1));
  return md5(cat(...parts));
}

/** md5-crypt under prefix ("$1$" or "$apr1$"): prefix SALT$HASH for the salt (≤ 8 chars, to a '$') found in setting. */
export function md5_crypt(pw: Uint8Array, setting: string, prefix: string): string {
  const rest = setting.startsWith(prefix) ? setting.slice(prefix.length) : setting;
  const salt_s = rest.split('$')[0].slice(0, 8);
  const salt = new TextEncoder().encode(salt_s), magic = new TextEncoder().encode(prefix);
  let f = initial(pw, salt, magic);
  const buf = new Uint8Array(2 * pw.length + salt.length + 32);
  for (let i = 0; i < 1000; i++) {
    let n = put(buf, 0, i & 1 ? pw : f);
    if (i % 3) n = put(buf, n, salt);
    if (i % 7) n = put(buf, n, pw);
    n = put(buf, n, i & 1 ? f : pw);
    f = md5(buf, n);
  }
  return prefix + salt_s + '$' + encode_final(f);
}

/** apr_md5_encode(pw, setting): "$apr1$SALT$HASH". */
export function apr1_crypt(pw: Uint8Array, setting: string): string {
  return md5_crypt(pw, setting, '$apr1$');
}
