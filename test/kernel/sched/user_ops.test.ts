/**
 * User-mode computation (issue 9, item 5): the linker's user-op pass counts function entries and
 * loop iterations, the kernel charges them as user_op cycles, preempts async loops at the end of
 * their slice and ends synchronous code that never yields with SIGXCPU. Each test fails with
 * the pass off (PRIVOS_NO_OPS=1): the programs' loops are finite, and then run to their end.
 */
import test from 'ava';
import { boot, capture_console, run } from '../../../tools/machine.ts';
import { C } from '../../../kernel/time/cost.ts';
import type { Task } from '../../../kernel/sched/task.ts';

const SPIN = new URL('./progs/spin.ts', import.meta.url).href;

async function spin(argv: string[]): Promise<{ status: number; out: string; log: string }> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const r = await run(k, { program: SPIN, argv: ['spin', ...argv] });
  // The machine carries on: another program runs after the one that spun.
  const again = await run(k, { program: '/bin/true', argv: ['true'] });
  return { status: again.status === 0 ? r.status : -1, out: cap.output(), log: k.log.text() };
}

test.serial('a child spinning in an async loop is preempted: the parent runs, kills and reaps it', async (t) => {
  const r = await spin(['async-child']);
  t.is(r.status, 0, r.log);
  t.regex(r.out, /parent runs while the child spins\nchild killed by 9\n/);
});

test.serial('a synchronous endless loop ends with SIGXCPU from the watchdog, logged; the machine carries on', async (t) => {
  const r = await spin(['sync']);
  t.is(r.status, 0, r.log);
  t.regex(r.out, /child killed by 24\n/); // WTERMSIG: SIGXCPU's default action (core) ends it
  t.regex(r.log, /spin\[2\]: watchdog: .* without a sleep or yield: SIGXCPU/);
});

test.serial('a synchronous loop of syscalls that never sleep ends with SIGXCPU too (it holds the host as well)', async (t) => {
  const r = await spin(['sys']);
  t.is(r.status, 0, r.log);
  t.regex(r.out, /child killed by 24\n/);
  t.regex(r.log, /spin\[2\]: watchdog: .* without a sleep or yield: SIGXCPU/);
});

test.serial('try { for (;;) {} } catch {} finally { continue } cannot swallow the SIGXCPU unwind', async (t) => {
  const r = await spin(['catch']);
  t.is(r.status, 0, r.log);
  t.regex(r.out, /child killed by 24\n/);
});

test.serial('RLIMIT_CPU: SIGXCPU at the soft limit, even in code that yields', async (t) => {
  const r = await spin(['rlimit']);
  t.is(r.status, 0, r.log);
  t.regex(r.out, /child killed by 24\n/);
  t.regex(r.log, /spin\[2\]: RLIMIT_CPU soft limit: SIGXCPU/);
});

test.serial("user_op cycles land in the task's user time and scale with the loop count", async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const utime: number[] = [], ops: number[] = [];
  k.exit_hooks.push((task: Task) => { if (task.comm === 'spin') utime.push(task.utime); });
  for (const n of [0, 100_000, 1_000_000]) {
    const before = k.cpu.breakdown[C.user_op];
    const r = await run(k, { program: SPIN, argv: ['spin', 'loop', String(n)] });
    t.is(r.status, 0);
    ops.push((k.cpu.breakdown[C.user_op] - before) / k.cpu.profile.cost.user_op);
  }
  // One op per iteration, beyond what crt0 and libc count at start-up and exit.
  t.true(ops[0] > 0, 'libc start-up counts ops too');
  // (+ spin's entry and a few ops of reading the longer argv)
  for (const [i, n] of [[1, 100_000], [2, 1_000_000]]) t.true(ops[i] - ops[0] > n && ops[i] - ops[0] < n + 100, `ops ${ops}`);
  t.is(utime.length, 3);
  const per_op = k.cpu.profile.cost.user_op;
  t.true(utime[2] - utime[0] >= 1_000_000 * per_op, `utime ${utime}`);
  t.true(utime[1] - utime[0] >= 100_000 * per_op && utime[1] - utime[0] < 1_000_000 * per_op, `utime ${utime}`);
});
