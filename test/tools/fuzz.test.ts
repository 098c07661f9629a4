import test from 'ava';
import { fuzz, prng } from '../../tools/fuzz/syscall_fuzz.ts';
import { boot } from '../../tools/machine.ts';
import type { SyscallDef } from '../../kernel/syscalls/syscall_def.ts';

for (const arch of ['x86_64', 'arm64'] as const) {
  test(`${arch}: random syscalls with hostile arguments give errnos, never an oops`, async (t) => {
    const r = await fuzz(4000, arch === 'x86_64' ? 101 : 202, boot({ arch }));
    t.log(`${r.calls} calls, ${r.errors} errors, ${r.stuck} abandoned as blocking`);
    t.deepEqual(r.oopses, []);
    t.true(r.errors > r.calls / 2, 'most hostile calls are refused');
  });
}

test('the fuzzer would see an oops (a planted kernel bug is reported)', async (t) => {
  const buggy: SyscallDef = { name: 'getpid', fn: () => { throw new TypeError('planted'); } };
  const r = await fuzz(3000, 7, boot({ extra_syscalls: [buggy] }));
  t.true(r.oopses.some((o) => /BUG: in getpid: planted/.test(o)));
});

test('the PRNG is deterministic, so a failing seed replays', (t) => {
  const a = prng(42), b = prng(42);
  t.deepEqual([a(), a(), a()], [b(), b(), b()]);
});
