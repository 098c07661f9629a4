/**
 * Box code's own computation is charged when it calls the gate, as user code's is at each
 * syscall: the ops counted between two gate calls are in the user_op cycles by the second call
 * (before, they waited for the next tick, up to 65,536 ops later).
 */
import test from 'ava';
import { C } from '../../../kernel/time/cost.ts';
import type { SyscallDef } from '../../../kernel/syscalls/syscall_def.ts';
import { run } from '../../../tools/machine.ts';
import { privbox_machine } from './helpers.ts';

const LOOPS = 1000;

test('the ops box code counted are charged at its next gate call', async (t) => {
  const seen: number[] = [];
  // A hole in x86_64's table (183), taken over to read the user_op cycles charged so far.
  const mark: SyscallDef = { name: 'afs_syscall', fn: (task) => { seen.push(task.kernel.cpu.breakdown[C.user_op]); return 0; } };
  const { k } = privbox_machine({ extra_syscalls: [mark] }, { unsafe: true });
  const src = `export default async function (l) {
    await l.kerncall_setup();
    return await l.kerncall_spawn(() => { l.syscall(183); let s = 0; for (let i = 0; i < ${LOOPS}; i++) s += i; l.syscall(183); return s > 0 ? 0 : 1; }, 0);
  }`;
  const gates = k.cpu.breakdown[C.gate_call];
  t.is((await run(k, { program: `data:text/javascript,${encodeURIComponent(src)}` })).status, 0);
  t.true(k.cpu.breakdown[C.gate_call] - gates >= 2 * k.cpu.cost[C.gate_call], 'both marks went through the gate');
  t.is(seen.length, 2);
  t.true(seen[1] - seen[0] >= LOOPS * k.cpu.cost[C.user_op], `charged ${seen[1] - seen[0]} cycles of user ops between the marks`);
});
