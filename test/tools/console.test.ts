// The console from the host side: `node bin/privos.js run` as a child process on real pipes and
// a real pseudo-terminal (issue 13 §1).
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { openSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = ['bin/privos.js'];
const ptyrun = fileURLToPath(new URL('./helpers/ptyrun.py', import.meta.url));

/** Resolves with the child's status once it has exited. */
const exited = (c: ReturnType<typeof spawn>): Promise<number | null> => new Promise((r) => c.on('close', (code) => r(code)));

test.serial('fd 1 is the host stdout and fd 2 the host stderr', (t) => {
  const r = spawnSync(process.execPath, [...bin, 'run', '/bin/cat', '/etc/hostname', '/missing'], { cwd: root, encoding: 'utf8', input: '' });
  t.is(r.status, 1);
  t.is(r.stdout, 'privos\n');
  t.is(r.stderr, 'cat: /missing: No such file or directory\n');
});

test.serial('yes | head -1: host EPIPE is EPIPE + SIGPIPE, privos exits 141', (t) => {
  const r = spawnSync('bash', ['-c', `"${process.execPath}" bin/privos.js run /bin/yes | head -1; echo "status \${PIPESTATUS[0]}"`], { cwd: root, encoding: 'utf8' });
  t.is(r.stdout, 'y\nstatus 141\n');
  t.is(r.stderr, '');
});

test.serial('1 MiB through /bin/cat into a slow reader arrives whole', async (t) => {
  const dir = mkdtempSync(`${tmpdir()}/privos-con-`);
  const data = Buffer.alloc(1 << 20);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
  writeFileSync(`${dir}/in`, data);
  const c = spawn(process.execPath, [...bin, 'run', '/bin/cat'], { cwd: root, stdio: [openSync(`${dir}/in`, 'r'), 'pipe', 'inherit'] });
  const got: Buffer[] = [];
  // The slow reader: 1000 bytes per turn of the event loop.
  const pull = (): void => {
    const b = c.stdout!.read(1000) as Buffer | null ?? c.stdout!.read() as Buffer | null;
    if (b) got.push(b);
    if (!c.stdout!.readableEnded) setImmediate(pull);
  };
  c.stdout!.pause();
  setImmediate(pull);
  t.is(await exited(c), 0);
  t.true(Buffer.concat(got).equals(data));
});

test.serial('a writer blocks in write(2) while the host pipe is full: nothing piles up in privos', async (t) => {
  const total = 4 << 20;
  const c = spawn(process.execPath, [...bin, 'run', 'test/tools/progs/flood.ts', String(total)], { cwd: root });
  let consumed = 0, err = '', at_wrote = -1;
  c.stdout!.pause();
  c.stdout!.on('data', (d: Buffer) => { consumed += d.length; });
  c.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
    if (err.includes('wrote') && at_wrote < 0) at_wrote = consumed;
    // Read stdout only once the program is writing; until then the pipe fills and the write blocks.
    if (err.includes('start')) c.stdout!.resume();
  });
  t.is(await exited(c), 0);
  t.is(err, `start\nwrote ${total}\n`);
  t.is(consumed, total);
  // write(2) returned only after all but what the host pipe and one chunk in flight can hold was read.
  t.true(at_wrote >= total - (512 << 10), `write returned when ${at_wrote} of ${total} bytes had been read`);
});

test.serial('isatty and TIOCGWINSZ: false on pipes; true, with the host size, on a real terminal', (t) => {
  const piped = spawnSync(process.execPath, [...bin, 'run', 'test/tools/progs/tty_probe.ts'], { cwd: root, encoding: 'utf8', input: '' });
  t.is(piped.stdout, 'isatty 0 0 0 winsize errno 25\n');
  const tty = spawnSync('python3', [ptyrun, 'none', '--', process.execPath, ...bin, 'run', 'test/tools/progs/tty_probe.ts'], { cwd: root, encoding: 'utf8' });
  t.is(tty.stdout, 'isatty 1 1 1 winsize 33x101\nstatus 0\n', tty.stderr);
});

test.serial('a real terminal: ^C is SIGINT for the program; its handler runs', (t) => {
  const int = spawnSync('python3', [ptyrun, 'int', '--', process.execPath, ...bin, 'run', 'test/tools/progs/sigwait.ts'], { cwd: root, encoding: 'utf8' });
  t.regex(int.stdout, /^ready\n(\^C)?caught Interrupt\nstatus 0\n$/, int.stderr);
});

test.serial('a real terminal: resizing it is SIGWINCH for the program', (t) => {
  const winch = spawnSync('python3', [ptyrun, 'winch', '--', process.execPath, ...bin, 'run', 'test/tools/progs/sigwait.ts', 'winch'], { cwd: root, encoding: 'utf8' });
  t.is(winch.stdout, 'ready\ncaught Window changed\nstatus 0\n', winch.stderr);
});

/** Runs sigwait.ts, sends the host signal once it is ready; resolves with its status and stdout. */
async function signalled(sig: NodeJS.Signals): Promise<[number | null, string]> {
  const c = spawn(process.execPath, [...bin, 'run', 'test/tools/progs/sigwait.ts'], { cwd: root });
  let stdout = '';
  c.stdout!.on('data', (b: Buffer) => { stdout += b.toString(); if (stdout === 'ready\n') c.kill(sig); });
  return [await exited(c), stdout];
}

test.serial('host SIGTERM reaches the program: its default action ends it (143)', async (t) => {
  t.deepEqual(await signalled('SIGTERM'), [143, 'ready\n']);
});

test.serial('host SIGINT reaches the program: its handler runs and it exits cleanly', async (t) => {
  t.deepEqual(await signalled('SIGINT'), [0, 'ready\ncaught Interrupt\n']);
});
