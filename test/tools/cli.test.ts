import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const privos = (...args: string[]) => spawnSync(process.execPath, ['bin/privos.js', ...args], { cwd: root, encoding: 'utf8', input: '' });

test.serial('privos run: a guest program, output on stdout, status 0', (t) => {
  const r = privos('run', '/bin/hello', 'x');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /Hello from privos! pid 1, x86_64, argv=\["\/bin\/hello","x"\]/);
});

test.serial('privos run: a host .ts program; its return value is the exit status; args pass through', (t) => {
  const r = privos('run', 'test/tools/progs/exit3.ts', 'a', '--b');
  t.is(r.status, 3);
  t.is(r.stdout, 'args:a,--b\n');
});

test.serial('privos run: death by SIGSEGV exits 139, as a shell reports it', (t) => {
  t.is(privos('run', 'test/tools/progs/segv.ts').status, 139);
});

test.serial('privos run --strace writes strace lines on stderr; --arch arm64 uses the arm64 table', (t) => {
  const r = privos('run', '--strace', '--arch', 'arm64', '/bin/echo', 'hi');
  t.is(r.status, 0);
  t.is(r.stdout, 'hi\n');
  t.regex(r.stderr, /^write\(1, "hi\\n", 3\) += 3$/m);
  t.regex(r.stderr, /^exit_group\(0\) {27}= \?$/m);
  t.regex(r.stderr, /^\+\+\+ exited with 0 \+\+\+$/m);
});

test.serial('privos run --privbox runs the program boxed with the same output', (t) => {
  const plain = privos('run', '/bin/hello', 'z');
  const boxed = privos('run', '--privbox', '--dmesg', '/bin/hello', 'z');
  t.is(boxed.status, 0, boxed.stderr);
  t.is(boxed.stdout, plain.stdout);
  t.regex(boxed.stderr, /privbox/);
});

test.serial('privos run --fdcap loads the module first (x86_64 needs --soft-pac, arm64 has PAC)', (t) => {
  const refused = privos('run', '--fdcap', '/bin/true');
  t.is(refused.status, 1);
  t.regex(refused.stderr, /no pointer authentication on this CPU/);
  const x86 = privos('run', '--fdcap', '--soft-pac', '/bin/cat', '/etc/hostname');
  t.is(x86.status, 0, x86.stderr);
  t.is(x86.stdout, 'privos\n');
  const arm = privos('run', '--arch', 'arm64', '--fdcap', '--dmesg', '/bin/cat', '/etc/hostname');
  t.is(arm.stdout, 'privos\n');
  t.regex(arm.stderr, /fdcap: \/dev\/fdcap ready \(PAuth/);
});

test.serial('privos run --mount HOST:GUEST serves host files and writes back on close', async (t) => {
  const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/privos-mnt-`);
  writeFileSync(`${dir}/in.txt`, 'from the host\n');
  const r = privos('run', '--mount', `${dir}:/mnt`, '/bin/cat', '/mnt/in.txt');
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, 'from the host\n');
  const w = privos('run', '--mount', `${dir}:/mnt`, 'test/tools/progs/write_mnt.ts');
  t.is(w.status, 0, w.stderr);
  t.is(readFileSync(`${dir}/out.txt`, 'utf8'), 'written inside privos\n');
  t.is(privos('run', '--mount', '/nonexistent-privos:/mnt', '/bin/true').status, 2);
});

test.serial('options after PROGRAM belong to the program: uname -a, ls -a, dmesg, ps', (t) => {
  t.is(privos('run', '/bin/uname', '-a').stdout, 'Linux privos 6.18.0-privos #1 SMP PREEMPT_DYNAMIC privos x86_64\n');
  t.is(privos('run', '-a', 'arm64', '/bin/uname', '-m').stdout, 'aarch64\n');
  t.deepEqual(privos('run', '/bin/ls', '-a', '/etc').stdout.split('\n').slice(0, 3), ['.', '..', 'group']);
  const ls = privos('run', '/bin/ls', '/nope');
  t.is(ls.status, 2);
  t.regex(ls.stderr, /ls: cannot access '\/nope': No such file or directory/);
  t.regex(privos('run', '/bin/dmesg').stdout, /Linux version 6\.18\.0-privos[\s\S]*exec: pid 1 \/bin\/dmesg/);
  t.regex(privos('run', '/bin/ps').stdout, /PID TTY +STAT CMD\n {6}1 \? +Rs +ps\n/);
});

test.serial('privos syscalls prints the matrix for each arch', (t) => {
  const x = privos('syscalls');
  t.regex(x.stdout, /^ {2}39 {2}getpid +full/m);
  const a = privos('syscalls', '--arch', 'arm64');
  t.regex(a.stdout, /^ 172 {2}getpid +full/m);
  t.regex(a.stdout, /arm64: \d+ syscalls/);
});

test.serial('privos boot prints the kernel log and the boot time', (t) => {
  const r = privos('boot');
  t.is(r.status, 0);
  t.regex(r.stdout, /Linux version 6\.18\.0-privos/);
  t.regex(r.stdout, /booted in [\d.]+ ms/);
});

test.serial('bad arguments: clear errors, non-zero status', (t) => {
  const r = privos('run', '--arch', 'sparc', '/bin/true');
  t.not(r.status, 0);
  t.regex(r.stderr, /Invalid values/);
  const m = privos('run', '/bin/missing');
  t.is(m.status, 127);
  t.regex(m.stderr, /^privos: \/bin\/missing: No such file or directory$/m);
  t.not(privos('frobnicate').status, 0);
});

test.serial('privos run --publish maps a guest listening port to a host port; a real host client talks to it', async (t) => {
  const { spawn } = await import('node:child_process');
  const net = await import('node:net');
  const free = await new Promise<number>((res) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as import('node:net').AddressInfo).port; s.close(() => res(p)); }); });
  const child = spawn(process.execPath, ['bin/privos.js', 'run', '--publish', `${free}:7`, '/bin/echo-server', '7'], { cwd: root });
  try {
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('listening on 7')) res(); });
      child.on('exit', (c) => rej(new Error(`server exited ${c}`)));
    });
    const reply = await new Promise<string>((res, rej) => {
      const c = net.connect(free, '127.0.0.1', () => c.write('ping through the bridge'));
      c.on('data', (d) => { res(d.toString()); c.end(); });
      c.on('error', rej);
    });
    t.is(reply, 'ping through the bridge');
  } finally {
    child.kill('SIGKILL');
  }
});
