// The privos twin of test/tools/restart_sleep.c: the child sleeps in clock_nanosleep (as glibc's
// nanosleep does), is stopped and continued, then sleeps again and is interrupted by SIGUSR1
// whose handler has SA_RESTART; it exits 7 when that sleep failed (EINTR), as on Linux.
import type { Libc } from '../../../libc/index.ts';

const SIGSTOP = 19, SIGCONT = 18, SIGUSR1 = 10, CLOCK_REALTIME = 0;

/** Waits until pid's state (in /proc/PID/stat) is one of states: S inside its sleep, T/t stopped. */
async function until_state(libc: Libc, pid: number, states: string): Promise<void> {
  const buf = new Uint8Array(256);
  for (;;) {
    const fd = await libc.open(`/proc/${pid}/stat`, libc.O_RDONLY) as number;
    if (fd < 0) return;
    const n = await libc.read(fd, buf, 255) as number;
    await libc.close(fd);
    const s = new TextDecoder().decode(buf.subarray(0, Math.max(n, 0)));
    if (states.includes(s[s.lastIndexOf(')') + 2])) return;
    await libc.syscall(libc.SYS.sched_yield);
  }
}

/** clock_nanosleep(CLOCK_REALTIME, 0, {0, 300 ms}, rem): glibc's nanosleep. */
async function sleep300(libc: Libc, rem: boolean): Promise<number> {
  const ts = libc.calloc(1, 16);
  libc.poke_u64(ts + 8, 300_000_000);
  return await libc.syscall(libc.SYS.clock_nanosleep, CLOCK_REALTIME, 0, ts, rem ? ts : 0) as number;
}

export default async function main(libc: Libc): Promise<number> {
  const fds = libc.malloc(8);
  await libc.pipe2(fds, 0);
  const child = await libc.fork(async (c) => {
    await sleep300(c, false);
    c.sigaction(SIGUSR1, { handler: () => undefined, flags: c.SA_RESTART });
    await c.write(c.peek_i32(fds + 4), 'x', 1);
    const r = await sleep300(c, true);
    return c._exit(r === -1 ? 7 : 0) as number;
  }) as number;
  await until_state(libc, child, 'S');
  await libc.kill(child, SIGSTOP);
  await until_state(libc, child, 'Tt');
  await libc.kill(child, SIGCONT);
  await libc.read(libc.peek_i32(fds), new Uint8Array(1), 1);
  await until_state(libc, child, 'S');
  await libc.kill(child, SIGUSR1);
  const st = libc.malloc(4);
  await libc.wait4(child, st, 0, 0);
  await libc.write(1, `${(libc.peek_i32(st) >> 8) & 0xff}\n`, 2);
  return 0;
}
