// Sends itself the signal named by argv[1] (a number).
import type { Libc } from '../../../libc/index.ts';
export default async function main(libc: Libc, argv: string[]): Promise<number> {
  await libc.kill(libc.getpid() as number, Number(argv[1]));
  return 0;
}
