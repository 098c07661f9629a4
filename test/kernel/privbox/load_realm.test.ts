/**
 * PIOT_IOCLOAD's box modules run in a realm of their own, instrumented by the user-op pass:
 * a loop in box code is bounded by the watchdog like any user code (before, box code ran in the
 * kernel's realm uncounted, and such a loop held the whole machine), and box code sees frozen
 * intrinsics that are not the kernel's.
 */
import test from 'ava';
import { run } from '../../../tools/machine.ts';
import { SIGXCPU } from '../../../kernel/include/uapi/signal.ts';
import { install_box, privbox_machine, run_box } from './helpers.ts';

test.serial('a box that spins without syscalls dies of SIGXCPU; the machine carries on', async (t) => {
  const { k } = privbox_machine();
  // Finite, so that uncounted it returns (and this test fails) rather than hanging.
  install_box(k, '/tmp/spin.ts', 'export default function (libc: any, n: number) { let x = 0; for (let i = 0; i < n; i++) x = (x + i) | 0; return x & 1; }');
  const r = await run_box(k, '/tmp/spin.ts', 2e9);
  t.is(r.wstatus & 0x7f, SIGXCPU, k.log.text());
  t.regex(k.log.text(), /watchdog: .*SIGXCPU/);
  t.is((await run(k, { program: '/bin/true', argv: ['true'] })).status, 0);
});

test.serial("box code's intrinsics are its own realm's, frozen: replacing Math.max fails and the kernel's is untouched", async (t) => {
  const { k, output } = privbox_machine();
  install_box(k, '/tmp/poison.ts', `export default function (libc: any, arg: number) {
    try { (Math as any).max = () => 7; } catch { return 2; }
    return 3;
  }`);
  const r = await run_box(k, '/tmp/poison.ts', 0);
  t.is(r.status, 0, output());
  t.regex(output(), /box returned 2/);
  t.is(Math.max(1, 2), 2, "the kernel's Math.max is untouched");
});
