/**
 * Fast user-space mutexes (kernel/futex/{core,syscalls,waitwake,requeue}.c; futex(2)).
 *
 * A waiter is queued on a key naming the 32-bit word it waits on, after checking the word's
 * value: one task runs at a time and nothing between the read and the queueing awaits, so the
 * check and the queueing are atomic with respect to every waker, as the hash-bucket lock makes
 * them in Linux. Keys (get_futex_key):
 *  - FUTEX_PRIVATE_FLAG: (mm, address);
 *  - a shared op on a private mapping: (mm, address) in a separate space, as Linux's
 *    FUT_OFF_MMSHARED bit keeps these from matching private keys;
 *  - a shared op on a MAP_SHARED mapping: the physical address (frame + offset), so processes
 *    mapping the same page meet on the same key wherever they map it (Linux: inode + pgoff).
 * The PI operations, FUTEX_WAKE_OP and the futex2 calls (futex_wait, futex_waitv, …) are ENOSYS.
 */
import { EAGAIN, EFAULT, EINTR, EINVAL, ENOSYS, ERESTARTSYS, ETIMEDOUT } from './include/uapi/errno.ts';
import {
  FUTEX_BITSET_MATCH_ANY, FUTEX_CLOCK_REALTIME, FUTEX_CMD_MASK, FUTEX_CMP_REQUEUE, FUTEX_LOCK_PI,
  FUTEX_LOCK_PI2, FUTEX_PRIVATE_FLAG, FUTEX_REQUEUE, FUTEX_WAIT, FUTEX_WAIT_BITSET,
  FUTEX_WAIT_REQUEUE_PI, FUTEX_WAKE, FUTEX_WAKE_BITSET,
} from './include/uapi/futex.ts';
import { MAP_SHARED } from './include/uapi/mman.ts';
import type { Kernel } from './kernel.ts';
import type { MmStruct } from './mm/mm_types.ts';
import { PAGE_SIZE } from './mm/page_alloc.ts';
import { access_ok, get_user_u32 } from './mm/uaccess.ts';
import { signal_pending } from './include/linux/sched/signal.ts';
import type { Task } from './sched/task.ts';
import { WaitQueueHead, sleep_on } from './sched/wait.ts';
import type { SysRet } from './fs/fs_types.ts';
import type { SyscallDef } from './syscalls/syscall_def.ts';
import { C } from './time/cost.ts';
import { CLOCK_MONOTONIC, CLOCK_REALTIME, clock_ns, get_timespec } from './time/posix-timers.ts';
import type { UserPtr } from './include/linux/compiler_types.ts';

/** struct futex_q: one waiting task, queued on its key until a wake or requeue. */
class FutexQ {
  readonly wq = new WaitQueueHead();
  queued = true;
  constructor(readonly task: Task, public key_obj: object, public key_off: number, readonly bitset: number) {}
}

type Chain = Set<FutexQ>;

/** futex_queues: key object → offset → waiters in arrival order (one table per kernel). */
const queues = new WeakMap<Kernel, Map<object, Map<number, Chain>>>();
/** Key space of shared ops on private mappings, one per mm (FUT_OFF_MMSHARED). */
const mmshared = new WeakMap<MmStruct, object>();
/** Key space of MAP_SHARED pages: physical addresses (FUT_OFF_INODE). */
const SHARED_PAGES = Object.freeze({ name: 'futex shared pages' });
/** The futex_q a task sleeps on, so exit can take it off its chain. */
const waiting = new WeakMap<Task, FutexQ>();

function table(k: Kernel): Map<object, Map<number, Chain>> {
  let m = queues.get(k);
  if (!m) { m = new Map(); queues.set(k, m); }
  return m;
}

function chain_of(k: Kernel, obj: object, off: number, create: boolean): Chain | undefined {
  k.cpu.charge(C.kernel_op); // futex_hash + the bucket walk
  const m = table(k);
  let byoff = m.get(obj);
  if (!byoff) { if (!create) return undefined; byoff = new Map(); m.set(obj, byoff); }
  let c = byoff.get(off);
  if (!c && create) { c = new Set(); byoff.set(off, c); }
  return c;
}

// get_futex_key's result, kept in module state so the common path allocates nothing.
let key_obj: object = SHARED_PAGES;
let key_off = 0;

