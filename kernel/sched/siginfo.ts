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
import type { UserPtr } from '../include/linux/compiler_types.ts';

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
  /** SIL_FAULT: the faulting address; SIL_POLL: the band and fd. */
  addr = 0; band = 0; fd = 0;
  /** The raw 128 bytes of a siginfo queued from user space (rt_sigqueueinfo), copied back as is. */
  raw: Uint8Array | null = null;
  constructor(public signo: number, public code: number) {}

  /** The siginfo of kill(2) (SI_USER) or tgkill(2) (SI_TKILL) from `from`. */
  static from_task(sig: number, code: number, from: Task | null): SigInfo {
    const i = new SigInfo(sig, from ? code : SI_KERNEL);
    if (from) { i.pid = from.tgid; i.uid = from.cred.uid; }
    return i;
  }

  /** A SIGCHLD-layout siginfo (CLD_*) about child `from` with its status (exit code or signal). */
  static chld(sig: number, code: number, from: Task, status: number): SigInfo {
    const i = new SigInfo(sig, code);
    i.pid = from.tgid; i.uid = from.cred.uid; i.status = status;
    return i;
  }

  /** force_sig_fault()'s siginfo: a fault signal with its code and address. */
  static fault(sig: number, code: number, addr: number): SigInfo {
    const i = new SigInfo(sig, code);
    i.addr = addr;
    return i;
  }
}

/** SIL_CHLD: SIGCHLD with a CLD_* code carries status and times. */
export const is_chld = (info: SigInfo): boolean => info.signo === SIGCHLD && info.code > 0 && info.code < SI_KERNEL;

/** enum siginfo_layout (kernel/signal.c): which union member a (signo, code) pair fills. */
export const SIL_KILL = 0, SIL_TIMER = 1, SIL_POLL = 2, SIL_FAULT = 3, SIL_CHLD = 4, SIL_RT = 5, SIL_SYS = 6;
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRERR = 2;

/** sig_specific_sicodes: the highest signal-specific code of SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV, SIGCHLD, SIGSYS. */
const SPECIFIC_LIMIT: Readonly<Record<number, number>> = { 4: 11, 5: 6, 7: 5, 8: 15, 11: 10, 17: 6, 31: 2 };
const NSIGPOLL = 6;

/** siginfo_layout(): the union member of info's signal and code. */
export function siginfo_layout(sig: number, code: number): number {
  if (code > SI_USER && code < SI_KERNEL) {
    const limit = SPECIFIC_LIMIT[sig];
    if (limit !== undefined && code <= limit) return sig === SIGCHLD ? SIL_CHLD : sig === 31 ? SIL_SYS : SIL_FAULT;
    return code <= NSIGPOLL ? SIL_POLL : SIL_KILL;
  }
  if (code === SI_TIMER) return SIL_TIMER;
  if (code === SI_SIGIO) return SIL_POLL;
  return code < 0 ? SIL_RT : SIL_KILL;
}

/**
 * Where each siginfo field lives in a user structure: struct siginfo (siginfo_t) and struct
 * signalfd_siginfo hold the same fields at different offsets (fs/signalfd.c signalfd_copyinfo
 * fills the second from the same kernel_siginfo, by the same layout). int_off and ptr_off
 * coincide in siginfo_t (sigval is a union); signalfd has ssi_int and ssi_ptr apart.
 */
export interface SiginfoFields {
  readonly pid: number; readonly uid: number; readonly tid: number; readonly overrun: number;
  readonly int: number; readonly ptr: number; readonly status: number; readonly utime: number;
  readonly stime: number; readonly addr: number; readonly band: number; readonly fd: number;
}
/** siginfo_t (include/uapi/asm-generic/siginfo.h; x86_64 and arm64 agree). */
export const SIGINFO_FIELDS: SiginfoFields = {
  pid: 16, uid: 20, tid: 16, overrun: 20, int: 24, ptr: 24, status: 24, utime: 32, stime: 40, addr: 16, band: 16, fd: 24,
};
/** struct signalfd_siginfo (include/uapi/linux/signalfd.h). */
export const SIGNALFD_FIELDS: SiginfoFields = {
  pid: 12, uid: 16, tid: 24, overrun: 32, int: 44, ptr: 48, status: 40, utime: 56, stime: 64, addr: 72, band: 28, fd: 20,
};

