/**
 * struct mm_struct and struct vm_area_struct (include/linux/mm_types.h).
 */
import type { UserRealm } from '../include/linux/realm.ts';
import { PAGE_SIZE } from './page_alloc.ts';
import type { PageTable } from './pgtable.ts';
import { Tlb } from './tlb.ts';
import type { TextRegion } from './text.ts';
import type { Task } from '../sched/task.ts';
import type { SysRet } from '../fs/fs_types.ts';

/** vm_fault_t reasons (include/linux/mm_types.h enum vm_fault_reason); 0 is success. */
export const VM_FAULT_OOM = 0x1, VM_FAULT_SIGBUS = 0x2, VM_FAULT_SIGSEGV = 0x40;

/**
 * Backing object of a file mapping: vma->vm_file with its vm_operations_struct (mm/filemap.c
 * generic_file_vm_ops). Implemented by kernel/mm/filemap.ts.
 */
export interface VmFile {
  /**
   * filemap_fault: the page-cache frame holding file offset `pos` (page aligned), with a
   * reference taken for the caller, or -VM_FAULT_SIGBUS (past EOF) / -VM_FAULT_OOM.
   */
  fault(pos: number): number;
  /** Pages of a mapping of this file were unmapped: the cache may drop frames nobody maps. */
  unmapped(): void;
  /** vfs_fsync_range for msync(MS_SYNC): writes file bytes [start, end) back, then f_op.fsync. */
  sync(t: Task, start: number, end: number): SysRet;
  /** get_file / fput on the file behind the vma (vm_area_dup, remove_vma). */
  get(): void;
  put(): void;
  /** VM_MAYWRITE for a shared mapping: the file is open for writing. */
  readonly may_write: boolean;
  /** The path shown in /proc/PID/maps (d_path at the time of reading), its device and inode. */
  readonly name: string;
  readonly dev: number;
  readonly ino: number;
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
  /** VM_MAYWRITE cleared: a shared mapping of a write-sealed memfd can never become writable. */
  no_maywrite = false;

  /** vm_area_dup(): the copy holds its own reference on the file. */
  clone(): VmArea {
    this.file?.get();
    const v = new VmArea(this.start, this.end, this.prot, this.flags, this.name, this.file, this.pgoff);
    v.extra_perm = this.extra_perm;
    v.no_maywrite = this.no_maywrite;
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
  /**
   * get_dumpable() == SUID_DUMP_USER: cleared when the owner changes credentials (commit_creds
   * with suid_dumpable 0); a new image (execve's fresh mm) is dumpable again. Guards
   * ptrace_may_access and the owner of /proc/PID.
   */
  dumpable = true;
  /** Addresses of user functions (the program's "text segment"). */
  text!: TextRegion;
  /** The realm the image's code runs in (null: a program of the kernel's own realm, the test harness). */
  realm: UserRealm | null = null;

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

  /** Peaks of total_vm and of the resident pages, in pages (hiwater_vm, hiwater_rss). */
  hiwater_vm = 0;
  hiwater_rss = 0;
  /** The program's path (mm->exe_file): /proc/PID/exe and the text's name in maps. */
  exe_file = '';

  insert_vma(vma: VmArea): void {
    const i = this.vmas.findIndex((v) => v.start >= vma.end);
    if (i < 0) this.vmas.push(vma); else this.vmas.splice(i, 0, vma);
    this.hiwater_vm = Math.max(this.hiwater_vm, this.total_vm());
  }

  total_vm(): number {
    return this.vmas.reduce((s, v) => s + (v.end - v.start), 0) / PAGE_SIZE;
  }
}
