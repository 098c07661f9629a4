/**
 * Fuzzer bench (issue 14 §3): kernel basic blocks (distinct kcov PCs) reached in a fixed wall
 * budget by the coverage-guided fuzzer and by the random baseline, from the same seed, on a
 * kcov-instrumented kernel; medians over repeats (the two modes interleaved, so a busy host
 * slows both alike); a table and an SVG of blocks over time.
 * Budget: FUZZ_BENCH_TIME seconds (default 60), FUZZ_BENCH_REPEATS (default 3),
 * FUZZ_BENCH_ARCH (default x86_64). Standalone: node --import tsx tools/bench/fuzz.ts.
 */
import type { ArchName } from '../../kernel/arch/arch.ts';
import { boot } from '../machine.ts';
import { kcov_source } from '../fuzz/cover.ts';
import { type FuzzOutcome, fuzz_session } from '../fuzz/fuzzer.ts';
import { median, svg_plot, table } from './harness.ts';

/** Points on the curve. */
const SAMPLES = 12;
const SEED = 1;

export interface FuzzBenchOptions { time_s: number; repeats: number; arch: ArchName }

/** Blocks reached by time `ms` of a run (the last tick at or before it). */
function blocks_at(o: FuzzOutcome, ms: number): number {
  let b = 0;
  for (const s of o.curve) if (s.ms <= ms) b = s.blocks;
  return b;
}

function run_mode(opts: FuzzBenchOptions, random: boolean): Promise<FuzzOutcome> {
  return fuzz_session({
    arch: opts.arch, seed: SEED, random, time_ms: opts.time_s * 1000, tick_ms: (opts.time_s * 1000) / SAMPLES / 2,
    cover: kcov_source, boot: () => boot({ arch: opts.arch, kcov: true }),
  });
}

/** Runs the bench; returns the median blocks of each mode. */
export async function fuzz_bench(opts: FuzzBenchOptions): Promise<{ guided: number; random: number }> {
  boot({ arch: opts.arch, kcov: true }); // builds (or loads) the instrumented kernel outside the budget
  const runs: Record<'guided' | 'random', FuzzOutcome[]> = { guided: [], random: [] };
  for (let i = 0; i < opts.repeats; i++) {
    runs.guided.push(await run_mode(opts, false));
    runs.random.push(await run_mode(opts, true));
  }
  const rows = (['guided', 'random'] as const).map((m) => {
    const rs = runs[m], blocks = rs.map((o) => o.blocks);
    return [m, median(blocks), Math.min(...blocks), Math.max(...blocks), median(rs.map((o) => o.execs / (o.ms / 1000))),
      median(rs.map((o) => o.calls / (o.ms / 1000))), median(rs.map((o) => o.corpus))];
  });
  table('fuzz', `privos fuzz on ${opts.arch}: kernel basic blocks reached in ${opts.time_s} s, seed ${SEED}, median of ${opts.repeats}`,
    ['mode', 'blocks', 'min', 'max', 'programs/s', 'calls/s', 'corpus'], rows);
  const xs = Array.from({ length: SAMPLES + 1 }, (_, i) => (i * opts.time_s) / SAMPLES);
  const curve = (m: 'guided' | 'random'): [number, number][] => xs.map((x) => [Number(x.toFixed(1)), median(runs[m].map((o) => blocks_at(o, x * 1000)))]);
  table('fuzz', `privos fuzz on ${opts.arch}: the coverage curves (median blocks at each time)`,
    ['mode', ...xs.filter((_, i) => i % 3 === 0).map((x) => `${Number(x.toFixed(1))} s`)],
    (['guided', 'random'] as const).map((m) => [m, ...curve(m).filter((_, i) => i % 3 === 0).map((p) => p[1])]));
  const svg = svg_plot('fuzz-coverage', `privos fuzz (${opts.arch}): kcov blocks over time, median of ${opts.repeats}`, 'seconds', 'distinct kernel blocks',
    [{ name: 'guided', points: curve('guided') }, { name: 'random (baseline)', points: curve('random') }]);
  console.log(`plot: ${svg}`);
  const found = new Set([...runs.guided, ...runs.random].flatMap((o) => o.found.map((c) => c.signature)));
  for (const sig of found) console.log(`found: ${sig}`);
  return { guided: Number(rows[0][1]), random: Number(rows[1][1]) };
}

export default async function bench(): Promise<void> {
  await fuzz_bench({
    time_s: Number(process.env.FUZZ_BENCH_TIME ?? 60),
    repeats: Number(process.env.FUZZ_BENCH_REPEATS ?? 3),
    arch: (process.env.FUZZ_BENCH_ARCH ?? 'x86_64') as ArchName,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