const buf = new Uint8Array(SIGINFO_SIZE);
const dv = new DataView(buf.buffer);

function put_u64(v: DataView, off: number, lo: number, hi: number): void {
  v.setUint32(off, lo >>> 0, true); v.setUint32(off + 4, hi >>> 0, true);
}

/**
 * Writes info at v[b..] in the structure f describes (its bytes zeroed by the caller): signo,
 * errno, code, then the union member of its layout.
 */
export function fill_siginfo(v: DataView, b: number, info: SigInfo, f: SiginfoFields): void {
  v.setInt32(b, info.signo, true); v.setInt32(b + 4, info.errno, true); v.setInt32(b + 8, info.code, true);
  switch (siginfo_layout(info.signo, info.code)) {
    case SIL_KILL: v.setInt32(b + f.pid, info.pid, true); v.setUint32(b + f.uid, info.uid, true); break;
    case SIL_TIMER:
      v.setInt32(b + f.tid, info.tid, true); v.setInt32(b + f.overrun, info.overrun, true);
      put_u64(v, b + f.ptr, info.val_lo, info.val_hi); v.setInt32(b + f.int, info.val_lo, true); break;
    case SIL_POLL: put_u64(v, b + f.band, info.band, 0); v.setInt32(b + f.fd, info.fd, true); break;
    case SIL_FAULT: case SIL_SYS: put_u64(v, b + f.addr, info.addr % 2 ** 32, Math.floor(info.addr / 2 ** 32)); break;
    case SIL_CHLD:
      v.setInt32(b + f.pid, info.pid, true); v.setUint32(b + f.uid, info.uid, true); v.setInt32(b + f.status, info.status, true);
      put_u64(v, b + f.utime, info.utime, 0); put_u64(v, b + f.stime, info.stime, 0); break;
    case SIL_RT:
      v.setInt32(b + f.pid, info.pid, true); v.setUint32(b + f.uid, info.uid, true);
      put_u64(v, b + f.ptr, info.val_lo, info.val_hi); v.setInt32(b + f.int, info.val_lo, true); break;
  }
}

/** Writes info as a siginfo_t at u8[b..] (zeroed by the caller): a siginfo queued from user space as it came. */
export function put_siginfo(u8: Uint8Array, v: DataView, b: number, info: SigInfo): void {
  if (info.raw) { u8.set(info.raw, b); v.setInt32(b, info.signo, true); return; }
  fill_siginfo(v, b, info, SIGINFO_FIELDS);
}

/** Fills buf with the user layout of info (copy_siginfo_to_user's struct siginfo). */
function siginfo_layout_bytes(info: SigInfo): Uint8Array {
  buf.fill(0);
  put_siginfo(buf, dv, 0, info);
  return buf;
}

/** copy_siginfo_to_user(): false on a fault. */
export function copy_siginfo_to_user(t: Task, uaddr: UserPtr, info: SigInfo): boolean {
  return copy_to_user(t, uaddr, siginfo_layout_bytes(info), 0, SIGINFO_SIZE) === 0;
}

/** __copy_siginfo_from_user(): the sender's siginfo with si_signo forced to sig, or null on a fault. */
export function copy_siginfo_from_user(t: Task, sig: number, uaddr: UserPtr): SigInfo | null {
  const raw = new Uint8Array(SIGINFO_SIZE);
  if (copy_from_user(t, raw, 0, uaddr, SIGINFO_SIZE)) return null;
  const v = new DataView(raw.buffer);
  const info = new SigInfo(sig, v.getInt32(8, true));
  info.errno = v.getInt32(4, true);
  info.pid = v.getInt32(16, true); info.uid = v.getUint32(20, true);
  info.val_lo = v.getUint32(24, true); info.val_hi = v.getUint32(28, true);
  // The other union members over the same bytes, for readers that go by layout (signalfd).
  info.tid = info.pid; info.overrun = info.uid; info.status = v.getInt32(24, true); info.fd = info.status;
  info.addr = info.band = v.getUint32(16, true) + v.getUint32(20, true) * 2 ** 32;
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
