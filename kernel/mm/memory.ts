/**
 * Page faults and address-space copying (Linux mm/memory.c): demand-zero pages, file pages,
 * copy-on-write after clone, and tearing mappings down.
 */
import { type Cpu, ACC_R, ACC_W, ACC_X } from '../arch/cpu.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE, MAP_SHARED } from '../include/uapi/mman.ts';
import { C } from '../time/cost.ts';
import type { Task } from '../sched/task.ts';
import { type MmStruct, type VmArea, VM_FAULT_OOM, VM_FAULT_SIGSEGV } from './mm_types.ts';
import { PAGE_SIZE } from './page_alloc.ts';
import { PERM_R, PERM_U, PERM_UX, PERM_W, TWO_47 } from './pgtable.ts';

/** Leaf permissions for a page of vma (writable only if it may be written now). */
export function vm_perm(vma: VmArea, writable: boolean): number {
  if (!(vma.prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) return PERM_U; // PROT_NONE: not present
  let p = PERM_R | PERM_U | vma.extra_perm;
  if (writable && vma.prot & PROT_WRITE) p |= PERM_W;
  if (vma.prot & PROT_EXEC) p |= PERM_UX;
  return p;
}

function access_ok_for(vma: VmArea, acc: number): boolean {
  if (acc === ACC_W) return (vma.prot & PROT_WRITE) !== 0;
  if (acc === ACC_X) return (vma.prot & PROT_EXEC) !== 0;
  return (vma.prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) !== 0;
}

/**
 * handle_mm_fault(): resolves a user-half fault at addr if the address space allows the access:
 * allocates a zero page, maps a file's page-cache frame (copied first for a private write), or
 * breaks copy-on-write. Returns 0 or the vm_fault_t reason: VM_FAULT_SIGSEGV for an illegal
 * access (SIGSEGV for user code, EFAULT for uaccess), VM_FAULT_SIGBUS for a file page past
 * EOF, VM_FAULT_OOM when memory ran out.
 */
export function __handle_mm_fault(cpu: Cpu, mm: MmStruct, addr: number, acc: number): number {
  if (addr < 0 || addr >= TWO_47) return VM_FAULT_SIGSEGV;
  const vma = mm.vma_at(addr);
  if (!vma || !access_ok_for(vma, acc)) return VM_FAULT_SIGSEGV;
  const page = Math.floor(addr / PAGE_SIZE) * PAGE_SIZE;
  const { phys } = cpu;
  cpu.charge(C.page_fault);
  const old = mm.pt.pfn_of(page);
  const priv = !(vma.flags & MAP_SHARED);
  let pfn = old;
  if (old < 0 && vma.file) {
    const cached = vma.file.fault(vma.pgoff + (page - vma.start));
    if (cached < 0) return -cached;
    pfn = cached;
    if (acc === ACC_W && priv && (pfn = cow_copy(cpu, cached)) < 0) return VM_FAULT_OOM; // do_cow_fault
  } else if (old < 0) {
    pfn = phys.alloc_page();
    if (pfn < 0) return VM_FAULT_OOM;
  } else if (acc === ACC_W && priv && phys.refcount[old] > 1) {
    if ((pfn = cow_copy(cpu, old)) < 0) return VM_FAULT_OOM; // wp_page_copy
  }
  // A private page shared with another mm (or the page cache) stays read-only until written.
  const exclusive = !priv || phys.refcount[pfn] === 1;
  if (!mm.pt.map(page, pfn, vm_perm(vma, acc === ACC_W || exclusive))) return VM_FAULT_OOM;
  mm.tlb.flush_page(page / PAGE_SIZE);
  return 0;
}

/** A private copy of frame `src`, dropping the caller's reference on src; -1 without memory. */
function cow_copy(cpu: Cpu, src: number): number {
  const pfn = cpu.phys.alloc_page();
  if (pfn < 0) { cpu.phys.put_page(src); return -1; }
  cpu.phys.copy_page(pfn, src);
  cpu.phys.put_page(src);
  return pfn;
}

/** __handle_mm_fault as a yes/no: true when the access can now proceed. */
export function handle_mm_fault(cpu: Cpu, mm: MmStruct, addr: number, acc: number): boolean {
  return __handle_mm_fault(cpu, mm, addr, acc) === 0;
}

/**
 * Unmaps [start, end) from the page tables, dropping the frames (zap_page_range). Only what is
 * mapped is visited: the walk skips absent tables.
 */
export function zap_page_range(cpu: Cpu, mm: MmStruct, start: number, end: number): void {
  const pt = mm.pt;
  for (let a = pt.next_mapped(start, end); a < end; a = pt.next_mapped(a + PAGE_SIZE, end)) {
    const pfn = pt.unmap(a);
    if (pfn >= 0) { cpu.phys.put_page(pfn); mm.tlb.flush_page(a / PAGE_SIZE); }
  }
  mm.vma_at(start)?.file?.unmapped(); // the page cache drops the frames nobody maps now
}

/** Re-applies the vma's protection to its mapped pages (mprotect's change_protection). */
export function change_protection(cpu: Cpu, mm: MmStruct, vma: VmArea, start: number, end: number): void {
  const pt = mm.pt;
  for (let a = pt.next_mapped(start, end); a < end; a = pt.next_mapped(a + PAGE_SIZE, end)) {
    const pfn = pt.pfn_of(a);
    const exclusive = vma.flags & MAP_SHARED || cpu.phys.refcount[pfn] === 1;
    mm.pt.map(a, pfn, vm_perm(vma, exclusive !== 0));
    mm.tlb.flush_page(a / PAGE_SIZE);
  }
}

/**
 * dup_mmap: copies the areas of `from` into `to`. Shared mappings share frames; private ones
 * share them read-only, copy-on-write (both sides lose write permission until a fault). Only
 * the pages that are mapped are visited and mapped in the child (copy_page_range skips the
 * empty tables).
 */
export function dup_mmap(cpu: Cpu, from: MmStruct, to: MmStruct): boolean {
  const pt = from.pt;
  for (const vma of from.vmas) {
    to.vmas.push(vma.clone());
    for (let a = pt.next_mapped(vma.start, vma.end); a < vma.end; a = pt.next_mapped(a + PAGE_SIZE, vma.end)) {
      const pfn = pt.pfn_of(a);
      cpu.phys.get_page(pfn);
      const shared = (vma.flags & MAP_SHARED) !== 0;
      if (!shared) { from.pt.map(a, pfn, vm_perm(vma, false)); from.tlb.flush_page(a / PAGE_SIZE); }
      if (!to.pt.map(a, pfn, vm_perm(vma, shared))) return false;
    }
  }
  to.start_brk = from.start_brk; to.brk = from.brk; to.mmap_base = from.mmap_base;
  to.start_stack = from.start_stack;
  to.arg_start = from.arg_start; to.arg_end = from.arg_end;
  to.env_start = from.env_start; to.env_end = from.env_end;
  return true;
}

/**
 * access_remote_vm(): reads another address space through its own page tables (as
 * get_user_pages + kmap do), faulting absent pages in; returns the bytes read.
 */
export function access_remote_vm(cpu: Cpu, mm: MmStruct, addr: number, out: Uint8Array): number {
  const mem = cpu.phys.mem;
  let done = 0;
  while (done < out.length) {
    const a = addr + done;
    const page = Math.floor(a / PAGE_SIZE) * PAGE_SIZE;
    let pfn = mm.pt.pfn_of(page);
    if (pfn < 0 && handle_mm_fault(cpu, mm, a, ACC_R)) pfn = mm.pt.pfn_of(page);
    if (pfn < 0 || !mm.vma_at(a)) break;
    const n = Math.min(out.length - done, PAGE_SIZE - (a - page));
    out.set(mem.subarray(pfn * PAGE_SIZE + (a - page), pfn * PAGE_SIZE + (a - page) + n), done);
    done += n;
  }
  return done;
}

/**
 * An instruction fetch at addr by the current task (a call through a function pointer): a
 * missing page is faulted in like any other page; false if the fetch is not allowed.
 */
export function fetch_ok(t: Task, addr: number): boolean {
  const cpu = t.kernel.cpu;
  if (cpu.check_exec(addr)) return true;
  if (cpu.fault_present || addr < 0 || !t.mm || !handle_mm_fault(cpu, t.mm, addr, ACC_X)) return false;
  return cpu.check_exec(addr);
}
