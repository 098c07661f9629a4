/**
 * PrivBox's gate speed-up, reproduced: the artifact's mtest (privbox/devenv tools/microtester) — a
 * non-existent syscall (1024, -ENOSYS) from user mode and through the kerncall gate — plus
 * getpid, a 1-byte read of /dev/zero and a 1-byte write to /dev/null, on skylake with PTI on
 * and off. Every cycle comes from the cost profile through the code path actually executed.
 * Modeled cycles are deterministic: the per-call figure is exact arithmetic on two runs of
 * different lengths (N and N_BASE calls), so process set-up, kerncall_setup and the box load
 * cancel out, and it holds for 10M calls. Wall time is measured, never subtracted: the loop
 * itself reads CLOCK_MONOTONIC before and after its calls (through the gate, for a box), and
 * the figure is the median (min–max) of WALL_RUNS such runs of N calls each, after a warm-up
 * run (say PRIVBOX_BENCH_CALLS=10000000 to run the full 10M).
 */
import { boot, capture_console, run, run_boxed } from '../machine.ts';
import { join } from 'node:path';
import { LinkError, link_fresh, REPO_ROOT } from '../link/link.ts';
import { last_sfi_stats } from '../sfi/link_pass.ts';
import rootfs from '../../kernel/init/rootfs.json' with { type: 'json' };
import { privbox_init } from '../../kernel/privbox/piot.ts';
import { skylake_nopti, skylake_pti, PRIVBOX_GATE_ROUND_TRIP, PRIVBOX_USER_ROUND_TRIP } from '../../kernel/arch/x86/profile_skylake.ts';
import { C, COST_KEYS, type CostProfile } from '../../kernel/time/cost.ts';
import { fmt_spread, spread, svg_bars, table, type BarSeries, type Cell, type Spread } from './harness.ts';

const N = Number(process.env.PRIVBOX_BENCH_CALLS ?? 1_000_000);
const N_BASE = 1000;
const WALL_RUNS = 5;
const CLOCK_MONOTONIC = 1;

/**
 * The box: reads {nr, fd, buf, n, clock_gettime's nr} at p, makes n raw syscalls through the
 * gate, and stores the monotonic clock before and after them at p+40 and p+56 (timespecs).
 */
const BOX_SRC = `export default function (libc: any, p: number) {
  const nr = libc.peek_u64(p), fd = libc.peek_u64(p + 8), buf = libc.peek_u64(p + 16), n = libc.peek_u64(p + 24);
  const clk = libc.peek_u64(p + 32);
  libc.raw(clk, ${CLOCK_MONOTONIC}, p + 40);
  for (let i = 0; i < n; i++) libc.raw(nr, fd, buf, 1);
  libc.raw(clk, ${CLOCK_MONOTONIC}, p + 56);
  return 0;
}`;

/** The driver: argv = [name, mode, nr, kind, n]; user mode loops itself, gate mode spawns the box. */
const DRIVER = `data:text/javascript,${encodeURIComponent(`
export default async function main(libc, argv) {
  const [, mode, nr_s, kind, n_s] = argv;
  const nr = Number(nr_s), n = Number(n_s);
  const fd = kind === 'read' ? await libc.open('/dev/zero', libc.O_RDONLY) : kind === 'write' ? await libc.open('/dev/null', libc.O_WRONLY) : -1;
  const buf = libc.malloc(64);
  const p = libc.malloc(72), clk = libc.SYS.clock_gettime;
  const ns = (at) => libc.peek_u64(at) * 1e9 + libc.peek_u64(at + 8);
  // Fixed width: the same bytes are copied on every run, so modeled cycles stay identical.
  const report = async () => { const s = 'loop_ns ' + String(ns(p + 56) - ns(p + 40)).padStart(15, '0') + '\\n'; await libc.write(1, s, s.length); return 0; };
  if (mode === 'user') {
    libc.raw(clk, ${CLOCK_MONOTONIC}, p + 40);
    for (let i = 0; i < n; i++) libc.raw(nr, fd, buf, 1);
    libc.raw(clk, ${CLOCK_MONOTONIC}, p + 56);
    return report();
  }
  if (await libc.kerncall_setup()) return 2;
  const ip = await libc.kerncall_load(${JSON.stringify(BOX_SRC)});
  if (ip < 0) return 3;
  libc.poke_u64(p, nr); libc.poke_u64(p + 8, fd); libc.poke_u64(p + 16, buf); libc.poke_u64(p + 24, n); libc.poke_u64(p + 32, clk);
  if ((await libc.kerncall_spawn(ip, p)) !== 0) return 4;
  return report();
}`)}`;

