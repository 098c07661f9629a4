/**
 * SHA-crypt, "$5$" (SHA-256) and "$6$" (SHA-512), as Ulrich Drepper's specification and glibc's
 * crypt/sha256-crypt.c and sha512-crypt.c compute it (htpasswd -2 / -5 write these):
 * "$5$" ["rounds=N$"] salt(≤ 16 chars) "$" hash. https://www.akkadia.org/drepper/SHA-crypt.txt
 */
import { sha256 } from './sha256.ts';
import { sha512 } from './sha512.ts';
import { to64 } from './md5_crypt.ts';

const ROUNDS_DEFAULT = 5000, ROUNDS_MIN = 1000, ROUNDS_MAX = 999999999;
const SALT_LEN_MAX = 16;

interface Variant { prefix: string; hash: (m: Uint8Array) => Uint8Array; size: number }
const SHA256: Variant = { prefix: '$5$', hash: sha256, size: 32 };
const SHA512: Variant = { prefix: '$6$', hash: sha512, size: 64 };

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) { out.set(p, n); n += p.length; }
  return out;
}

/** len bytes of d repeated (the spec's "P" and "S" byte sequences and its B-for-each-byte step). */
function repeat_to(d: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let o = 0; o < len; o += d.length) out.set(d.subarray(0, Math.min(d.length, len - o)), o);
  return out;
}

/**
 * The result's bytes in the order the encoding takes them, three at a time: digest byte k goes
 * with k + n/3 and k + 2n/3, rotated by k mod 3 (one way for 32 bytes, the other for 64); the
 * last one or two bytes go alone.
 */
function encode(v: Variant, r: Uint8Array): string {
  const third = v.size === 32 ? 10 : 21;
  let s = '';
  for (let k = 0; k < third; k++) {
    const t = [r[k], r[k + third], r[k + 2 * third]], rot = v.size === 32 ? (3 - (k % 3)) % 3 : k % 3;
    s += to64((t[rot] << 16) | (t[(rot + 1) % 3] << 8) | t[(rot + 2) % 3], 4);
  }
  return v.size === 32 ? s + to64((r[31] << 8) | r[30], 3) : s + to64(r[63], 2);
}

function sha_crypt(v: Variant, pw: Uint8Array, setting: string): string {
  let rest = setting.slice(v.prefix.length), rounds = ROUNDS_DEFAULT, custom = false;
  const m = /^rounds=(\d+)\$/.exec(rest);
  if (m) { rounds = Math.max(ROUNDS_MIN, Math.min(Number(m[1]), ROUNDS_MAX)); custom = true; rest = rest.slice(m[0].length); }
  const salt_s = rest.split('$')[0].slice(0, SALT_LEN_MAX), salt = new TextEncoder().encode(salt_s);
  const B = v.hash(concat([pw, salt, pw]));
  const a_parts = [pw, salt, repeat_to(B, pw.length)];
  for (let n = pw.length; n > 0; n >>= 1) a_parts.push(n & 1 ? B : pw);
  const A = v.hash(concat(a_parts));
  const P = repeat_to(v.hash(repeat_to(pw, pw.length * pw.length)), pw.length);
  const S = repeat_to(v.hash(repeat_to(salt, salt.length * (16 + A[0]))), salt.length);
  let C = A;
  for (let i = 0; i < rounds; i++) {
    const parts = [i & 1 ? P : C];
    if (i % 3) parts.push(S);
    if (i % 7) parts.push(P);
    parts.push(i & 1 ? C : P);
    C = v.hash(concat(parts));
  }
  return `${v.prefix}${custom ? `rounds=${rounds}$` : ''}${salt_s}$${encode(v, C)}`;
}

/** SHA-256-crypt of pw under setting ("$5$…"). */
export const sha256_crypt = (pw: Uint8Array, setting: string): string => sha_crypt(SHA256, pw, setting);
/** SHA-512-crypt of pw under setting ("$6$…"). */
export const sha512_crypt = (pw: Uint8Array, setting: string): string => sha_crypt(SHA512, pw, setting);
