/**
 * A test program: mod_authn_file's backend on /srv/users, as lighttpd-lite's mod_auth drives it,
 * then what the rest of the process can do with the fd the backend holds for the userfile:
 * read it by its raw number and by the value the backend keeps, outside the fdcap context.
 * Prints one JSON line.
 */
import type { Libc } from '../../../libc/index.ts';
import { ErrorLog } from '../../../userland/lighttpd-lite/log.ts';
import { AuthnFile } from '../../../userland/lighttpd-lite/mod_authn_file.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const a = new AuthnFile(libc, argv[1], new ErrorLog(libc));
  const fdcap = a.setup_fdcap();
  const pw = (s: string): Uint8Array => new TextEncoder().encode(s);
  const good = await a.check('alice', pw('wonderland'));
  const bad = await a.check('alice', pw('nope'));
  const buf = libc.malloc(64);
  const raw_fd = a.fd & 0xffffff;
  const by_raw = await libc.pread(raw_fd, buf, 6, 0), raw_errno = by_raw < 0 ? libc.errno : 0;
  const by_held = await libc.pread(a.fd, buf, 6, 0), held_errno = by_held < 0 ? libc.errno : 0;
  const dup_raw = await libc.dup(raw_fd);
  const again = await a.check('bob', pw('builder'));
  libc.write(1, JSON.stringify({ fdcap, good, bad, fd: a.fd, raw_fd, by_raw, raw_errno, by_held, held_errno, dup_raw, again }) + '\n');
  return 0;
}
