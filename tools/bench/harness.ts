/**
 * The benchmark harness (`npm run bench`): repeated runs with medians, native baselines from
 * small C programs compiled with `cc` in the same run, tables printed and written to
 * bench-results/, and SVG plots. Benchmarks are not tests; nothing here asserts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RESULTS_DIR = 'bench-results';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A figure measured several times: its median with the spread (min–max) of the runs. */
export interface Spread { median: number; min: number; max: number; runs: number }

export function spread(xs: number[]): Spread {
  if (xs.length === 0) throw new Error('spread of no samples');
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length };
}

/**
 * The sanity check every printed figure passes: a wall time, a cycle count, a rate or a ratio
 * is finite and positive (zero only where `zero_ok`). A benchmark that would print a negative or
 * impossible figure stops with an error instead.
 */
export function sane(what: string, v: number, zero_ok = false): number {
  if (!Number.isFinite(v) || v < 0 || (v === 0 && !zero_ok)) throw new Error(`bench: refusing to print an impossible figure for ${what}: ${v}`);
  return v;
}

/** `median (min–max)`, the way every measured wall figure is printed. */
export function fmt_spread(s: Spread, digits = s.median < 10 ? 2 : 1): string {
  sane('median', s.median, true); sane('min', s.min, true); sane('max', s.max, true);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** Wall nanoseconds per call of sync fn, per run: warm-up, then `runs` runs of `iters` calls. */
export function sample_ns(fn: () => unknown, iters: number, runs = 7): Spread {
  for (let i = 0; i < Math.min(iters, 10000); i++) fn(); // warm up the JIT
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / iters);
  }
  return spread(samples);
}

/** The async variant of sample_ns: every call awaited. */
export async function sample_ns_async(fn: () => unknown, iters: number, runs = 7): Promise<Spread> {
  for (let i = 0; i < Math.min(iters, 1000); i++) await fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / iters);
  }
  return spread(samples);
}

/**
 * Operations timed in alternating runs (f0, f1, …, f0, f1, …) after a warm-up of each, so that
 * all see the same machine load; each is summarised, and so is its ratio to f0 taken per round
 * of runs. What a noisy shared machine can still compare honestly. With `awaited`, every call
 * is awaited (the cost of the async door included).
 */
export async function alternating_ns(fns: readonly (() => unknown)[], iters: number, runs = 9, awaited = true):
  Promise<{ each: Spread[]; ratio: Spread[] }> {
  const time = async (fn: () => unknown): Promise<number> => {
    const t0 = process.hrtime.bigint();
    if (awaited) for (let i = 0; i < iters; i++) await fn();
    else for (let i = 0; i < iters; i++) fn();
    return Number(process.hrtime.bigint() - t0) / iters;
  };
  for (const f of fns) await time(f); // warm-up
  const xs = fns.map((): number[] => []), rs = fns.map((): number[] => []);
  for (let r = 0; r < runs; r++) {
    const round: number[] = [];
    for (const f of fns) round.push(await time(f));
    round.forEach((v, i) => { xs[i].push(v); rs[i].push(v / round[0]); });
  }
  return { each: xs.map(spread), ratio: rs.map(spread) };
}

/** Wall nanoseconds per call of fn: median over `runs` runs of `iters` calls each. */
export function ns_per_op(fn: () => unknown, iters: number, runs = 7): number {
  return sample_ns(fn, iters, runs).median;
}

/** The async variant, for operations that return Promises. */
export async function ns_per_op_async(fn: () => unknown, iters: number, runs = 7): Promise<number> {
  return (await sample_ns_async(fn, iters, runs)).median;
}

/** The host's clock in Hz: what the OS reports for the first CPU, else /proc/cpuinfo's `cpu MHz`. */
export function host_hz(): number {
  let info = '';
  try { info = readFileSync('/proc/cpuinfo', 'utf8'); } catch { /* not Linux */ }
  const mhz = os.cpus()[0]?.speed || Number(/cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1] ?? 0);
  return mhz * 1e6;
}

