import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import { x86_64, arm64 } from '../../../kernel/arch/arches.ts';
import { support_matrix } from '../../../kernel/syscalls/matrix.ts';
import { ALL_SYSCALLS, check_syscall_defs } from '../../../kernel/syscalls/registry.ts';
import { PERM_W } from '../../../kernel/mm/pgtable.ts';
import { MODE_KERNEL } from '../../../kernel/arch/cpu.ts';
import type { SyscallDef } from '../../../kernel/syscalls/syscall_def.ts';

test('the full tables: x86_64 has read=0 … and arm64 the asm-generic numbers', (t) => {
  t.is(x86_64.syscall_names[0], 'read');
  t.is(x86_64.syscall_names[39], 'getpid');
  t.is(x86_64.syscall_names[257], 'openat');
  t.is(x86_64.syscall_names[435], 'clone3');
  t.is(arm64.syscall_names[63], 'read');
  t.is(arm64.syscall_names[172], 'getpid');
  t.is(arm64.syscall_names[56], 'openat');
  t.is(arm64.syscall_names.indexOf('open'), -1, 'arm64 has no open(2)');
  t.true(x86_64.syscall_names.length >= 463 && arm64.syscall_names.length >= 463);
});

test('sys_call_table lives in kernel memory at the kallsyms address, on a read-only page', (t) => {
  const k = boot();
  const table = k.kallsyms.kallsyms_lookup_name('sys_call_table');
  t.is(table, k.sys_call_table);
  t.true(table < 0, 'kernel half');
  t.is(k.kpt.perm(table) & PERM_W, 0);
  const getpid = k.kallsyms.kallsyms_lookup_name('__x64_sys_getpid');
  k.cpu.set_mode(MODE_KERNEL);
  t.is(k.cpu.read_addr(table + 39 * 8), getpid);
  t.is(k.arch.syscall_names[335], null);
  t.is(k.cpu.read_addr(table + 335 * 8), k.kallsyms.kallsyms_lookup_name('sys_ni_syscall'), 'a hole points at sys_ni_syscall');
});

test('kernel code that writes the table without lifting WP faults; with CR0.WP clear it lands and is dispatched', async (t) => {
  const k = boot();
  const cpu = k.cpu;
  cpu.set_mode(MODE_KERNEL);
  const slot = k.sys_call_table + 39 * 8;
  const gettid = k.kallsyms.kallsyms_lookup_name('__x64_sys_gettid');
  t.false(cpu.write_addr(slot, gettid), 'the read-only page refuses a kernel write');
  cpu.set_wp(false);
  t.true(cpu.write_addr(slot, gettid));
  cpu.set_wp(true);
  await run_inline(k, async (libc) => {
    const child = await libc.fork(() => 0);
    await libc.wait(0);
    t.is(libc.raw(39), libc.raw(libc.SYS.gettid), 'getpid now runs gettid: the dispatch really reads the table');
    t.true(child > 1);
  });
});

test('a syscall handler that faults on the table is an oops: the task dies with SIGSEGV, the kernel lives', async (t) => {
  const rogue: SyscallDef = {
    name: 'afs_syscall', // a hole in x86_64 (183), taken over for the test
    fn: (task) => {
      const kk = task.kernel;
      if (!kk.cpu.write_addr(kk.sys_call_table, 0)) throw new Error('unable to handle page fault: write to read-only sys_call_table');
      return 0;
    },
  };
  const k = boot({ extra_syscalls: [rogue] });
  const r = await run_inline(k, (libc) => { libc.raw(183); return 0; });
  t.is(r.status, 139);
  t.regex(k.log.text(), /BUG: in afs_syscall: unable to handle page fault/);
  t.regex(k.log.text(), /Oops: Error/);
  const again = await run_inline(k, (libc) => (libc.getpid() as number) > 0 ? 0 : 1);
  t.is(again.status, 0, 'the kernel keeps running programs after the oops');
});

test('user mode writing the table page is SIGSEGV (139)', async (t) => {
  const k = boot();
  const r = await run_inline(k, (libc) => { libc.poke_u64(k.sys_call_table, 0); return 0; });
  t.is(r.status, 139);
});

for (const arch of ['x86_64', 'arm64'] as const) {
  test(`${arch}: syscall(N) reaches the right handler; unknown and unimplemented numbers give ENOSYS`, async (t) => {
    const k = boot({ arch });
    await run_inline(k, (libc) => {
      const nr = arch === 'x86_64' ? { getpid: 39, gettid: 186, getuid: 102 } : { getpid: 172, gettid: 178, getuid: 174 };
      t.is(libc.syscall(nr.getpid), libc.getpid());
      t.is(libc.syscall(nr.gettid), libc.gettid());
      t.is(libc.syscall(nr.getuid), 0);
      t.is(libc.syscall(1024), -1); t.is(libc.errno, libc.ENOSYS);
      t.is(libc.syscall(-1), -1); t.is(libc.errno, libc.ENOSYS);
      const unimpl = libc.SYS.kexec_load;
      t.is(libc.syscall(unimpl), -1); t.is(libc.errno, libc.ENOSYS);
      t.is(libc.arch, arch);
    });
  });
}

test('the support matrix lists every entry of both tables', (t) => {
  for (const arch of [x86_64, arm64]) {
    const rows = support_matrix(arch, ALL_SYSCALLS);
    t.is(rows.length, arch.syscall_names.filter(Boolean).length);
    t.is(rows.find((r) => r.name === 'getpid')?.support, 'full');
    t.is(rows.find((r) => r.name === 'kexec_load')?.support, 'ENOSYS');
    t.true(rows.filter((r) => r.support === 'partial').every((r) => r.note.length > 0), 'every partial entry says what is missing');
  }
});

test('every syscall is defined once, under a name some architecture numbers (a duplicate fails at boot)', (t) => {
  t.notThrows(() => check_syscall_defs(ALL_SYSCALLS));
  const read = ALL_SYSCALLS.find((d) => d.name === 'read')!;
  t.throws(() => check_syscall_defs([...ALL_SYSCALLS, read]), { message: /read defined twice/ });
  t.throws(() => check_syscall_defs([{ name: 'sys_frobnicate', fn: () => 0 }]), { message: /in no architecture's table/ });
});