/** get_futex_key(): fills key_obj/key_off; 0, -EINVAL (misaligned) or -EFAULT. */
function get_futex_key(t: Task, uaddr: UserPtr, fshared: boolean): number {
  if (uaddr % 4 !== 0) return -EINVAL;
  if (!access_ok(uaddr, 4) || !t.mm) return -EFAULT;
  const mm = t.mm;
  if (!fshared) { key_obj = mm; key_off = uaddr; return 0; }
  // get_user_pages_fast(): the page must be there (faulted in) for a shared key.
  if (get_user_u32(t, uaddr)) return -EFAULT;
  const vma = mm.vma_at(uaddr);
  if (vma && vma.flags & MAP_SHARED) {
    const page = uaddr - (uaddr % PAGE_SIZE);
    const pfn = mm.pt.pfn_of(page); // follow_page: the frame the fault above mapped
    if (pfn < 0) return -EFAULT;
    key_obj = SHARED_PAGES; key_off = pfn * PAGE_SIZE + (uaddr - page);
    return 0;
  }
  let o = mmshared.get(mm);
  if (!o) { o = {}; mmshared.set(mm, o); }
  key_obj = o; key_off = uaddr;
  return 0;
}

/** Takes q off its chain (__futex_unqueue). */
function futex_unqueue(k: Kernel, q: FutexQ): void {
  if (!q.queued) return;
  q.queued = false;
  waiting.delete(q.task);
  const byoff = table(k).get(q.key_obj);
  const c = byoff?.get(q.key_off);
  if (!c) return;
  c.delete(q);
  if (c.size === 0) { byoff!.delete(q.key_off); if (byoff!.size === 0) table(k).delete(q.key_obj); }
}

/** futex_wake_mark + wake_up_q: unqueues q, then wakes its task. */
function wake_futex(k: Kernel, q: FutexQ): void {
  futex_unqueue(k, q);
  q.wq.wake_up();
}

/** Where a waiter stands after a (possible) wake-up; KEEP_SLEEPING when nothing happened. */
const KEEP_SLEEPING = 1;
function wait_status(t: Task, q: FutexQ, clk: number, deadline: number): number {
  if (!q.queued) return 0; // a waker took us off the chain
  if (deadline >= 0 && clock_ns(t, clk) >= deadline) { futex_unqueue(t.kernel, q); return -ETIMEDOUT; }
  if (!t.alive) { futex_unqueue(t.kernel, q); return -EINTR; }
  if (signal_pending(t)) {
    futex_unqueue(t.kernel, q);
    // Untimed waits restart (SA_RESTART); timed ones return EINTR after a handler, as
    // Linux's -ERESTART_RESTARTBLOCK does.
    return deadline >= 0 ? -EINTR : -ERESTARTSYS;
  }
  return KEEP_SLEEPING;
}

async function futex_sleep(t: Task, q: FutexQ, clk: number, deadline: number): Promise<number> {
  for (;;) {
    const ms = deadline >= 0 ? Math.max(0, Math.ceil((deadline - clock_ns(t, clk)) / 1e6)) : -1;
    await sleep_on(t, [q.wq], ms);
    const r = wait_status(t, q, clk, deadline);
    if (r !== KEEP_SLEEPING) return r;
  }
}

/**
 * futex_wait(): if *uaddr still holds val, sleeps until woken (0), the deadline on clk passes
 * (-ETIMEDOUT; deadline < 0: none) or a signal arrives; -EAGAIN if the value differs.
 */
export function futex_wait(t: Task, uaddr: UserPtr, fshared: boolean, val: number, bitset: number,
                           clk: number, deadline: number): SysRet {
  if (!bitset) return -EINVAL;
  const e = get_futex_key(t, uaddr, fshared);
  if (e) return e;
  if (get_user_u32(t, uaddr)) return -EFAULT;
  if (t.cpu.uval !== val) return -EAGAIN;
  // From here to the sleep nothing awaits: no waker can run between the check and the queueing.
  const q = new FutexQ(t, key_obj, key_off, bitset);
  chain_of(t.kernel, key_obj, key_off, true)!.add(q);
  waiting.set(t, q);
  const r = wait_status(t, q, clk, deadline);
  return r !== KEEP_SLEEPING ? r : futex_sleep(t, q, clk, deadline);
}

/** futex_wake(): wakes up to nr_wake waiters whose bitset meets `bitset` (at least one). */
export function futex_wake(t: Task, uaddr: UserPtr, fshared: boolean, nr_wake: number, bitset: number): number {
  if (!bitset) return -EINVAL;
  const e = get_futex_key(t, uaddr, fshared);
  if (e) return e;
  const c = chain_of(t.kernel, key_obj, key_off, false);
  if (!c) return 0;
  let ret = 0;
  for (const q of c) {
    if (!(q.bitset & bitset)) continue;
    wake_futex(t.kernel, q);
    if (++ret >= nr_wake) break;
  }
  return ret;
}