let cc_checked: boolean | null = null;
export function have_cc(): boolean {
  if (cc_checked === null) {
    try { execFileSync('cc', ['--version'], { stdio: 'ignore' }); cc_checked = true; } catch { cc_checked = false; }
  }
  return cc_checked;
}

/**
 * Compiles and runs a C program that prints one number per line (e.g. ns per op for each
 * case); returns the numbers, or null (with a note printed) where no compiler exists.
 */
export function native(name: string, c_source: string, args: string[] = []): number[] | null {
  const lines = native_lines(name, c_source, args);
  return lines && lines.map(Number);
}

/** Like native, for programs that print one `median min max` line per case (SPREAD below). */
export function native_spreads(name: string, c_source: string, args: string[] = []): Spread[] | null {
  const rows = native_lines(name, c_source, args);
  return rows && rows.map((l) => {
    const [m, lo, hi, n] = l.trim().split(/\s+/).map(Number);
    return { median: m, min: lo, max: hi, runs: n };
  });
}

function native_lines(name: string, c_source: string, args: string[]): string[] | null {
  if (!have_cc()) { console.log(`  [native ${name}: skipped — no C compiler on this machine]`); return null; }
  const dir = mkdtempSync(join(tmpdir(), 'privos-bench-'));
  const src = join(dir, `${name}.c`), bin = join(dir, name);
  writeFileSync(src, c_source);
  execFileSync('cc', ['-O2', '-o', bin, src]);
  return execFileSync(bin, args, { encoding: 'utf8' }).trim().split('\n');
}

/**
 * A C preamble with a monotonic ns clock and a median-of-runs helper. BENCH(iters, runs, body)
 * returns the median ns per iteration (after one warm-up run); SPREAD(iters, runs, body)
 * prints `median min max runs` for native_spreads.
 */
export const C_PRELUDE = `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/syscall.h>
static double now_ns(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
static int cmpd(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
static double median(double*v,int n){qsort(v,n,sizeof*v,cmpd);return n%2?v[n/2]:(v[n/2-1]+v[n/2])/2;}
#define BENCH(iters, runs, body) ({double s_[runs];for(int r_=-1;r_<runs;r_++){double t0_=now_ns();for(long i_=0;i_<(iters);i_++){body;}if(r_>=0)s_[r_]=(now_ns()-t0_)/(iters);}median(s_,runs);})
#define SPREAD(iters, runs, body) do{double s_[runs];for(int r_=-1;r_<runs;r_++){double t0_=now_ns();for(long i_=0;i_<(iters);i_++){body;}if(r_>=0)s_[r_]=(now_ns()-t0_)/(iters);}\
  double lo_=s_[0],hi_=s_[0];for(int r_=1;r_<runs;r_++){if(s_[r_]<lo_)lo_=s_[r_];if(s_[r_]>hi_)hi_=s_[r_];}printf("%.2f %.2f %.2f %d\\n",median(s_,runs),lo_,hi_,runs);fflush(stdout);}while(0)
`;

/**
 * The host line every result file starts with: date, CPU, cores, memory, load, Node — a
 * reader needs it to judge any wall figure (the machine may be shared and busy).
 */
export function host_line(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  return `${new Date().toISOString()} · ${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length} · ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB · load ${load} · node ${process.version} · ${os.platform()} ${os.release()}`;
}

export type Cell = string | number;

