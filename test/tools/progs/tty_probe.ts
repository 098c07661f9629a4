// Prints isatty() of fds 0-2 and, where fd 1 is a terminal, its window size (TIOCGWINSZ).
import type { Libc } from '../../../libc/index.ts';
const TIOCGWINSZ = 0x5413;
export default async function main(libc: Libc): Promise<number> {
  const tty = [0, 1, 2].map((fd) => libc.isatty(fd) as number);
  let size = '';
  const ws = libc.malloc(8);
  if (await libc.ioctl(1, TIOCGWINSZ, ws) === 0) { const v = libc.peek_u32(ws); size = ` winsize ${v & 0xffff}x${v >>> 16}`; }
  else size = ` winsize errno ${libc.errno}`;
  await libc.write(1, `isatty ${tty.join(' ')}${size}\n`);
  return 0;
}
