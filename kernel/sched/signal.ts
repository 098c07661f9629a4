/**
 * Signals (kernel/signal.c, arch/x86/kernel/signal.c): sending, pending and blocked sets,
 * default actions (signal(7)), handlers run on the way back to user mode, and the syscalls.
 */
import { MODE_KERNEL, MODE_USER } from '../arch/cpu.ts';
import { EFAULT, EINVAL, EPERM, ESRCH, EINTR, ERESTARTSYS, ERESTARTNOHAND, ERESTARTNOINTR, ERESTART_RESTARTBLOCK } from '../include/uapi/errno.ts';
import {
  SIGKILL, SIGSTOP, SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIG_DFL, SIG_IGN, SA_RESTART, SA_NODEFER,
  SA_RESETHAND, SA_SIGINFO, SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK, _NSIG, SIGSEGV, SIGTSTP, SIGTTIN, SIGTTOU, SIGRTMIN,
} from '../include/uapi/signal.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { fetch_ok } from '../mm/memory.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { SA_NOCLDSTOP } from '../include/uapi/signal.ts';
import { CLD_CONTINUED, CLD_STOPPED } from '../include/uapi/wait.ts';
import { switch_to } from './core.ts';
import { sigmask as bit, signal_pending } from '../include/linux/sched/signal.ts';
import { do_group_exit } from './exit.ts';
import { type Task, SigAction, TASK_STOPPED } from './task.ts';
import { capable, same_thread_group } from '../capability.ts';
import { CAP_KILL } from '../include/uapi/capability.ts';
import { sleep_on, wake_up_task } from './wait.ts';
import { SI_KERNEL, SI_TKILL, SI_USER, SigInfo, collect_signal, flush_sigqueue_sig, sig_still_queued } from './siginfo.ts';
import { frame_info, frame_uc, restore_sigframe, setup_rt_frame } from './sigframe.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';


/** Signals whose default action is to ignore (signal(7)); SIGCONT's continuing is done at send time. */
function default_ignored(sig: number): boolean {
  return sig === SIGCHLD || sig === SIGURG || sig === SIGWINCH || sig === SIGCONT;
}

/** sig_kernel_stop(): the signals whose default action is to stop the process. */
export function sig_kernel_stop(sig: number): boolean {
  return sig === SIGSTOP || sig === SIGTSTP || sig === SIGTTIN || sig === SIGTTOU;
}

const STOP_MASK = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);

/** The live threads of t's process. */
export function thread_group(t: Task): Task[] {
  const out: Task[] = [];
  for (const x of t.kernel.tasks.values()) if (x.tgid === t.tgid && x.alive) out.push(x);
  return out;
}

/** The thread group leader (whose pid is the process id). */
export function group_leader(t: Task): Task {
  return t.kernel.tasks.get(t.tgid) ?? t;
}

/** Is sig ignored or blocked by t (the test __tty_check_change and n_tty's job control make)? */
export function sig_ignored_or_blocked(t: Task, sig: number): boolean {
  return sig_blocked(t, sig) || t.sighand.action[sig].handler === SIG_IGN;
}

/**
 * will_become_orphaned_pgrp(): a process group is orphaned when no member has a parent in
 * another process group of the same session. (Linux also discounts parents that are init;
 * privos's first program often is pid 1 itself, an interactive shell, so it does not.)
 */
export function is_pgrp_orphaned(k: Task['kernel'], pgrp: number): boolean {
  for (const p of k.tasks.values()) {
    if (p.pgrp !== pgrp || p.pid !== p.tgid || !p.alive) continue;
    const pp = p.parent;
    if (pp && pp.alive && pp.pgrp !== pgrp && pp.session === p.session) return false;
  }
  return true;
}

/**
 * do_notify_parent_cldstop(): SIGCHLD (unless SA_NOCLDSTOP) with CLD_STOPPED and the stop
 * signal, or CLD_CONTINUED and SIGCONT, and a wait4 wake-up.
 */
function do_notify_parent_cldstop(leader: Task, code: number, status: number): void {
  const p = leader.parent;
  if (!p || !p.alive) return;
  if (!(p.sighand.action[SIGCHLD].flags & SA_NOCLDSTOP)) send_signal(p, SIGCHLD, SigInfo.chld(SIGCHLD, code, leader, status));
  p.wait_chldexit.wake_up();
}

