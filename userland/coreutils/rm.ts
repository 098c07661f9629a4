/** rm(1): -f ignores missing files, -r/-R removes directories recursively; directories need -r (or -d). */
import type { Libc } from '../../libc/index.ts';
import { err, err_errno, getopt, is_dir, stat } from './common.ts';

async function remove(libc: Libc, path: string, o: { r: boolean; f: boolean; d: boolean }): Promise<boolean> {
  const st = await stat(libc, path, false);
  if (!st) {
    if (o.f && libc.errno === libc.ENOENT) return true;
    await err_errno(libc, 'rm', `cannot remove '${path}'`);
    return false;
  }
  if (is_dir(st.mode)) {
    if (!o.r && !o.d) { await err(libc, `rm: cannot remove '${path}': Is a directory`); return false; }
    let ok = true;
    if (o.r) {
      const names = await libc.listdir(path);
      if (typeof names !== 'number') for (const n of names) if (n !== '.' && n !== '..') ok = (await remove(libc, `${path}/${n}`, o)) && ok;
    }
    if ((await libc.rmdir(path)) < 0) { await err_errno(libc, 'rm', `cannot remove '${path}'`); return false; }
    return ok;
  }
  if ((await libc.unlink(path)) < 0) { await err_errno(libc, 'rm', `cannot remove '${path}'`); return false; }
  return true;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'fRrdiv', { force: 'f', recursive: 'r' });
  if (!o) return 1;
  if (!o.args.length) { if (o.flags.has('f')) return 0; await err(libc, "rm: missing operand\nTry 'rm --help' for more information."); return 1; }
  const opts = { r: o.flags.has('r') || o.flags.has('R'), f: o.flags.has('f'), d: o.flags.has('d') };
  let ok = true;
  for (const p of o.args) ok = (await remove(libc, p, opts)) && ok;
  return ok ? 0 : 1;
}
