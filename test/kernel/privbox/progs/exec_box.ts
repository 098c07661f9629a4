/**
 * A boxed program that execs: argv[1] is the program to exec (after an attempt at argv[2], if
 * given, whose errno it prints). The new image must run boxed too.
 */
import type { Libc } from '../../../../libc/index.ts';

export default async function main(libc: Libc, argv: string[], envp: string[]): Promise<number> {
  if (argv[2]) {
    const r = await libc.execve(argv[2], [argv[2]], envp);
    await libc.printf('exec %s: %d errno %d\n', argv[2], r, libc.errno);
  }
  await libc.printf('before exec\n');
  await libc.fflush_all();
  await libc.execve(argv[1], [argv[1], 'boxed', 'after', 'exec'], envp);
  return 1;
}