/**
 * prepare_signal(): a stop signal cancels a pending SIGCONT; SIGCONT cancels pending stop
 * signals and resumes a stopped process (even when SIGCONT itself is ignored or blocked).
 */
function prepare_signal(t: Task, sig: number): void {
  if (sig_kernel_stop(sig)) {
    for (const x of thread_group(t)) x.pending_lo &= ~bit(SIGCONT);
    return;
  }
  if (sig !== SIGCONT) return;
  const group = thread_group(t);
  for (const x of group) { x.pending_lo &= ~STOP_MASK; x.jobctl_stop_pending = false; }
  const leader = group_leader(t);
  if (!leader.group_stop_sig) return;
  leader.group_stop_sig = 0;
  leader.wait_report = CLD_CONTINUED;
  for (const x of group) wake_up_task(x);
  do_notify_parent_cldstop(leader, CLD_CONTINUED, SIGCONT);
}

/**
 * do_signal_stop(): the first thread to take a stop signal stops the whole group and tells the
 * parent; every thread then sleeps in TASK_STOPPED until SIGCONT (or SIGKILL).
 */
function do_signal_stop(t: Task, sig: number): Promise<void> {
  const leader = group_leader(t);
  t.kernel.tracer?.stopped?.(t, sig); // strace's `--- stopped by SIGSTOP ---`
  if (!leader.group_stop_sig) {
    leader.group_stop_sig = sig;
    leader.wait_report = CLD_STOPPED;
    for (const x of thread_group(t)) if (x !== t) { x.jobctl_stop_pending = true; wake_up_task(x); }
    do_notify_parent_cldstop(leader, CLD_STOPPED, sig);
  }
  return stopped_wait(t, leader);
}

/** Sleeps in TASK_STOPPED while the group stays stopped: nothing of t runs meanwhile. */
async function stopped_wait(t: Task, leader: Task): Promise<void> {
  t.jobctl_stop_pending = false;
  while (leader.group_stop_sig && t.alive && !sig_is_pending(t, SIGKILL)) {
    const p = sleep_on(t, []);
    t.state = TASK_STOPPED;
    await p;
  }
}

export function sig_is_pending(t: Task, sig: number): boolean {
  return ((sig <= 32 ? t.pending_lo : t.pending_hi) & bit(sig)) !== 0;
}

function sig_blocked(t: Task, sig: number): boolean {
  if (sig === SIGKILL || sig === SIGSTOP) return false;
  return ((sig <= 32 ? t.blocked_lo : t.blocked_hi) & bit(sig)) !== 0;
}

/** Was sig blocked before rt_sigtimedwait lifted the mask to wait for it? */
function real_blocked(t: Task, sig: number): boolean {
  return ((sig <= 32 ? t.real_blocked_lo : t.real_blocked_hi) & bit(sig)) !== 0;
}


/**
 * Would delivering t's pending signals now end the process? SIGKILL, or an unblocked signal
 * whose action is SIG_DFL and whose default is to terminate (or dump core). What a tick in
 * code that cannot wait delivers (kernel/sched/user_ops.ts).
 */
export function sig_fatal_pending(t: Task): boolean {
  if (t.pending_lo & bit(SIGKILL)) return true;
  for (let sig = 1; sig <= 64; sig++) {
    if (!sig_is_pending(t, sig) || sig_blocked(t, sig)) continue;
    if (t.sighand.action[sig].handler === SIG_DFL && !default_ignored(sig) && !sig_kernel_stop(sig)) return true;
  }
  return false;
}

/**
 * send_signal(): marks sig pending on t with its siginfo (SI_KERNEL when none is given) and
 * wakes t if it sleeps. A standard signal already pending is not queued again; real-time
 * signals queue every instance.
 */
