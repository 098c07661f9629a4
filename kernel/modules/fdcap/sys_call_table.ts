/**
 * Rewriting sys_call_table the way out-of-tree modules do: find it with kallsyms_lookup_name,
 * lift the write protection of its read-only page (x86: clear CR0.WP with write_cr0; arm64:
 * set_memory_rw on the page, there being no WP bit), store the new entries with real 8-byte
 * writes through the MMU, and put the protection back. A write that faults (protection not
 * lifted) is a kernel page fault: an oops, contained by the syscall path.
 */
import { addr_hex } from '../../arch/cpu.ts';
import type { Kernel } from '../../kernel.ts';
import { PAGE_SIZE } from '../../mm/page_alloc.ts';
import { KernelBug } from '../../syscalls/entry.ts';
import { C } from '../../time/cost.ts';
import { kallsyms_lookup_name } from '../kallsyms.ts';

/** The table's address, or 0 (as kallsyms_lookup_name) when not found. */
export function find_sys_call_table(k: Kernel): number { return kallsyms_lookup_name(k, 'sys_call_table'); }

/** The address in entry nr. */
export function read_entry(k: Kernel, table: number, nr: number): number {
  const a = k.cpu.read_addr(table + nr * 8);
  if (a !== a) throw new KernelBug(`unable to handle page fault for address ${addr_hex(table + nr * 8)}`);
  return a;
}

/** Stores the entries; throws (an oops) when a store faults. */
export function write_entries(k: Kernel, table: number, entries: ReadonlyMap<number, number>): void {
  for (const [nr, addr] of entries) {
    if (!k.cpu.write_addr(table + nr * 8, addr)) {
      throw new KernelBug(`unable to handle page fault for address ${addr_hex(table + nr * 8)}: write to a read-only page (sys_call_table)`);
    }
  }
}

/**
 * Lifts the protection, writes, restores it (also when the write faults). x86_64: write_cr0
 * with X86_CR0_WP cleared; arm64: set_memory_rw / set_memory_ro on the table's pages. Each of
 * the two protection changes charges one `cr0_write`.
 */
export function patch_sys_call_table(k: Kernel, table: number, entries: ReadonlyMap<number, number>): void {
  const pages = Math.ceil((k.nr_syscalls * 8) / PAGE_SIZE);
  k.cpu.charge(C.cr0_write);
  if (k.arch.name === 'x86_64') k.cpu.set_wp(false);
  else k.kvm.set_memory_rw(table, pages);
  try {
    write_entries(k, table, entries);
  } finally {
    k.cpu.charge(C.cr0_write);
    if (k.arch.name === 'x86_64') k.cpu.set_wp(true);
    else k.kvm.set_memory_ro(table, pages);
  }
}
