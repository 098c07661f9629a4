/**
 * Startup (issue 12 item 4): the wall time of `privos run /bin/hello` and of `privos run
 * --privbox /bin/hello` as a user starts them (node bin/privos.js: the CLI bundle when it is
 * built and fresh), beside the host's `node -e 0` in the same rounds, and the maximum resident
 * set of each. Goals: ≤ 2.5× and ≤ 4× `node -e 0`; ≤ 80 MB for the plain run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../kernel/init/paths.ts';
import { BUNDLE, DIST, fresh_build } from '../../bin/fresh.js';
import { fmt_spread, sane, spread, type Spread, table } from './harness.ts';

const ROUNDS = 9;

interface Case { name: string; args: string[]; goal: number | null }

const CASES: readonly Case[] = [
  { name: 'host: node -e 0', args: ['-e', '0'], goal: null },
  { name: 'privos run /bin/hello', args: ['bin/privos.js', 'run', '/bin/hello'], goal: 2.5 },
  { name: 'privos run --privbox /bin/hello', args: ['bin/privos.js', 'run', '--privbox', '/bin/hello'], goal: 4 },
];

/** A preload that writes the process's maximum RSS (KiB) at exit to the file in PRIVOS_RSS. */
const RSS_PRELOAD = "process.on('exit', () => require('fs').writeFileSync(process.env.PRIVOS_RSS, String(process.resourceUsage().maxRSS)));\n";

/** One start: wall ms, and the max RSS in MB when `rss` names the preload. */
function start(c: Case, rss: { preload: string; file: string } | null): { ms: number; mb: number } {
  const pre = rss ? ['--require', rss.preload] : [];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...pre, ...c.args], {
    cwd: REPO_ROOT, encoding: 'utf8', input: '', env: rss ? { ...process.env, PRIVOS_RSS: rss.file } : process.env,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`startup bench: ${c.name} failed (${r.status}): ${r.stderr}`);
  return { ms, mb: rss ? Number(readFileSync(rss.file, 'utf8')) / 1024 : 0 };
}

/** Which code `node bin/privos.js` runs now. */
function build_in_use(): string {
  const b = fresh_build();
  return b?.href === BUNDLE.href ? 'the CLI bundle (dist/bundle/privos.cjs, with its code cache)' : b?.href === DIST.href ? 'the compiled CLI (dist/tools/)' : 'the TypeScript sources through tsx (no fresh build: npm run build)';
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'privos-startup-'));
  const rss = { preload: join(dir, 'rss.cjs'), file: join(dir, 'rss') };
  writeFileSync(rss.preload, RSS_PRELOAD);
  try {
    for (const c of CASES) start(c, null); // warm-up: the page cache, the linker's image cache
    // Alternating rounds, so that every case sees the same load; ratios taken per round.
    const ms = CASES.map((): number[] => []), ratio = CASES.map((): number[] => []), mb = CASES.map((): number[] => []);
    for (let r = 0; r < ROUNDS; r++) {
      const round = CASES.map((c) => start(c, null).ms);
      round.forEach((v, i) => { ms[i].push(v); ratio[i].push(sane('startup ratio', v / round[0])); });
    }
    for (let r = 0; r < 3; r++) CASES.forEach((c, i) => mb[i].push(start(c, rss).mb));
    const rows = CASES.map((c, i) => {
      const rt: Spread = spread(ratio[i]), m: Spread = spread(mb[i]);
      const goal = c.goal === null ? '' : `≤ ${c.goal}× ${rt.median <= c.goal ? 'met' : 'not met'}`;
      const mem = i === 1 ? `${fmt_spread(m, 0)} (≤ 80 ${m.median <= 80 ? 'met' : 'not met'})` : fmt_spread(m, 0);
      return [c.name, fmt_spread(spread(ms[i]), 0), i === 0 ? '1.00×' : `${fmt_spread(rt)}×`, goal, mem];
    });
    table('startup', `start to exit, wall ms (median (min–max) of ${ROUNDS} alternating rounds after a warm-up; ratio to node -e 0 per round); max RSS of 3 starts. bin/privos.js runs ${build_in_use()}`,
      ['command', 'wall ms', 'vs node -e 0', 'goal', 'max RSS MB'], rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
