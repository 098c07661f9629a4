import test from 'ava';
import { boot, capture_console, run, run_boxed } from '../../../tools/machine.ts';
import { load_fdcap } from '../../../kernel/modules/fdcap/load.ts';
import { C } from '../../../kernel/time/cost.ts';

const PROG = new URL('./progs/fdcap_box.ts', import.meta.url).href;

test("fdcap's sys_call_table hooks apply to syscalls a box makes through the gate", async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  await load_fdcap(k, { soft_pac: true });
  const gate0 = k.cpu.breakdown[C.gate_call];
  const r = await run_boxed(k, { program: PROG, argv: ['fdcap_box'] });
  t.is(r.status, 0, k.log.text());
  t.regex(cap.output(), /token=1 read_token=7 read_forged=-1 errno=9\n/, 'the box reads through its token; a forged code is refused (EBADF)');
  t.true(k.cpu.breakdown[C.gate_call] - gate0 > 5, 'the syscalls went through the PrivBox gate');
  t.regex(k.log.text(), /fdcap: pid \d+ \(.*\) read: fd \d+ .*failed/);
});

test('the same program outside a box behaves the same (control)', async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  await load_fdcap(k, { soft_pac: true });
  const r = await run(k, { program: PROG, argv: ['fdcap_box'] });
  t.is(r.status, 0);
  t.regex(cap.output(), /token=1 read_token=7 read_forged=-1 errno=9\n/);
  t.is(k.cpu.breakdown[C.gate_call], 0);
});
