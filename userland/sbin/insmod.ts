/** insmod(8): insmod FILENAME [ARGS...] — finit_module(2) on the file with the arguments joined. */
import type { Libc } from '../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  if (argv.length < 2) { await libc.fprintf(libc.stderr, 'Usage: insmod [options] filename [args]\n'); return 1; }
  const file = argv[1];
  const fd = (await libc.open(file, libc.O_RDONLY | libc.O_CLOEXEC)) as number;
  if (fd < 0) { await libc.fprintf(libc.stderr, 'insmod: ERROR: could not load module %s: %s\n', file, libc.strerror(libc.errno)); return 1; }
  const r = (await libc.with_scratch(() => libc.syscall(libc.SYS.finit_module, fd, libc.str(argv.slice(2).join(' ')), 0))) as number;
  await libc.close(fd);
  if (r < 0) { await libc.fprintf(libc.stderr, 'insmod: ERROR: could not insert module %s: %s\n', file, libc.strerror(libc.errno)); return 1; }
  return 0;
}
