/** dmesg(1): prints the kernel ring buffer, read with syslog(2) (klogctl SYSLOG_ACTION_READ_ALL). */
import type { Libc } from '../../libc/index.ts';

const SYSLOG_ACTION_READ_ALL = 3, SYSLOG_ACTION_SIZE_BUFFER = 10;

export default async function main(libc: Libc): Promise<number> {
  const size = libc.klogctl(SYSLOG_ACTION_SIZE_BUFFER, 0, 0) as number;
  const buf = libc.malloc(size);
  const n = libc.klogctl(SYSLOG_ACTION_READ_ALL, buf, size) as number;
  if (n < 0) { await libc.perror('dmesg: read kernel buffer failed'); return 1; }
  await libc.write(1, buf, n);
  return 0;
}
