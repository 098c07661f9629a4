/** cat(1): copies each file (or standard input, or "-") to standard output. */
import type { Libc } from '../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const files = argv.length > 1 ? argv.slice(1) : ['-'];
  const buf = libc.malloc(65536);
  let status = 0;
  for (const name of files) {
    const fd = name === '-' ? 0 : ((await libc.open(name, libc.O_RDONLY)) as number);
    if (fd < 0) { await libc.fprintf(libc.stderr, 'cat: %s: %s\n', name, libc.strerror(libc.errno)); status = 1; continue; }
    for (;;) {
      const n = (await libc.read(fd, buf, 65536)) as number;
      if (n < 0) { await libc.fprintf(libc.stderr, 'cat: %s: %s\n', name, libc.strerror(libc.errno)); status = 1; break; }
      if (n === 0) break;
      for (let off = 0; off < n;) {
        const w = (await libc.write(1, buf + off, n - off)) as number;
        if (w < 0) return 1;
        off += w;
      }
    }
    if (fd) await libc.close(fd);
  }
  return status;
}
