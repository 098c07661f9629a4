/**
 * KCOV (kernel/kcov.c, Documentation/dev-tools/kcov.rst): code coverage for fuzzing. A task
 * opens /sys/kernel/debug/kcov, sizes a buffer (KCOV_INIT_TRACE), mmaps it, and KCOV_ENABLE
 * makes every basic block the kernel then executes for that task append its PC to the buffer
 * (kcov_trace.ts is __sanitizer_cov_trace_pc); with KCOV_TRACE_CMP, each integer comparison
 * appends its operands instead (the __sanitizer_cov_trace_cmp hooks). Only a kcov-instrumented build has the file
 * (tools/kcov/build.ts), as only a CONFIG_KCOV kernel does.
 *
 * privos's `current` is Kernel.current, which switch_to sets; on an instrumented kernel
 * kcov_init turns it into an accessor that points the hook at the new task's buffer, so the
 * buffer sees what runs while its task is current — its syscalls and the page faults of its
 * user accesses. Remote coverage (KCOV_REMOTE_ENABLE) is not built: ENOSYS.
 */
import { EBUSY, EINVAL, ENOMEM, ENOSYS, ENOTTY, ESPIPE } from './include/uapi/errno.ts';
import { KCOV_DISABLE, KCOV_ENABLE, KCOV_INIT_TRACE, KCOV_REMOTE_ENABLE, KCOV_TRACE_CMP, KCOV_TRACE_PC, KCOV_WORD_SIZE } from './include/uapi/kcov.ts';
import type { Kernel } from './kernel.ts';
import { KCOV_INSTRUMENTED, KCOV_NR_BLOCKS } from './kcov_build.ts';
import { kcov_set_area, kcov_set_cmp_area, kcov_set_counts } from './kcov_trace.ts';
import { KCOV_TEXT } from './mm/vmalloc.ts';
import { debugfs_create_file } from './fs/debugfs.ts';
import { FMODE_WRITE, type File, type FileOperations } from './fs/fs_types.ts';
import { fput } from './fs/fdtable.ts';
import type { VmFile } from './mm/mm_types.ts';
import { PAGE_SIZE } from './mm/page_alloc.ts';
import { KERN_INFO } from './printk.ts';
import type { Task } from './sched/task.ts';

/** enum kcov_mode. */
const KCOV_MODE_DISABLED = 0;
const KCOV_MODE_INIT = 1;
const KCOV_MODE_TRACE_PC = 2;
const KCOV_MODE_TRACE_CMP = 3;

/** KCOV_INIT_TRACE's bound: size > INT_MAX / sizeof(unsigned long) is EINVAL. */
const KCOV_MAX_ENTRIES = Math.floor(0x7fffffff / KCOV_WORD_SIZE);
/** vm_fault_t VM_FAULT_SIGBUS (include/linux/mm_types.h). */
const VM_FAULT_SIGBUS = 0x2;

/** struct kcov: one per open of the file. */
export class Kcov {
  mode = KCOV_MODE_DISABLED;
  /** Entries (unsigned longs) in the area, word 0 included. */
  size = 0;
  /** The area's frames, and the u32 index in physical memory of each page's first word. */
  pfns: number[] | null = null;
  pages: Int32Array | null = null;
  /** The task collecting into this kcov, if any. */
  t: Task | null = null;
  refcount = 1;
  constructor(readonly k: Kernel, readonly mem: Uint32Array) {}
}

/** Per kernel: the block counts of `privos cover`, when on. */
interface KcovKernel { counts: Uint32Array | null }
const kcov_kernels = new WeakMap<Kernel, KcovKernel>();

/** The kernel the hook's state belongs to now (several machines may share one process). */
let owner: Kernel | null = null;

/** Points the trace hook at k's counts and at t's buffer, if t is collecting; at none otherwise. */
function kcov_switch(k: Kernel, t: Task | null): void {
  owner = k;
  kcov_set_counts(kcov_kernels.get(k)?.counts ?? null, KCOV_TEXT);
  const kc = t ? t.kcov : null;
  if (kc !== null && kc.mode === KCOV_MODE_TRACE_PC) kcov_set_area(kc.mem, kc.pages, kc.size);
  else kcov_set_area(null, null, 0);
  if (kc !== null && kc.mode === KCOV_MODE_TRACE_CMP) kcov_set_cmp_area(kc.mem, kc.pages, kc.size);
  else kcov_set_cmp_area(null, null, 0);
}

function kcov_put(kc: Kcov): void {
  if (--kc.refcount !== 0 || !kc.pfns) return;
  for (const pfn of kc.pfns) kc.k.phys.put_page(pfn);
  kc.pfns = kc.pages = null;
}

/** vmalloc_user(size * 8): zeroed frames for the area; false when memory runs out. */
function kcov_alloc_area(kc: Kcov, size: number): boolean {
  const phys = kc.k.phys, n = Math.ceil(size * KCOV_WORD_SIZE / PAGE_SIZE), pfns: number[] = [];
  for (let i = 0; i < n; i++) {
    const pfn = phys.alloc_page();
    if (pfn < 0) { for (const p of pfns) phys.put_page(p); return false; }
    pfns.push(pfn);
  }
  kc.pfns = pfns;
  kc.pages = Int32Array.from(pfns, (pfn) => pfn * (PAGE_SIZE >> 2));
  return true;
}

/** KCOV_INIT_TRACE: done once per fd, before anything else. */
function kcov_init_trace(kc: Kcov, size: number): number {
  if (size < 2 || size > KCOV_MAX_ENTRIES) return -EINVAL;
  if (kc.mode !== KCOV_MODE_DISABLED) return -EBUSY;
  if (!kcov_alloc_area(kc, size)) return -ENOMEM;
  kc.size = size;
  kc.mode = KCOV_MODE_INIT;
  return 0;
}

