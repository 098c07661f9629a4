/**
 * yes(1): prints "y" (or its arguments joined by spaces) forever. Like coreutils, it fills a
 * buffer with whole lines and writes it with write(2); it stops at a write error (EPIPE when
 * its reader is gone, after SIGPIPE has already ended it unless SIGPIPE is ignored).
 */
import type { Libc } from '../../libc/index.ts';

const BUFSIZ = 8192;

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const line = new TextEncoder().encode((argv.length > 1 ? argv.slice(1).join(' ') : 'y') + '\n');
  const copies = Math.max(1, Math.floor(BUFSIZ / line.length));
  const bytes = new Uint8Array(line.length * copies);
  for (let i = 0; i < copies; i++) bytes.set(line, i * line.length);
  const buf = libc.malloc(bytes.length);
  libc.poke(buf, bytes);
  for (;;) {
    if (((await libc.write(1, buf, bytes.length)) as number) < 0) {
      await libc.fprintf(libc.stderr, 'yes: standard output: %s\n', libc.strerror(libc.errno));
      return 1;
    }
  }
}