/**
 * futex_requeue(): wakes nr_wake waiters of uaddr1 and moves up to nr_requeue more to uaddr2;
 * with cmp (FUTEX_CMP_REQUEUE) only if *uaddr1 == cmpval. Returns woken + requeued.
 */
export function futex_requeue(t: Task, uaddr1: UserPtr, fshared: boolean, uaddr2: UserPtr, nr_wake: number,
                              nr_requeue: number, cmp: boolean, cmpval: number): number {
  if (nr_wake < 0 || nr_requeue < 0) return -EINVAL;
  let e = get_futex_key(t, uaddr1, fshared);
  if (e) return e;
  const obj1 = key_obj, off1 = key_off;
  e = get_futex_key(t, uaddr2, fshared);
  if (e) return e;
  const obj2 = key_obj, off2 = key_off;
  if (cmp) {
    if (get_user_u32(t, uaddr1)) return -EFAULT;
    if (t.cpu.uval !== cmpval) return -EAGAIN;
  }
  const k = t.kernel;
  const c1 = chain_of(k, obj1, off1, false);
  if (!c1) return 0;
  const same = obj1 === obj2 && off1 === off2;
  let count = 0;
  for (const q of [...c1]) {
    if (count - nr_wake >= nr_requeue) break;
    if (++count <= nr_wake) { wake_futex(k, q); continue; }
    if (same) continue;
    futex_unqueue(k, q); // requeue_futex: same waiter, new key
    q.key_obj = obj2; q.key_off = off2; q.queued = true;
    chain_of(k, obj2, off2, true)!.add(q);
    waiting.set(q.task, q);
  }
  return count;
}

/** Ops that take a timeout in the fourth argument (futex_cmd_has_timeout). */
function has_timeout(cmd: number): boolean {
  return cmd === FUTEX_WAIT || cmd === FUTEX_WAIT_BITSET || cmd === FUTEX_LOCK_PI ||
    cmd === FUTEX_LOCK_PI2 || cmd === FUTEX_WAIT_REQUEUE_PI;
}

/** futex(2): uaddr, op, val, timeout (or val2 for requeues), uaddr2, val3. */
export function sys_futex(t: Task, uaddr: UserPtr, op: number, val: number, utime: UserPtr, uaddr2: UserPtr, val3: number): SysRet {
  const cmd = op & FUTEX_CMD_MASK;
  let clk = op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, deadline = -1;
  if (utime && has_timeout(cmd)) {
    const ns = get_timespec(t, utime);
    if (ns < 0) return ns;
    // FUTEX_WAIT's timeout is relative (on CLOCK_MONOTONIC), the others' absolute.
    if (cmd === FUTEX_WAIT) { clk = CLOCK_MONOTONIC; deadline = clock_ns(t, clk) + ns; } else deadline = ns;
  }
  if (op & FUTEX_CLOCK_REALTIME && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT_REQUEUE_PI && cmd !== FUTEX_LOCK_PI2) return -ENOSYS;
  const fshared = (op & FUTEX_PRIVATE_FLAG) === 0;
  switch (cmd) {
    case FUTEX_WAIT: return futex_wait(t, uaddr, fshared, val, FUTEX_BITSET_MATCH_ANY, clk, deadline);
    case FUTEX_WAIT_BITSET: return futex_wait(t, uaddr, fshared, val, val3, clk, deadline);
    case FUTEX_WAKE: return futex_wake(t, uaddr, fshared, val | 0, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET: return futex_wake(t, uaddr, fshared, val | 0, val3);
    // val2 (the number to requeue) travels in the timeout argument, as a u32 read as an int.
    case FUTEX_REQUEUE: return futex_requeue(t, uaddr, fshared, uaddr2, val | 0, utime | 0, false, 0);
    case FUTEX_CMP_REQUEUE: return futex_requeue(t, uaddr, fshared, uaddr2, val | 0, utime | 0, true, val3);
    default: return -ENOSYS;
  }
}

/** Takes an exiting task off any futex chain (it never returns to its wait). */
export function futex_exit_release(t: Task): void {
  const q = waiting.get(t);
  if (q) futex_unqueue(t.kernel, q);
}

export const futex_syscalls: readonly SyscallDef[] = [
  { name: 'futex', fn: sys_futex, args: ['ptr', 'int hex', 'uint', 'ptr', 'ptr', 'unsigned int hex'], support: 'partial',
    note: 'WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE (private and shared keys, CLOCK_REALTIME); the PI ops and WAKE_OP are ENOSYS; timed waits return EINTR on a signal (no restart block)' },
];
