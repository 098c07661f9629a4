/**
 * --privbox: unmodified programs instrumented at load, main run in a box; the output must be
 * the same as without, and the syscalls must really have gone through the gate.
 */
import test from 'ava';
import { boot, capture_console, run, shell_status, spawn, spawn_boxed } from '../../../tools/machine.ts';
import { write_file } from '../../../kernel/init/initramfs.ts';
import { format_image } from '../../../kernel/include/uapi/privos_image.ts';
import { EPERM } from '../../../kernel/include/uapi/errno.ts';
import { C } from '../../../kernel/time/cost.ts';

async function both(program: string, argv: string[], spap = false): Promise<{ plain: string; boxed: string; gate_calls: number; status: [number, number] }> {
  const a = capture_console('', { tty: true });
  const k1 = boot({ console: a.console, features: { spap } });
  const r1 = await run(k1, { program, argv });
  const b = capture_console('', { tty: true });
  const k2 = boot({ console: b.console, features: { spap } });
  const t = await spawn_boxed(k2, { program, argv });
  const ws = await t.exited;
  return { plain: a.output(), boxed: b.output(), gate_calls: k2.cpu.breakdown[C.gate_call] / k2.cpu.cost[C.gate_call], status: [r1.status, shell_status(ws)] };
}

for (const [prog, argv] of [['/bin/hello', ['hello', 'x']], ['/bin/echo', ['echo', 'boxed', 'echo']], ['/bin/cat', ['cat', '/etc/hostname', '/etc/os-release']]] as const) {
  test(`${prog}: same output with and without --privbox, syscalls through the gate`, async (t) => {
    const r = await both(prog, [...argv]);
    t.deepEqual(r.status, [0, 0]);
    t.is(r.boxed, r.plain);
    t.true(r.plain.length > 0);
    t.true(r.gate_calls >= 2, `gate used ${r.gate_calls} times`);
  });
}

test('--privbox under SPAP (branch-only build) gives the same output', async (t) => {
  const r = await both('/bin/hello', ['hello'], true);
  t.is(r.boxed, r.plain);
  t.true(r.gate_calls >= 2);
});

test('--privbox refuses a program the SFI pass rejects', async (t) => {
  const k = boot();
  const bad = `data:text/javascript,${encodeURIComponent('export default async function main(libc) { return eval("1"); }')}`;
  await t.throwsAsync(spawn_boxed(k, { program: bad }), { message: /refused by the PrivBox SFI pass/ });
  t.regex(k.log.text(), /inline\.ts:1:51: error: 'eval' \(a host escape hatch\)/, 'file:line:col diagnostics in the kernel log');
});

test('--privbox runs a multi-module program (the conformance interpreter) with the same output', async (t) => {
  const r = await both(new URL('./progs/conf_box.ts', import.meta.url).pathname, ['conf_box']);
  t.deepEqual(r.status, [0, 0]);
  t.is(r.boxed, r.plain);
  t.regex(r.plain, /== files\nopen: 3\nwrite: 10\n/);
  t.regex(r.plain, /ls: \.,\.\.,a,b,c\n/);
  t.true(r.gate_calls >= 20, `gate used ${r.gate_calls} times`);
});

test('an exec from a boxed process loads the SFI build of the new image, main boxed again', async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const builds: string[] = [];
  k.exec_hooks.push((task) => { builds.push(task.mm?.realm?.sfi ?? 'host'); });
  // An image the toolchain did not link: no SFI build of it exists, so a boxed exec is refused.
  write_file(k.root, '/tmp/foreign', format_image({ entry: '_start', source: 'x', build: 'sfi=none', hash: '0'.repeat(64) }, '(function () { return () => 0; })'), 0o755);
  const task = await spawn_boxed(k, { program: new URL('./progs/exec_box.ts', import.meta.url).pathname, argv: ['exec_box', '/bin/echo', '/tmp/foreign'] });
  const before = k.cpu.breakdown[C.gate_call];
  t.is(shell_status(await task.exited), 0);
  t.is(cap.output(), `exec /tmp/foreign: -1 errno ${EPERM}\nbefore exec\nboxed after exec\n`);
  t.deepEqual(builds, ['full', 'full']);
  t.true(k.cpu.breakdown[C.gate_call] > before, 'the exec\'d image made its syscalls through the gate');
});

test('an image whose header claims an SFI build the toolchain did not produce is not loaded', async (t) => {
  const k = boot();
  const forged = format_image({ entry: '_start', source: 'x', build: 'sfi=full', hash: '1'.repeat(64) }, '(function () { return () => 0; })');
  await t.throwsAsync(spawn(k, { program: '/tmp/forged', image: forged }), { message: /errno 8/ });
  t.regex(k.log.text(), /build tag sfi=full on code the SFI pass did not produce/);
});
