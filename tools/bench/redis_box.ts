/**
 * PrivBox's Redis result, modeled (issue 10 §4; the paper's `redis-benchmark -t ping,get,set,incr
 * -c 50` against `redis-server --save "" --appendonly no`, its published gains with SFI and with
 * SPAP kept beside the other anchors in kernel/arch/x86/profile_skylake.ts). redis-lite runs in privos on skylake-pti, once per
 * configuration — kerncall no (the plain image), and aeProcessEvents boxed (`--kerncall yes`) with
 * the whole-image SFI build full, branch-only, none, and branch + SPAP — driven by the real
 * redis-benchmark, one invocation per test. The figure is the redis-lite task's modeled cycles
 * (its utime + stime: syscall or gate paths, user ops, SFI masks, SPAP checks, as charged) per
 * request; the gain is the throughput the cycles imply, 1 / (cycles/request), against kerncall no
 * in the same run. Wall requests/s are the host's and are printed as such.
 *
 * `branch` and `none` without SPAP leave box data accesses unchecked: the kernel boxes them only
 * in PrivBox's unsafe mode (config.unsafe), as the paper's upper-bound builds are unsafe too.
 */
import { execFile } from 'node:child_process';
import { boot, capture_console } from '../machine.ts';
import { spawn } from '../../kernel/init/main.ts';
import { install_program } from '../../kernel/init/initramfs.ts';
import { kill_task } from '../../kernel/sched/exit.ts';
import { privbox_of, type SfiBuild } from '../../kernel/privbox/privbox.ts';
import { C, type CostKey } from '../../kernel/time/cost.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import type { Task } from '../../kernel/sched/task.ts';
import { link_program } from '../link/link.ts';
import { PROFILES } from '../profiles.ts';
import { PRIVBOX_REDIS_GAIN_SFI as PAPER_SFI, PRIVBOX_REDIS_GAIN_SPAP as PAPER_SPAP } from '../../kernel/arch/x86/profile_skylake.ts';
import { median, spread, fmt_spread, svg_bars, table } from './harness.ts';

export const PROFILE = 'skylake-pti';
const PROGRAM = 'userland/redis-lite/main.ts';

/** One configuration: the image's build, PrivBox's unsafe mode, SPAP, the server's flags. */
export interface BoxConfig { name: string; kerncall: boolean; build: SfiBuild; unsafe: boolean; spap: boolean }

export const CONFIGS: readonly BoxConfig[] = [
  { name: 'kerncall no', kerncall: false, build: 'none', unsafe: false, spap: false },
  { name: 'box, SFI full', kerncall: true, build: 'full', unsafe: false, spap: false },
  { name: 'box, SFI branch (unsafe)', kerncall: true, build: 'branch', unsafe: true, spap: false },
  { name: 'box, no SFI (unsafe)', kerncall: true, build: 'none', unsafe: true, spap: false },
  { name: 'box, SPAP + branch', kerncall: true, build: 'branch', unsafe: false, spap: true },
];

/** redis-benchmark's tests (-t), one invocation each so that each is measured on its own. */
export const TESTS = ['ping_inline', 'ping_mbulk', 'set', 'get', 'incr'] as const;

const PAPER: Record<string, string> = { 'box, SFI full': `+${PAPER_SFI}%`, 'box, SPAP + branch': `+${PAPER_SPAP}%` };

/** What one redis-benchmark test cost the server. */
export interface TestResult {
  requests: number;
  /** The redis-lite task's modeled cycles per request. */
  cycles: number;
  /** Per cost key, cycles per request (the machine's breakdown; redis-lite is its only task at work). */
  keys: Float64Array;
  /** syscall-instruction entries and PrivBox gate entries per request. */
  syscalls: number; gates: number;
  /** redis-benchmark's requests/s: the host's wall time. */
  wall_rps: number;
}

/** A booted machine running redis-lite in one configuration. */
export interface BoxServer { k: Kernel; task: Task; port: number; log: () => string; stop: () => Promise<void> }

