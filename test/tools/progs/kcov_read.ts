/**
 * The example of Documentation/dev-tools/kcov.rst, ported: collect the kernel PCs of one
 * read(-1, NULL, 0) and print them, one per line. Run with `privos run --kcov`.
 */
import type { Libc } from '../../../libc/index.ts';
import { KCOV_DISABLE, KCOV_ENABLE, KCOV_INIT_TRACE, KCOV_PATH, KCOV_TRACE_PC } from '../../../kernel/include/uapi/kcov.ts';

const COVER_SIZE = 64 << 10;

/** cover[i] as the unsigned long user space sees. */
function word(libc: Libc, cover: number, i: number): bigint {
  const b = libc.peek(cover + i * 8, 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

export default async function main(libc: Libc): Promise<number> {
  const fd = await libc.open(KCOV_PATH, libc.O_RDWR);
  if (fd === -1) { libc.perror('open'); return 1; }
  if (await libc.ioctl(fd, KCOV_INIT_TRACE, COVER_SIZE)) { libc.perror('ioctl'); return 1; }
  const cover = await libc.mmap(0, COVER_SIZE * 8, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_SHARED, fd, 0);
  if (cover === -1) { libc.perror('mmap'); return 1; }
  if (await libc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC)) { libc.perror('ioctl'); return 1; }
  libc.poke(cover, new Uint8Array(8)); // __atomic_store_n(&cover[0], 0, __ATOMIC_RELAXED)
  await libc.read(-1, 0, 0);
  const n = Number(word(libc, cover, 0));
  for (let i = 0; i < n; i++) await libc.printf('0x%s\n', word(libc, cover, i + 1).toString(16));
  if (await libc.ioctl(fd, KCOV_DISABLE, 0)) { libc.perror('ioctl'); return 1; }
  if (await libc.munmap(cover, COVER_SIZE * 8)) { libc.perror('munmap'); return 1; }
  if (await libc.close(fd)) { libc.perror('close'); return 1; }
  return 0;
}
