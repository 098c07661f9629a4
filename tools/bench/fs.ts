/**
 * File-system benchmarks (issue 3): open+close, 1-byte read (tmpfs file, and /dev/zero),
 * 4 KiB read, pipe ping-pong between two processes, and getdents64 over a 1,000-entry
 * directory — emulated wall ns per op beside the host kernel doing the same in the same run
 * (host files live on /dev/shm, a tmpfs like privos's /tmp), plus modeled cycles per op.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { boot, run_inline } from '../machine.ts';
import { C_PRELUDE, fmt_spread, native_spreads, sample_ns, sample_ns_async, type Spread, table } from './harness.ts';

const N = 200_000;
const PING = 20_000;

const HOST = `${C_PRELUDE}
#include <sys/wait.h>
#include <sys/stat.h>
#include <dirent.h>
#include <string.h>
int main(void){
  char dir[] = "/dev/shm/privos-bench-XXXXXX"; mkdtemp(dir); char p[256], b[4096];
  snprintf(p, sizeof p, "%s/f", dir); int fd = open(p, O_CREAT|O_RDWR, 0644); memset(b, 'x', 4096); write(fd, b, 4096);
  SPREAD(${N}, 7, close(open(p, O_RDONLY)));
  int z = open("/dev/zero", O_RDONLY);
  SPREAD(${N}, 7, read(z, b, 1));
  SPREAD(${N}, 7, pread(fd, b, 1, 0));
  SPREAD(${N}, 7, pread(fd, b, 4096, 0));
  int a[2], c[2]; pipe(a); pipe(c);
  if (fork() == 0) { char x; close(a[1]); close(c[0]); while (read(a[0], &x, 1) == 1) write(c[1], &x, 1); _exit(0); }
  close(a[0]); close(c[1]);
  SPREAD(${PING}, 7, (write(a[1], "p", 1), read(c[0], b, 1)));
  close(a[1]); wait(NULL);
  snprintf(p, sizeof p, "%s/d", dir); mkdir(p, 0755);
  for (int i = 0; i < 1000; i++) { char q[300]; snprintf(q, sizeof q, "%s/entry_%04d", p, i); close(open(q, O_CREAT|O_WRONLY, 0644)); }
  SPREAD(200, 7, ({ int d = open(p, O_RDONLY|O_DIRECTORY); while (syscall(SYS_getdents64, d, b, sizeof b) > 0); close(d); }));
  char cmd[300]; snprintf(cmd, sizeof cmd, "rm -rf %s", dir); system(cmd);
  return 0;
}`;

interface Row { op: string; emu: Spread; cycles: number; host: Spread | null; host_what: string }

/** Modeled cycles per call of fn (the CPU's counter around n calls). */
function cycles_per(k: Kernel, fn: () => unknown, n = 20_000): number {
  const cpu = k.cpu;
  const c0 = cpu.cycles;
  for (let i = 0; i < n; i++) fn();
  return (cpu.cycles - c0) / n;
}

