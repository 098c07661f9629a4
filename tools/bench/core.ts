/**
 * Kernel-core benchmarks (issue 2): the getpid round trip through the emulated syscall path
 * beside the host's real getpid, modeled cycles per round trip on each profile with the
 * per-primitive breakdown the entry path charged, boot time, and user-memory throughput.
 */
import { COST_KEYS } from '../../kernel/time/cost.ts';
import type { Libc } from '../../libc/index.ts';
import { boot, run_inline } from '../machine.ts';
import { PROFILES } from '../profiles.ts';
import { C_PRELUDE, median, native, ns_per_op, table } from './harness.ts';

const ITERS = 1_000_000;

const HOST_GETPID = `${C_PRELUDE}
int main(void){ printf("%.2f\\n", BENCH(${ITERS}, 7, syscall(SYS_getpid))); return 0; }`;

/** Modeled cycles per call of `call`, with the breakdown, on a fresh kernel of each profile. */
async function modeled(profile: string, call: (l: Libc) => unknown, n = 100_000): Promise<{ cycles: number; parts: string }> {
  const p = PROFILES[profile];
  const k = boot({ arch: p.arch, profile: p });
  let cycles = 0, parts = '';
  await run_inline(k, (libc) => {
    call(libc);
    const cpu = k.cpu;
    const c0 = cpu.cycles, b0 = Float64Array.from(cpu.breakdown);
    for (let i = 0; i < n; i++) call(libc);
    cycles = (cpu.cycles - c0) / n;
    parts = COST_KEYS.map((key, i) => [key, (cpu.breakdown[i] - b0[i]) / n] as const)
      .filter(([, v]) => v > 0).map(([key, v]) => `${key} ${+v.toFixed(1)}`).join(', ');
  });
  return { cycles, parts };
}

export default async function bench(): Promise<void> {
  // 1. Wall time: emulated getpid vs the host kernel's.
  const k = boot();
  let emu = 0;
  await run_inline(k, (libc) => { emu = ns_per_op(() => libc.getpid(), ITERS, 7); });
  const host = native('getpid', HOST_GETPID);
  table('core', 'getpid round trip, wall time (median of 7 runs of 1M calls)', ['path', 'ns/call', 'vs host'], [
    ['privos: libc → entry_SYSCALL_64 → sys_call_table → sys_getpid → sysret', emu, host ? `${(emu / host[0]).toFixed(2)}×` : 'n/a'],
    ['host kernel: syscall(SYS_getpid)', host ? host[0] : 'skipped (no cc)', host ? '1.00×' : ''],
  ]);

  // 2. Modeled cycles on each profile.
  const rows: (string | number)[][] = [];
  for (const name of Object.keys(PROFILES)) {
    const g = await modeled(name, (l) => l.getpid());
    const n = await modeled(name, (l) => l.raw(1024));
    rows.push([name, 'getpid', g.cycles, g.parts], [name, 'syscall 1024 (ENOSYS)', n.cycles, n.parts]);
  }
  table('core', 'modeled cycles per round trip (charged by the entry path, per profile)', ['profile', 'call', 'cycles', 'breakdown'], rows);

  // 3. Boot time.
  const boots: number[] = [];
  for (let i = 0; i < 9; i++) { const t0 = process.hrtime.bigint(); boot(); boots.push(Number(process.hrtime.bigint() - t0) / 1e6); }
  // 4. poke+peek of 4 KiB through the MMU.
  let mbps = 0;
  await run_inline(boot(), (libc) => {
    const p = libc.malloc(4096), data = new Uint8Array(4096), back = new Uint8Array(4096);
    const ns = ns_per_op(() => { libc.poke(p, data); libc.peek_into(p, back); }, 20000, 7);
    mbps = (2 * 4096) / ns * 1e3;
  });
  table('core', 'boot and user memory', ['measure', 'value'], [
    ['boot (start_kernel → rootfs ready), median of 9, ms', median(boots)],
    ['4 KiB poke + peek through the MMU, MB/s', mbps],
  ]);
}
