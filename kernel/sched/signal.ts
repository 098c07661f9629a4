/**
 * Signals (kernel/signal.c, arch/x86/kernel/signal.c): sending, pending and blocked sets,
 * default actions (signal(7)), handlers run on the way back to user mode, and the syscalls.
 */
import { MODE_USER } from '../arch/cpu.ts';
import { EFAULT, EINVAL, EPERM, ESRCH, EINTR, ERESTARTSYS, ERESTARTNOHAND, ERESTARTNOINTR, ERESTART_RESTARTBLOCK } from '../include/uapi/errno.ts';
import {
  SIGKILL, SIGSTOP, SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIG_DFL, SIG_IGN, SA_RESTART, SA_NODEFER,
  SA_RESETHAND, SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK, _NSIG, SIGSEGV, SIGTSTP, SIGTTIN, SIGTTOU,
} from '../include/uapi/signal.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { fetch_ok } from '../mm/usermem.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { switch_to } from './core.ts';
import { do_group_exit } from './exit.ts';
import { type Task, SigAction } from './task.ts';
import { wake_up_task } from './wait.ts';

const bit = (sig: number): number => 1 << ((sig - 1) & 31);

/** Signals whose default action is to ignore (signal(7)); stop signals are treated alike. */
function default_ignored(sig: number): boolean {
  return sig === SIGCHLD || sig === SIGURG || sig === SIGWINCH || sig === SIGCONT ||
    sig === SIGTSTP || sig === SIGTTIN || sig === SIGTTOU || sig === SIGSTOP;
}

export function sig_is_pending(t: Task, sig: number): boolean {
  return ((sig <= 32 ? t.pending_lo : t.pending_hi) & bit(sig)) !== 0;
}

function sig_blocked(t: Task, sig: number): boolean {
  if (sig === SIGKILL || sig === SIGSTOP) return false;
  return ((sig <= 32 ? t.blocked_lo : t.blocked_hi) & bit(sig)) !== 0;
}

/** Is an unblocked signal pending? */
export function signal_pending(t: Task): boolean {
  return (t.pending_lo & ~t.blocked_lo) !== 0 || (t.pending_hi & ~t.blocked_hi) !== 0 ||
    (t.pending_lo & bit(SIGKILL)) !== 0;
}

/** The siginfo a sender supplies (the part strace shows); SI_USER and SI_TKILL from kill(2)/tgkill(2). */
export const SI_USER = 0, SI_TKILL = -6, CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
export interface SigInfo { code: number; pid: number; uid: number; status?: number }

/** send_sig_info(): send_signal with who sent it, which a tracer sees. */
export function send_sig_info(t: Task, sig: number, info: SigInfo): void {
  if (t.alive && sig > 0) t.kernel.tracer?.signal?.(t, sig, info);
  send_signal(t, sig);
}

/** send_signal(): marks sig pending on t and wakes it if it sleeps. */
export function send_signal(t: Task, sig: number): void {
  if (!t.alive || sig === 0) return;
  const a = t.sighand.action[sig];
  // An ignored signal that is not blocked is discarded at once (sig_ignored()).
  if (!sig_blocked(t, sig) && (a.handler === SIG_IGN || (a.handler === SIG_DFL && default_ignored(sig)))) return;
  if (sig <= 32) t.pending_lo |= bit(sig); else t.pending_hi |= bit(sig);
  if (!sig_blocked(t, sig)) wake_up_task(t);
}

/** force_sig(): a synchronous fault signal; it cannot be ignored or blocked away. */
export function force_sig(t: Task, sig: number): void {
  const a = t.sighand.action[sig];
  if (a.handler === SIG_IGN) a.handler = SIG_DFL;
  if (sig <= 32) t.blocked_lo &= ~bit(sig); else t.blocked_hi &= ~bit(sig);
  send_signal(t, sig);
}

