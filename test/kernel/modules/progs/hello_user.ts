/**
 * Uses /dev/hello: read the greeting, write, ioctl count, an unknown ioctl (ENOTTY). Prints results.
 * `hold CMD ARGS…` then runs CMD while the device is still open.
 */
import type { Libc } from '../../../../libc/index.ts';
import { _IO, _IOR } from '../../../../kernel/include/uapi/ioctl.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const fd = await libc.open('/dev/hello', libc.O_RDWR);
  if (fd < 0) { await libc.printf('open: %s\n', libc.strerror(libc.errno)); return 1; }
  const buf = new Uint8Array(64);
  const n = await libc.read(fd, buf, 64);
  await libc.write(fd, 'abc');
  await libc.write(fd, 'defg');
  const p = libc.malloc(4);
  const r = await libc.ioctl(fd, _IOR('h', 1, 4), p);
  const bad = await libc.ioctl(fd, _IO('h', 9), 0);
  const bad_errno = libc.errno;
  await libc.printf('read=%s count=%d r=%d bad=%d errno=%d\n', new TextDecoder().decode(buf.subarray(0, n)).trim(), libc.peek_u32(p), r, bad, bad_errno);
  if (argv[1] === 'hold') {
    // `hold CMD ARGS…`: runs CMD in a child while /dev/hello is open, and waits for it.
    await libc.printf('holding\n');
    await libc.fflush_all();
    const pid = await libc.fork(async (c) => { await c.execv(argv[2], argv.slice(2)); return 127; });
    await libc.waitpid(pid, 0, 0);
  }
  await libc.close(fd);
  return 0;
}
