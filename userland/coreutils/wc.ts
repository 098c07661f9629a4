/** wc(1): lines, words, bytes (-l -w -c, -m characters), per file and a total, in GNU's column layout. */
import type { Libc } from '../../libc/index.ts';
import { err_errno, getopt, out, read_all } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'lwcm', { lines: 'l', words: 'w', bytes: 'c', chars: 'm' });
  if (!o) return 1;
  const sel = ['l', 'w', 'm', 'c'].filter((f) => o.flags.has(f));
  const cols = sel.length ? sel : ['l', 'w', 'c'];
  const files = o.args.length ? o.args : ['-'];
  const rows: [number[], string][] = [];
  const total = [0, 0, 0, 0];
  let status = 0;
  for (const f of files) {
    const d = await read_all(libc, f);
    if (!d) { await err_errno(libc, 'wc', f); status = 1; continue; }
    const text = new TextDecoder().decode(d);
    const c = { l: d.filter((b) => b === 10).length, w: (text.match(/\S+/g) ?? []).length, m: [...text].length, c: d.length };
    const v = cols.map((k) => c[k as keyof typeof c]);
    v.forEach((x, i) => (total[i] += x));
    rows.push([v, f === '-' ? '' : f]);
  }
  if (files.length > 1) rows.push([total.slice(0, cols.length), 'total']);
  // GNU pads every column to the width of the largest count (at least 1; 7 when reading stdin).
  const width = cols.length === 1 && files.length === 1 ? 1 : Math.max(files.includes('-') ? 7 : 1, ...rows.flatMap(([v]) => v.map((x) => String(x).length)));
  for (const [v, name] of rows) await out(libc, v.map((x) => String(x).padStart(width)).join(' ') + (name ? ` ${name}` : '') + '\n');
  return status;
}
