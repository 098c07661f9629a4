/**
 * Queued signal information (kernel/signal.c's sigqueue, include/uapi/asm-generic/siginfo.h):
 * every pending signal carries a siginfo — who sent it and why. A standard signal is queued
 * once (a second one while pending merges); real-time signals (>= SIGRTMIN) queue each
 * instance. The kernel siginfo is written to user memory in the 128-byte siginfo_t layout
 * (the same on x86_64 and arm64).
 */
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import type { Task } from './task.ts';
import { SIGCHLD } from '../include/uapi/signal.ts';

export const SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3, SI_ASYNCIO = -4;
export const SI_SIGIO = -5, SI_TKILL = -6;
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
export const SIGINFO_SIZE = 128;

/** struct kernel_siginfo: the fields privos's senders fill. */
export class SigInfo {
  errno = 0;
  pid = 0;
  uid = 0;
  /** sigval (SI_QUEUE, SI_TIMER) as two 32-bit halves. */
  val_lo = 0; val_hi = 0;
  /** SIGCHLD: the child's status and CPU times (clock ticks). */
  status = 0; utime = 0; stime = 0;
  /** SI_TIMER: the timer id and overrun count. */
  tid = 0; overrun = 0;
  /** The raw 128 bytes of a siginfo queued from user space (rt_sigqueueinfo), copied back as is. */
  raw: Uint8Array | null = null;
  constructor(public signo: number, public code: number) {}

  /** The siginfo of kill(2) (SI_USER) or tgkill(2) (SI_TKILL) from `from`. */
  static from_task(sig: number, code: number, from: Task | null): SigInfo {
    const i = new SigInfo(sig, from ? code : SI_KERNEL);
    if (from) { i.pid = from.tgid; i.uid = from.cred.uid; }
    return i;
  }
}

/** SIL_CHLD: SIGCHLD with a CLD_* code carries status and times. */
export const is_chld = (info: SigInfo): boolean => info.signo === SIGCHLD && info.code > 0 && info.code < SI_KERNEL;

const buf = new Uint8Array(SIGINFO_SIZE);
const dv = new DataView(buf.buffer);

/** Fills buf with the user layout of info (copy_siginfo_to_user's struct siginfo). */
function siginfo_layout(info: SigInfo): Uint8Array {
  if (info.raw) { buf.set(info.raw); dv.setInt32(0, info.signo, true); return buf; }
  buf.fill(0);
  dv.setInt32(0, info.signo, true); dv.setInt32(4, info.errno, true); dv.setInt32(8, info.code, true);
  if (info.code === SI_TIMER) {
    dv.setInt32(16, info.tid, true); dv.setInt32(20, info.overrun, true);
  } else {
    dv.setInt32(16, info.pid, true); dv.setUint32(20, info.uid, true);
  }
  if (info.code === SI_QUEUE || info.code === SI_TIMER) { dv.setUint32(24, info.val_lo, true); dv.setUint32(28, info.val_hi, true); }
  if (is_chld(info)) {
    dv.setInt32(24, info.status, true);
    dv.setUint32(32, info.utime, true); dv.setUint32(40, info.stime, true);
  }
  return buf;
}

/** copy_siginfo_to_user(): false on a fault. */
export function copy_siginfo_to_user(t: Task, uaddr: number, info: SigInfo): boolean {
  return copy_to_user(t, uaddr, siginfo_layout(info), 0, SIGINFO_SIZE) === 0;
}

/** __copy_siginfo_from_user(): the sender's siginfo with si_signo forced to sig, or null on a fault. */
export function copy_siginfo_from_user(t: Task, sig: number, uaddr: number): SigInfo | null {
  const raw = new Uint8Array(SIGINFO_SIZE);
  if (copy_from_user(t, raw, 0, uaddr, SIGINFO_SIZE)) return null;
  const v = new DataView(raw.buffer);
  const info = new SigInfo(sig, v.getInt32(8, true));
  info.errno = v.getInt32(4, true);
  info.pid = v.getInt32(16, true); info.uid = v.getUint32(20, true);
  info.val_lo = v.getUint32(24, true); info.val_hi = v.getUint32(28, true);
  info.raw = raw;
  return info;
}

/** Removes and returns the first queued siginfo of sig (collect_signal); another one may remain. */
export function collect_signal(t: Task, sig: number): SigInfo {
  const q = t.sigqueue;
  const i = q.findIndex((x) => x.signo === sig);
  if (i < 0) return new SigInfo(sig, SI_KERNEL);
  return q.splice(i, 1)[0];
}

/** Is another instance of sig still queued? */
export function sig_still_queued(t: Task, sig: number): boolean {
  return t.sigqueue.some((x) => x.signo === sig);
}

/** Drops every queued siginfo of sig (the signal became ignored, or was flushed). */
export function flush_sigqueue_sig(t: Task, sig: number): void {
  if (t.sigqueue.length) t.sigqueue = t.sigqueue.filter((x) => x.signo !== sig);
}
