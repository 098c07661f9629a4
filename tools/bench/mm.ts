/**
 * Address-space benchmarks (issue 12 §3): fork + exit + wait4 of a process with the usual
 * image (8 MiB stack, 1 MiB libc scratch, heap), beside the host's own fork + _exit + waitpid
 * loop in C in the same run; mprotect and munmap of a large, sparsely touched mapping. Wall
 * µs per operation as median (min–max) of several runs after a warm-up, modeled cycles per
 * operation from the CPU's counter.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { boot, run_inline } from '../machine.ts';
import { C_PRELUDE, fmt_spread, native_spreads, spread, type Spread, table } from './harness.ts';

const FORKS = 150, RUNS = 7;
const BIG = 64 << 20, TOUCH_EVERY = 1 << 20;

const HOST = `${C_PRELUDE}
#include <sys/wait.h>
int main(void){
  SPREAD(${FORKS}, ${RUNS}, ({ pid_t p = fork(); if (p == 0) _exit(0); waitpid(p, 0, 0); }));
  return 0;
}`;

/** Wall µs and modeled cycles per call of an async operation: warm-up, then RUNS runs of n. */
async function per_op(k: Kernel, op: () => Promise<unknown>, n: number): Promise<{ wall: Spread; cycles: number }> {
  const cpu = k.cpu;
  for (let i = 0; i < Math.max(5, n / 10); i++) await op();
  const xs: number[] = [];
  const c0 = cpu.cycles;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await op();
    xs.push(Number(process.hrtime.bigint() - t0) / n / 1e3);
  }
  return { wall: spread(xs), cycles: (cpu.cycles - c0) / (RUNS * n) };
}

export default async function bench(): Promise<void> {
  const hs = native_spreads('fork', HOST)?.[0] ?? null;
  const host = hs && { ...hs, median: hs.median / 1e3, min: hs.min / 1e3, max: hs.max / 1e3 };
  const rows: (string | number)[][] = [];
  const k = boot();
  await run_inline(k, async (l) => {
    const fork_exit_wait = async (): Promise<void> => {
      const pid = await l.fork(() => 0) as number;
      if (pid < 0 || (await l.waitpid(pid, 0, 0)) !== pid) throw new Error(`mm bench: fork/wait failed (errno ${l.errno})`);
    };
    const f = await per_op(k, fork_exit_wait, FORKS / 3);
    rows.push(['fork + exit + wait4', fmt_spread(f.wall), Math.round(f.cycles), host ? fmt_spread(host) : 'skipped (no cc)',
      host ? `${(f.wall.median / host.median).toFixed(2)}×` : 'n/a']);

    // A 64 MiB private mapping with one page touched per MiB: mprotect and munmap it.
    const prot_cycle = async (): Promise<void> => {
      const m = await l.mmap(0, BIG, l.PROT_READ | l.PROT_WRITE, l.MAP_PRIVATE | l.MAP_ANONYMOUS, -1, 0) as number;
      for (let a = 0; a < BIG; a += TOUCH_EVERY) l.poke_u64(m + a, 1);
      await l.mprotect(m, BIG, l.PROT_READ);
      await l.mprotect(m, BIG, l.PROT_READ | l.PROT_WRITE);
      await l.munmap(m, BIG);
    };
    const p = await per_op(k, prot_cycle, 20);
    rows.push([`mmap 64 MiB, touch 64 pages, 2× mprotect, munmap`, fmt_spread(p.wall), Math.round(p.cycles), '—', '—']);
  });
  table('mm', `address-space operations: wall µs/op, median (min–max) of ${RUNS} runs after a warm-up; host in the same run (goal: fork ≤ 1.0× host)`,
    ['operation', 'privos µs/op', 'modeled cycles/op', 'host µs/op', 'privos / host (medians)'], rows);
}
