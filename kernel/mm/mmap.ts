/**
 * mmap(2), munmap(2), mprotect(2), brk(2) (mm/mmap.c, mm/mprotect.c). Areas are tracked as
 * VmAreas; pages arrive on first touch through handle_mm_fault (or at once with MAP_POPULATE).
 */
import { EACCES, EEXIST, EINVAL, ENODEV, ENOMEM, EOPNOTSUPP, EOVERFLOW } from '../include/uapi/errno.ts';
import {
  MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED,
  MAP_SHARED_VALIDATE, MAP_TYPE, PROT_EXEC, PROT_READ, PROT_WRITE, MAP_GROWSDOWN, MAP_STACK,
  MAP_NORESERVE, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED, MAP_NONBLOCK, MAP_HUGETLB,
} from '../include/uapi/mman.ts';
import { ACC_R, ACC_W } from '../arch/cpu.ts';
import { FMODE_READ, FMODE_WRITE, type File } from '../fs/fs_types.ts';
import { fdget_io } from '../fs/file_table.ts';
import { shmem_zero_setup } from '../fs/tmpfs.ts';
import { S_ISREG } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { change_protection, handle_mm_fault, zap_page_range } from './memory.ts';
import { type MmStruct, VmArea, type VmFile } from './mm_types.ts';
import { PAGE_SIZE } from './page_alloc.ts';
import { TASK_SIZE } from './uaccess.ts';
import { sys_msync } from './msync.ts';
import { sys_madvise } from './madvise.ts';
import { memfd_check_seals_mmap, memfd_deny_maywrite } from './memfd.ts';

const page_align = (x: number): number => Math.ceil(x / PAGE_SIZE) * PAGE_SIZE;

/** PROT_SEM (accepted, meaningless without System V semaphores) and PROT_GROWSDOWN|GROWSUP. */
const PROT_SEM = 0x8, PROT_GROWS = 0x01000000 | 0x02000000;

/** Splits areas so that no area straddles addr (split_vma). */
function split_at(mm: MmStruct, addr: number): void {
  const v = mm.vma_at(addr);
  if (!v || v.start === addr) return;
  const tail = v.clone();
  tail.start = addr;
  tail.pgoff = v.pgoff + (addr - v.start);
  v.end = addr;
  mm.insert_vma(tail);
}

/** do_munmap(): removes [start, start+len) from the address space. */
export function do_munmap(t: Task, mm: MmStruct, start: number, len: number): number {
  if (start % PAGE_SIZE || len <= 0 || start < 0 || start + len > TASK_SIZE) return -EINVAL;
  const end = start + page_align(len);
  split_at(mm, start);
  split_at(mm, end);
  const gone = mm.vmas.filter((v) => v.start >= start && v.end <= end);
  for (const v of gone) zap_page_range(t.cpu, mm, v.start, v.end);
  mm.vmas = mm.vmas.filter((v) => !(v.start >= start && v.end <= end));
  for (const v of gone) v.file?.put(); // remove_vma: fput(vm_file), after the area is gone
  return 0;
}

/** get_unmapped_area(): top-down from mmap_base. */
function get_unmapped_area(mm: MmStruct, len: number): number {
  let top = mm.mmap_base;
  for (let i = mm.vmas.length - 1; i >= 0; i--) {
    const v = mm.vmas[i];
    if (v.start >= top) continue;
    if (v.end <= top - len) return top - len;
    top = v.start;
  }
  return top - len >= PAGE_SIZE * 16 ? top - len : -ENOMEM;
}

const KNOWN_FLAGS = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE |
  MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE;

/** file_mmap_ok(): a regular file's [off, off+len) must stay below MAX_LFS_FILESIZE (2^63 - 1). */
function file_mmap_ok(f: File, off: number, size: number): boolean {
  return !S_ISREG(f.f_inode.i_mode) || (off >= 0 && off + size < 2 ** 63);
}

