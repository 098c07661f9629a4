// Prints the real and effective uid and gid.
import type { Libc } from '../../../libc/index.ts';
export default async function main(libc: Libc): Promise<number> {
  await libc.write(1, `uid=${libc.getuid()} euid=${libc.geteuid()} gid=${libc.getgid()} egid=${libc.getegid()}\n`);
  return 0;
}
