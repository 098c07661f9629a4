// The privos twin of test/tools/strace_fork.c: fork; the child writes and _exit(3)s; the parent
// waits for it with wait4 (SIGCHLD arrives) and writes.
import type { Libc } from '../../../libc/index.ts';
export default async function main(libc: Libc): Promise<number> {
  const child = await libc.fork(async (c) => { await c.write(1, 'child\n', 6); return c._exit(3) as number; });
  const st = libc.malloc(4);
  await libc.wait4(child, st, 0, 0);
  await libc.write(1, 'done\n', 5);
  return 0;
}
