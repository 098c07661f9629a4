/**
 * msync(2) (mm/msync.c). Shared file pages live in the page cache (kernel/mm/filemap.ts), which
 * read(2) already sees, so MS_ASYNC has nothing to start (as in Linux since 2.6.19) and
 * MS_INVALIDATE nothing to drop (no mlock, so never EBUSY). MS_SYNC writes the range of each
 * shared file mapping back to the file and runs f_op.fsync (hostfs: the host file).
 */
import { EINVAL, ENOMEM } from '../include/uapi/errno.ts';
import { MAP_SHARED, MS_ASYNC, MS_INVALIDATE, MS_SYNC } from '../include/uapi/mman.ts';
import type { SysRet } from '../fs/fs_types.ts';
import type { Task } from '../sched/task.ts';
import type { MmStruct } from './mm_types.ts';
import { PAGE_SIZE } from './page_alloc.ts';

const page_align = (x: number): number => Math.ceil(x / PAGE_SIZE) * PAGE_SIZE;

export function sys_msync(t: Task, start: number, len: number, flags: number): SysRet {
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if (start % PAGE_SIZE || start < 0) return -EINVAL;
  if (flags & MS_ASYNC && flags & MS_SYNC) return -EINVAL;
  if (len < 0) return -ENOMEM; // size_t: end wraps below start
  const end = start + page_align(len);
  if (end === start) return 0;
  return msync_range(t, t.mm!, start, end, flags);
}

/** The vma walk of msync: holes make the result ENOMEM, after the mapped parts are synced. */
async function msync_async(t: Task, pending: Promise<number>, mm: MmStruct, next: number, end: number, flags: number, unmapped: number): Promise<number> {
  const r = await pending;
  if (r < 0) return r;
  const rest = await msync_range(t, mm, next, end, flags);
  return rest < 0 ? rest : unmapped;
}

function msync_range(t: Task, mm: MmStruct, start: number, end: number, flags: number): SysRet {
  let unmapped = 0;
  for (let v = mm.find_vma(start); ; v = mm.find_vma(start)) {
    if (!v) return -ENOMEM;
    if (start < v.start) {
      unmapped = -ENOMEM;
      start = v.start;
      if (start >= end) return unmapped;
    }
    const fstart = v.pgoff + (start - v.start), fend = fstart + (Math.min(end, v.end) - start);
    start = v.end;
    if (flags & MS_SYNC && v.file && v.flags & MAP_SHARED) {
      const r = v.file.sync(t, fstart, fend);
      if (typeof r !== 'number') return msync_async(t, r, mm, start, end, flags, unmapped);
      if (r < 0) return r;
    }
    if (start >= end) return unmapped;
  }
}
