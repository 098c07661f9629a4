/** sort(1): lines of the files (or standard input); -r, -n, -u, -f, -k N (one field), -t SEP, -o FILE. */
import type { Libc } from '../../libc/index.ts';
import { err_errno, getopt, lines, out, read_all } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'rnufk:t:o:b', { reverse: 'r', unique: 'u' });
  if (!o) return 2;
  const all: string[] = [];
  for (const f of o.args.length ? o.args : ['-']) {
    const d = await read_all(libc, f);
    if (!d) { await err_errno(libc, 'sort', `cannot read: ${f}`); return 2; }
    all.push(...lines(new TextDecoder().decode(d)));
  }
  const F = o.flags, sep = o.values.get('t');
  const field = o.values.has('k') ? Number(o.values.get('k')!.split(/[.,]/)[0]) : 0;
  const key = (l: string): string => {
    if (!field) return l;
    const parts = sep !== undefined ? l.split(sep) : l.trim().split(/\s+/);
    return parts.slice(field - 1).join(sep ?? ' ');
  };
  const num = (s: string): number => { const m = /^\s*-?\d+(\.\d+)?/.exec(s); return m ? Number(m[0]) : 0; };
  const cmp_key = (a: string, b: string): number => {
    if (F.has('n')) return num(a) - num(b);
    const x = F.has('f') ? a.toUpperCase() : a, y = F.has('f') ? b.toUpperCase() : b;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  // The last-resort comparison of whole lines (byte order, as in the C locale) unless -u.
  const cmp = (a: string, b: string): number => cmp_key(key(a), key(b)) || (F.has('u') ? 0 : a < b ? -1 : a > b ? 1 : 0);
  all.sort((a, b) => (F.has('r') ? -cmp(a, b) : cmp(a, b)));
  const res = F.has('u') ? all.filter((l, i) => i === 0 || cmp(all[i - 1], l) !== 0) : all;
  const text = res.map((l) => l + '\n').join('');
  if (o.values.has('o')) {
    const fd = (await libc.open(o.values.get('o')!, libc.O_WRONLY | libc.O_CREAT | libc.O_TRUNC, 0o666)) as number;
    if (fd < 0) { await err_errno(libc, 'sort', `open failed: ${o.values.get('o')}`); return 2; }
    await out(libc, text, fd); await libc.close(fd);
    return 0;
  }
  return (await out(libc, text)) ? 0 : 2;
}
