/** touch(1): creates missing files (unless -c) and sets their times to now (utimensat). */
import type { Libc } from '../../libc/index.ts';
import { err, err_errno, getopt } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'cam');
  if (!o) return 1;
  if (!o.args.length) { await err(libc, "touch: missing file operand\nTry 'touch --help' for more information."); return 1; }
  let status = 0;
  for (const f of o.args) {
    if ((await libc.utimensat(libc.AT_FDCWD, f, 0, 0)) === 0) continue;
    if (libc.errno !== libc.ENOENT || o.flags.has('c')) { if (!o.flags.has('c')) { await err_errno(libc, 'touch', `cannot touch '${f}'`); status = 1; } continue; }
    const fd = (await libc.open(f, libc.O_WRONLY | libc.O_CREAT, 0o666)) as number;
    if (fd < 0) { await err_errno(libc, 'touch', `cannot touch '${f}'`); status = 1; continue; }
    await libc.close(fd);
  }
  return status;
}
