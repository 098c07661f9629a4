/**
 * The dispatch cache: the handler each syscall number resolved to, so that the common syscall
 * does not read sys_call_table through the MMU, probe the TLB for the exec check and scan the
 * kernel text regions again. Nothing about the mechanism changes: the table stays in kernel
 * memory, and an entry is used only while everything that decided its answer is unchanged —
 *
 *  - the table word itself: compared with the 8 bytes in physical memory at every hit, so any
 *    store to it (a module's write after lifting CR0.WP or set_memory_rw, a box's stray store,
 *    a write through another mapping of the frame) takes effect on the next syscall;
 *  - the CPU's protection rules, the kernel page tables, the kernel TLB's contents and the
 *    kernel text, all counted by one generation (Cpu.kgen: CR0.WP, SMAP/SMEP/SPAP,
 *    set_memory_*, vmalloc, every kernel TLB fill and flush, module text coming or going).
 *
 * Modeled cycles are the uncached path's exactly: an entry is made only when, after the slow
 * path, the table's page and the handler's page are both in the kernel TLB, and the kernel
 * TLB has not changed since (kgen), so the uncached path would have hit the TLB twice and
 * charged no tlb_miss either. A hit charges what the uncached path charges: nothing beyond
 * the dispatch and handler costs do_syscall charges itself.
 */
import { MODE_KERNEL } from '../arch/cpu.ts';
import type { Kernel } from '../kernel.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import type { SyscallFn } from './syscall_def.ts';

/** One table slot's resolution; gen -1: not valid. */
class DispatchEntry {
  gen = -1;
  /** The table word as read: its two 32-bit halves, and its index in the u32 view of memory. */
  lo = 0;
  hi = 0;
  word = 0;
  constructor(public fn: SyscallFn) {}
}

export class DispatchCache {
  /** Off: nothing is recorded, every syscall takes the uncached path (for measurements and tests). */
  enabled = true;
  private readonly entries: DispatchEntry[];
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;

  constructor(k: Kernel, nr_syscalls: number, placeholder: SyscallFn) {
    this.entries = Array.from({ length: nr_syscalls }, () => new DispatchEntry(placeholder));
    this.u32 = new Uint32Array(k.phys.mem.buffer);
    this.i32 = new Int32Array(k.phys.mem.buffer);
  }

  /** The generation entries are checked against: the kernel-half one (kallsyms shares it). */
  static gen(k: Kernel): number { return k.cpu.kgen.n; }

  /** Turns the cache on or off; off also forgets every entry. */
  set_enabled(on: boolean): void {
    if (this.enabled === on) return;
    this.enabled = on;
    for (const e of this.entries) e.gen = -1;
  }

  /** The cached handler of nr (nr < nr_syscalls), or undefined: take the slow path. */
  lookup(k: Kernel, nr: number): SyscallFn | undefined {
    const e = this.entries[nr], cpu = k.cpu;
    if (e.gen !== DispatchCache.gen(k) || cpu.mode !== MODE_KERNEL || cpu.uaccess) return undefined;
    if (this.u32[e.word] !== e.lo || this.i32[e.word + 1] !== e.hi) return undefined;
    return e.fn;
  }

  /**
   * Records what the slow path found: the table word at `slot` held `addr` (a kernel-half
   * text address) and resolved to fn. Nothing is recorded unless the answer can be replayed
   * exactly (see the file comment).
   */
  fill(k: Kernel, nr: number, slot: number, addr: number, fn: SyscallFn): void {
    const cpu = k.cpu, tlb = cpu.ktlb;
    if (!this.enabled || addr >= 0 || cpu.mode !== MODE_KERNEL || cpu.uaccess) return;
    if (!tlb.has(Math.floor(slot / PAGE_SIZE)) || !tlb.has(Math.floor(addr / PAGE_SIZE))) return;
    const e = this.entries[nr];
    e.word = tlb.phys(slot) >> 2;
    e.lo = this.u32[e.word];
    e.hi = this.i32[e.word + 1];
    e.fn = fn;
    e.gen = DispatchCache.gen(k);
  }
}
