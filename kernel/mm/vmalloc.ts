/**
 * Kernel virtual memory: the fixed regions of the kernel half and vmalloc (mm/vmalloc.c), plus
 * set_memory_ro/rw/x/nx (arch/x86/mm/pat/set_memory.c), which modules use to lift the write
 * protection of read-only kernel data such as sys_call_table.
 */
import type { Cpu } from '../arch/cpu.ts';
import { PAGE_SIZE } from './page_alloc.ts';
import { type PageTable, PERM_KX, PERM_R, PERM_W } from './pgtable.ts';

/** x86-64 layout (Documentation/arch/x86/x86_64/mm.rst), as sign-extended numbers. */
export const VMALLOC_START = -0x370000000000;   // 0xffffc90000000000
export const KERNEL_TEXT = -0x7f000000;         // 0xffffffff81000000 (__START_KERNEL_map + 16 MiB)
export const KERNEL_RODATA = -0x7e000000;       // 0xffffffff82000000
export const MODULES_VADDR = -0x60000000;       // 0xffffffffa0000000
/**
 * The basic-block PCs of the kcov-instrumented build (tools/kcov/build.ts): 4 bytes apart in
 * the unused range between the kernel image and the modules; they label code, nothing maps them.
 */
export const KCOV_TEXT = -0x70000000;           // 0xffffffff90000000
export const KCOV_TEXT_SIZE = 256 << 20;
export const KERNEL_TEXT_SIZE = 16 << 20;
export const MODULES_SIZE = 512 << 20;

export class KernelVm {
  private vmalloc_next = VMALLOC_START;

  constructor(private readonly cpu: Cpu, private readonly kpt: PageTable) {}

  /** Maps fresh zeroed frames at addr with perm; throws if memory is exhausted (boot-time). */
  map_pages(addr: number, npages: number, perm: number): void {
    for (let i = 0; i < npages; i++) {
      const pfn = this.cpu.phys.alloc_page();
      if (pfn < 0 || !this.kpt.map(addr + i * PAGE_SIZE, pfn, perm)) throw new RangeError('out of memory');
    }
  }

  /** vmalloc(): kernel read/write, not executable; returns the address or NaN on ENOMEM. */
  vmalloc(size: number, perm = PERM_R | PERM_W): number {
    const npages = Math.ceil(size / PAGE_SIZE);
    const addr = this.vmalloc_next;
    try { this.map_pages(addr, npages, perm); } catch { return NaN; }
    this.vmalloc_next += (npages + 1) * PAGE_SIZE; // a guard page between areas
    return addr;
  }

  private change(addr: number, npages: number, set: number, clear: number): void {
    for (let i = 0; i < npages; i++) {
      const a = addr + i * PAGE_SIZE;
      const perm = this.kpt.perm(a);
      if (perm) this.kpt.protect(a, (perm | set) & ~clear);
      this.cpu.ktlb.flush_page(Math.floor(a / PAGE_SIZE));
    }
  }

  set_memory_ro(addr: number, npages: number): void { this.change(addr, npages, 0, PERM_W); }
  set_memory_rw(addr: number, npages: number): void { this.change(addr, npages, PERM_W, 0); }
  set_memory_x(addr: number, npages: number): void { this.change(addr, npages, PERM_KX, 0); }
  set_memory_nx(addr: number, npages: number): void { this.change(addr, npages, 0, PERM_KX); }
}