/** kcov_get_mode(). */
function kcov_get_mode(arg: number): number {
  if (arg === KCOV_TRACE_PC) return KCOV_MODE_TRACE_PC;
  return arg === KCOV_TRACE_CMP ? KCOV_MODE_TRACE_CMP : -EINVAL;
}

/** KCOV_ENABLE: the calling task starts collecting; one task per kcov, one kcov per task. */
function kcov_enable(kc: Kcov, t: Task, arg: number): number {
  if (kc.mode !== KCOV_MODE_INIT || !kc.pfns) return -EINVAL;
  if (kc.t !== null || t.kcov !== null) return -EBUSY;
  const mode = kcov_get_mode(arg);
  if (mode < 0) return mode;
  kc.mode = mode;
  kc.t = t;
  t.kcov = kc;
  kc.refcount++; // put by KCOV_DISABLE or at the task's exit
  if (t.kernel.current === t) kcov_switch(t.kernel, t);
  return 0;
}

/** kcov_disable() + kcov_put(): t stops collecting; the kcov can be enabled again. */
function kcov_disable(kc: Kcov, t: Task): void {
  t.kcov = null;
  kc.t = null;
  kc.mode = KCOV_MODE_INIT;
  if (t.kernel.current === t) kcov_switch(t.kernel, t);
  kcov_put(kc);
}

function kcov_ioctl(f: File, t: Task, cmd: number, arg: number): number {
  const kc = f.private_data as Kcov;
  switch (cmd) {
    case KCOV_INIT_TRACE: return kcov_init_trace(kc, arg);
    case KCOV_ENABLE: return kcov_enable(kc, t, arg);
    case KCOV_DISABLE:
      if (arg !== 0 || t.kcov !== kc) return -EINVAL;
      kcov_disable(kc, t);
      return 0;
    case KCOV_REMOTE_ENABLE: return -ENOSYS; // no kthreads annotate remote coverage in privos
    default: return -ENOTTY;
  }
}

/** The area as a file mapping: its frames, shared by every mapping of it. */
class KcovVm implements VmFile {
  readonly may_write: boolean;
  readonly name = '/sys/kernel/debug/kcov';
  readonly dev: number;
  readonly ino: number;
  constructor(readonly f: File, readonly kc: Kcov) {
    this.may_write = (f.f_mode & FMODE_WRITE) !== 0;
    this.dev = f.f_inode.i_sb.s_dev;
    this.ino = f.f_inode.i_ino;
  }
  fault(pos: number): number {
    const pfn = this.kc.pfns?.[pos / PAGE_SIZE];
    if (pfn === undefined) return -VM_FAULT_SIGBUS;
    this.kc.k.phys.get_page(pfn);
    return pfn;
  }
  unmapped(): void { /* the frames belong to the kcov */ }
  sync(): number { return 0; }
  get(): void { this.f.get(); }
  put(): void { fput(this.f); }
}

/** kcov_mmap(): the whole area at offset 0, nothing else. */
function kcov_mmap(f: File, _t: Task, off: number, size: number): VmFile | number {
  const kc = f.private_data as Kcov;
  if (!kc.pfns || off !== 0 || size !== kc.size * KCOV_WORD_SIZE) return -EINVAL;
  return new KcovVm(f, kc);
}

const kcov_fops: FileOperations = {
  open(_inode, f, t) {
    const k = t.kernel;
    f.private_data = new Kcov(k, new Uint32Array(k.phys.mem.buffer));
    return 0;
  },
  release(_inode, f) { kcov_put(f.private_data as Kcov); },
  unlocked_ioctl: kcov_ioctl,
  mmap: kcov_mmap,
  llseek: () => -ESPIPE, // kcov_open's nonseekable_open()
};

/** kcov_task_exit(): a task that dies collecting stops, and drops its reference. */
function kcov_task_exit(t: Task): void {
  if (t.kcov !== null) kcov_disable(t.kcov, t);
}

/**
 * kcov_init(): the debugfs file, on an instrumented kernel only. `current` becomes an accessor:
 * a write (switch_to) points the hook at the new task; a read from another machine's code than
 * the one the hook serves (every syscall entry reads it first) takes the hook over.
 */
export function kcov_init(k: Kernel): void {
  if (!KCOV_INSTRUMENTED) return;
  debugfs_create_file(k, 'kcov', 0o600, kcov_fops);
  kcov_kernels.set(k, { counts: null });
  let current = k.current;
  Object.defineProperty(k, 'current', {
    get: () => { if (owner !== k) kcov_switch(k, current); return current; },
    set: (t: Task | null) => { current = t; kcov_switch(k, t); },
    configurable: true,
  });
  k.exit_hooks.push(kcov_task_exit);
  k.printk(KERN_INFO, `kcov: ${KCOV_NR_BLOCKS} basic blocks instrumented (trace-pc)`);
}

/**
 * Host-side coverage of everything k runs from now on, whatever task is current (`privos
 * cover`: the machine runs one program and its children): hits per block, block i at PC
 * KCOV_TEXT + 4i. Null on a kernel that is not instrumented.
 */
export function kcov_cover_start(k: Kernel): Uint32Array | null {
  const st = kcov_kernels.get(k);
  if (!st) return null;
  st.counts = new Uint32Array(KCOV_NR_BLOCKS);
  kcov_switch(k, k.current);
  k.printk(KERN_INFO, 'kcov: counting every block (cover)');
  return st.counts;
}
