/**
 * The privos-side runner: a user program that makes a fresh working directory for the case
 * named in argv[1] (as the C dispatcher does), sets umask 022, and runs the case's privos body.
 */
import type { Libc } from '../../libc/index.ts';
import { P } from './p.ts';
import { CASES } from './registry.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const c = CASES.get(argv[1]);
  if (!c) return 2;
  const dir = `/tmp/conf-${argv[1]}`;
  libc.mkdir(dir, 0o755);
  if (libc.chdir(dir) !== 0) return 99;
  libc.umask(0o22);
  const p = new P(libc);
  await c.run(p, libc);
  return 0;
}
