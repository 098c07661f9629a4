/** uname(1): -s (default), -n, -r, -v, -m, -a, from uname(2)'s struct utsname. */
import type { Libc } from '../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const u = libc.malloc(65 * 6);
  if ((libc.uname(u) as number) < 0) { await libc.perror('uname'); return 1; }
  const field = (i: number): string => libc.cstr(u + 65 * i);
  const flags = argv.slice(1).join('').replace(/-/g, '') || 's';
  if (/[^snrvma]/.test(flags)) { await libc.fprintf(libc.stderr, 'uname: invalid option -- %s\n', flags); return 1; }
  const which = flags.includes('a') ? [0, 1, 2, 3, 4] : [...'snrvm'].flatMap((c, i) => (flags.includes(c) ? [i] : []));
  await libc.puts(which.map(field).join(' '));
  return 0;
}