export function send_signal(t: Task, sig: number, info?: SigInfo): void {
  if (!t.alive || sig === 0) return;
  if (info) t.kernel.tracer?.signal?.(t, sig, info); // who sent it, as strace shows it
  prepare_signal(t, sig);
  const a = t.sighand.action[sig];
  // An ignored signal that is not blocked is discarded at once (sig_ignored()).
  if (!sig_blocked(t, sig) && !real_blocked(t, sig) && (a.handler === SIG_IGN || (a.handler === SIG_DFL && default_ignored(sig)))) return;
  if (sig >= SIGRTMIN || !sig_is_pending(t, sig)) t.sigqueue.push(info ?? new SigInfo(sig, SI_KERNEL));
  if (sig <= 32) t.pending_lo |= bit(sig); else t.pending_hi |= bit(sig);
  t.sighand.signalfd_wqh.wake_up(); // signalfd_notify()
  if (!sig_blocked(t, sig)) wake_up_task(t);
}

/** Takes sig off the pending set with its siginfo; another queued instance keeps it pending. */
function take_signal(t: Task, sig: number): SigInfo {
  if (sig <= 32) t.pending_lo &= ~bit(sig); else t.pending_hi &= ~bit(sig);
  const info = collect_signal(t, sig);
  if (sig_still_queued(t, sig)) { if (sig <= 32) t.pending_lo |= bit(sig); else t.pending_hi |= bit(sig); }
  return info;
}

/**
 * dequeue_signal() with an explicit set (sigtimedwait, signalfd): the lowest pending signal in
 * the set, blocked or not, and its siginfo; null if none.
 */
export function dequeue_signal_from(t: Task, lo: number, hi: number): SigInfo | null {
  const plo = t.pending_lo & lo;
  if (plo) return take_signal(t, 32 - Math.clz32(plo & -plo));
  const phi = t.pending_hi & hi;
  if (phi) return take_signal(t, 64 - Math.clz32(phi & -phi));
  return null;
}

/** force_sig(): a synchronous fault signal (with force_sig_fault's siginfo); it cannot be ignored or blocked away. */
export function force_sig(t: Task, sig: number, info?: SigInfo): void {
  const a = t.sighand.action[sig];
  if (a.handler === SIG_IGN) a.handler = SIG_DFL;
  if (sig <= 32) t.blocked_lo &= ~bit(sig); else t.blocked_hi &= ~bit(sig);
  send_signal(t, sig, info);
}

/** Takes the lowest pending unblocked signal off the set with its siginfo (dequeue_signal); null if none. */
function dequeue_signal(t: Task): SigInfo | null {
  return dequeue_signal_from(t, ~t.blocked_lo | bit(SIGKILL) | bit(SIGSTOP), ~t.blocked_hi);
}

/**
 * Delivers pending signals on the way back to user mode (arch_do_signal_or_restart).
 * A fatal one ends the task (throws TaskExit); a handler runs in user mode, with its own
 * mask, and may be async, in which case a Promise is returned.
 */
export function do_signal(t: Task): void | Promise<void> {
  for (;;) {
    if (t.jobctl_stop_pending) return stopped_wait(t, group_leader(t)).then(() => do_signal(t));
    const info = dequeue_signal(t);
    if (!info) return;
    const sig = info.signo;
    const a = t.sighand.action[sig];
    if (a.handler === SIG_IGN) continue;
    if (a.handler === SIG_DFL) {
      if (default_ignored(sig)) continue;
      if (sig_kernel_stop(sig)) {
        // SIGTSTP, SIGTTIN and SIGTTOU do not stop an orphaned process group: nobody could resume it.
        if (sig !== SIGSTOP && is_pgrp_orphaned(t.kernel, t.pgrp)) continue;
        return do_signal_stop(t, sig).then(() => do_signal(t));
      }
      do_group_exit(t, sig); // Term and Core both end the process here; no core file is written.
    }
    const r = handle_signal(t, info, a);
    if (r) return r.then(() => do_signal(t));
  }
}

/** force_sigsegv(): a frame that cannot be set up or read back; SIGSEGV's own handler is dropped first. */
function force_sigsegv(t: Task, sig: number): void {
  if (sig === SIGSEGV) t.sighand.action[SIGSEGV].handler = SIG_DFL;
  force_sig(t, SIGSEGV);
}

/**
 * handle_signal(): the frame goes on the user stack (or the alternate stack), the handler's
 * mask is added, and the handler is called as the CPU would enter it: (signo) or, with
 * SA_SIGINFO, (signo, &frame->info, &frame->uc). Its return is rt_sigreturn.
 */
