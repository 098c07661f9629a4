/** mv(1): rename(2), into a directory when the target is one. */
import type { Libc } from '../../libc/index.ts';
import { basename, err, err_errno, getopt, is_dir, stat } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'fiv');
  if (!o) return 1;
  if (o.args.length < 2) { await err(libc, `mv: missing ${o.args.length ? `destination file operand after '${o.args[0]}'` : 'file operand'}\nTry 'mv --help' for more information.`); return 1; }
  const dst = o.args[o.args.length - 1], srcs = o.args.slice(0, -1);
  const st = await stat(libc, dst);
  const into = st !== null && is_dir(st.mode);
  if (srcs.length > 1 && !into) { await err(libc, `mv: target '${dst}' is not a directory`); return 1; }
  let status = 0;
  for (const s of srcs) {
    const to = into ? `${dst}/${basename(s)}` : dst;
    if ((await libc.rename(s, to)) < 0) {
      const e = libc.errno;
      const gone = e === libc.ENOENT && !(await stat(libc, s, false));
      libc.errno = e;
      await err_errno(libc, 'mv', gone ? `cannot stat '${s}'` : `cannot move '${s}' to '${to}'`);
      status = 1;
    }
  }
  return status;
}
