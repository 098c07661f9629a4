/**
 * PrivBox's 2.2× reproduction: the artifact's mtest (privbox/devenv tools/microtester) — a
 * non-existent syscall (1024, -ENOSYS) from user mode and through the kerncall gate — plus
 * getpid, a 1-byte read of /dev/zero and a 1-byte write to /dev/null, on skylake with PTI on
 * and off. Every cycle comes from the cost profile through the code path actually executed;
 * per-call figures are the difference of two runs (N and N_BASE calls), so process set-up,
 * kerncall_setup and the box load cancel out. Modeled cycles per call are deterministic, so the
 * per-call figure for 10M calls is the one printed; wall time is measured over N calls (say
 * PRIVBOX_BENCH_CALLS=10000000 to run the full 10M).
 */
import { boot, run } from '../machine.ts';
import { privbox_init } from '../../kernel/privbox/piot.ts';
import { skylake_nopti, skylake_pti, PRIVBOX_GATE_ROUND_TRIP, PRIVBOX_USER_ROUND_TRIP } from '../../kernel/arch/x86/profile_skylake.ts';
import { C, COST_KEYS, type CostProfile } from '../../kernel/time/cost.ts';
import { svg_bars, table, type Cell, type BarSeries } from './harness.ts';

const N = Number(process.env.PRIVBOX_BENCH_CALLS ?? 1_000_000);
const N_BASE = 1000;

/** The box: reads {nr, fd, buf, n} at p and makes n raw syscalls through the gate. */
const BOX_SRC = `export default function (libc: any, p: number) {
  const nr = libc.peek_u64(p), fd = libc.peek_u64(p + 8), buf = libc.peek_u64(p + 16), n = libc.peek_u64(p + 24);
  for (let i = 0; i < n; i++) libc.raw(nr, fd, buf, 1);
  return 0;
}`;

/** The driver: argv = [name, mode, nr, kind, n]; user mode loops itself, gate mode spawns the box. */
const DRIVER = `data:text/javascript,${encodeURIComponent(`
export default async function main(libc, argv) {
  const [, mode, nr_s, kind, n_s] = argv;
  const nr = Number(nr_s), n = Number(n_s);
  const fd = kind === 'read' ? await libc.open('/dev/zero', libc.O_RDONLY) : kind === 'write' ? await libc.open('/dev/null', libc.O_WRONLY) : -1;
  const buf = libc.malloc(64);
  if (mode === 'user') { for (let i = 0; i < n; i++) libc.raw(nr, fd, buf, 1); return 0; }
  if (await libc.kerncall_setup()) return 2;
  const ip = await libc.kerncall_load(${JSON.stringify(BOX_SRC)});
  if (ip < 0) return 3;
  const p = libc.malloc(32);
  libc.poke_u64(p, nr); libc.poke_u64(p + 8, fd); libc.poke_u64(p + 16, buf); libc.poke_u64(p + 24, n);
  return (await libc.kerncall_spawn(ip, p)) === 0 ? 0 : 4;
}`)}`;

interface Sample { cycles: number; breakdown: Float64Array; wall_ns: number }

async function one_run(profile: CostProfile, mode: string, nr: number, kind: string, n: number): Promise<Sample> {
  const k = boot({ profile });
  privbox_init(k);
  const t0 = process.hrtime.bigint();
  const r = await run(k, { program: DRIVER, argv: ['mtest', mode, String(nr), kind, String(n)] });
  const wall_ns = Number(process.hrtime.bigint() - t0);
  if (r.status !== 0) throw new Error(`mtest ${mode} ${kind} exited ${r.status}`);
  return { cycles: k.cpu.cycles, breakdown: k.cpu.breakdown.slice(), wall_ns };
}

interface Case { name: string; kind: string; nr: (sys: Record<string, number>) => number }
const CASES: Case[] = [
  { name: 'syscall 1024 (ENOSYS)', kind: 'nosys', nr: () => 1024 },
  { name: 'getpid', kind: 'getpid', nr: (s) => s.getpid },
  { name: 'read 1 B /dev/zero', kind: 'read', nr: (s) => s.read },
  { name: 'write 1 B /dev/null', kind: 'write', nr: (s) => s.write },
];