function handle_signal(t: Task, info: SigInfo, a: SigAction): Promise<void> | void {
  const sig = info.signo;
  const fn = t.mm?.text.at(a.handler);
  const frame = fn ? setup_rt_frame(t, info, a, t.blocked_lo, t.blocked_hi) : 0;
  switch_to(t, MODE_USER);
  if (!fn || !fetch_ok(t, a.handler)) {
    // The handler address is not code: the real CPU would fault on the jump.
    force_sig(t, SIGSEGV);
    t.sighand.action[SIGSEGV].handler = SIG_DFL;
    return;
  }
  if (!frame) { force_sigsegv(t, sig); return; }
  t.blocked_lo |= a.mask_lo | (a.flags & SA_NODEFER || sig > 32 ? 0 : bit(sig));
  t.blocked_hi |= a.mask_hi | (a.flags & SA_NODEFER || sig <= 32 ? 0 : bit(sig));
  if (a.flags & SA_RESETHAND) a.handler = SIG_DFL;
  const outer_sp = t.sig_sp;
  t.sig_sp = frame;
  const r = a.flags & SA_SIGINFO ? fn(sig, frame_info(t, frame), frame_uc(t, frame)) : fn(sig);
  if (r instanceof Promise) return r.then(() => rt_sigreturn(t, frame, outer_sp));
  rt_sigreturn(t, frame, outer_sp);
}

/** rt_sigreturn(): the mask (and alternate stack) the frame holds; a frame gone bad is SIGSEGV. */
function rt_sigreturn(t: Task, frame: UserPtr, outer_sp: number): void {
  switch_to(t, MODE_KERNEL);
  const m = restore_sigframe(t, frame);
  t.sig_sp = outer_sp;
  if (!m) { force_sigsegv(t, 0); return; }
  t.blocked_lo = m[0] & ~(bit(SIGKILL) | bit(SIGSTOP)); t.blocked_hi = m[1];
}

/**
 * What an interrupted syscall returns (arch_do_signal_or_restart): -ERESTARTSYS restarts when
 * the handler has SA_RESTART, ERESTARTNOINTR always; ERESTARTNOHAND and ERESTART_RESTARTBLOCK
 * (nanosleep) become EINTR when a handler runs, SA_RESTART or not. With no handler the call
 * restarts: -ERESTARTSYS comes back for a plain restart, -ERESTART_RESTARTBLOCK for one through
 * restart_syscall(2) and the task's restart_block (syscalls/entry.ts).
 */
export function restart_or_eintr(t: Task, ret: number): number {
  if (ret === -ERESTARTNOINTR) return -ERESTARTSYS;
  if (ret !== -ERESTARTSYS && ret !== -ERESTARTNOHAND && ret !== -ERESTART_RESTARTBLOCK) return ret;
  const sig = lowest_pending(t);
  const a = sig ? t.sighand.action[sig] : null;
  // No handler will run (a stop, an ignored or a default-ignored signal): the call restarts.
  if (!a || a.handler === SIG_DFL || a.handler === SIG_IGN) return ret === -ERESTART_RESTARTBLOCK ? ret : -ERESTARTSYS;
  if (ret !== -ERESTARTSYS) return -EINTR;
  return a.flags & SA_RESTART ? ret : -EINTR;
}

function lowest_pending(t: Task): number {
  const lo = t.pending_lo & ~t.blocked_lo;
  if (lo) return 32 - Math.clz32(lo & -lo);
  const hi = t.pending_hi & ~t.blocked_hi;
  return hi ? 64 - Math.clz32(hi & -hi) : 0;
}

/**
 * check_kill_permission(): the same process, or kill_ok_by_cred (the sender's real or effective
 * uid equals the target's real or saved uid), or CAP_KILL. (SIGCONT within a session needs no
 * uid match on Linux; privos has no sessions, so SIGCONT gets the uid rule.)
 */
export function check_kill_permission(t: Task, target: Task): boolean {
  if (same_thread_group(t, target)) return true;
  const c = t.cred, tc = target.cred;
  return c.euid === tc.suid || c.euid === tc.uid || c.uid === tc.suid || c.uid === tc.uid || capable(t, CAP_KILL);
}

