/**
 * grep(1), basic: a pattern (BRE, or ERE with -E; -F fixed) over files or standard input;
 * -i -v -n -c -l -q -s -w -r, -e PATTERN; exit 0 if a line matched, 1 if none, 2 on error.
 */
import type { Libc } from '../../libc/index.ts';
import { err, getopt, is_dir, lines, out, read_all, stat } from './common.ts';

/** A POSIX basic regular expression as a JS one: \( \) \{ \} \| are the operators, ( ) { } | + ? literal. */
export function bre_to_js(p: string): string {
  let r = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\' && i + 1 < p.length) {
      const n = p[++i];
      r += '(){}|+?'.includes(n) ? n : '\\' + n;
    } else if ('(){}|+?'.includes(c)) r += '\\' + c;
    else if (c === '[') { const j = p.indexOf(']', i + (p[i + 1] === ']' ? 2 : p[i + 1] === '^' && p[i + 2] === ']' ? 3 : 1)); r += j < 0 ? '\\[' : p.slice(i, j + 1); if (j >= 0) i = j; }
    else if (c === '*' && (r === '' || r.endsWith('^'))) r += '\\*';
    else r += c;
  }
  return r;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'EFGivnclqswrhHe:', { 'ignore-case': 'i', 'invert-match': 'v', count: 'c', quiet: 'q' });
  if (!o) return 2;
  const pats = o.values.has('e') ? [o.values.get('e')!] : o.args.splice(0, 1);
  if (!pats.length) { await err(libc, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information."); return 2; }
  const F = o.flags;
  let src = pats.map((p) => (F.has('F') ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : F.has('E') ? p : bre_to_js(p))).join('|');
  if (F.has('w')) src = `(?<![\\w])(?:${src})(?![\\w])`;
  let re: RegExp;
  try { re = new RegExp(src, F.has('i') ? 'i' : ''); } catch { await err(libc, `grep: Invalid regular expression`); return 2; }
  let files = o.args.length ? o.args : [F.has('r') ? '.' : '-'];
  if (F.has('r')) {
    const all: string[] = [];
    const walk = async (p: string): Promise<void> => {
      const st = await stat(libc, p);
      if (st && is_dir(st.mode)) {
        const names = await libc.listdir(p);
        if (typeof names !== 'number') for (const n of names.sort()) if (n !== '.' && n !== '..') await walk(p === '.' && !o.args.length ? n : `${p}/${n}`);
      } else all.push(p);
    };
    for (const f of files) await walk(f);
    files = all;
  }
  const show_name = (files.length > 1 || F.has('r')) && !F.has('h') || F.has('H');
  let matched = false, error = false;
  for (const f of files) {
    const d = await read_all(libc, f);
    if (!d) { if (!F.has('s')) await err(libc, `grep: ${f}: ${libc.strerror(libc.errno)}`); error = true; continue; }
    const name = f === '-' ? '(standard input)' : f;
    let count = 0;
    for (const [i, line] of lines(new TextDecoder().decode(d)).entries()) {
      if (re.test(line) === F.has('v')) continue;
      count++; matched = true;
      if (F.has('q')) return 0;
      if (F.has('l') || F.has('c')) continue;
      await out(libc, `${show_name ? name + ':' : ''}${F.has('n') ? `${i + 1}:` : ''}${line}\n`);
    }
    if (F.has('c')) await out(libc, `${show_name ? name + ':' : ''}${count}\n`);
    if (F.has('l') && count) await out(libc, name + '\n');
  }
  return error && !(F.has('q') && matched) ? 2 : matched ? 0 : 1;
}
