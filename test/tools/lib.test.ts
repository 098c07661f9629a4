/**
 * Issue 14: the library API (tools/lib, `import { boot } from 'privos'`), from its sources.
 * test/tools/lib_package.test.ts checks the compiled package from another project.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { boot, type Libc, PrivosError } from '../../tools/lib/index.ts';

const HELLO_DEV = fileURLToPath(new URL('../kernel/modules/fixtures/hello_dev.ts', import.meta.url));

/** readlink(2) of a path inside the guest, from an inline program. */
function readlink(libc: Libc, path: string): string {
  const buf = libc.malloc(256);
  const n = libc.readlink(path, buf, 256) as number;
  return n < 0 ? `errno ${libc.errno}` : new TextDecoder().decode(libc.peek(buf, n));
}

test('run: a guest program on a written file; stdout and stderr apart; status; signal death', async (t) => {
  const m = await boot();
  await m.writeFile('/tmp/x', 'data\n');
  t.like(await m.run('/bin/cat', ['/tmp/x']), { status: 0, signal: null, stdout: 'data\n', stderr: '' });
  t.like(await m.run('/bin/cat', ['/tmp/none']), { status: 1, stdout: '', stderr: 'cat: /tmp/none: No such file or directory\n' });
  const both = await m.runInline(async (libc) => {
    await libc.write(2, 'e1 '); await libc.write(1, 'o1 '); await libc.write(2, 'e2'); await libc.write(1, 'o2');
    return 42;
  });
  t.like(both, { status: 42, signal: null, stdout: 'o1 o2', stderr: 'e1 e2' });
  const segv = await m.runInline(async (libc) => { await libc.write(1, 'before'); libc.poke_u32(0, 1); return 0; });
  t.like(segv, { status: null, signal: 'SIGSEGV', stdout: 'before' });
  await m.shutdown();
});

test('run: fds 0, 1 and 2 are three distinct pipes, not terminals', async (t) => {
  const m = await boot({ arch: 'arm64' });
  let links: string[] = [];
  const r = await m.runInline((libc) => { links = [0, 1, 2].map((fd) => readlink(libc, `/proc/self/fd/${fd}`)); return libc.isatty(1) ? 1 : 0; });
  t.is(r.status, 0, 'isatty(1) is false');
  t.true(links.every((l) => /^pipe:\[\d+\]$/.test(l)), links.join());
  t.is(new Set(links).size, 3);
  await m.shutdown();
});

test('run: stdin reaches the program, and 300 KB go through both pipes intact (back-pressure)', async (t) => {
  const m = await boot();
  t.like(await m.run('/bin/cat', [], { stdin: 'line 1\nline 2\n' }), { status: 0, stdout: 'line 1\nline 2\n' });
  t.like(await m.run('/bin/wc', ['-l']), { status: 0, stdout: '0\n' }, 'no stdin: EOF at once');
  const big = Array.from({ length: 30000 }, (_, i) => `${i}`.padStart(9, '.')).join('\n');
  const r = await m.run('/bin/cat', [], { stdin: new TextEncoder().encode(big) });
  t.is(r.stdout.length, big.length);
  t.true(r.stdout === big);
  await m.shutdown();
});

test('run: a host program file is linked as privos run links it; env, uid, cwd and argv0 apply', async (t) => {
  const m = await boot();
  const prog = fileURLToPath(new URL('./lib_project/both.mjs', import.meta.url));
  t.like(await m.run(prog, ['x']), { status: 3, stdout: 'to stdout: x\n', stderr: 'to stderr\n' });
  t.like(await m.run('/bin/env', [], { env: { A: '1', B: 'two' } }), { stdout: 'A=1\nB=two\n' });
  t.like(await m.run('/bin/id', [], { uid: 1000 }), { stdout: 'uid=1000(user) gid=1000(user) groups=1000(user)\n' });
  t.like(await m.run('/bin/pwd', [], { cwd: '/tmp' }), { stdout: '/tmp\n' });
  let argv: string[] = [];
  await m.runInline((_libc, a) => { argv = a; }, ['p', 'q'], { argv0: 'me' });
  t.deepEqual(argv, ['p', 'q']);
  await m.shutdown();
});