export default async function bench(): Promise<void> {
  const host = native_spreads('fs', HOST);
  const rows: Row[] = [];
  const k = boot();
  await run_inline(k, async (l) => {
    const path = l.malloc(64); l.poke(path, '/tmp/bench-f\0');
    const fd = await l.open(path, l.O_CREAT | l.O_RDWR, 0o644) as number;
    const buf = l.malloc(4096 * 4);
    await l.write(fd, buf, 4096);
    // 1-byte reads advance f_pos: a file longer than every read of the run (warm-up + 7 runs).
    const big = await l.open('/tmp/bench-big', l.O_CREAT | l.O_RDWR, 0o644) as number;
    await l.ftruncate(big, 2 * 1024 * 1024);
    const zero = await l.open('/dev/zero', l.O_RDONLY) as number;
    const oc = (): unknown => l.close(l.open(path, l.O_RDONLY) as number);
    rows.push({ op: 'open + close', emu: sample_ns(oc, N), cycles: cycles_per(k, oc), host: host?.[0] ?? null, host_what: 'open+close on /dev/shm' });
    const r1 = (): unknown => l.read(big, buf, 1);
    rows.push({ op: '1-byte read, tmpfs file', emu: sample_ns(r1, N), cycles: cycles_per(k, r1), host: host?.[1] ?? null, host_what: 'read(/dev/zero, 1)' });
    const rz = (): unknown => l.read(zero, buf, 1);
    rows.push({ op: '1-byte read, /dev/zero', emu: sample_ns(rz, N), cycles: cycles_per(k, rz), host: host?.[1] ?? null, host_what: 'read(/dev/zero, 1)' });
    const p1 = (): unknown => l.pread(fd, buf, 1, 0);
    rows.push({ op: '1-byte pread, tmpfs file', emu: sample_ns(p1, N), cycles: cycles_per(k, p1), host: host?.[2] ?? null, host_what: 'pread(/dev/shm file, 1)' });
    const p4 = (): unknown => l.pread(fd, buf, 4096, 0);
    rows.push({ op: '4 KiB pread, tmpfs file', emu: sample_ns(p4, N), cycles: cycles_per(k, p4), host: host?.[3] ?? null, host_what: 'pread(/dev/shm file, 4096)' });

    // Pipe ping-pong: a forked child echoes each byte back on a second pipe.
    const fds = l.malloc(16);
    await l.pipe(fds); await l.pipe(fds + 8);
    const a0 = l.peek_i32(fds), a1 = l.peek_i32(fds + 4), c0 = l.peek_i32(fds + 8), c1 = l.peek_i32(fds + 12);
    const child = await l.fork(async (cl) => {
      const b = cl.malloc(8);
      await cl.close(a1); await cl.close(c0);
      while ((await cl.read(a0, b, 1)) === 1) await cl.write(c1, b, 1);
      return 0;
    }) as number;
    await l.close(a0); await l.close(c1);
    const ping = async (): Promise<void> => { await l.write(a1, buf, 1); await l.read(c0, buf, 1); };
    const cpu = k.cpu, cyc0 = cpu.cycles;
    const emu_ping = await sample_ns_async(ping, PING);
    rows.push({ op: 'pipe ping-pong (round trip, 2 processes)', emu: emu_ping, cycles: (cpu.cycles - cyc0) / (PING * 7 + 1000), host: host?.[4] ?? null, host_what: 'same, fork + 2 pipes' });
    await l.close(a1);
    await l.waitpid(child, 0, 0);

    await l.mkdir('/tmp/bench-d', 0o755);
    for (let i = 0; i < 1000; i++) await l.close(await l.open(`/tmp/bench-d/entry_${String(i).padStart(4, '0')}`, l.O_CREAT | l.O_WRONLY, 0o644) as number);
    const dpath = l.malloc(32); l.poke(dpath, '/tmp/bench-d\0');
    const gd = (): void => {
      const d = l.open(dpath, l.O_RDONLY | l.O_DIRECTORY) as number;
      while ((l.getdents64(d, buf, 4096) as number) > 0) { /* drain */ }
      l.close(d);
    };
    rows.push({ op: 'getdents64, 1,000-entry directory (open..close)', emu: sample_ns(gd, 200), cycles: cycles_per(k, gd, 50), host: host?.[5] ?? null, host_what: 'same on /dev/shm' });
  });
  table('fs', `file-system operations: wall ns/op, median (min–max) of 7 runs after a warm-up, beside the host kernel in the same run (profile ${k.cpu.profile.name})`,
    ['operation', 'privos ns/op', 'modeled cycles/op', 'host ns/op', 'host operation', 'privos / host (medians)'],
    rows.map((r) => [r.op, fmt_spread(r.emu), Math.round(r.cycles), r.host ? fmt_spread(r.host) : 'skipped (no cc)', r.host_what, r.host ? `${(r.emu.median / r.host.median).toFixed(2)}×` : 'n/a']));
}
