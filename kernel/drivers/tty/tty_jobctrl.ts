/**
 * Job control on a terminal (drivers/tty/tty_jobctrl.c): the controlling terminal of a session,
 * the foreground process group, SIGTTIN/SIGTTOU for background access, and the ioctls
 * TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID.
 */
import { EFAULT, EINVAL, EIO, ENOTTY, EPERM, ERESTARTSYS, ESRCH } from '../../include/uapi/errno.ts';
import { SIGCONT, SIGHUP, SIGTTIN, SIGTTOU } from '../../include/uapi/signal.ts';
import { TIOCGPGRP, TIOCGSID, TIOCNOTTY, TIOCSCTTY, TIOCSPGRP } from '../../include/uapi/termbits.ts';
import { get_user_u32, put_user_u32 } from '../../mm/uaccess.ts';
import { is_pgrp_orphaned, kill_pgrp, sig_ignored_or_blocked } from '../../sched/signal.ts';
import type { Task } from '../../sched/task.ts';
import type { TtyStruct } from './tty.ts';
import { as_user_ptr, type UserPtr } from '../../include/linux/compiler_types.ts';

/**
 * __tty_check_change(): may t's process group act on tty? A background group gets sig (and
 * the call restarts once it is continued); EIO when sig is ignored (SIGTTIN only) or the group
 * is orphaned. Processes for which tty is not the controlling terminal always may.
 */
export function tty_check_change(t: Task, tty: TtyStruct, sig: number): number {
  if (t.tty !== tty || !tty.pgrp || t.pgrp === tty.pgrp) return 0;
  if (sig_ignored_or_blocked(t, sig)) return sig === SIGTTIN ? -EIO : 0;
  if (is_pgrp_orphaned(t.kernel, t.pgrp)) return -EIO;
  kill_pgrp(t.kernel, t.pgrp, sig);
  return -ERESTARTSYS;
}

/** __proc_set_tty(): tty becomes the controlling terminal of t's session, t's group its foreground. */
function proc_set_tty(t: Task, tty: TtyStruct): void {
  tty.session = t.session;
  tty.pgrp = t.pgrp;
  for (const x of t.kernel.tasks.values()) if (x.tgid === t.tgid) x.tty = tty;
}

/** tty_open_proc_set_tty(): a session leader without a terminal acquires one it opens (unless O_NOCTTY). */
export function tty_open_proc_set_tty(t: Task, tty: TtyStruct, noctty: boolean): void {
  if (!noctty && t.session === t.tgid && !t.tty && !tty.session) proc_set_tty(t, tty);
}

/** session_clear_tty(): every process of the session loses its controlling terminal. */
function session_clear_tty(t: Task, sid: number): void {
  for (const x of t.kernel.tasks.values()) if (x.session === sid) x.tty = null;
}

/**
 * disassociate_ctty(): the session leader lets its terminal go (TIOCNOTTY, or exit): the
 * foreground group gets SIGHUP (and SIGCONT, unless the leader is exiting), the terminal
 * belongs to no session, and no process of the session keeps it.
 */
export function disassociate_ctty(t: Task, on_exit: boolean): void {
  const tty = t.tty;
  if (!tty) return;
  if (tty.pgrp) {
    kill_pgrp(t.kernel, tty.pgrp, SIGHUP);
    if (!on_exit) kill_pgrp(t.kernel, tty.pgrp, SIGCONT);
  }
  session_clear_tty(t, t.session);
  if (tty.session === t.session) { tty.session = 0; tty.pgrp = 0; }
}

/** TIOCSCTTY: a session leader takes tty (arg 1 lets root steal it from another session). */
function tiocsctty(t: Task, tty: TtyStruct, arg: number): number {
  if (t.session === t.tgid && tty.session === t.session) return 0;
  if (t.session !== t.tgid || t.tty) return -EPERM;
  if (tty.session) {
    if (arg !== 1 || t.cred.euid !== 0) return -EPERM;
    session_clear_tty(t, tty.session);
  }
  proc_set_tty(t, tty);
  return 0;
}

/** TIOCNOTTY: give up the controlling terminal. */
function tiocnotty(t: Task, tty: TtyStruct): number {
  if (t.tty !== tty) return -ENOTTY;
  if (t.session === t.tgid) disassociate_ctty(t, false);
  for (const x of t.kernel.tasks.values()) if (x.tgid === t.tgid) x.tty = null;
  return 0;
}

/** The session of process group pgrp (session_of_pgrp), or -1 when no such group or pid exists. */
function session_of_pgrp(t: Task, pgrp: number): number {
  let pid_session = -1;
  for (const x of t.kernel.tasks.values()) {
    if (!x.alive) continue;
    if (x.pgrp === pgrp) return x.session;
    if (x.pid === pgrp) pid_session = x.session;
  }
  return pid_session;
}

/** TIOCSPGRP (tcsetpgrp): a group of the caller's session becomes the foreground. */
function tiocspgrp(t: Task, tty: TtyStruct, arg: UserPtr): number {
  const chk = tty_check_change(t, tty, SIGTTOU);
  if (chk === -EIO) return -ENOTTY;
  if (chk) return chk;
  if (get_user_u32(t, arg)) return -EFAULT;
  const pgrp = t.cpu.uval | 0;
  if (pgrp < 0) return -EINVAL;
  if (t.tty !== tty || tty.session !== t.session) return -ENOTTY;
  const sid = session_of_pgrp(t, pgrp);
  if (sid < 0) return -ESRCH;
  if (sid !== t.session) return -EPERM;
  tty.pgrp = pgrp;
  return 0;
}

/** The job-control ioctls; undefined when cmd is not one of them. */
export function tty_jobctrl_ioctl(t: Task, tty: TtyStruct, cmd: number, arg: number): number | undefined {
  switch (cmd) {
    case TIOCSCTTY: return tiocsctty(t, tty, arg | 0);
    case TIOCNOTTY: return tiocnotty(t, tty);
    case TIOCGPGRP:
      if (t.tty !== tty) return -ENOTTY;
      return put_user_u32(t, as_user_ptr(arg), tty.pgrp);
    case TIOCSPGRP: return tiocspgrp(t, tty, as_user_ptr(arg));
    case TIOCGSID:
      if (t.tty !== tty || !tty.session) return -ENOTTY;
      return put_user_u32(t, as_user_ptr(arg), tty.session);
  }
  return undefined;
}
