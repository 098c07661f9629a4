/** cp(1): files, into a directory, -r for directories; the mode is kept. */
import type { Libc } from '../../libc/index.ts';
import { basename, err, err_errno, getopt, is_dir, out, read_all, stat } from './common.ts';

async function copy_file(libc: Libc, src: string, dst: string, mode: number): Promise<boolean> {
  const data = await read_all(libc, src);
  if (!data) { await err_errno(libc, 'cp', `cannot open '${src}' for reading`); return false; }
  const fd = (await libc.open(dst, libc.O_WRONLY | libc.O_CREAT | libc.O_TRUNC, mode & 0o7777)) as number;
  if (fd < 0) { await err_errno(libc, 'cp', `cannot create regular file '${dst}'`); return false; }
  const ok = await out(libc, data, fd);
  await libc.close(fd);
  if (!ok) await err_errno(libc, 'cp', `error writing '${dst}'`);
  return ok;
}

async function copy(libc: Libc, src: string, dst: string, recursive: boolean): Promise<boolean> {
  const st = await stat(libc, src);
  if (!st) { await err_errno(libc, 'cp', `cannot stat '${src}'`); return false; }
  if (!is_dir(st.mode)) return copy_file(libc, src, dst, st.mode);
  if (!recursive) { await err(libc, `cp: -r not specified; omitting directory '${src}'`); return false; }
  if ((await libc.mkdir(dst, st.mode & 0o7777)) < 0 && libc.errno !== libc.EEXIST) { await err_errno(libc, 'cp', `cannot create directory '${dst}'`); return false; }
  const names = await libc.listdir(src);
  let ok = typeof names !== 'number';
  if (typeof names !== 'number') for (const n of names) if (n !== '.' && n !== '..') ok = (await copy(libc, `${src}/${n}`, `${dst}/${n}`, true)) && ok;
  return ok;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'rRpfav', { recursive: 'r' });
  if (!o) return 1;
  if (o.args.length < 2) { await err(libc, `cp: missing ${o.args.length ? `destination file operand after '${o.args[0]}'` : 'file operand'}\nTry 'cp --help' for more information.`); return 1; }
  const dst = o.args[o.args.length - 1], srcs = o.args.slice(0, -1);
  const dst_st = await stat(libc, dst);
  const into = dst_st !== null && is_dir(dst_st.mode);
  if (srcs.length > 1 && !into) { await err(libc, `cp: target '${dst}' is not a directory`); return 1; }
  const rec = o.flags.has('r') || o.flags.has('R') || o.flags.has('a');
  let ok = true;
  for (const s of srcs) ok = (await copy(libc, s, into ? `${dst}/${basename(s)}` : dst, rec)) && ok;
  return ok ? 0 : 1;
}
