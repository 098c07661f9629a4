/** Runs the benchmark suites: every tools/bench/<suite>.ts except the harness. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, host_line } from './harness.ts';
import { REPO_ROOT, code_url, host_import } from '../../kernel/init/paths.ts';

/** The suites there are: every tools/bench/<suite>.ts but the harness and this file. */
export function bench_suites(): string[] {
  return readdirSync(join(REPO_ROOT, 'tools', 'bench')).filter((f) => f.endsWith('.ts') && !['harness.ts', 'index.ts'].includes(f))
    .map((f) => f.slice(0, -3));
}

export async function run_benches(only: string[]): Promise<void> {
  const suites = bench_suites().filter((s) => only.length === 0 || only.includes(s)).sort((a, b) => (a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)));
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  const host = host_line();
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'host.md'), `host: ${host}\n`);
  console.log(`privos benchmarks: ${suites.join(', ')} (results in ${RESULTS_DIR}/)\nhost: ${host}`);
  for (const s of suites) {
    // The suite as this CLI runs (its source through tsx, or the compiled build).
    const mod = await host_import<{ default: () => Promise<void> }>(code_url(`tools/bench/${s}.ts`));
    console.log(`\n== ${s} ==`);
    await mod.default();
  }
}
