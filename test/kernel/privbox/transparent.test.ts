/**
 * --privbox: unmodified programs instrumented at load, main run in a box; the output must be
 * the same as without, and the syscalls must really have gone through the gate.
 */
import test from 'ava';
import { boot, capture_console, run, shell_status, spawn_boxed } from '../../../tools/machine.ts';
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
});