/** Takes the lowest pending unblocked signal off the set (dequeue_signal); 0 if none. */
function dequeue_signal(t: Task): number {
  const lo = t.pending_lo & (~t.blocked_lo | bit(SIGKILL) | bit(SIGSTOP));
  if (lo) { const sig = 32 - Math.clz32(lo & -lo); t.pending_lo &= ~bit(sig); return sig; }
  const hi = t.pending_hi & ~t.blocked_hi;
  if (hi) { const sig = 64 - Math.clz32(hi & -hi); t.pending_hi &= ~bit(sig); return sig; }
  return 0;
}

/**
 * Delivers pending signals on the way back to user mode (arch_do_signal_or_restart).
 * A fatal one ends the task (throws TaskExit); a handler runs in user mode, with its own
 * mask, and may be async, in which case a Promise is returned.
 */
export function do_signal(t: Task): void | Promise<void> {
  for (;;) {
    const sig = dequeue_signal(t);
    if (sig === 0) return;
    const a = t.sighand.action[sig];
    if (a.handler === SIG_IGN) continue;
    if (a.handler === SIG_DFL) {
      if (default_ignored(sig)) continue;
      do_group_exit(t, sig); // Term and Core both end the process here; no core file is written.
    }
    const r = handle_signal(t, sig, a);
    if (r) return r.then(() => do_signal(t));
  }
}

function handle_signal(t: Task, sig: number, a: SigAction): Promise<void> | void {
  const fn = t.mm?.text.at(a.handler);
  switch_to(t, MODE_USER);
  if (!fn || !fetch_ok(t, a.handler)) {
    // The handler address is not code: the real CPU would fault on the jump.
    force_sig(t, SIGSEGV);
    t.sighand.action[SIGSEGV].handler = SIG_DFL;
    return;
  }
  const old_lo = t.blocked_lo, old_hi = t.blocked_hi;
  t.blocked_lo |= a.mask_lo | (a.flags & SA_NODEFER || sig > 32 ? 0 : bit(sig));
  t.blocked_hi |= a.mask_hi | (a.flags & SA_NODEFER || sig <= 32 ? 0 : bit(sig));
  if (a.flags & SA_RESETHAND) a.handler = SIG_DFL;
  const restore = (): void => { t.blocked_lo = old_lo; t.blocked_hi = old_hi; }; // rt_sigreturn
  const r = fn(sig);
  if (r instanceof Promise) return r.then(restore);
  restore();
}

/**
 * What an interrupted syscall returns (arch_do_signal_or_restart): -ERESTARTSYS restarts when
 * the handler has SA_RESTART, ERESTARTNOINTR always; ERESTARTNOHAND and ERESTART_RESTARTBLOCK
 * (nanosleep) become EINTR (their restart without a handler, through restart_block, is not
 * modeled). A restart comes back as -ERESTARTSYS.
 */
export function restart_or_eintr(t: Task, ret: number): number {
  if (ret === -ERESTARTNOINTR) return -ERESTARTSYS;
  if (ret === -ERESTARTNOHAND || ret === -ERESTART_RESTARTBLOCK) return -EINTR;
  if (ret !== -ERESTARTSYS) return ret;
  const sig = lowest_pending(t);
  return sig && t.sighand.action[sig].flags & SA_RESTART ? ret : -EINTR;
}

function lowest_pending(t: Task): number {
  const lo = t.pending_lo & ~t.blocked_lo;
  if (lo) return 32 - Math.clz32(lo & -lo);
  const hi = t.pending_hi & ~t.blocked_hi;
  return hi ? 64 - Math.clz32(hi & -hi) : 0;
}

function check_kill_permission(t: Task, target: Task): boolean {
  const c = t.cred, tc = target.cred;
  return c.euid === 0 || c.euid === tc.uid || c.euid === tc.suid || c.uid === tc.uid || c.uid === tc.suid;
}

