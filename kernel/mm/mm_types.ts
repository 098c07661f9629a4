/**
 * struct mm_struct and struct vm_area_struct (include/linux/mm_types.h).
 */
import { PAGE_SIZE } from './page_alloc.ts';
import type { PageTable } from './pgtable.ts';
import { Tlb } from './tlb.ts';
import type { TextRegion } from './text.ts';

/** Backing object of a file mapping: fills a page from the file (filemap_fault). */
export interface VmFile {
  /** Copies up to PAGE_SIZE bytes at file offset `pos` into `dst`. */
  fault_page(pos: number, dst: Uint8Array): void;
  readonly name: string;
}

export class VmArea {
  constructor(
    public start: number,
    public end: number,
    /** PROT_* bits. */
    public prot: number,
    /** MAP_SHARED / MAP_PRIVATE, MAP_GROWSDOWN. */
    public flags: number,
    public name = '',
    public file: VmFile | null = null,
    /** File offset of `start`, in bytes. */
    public pgoff = 0,
  ) {}

  /** Extra PERM_* bits for every page of the area (PrivBox marks box text with PERM_BOX). */
  extra_perm = 0;

  clone(): VmArea {
    const v = new VmArea(this.start, this.end, this.prot, this.flags, this.name, this.file, this.pgoff);
    v.extra_perm = this.extra_perm;
    return v;
  }
}

export class MmStruct {
  readonly tlb = new Tlb();
  /** Sorted, non-overlapping. */
  vmas: VmArea[] = [];
  start_brk = 0;
  brk = 0;
  mmap_base = 0;
  start_stack = 0;
  arg_start = 0; arg_end = 0; env_start = 0; env_end = 0;
  users = 1;
  /** Addresses of user functions (the program's "text segment"). */
  text!: TextRegion;

  constructor(readonly pt: PageTable) {}

  /** find_vma: the first area with end > addr (it may start above addr). */
  find_vma(addr: number): VmArea | undefined {
    const v = this.vmas;
    let lo = 0, hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid].end <= addr) lo = mid + 1; else hi = mid;
    }
    return v[lo];
  }

  /** The area containing addr, if any. */
  vma_at(addr: number): VmArea | undefined {
    const v = this.find_vma(addr);
    return v && v.start <= addr ? v : undefined;
  }

  insert_vma(vma: VmArea): void {
    const i = this.vmas.findIndex((v) => v.start >= vma.end);
    if (i < 0) this.vmas.push(vma); else this.vmas.splice(i, 0, vma);
  }

  total_vm(): number {
    return this.vmas.reduce((s, v) => s + (v.end - v.start), 0) / PAGE_SIZE;
  }
}
