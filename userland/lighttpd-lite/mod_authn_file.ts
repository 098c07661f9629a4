/**
 * mod_authn_file's htpasswd backend, with seed 003's protection: when /dev/fdcap exists (privos
 * run --fdcap, or --fdcap --soft-pac on x86_64) the userfile's fd is opened, read and closed
 * only inside an fdcap context entered around the password check by authn_file_check — the one
 * call site registered with fdcap_init. Everywhere else in the server the number it holds is a
 * token that no syscall accepts (the module answers EBADF), and the raw fd number is refused too.
 *
 * The fd stays open between checks (reopened when the file's inode, size or mtime change), so
 * the server really holds an fd for the file that only the check can use.
 *
 * Each check reads the file through that fd, as lighttpd reads the userfile on every request
 * (strace of 1.4.69: open, fstat, read, close per request); the path is stat'ed at most once a
 * second (the stat cache's rule) to notice a file replaced by rename. What is kept between checks
 * holds no fd: the file's bytes and their parse (reused while the bytes read are identical), and
 * for apr1 entries (1000 MD5 rounds) a SHA-1 of the password last verified against each hash —
 * the role of lighttpd's auth.cache, which keeps a digest of verified passwords too.
 */
import type { Libc } from '../../libc/index.ts';
import type { ErrorLog } from './log.ts';
import { base64_decode, base64_encode } from './base64.ts';
import { digest_equal, hash_kind, htpasswd_parse, htpasswd_verify } from './htpasswd.ts';
import { sha1 } from '../../libc/crypt/sha1.ts';

export type CheckResult = 'ok' | 'nouser' | 'badpw' | 'error';

export class AuthnFile {
  /** The fd (a token under fdcap) of the open userfile, -1 when closed. */
  fd = -1;
  /** The fdcap context id, -1 when fdcap is not in use. */
  ctx = -1;
  /** ino:size:mtime of the open file, to notice a rewritten userfile. */
  key = '';
  /** A heap buffer for the file's bytes. */
  buf = 0;
  buf_size = 0;
  /** The second of the last stat of the path (-1: stat on the next check) and the size it gave. */
  stat_ts = -1;
  size = 0;
  /**
   * The bytes last read and their parse; {SHA} hash → its 20 digest bytes (null: not the
   * base64 htpasswd writes); apr1 hash → the SHA-1 of the password it last verified.
   */
  data: Uint8Array | null = null;
  users = new Map<string, string>();
  sha = new Map<string, Uint8Array | null>();
  verified = new Map<string, Uint8Array>();

  constructor(readonly libc: Libc, readonly path: string, readonly log: ErrorLog) {}

  /** Uses fdcap when the module is loaded: registers the check as the enter site, creates the context. */
  setup_fdcap(): boolean {
    const l = this.libc;
    if ((l.fdcap_init(authn_file_check) as number) < 0) return false;
    const ctx = l.fdcap_create() as number;
    if (ctx < 0) { this.log.write('mod_authn_file.ts', `fdcap_create failed: ${l.strerror(l.errno)}`); return false; }
    this.ctx = ctx;
    return true;
  }

  /** now: the server's second, to stat the path once per second; without it every check stats. */
  check(user: string, pw: Uint8Array, now = -1): Promise<CheckResult> { return authn_file_check(this, user, pw, now); }
}

/** Reopens the userfile when it changed on disk (or was never opened); the file's size, or -1. */
async function refresh(a: AuthnFile, now: number): Promise<number> {
  const l = a.libc;
  if (a.fd >= 0 && now >= 0 && now === a.stat_ts) return a.size;
  const stbuf = l.malloc(256);
  try { return await reopen(a, stbuf, now); } finally { l.free(stbuf); }
}