/** do_mmap()'s checks of a file mapping, in Linux's order; returns the VmFile or -errno. */
function mmap_file(t: Task, f: File, prot: number, flags: number, off: number, size: number): VmFile | number {
  if (!file_mmap_ok(f, off, size)) return -EOVERFLOW;
  // MAP_SHARED: writing needs a writable fd; both types need a readable one.
  if ((flags & MAP_TYPE) !== MAP_PRIVATE && prot & PROT_WRITE && !(f.f_mode & FMODE_WRITE)) return -EACCES;
  if (!(f.f_mode & FMODE_READ)) return -EACCES;
  if (!f.f_op.mmap) return -ENODEV;
  if (flags & MAP_GROWSDOWN) return -EINVAL;
  const sealed = memfd_check_seals_mmap(f, prot, flags);
  if (sealed) return sealed;
  return f.f_op.mmap(f, t, off, size);
}

/** do_mmap(): returns the address or -errno. */
export function do_mmap(t: Task, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  const mm = t.mm!;
  if (off % PAGE_SIZE) return -EINVAL; // sys_mmap: offset_in_page
  let f: File | null = null;
  if (!(flags & MAP_ANONYMOUS)) {
    const ff = fdget_io(t, fd); // ksys_mmap_pgoff's fget: before any other check
    if (typeof ff === 'number') return ff;
    f = ff;
  }
  if (len === 0) return -EINVAL;
  if (len < 0) return -ENOMEM; // unsigned long len: "negative" is past TASK_SIZE
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  if (type === MAP_SHARED_VALIDATE && flags & ~KNOWN_FLAGS) return -EOPNOTSUPP;
  const size = page_align(len);
  if (size > TASK_SIZE) return -ENOMEM;
  let file: VmFile | null = null;
  let anon_shared = false;
  if (f) {
    const vf = mmap_file(t, f, prot, flags, off, size);
    if (typeof vf === 'number') return vf;
    file = vf;
  } else if (type !== MAP_PRIVATE) {
    file = shmem_zero_setup(t, size); // its File's one reference becomes the vma's
    anon_shared = true;
  }
  let start: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr % PAGE_SIZE || addr < 0 || addr + size > TASK_SIZE) return -EINVAL;
    if (flags & MAP_FIXED_NOREPLACE && mm.vmas.some((v) => v.start < addr + size && v.end > addr)) return -EEXIST;
    do_munmap(t, mm, addr, size);
    start = addr;
  } else {
    const hint = addr && addr % PAGE_SIZE === 0 && addr + size <= TASK_SIZE &&
      !mm.vmas.some((v) => v.start < addr + size && v.end > addr) ? addr : -1;
    start = hint >= 0 ? hint : get_unmapped_area(mm, size);
    if (start < 0) return start;
  }
  if (!anon_shared) file?.get(); // the vma's reference on the file (vma->vm_file)
  const vma = new VmArea(start, start + size, prot & (PROT_READ | PROT_WRITE | PROT_EXEC),
    (type === MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED) | (flags & MAP_GROWSDOWN), anon_shared ? '/dev/zero (deleted)' : file ? file.name : '',
    file, file && !anon_shared ? off : 0);
  if (f && memfd_deny_maywrite(f, flags)) vma.no_maywrite = true;
  mm.insert_vma(vma);
  if (flags & MAP_POPULATE) {
    for (let a = start; a < start + size; a += PAGE_SIZE) handle_mm_fault(t.cpu, mm, a, prot & PROT_WRITE ? ACC_W : ACC_R);
  }
  return start;
}

export function sys_mmap(t: Task, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  return do_mmap(t, addr, len, prot, flags, fd, off);
}

export function sys_munmap(t: Task, addr: number, len: number): number {
  return do_munmap(t, t.mm!, addr, len);
}

