/** head(1) and, with TAIL=true, tail(1): the first (last) -n N lines or -c N bytes; -n +N for tail. */
import type { Libc } from '../../libc/index.ts';
import { err, err_errno, getopt, out, read_all } from './common.ts';

const dec = new TextDecoder();

/** head: copies the first n lines (bytes) and stops reading there (so `cat /dev/zero | head -c 4` ends). */
async function head_stream(libc: Libc, name: string, n: number, bytes: boolean): Promise<boolean> {
  const fd = name === '-' ? 0 : ((await libc.open(name, libc.O_RDONLY)) as number);
  if (fd < 0) return false;
  const b = new Uint8Array(4096);
  let left = n;
  while (left > 0) {
    const r = (await libc.read(fd, b, b.length)) as number;
    if (r <= 0) break;
    let take = r;
    if (bytes) take = Math.min(r, left), left -= take;
    else for (let i = 0; i < r; i++) if (b[i] === 10 && --left === 0) { take = i + 1; break; }
    await out(libc, b.subarray(0, take));
  }
  if (fd) await libc.close(fd);
  return true;
}

export async function head_tail(libc: Libc, argv: string[], tail: boolean): Promise<number> {
  const prog = tail ? 'tail' : 'head';
  // The obsolete -N form (head -5) means -n N.
  const args = argv.map((a, i) => (i > 0 && /^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
  const o = await getopt(libc, args, 'n:c:qvf', { lines: 'n', bytes: 'c' });
  if (!o) return 1;
  const spec = o.values.get('c') ?? o.values.get('n') ?? '10';
  const bytes = o.values.has('c');
  const from_start = tail && spec.startsWith('+');
  const n = Number(spec.replace(/^[+-]/, ''));
  if (!Number.isInteger(n) || n < 0) { await err(libc, `${prog}: invalid number of ${bytes ? 'bytes' : 'lines'}: '${spec}'`); return 1; }
  const files = o.args.length ? o.args : ['-'];
  let status = 0;
  for (const [i, f] of files.entries()) {
    if (!tail) {
      if (files.length > 1 && !o.flags.has('q')) await out(libc, `${i ? '\n' : ''}==> ${f === '-' ? 'standard input' : f} <==\n`);
      if (!(await head_stream(libc, f, n, bytes))) { await err_errno(libc, prog, `cannot open '${f}' for reading`); status = 1; }
      continue;
    }
    const data = await read_all(libc, f);
    if (!data) { await err_errno(libc, prog, `cannot open '${f}' for reading`); status = 1; continue; }
    if (files.length > 1 && !o.flags.has('q')) await out(libc, `${i ? '\n' : ''}==> ${f === '-' ? 'standard input' : f} <==\n`);
    if (bytes) { await out(libc, tail ? (from_start ? data.subarray(Math.max(0, n - 1)) : data.subarray(Math.max(0, data.length - n))) : data.subarray(0, n)); continue; }
    const text = dec.decode(data);
    const parts = text.split(/(?<=\n)/);
    const sel = tail ? (from_start ? parts.slice(Math.max(0, n - 1)) : n ? parts.slice(-n) : []) : parts.slice(0, n);
    await out(libc, sel.join(''));
  }
  return status;
}

export default function main(libc: Libc, argv: string[]): Promise<number> { return head_tail(libc, argv, false); }
