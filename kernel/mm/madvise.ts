/**
 * madvise(2) (mm/madvise.c). Implemented: MADV_DONTNEED (zaps the range: anonymous private
 * pages read back as zeros, file pages are re-read from the page cache / file, shared stores
 * are kept) and MADV_FREE (anonymous private memory only, freed at once). Pure hints with no
 * effect here are accepted: NORMAL, RANDOM, SEQUENTIAL, WILLNEED (no readahead), COLD,
 * PAGEOUT (no swap), MERGEABLE/UNMERGEABLE (no KSM), HUGEPAGE/NOHUGEPAGE (no THP). The rest
 * (REMOVE, DONTFORK/DOFORK, DONTDUMP/DODUMP, WIPEONFORK/KEEPONFORK, POPULATE_*) is EINVAL.
 */
import { EINVAL, ENOMEM } from '../include/uapi/errno.ts';
import {
  MADV_COLD, MADV_DONTNEED, MADV_FREE, MADV_HUGEPAGE, MADV_MERGEABLE, MADV_NOHUGEPAGE, MADV_NORMAL,
  MADV_PAGEOUT, MADV_RANDOM, MADV_SEQUENTIAL, MADV_UNMERGEABLE, MADV_WILLNEED, MAP_SHARED,
} from '../include/uapi/mman.ts';
import type { Task } from '../sched/task.ts';
import { zap_page_range } from './memory.ts';
import type { VmArea } from './mm_types.ts';
import { PAGE_SIZE } from './page_alloc.ts';

const HINTS: ReadonlySet<number> = new Set([MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_COLD, MADV_PAGEOUT,
  MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_HUGEPAGE, MADV_NOHUGEPAGE]);

/** madvise_behavior_valid(), restricted to what privos implements or may ignore. */
const behavior_ok = (b: number): boolean => HINTS.has(b) || b === MADV_DONTNEED || b === MADV_FREE;

/** One area's part [start, end) of the range: 0 or -errno. */
function madvise_vma(t: Task, v: VmArea, start: number, end: number, behavior: number): number {
  if (behavior === MADV_FREE && (v.file || v.flags & MAP_SHARED)) return -EINVAL; // anonymous private only
  if (behavior === MADV_DONTNEED || behavior === MADV_FREE) zap_page_range(t.cpu, t.mm!, start, end);
  return 0;
}

export function sys_madvise(t: Task, start: number, len: number, behavior: number): number {
  if (!behavior_ok(behavior)) return -EINVAL;
  if (start % PAGE_SIZE || start < 0) return -EINVAL;
  if (len < 0) return -EINVAL; // PAGE_ALIGN(len) wraps, or end < start
  const end = start + Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
  if (end === start) return 0;
  const mm = t.mm!;
  let unmapped = 0;
  for (let a = start; a < end;) {
    const v = mm.find_vma(a);
    if (!v || v.start >= end) return -ENOMEM;
    if (a < v.start) { unmapped = -ENOMEM; a = v.start; }
    const r = madvise_vma(t, v, a, Math.min(end, v.end), behavior);
    if (r < 0) return r;
    a = v.end;
  }
  return unmapped;
}
