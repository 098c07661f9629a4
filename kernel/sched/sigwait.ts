/**
 * Waiting for and queueing signals with their siginfo (kernel/signal.c): rt_sigtimedwait(2),
 * rt_sigqueueinfo(2), rt_tgsigqueueinfo(2), rt_sigsuspend(2).
 */
import { EAGAIN, EFAULT, EINTR, EINVAL, EPERM, ERESTARTNOHAND, ESRCH } from '../include/uapi/errno.ts';
import { SIGKILL, SIGSTOP, _NSIG } from '../include/uapi/signal.ts';
import { copy_from_user } from '../mm/uaccess.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { SysRet } from '../fs/fs_types.ts';
import { clock_ns, CLOCK_MONOTONIC, get_timespec } from '../time/posix-timers.ts';
import { dequeue_signal_from, send_signal, check_kill_permission } from './signal.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import { SI_TKILL, copy_siginfo_from_user, copy_siginfo_to_user, type SigInfo } from './siginfo.ts';
import type { Task } from './task.ts';
import { sleep_on } from './wait.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

const set_buf = new Uint8Array(8);
const set_dv = new DataView(set_buf.buffer);
const KILL_STOP = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

/** A user sigset_t as [lo, hi], or null on a fault. */
export function get_sigset(t: Task, uaddr: UserPtr): [number, number] | null {
  if (copy_from_user(t, set_buf, 0, uaddr, 8)) return null;
  return [set_dv.getUint32(0, true), set_dv.getUint32(4, true)];
}

/**
 * do_sigtimedwait(): a pending signal of the set at once, or sleep with the set unblocked
 * until one arrives (its number), another signal interrupts (-EINTR) or the timeout passes
 * (-EAGAIN). deadline is a CLOCK_MONOTONIC time in ns, or -1 for none.
 */
async function do_sigtimedwait(t: Task, lo: number, hi: number, deadline: number, uinfo: UserPtr): Promise<number> {
  const real_lo = t.blocked_lo, real_hi = t.blocked_hi;
  t.real_blocked_lo = real_lo; t.real_blocked_hi = real_hi;
  t.blocked_lo &= ~lo; t.blocked_hi &= ~hi;
  let info: SigInfo | null = null, timed_out = false;
  try {
    while (!(info = dequeue_signal_from(t, lo, hi))) {
      if (signal_pending(t)) break;
      const left = deadline < 0 ? -1 : deadline - clock_ns(t, CLOCK_MONOTONIC);
      if (deadline >= 0 && left <= 0) { timed_out = true; break; }
      await sleep_on(t, [], left < 0 ? -1 : Math.ceil(left / 1e6));
    }
  } finally {
    t.blocked_lo = real_lo; t.blocked_hi = real_hi;
    t.real_blocked_lo = t.real_blocked_hi = 0;
  }
  if (!info) return timed_out ? -EAGAIN : -EINTR;
  if (uinfo && !copy_siginfo_to_user(t, uinfo, info)) return -EFAULT;
  return info.signo;
}

export function sys_rt_sigtimedwait(t: Task, uthese: UserPtr, uinfo: UserPtr, uts: UserPtr, sigsetsize: number): SysRet {
  if (sigsetsize !== 8) return -EINVAL;
  const set = get_sigset(t, uthese);
  if (!set) return -EFAULT;
  let deadline = -1;
  if (uts) {
    const ns = get_timespec(t, uts);
    if (ns < 0) return ns;
    deadline = clock_ns(t, CLOCK_MONOTONIC) + ns;
  }
  const lo = set[0] & ~KILL_STOP, hi = set[1];
  const now = dequeue_signal_from(t, lo, hi);
  if (now) return uinfo && !copy_siginfo_to_user(t, uinfo, now) ? -EFAULT : now.signo;
  if (deadline >= 0 && deadline <= clock_ns(t, CLOCK_MONOTONIC)) return -EAGAIN;
  return do_sigtimedwait(t, lo, hi, deadline, uinfo);
}

/** The EPERM rule of rt_(tg)sigqueueinfo: only a task signalling itself may claim kill()/tgkill() or kernel codes. */
function forged_code(t: Task, info: SigInfo, pid: number): boolean {
  return (info.code >= 0 || info.code === SI_TKILL) && t.pid !== pid;
}

/** Sends sig with info to target after check_kill_permission (signal 0 only checks). */
function send_checked(t: Task, target: Task, sig: number, info: SigInfo): number {
  if (sig < 0 || sig > _NSIG) return -EINVAL;
  if (!check_kill_permission(t, target)) return -EPERM;
  if (sig) send_signal(target, sig, info);
  return 0;
}

export function sys_rt_sigqueueinfo(t: Task, pid: number, sig: number, uinfo: UserPtr): number {
  const info = copy_siginfo_from_user(t, sig, uinfo);
  if (!info) return -EFAULT;
  if (forged_code(t, info, pid)) return -EPERM;
  const target = pid > 0 ? t.kernel.tasks.get(pid) : undefined;
  if (!target || target.tgid !== target.pid || !target.alive) return pid > 0 ? -ESRCH : -EINVAL;
  return send_checked(t, target, sig, info);
}

export function sys_rt_tgsigqueueinfo(t: Task, tgid: number, pid: number, sig: number, uinfo: UserPtr): number {
  const info = copy_siginfo_from_user(t, sig, uinfo);
  if (!info) return -EFAULT;
  if (pid <= 0 || tgid <= 0) return -EINVAL;
  if (forged_code(t, info, pid)) return -EPERM;
  const target = t.kernel.tasks.get(pid);
  if (!target || target.tgid !== tgid || !target.alive) return -ESRCH;
  return send_checked(t, target, sig, info);
}

/**
 * rt_sigsuspend(2): waits with the given mask until a signal is pending; always -EINTR. The
 * signal is delivered under that mask and the old one comes back after it (set_restore_sigmask,
 * done by syscall_exit_work).
 */
export function sys_rt_sigsuspend(t: Task, unewset: UserPtr, sigsetsize: number): SysRet {
  if (sigsetsize !== 8) return -EINVAL;
  const set = get_sigset(t, unewset);
  if (!set) return -EFAULT;
  const old_lo = t.blocked_lo, old_hi = t.blocked_hi;
  t.blocked_lo = set[0] & ~KILL_STOP; t.blocked_hi = set[1];
  const wait = async (): Promise<number> => {
    while (!signal_pending(t)) await sleep_on(t, []);
    t.saved_sigmask = [old_lo, old_hi];
    return -EINTR;
  };
  return wait();
}

/** pause(2) (x86_64 only; arm64 has none): sleeps until a signal is delivered; -EINTR after a handler ran. */
export function sys_pause(t: Task): SysRet {
  const wait = async (): Promise<number> => {
    while (!signal_pending(t)) await sleep_on(t, []);
    return -ERESTARTNOHAND;
  };
  return signal_pending(t) ? -ERESTARTNOHAND : wait();
}

export const sigwait_syscalls: readonly SyscallDef[] = [
  { name: 'pause', fn: sys_pause, args: [] },
  { name: 'rt_sigtimedwait', fn: sys_rt_sigtimedwait, args: ['ptr', 'ptr', 'ptr', 'size_t'] },
  { name: 'rt_sigqueueinfo', fn: sys_rt_sigqueueinfo, args: ['int', 'signal', 'ptr'] },
  { name: 'rt_tgsigqueueinfo', fn: sys_rt_tgsigqueueinfo, args: ['int', 'int', 'signal', 'ptr'] },
  { name: 'rt_sigsuspend', fn: sys_rt_sigsuspend, args: ['ptr', 'size_t'] },
];
