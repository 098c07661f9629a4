/**
 * Kernel-core benchmarks (issue 2): the getpid round trip through the emulated syscall path
 * beside the host's real getpid, modeled cycles per round trip on each profile with the
 * per-primitive breakdown the entry path charged, boot time, and user-memory throughput.
 */
import { COST_KEYS } from '../../kernel/time/cost.ts';
import type { Libc } from '../../libc/index.ts';
import type { CpuDoor } from '../../kernel/include/uapi/cpu_door.ts';
import { boot, run_inline, task_of } from '../machine.ts';
import { door_host } from '../../kernel/arch/door.ts';
import { door_realm } from '../../kernel/arch/door_factory.ts';
import { PROFILES } from '../profiles.ts';
import { C_PRELUDE, fmt_spread, native_spreads, alternating_ns, sample_ns, spread, type Spread, table } from './harness.ts';

const ITERS = 1_000_000;

const HOST_GETPID = `${C_PRELUDE}
int main(void){ SPREAD(${ITERS}, 7, syscall(SYS_getpid)); return 0; }`;

/** The yardstick for the async door: a trivial synchronous function, awaited. */
function trivial(): number { return 1; }

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
  // 1. Wall time: emulated getpid vs the host kernel's, each a median of 7 runs after a warm-up.
  const k = boot();
  let emu: Spread | null = null, door: Awaited<ReturnType<typeof alternating_ns>> | null = null;
  let sync: Awaited<ReturnType<typeof alternating_ns>> | null = null;
  await run_inline(k, async (libc) => {
    emu = sample_ns(() => libc.getpid(), ITERS, 7);
    // The dispatch cache on and off in alternating runs of the same process (item 1's before/after).
    const cached = (): unknown => { k.dispatch.set_enabled(true); return libc.getpid(); };
    const uncached = (): unknown => { k.dispatch.set_enabled(false); return libc.getpid(); };
    // Both wrappers pay the same (a no-op set_enabled but for the first call of a run).
    sync = await alternating_ns([cached, uncached], ITERS / 5, 9, false);
    k.dispatch.set_enabled(true);
    // What a program pays for `await libc.getpid()` next to a bare `await` in the same process,
    // and the floor under it: a door whose syscall instruction does nothing (the register
    // conversions and the call across the door, no kernel), then the door without libc's wrapper.
    const nr = libc.SYS.getpid, real = (libc as unknown as { door: CpuDoor }).door;
    // Each wrapper sets the cache as it needs it: the uncached run of the last round turned it off.
    const empty = door_realm().make({ ...door_host(task_of(k, libc)), sys: () => 0 });
    door = await alternating_ns([trivial, () => empty.syscall(nr, 0, 0, 0, 0, 0, 0), (): unknown => { k.dispatch.set_enabled(true); return real.syscall(nr, 0, 0, 0, 0, 0, 0); }, cached, uncached], ITERS / 5, 9);
    k.dispatch.set_enabled(true);
  });
  if (!emu || !door || !sync) throw new Error('core bench: the inline program did not run');
  const e: Spread = emu, d: Awaited<ReturnType<typeof alternating_ns>> = door, s: Awaited<ReturnType<typeof alternating_ns>> = sync;
  const host = native_spreads('getpid', HOST_GETPID)?.[0] ?? null;
  table('core', 'getpid round trip, wall ns per call (median (min–max) of 7 runs of 1M calls, after a warm-up)', ['path', 'ns/call', 'vs host (medians)'], [
    ['privos: libc → entry_SYSCALL_64 → sys_call_table → sys_getpid → sysret', fmt_spread(e), host ? `${(e.median / host.median).toFixed(2)}×` : 'n/a'],
    ['host kernel: syscall(SYS_getpid), same run', host ? fmt_spread(host) : 'skipped (no cc)', host ? '1.00×' : ''],
  ]);
  table('core', `the dispatch cache, on and off in alternating runs of the same process (9 rounds of ${ITERS / 5} calls)`,
    ['getpid, synchronous', 'ns/call', 'ratio to cached, per round'], [
      ['dispatch cache on', fmt_spread(s.each[0]), '1.00×'],
      ['dispatch cache off (table read through the MMU, exec check, kallsyms scan)', fmt_spread(s.each[1]), `${fmt_spread(s.ratio[1], 2)}×`],
    ]);
  table('core', `await libc.getpid() vs a bare await of a trivial function, same process (9 alternating rounds of ${ITERS / 5} calls; goal ≤ 1.3×)`,
    ['call', 'ns/call', 'ratio to the bare await, per round'], [
      ['await trivial()', fmt_spread(d.each[0]), '1.00×'],
      ['await of an empty door (sys does nothing: the floor without a kernel)', fmt_spread(d.each[1]), `${fmt_spread(d.ratio[1], 2)}×`],
      ['await door.syscall(getpid) (the kernel path, no libc wrapper)', fmt_spread(d.each[2]), `${fmt_spread(d.ratio[2], 2)}×`],
      ['await libc.getpid(), dispatch cache on', fmt_spread(d.each[3]), `${fmt_spread(d.ratio[3], 2)}×`],
      ['await libc.getpid(), dispatch cache off', fmt_spread(d.each[4]), `${fmt_spread(d.ratio[4], 2)}×`],
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
  boot(); // warm-up
  for (let i = 0; i < 9; i++) { const t0 = process.hrtime.bigint(); boot(); boots.push(Number(process.hrtime.bigint() - t0) / 1e6); }
  // 4. poke+peek of 4 KiB through the MMU.
  let copy: Spread | null = null;
  await run_inline(boot(), (libc) => {
    const p = libc.malloc(4096), data = new Uint8Array(4096), back = new Uint8Array(4096);
    copy = sample_ns(() => { libc.poke(p, data); libc.peek_into(p, back); }, 20000, 7);
  });
  if (!copy) throw new Error('core bench: the copy program did not run');
  const c: Spread = copy, mbps = (ns: number): number => (2 * 4096) / ns * 1e3;
  table('core', 'boot and user memory (median (min–max); boot: 9 boots after a warm-up one)', ['measure', 'value'], [
    ['boot (start_kernel → rootfs ready), ms', fmt_spread(spread(boots))],
    ['4 KiB poke + peek through the MMU, MB/s', fmt_spread({ median: mbps(c.median), min: mbps(c.max), max: mbps(c.min), runs: c.runs }, 0)],
  ]);
}
