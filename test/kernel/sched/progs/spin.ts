/**
 * Programs that compute without making syscalls (issue 9, item 5): argv[1] picks one.
 * Every loop here is finite, so that linked without the user-op pass they end on their own
 * (and the tests, which expect them to be preempted or killed, fail instead of hanging).
 */
import type { Libc } from '../../../../libc/index.ts';

const SIGKILL = 9, RLIMIT_CPU = 0;

/** A synchronous loop of n iterations: nothing in it can yield. */
function spin(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x + i) | 0;
  return x;
}

/** Parent forks a child that spins in an async loop; the parent reads its pipe, kills it, reaps it. */
async function async_child(libc: Libc): Promise<number> {
  const buf = libc.malloc(8), fds = libc.malloc(8);
  if ((await libc.pipe2(fds, 0)) !== 0) return 2;
  const rd = libc.peek_u32(fds), wr = libc.peek_u32(fds + 4);
  const pid = await libc.fork(async (c) => {
    await c.write(wr, 'S');
    let x = 0;
    for (let i = 0; i < 4e8; i++) x = (x + i) | 0; // ~150 slices of modeled time
    return x === 12345 ? 6 : 7;
  });
  if ((await libc.read(rd, buf, 1)) !== 1) return 3;
  await libc.write(1, 'parent runs while the child spins\n');
  await libc.kill(pid, SIGKILL);
  return reap(libc, pid);
}

/**
 * A child under RLIMIT_CPU (soft 1 s, hard 2 s) in an async loop (preemptible, so the watchdog
 * leaves it alone): SIGXCPU at 1 s of CPU time.
 */
async function rlimit_child(libc: Libc): Promise<number> {
  const pid = await libc.fork(async (c) => {
    const r = c.malloc(16);
    c.poke_u64(r, 1); c.poke_u64(r + 8, 2);
    if ((await c.raw(c.SYS.prlimit64, 0, RLIMIT_CPU, r, 0)) !== 0) return 5;
    let x = 0;
    for (let i = 0; i < 1.2e9; i++) x = (x + i) | 0; // 1.4 s of CPU on skylake
    return x === 12345 ? 6 : 7;
  });
  return reap(libc, pid);
}

async function reap(libc: Libc, pid: number): Promise<number> {
  const st = libc.malloc(8);
  if ((await libc.wait4(pid, st, 0)) !== pid) return 4;
  const s = libc.peek_u32(st);
  await libc.write(1, libc.WIFSIGNALED(s) ? `child killed by ${libc.WTERMSIG(s)}\n` : `child exited ${libc.WEXITSTATUS(s)}\n`);
  return 0;
}

/** A child in a synchronous loop (or one inside try/catch/finally, or one of syscalls that never sleep). */
async function sync_child(libc: Libc, how: string): Promise<number> {
  const pid = await libc.fork((c) => {
    if (how === 'catch') {
      for (let k = 0; k < 3; k++) {
        try { spin(4e8); } catch { /* swallow anything */ } finally { continue; } // eslint-disable-line no-unsafe-finally
      }
      return 7;
    }
    if (how === 'sys') {
      // Syscalls that return at once let nothing else run: 1e7 getpid() are ~4 s of modeled time.
      for (let i = 0; i < 1e7; i++) c.getpid();
      return 7;
    }
    spin(4e8); // 0.46 s of modeled time on skylake: past the watchdog's 0.25 s
    return 7;
  });
  return reap(libc, pid);
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  switch (argv[1]) {
    case 'async-child': return async_child(libc);
    case 'sync': case 'catch': case 'sys': return sync_child(libc, argv[1]);
    case 'rlimit': return rlimit_child(libc);
    case 'loop': spin(Number(argv[2])); return 0;
    default: return 3;
  }
}
