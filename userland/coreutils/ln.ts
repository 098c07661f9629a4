/** ln(1): hard links, -s symbolic, -f replaces the target. */
import type { Libc } from '../../libc/index.ts';
import { basename, err, err_errno, getopt, is_dir, stat } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'sfnv', { symbolic: 's', force: 'f' });
  if (!o) return 1;
  if (!o.args.length) { await err(libc, "ln: missing file operand\nTry 'ln --help' for more information."); return 1; }
  const target = o.args[0];
  let name = o.args[1] ?? basename(target);
  const st = await stat(libc, name);
  if (st && is_dir(st.mode) && o.args[1] !== undefined) name = `${name}/${basename(target)}`;
  if (o.flags.has('f')) await libc.unlink(name);
  const r = o.flags.has('s') ? await libc.symlink(target, name) : await libc.link(target, name);
  if (r < 0) {
    await err_errno(libc, 'ln', o.flags.has('s') || libc.errno === libc.EEXIST ? `failed to create ${o.flags.has('s') ? 'symbolic ' : 'hard '}link '${name}'` : `failed to create hard link '${name}' => '${target}'`);
    return 1;
  }
  return 0;
}