export interface PerCall { cycles: number; wall_ns: number; breakdown: Float64Array }

/** Per-call modeled cycles, breakdown and wall time of one case (difference of two runs). */
export async function measure(profile: CostProfile, mode: 'user' | 'gate', c: Case, n = N): Promise<PerCall> {
  const k = boot({ profile });
  const sys = Object.fromEntries(k.arch.syscall_names.map((nm, i) => [nm, i]));
  const nr = c.nr(sys);
  const a = await one_run(profile, mode, nr, c.kind, N_BASE);
  const b = await one_run(profile, mode, nr, c.kind, n);
  const d = n - N_BASE;
  return {
    cycles: (b.cycles - a.cycles) / d,
    wall_ns: (b.wall_ns - a.wall_ns) / d,
    breakdown: b.breakdown.map((v, i) => (v - a.breakdown[i]) / d),
  };
}

const within = (v: number, anchor: number): string => `${(((v - anchor) / anchor) * 100).toFixed(1)}%${Math.abs(v - anchor) / anchor <= 0.05 ? ' (within 5%)' : ' (OUTSIDE 5%)'}`;

export default async function bench(): Promise<void> {
  const rows: Cell[][] = [];
  const series: BarSeries[] = [];
  const breakdown_rows: Cell[][] = [];
  for (const profile of [skylake_pti, skylake_nopti]) {
    const user_pts: number[] = [], gate_pts: number[] = [];
    for (const c of CASES) {
      const u = await measure(profile, 'user', c);
      const g = await measure(profile, 'gate', c);
      rows.push([profile.name, c.name, u.cycles, g.cycles, `${(u.cycles / g.cycles).toFixed(2)}×`, u.wall_ns, g.wall_ns]);
      user_pts.push(u.cycles); gate_pts.push(g.cycles);
      if (c.kind === 'nosys') {
        for (const [label, s] of [['user', u], ['gate', g]] as const) {
          const parts = COST_KEYS.map((key, ki) => [key, s.breakdown[ki]] as const).filter(([, v]) => v > 0.001);
          breakdown_rows.push([profile.name, label, s.cycles, parts.map(([key, v]) => `${key} ${+v.toFixed(2)}`).join(', ')]);
        }
        if (profile === skylake_pti) {
          console.log(`  anchor check (skylake PTI, syscall 1024): user ${u.cycles.toFixed(1)} vs ${PRIVBOX_USER_ROUND_TRIP}: ${within(u.cycles, PRIVBOX_USER_ROUND_TRIP)}; ` +
            `gate ${g.cycles.toFixed(1)} vs ${PRIVBOX_GATE_ROUND_TRIP}: ${within(g.cycles, PRIVBOX_GATE_ROUND_TRIP)}; speed-up ${(u.cycles / g.cycles).toFixed(2)}× (paper 2.2×)`);
          if (u.breakdown[C.handler_trivial] === 0) console.log('  (nr 1024 is past NR_syscalls: no handler runs, so handler_trivial is not charged on either path)');
        }
      }
    }
    series.push({ name: `${profile.name} user`, values: user_pts }, { name: `${profile.name} gate`, values: gate_pts });
  }
  table('privbox', `PrivBox mtest: modeled cycles per call (per-call figures hold for 10M calls; wall time over ${N} calls)`,
    ['profile', 'call', 'user cycles', 'gate cycles', 'speed-up', 'user wall ns', 'gate wall ns'], rows);
  table('privbox', 'Where the cycles go (syscall 1024, per call, by cost-model key)', ['profile', 'path', 'cycles', 'breakdown'], breakdown_rows);
  const svg = svg_bars('privbox', 'PrivBox: modeled cycles per call, syscall instruction vs gate', 'modeled cycles', CASES.map((c) => c.name), series);
  console.log(`  plot: ${svg}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