/** kill(2): pid > 0 one process; 0 or -1 or < -1 every process we may signal (no pgrps yet). */
export function sys_kill(t: Task, pid: number, sig: number): number {
  pid |= 0; sig |= 0; // pid_t pid, int sig
  if (sig < 0 || sig > _NSIG) return -EINVAL;
  const k = t.kernel;
  const targets = pid > 0 ? [k.tasks.get(pid)].filter((x): x is Task => !!x && x.tgid === x.pid)
    : [...k.tasks.values()].filter((x) => x.pid === x.tgid && x.pid !== 1 && (pid !== -1 || x !== t));
  if (targets.length === 0 || targets.every((x) => !x.alive)) return -ESRCH;
  let sent = 0;
  for (const x of targets) {
    if (!check_kill_permission(t, x)) continue;
    send_sig_info(x, sig, { code: SI_USER, pid: t.tgid, uid: t.cred.uid }); sent++;
  }
  return sent ? 0 : -EPERM;
}

export function sys_tgkill(t: Task, tgid: number, tid: number, sig: number): number {
  tgid |= 0; tid |= 0; sig |= 0; // pid_t tgid, pid_t pid, int sig
  if (tgid <= 0 || tid <= 0 || sig < 0 || sig > _NSIG) return -EINVAL;
  const x = t.kernel.tasks.get(tid);
  if (!x || x.tgid !== tgid || !x.alive) return -ESRCH;
  if (!check_kill_permission(t, x)) return -EPERM;
  send_sig_info(x, sig, { code: SI_TKILL, pid: t.tgid, uid: t.cred.uid });
  return 0;
}

export function sys_tkill(t: Task, tid: number, sig: number): number {
  tid |= 0;
  const x = t.kernel.tasks.get(tid);
  return x ? sys_tgkill(t, x.tgid, tid, sig) : -ESRCH;
}

const sa_buf = new Uint8Array(32);
const sa_dv = new DataView(sa_buf.buffer);

/** rt_sigaction(2) with the kernel's struct sigaction: handler, flags, restorer, mask (8 each). */
export function sys_rt_sigaction(t: Task, sig: number, act: number, oact: number, sigsetsize: number): number {
  if (sigsetsize !== 8) return -EINVAL;
  sig |= 0; // int sig
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
    }
  }
  return 0;
}

/** rt_sigprocmask(2) */
export function sys_rt_sigprocmask(t: Task, how: number, set: number, oset: number, sigsetsize: number): number {
  if (sigsetsize !== 8) return -EINVAL;
  how |= 0; // int how
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

export function sys_rt_sigpending(t: Task, set: number, sigsetsize: number): number {
  if (sigsetsize < 0 || sigsetsize > 8) return -EINVAL; // size_t: "negative" is huge
  sa_dv.setUint32(0, (t.pending_lo & t.blocked_lo) >>> 0, true);
  sa_dv.setUint32(4, (t.pending_hi & t.blocked_hi) >>> 0, true);
  return copy_to_user(t, set, sa_buf, 0, sigsetsize) ? -EFAULT : 0;
}

export const signal_syscalls: SyscallDef[] = [
  { name: 'kill', fn: sys_kill, args: ['int', 'signal'], support: 'partial', note: 'no process groups: pid 0 and < -1 act like -1; no job control: SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU/SIGCONT are ignored' },
  { name: 'tgkill', fn: sys_tgkill, args: ['int', 'int', 'signal'] },
  { name: 'tkill', fn: sys_tkill, args: ['int', 'signal'] },
  { name: 'rt_sigaction', fn: sys_rt_sigaction, args: ['signal', 'ptr', 'ptr', 'uint'], support: 'partial', note: 'SA_SIGINFO handlers get the signal number only; no sigaltstack' },
  { name: 'rt_sigprocmask', fn: sys_rt_sigprocmask, args: ['int', 'ptr', 'ptr', 'uint'] },
  { name: 'rt_sigpending', fn: sys_rt_sigpending, args: ['ptr', 'uint'] },
];