/** group_send_sig_info(): 0, or -EPERM; a zombie is found and signalled to no effect. */
function group_send_sig_info(t: Task, sig: number, p: Task): number {
  if (!check_kill_permission(t, p)) return -EPERM;
  send_signal(p, sig, SigInfo.from_task(sig, SI_USER, t));
  return 0;
}

/**
 * The processes (group leaders, zombies included until reaped) kill(2)'s pid names: one; a
 * process group (0: the caller's, < -1: group -pid); or -1, every process but init and the caller.
 */
function kill_targets(t: Task, pid: number): Task[] {
  const k = t.kernel;
  if (pid > 0) { const x = k.tasks.get(pid); return x && x.tgid === x.pid ? [x] : []; }
  const out: Task[] = [];
  const pgid = pid === 0 ? t.pgrp : -pid;
  for (const x of k.tasks.values()) {
    if (x.pid !== x.tgid) continue;
    if (pid === -1 ? x.pid > 1 && !same_thread_group(x, t) : x.pgrp === pgid) out.push(x);
  }
  return out;
}

/**
 * kill(2) (kill_something_info): one process; a group succeeds if any member was signalled
 * (__kill_pgrp_info); -1 returns 0 when some process exists even if none could be signalled
 * (only errors other than EPERM count).
 */
export function sys_kill(t: Task, pid: number, sig: number): number {
  if (sig < 0 || sig > _NSIG) return -EINVAL;
  if (pid === -0x80000000) return -ESRCH; // -INT_MIN is not a process group
  const targets = kill_targets(t, pid);
  if (targets.length === 0) return -ESRCH;
  if (pid > 0) return group_send_sig_info(t, sig, targets[0]);
  let success = false, retval = pid === -1 ? 0 : -ESRCH;
  for (const p of targets) {
    const err = group_send_sig_info(t, sig, p);
    success ||= err === 0;
    if (pid !== -1 || err !== -EPERM) retval = err;
  }
  return pid === -1 ? retval : success ? 0 : retval;
}

/** kill_pgrp(): the kernel's own signal to every process of a group (the tty's ^C, ^Z, SIGTTIN). */
export function kill_pgrp(k: Task['kernel'], pgrp: number, sig: number): void {
  if (pgrp <= 0) return;
  for (const x of [...k.tasks.values()]) if (x.pid === x.tgid && x.alive && x.pgrp === pgrp) send_signal(x, sig);
}

export function sys_tgkill(t: Task, tgid: number, tid: number, sig: number): number {
  if (tgid <= 0 || tid <= 0 || sig < 0 || sig > _NSIG) return -EINVAL;
  const x = t.kernel.tasks.get(tid);
  if (!x || x.tgid !== tgid) return -ESRCH;
  if (!check_kill_permission(t, x)) return -EPERM;
  send_signal(x, sig, SigInfo.from_task(sig, SI_TKILL, t));
  return 0;
}

export function sys_tkill(t: Task, tid: number, sig: number): number {
  const x = t.kernel.tasks.get(tid);
  return x ? sys_tgkill(t, x.tgid, tid, sig) : -ESRCH;
}

const sa_buf = new Uint8Array(32);
const sa_dv = new DataView(sa_buf.buffer);

