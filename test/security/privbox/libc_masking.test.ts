/**
 * Issue 11 item 6 and issue 9 item 5: box code asking libc to touch kernel memory for it. With
 * the defence off (an image without the SFI pass, boxed through PrivBox's unsafe switch) each
 * libc helper family reads or writes a task's struct cred in kernel memory; in the SFI build of
 * the same program (`--privbox`: the pass over program and libc) every such access is masked
 * and faults (SIGSEGV), whatever the pointer's JS type. Syscall pointer arguments need no mask:
 * the kernel's access_ok refuses a kernel-half buffer either way (EFAULT).
 * Also: frozen intrinsics keep box code from replacing what the SFI runtime calls.
 */
import test from 'ava';
import { SIGSEGV } from '../../../kernel/include/uapi/signal.ts';
import { EFAULT } from '../../../kernel/include/uapi/errno.ts';
import { CRED_EUID, cred_page_alloc } from '../../../kernel/privbox/cred_page.ts';
import type { PrivboxConfig } from '../../../kernel/privbox/privbox.ts';
import { run, run_boxed } from '../../../tools/machine.ts';
import { privbox_machine } from '../../kernel/privbox/helpers.ts';

const OFF: Partial<PrivboxConfig> = { unsafe: true, exec_policy: 'all-user', scrub: false };
const ATTACK = new URL('./progs/libc_attack.ts', import.meta.url).pathname;
const SUBVERT = new URL('./progs/subvert_runtime.ts', import.meta.url).pathname;

async function attack(kind: string, boxed: boolean): Promise<{ status: number; value: number; errno: number }> {
  const { k, output } = privbox_machine({}, boxed ? {} : OFF);
  const cred = cred_page_alloc(k, 1); // pid 1's struct cred: the attacker's own, euid 1000
  const spec = { program: ATTACK, argv: ['libc_attack', kind, String(cred + CRED_EUID)], uid: 1000 };
  const r = await (boxed ? run_boxed(k, spec) : run(k, spec));
  const m = /value (-?\d+) errno (\d+)/.exec(output());
  return { status: r.status, value: m ? Number(m[1]) : NaN, errno: m ? Number(m[2]) : NaN };
}

/**
 * What each helper family returns when it really reached the cred page (euid 1000 = e8 03):
 * strdup copies the string it read (0xe8 is not UTF-8, so it comes back as U+FFFD, first byte 0xef).
 */
const LEAKS: Record<string, number> = {
  peek_u32: 1000, peek: 1000, object_pointer: 1000, string_pointer: 1000, strlen: 2, strdup: 0xef,
  malloc_usable_size: 1000, poke_u32: 0, snprintf: 0x78,
};

for (const [kind, leak] of Object.entries(LEAKS)) {
  test(`libc ${kind} on a kernel address: reaches kernel memory unmasked, faults in the SFI build`, async (t) => {
    const off = await attack(kind, false);
    t.is(off.status, 0);
    t.is(off.value, leak, 'the box read or wrote the task\'s struct cred');
    const on = await attack(kind, true);
    t.is(on.status, 128 + SIGSEGV);
    t.true(Number.isNaN(on.value), 'nothing came back');
  });
}

test('libc parse_stat on a kernel address: reads kernel memory unmasked, faults in the SFI build', async (t) => {
  const off = await attack('parse_stat', false);
  t.is(off.status, 0);
  t.false(Number.isNaN(off.value));
  t.is((await attack('parse_stat', true)).status, 128 + SIGSEGV);
});

test('read(2) into a kernel address: EFAULT from the kernel with or without masks', async (t) => {
  for (const boxed of [false, true]) {
    const r = await attack('read_syscall', boxed);
    t.is(r.status, 0);
    t.deepEqual([r.value, r.errno], [-1, EFAULT]);
  }
});

async function subvert(frozen: boolean): Promise<{ status: number; out: string }> {
  const { k, output } = privbox_machine({}, { frozen_intrinsics: frozen });
  const cred = cred_page_alloc(k, 1);
  const r = await run_boxed(k, { program: SUBVERT, argv: ['subvert', String(cred + CRED_EUID)], uid: 1000 });
  return { status: r.status, out: output() };
}

test('frozen intrinsics: box code replacing Number subverts the runtime\'s masking without them, and cannot with them', async (t) => {
  const off = await subvert(false);
  t.is(off.status, 0);
  t.is(off.out, 'value 1000\n', 'the second conversion reached the kernel address unmasked');
  const on = await subvert(true);
  t.is(on.status, 3);
  t.is(on.out, 'refused: TypeError\n');
});