/** Boots skylake-pti, installs the configuration's image and starts redis-lite like the paper's server. */
export async function start_server(cfg: BoxConfig): Promise<BoxServer> {
  const cap = capture_console();
  const k = boot({ profile: PROFILES[PROFILE], console: cap.console, mem_bytes: 256 << 20 });
  if (cfg.build !== 'none') install_program(k.root, '/bin/redis-lite', link_program(PROGRAM, cfg.build));
  privbox_of(k).config.unsafe = cfg.unsafe;
  k.cpu.set_features({ spap: cfg.spap });
  const argv = ['redis-lite', '--port', '0', '--save', '', '--appendonly', 'no', '--kerncall', cfg.kerncall ? 'yes' : 'no'];
  const task = await spawn(k, { program: '/bin/redis-lite', argv });
  for (let i = 0; i < 3000 && task.alive; i++) {
    const m = /Listening on port (\d+)\.[\s\S]*Ready to accept connections/.exec(cap.output());
    if (m) {
      const stop = async (): Promise<void> => { if (task.alive) kill_task(task); await task.exited; };
      return { k, task, port: +m[1], log: cap.output, stop };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`redis-lite (${cfg.name}) did not start:\n${cap.output()}\n${k.log.text()}`);
}

/** The task's modeled cycles so far: its user and system time, plus what runs since its last mark. */
export function task_cycles(t: Task): number {
  const k = t.kernel;
  return t.utime + t.stime + (k.current === t ? k.cpu.cycles - t.mark : 0);
}

/** Runs redis-benchmark; resolves with its requests/s for the test's CSV row(s). */
function redis_benchmark(port: number, test: string, n: number): Promise<number> {
  const args = ['-p', String(port), '-t', test, '-c', '50', '-n', String(n), '--csv'];
  return new Promise((res, rej) => execFile('redis-benchmark', args, { timeout: 600000 }, (e, out, err) => {
    const m = /^"[A-Z_]+","([\d.]+)"/m.exec(out);
    if (e || !m || /error/i.test(out + err)) rej(new Error(`redis-benchmark -t ${test}: ${e?.message ?? ''}\n${out}${err}`));
    else res(Number(m[1]));
  }));
}

/** One test against a running server: what it cost the redis-lite task, per request. */
export async function measure(s: BoxServer, test: string, n: number): Promise<TestResult> {
  const cpu = s.k.cpu, b0 = cpu.breakdown, c0 = task_cycles(s.task);
  const wall_rps = await redis_benchmark(s.port, test, n);
  // The last replies' ops are charged at the server's next syscall or gate call.
  await new Promise((r) => setTimeout(r, 50));
  const keys = cpu.breakdown.map((v, i) => (v - b0[i]) / n);
  const per = (key: CostKey): number => keys[C[key]] / (cpu.cost[C[key]] || 1);
  return { requests: n, cycles: (task_cycles(s.task) - c0) / n, keys, syscalls: per('syscall_insn'), gates: per('gate_call'), wall_rps };
}

type Runs = Map<string, TestResult[]>; // `config/test` → one result per run

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
/** The throughput gain modeled cycles imply: base/box − 1. */
const gain = (base: number, box: number): number => 100 * (base / box - 1);

/** The keys the comparison turns on, grouped; what no group names is "rest". */
const GROUPS: readonly [string, readonly CostKey[]][] = [
  ['syscall-only keys', ['syscall_insn', 'swapgs', 'cr3_write', 'spectre_entry', 'sysret_insn']],
  ['gate-only keys', ['gate_call', 'gate_stack_switch', 'gate_scrub']],
  ['shared entry/exit', ['user_syscall_stub', 'entry_regs', 'syscall_dispatch', 'exit_work', 'mds_clear', 'exit_regs']],
  ['user ops', ['user_op']],
  ['SFI masks + branches', ['sfi_mask', 'sfi_branch']],
  ['SPAP checks', ['spap_check']],
];

/** Per group, cycles per request (median over the results), then the rest of the total. */
function key_groups(rs: TestResult[]): number[] {
  const g = GROUPS.map(([, ks]) => median(rs.map((r) => ks.reduce((s, k) => s + r.keys[C[k]], 0))));
  const total = median(rs.map((r) => r.keys.reduce((a, b) => a + b, 0)));
  return [...g, total - g.reduce((a, b) => a + b, 0)];
}

function report(runs: Runs, n: number, rounds: number): void {
  const base = (t: string): number => median(runs.get(`kerncall no/${t}`)!.map((r) => r.cycles));
  const rows: (string | number)[][] = [];
  for (const cfg of CONFIGS) {
    for (const t of TESTS) {
      const rs = runs.get(`${cfg.name}/${t}`)!, cyc = spread(rs.map((r) => r.cycles));
      rows.push([cfg.name, t.toUpperCase(), fmt_spread(cyc, 0), median(rs.map((r) => r.syscalls)), median(rs.map((r) => r.gates)),
        cfg.kerncall ? pct(gain(base(t), cyc.median)) : '—', fmt_spread(spread(rs.map((r) => r.wall_rps)), 0)]);
    }
  }
  table('redis_box', `redis-lite under redis-benchmark -c 50 -n ${n}, ${PROFILE}: modeled cycles per request (median (min–max) of ${rounds} runs); gain = modeled throughput vs kerncall no; wall req/s are this host's`,
    ['configuration', 'test', 'cycles/request', 'syscalls/req', 'gate calls/req', 'modeled gain', 'wall req/s (host)'], rows);
  const all = (cfg: BoxConfig): TestResult[] => TESTS.flatMap((t) => runs.get(`${cfg.name}/${t}`)!);
  const summary = CONFIGS.map((cfg) => {
    const g = median(TESTS.map((t) => gain(base(t), median(runs.get(`${cfg.name}/${t}`)!.map((r) => r.cycles)))));
    return { cfg, g, kg: key_groups(all(cfg)) };
  });
  table('redis_box', `what the model charged per request (median over tests and runs, cycles) and the modeled gain next to the paper's`,
    ['configuration', ...GROUPS.map(([name]) => name), 'rest (handlers, copies, …)', 'modeled gain (median of tests)', 'paper'],
    summary.map(({ cfg, g, kg }) => [cfg.name, ...kg.map((v) => Math.round(v)), cfg.kerncall ? pct(g) : '—', PAPER[cfg.name] ?? '—']));
  svg_bars('redis-box-cycles', `redis-lite, ${PROFILE}: modeled cycles per request by configuration`, 'cycles/request',
    TESTS.map((t) => t.toUpperCase()), CONFIGS.map((cfg) => ({ name: cfg.name, values: TESTS.map((t) => median(runs.get(`${cfg.name}/${t}`)!.map((r) => r.cycles))) })));
  paper_implied(runs);
}

/**
 * The paper's gains read backwards through this run's saving S (kerncall no minus the
 * uninstrumented box, cycles/request): if SPAP costs ~nothing (the paper's argument), a gain g
 * (PAPER_SPAP, as a fraction) means a boxed request of S/g cycles and an unboxed one of S/g + S;
 * the SFI gain g' (PAPER_SFI) then leaves base/(1 + g') − S/g cycles for the instrumentation.
 * Derived from the paper, not measured.
 */
function paper_implied(runs: Runs): void {
  const med = (name: string): number => median(TESTS.map((t) => median(runs.get(`${name}/${t}`)!.map((r) => r.cycles))));
  const base = med('kerncall no'), none = med('box, no SFI (unsafe)'), full = med('box, SFI full');
  const saving = base - none, box = saving / (PAPER_SPAP / 100), real = box + saving;
  table('redis_box', `the paper's gains read through this run's saving (${Math.round(saving)} cycles/request): what the model leaves out (cycles/request; derived, not measured)`,
    ['figure', 'modeled (this run)', 'implied by the paper'],
    [['unboxed request (kerncall no)', Math.round(base), Math.round(real)],
      ['boxed request, no instrumentation', Math.round(none), Math.round(box)],
      ['SFI full instrumentation per request', Math.round(full - none), Math.round(real / (1 + PAPER_SFI / 100) - box)],
      ['share of the unboxed request the model charges', `${((100 * base) / real).toFixed(0)}%`, '100%']]);
}

/** REDIS_BOX_N (requests per test, default 2000) and REDIS_BOX_RUNS (default 3) bound the suite. */
export default async function redis_box(): Promise<void> {
  if (!(await new Promise<boolean>((res) => execFile('sh', ['-c', 'command -v redis-benchmark'], (e) => res(!e))))) {
    console.log('  [redis_box: skipped — redis-benchmark not installed (.ci/run installs redis-tools)]');
    return;
  }
  const n = Number(process.env.REDIS_BOX_N ?? 2000), rounds = Math.max(3, Number(process.env.REDIS_BOX_RUNS ?? 3));
  const runs: Runs = new Map();
  for (let r = 0; r < rounds; r++) {
    for (const cfg of CONFIGS) {
      const s = await start_server(cfg);
      try {
        for (const t of TESTS) {
          const res = await measure(s, t, n);
          const key = `${cfg.name}/${t}`;
          runs.set(key, [...(runs.get(key) ?? []), res]);
        }
      } finally { await s.stop(); }
    }
  }
  report(runs, n, rounds);
}
