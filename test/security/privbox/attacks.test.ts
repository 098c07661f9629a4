/**
 * The PrivBox attack suite. Each attack is run twice: with the defence off (uninstrumented code
 * spawned through the unsafe switch, or the artifact's configuration) it succeeds — a real
 * kernel write lands, a real kernel load returns data — and with the defence on (the SFI pass,
 * SPAP, PERM_BOX text, the gate's scrub) it fails: rejected at compile time or killed by SIGSEGV.
 */
import test from 'ava';
import { run } from '../../../tools/machine.ts';
import { SIGSEGV } from '../../../kernel/include/uapi/signal.ts';
import { MODE_KERNEL } from '../../../kernel/arch/cpu.ts';
import { cred_page_alloc } from '../../../kernel/privbox/cred_page.ts';
import type { PrivboxConfig } from '../../../kernel/privbox/privbox.ts';
import type { Kernel } from '../../../kernel/kernel.ts';
import { dmesg, install_box, privbox_machine, run_box } from '../../kernel/privbox/helpers.ts';

const OFF: Partial<PrivboxConfig> = { unsafe: true, load_build: 'none', exec_policy: 'all-user', scrub: false };
const LOAD_REFUSED = 12;
const killed_by_segv = (s: number): boolean => s === 128 + SIGSEGV;
/** A user program given as inline source. */
const inline = (src: string): string => `data:text/javascript,${encodeURIComponent(src)}`;
const returned = (out: string): number => Number(/box returned (-?\d+)/.exec(out)?.[1] ?? NaN);

/** sys_call_table[nr] as the kernel sees it. */
function table_entry(k: Kernel, nr: number): number {
  k.cpu.set_mode(MODE_KERNEL);
  return k.cpu.read_addr(k.sys_call_table + nr * 8);
}

// 1. Overwrite a sys_call_table entry: lift CR0.WP (a privileged instruction) and store.
const OVERWRITE = (nr: number, target: number, cr0: boolean): string => `export default function (libc: any, table: number) {
  ${cr0 ? 'libc.asm_write_cr0(libc.asm_read_cr0() - 0x10000);' : ''}
  libc.poke_u64(table + ${nr} * 8, ${target});
  return 1;
}`;

async function overwrite(cfg: Partial<PrivboxConfig>, cr0: boolean, spap = false): Promise<{ status: number; hit: boolean; k: Kernel }> {
  const { k } = privbox_machine({ features: { spap } }, cfg);
  const nr = k.arch.syscall_names.indexOf('getpid');
  const ni = k.kallsyms.kallsyms_lookup_name('sys_ni_syscall');
  install_box(k, '/tmp/box.ts', OVERWRITE(nr, ni, cr0));
  if (!cr0) k.cpu.set_wp(false); // WP already lifted elsewhere (e.g. a module's init)
  const { status } = await run_box(k, '/tmp/box.ts', k.sys_call_table);
  k.cpu.set_wp(true);
  return { status, hit: table_entry(k, nr) === ni, k };
}

test('sys_call_table overwrite: succeeds uninstrumented, and getpid is hijacked', async (t) => {
  const r = await overwrite(OFF, true);
  t.is(r.status, 0);
  t.true(r.hit);
  const { status } = await run(r.k, { program: inline('export default async function (l) { return l.raw(l.SYS.getpid) === -l.ENOSYS ? 42 : 0; }') });
  t.is(status, 42, 'getpid now dispatches to sys_ni_syscall');
});

test('sys_call_table overwrite: the SFI pass rejects the CR0 write', async (t) => {
  const r = await overwrite({}, true);
  t.is(r.status, LOAD_REFUSED);
  t.false(r.hit);
  t.regex(dmesg(r.k), /privileged instruction 'asm_write_cr0'/);
});

test('sys_call_table overwrite with WP already off: the masked store faults (full SFI)', async (t) => {
  const r = await overwrite({}, false);
  t.true(killed_by_segv(r.status));
  t.false(r.hit);
});

test('sys_call_table overwrite with WP off: SPAP refuses it under branch-only SFI', async (t) => {
  const r = await overwrite({}, false, true);
  t.true(killed_by_segv(r.status));
  t.false(r.hit);
  const off = await overwrite({ ...OFF, load_build: 'none' }, false, false);
  t.true(off.hit, 'the same store lands without SPAP or masks');
});

// 2. Read a task's credentials from kernel memory.
const READ_CRED = `export default function (libc: any, cred: number) { return libc.peek_u32(cred + 20); }`; // euid

async function read_cred(cfg: Partial<PrivboxConfig>, spap = false): Promise<{ status: number; out: string }> {
  const { k, output } = privbox_machine({ features: { spap } }, cfg);
  install_box(k, '/tmp/box.ts', READ_CRED);
  const cred = cred_page_alloc(k, 1); // pid 1's struct cred
  const { status } = await run_box(k, '/tmp/box.ts', cred, 1000);
  return { status, out: output() };
}

test('credential read: uninstrumented box reads euid from kernel memory', async (t) => {
  const r = await read_cred(OFF);
  t.is(r.status, 0);
  t.is(returned(r.out), 1000);
});

