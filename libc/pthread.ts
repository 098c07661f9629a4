/**
 * Threads (a minimal NPTL: glibc nptl/pthread_create.c, pthread_join_common.c) and the raw
 * futex(2) call. As in glibc, a thread's stack comes from mmap with a guard page at its low end,
 * its descriptor (struct pthread) sits at the top of that stack, and its tid word there is set
 * by the kernel at clone (CLONE_PARENT_SETTID) and cleared with a futex wake at the thread's
 * exit (CLONE_CHILD_CLEARTID), which is what pthread_join waits for.
 * A thread's C library shares the process's heap and stdio; errno and the scratch area are its own.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import * as futex_uapi from '../kernel/include/uapi/futex.ts';
import {
  CLONE_CHILD_CLEARTID, CLONE_FILES, CLONE_FS, CLONE_PARENT_SETTID, CLONE_SIGHAND, CLONE_SYSVSEM,
  CLONE_THREAD, CLONE_VM,
} from '../kernel/include/uapi/sched.ts';
import { Libc, SCRATCH_SIZE } from './libc.ts';

type FutexConstants = { readonly [K in keyof typeof futex_uapi]: number };

declare module './libc.ts' {
  interface Libc extends FutexConstants {
    /**
     * futex(2): futex(uaddr, op, val, timeout, uaddr2, val3). For the waiting ops `timeout` is
     * in nanoseconds (relative for FUTEX_WAIT, absolute for FUTEX_WAIT_BITSET; omitted: none);
     * for the requeues it is val2, the number of waiters to requeue.
     */
    futex(uaddr: number, op: number, val: number, timeout?: number | null, uaddr2?: number, val3?: number): SysRet;
    /** pthread_create(3) without attributes: the new pthread_t, or a negative error number. */
    pthread_create(fn: ThreadFn, arg?: number): number;
    /** pthread_join(3): 0 or an error number; the thread's return value goes to *retval. */
    pthread_join(th: number, retval?: number): Promise<number>;
  }
}

/** A thread's start routine: runs with the thread's C library. */
export type ThreadFn = (libc: Libc, arg: number) => Promise<number> | number;

Object.assign(Libc.prototype, futex_uapi);

const L = Libc.prototype;

/** Ops whose fourth argument is a struct timespec pointer (futex_cmd_has_timeout). */
function takes_timeout(cmd: number): boolean {
  return cmd === futex_uapi.FUTEX_WAIT || cmd === futex_uapi.FUTEX_WAIT_BITSET || cmd === futex_uapi.FUTEX_LOCK_PI ||
    cmd === futex_uapi.FUTEX_LOCK_PI2 || cmd === futex_uapi.FUTEX_WAIT_REQUEUE_PI;
}

L.futex = function (uaddr, op, val, timeout = null, uaddr2 = 0, val3 = 0) {
  if (timeout === null || !takes_timeout(op & futex_uapi.FUTEX_CMD_MASK)) {
    return this.ret(this.raw(this.SYS.futex, uaddr, op, val, timeout ?? 0, uaddr2, val3));
  }
  const ns = timeout;
  return this.with_scratch(() => {
    const ts = this.scratch_push(16);
    const sec = Math.floor(ns / 1e9);
    this.poke_u64(ts, sec); this.poke_u64(ts + 8, ns - sec * 1e9);
    return this.ret(this.raw(this.SYS.futex, uaddr, op, val, ts, uaddr2, val3));
  });
};

// struct pthread, at the top of the thread's stack.
const PD_TID = 0, PD_START = 8, PD_ARG = 16, PD_RESULT = 24, PD_MAP = 32, PD_MAPLEN = 40, PD_LIBC = 48, PD_SIZE = 64;
/** The default stack (glibc: RLIMIT_STACK, 8 MiB), with one guard page. */
const STACK_SIZE = 8 << 20, GUARD_SIZE = 4096;
const THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
  CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;

/**
 * The C library state (heap, stdio) a process's threads share: the creating libc, by a handle
 * pthread_create stores in the thread's descriptor.
 */
const process_libc: Libc[] = [];
const libc_handle = new WeakMap<Libc, number>();
function handle_of(lc: Libc): number {
  let h = libc_handle.get(lc);
  if (h === undefined) { h = process_libc.push(lc) - 1; libc_handle.set(lc, h); }
  return h;
}

/** start_thread(): adopts the process's libc state, runs the routine, stores its result, exits. */
async function start_thread(lc: Libc, pd: number): Promise<number> {
  const proc = process_libc[lc.peek_u64(pd + PD_LIBC)];
  if (proc) { lc.heap = proc.heap; lc.stdin = proc.stdin; lc.stdout = proc.stdout; lc.stderr = proc.stderr; }
  const result = (await lc.call(lc.peek_u64(pd + PD_START), lc, lc.peek_u64(pd + PD_ARG))) as number;
  lc.poke_u64(pd + PD_RESULT, result);
  lc.munmap(lc.scratch_base, SCRATCH_SIZE);
  return lc.raw(lc.SYS.exit, 0) as number; // __exit_thread: this thread only
}

L.pthread_create = function (fn, arg = 0) {
  const map = this.mmap(0, STACK_SIZE, this.PROT_READ | this.PROT_WRITE,
    this.MAP_PRIVATE | this.MAP_ANONYMOUS | this.MAP_STACK, -1, 0) as number;
  if (map < 0) return -this.EAGAIN;
  this.mprotect(map, GUARD_SIZE, this.PROT_NONE);
  const pd = map + STACK_SIZE - PD_SIZE;
  this.poke_u32(pd + PD_TID, 0);
  this.poke_u64(pd + PD_START, this.fnaddr(fn as never));
  this.poke_u64(pd + PD_ARG, arg);
  this.poke_u64(pd + PD_MAP, map);
  this.poke_u64(pd + PD_MAPLEN, STACK_SIZE);
  this.poke_u64(pd + PD_LIBC, handle_of(this));
  // The kernel writes the tid to pd->tid before clone returns and clears it at the thread's exit.
  const r = this.clone(start_thread, pd, THREAD_FLAGS, pd, pd + PD_TID, 0, pd + PD_TID) as number;
  if (r < 0) { const e = this.errno; this.munmap(map, STACK_SIZE); return -e; }
  return pd;
};

L.pthread_join = async function (th, retval = 0) {
  const self = this.gettid() as number;
  for (;;) {
    const tid = this.peek_u32(th + PD_TID);
    if (tid === 0) break;
    if (tid === self) return this.EDEADLK;
    // lll_wait_tid: a shared futex, because the kernel's wake at thread exit is a shared one.
    await this.futex(th + PD_TID, futex_uapi.FUTEX_WAIT, tid);
  }
  if (retval) this.poke_u64(retval, this.peek_u64(th + PD_RESULT));
  this.munmap(this.peek_u64(th + PD_MAP), this.peek_u64(th + PD_MAPLEN));
  return 0;
};