/** Prints a table and appends it to bench-results/<file>.md. */
export function table(file: string, title: string, header: string[], rows: Cell[][]): void {
  const fmt = (c: Cell): string => (typeof c === 'number' ? (sane(title, c, true), Number.isInteger(c) ? String(c) : c.toFixed(c < 10 ? 2 : 1)) : c);
  const cells = [header, ...rows.map((r) => r.map(fmt))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  const md = [`### ${title}`, '', line(cells[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.slice(1).map(line), ''].join('\n');
  console.log('\n' + md);
  if (!existsSync(RESULTS_DIR)) mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${file}.md`), md + '\n', { flag: 'a' });
}

export interface Series { name: string; points: [number, number][] }

/** Writes a simple line plot (log-2 x axis when asked) as SVG to bench-results/<file>.svg. */
export function svg_plot(file: string, title: string, xlabel: string, ylabel: string, series: Series[], logx = false): string {
  const W = 640, H = 400, L = 70, R = 150, T = 40, B = 50;
  const xs = series.flatMap((s) => s.points.map((p) => (logx ? Math.log2(p[0]) : p[0])));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(0, ...ys), y1 = Math.max(...ys) * 1.1 || 1;
  const px = (x: number): number => L + ((logx ? Math.log2(x) : x) - x0) / (x1 - x0 || 1) * (W - L - R);
  const py = (y: number): number => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`, `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">${xlabel}</text>`,
    `<text x="15" y="${(T + H - B) / 2}" transform="rotate(-90 15 ${(T + H - B) / 2})" text-anchor="middle">${ylabel}</text>`];
  for (let i = 0; i <= 4; i++) {
    const y = y0 + (y1 - y0) * i / 4;
    parts.push(`<text x="${L - 5}" y="${py(y) + 4}" text-anchor="end">${y.toPrecision(3)}</text>`);
  }
  const xt = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))];
  for (const x of xt) parts.push(`<text x="${px(x)}" y="${H - B + 15}" text-anchor="middle" font-size="10">${x}</text>`);
  series.forEach((s, i) => {
    const c = colors[i % colors.length];
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${s.points.map((p) => `${px(p[0])},${py(p[1])}`).join(' ')}"/>`);
    for (const p of s.points) parts.push(`<circle cx="${px(p[0])}" cy="${py(p[1])}" r="3" fill="${c}"/>`);
    parts.push(`<text x="${W - R + 10}" y="${T + 15 + i * 18}" fill="${c}">${s.name}</text>`);
  });
  parts.push('</svg>');
  if (!existsSync(RESULTS_DIR)) mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${file}.svg`);
  writeFileSync(path, parts.join('\n'));
  return path;
}

export interface BarSeries { name: string; values: number[] }

/** A grouped bar chart (one group per category, one bar per series) as SVG in bench-results/<file>.svg. */
export function svg_bars(file: string, title: string, ylabel: string, categories: string[], series: BarSeries[]): string {
  const W = 720, H = 420, L = 70, R = 170, T = 40, B = 60;
  const ymax = Math.max(...series.flatMap((s) => s.values)) * 1.1 || 1;
  const gw = (W - L - R) / categories.length, bw = (gw * 0.8) / series.length;
  const py = (y: number): number => H - B - (y / ymax) * (H - T - B);
  const colors = ['#1f77b4', '#aec7e8', '#d62728', '#ff9896', '#2ca02c', '#98df8a'];
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`, `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="15" y="${(T + H - B) / 2}" transform="rotate(-90 15 ${(T + H - B) / 2})" text-anchor="middle">${ylabel}</text>`];
  for (let i = 0; i <= 4; i++) parts.push(`<text x="${L - 5}" y="${py((ymax * i) / 4) + 4}" text-anchor="end">${((ymax * i) / 4).toPrecision(3)}</text>`);
  categories.forEach((c, ci) => {
    parts.push(`<text x="${L + gw * ci + gw / 2}" y="${H - B + 16}" text-anchor="middle" font-size="11">${c}</text>`);
    series.forEach((s, si) => {
      const x = L + gw * ci + gw * 0.1 + bw * si, v = s.values[ci];
      parts.push(`<rect x="${x}" y="${py(v)}" width="${bw - 1}" height="${H - B - py(v)}" fill="${colors[si % colors.length]}"/>`);
      parts.push(`<text x="${x + bw / 2}" y="${py(v) - 3}" text-anchor="middle" font-size="9">${Math.round(v)}</text>`);
    });
  });
  series.forEach((s, i) => {
    parts.push(`<rect x="${W - R + 10}" y="${T + 6 + i * 18}" width="10" height="10" fill="${colors[i % colors.length]}"/>`);
    parts.push(`<text x="${W - R + 25}" y="${T + 15 + i * 18}">${s.name}</text>`);
  });
  parts.push('</svg>');
  if (!existsSync(RESULTS_DIR)) mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${file}.svg`);
  writeFileSync(path, parts.join('\n'));
  return path;
}