/** One run: the machine's modeled cycles after it, and the loop's own wall time (in-guest clock). */
interface Sample { cycles: number; breakdown: Float64Array; loop_ns: number }

/**
 * Modes: 'user' (syscall instruction), 'gate' (a box loaded with PIOT_IOCLOAD, the box's code
 * alone instrumented), 'image' (`--privbox`: the driver's SFI build, program and libc through
 * the pass, its main in a box making the same calls).
 */
type Mode = 'user' | 'gate' | 'image';

async function one_run(profile: CostProfile, mode: Mode, nr: number, kind: string, n: number): Promise<Sample> {
  const cap = capture_console();
  const k = boot({ profile, console: cap.console });
  privbox_init(k);
  const spec = { program: DRIVER, argv: ['mtest', mode === 'image' ? 'user' : mode, String(nr), kind, String(n)] };
  const r = await (mode === 'image' ? run_boxed(k, spec) : run(k, spec));
  if (r.status !== 0) throw new Error(`mtest ${mode} ${kind} exited ${r.status}`);
  const m = /loop_ns (\d+)/.exec(cap.output());
  if (!m) throw new Error(`mtest ${mode} ${kind}: no loop time in its output`);
  return { cycles: k.cpu.cycles, breakdown: k.cpu.breakdown.slice(), loop_ns: Number(m[1]) };
}

interface Case { name: string; kind: string; nr: (sys: Record<string, number>) => number }
const CASES: Case[] = [
  { name: 'syscall 1024 (ENOSYS)', kind: 'nosys', nr: () => 1024 },
  { name: 'getpid', kind: 'getpid', nr: (s) => s.getpid },
  { name: 'read 1 B /dev/zero', kind: 'read', nr: (s) => s.read },
  { name: 'write 1 B /dev/null', kind: 'write', nr: (s) => s.write },
];

export interface PerCall { cycles: number; wall_ns: Spread; breakdown: Float64Array; per_run: Float64Array }

/**
 * Per-call modeled cycles and breakdown of one case (exact: deterministic counters of two
 * runs of different lengths), and its wall ns per call: median (min–max) of the loop times of
 * WALL_RUNS runs of n calls after a warm-up run.
 */
export async function measure(profile: CostProfile, mode: Mode, c: Case, n = N): Promise<PerCall> {
  const k = boot({ profile });
  const sys = Object.fromEntries(k.arch.syscall_names.map((nm, i) => [nm, i]));
  const nr = c.nr(sys);
  const a = await one_run(profile, mode, nr, c.kind, N_BASE); // also the warm-up
  const runs: Sample[] = [];
  for (let r = 0; r < WALL_RUNS; r++) runs.push(await one_run(profile, mode, nr, c.kind, n));
  const b = runs[0], d = n - N_BASE;
  if (runs.some((s) => s.cycles !== b.cycles)) throw new Error(`mtest ${mode} ${c.kind}: modeled cycles differ between identical runs`);
  return {
    cycles: (b.cycles - a.cycles) / d,
    wall_ns: spread(runs.map((s) => s.loop_ns / n)),
    breakdown: b.breakdown.map((v, i) => (v - a.breakdown[i]) / d),
    per_run: a.breakdown,
  };
}

/** Masks and checked branches a run executed (the cost-model keys they charge, counted). */
function sfi_ops(s: PerCall): string {
  const count = (key: number): number => s.per_run[key] / skylake_pti.cost[COST_KEYS[key]];
  return `${count(C.sfi_mask)} / ${count(C.sfi_branch)}`;
}

function sfi_row(c: Case, g: PerCall, img: PerCall): Cell[] {
  return [c.name, g.cycles, img.cycles, fmt_spread(g.wall_ns), fmt_spread(img.wall_ns), sfi_ops(g), sfi_ops(img)];
}

/** Root-image programs whose link the bench times (PRIVBOX_BENCH_LINK=all: every one). */
const LINKED = ['/bin/hello', '/bin/cat', '/bin/sh', '/bin/lighttpd-lite', '/bin/redis-lite'];