test('errors reject with the Linux errno name, the call and the path', async (t) => {
  const m = await boot();
  await t.throwsAsync(m.readFile('/tmp/missing'), { instanceOf: PrivosError, code: 'ENOENT', message: "ENOENT: No such file or directory, open '/tmp/missing'" });
  await t.throwsAsync(m.readFile('/tmp'), { code: 'EISDIR', message: /read '\/tmp'/ });
  await t.throwsAsync(m.writeFile('/root/x', 'no', { uid: 1000 }), { code: 'EACCES', message: /open '\/root\/x'/ });
  await t.throwsAsync(m.run('/bin/nope'), { code: 'ENOENT', message: /execve '\/bin\/nope'/ });
  await t.throwsAsync(m.run('/etc/hostname'), { code: 'EACCES' });
  await t.throwsAsync(m.run('/bin/pwd', [], { cwd: '/etc/hostname' }), { code: 'ENOTDIR', message: /chdir '\/etc\/hostname'/ });
  await t.throwsAsync(m.loadModule('nope'), { code: 'ENOENT', message: /open '\/lib\/modules\/nope.ko'/ });
  await t.throwsAsync(m.loadModule('fdcap'), { code: 'ENODEV', message: /finit_module/ }, 'x86_64 without soft_pac');
  t.deepEqual([...m.kernel.tasks.values()].filter((p) => p.alive), [], 'a process that could not start has exited');
  t.is(m.kernel.nr_running, 0);
  await m.shutdown();
});

test('bad options are TypeErrors naming the option', async (t) => {
  await t.throwsAsync(boot({ arch: 'riscv' as 'arm64' }), { instanceOf: TypeError, message: /'arch'/ });
  await t.throwsAsync(boot({ mem: 8 }), { instanceOf: TypeError, message: /'mem' must be an integer from 16 to 4096/ });
  await t.throwsAsync(boot({ profile: 'pentium' }), { instanceOf: TypeError, message: /'profile'/ });
  await t.throwsAsync(boot({ kcov: 'yes' as unknown as boolean }), { instanceOf: TypeError, message: /'kcov'/ });
  await t.throwsAsync(boot({ modules: [7 as unknown as string] }), { instanceOf: TypeError, message: /'modules\[0\]'/ });
  await t.throwsAsync(boot({ mounts: { rel: '/tmp' } }), { instanceOf: TypeError, message: /'mounts key'/ });
  await t.throwsAsync(boot({ bogus: 1 } as object), { instanceOf: TypeError, message: /Unknown option 'bogus'/ });
  const m = await boot();
  await t.throwsAsync(m.run('/bin/true', 'x' as unknown as string[]), { instanceOf: TypeError, message: /'args'/ });
  await t.throwsAsync(m.run('/bin/true', [], { uid: -1 }), { instanceOf: TypeError, message: /'uid'/ });
  await t.throwsAsync(m.run('/bin/true', [], { stdin: 5 as unknown as string }), { instanceOf: TypeError, message: /'stdin'/ });
  await t.throwsAsync(m.readFile('relative'), { instanceOf: TypeError, message: /'path'/ });
  await t.throwsAsync(m.loadModule('fdcap', { policy: 'a b' }), { instanceOf: TypeError, message: /'params.policy'/ });
  await m.shutdown();
});

test('modules: by name with parameters, from a host file, unloaded; and at boot', async (t) => {
  const m = await boot({ arch: 'arm64', modules: [{ module: 'fdcap', params: { policy: 'kill' } }] });
  t.regex(m.dmesg(), /fdcap: \/dev\/fdcap ready \(PAuth, policy kill/);
  await t.throwsAsync(m.loadModule('fdcap'), { code: 'EEXIST' });
  await m.loadModule(HELLO_DEV, { greeting: 'hi' });
  t.like(await m.run('/bin/cat', ['/dev/hello']), { status: 0, stdout: 'hi\n' });
  await m.unloadModule('hello_dev');
  await t.throwsAsync(m.unloadModule('hello_dev'), { code: 'ENOENT', message: /delete_module 'hello_dev'/ });
  await m.shutdown();
});

test('cycles: the machine counter advances by what a run reports', async (t) => {
  const m = await boot();
  const c0 = m.cycles();
  const r = await m.run('/bin/true');
  t.true(r.cycles.user > 0 && r.cycles.system > 0);
  t.true(r.cycles.user + r.cycles.system <= r.cycles.total);
  t.true(m.cycles() - c0 >= r.cycles.total);
  t.true(m.hz > 1e9);
  await m.shutdown();
});

test('shutdown kills what still runs; the machine then refuses work', async (t) => {
  const m = await boot();
  const sleeper = m.run('/bin/sleep', ['1000']);
  await m.exists('/tmp'); // the sleeper is asleep by now
  await m.shutdown();
  t.like(await sleeper, { status: null, signal: 'SIGKILL' });
  await t.throwsAsync(m.run('/bin/true'), { message: /shut down/ });
});

test('boot({ kcov: true }) is the instrumented kernel (the kcov file exists); the default build has none', async (t) => {
  const plain = await boot();
  t.false(await plain.exists('/sys/kernel/debug/kcov'));
  await plain.shutdown();
  const m = await boot({ kcov: true });
  t.true(await m.exists('/sys/kernel/debug/kcov'));
  const r = await m.run('/bin/echo', ['hi']);
  t.is(r.stdout, 'hi\n');
  await m.shutdown();
});
