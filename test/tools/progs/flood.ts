// "start" on stderr, then argv[1] bytes to stdout in ONE write(2), then "wrote N" on stderr.
import type { Libc } from '../../../libc/index.ts';
export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const n = Number(argv[1]);
  const buf = libc.malloc(n);
  libc.poke(buf, new Uint8Array(n).fill(0x61));
  await libc.write(2, 'start\n');
  const w = await libc.write(1, buf, n);
  await libc.write(2, `wrote ${w}\n`);
  return 0;
}
