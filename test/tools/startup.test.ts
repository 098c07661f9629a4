/**
 * Startup (issue 12 item 4): `privos run` from a build runs the CLI bundle (dist/bundle/privos.cjs,
 * tools/link/bundle.ts), and a plain run loads neither yargs nor the TypeScript compiler. The
 * probe (startup/probe.cjs) lists every module a process loads; no timing is asserted.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE, fresh_build } from '../../bin/fresh.js';
import { build_bundle } from '../../tools/link/bundle.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const probe = join(root, 'test/tools/startup/probe.cjs');
const cache_probe = join(root, 'test/tools/startup/cache_probe.cjs');

/** Runs bin/privos.js with a probe (the modules it loaded, by default); its result and the probe's lines. */
function privos(...args: string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  return probed(probe, args);
}

function probed(preload: string, args: string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'privos-probe-')), file = join(dir, 'loaded');
  try {
    const r = spawnSync(process.execPath, ['--require', preload, 'bin/privos.js', ...args],
      { cwd: root, encoding: 'utf8', input: '', env: { ...process.env, PRIVOS_PROBE: file } });
    let loaded: string[] = [];
    try { loaded = readFileSync(file, 'utf8').split('\n').filter(Boolean); } catch { /* nothing loaded */ }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const yargs = (u: string): boolean => /\/node_modules\/yargs\//.test(u);
const typescript = (u: string): boolean => /\/node_modules\/typescript\//.test(u);

test.before(async () => {
  // `npm test` builds first; a bare `npx ava` of this file builds the bundle if it is stale.
  if (fresh_build()?.href !== BUNDLE.href) await build_bundle();
});

test.serial('privos run /bin/hello runs the bundle, without yargs or the TypeScript compiler', (t) => {
  const r = privos('run', '/bin/hello', 'x');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /Hello from privos! pid 1, x86_64, argv=\["\/bin\/hello","x"\]/);
  t.true(r.loaded.includes(BUNDLE.href), 'the bundle ran');
  t.false(r.loaded.some((u) => /\/(kernel|tools)\/.*\.ts$/.test(u)), 'no TypeScript source was loaded');
  t.deepEqual(r.loaded.filter(yargs), []);
  t.deepEqual(r.loaded.filter(typescript), []);
});

test.serial('the probe sees yargs when it loads: privos --help, from the bundle, with unchanged help', (t) => {
  const r = privos('--help');
  t.is(r.status, 0, r.stderr);
  t.true(r.loaded.includes(BUNDLE.href));
  t.true(r.loaded.some(yargs));
  t.regex(r.stdout, /^privos <command> \[options\]\n\nCommands:\n {2}privos run <program> \[args\.\.\]/);
});

test.serial('from the bundle: strace, cc, a boxed run, and fdcap (its module instance shares the bundled kernel)', (t) => {
  const s = privos('strace', '/bin/true');
  t.is(s.status, 0, s.stderr);
  t.regex(s.stderr, /^\+\+\+ exited with 0 \+\+\+$/m);
  const boxed = privos('run', '--privbox', '/bin/hello');
  t.is(boxed.status, 0, boxed.stderr);
  t.regex(boxed.stdout, /Hello from privos!/);
  const fdcap = privos('run', '--arch', 'arm64', '--fdcap', '--dmesg', '/bin/cat', '/etc/hostname');
  t.is(fdcap.status, 0, fdcap.stderr);
  t.is(fdcap.stdout, 'privos\n');
  t.regex(fdcap.stderr, /fdcap: \/dev\/fdcap ready/);
  t.false(fdcap.loaded.some((u) => /\/dist\/bundle\/fdcap\.js/.test(u)), 'not the ES module entry (its own copy of the kernel)');
  const ko = privos('run', '/bin/cat', '/lib/modules/fdcap.ko');
  t.regex(ko.stdout, /^#!privos-module file:\/\/\/.*\/dist\/bundle\/fdcap\.cjs\n/, 'fdcap.ko names the bundle\'s module file');
  const dir = mkdtempSync(join(tmpdir(), 'privos-cc-'));
  try {
    const cc = privos('cc', 'test/tools/progs/exit3.ts', '-o', join(dir, 'exit3'));
    t.is(cc.status, 0, cc.stderr);
    t.regex(readFileSync(join(dir, 'exit3'), 'utf8'), /^#!privos/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.serial("the bundle's code cache: written by the first start, taken by the next; a damaged one is only recompiled", (t) => {
  const cache = `${fileURLToPath(BUNDLE)}.v8`;
  rmSync(cache, { force: true });
  const first = probed(cache_probe, ['run', '/bin/hello']);
  t.is(first.status, 0, first.stderr);
  t.deepEqual(first.loaded, ['privos.cjs offered=false rejected=undefined']);
  t.true(existsSync(cache), 'written at exit');
  const second = probed(cache_probe, ['run', '/bin/hello']);
  t.is(second.status, 0, second.stderr);
  t.deepEqual(second.loaded, ['privos.cjs offered=true rejected=false'], 'V8 took it (the flags the kernel sets are set before the compile)');
  writeFileSync(cache, 'not a code cache');
  const damaged = probed(cache_probe, ['run', '/bin/hello']);
  t.is(damaged.status, 0, damaged.stderr);
  t.regex(damaged.stdout, /Hello from privos!/);
  t.deepEqual(damaged.loaded, ['privos.cjs offered=true rejected=true']);
  t.true(statSync(cache).size > 1000, 'rewritten at exit');
});