/** mprotect(2): every page of the range must be mapped (ENOMEM otherwise). */
export function sys_mprotect(t: Task, start: number, len: number, prot: number): number {
  const mm = t.mm!;
  if ((prot & PROT_GROWS) === PROT_GROWS) return -EINVAL;
  if (start % PAGE_SIZE || start < 0) return -EINVAL;
  if (len === 0) return 0;
  // size_t len: a "negative" one wraps past the end (end <= start).
  const end = start + page_align(len);
  if (len < 0 || end > TASK_SIZE) return -ENOMEM;
  // arch_validate_prot, on the whole unsigned long: PROT_SEM is valid, bits past 31 are not.
  if (prot < 0 || prot > 0xffffffff || prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWS)) return -EINVAL;
  for (let a = start; a < end;) {
    const v = mm.vma_at(a);
    if (!v) return -ENOMEM;
    // A shared mapping of a file not open for writing lacks VM_MAYWRITE, as do [vvar] and [vdso].
    if (prot & PROT_WRITE && (v.no_maywrite || (v.flags & MAP_SHARED && v.file && !v.file.may_write))) return -EACCES;
    a = v.end;
  }
  split_at(mm, start);
  split_at(mm, end);
  for (const v of mm.vmas) {
    if (v.start < start || v.end > end) continue;
    v.prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
    change_protection(t.cpu, mm, v, v.start, v.end);
  }
  return 0;
}

/** brk(2): returns the new break, or the old one when the request cannot be met. */
export function sys_brk(t: Task, brk: number): number {
  const mm = t.mm!;
  if (brk < mm.start_brk) return mm.brk;
  const old_end = page_align(mm.brk), new_end = page_align(brk);
  if (new_end > old_end) {
    if (mm.vmas.some((v) => v.start < new_end && v.end > old_end && v.name !== '[heap]')) return mm.brk;
    const heap = mm.vmas.find((v) => v.name === '[heap]');
    if (heap) heap.end = new_end;
    else mm.insert_vma(new VmArea(mm.start_brk, new_end, PROT_READ | PROT_WRITE, MAP_PRIVATE, '[heap]'));
  } else if (new_end < old_end) {
    zap_page_range(t.cpu, mm, new_end, old_end);
    const heap = mm.vmas.find((v) => v.name === '[heap]');
    if (heap) {
      heap.end = new_end;
      if (heap.end <= heap.start) mm.vmas = mm.vmas.filter((v) => v !== heap);
    }
  }
  mm.brk = brk;
  return brk;
}

// Addresses of mappings are `unsigned long` in Linux (not `__user` pointers: the kernel reads
// nothing through them), printed as pointers.
export const mm_syscalls: readonly SyscallDef[] = [
  { name: 'mmap', fn: sys_mmap, args: ['unsigned long ptr', 'unsigned long', 'prot', 'mapflags', 'fd', 'hex'], ret_hex: true, support: 'partial', note: 'no hugetlb, mlock or NUMA policy; file mappings for tmpfs/hostfs regular files only (page cache coherent with read/write; truncation zeroes mapped pages past EOF instead of unmapping them, so no SIGBUS there)' },
  { name: 'msync', fn: sys_msync, args: ['unsigned long ptr', 'size_t', 'int hex'] },
  { name: 'madvise', fn: sys_madvise, args: ['unsigned long ptr', 'size_t', 'int'], support: 'partial', note: 'DONTNEED and FREE implemented; NORMAL/RANDOM/SEQUENTIAL/WILLNEED/COLD/PAGEOUT/(UN)MERGEABLE/(NO)HUGEPAGE accepted as hints; REMOVE, DONTFORK/DOFORK, DONTDUMP/DODUMP, WIPEONFORK/KEEPONFORK, POPULATE_* give EINVAL' },
  { name: 'munmap', fn: sys_munmap, args: ['unsigned long ptr', 'size_t'] },
  { name: 'mprotect', fn: sys_mprotect, args: ['unsigned long ptr', 'size_t', 'prot'], support: 'partial', note: 'PROT_GROWSUP/DOWN accepted and ignored' },
  { name: 'brk', fn: sys_brk, args: ['unsigned long ptr'], ret_hex: true },
];
