/**
 * The process boundary (issue 9): a program runs in a realm of its own and reaches the kernel
 * only through its CPU door. Attacks run from ordinary programs, linked and exec'd as images.
 */
import test from 'ava';
import { boot, capture_console, run } from '../../../tools/machine.ts';

const prog = (name: string): string => new URL(`./progs/${name}.ts`, import.meta.url).href;

async function out_of(program: string, argv: string[], uid = 0): Promise<{ status: number; out: string; log: string }> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const r = await run(k, { program, argv, uid });
  return { status: r.status, out: cap.output(), log: k.log.text() };
}

test('no probe of an ordinary program reaches a host or kernel object (root and uid 1000)', async (t) => {
  for (const uid of [0, 1000]) {
    const r = await out_of(prog('escape'), ['escape'], uid);
    t.is(r.status, 0, r.log);
    const lines = r.out.trim().split('\n');
    t.is(lines.length, 17, r.out);
    for (const l of lines) t.regex(l, /: no$/, `uid ${uid}: ${l}`);
  }
});

test('the kernel sees numbers only: an argument object is converted once, at the door', async (t) => {
  const r = await out_of(prog('args'), ['args', 'bigint']);
  t.is(r.status, 0, r.log);
  t.regex(r.out, /^fcntl=0 conversions=1$/m); // F_GETFD of fd 0 (no FD_CLOEXEC), not EBADF for fd 1000
  t.regex(r.out, /^bigint ok=true$/m);
});

test('block copies move bytes without running the program\'s typed-array methods (replaced on the prototype, or overridden by a subclass)', async (t) => {
  const r = await out_of(prog('copy'), ['copy']);
  t.is(r.status, 0, r.log);
  t.is(r.out.trim(), 'hooks=0 ok=true');
});

for (const how of ['throw-odd', 'throw-proxy', 'reject']) {
  test(`a program that dies of its own JavaScript (${how}) crashes alone; the kernel lives on`, async (t) => {
    const cap = capture_console();
    const k = boot({ console: cap.console });
    const r = await run(k, { program: prog('crash'), argv: ['crash', how] });
    t.is(r.status, 139, 'a crash: SIGSEGV, as the kernel reports uncaught exceptions');
    t.regex(k.log.text(), /crash\[1\]: uncaught exception in user code/);
    const again = await run(k, { program: '/bin/true', argv: ['true'] });
    t.is(again.status, 0, 'the machine still runs programs');
  });
}
