/**
 * htpasswd files as Apache's `htpasswd` writes them and lighttpd's mod_authn_file reads them:
 * "user:hash" lines; "$apr1$…" (apr1-MD5, the tool's default) and "{SHA}…" (-s) are verified
 * here, and any other field of 13 characters or more goes to crypt(3) as lighttpd hands it
 * (bcrypt -B, SHA-256/512-crypt -2/-5, "$1$" md5-crypt; libc's crypt lacks DES, so -d never
 * matches). mod_authn_file.c, mod_authn_file_htpasswd_basic().
 */
import { base64_encode } from './base64.ts';
import { apr1_crypt } from '../../libc/crypt/md5_crypt.ts';
import { crypt } from '../../libc/crypt/crypt.ts';
import { sha1 } from '../../libc/crypt/sha1.ts';

const dec = new TextDecoder();

/** Every user's hash field (the first line naming a user wins, as a scan from the top finds it). */
export function htpasswd_parse(file: Uint8Array): Map<string, string> {
  const users = new Map<string, string>();
  for (const line of dec.decode(file).split('\n')) {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (!l || l[0] === '#') continue;
    const colon = l.indexOf(':');
    if (colon > 0 && !users.has(l.slice(0, colon))) users.set(l.slice(0, colon), l.slice(colon + 1));
  }
  return users;
}

/** The hash field of `user`'s line, or null when the file has no such user. */
export function htpasswd_lookup(file: Uint8Array, user: string): string | null {
  return htpasswd_parse(file).get(user) ?? null;
}

/** Compares without an early exit on the first differing character. */
function same(a: string, b: string): boolean {
  const n = a.length < b.length ? a.length : b.length;
  let d = a.length ^ b.length;
  for (let i = 0; i < n; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}

/** Digests compared without an early exit. */
export function digest_equal(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length < b.length ? a.length : b.length;
  let d = a.length ^ b.length;
  for (let i = 0; i < n; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export type HashKind = 'apr1' | 'sha' | 'crypt' | 'unsupported';

export function hash_kind(hash: string): HashKind {
  if (hash.startsWith('$apr1$')) return 'apr1';
  if (hash.startsWith('{SHA}')) return 'sha';
  // "a simple DES password is 2 + 11 characters. everything else should be longer."
  return hash.length >= 13 ? 'crypt' : 'unsupported';
}

/** Does password pw match the stored hash? */
export function htpasswd_verify(hash: string, pw: Uint8Array): boolean {
  switch (hash_kind(hash)) {
    case 'apr1': return same(apr1_crypt(pw, hash), hash);
    case 'sha': return same(base64_encode(sha1(pw)), hash.slice(5));
    case 'crypt': { const c = crypt(pw, hash); return c !== null && same(c, hash); }
    default: return false;
  }
}