test('credential read: full SFI masks the kernel address (SIGSEGV); SPAP does too', async (t) => {
  t.true(killed_by_segv((await read_cred({})).status));
  t.true(killed_by_segv((await read_cred({}, true)).status));
});

// 3. Call a kernel function by address.
const CALL_KERNEL = `export default function (libc: any, fn: number) { return libc.call(fn); }`;

async function call_kernel(cfg: Partial<PrivboxConfig>, spap = false): Promise<{ status: number; out: string }> {
  const { k, output } = privbox_machine({ features: { spap } }, cfg);
  install_box(k, '/tmp/box.ts', CALL_KERNEL);
  const { status } = await run_box(k, '/tmp/box.ts', k.kallsyms.kallsyms_lookup_name('sys_ni_syscall'));
  return { status, out: output() };
}

test('kernel call by address: runs kernel text from an uninstrumented box', async (t) => {
  const r = await call_kernel(OFF);
  t.is(r.status, 0);
  t.is(returned(r.out), -38); // sys_ni_syscall's -ENOSYS, computed by kernel code
});

test('kernel call by address: masked branch faults (full SFI); SPAP refuses the fetch', async (t) => {
  t.true(killed_by_segv((await call_kernel({})).status));
  t.true(killed_by_segv((await call_kernel({ ...OFF, exec_policy: 'box' }, true)).status));
});

// 4. A privileged operation.
const WRITE_CR0 = `export default function (libc: any) { libc.asm_write_cr0(libc.asm_read_cr0() - 0x10000); return 0; }`;

test('privileged operation: an uninstrumented box clears CR0.WP; the pass rejects it; user mode gets #GP', async (t) => {
  const off = privbox_machine({}, OFF);
  install_box(off.k, '/tmp/box.ts', WRITE_CR0);
  t.is((await run_box(off.k, '/tmp/box.ts')).status, 0);
  t.false(off.k.cpu.wp);
  const on = privbox_machine();
  install_box(on.k, '/tmp/box.ts', WRITE_CR0);
  t.is((await run_box(on.k, '/tmp/box.ts')).status, LOAD_REFUSED);
  t.true(on.k.cpu.wp);
  const user = await run(on.k, { program: inline('export default async function (l) { l.asm_write_cr0(0); return 0; }') });
  t.true(killed_by_segv(user.status));
  t.true(on.k.cpu.wp);
});

// 5. Leak a kernel pointer through the gate's return values.
const LEAK = `export default function (libc: any) { libc.getpid(); return libc.kerncall_regs().r11; }`;

test('gate leak: the artifact gate leaves a kernel stack pointer in r11; the scrubbed gate does not', async (t) => {
  const off = privbox_machine({}, { scrub: false });
  install_box(off.k, '/tmp/box.ts', LEAK);
  t.is((await run_box(off.k, '/tmp/box.ts')).status, 0);
  const leaked = returned(off.output());
  t.true(leaked < 0 && leaked >= -(2 ** 47), `a kernel-half address reached user code (${leaked})`);
  const on = privbox_machine();
  install_box(on.k, '/tmp/box.ts', LEAK);
  t.is((await run_box(on.k, '/tmp/box.ts')).status, 0);
  t.is(returned(on.output()), 0);
});

test('gate leak: a kernel-half value returned by the box itself is scrubbed at IOCRET', async (t) => {
  const src = `export default function (libc: any, p: number) { return p; }`;
  const off = privbox_machine({}, { scrub: false });
  install_box(off.k, '/tmp/box.ts', src);
  await run_box(off.k, '/tmp/box.ts', -0x7f000000);
  t.is(returned(off.output()), -0x7f000000);
  const on = privbox_machine();
  install_box(on.k, '/tmp/box.ts', src);
  await run_box(on.k, '/tmp/box.ts', -0x7f000000);
  t.is(returned(on.output()), 0);
  t.regex(dmesg(on.k), /box returned a kernel address; scrubbed/);
});

// 6. Execute non-box user code at kernel privilege.
const EXEC_USER = `export default function (libc: any, fn: number) { return libc.call(fn); }`;
const EXEC_DRIVER = new URL('../../kernel/privbox/progs/exec_user.ts', import.meta.url).href;

async function exec_user(cfg: Partial<PrivboxConfig>): Promise<{ status: number; out: string }> {
  const { k, output } = privbox_machine({}, cfg);
  install_box(k, '/tmp/box.ts', EXEC_USER);
  const r = await run(k, { program: EXEC_DRIVER, argv: ['exec_user', '/tmp/box.ts'] });
  return { status: r.status, out: output() };
}

test('user code at kernel privilege: runs under the artifact policy (all user text executable)', async (t) => {
  const r = await exec_user(OFF);
  t.is(r.status, 0);
  t.is(returned(r.out), 1000, 'it ran at CPL 0');
});

test('user code at kernel privilege: PERM_BOX text stops it; so does the SFI branch check', async (t) => {
  t.true(killed_by_segv((await exec_user({ ...OFF, exec_policy: 'box' })).status));
  t.true(killed_by_segv((await exec_user({})).status));
});
