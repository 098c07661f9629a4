/**
 * Arguments are registers: an object whose valueOf answers differently on each conversion is
 * converted once, at the door. argv[1] names the probe.
 */
import type { Libc } from '../../../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  let conversions = 0;
  // First conversion: 0 (stdin, a valid fd); any later one: 1000 (never open).
  const fd = { valueOf: () => (conversions++ === 0 ? 0 : 1000) } as unknown as number;
  const r = libc.raw(libc.SYS.fcntl, fd, 1 /* F_GETFD */) as number;
  await libc.write(1, `fcntl=${r} conversions=${conversions}\n`);
  if (argv[1] === 'bigint') {
    const b = libc.raw(libc.SYS.getpid, 10n as unknown as number) as number;
    await libc.write(1, `bigint ok=${b > 0}\n`);
  }
  return 0;
}
