/** The demo program: says hello through the kernel and reports what it ran on. */
import type { Libc } from '../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const pid = libc.getpid();
  await libc.printf('Hello from privos! pid %d, %s, argv=%s\n', pid, libc.arch, JSON.stringify(argv));
  const fd = (await libc.open('/etc/hostname', libc.O_RDONLY)) as number;
  if (fd < 0) { await libc.perror('open /etc/hostname'); return 1; }
  const buf = new Uint8Array(64);
  const n = (await libc.read(fd, buf, buf.length)) as number;
  await libc.close(fd);
  await libc.printf('hostname: %s', new TextDecoder().decode(buf.subarray(0, n)));
  return 0;
}
