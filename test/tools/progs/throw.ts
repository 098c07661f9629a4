// Throws out of main: the process dies (SIGSEGV), and privos run says why on stderr.
import type { Libc } from '../../../libc/index.ts';
export default async function main(libc: Libc): Promise<number> {
  await libc.write(1, 'before\n');
  throw new TypeError('no such thing');
}
