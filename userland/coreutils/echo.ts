/** echo(1): the arguments separated by spaces; -n suppresses the newline. */
import type { Libc } from '../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const args = argv.slice(1);
  const nl = args[0] !== '-n';
  if (!nl) args.shift();
  await libc.fputs(args.join(' ') + (nl ? '\n' : ''), libc.stdout);
  return 0;
}
