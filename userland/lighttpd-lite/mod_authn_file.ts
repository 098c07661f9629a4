/**
 * mod_authn_file's htpasswd backend, with seed 003's protection: when /dev/fdcap exists (privos
 * run --fdcap, or --fdcap --soft-pac on x86_64) the userfile's fd is opened, read and closed
 * only inside an fdcap context entered around the password check by authn_file_check — the one
 * call site registered with fdcap_init. Everywhere else in the server the number it holds is a
 * token that no syscall accepts (the module answers EBADF), and the raw fd number is refused too.
 *
 * The fd stays open between checks (reopened when the file's inode, size or mtime change), so
 * the server really holds an fd for the file that only the check can use.
 */
import type { Libc } from '../../libc/index.ts';
import type { ErrorLog } from './log.ts';
import { htpasswd_lookup, htpasswd_verify } from './htpasswd.ts';

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

  check(user: string, pw: Uint8Array): Promise<CheckResult> { return authn_file_check(this, user, pw); }
}

/** Reopens the userfile when it changed on disk (or was never opened); the file's size, or -1. */
async function refresh(a: AuthnFile, stbuf: number): Promise<number> {
  const l = a.libc;
  if ((await l.stat(a.path, stbuf)) < 0) return -1;
  const st = l.parse_stat(stbuf), key = `${st.ino}:${st.size}:${st.mtime_ns}`;
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

/** Looks the user up and verifies the password: the code inside the fdcap context. */
async function lookup_verify(a: AuthnFile, user: string, pw: Uint8Array): Promise<CheckResult> {
  const l = a.libc, stbuf = l.malloc(256);
  try {
    const size = await refresh(a, stbuf);
    if (size < 0) { a.log.write('mod_authn_file.ts', `opening ${a.path} failed: ${l.strerror(l.errno)}`); return 'error'; }
    const data = await read_all(a, size);
    if (!data) { a.log.write('mod_authn_file.ts', `reading ${a.path} failed: ${l.strerror(l.errno)}`); return 'error'; }
    const hash = htpasswd_lookup(data, user);
    if (hash === null) return 'nouser';
    return htpasswd_verify(hash, pw) ? 'ok' : 'badpw';
  } finally { l.free(stbuf); }
}

/** The password check; under fdcap it runs between fdcap_enter (from this very function) and fdcap_exit. */
async function authn_file_check(a: AuthnFile, user: string, pw: Uint8Array): Promise<CheckResult> {
  const l = a.libc;
  if (a.ctx < 0) return lookup_verify(a, user, pw);
  if ((await l.fdcap_enter(a.ctx, authn_file_check)) < 0) {
    a.log.write('mod_authn_file.ts', `fdcap_enter failed: ${l.strerror(l.errno)}`);
    return 'error';
  }
  try { return await lookup_verify(a, user, pw); } finally { await l.fdcap_exit(); }
}