/** Links root-image programs plain and as their SFI build, uncached; times both. */
function link_rows(): Cell[][] {
  const rows: Cell[][] = [];
  const programs = (rootfs as { programs: Record<string, string> }).programs;
  const which = process.env.PRIVBOX_BENCH_LINK === 'all' ? Object.keys(programs) : LINKED;
  for (const src of new Set(which.map((g) => programs[g]))) {
    if (!src?.endsWith('.ts')) continue;
    const t0 = performance.now();
    const path = join(REPO_ROOT, src);
    link_fresh(path, `bench:${src}`, 'none');
    const t1 = performance.now();
    try {
      link_fresh(path, `bench:${src}:sfi`, 'full');
    } catch (e) {
      if (!(e instanceof LinkError)) throw e;
      rows.push([src, Math.round(t1 - t0), `refused (${e.diagnostics.length} diagnostics)`, '', '', '', '']);
      continue;
    }
    const t2 = performance.now();
    rows.push([src, Math.round(t1 - t0), Math.round(t2 - t1), last_sfi_stats.masks, last_sfi_stats.branches, last_sfi_stats.keys, last_sfi_stats.functions]);
  }
  return rows;
}

const within = (v: number, anchor: number): string => `${(((v - anchor) / anchor) * 100).toFixed(1)}%${Math.abs(v - anchor) / anchor <= 0.05 ? ' (within 5%)' : ' (OUTSIDE 5%)'}`;

export { link_rows };

export default async function bench(): Promise<void> {
  const rows: Cell[][] = [];
  const series: BarSeries[] = [];
  const breakdown_rows: Cell[][] = [];
  const sfi_rows: Cell[][] = [];
  for (const profile of [skylake_pti, skylake_nopti]) {
    const user_pts: number[] = [], gate_pts: number[] = [];
    for (const c of CASES) {
      const u = await measure(profile, 'user', c);
      const g = await measure(profile, 'gate', c);
      rows.push([profile.name, c.name, u.cycles, g.cycles, `${(u.cycles / g.cycles).toFixed(2)}×`, fmt_spread(u.wall_ns), fmt_spread(g.wall_ns)]);
      if (profile === skylake_pti) sfi_rows.push(sfi_row(c, g, await measure(profile, 'image', c)));
      user_pts.push(u.cycles); gate_pts.push(g.cycles);
      if (c.kind === 'nosys') {
        for (const [label, s] of [['user', u], ['gate', g]] as const) {
          const parts = COST_KEYS.map((key, ki) => [key, s.breakdown[ki]] as const).filter(([, v]) => v > 0.001);
          breakdown_rows.push([profile.name, label, s.cycles, parts.map(([key, v]) => `${key} ${+v.toFixed(2)}`).join(', ')]);
        }
        if (profile === skylake_pti) {
          console.log(`  anchor check (skylake PTI, syscall 1024): user ${u.cycles.toFixed(1)} vs ${PRIVBOX_USER_ROUND_TRIP}: ${within(u.cycles, PRIVBOX_USER_ROUND_TRIP)}; ` +
            `gate ${g.cycles.toFixed(1)} vs ${PRIVBOX_GATE_ROUND_TRIP}: ${within(g.cycles, PRIVBOX_GATE_ROUND_TRIP)}; speed-up ${(u.cycles / g.cycles).toFixed(2)}× (paper ${(PRIVBOX_USER_ROUND_TRIP / PRIVBOX_GATE_ROUND_TRIP).toFixed(1)}×)`);
          if (u.breakdown[C.handler_trivial] === 0) console.log('  (nr 1024 is past NR_syscalls: no handler runs, so handler_trivial is not charged on either path)');
        }
      }
    }
    series.push({ name: `${profile.name} user`, values: user_pts }, { name: `${profile.name} gate`, values: gate_pts });
  }
  table('privbox', `PrivBox mtest: modeled cycles per call (exact; they hold for 10M calls); wall ns per call, median (min–max) of ${WALL_RUNS} runs of ${N} calls`,
    ['profile', 'call', 'user cycles', 'gate cycles', 'speed-up', 'user wall ns', 'gate wall ns'], rows);
  table('privbox', 'Where the cycles go (syscall 1024, per call, by cost-model key)', ['profile', 'path', 'cycles', 'breakdown'], breakdown_rows);
  table('privbox', `Gate round trip before (PIOT_IOCLOAD box, its code alone instrumented) and after (whole-image SFI build, --privbox); masks and checked branches executed in one run of ${N_BASE} calls (skylake-pti)`,
    ['call', 'gate cycles', 'image cycles', 'gate wall ns', 'image wall ns', 'gate masks/branches per run', 'image masks/branches per run'], sfi_rows);
  table('privbox', 'SFI link time of the root image\'s programs (whole image through the pass, uncached) and what the pass inserted',
    ['program', 'plain link ms', 'SFI link ms', 'masks', 'checked branches', 'checked keys', 'functions'], link_rows());
  const svg = svg_bars('privbox', 'PrivBox: modeled cycles per call, syscall instruction vs gate', 'modeled cycles', CASES.map((c) => c.name), series);
  console.log(`  plot: ${svg}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
