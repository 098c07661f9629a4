// What a user sees when something is wrong (issue 13 §2): one-line usage errors with status 2,
// never a help dump or a JS stack; deaths reported the way a shell reports them.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const privos = (...args: string[]) => spawnSync(process.execPath, ['bin/privos.js', ...args], { cwd: root, encoding: 'utf8', input: '' });

/** A usage error: status 2, nothing on stdout, exactly one line on stderr that matches re. */
function usage_error(t: import('ava').ExecutionContext, args: string[], re: RegExp): void {
  const r = privos(...args);
  t.is(r.status, 2, args.join(' '));
  t.is(r.stdout, '');
  t.regex(r.stderr, /^privos: [^\n]+\n$/, `one line for ${args.join(' ')}`);
  t.regex(r.stderr, re);
}

test.serial('unknown options before PROGRAM, -v, unknown commands and bench suites: one line, status 2', (t) => {
  usage_error(t, ['run', '--bogus', '/bin/true'], /unknown option '--bogus'/);
  usage_error(t, ['run', '-v', '/tmp:/mnt', '/bin/true'], /unknown option '-v'/);
  usage_error(t, ['bench', 'nosuch'], /unknown suite 'nosuch' \(have: .*core/);
});

test.serial('uid and gid must be integers >= 0: never silently root', (t) => {
  usage_error(t, ['run', '--uid', 'nobody', '/bin/true'], /--uid wants an integer/);
  usage_error(t, ['run', '--uid', '-1', '/bin/true'], /--uid wants an integer/);
  usage_error(t, ['run', '--gid', '1.5', '/bin/true'], /--gid wants an integer/);
});

test.serial('--uid and --gid are the ids the program runs with', (t) => {
  t.is(privos('run', '--uid', '1000', 'test/tools/progs/ids.ts').stdout, 'uid=1000 euid=1000 gid=1000 egid=1000\n');
  t.is(privos('run', '--uid', '1000', '--gid', '100', 'test/tools/progs/ids.ts').stdout, 'uid=1000 euid=1000 gid=100 egid=100\n');
});

test.serial('memory is range-checked', (t) => {
  usage_error(t, ['run', '--mem', '0', '/bin/true'], /--mem wants MiB from 16 to 4096, got '0'/);
  usage_error(t, ['run', '--mem', 'lots', '/bin/true'], /--mem wants MiB/);
});

test.serial('ports are range-checked', (t) => {
  usage_error(t, ['run', '--publish', '0:80', '/bin/true'], /ports are 1-65535/);
  usage_error(t, ['run', '-p', '8080:65536', '/bin/true'], /ports are 1-65535/);
});

test.serial('-- and everything after PROGRAM reach the program; a -- before PROGRAM ends the options', (t) => {
  const r = privos('run', 'test/tools/progs/exit3.ts', '--', '-x', '--uid', 'y');
  t.is(r.status, 3);
  t.is(r.stdout, 'args:--,-x,--uid,y\n');
  t.is(privos('run', '--', '/bin/echo', '-n', 'a').stdout, 'a');
});

test.serial('a .ts program outside an ESM package loads', (t) => {
  const dir = mkdtempSync(`${tmpdir()}/privos-cjs-`);
  copyFileSync(fileURLToPath(new URL('./progs/exit3.ts', import.meta.url)), `${dir}/prog.ts`);
  // The copy imports libc only as a type, so it has no import left once compiled.
  const r = privos('run', `${dir}/prog.ts`, 'z');
  t.is(r.status, 3, r.stderr);
  t.is(r.stdout, 'args:z\n');
});

test.serial('an uncaught exception is shown on stderr, with the details in dmesg', (t) => {
  const r = privos('run', '--dmesg', 'test/tools/progs/throw.ts');
  t.is(r.status, 139);
  t.is(r.stdout, 'before\n');
  t.regex(r.stderr, /^throw\.ts: uncaught exception: TypeError: no such thing \(details: privos run --dmesg\)\nSegmentation fault\n/);
  t.regex(r.stderr, /uncaught exception in user code: TypeError: no such thing\n.*at main/);
});

test.serial('a fatal signal is named as a shell names it', (t) => {
  t.is(privos('run', 'test/tools/progs/segv.ts').stderr, 'Segmentation fault\n');
  const killed = privos('run', 'test/tools/progs/killself.ts', '9');
  t.is(killed.status, 137);
  t.is(killed.stderr, 'Killed\n');
});

test.serial('death by SIGINT or SIGPIPE is not reported (as a shell does not)', (t) => {
  t.deepEqual(['2', '13'].map((sig) => privos('run', 'test/tools/progs/killself.ts', sig)).map((r) => [r.status, r.stderr]), [[130, ''], [141, '']]);
});
