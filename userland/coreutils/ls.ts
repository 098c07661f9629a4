/** ls(1), reduced: the names in each directory argument (default "."), sorted; -a shows dotfiles. */
import type { Libc } from '../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const all = argv.includes('-a');
  const dirs = argv.slice(1).filter((a) => !a.startsWith('-'));
  let status = 0;
  for (const d of dirs.length ? dirs : ['.']) {
    const names = await libc.listdir(d);
    if (typeof names === 'number') {
      await libc.fprintf(libc.stderr, "ls: cannot access '%s': %s\n", d, libc.strerror(libc.errno));
      status = 2;
      continue;
    }
    if (dirs.length > 1) await libc.printf('%s:\n', d);
    for (const n of names.filter((x) => all || !x.startsWith('.')).sort()) await libc.puts(n);
  }
  return status;
}
