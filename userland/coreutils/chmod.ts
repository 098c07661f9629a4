/** chmod(1): octal modes and symbolic ones ([ugoa]*[+-=][rwxst]*, comma-separated). */
import type { Libc } from '../../libc/index.ts';
import { err, err_errno, stat } from './common.ts';

/** The new mode from a mode string and the old mode; -1 if invalid. */
export function parse_mode(spec: string, old: number, umask = 0o022): number {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let mode = old & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return -1;
    const who = m[1] || 'a';
    const mask = (who.includes('u') || who.includes('a') ? 0o4700 : 0) | (who.includes('g') || who.includes('a') ? 0o2070 : 0) | (who.includes('o') || who.includes('a') ? 0o1007 : 0);
    let bits = 0;
    for (const p of m[3]) {
      if (p === 'r') bits |= 0o444; else if (p === 'w') bits |= 0o222; else if (p === 'x') bits |= 0o111;
      else if (p === 'X') { if ((old & 0o170000) === 0o040000 || old & 0o111) bits |= 0o111; }
      else if (p === 's') bits |= 0o6000; else if (p === 't') bits |= 0o1000;
    }
    bits &= mask;
    if (!m[1]) bits &= ~umask;
    if (m[2] === '+') mode |= bits; else if (m[2] === '-') mode &= ~bits; else mode = (mode & ~mask) | bits;
  }
  return mode;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const args = argv.slice(1).filter((a) => a !== '--');
  if (args.length < 2) { await err(libc, `chmod: missing operand${args.length ? ` after '${args[0]}'` : ''}\nTry 'chmod --help' for more information.`); return 1; }
  const [spec, ...files] = args;
  let status = 0;
  for (const f of files) {
    const st = await stat(libc, f);
    if (!st) { await err_errno(libc, 'chmod', `cannot access '${f}'`); status = 1; continue; }
    const mode = parse_mode(spec, st.mode);
    if (mode < 0) { await err(libc, `chmod: invalid mode: '${spec}'\nTry 'chmod --help' for more information.`); return 1; }
    if ((await libc.chmod(f, mode)) < 0) { await err_errno(libc, 'chmod', `changing permissions of '${f}'`); status = 1; }
  }
  return status;
}
