/**
 * Issue 14: privos used from another project. A temporary plain-ESM project gets privos
 * installed as exactly the files `npm pack` would ship (its dependencies linked to this
 * repository's node_modules: no network, no npm cache, nothing but `npm run build` first), then
 * `node test.mjs` (test/tools/lib_project) boots a machine and checks stdout and stderr apart,
 * the exit status and a signal death, and loads a module of its own written against
 * privos/kernel/… — with no TypeScript loader anywhere.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../kernel/init/paths.ts';

const run = promisify(execFile);
const FIXTURES = join(REPO_ROOT, 'test', 'tools', 'lib_project');

/** Sources newer than their compiled file: the package would ship stale code. */
function stale_sources(dir: string): string[] {
  const stale: string[] = [];
  for (const e of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts') || e.name.endsWith('.d.ts')) continue;
    const src = join(e.parentPath, e.name), out = join(REPO_ROOT, 'dist', src.slice(REPO_ROOT.length + 1)).replace(/\.ts$/, '.js');
    let built = 0;
    try { built = statSync(out).mtimeMs; } catch { /* not built */ }
    if (built < statSync(src).mtimeMs) stale.push(src);
  }
  return stale;
}

/** The package's files as npm would pack them. */
async function packed_files(): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
  return (JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
}

/** A consumer project with privos installed in node_modules/privos. */
async function consumer_project(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'privos-consumer-'));
  const pkg = join(dir, 'node_modules', 'privos');
  for (const f of await packed_files()) {
    mkdirSync(dirname(join(pkg, f)), { recursive: true });
    cpSync(join(REPO_ROOT, f), join(pkg, f));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { privos: '*' } }));
  for (const f of ['test.mjs', 'both.mjs', 'greet.mjs']) cpSync(join(FIXTURES, f), join(dir, f));
  return dir;
}

/**
 * The environment of a plain `node`: no loader hooks inherited from this test's runner, and no
 * c8 coverage collection (the consumer's files are outside the repository's report anyway).
 */
function plain_env(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_V8_COVERAGE;
  return env;
}

test('a plain Node project installs privos and tests with it, without a TypeScript loader', async (t) => {
  const stale = ['kernel', 'libc', 'tools'].flatMap(stale_sources);
  if (stale.length) { t.fail(`dist/ is older than ${stale.length} sources (e.g. ${stale[0]}): run npm run build`); return; }
  const dir = await consumer_project();
  try {
    const where = await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('privos'))"], { cwd: dir, env: plain_env() });
    t.is(where.stdout.trim(), `file://${join(dir, 'node_modules', 'privos', 'dist', 'tools', 'lib', 'index.js')}`);
    const r = await run(process.execPath, ['test.mjs'], { cwd: dir, env: plain_env() }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    t.regex(r.stdout, /^# pass 1$/m, `${r.stdout}\n${r.stderr}`);
    t.regex(r.stdout, /^# fail 0$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
