/**
 * bcrypt (Provos & Mazières 1999) as OpenBSD's lib/libc/crypt/bcrypt.c computes it, and as
 * Apache's `htpasswd -B` (the "$2y$" prefix), PHP and libxcrypt write it:
 * "$2" minor "$" cost(2 digits) "$" salt(22) hash(31), in bcrypt's own base64 alphabet.
 * https://github.com/openbsd/src/blob/master/lib/libc/crypt/bcrypt.c
 */
import { blf_encipher, blf_expand, blf_initstate, stream2word } from './blowfish.ts';

const B64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64_REV = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_REV[B64.charCodeAt(i)] = i;

const BCRYPT_MAXSALT = 16;
const BCRYPT_WORDS = 6;
const BCRYPT_MINLOGROUNDS = 4;
/** The 24 bytes the expensive key schedule encrypts 64 times. */
const CIPHERTEXT = new TextEncoder().encode('OrpheanBeholderScryDoubt');

/** bcrypt's base64 of b (no padding; the last partial group carries its leftover bits). */
export function bcrypt_b64_encode(b: Uint8Array): string {
  let s = '', acc = 0, bits = 0;
  for (const byte of b) {
    acc = (acc << 8) | byte; bits += 8;
    while (bits >= 6) { bits -= 6; s += B64[(acc >> bits) & 63]; }
  }
  if (bits > 0) s += B64[(acc << (6 - bits)) & 63];
  return s;
}

/** The first n bytes s encodes, or null on a character outside the alphabet or too short an s. */
export function bcrypt_b64_decode(s: string, n: number): Uint8Array | null {
  const out = new Uint8Array(n);
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; o < n; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_REV[c] : -1;
    if (v < 0) return null; // also the end of s (NaN)
    acc = ((acc << 6) | v) & 0xffff; bits += 6;
    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }
  }
  return out;
}

interface Setting { minor: string; logr: number; salt: Uint8Array }

/** Parses "$2[ab y]$NN$<salt>…", as bcrypt_hashpass() does; null where it fails (EINVAL). */
function parse_setting(setting: string): Setting | null {
  const m = /^\$2([aby]?)\$(\d\d)\$/.exec(setting);
  if (!m) return null;
  const logr = Number(m[2]);
  if (logr < BCRYPT_MINLOGROUNDS || logr > 31) return null;
  const salt = bcrypt_b64_decode(setting.slice(m[0].length), BCRYPT_MAXSALT);
  return salt ? { minor: m[1], logr, salt } : null;
}

/** The key bytes bcrypt feeds Blowfish: the C string (to its first NUL) with its NUL, by minor version. */
function key_bytes(pw: Uint8Array, minor: string): Uint8Array {
  const nul = pw.indexOf(0);
  const len = nul < 0 ? pw.length : nul;
  // "$2$" and "$2a$": an 8-bit length (a 255-byte key wraps, the historical bug "$2b$" fixed).
  const n = minor === '' || minor === 'a' ? (len + (minor === 'a' ? 1 : 0)) & 0xff : Math.min(len, 72) + 1;
  const key = new Uint8Array(n);
  key.set(pw.subarray(0, Math.min(len, n)));
  return key;
}

/**
 * The bcrypt hash of password pw under setting (a full hash or just its "$2y$NN$salt" prefix),
 * or null when the setting is not a valid bcrypt one.
 */
export function bcrypt(pw: Uint8Array, setting: string): string | null {
  const s = parse_setting(setting);
  if (!s) return null;
  const key = key_bytes(pw, s.minor);
  const ctx = blf_initstate();
  blf_expand(ctx, s.salt, key);
  for (let k = 0, rounds = 2 ** s.logr; k < rounds; k++) {
    blf_expand(ctx, null, key);
    blf_expand(ctx, null, s.salt);
  }
  const cdata = new Uint32Array(BCRYPT_WORDS), pos = new Uint32Array(1), pair = new Uint32Array(2);
  for (let i = 0; i < BCRYPT_WORDS; i++) cdata[i] = stream2word(CIPHERTEXT, pos);
  for (let k = 0; k < 64; k++) {
    for (let i = 0; i < BCRYPT_WORDS; i += 2) {
      pair[0] = cdata[i]; pair[1] = cdata[i + 1];
      blf_encipher(ctx, pair);
      cdata[i] = pair[0]; cdata[i + 1] = pair[1];
    }
  }
  const out = new Uint8Array(4 * BCRYPT_WORDS);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < BCRYPT_WORDS; i++) dv.setUint32(4 * i, cdata[i]);
  return `$2${s.minor}$${String(s.logr).padStart(2, '0')}$${bcrypt_b64_encode(s.salt)}${bcrypt_b64_encode(out.subarray(0, 23))}`;
}