/** rt_sigaction(2) with the kernel's struct sigaction: handler, flags, restorer, mask (8 each). */
export function sys_rt_sigaction(t: Task, sig: number, act: UserPtr, oact: UserPtr, sigsetsize: number): number {
  if (sigsetsize !== 8) return -EINVAL;
  if (sig < 1 || sig > _NSIG) return -EINVAL;
  const a = t.sighand.action[sig];
  let next: SigAction | null = null;
  if (act) {
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
    if (copy_from_user(t, sa_buf, 0, act, 32)) return -EFAULT;
    next = new SigAction(sa_dv.getUint32(0, true) + sa_dv.getUint32(4, true) * 2 ** 32,
      sa_dv.getUint32(8, true), sa_dv.getUint32(24, true), sa_dv.getUint32(28, true),
      sa_dv.getUint32(16, true) + sa_dv.getUint32(20, true) * 2 ** 32);
  }
  if (oact) {
    sa_dv.setUint32(0, a.handler % 2 ** 32, true); sa_dv.setUint32(4, Math.floor(a.handler / 2 ** 32), true);
    sa_dv.setUint32(8, a.flags >>> 0, true); sa_dv.setUint32(12, 0, true);
    sa_dv.setUint32(16, a.restorer % 2 ** 32, true); sa_dv.setUint32(20, Math.floor(a.restorer / 2 ** 32), true);
    sa_dv.setUint32(24, a.mask_lo >>> 0, true); sa_dv.setUint32(28, a.mask_hi >>> 0, true);
    if (copy_to_user(t, oact, sa_buf, 0, 32)) return -EFAULT;
  }
  if (next) {
    next.mask_lo &= ~(bit(SIGKILL) | bit(SIGSTOP));
    Object.assign(a, next);
    // Setting SIG_IGN discards what is pending (POSIX).
    if (a.handler === SIG_IGN || (a.handler === SIG_DFL && default_ignored(sig))) {
      if (sig <= 32) t.pending_lo &= ~bit(sig); else t.pending_hi &= ~bit(sig);
      flush_sigqueue_sig(t, sig);
    }
  }
  return 0;
}

/** rt_sigprocmask(2) */
export function sys_rt_sigprocmask(t: Task, how: number, set: UserPtr, oset: UserPtr, sigsetsize: number): number {
  if (sigsetsize !== 8) return -EINVAL;
  const old_lo = t.blocked_lo, old_hi = t.blocked_hi;
  if (set) {
    if (copy_from_user(t, sa_buf, 0, set, 8)) return -EFAULT;
    const lo = sa_dv.getUint32(0, true) & ~(bit(SIGKILL) | bit(SIGSTOP)), hi = sa_dv.getUint32(4, true);
    if (how === SIG_BLOCK) { t.blocked_lo |= lo; t.blocked_hi |= hi; }
    else if (how === SIG_UNBLOCK) { t.blocked_lo &= ~lo; t.blocked_hi &= ~hi; }
    else if (how === SIG_SETMASK) { t.blocked_lo = lo; t.blocked_hi = hi; }
    else return -EINVAL;
  }
  if (oset) {
    sa_dv.setUint32(0, old_lo >>> 0, true); sa_dv.setUint32(4, old_hi >>> 0, true);
    if (copy_to_user(t, oset, sa_buf, 0, 8)) return -EFAULT;
  }
  return 0;
}

export function sys_rt_sigpending(t: Task, set: UserPtr, sigsetsize: number): number {
  if (sigsetsize < 0 || sigsetsize > 8) return -EINVAL; // size_t: "negative" is huge
  sa_dv.setUint32(0, (t.pending_lo & t.blocked_lo) >>> 0, true);
  sa_dv.setUint32(4, (t.pending_hi & t.blocked_hi) >>> 0, true);
  return copy_to_user(t, set, sa_buf, 0, sigsetsize) ? -EFAULT : 0;
}

export const signal_syscalls: readonly SyscallDef[] = [
  { name: 'kill', fn: sys_kill, args: ['int', 'signal'] },
  { name: 'tgkill', fn: sys_tgkill, args: ['int', 'int', 'signal'] },
  { name: 'tkill', fn: sys_tkill, args: ['int', 'signal'] },
  { name: 'rt_sigaction', fn: sys_rt_sigaction, args: ['signal', 'sigaction', 'sigaction_out', 'size_t'], support: 'partial', note: 'handlers get a real frame in user memory (siginfo_t, ucontext_t with uc_stack, uc_sigmask and the stack pointer; SA_ONSTACK uses the sigaltstack) and rt_sigreturn restores uc_sigmask and uc_stack, but the mcontext holds no general or FPU registers (user code is JavaScript), and a handler for a fault cannot resume the faulting access' },
  { name: 'rt_sigprocmask', fn: sys_rt_sigprocmask, args: ['int', 'ptr', 'ptr', 'size_t'] },
  { name: 'rt_sigpending', fn: sys_rt_sigpending, args: ['ptr', 'size_t'] },
];