async function reopen(a: AuthnFile, stbuf: number, now: number): Promise<number> {
  const l = a.libc;
  if ((await l.stat(a.path, stbuf)) < 0) return -1;
  const st = l.parse_stat(stbuf), key = `${st.ino}:${st.size}:${st.mtime_ns}`;
  a.stat_ts = now; a.size = st.size;
  if (a.fd >= 0 && key === a.key) return st.size;
  if (a.fd >= 0) await l.close(a.fd);
  a.fd = await l.open(a.path, l.O_RDONLY | l.O_CLOEXEC);
  a.key = a.fd >= 0 ? key : '';
  return a.fd >= 0 ? st.size : -1;
}

/** The userfile's bytes through the open fd (pread from 0). */
async function read_all(a: AuthnFile, size: number): Promise<Uint8Array | null> {
  const l = a.libc, s = a;
  if (s.buf_size < size + 1) { if (s.buf) l.free(s.buf); s.buf_size = Math.max(4096, size + 1); s.buf = l.malloc(s.buf_size); }
  let got = 0;
  while (got < size) {
    const n = await l.pread(a.fd, s.buf + got, size - got, got);
    if (n < 0) return null;
    if (n === 0) break;
    got += n;
  }
  return l.peek(s.buf, got);
}

function same_bytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The parse of the bytes just read: the kept one while they are unchanged. */
function users_of(a: AuthnFile, data: Uint8Array): Map<string, string> {
  if (same_bytes(a.data, data)) return a.users;
  a.data = data; a.users = htpasswd_parse(data); a.sha.clear(); a.verified.clear();
  return a.users;
}

/** A {SHA} field's digest bytes, when the field is exactly the base64 of 20 bytes. */
function sha_digest(a: AuthnFile, hash: string): Uint8Array | null {
  let d = a.sha.get(hash);
  if (d === undefined) {
    const b = base64_decode(hash.slice(5));
    d = b && b.length === 20 && base64_encode(b) === hash.slice(5) ? b : null;
    a.sha.set(hash, d);
  }
  return d;
}

/** htpasswd_verify with the parse's help: {SHA} against decoded bytes, apr1's rounds skipped for the password last verified. */
function verify(a: AuthnFile, hash: string, pw: Uint8Array): boolean {
  const kind = hash_kind(hash);
  if (kind === 'unsupported') return false;
  const d = sha1(pw);
  if (kind === 'sha') { const want = sha_digest(a, hash); return want !== null && digest_equal(d, want); }
  const prev = a.verified.get(hash);
  if (prev && digest_equal(prev, d)) return true;
  const ok = htpasswd_verify(hash, pw);
  if (ok) a.verified.set(hash, d);
  return ok;
}

/** Looks the user up and verifies the password: the code inside the fdcap context. */
async function lookup_verify(a: AuthnFile, user: string, pw: Uint8Array, now: number): Promise<CheckResult> {
  const l = a.libc;
  const size = await refresh(a, now);
  if (size < 0) { a.log.write('mod_authn_file.ts', `opening ${a.path} failed: ${l.strerror(l.errno)}`); return 'error'; }
  const data = await read_all(a, size);
  if (!data) { a.log.write('mod_authn_file.ts', `reading ${a.path} failed: ${l.strerror(l.errno)}`); return 'error'; }
  const hash = users_of(a, data).get(user);
  if (hash === undefined) return 'nouser';
  return verify(a, hash, pw) ? 'ok' : 'badpw';
}

/** The password check; under fdcap it runs between fdcap_enter (from this very function) and fdcap_exit. */
async function authn_file_check(a: AuthnFile, user: string, pw: Uint8Array, now: number): Promise<CheckResult> {
  const l = a.libc;
  if (a.ctx < 0) return lookup_verify(a, user, pw, now);
  if ((await l.fdcap_enter(a.ctx, authn_file_check)) < 0) {
    a.log.write('mod_authn_file.ts', `fdcap_enter failed: ${l.strerror(l.errno)}`);
    return 'error';
  }
  try { return await lookup_verify(a, user, pw, now); } finally { await l.fdcap_exit(); }
}
