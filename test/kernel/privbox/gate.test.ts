/** The gate, the SFI pass's three builds, spawn's refusal of uninstrumented code, module hooks. */
import test from 'ava';
import { sfi_compile, SfiRejection } from '../../../tools/sfi/pass.ts';
import { sfi_mask, sfi_bundle } from '../../../kernel/privbox/sfi_runtime.ts';
import { MODE_KERNEL } from '../../../kernel/arch/cpu.ts';
import { C } from '../../../kernel/time/cost.ts';
import { run } from '../../../tools/machine.ts';
import { install_box, privbox_machine, run_box } from './helpers.ts';

const BOX = `export default function (libc: any, p: number) { libc.getpid(); return libc.peek_u32(p) + libc.call(libc.fnaddr(() => 1)); }`;

test('the three builds: full masks and checks branches, branch only checks branches, none does neither', (t) => {
  const full = sfi_compile(BOX, { build: 'full' }), br = sfi_compile(BOX, { build: 'branch' }), none = sfi_compile(BOX, { build: 'none' });
  t.deepEqual([full.stats.masks, full.stats.branches], [1, 2]);
  t.deepEqual([br.stats.masks, br.stats.branches], [0, 2]);
  t.deepEqual([none.stats.masks, none.stats.branches], [0, 0]);
  t.regex(full.code, /__sfi\.m\(p\)/);
  t.notRegex(none.code, /__sfi\.m\(/);
});

for (const [what, src] of [
  ['eval', 'export default function (l: any) { return eval("1"); }'],
  ['Function via constructor', 'export default function (l: any) { return (() => 0).constructor; }'],
  ['globalThis', 'export default function (l: any) { return globalThis; }'],
  ['process', 'export default function (l: any) { return process.pid; }'],
  ['dynamic import', 'export default async function (l: any) { return import("node:fs"); }'],
  ['value import', 'import { readFileSync } from "node:fs"; export default function (l: any) { return readFileSync; }'],
  ['libc.task', 'export default function (l: any) { return l.task; }'],
  ['privileged instruction', 'export default function (l: any) { l.asm_write_cr0(0); }'],
  ['accessor as a value', 'export default function (l: any) { const p = l.peek; return p; }'],
  ['destructured accessor', 'export default function (l: any) { const { poke } = l; return poke; }'],
  ['computed accessor', 'export default function (l: any) { return l["peek"](0, 1); }'],
  ['reserved names', 'export default function (l: any) { return __sfi; }'],
] as const) {
  test(`the pass rejects ${what}`, (t) => {
    t.throws(() => sfi_compile(src, { build: 'full' }), { instanceOf: SfiRejection });
    t.notThrows(() => sfi_compile(src, { build: 'none' }));
  });
}

test('mask: user addresses unchanged, kernel addresses become non-canonical; bundles are 32-byte aligned', (t) => {
  t.is(sfi_mask(0x400000), 0x400000);
  t.true(sfi_mask(-0x7f000000) < -(2 ** 47));
  t.is(sfi_bundle(0x400021), 0x400020);
});

test('gate round trip charges the gate path and no mode switch; getpid from the box is right', async (t) => {
  const { k, output } = privbox_machine();
  install_box(k, '/tmp/box.ts', 'export default function (libc: any) { return libc.getpid(); }');
  t.is((await run_box(k, '/tmp/box.ts')).status, 0);
  t.regex(output(), /box returned 1\n/);
  t.is(k.cpu.breakdown[C.gate_call], k.cpu.cost[C.gate_call]);
  t.is(k.cpu.breakdown[C.gate_stack_switch], k.cpu.cost[C.gate_stack_switch]);
});

test('spawn refuses code the pass did not produce (EPERM) unless unsafe', async (t) => {
  const prog = `data:text/javascript,${encodeURIComponent('export default async function (l) { await l.kerncall_setup(); const r = await l.kerncall_spawn(() => 7, 0); return r === -1 ? l.errno : 100 + r; }')}`;
  const on = privbox_machine();
  t.is((await run(on.k, { program: prog })).status, 1); // EPERM
  const off = privbox_machine({}, { unsafe: true });
  t.is((await run(off.k, { program: prog })).status, 107);
});

test('a module hook on sys_call_table applies to syscalls made from a box', async (t) => {
  const { k, output } = privbox_machine();
  let hooked = 0;
  const hook = (): number => { hooked++; return 4242; };
  const addr = k.kallsyms.register(k.ktext, 'hooked_getpid', hook);
  const nr = k.arch.syscall_names.indexOf('getpid');
  k.cpu.set_mode(MODE_KERNEL); k.cpu.set_wp(false);
  k.cpu.write_addr(k.sys_call_table + nr * 8, addr);
  k.cpu.set_wp(true);
  install_box(k, '/tmp/box.ts', 'export default function (libc: any) { return libc.getpid(); }');
  await run_box(k, '/tmp/box.ts');
  t.regex(output(), /box returned 4242/);
  t.true(hooked >= 1);
});

test('signals are deferred while boxed and delivered after the box returns', async (t) => {
  const { k, output } = privbox_machine();
  install_box(k, '/tmp/box.ts', 'export default async function (libc: any) { libc.kill(libc.getpid(), 10); await libc.write(1, "still boxed\\n"); return 5; }'); // SIGUSR1
  const r = await run_box(k, '/tmp/box.ts');
  t.regex(output(), /still boxed/, 'the box ran on although SIGUSR1 (default: terminate) was sent inside');
  t.is(r.status, 128 + 10, 'the signal was delivered when PIOT_IOCSPAWN returned to user mode');
});
