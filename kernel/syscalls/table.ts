/**
 * sys_call_table (arch/x86/entry/syscall_64.c, arch/arm64/kernel/sys.c): an array of function
 * addresses in kernel memory, on a read-only page after boot. Every number of the architecture's
 * table has an entry; the ones privos does not implement point at sys_ni_syscall (ENOSYS).
 */
import { ENOSYS } from '../include/uapi/errno.ts';
import type { Kernel } from '../kernel.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import { PERM_R, PERM_W } from '../mm/pgtable.ts';
import { KERNEL_RODATA } from '../mm/vmalloc.ts';
import { DispatchCache } from './dispatch.ts';
import { arg_specs, syscall_decoder } from './decode.ts';
import type { SyscallDef } from './syscall_def.ts';

/** kernel/sys_ni.c */
export function sys_ni_syscall(): number { return -ENOSYS; }

export function build_sys_call_table(k: Kernel, defs: readonly SyscallDef[]): void {
  const names = k.arch.syscall_names;
  const by_name = new Map(defs.map((d) => [d.name, d]));
  const ni = k.kallsyms.register(k.ktext, 'sys_ni_syscall', sys_ni_syscall);
  const table = KERNEL_RODATA;
  const npages = Math.ceil((names.length * 8) / PAGE_SIZE);
  k.kvm.map_pages(table, npages, PERM_R | PERM_W);
  k.syscall_defs = names.map((n) => (n ? by_name.get(n) ?? null : null));
  k.syscall_args = k.syscall_defs.map((def) => (def ? arg_specs(def) : null));
  k.syscall_defs.forEach((def, nr) => {
    // The table entry is the pt_regs wrapper (__x64_sys_read): the handler behind its decoder.
    const addr = def ? k.kallsyms.register(k.ktext, k.arch.sym_prefix + def.name, syscall_decoder(def, k.syscall_args[nr]!)) : ni;
    if (!k.cpu.write_addr(table + nr * 8, addr)) throw new Error('sys_call_table write failed at boot');
  });
  k.sys_call_table = table;
  k.nr_syscalls = names.length;
  k.dispatch = new DispatchCache(k, names.length, sys_ni_syscall);
  k.kallsyms.register_data('sys_call_table', table);
  k.kvm.set_memory_ro(table, npages); // mark_rodata_ro()
}

/** The name of a syscall number on the running arch (for traces and oopses). */
export function syscall_name(k: Kernel, nr: number): string {
  return k.arch.syscall_names[nr] ?? `syscall_${nr}`;
}
