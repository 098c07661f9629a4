/**
 * poll(2), ppoll(2), select(2), pselect6(2) (fs/select.c). One pass asks every file's
 * f_op.poll (registering on its wait queues the first time); if nothing is ready the task
 * sleeps on all of them until a wake-up, the timeout or a signal (EINTR; these calls are not
 * restarted after a handler). The p* variants swap in a signal mask for the wait.
 */
import { EFAULT, EINTR, EINVAL, EBADF } from '../include/uapi/errno.ts';
import { copy_from_user, copy_to_user, get_user_u64, put_user_u64 } from '../mm/uaccess.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { sleep_on, type WaitQueueHead, sys_then } from '../sched/wait.ts';
import type { SysRet } from './fs_types.ts';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDBAND, POLLRDNORM, POLLWRBAND, POLLWRNORM, type PollTable } from './poll_types.ts';
import { as_user_ptr, USER_NULL, user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

const RLIMIT_NOFILE = 7;

/** struct poll_wqueues: the queues the first pass registered on. */
class PollWqueues implements PollTable {
  readonly wqs: WaitQueueHead[] = [];
  wait(wq: WaitQueueHead): void { if (!this.wqs.includes(wq)) this.wqs.push(wq); }
}

/** Reads a timespec (or timeval when usec) into a deadline in ms from now; -1 for NULL. */
function read_timeout(t: Task, ut: UserPtr, usec: boolean): number {
  if (!ut) return -1;
  if (get_user_u64(t, ut)) return -EFAULT;
  const s = t.cpu.uval;
  if (get_user_u64(t, user_ptr_add(ut, 8))) return -EFAULT;
  const frac = t.cpu.uval;
  if (s < 0 || frac < 0 || frac >= (usec ? 1e6 : 1e9)) return -EINVAL;
  return s * 1000 + (usec ? frac / 1000 : frac / 1e6);
}

/**
 * The common loop: `scan(pt)` polls everything and returns the ready count (or -errno).
 * Resolves once something is ready, the time is up, or a signal arrives.
 */
function do_poll_loop(t: Task, scan: (pt: PollTable | null) => number, timeout_ms: number): SysRet {
  const wait = new PollWqueues();
  const n = scan(timeout_ms === 0 ? null : wait);
  if (n !== 0 || timeout_ms === 0) return n;
  const deadline = timeout_ms < 0 ? -1 : Date.now() + timeout_ms;
  const loop = async (): Promise<number> => {
    for (;;) {
      if (signal_pending(t)) return -EINTR;
      const left = deadline < 0 ? -1 : Math.max(0, deadline - Date.now());
      if (deadline >= 0 && left === 0) return 0;
      await sleep_on(t, wait.wqs, left);
      const r = scan(null);
      if (r !== 0) return r;
    }
  };
  return loop();
}

/** do_sys_poll(): pollfd[] in, revents out. */
function do_sys_poll(t: Task, ufds: UserPtr, nfds: number, timeout_ms: number): SysRet {
  if (nfds > t.rlim[RLIMIT_NOFILE].cur) return -EINVAL;
  const buf = new Uint8Array(nfds * 8), dv = new DataView(buf.buffer);
  if (nfds && copy_from_user(t, buf, 0, ufds, nfds * 8)) return -EFAULT;
  const scan = (pt: PollTable | null): number => {
    let count = 0;
    for (let i = 0; i < nfds; i++) {
      const fd = dv.getInt32(i * 8, true);
      let rev = 0;
      if (fd >= 0) {
        const f = t.files.fcheck(fd);
        const want = dv.getUint16(i * 8 + 4, true) | POLLERR | POLLHUP;
        rev = !f ? POLLNVAL : f.f_op.poll ? f.f_op.poll(f, t, pt) & want : (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM) & want;
      }
      dv.setUint16(i * 8 + 6, rev, true);
      if (rev) count++;
    }
    return count;
  };
  const finish = (r: number): number => {
    if (r < 0) return r;
    return nfds && copy_to_user(t, ufds, buf, 0, nfds * 8) ? -EFAULT : r;
  };
  const r = do_poll_loop(t, scan, timeout_ms);
  return sys_then(t, r, finish);
}

export const sys_poll = (t: Task, ufds: UserPtr, nfds: number, timeout: number): SysRet =>
  do_sys_poll(t, ufds, nfds, timeout < 0 ? -1 : timeout);

/**
 * Runs body with the user's sigset (8 bytes) as the blocked mask, restoring the old one after.
 * A signal left pending by the swap is delivered once unblocked.
 */
export function with_sigmask(t: Task, usig: UserPtr, sigsz: number, body: () => SysRet): SysRet {
  if (!usig) return body();
  if (sigsz !== 8) return -EINVAL;
  const m = new Uint8Array(8);
  if (copy_from_user(t, m, 0, usig, 8)) return -EFAULT;
  const dv = new DataView(m.buffer);
  const lo = t.blocked_lo, hi = t.blocked_hi;
  t.blocked_lo = dv.getUint32(0, true) & ~((1 << 8) | (1 << 18)); t.blocked_hi = dv.getUint32(4, true); // never SIGKILL/SIGSTOP
  const restore = (r: number): number => { t.blocked_lo = lo; t.blocked_hi = hi; return r; };
  const r = body();
  return sys_then(t, r, restore);
}

export function sys_ppoll(t: Task, ufds: UserPtr, nfds: number, uts: UserPtr, usig: UserPtr, sigsz: number): SysRet {
  const ms = read_timeout(t, uts, false);
  if (uts && ms < 0) return ms;
  return with_sigmask(t, usig, sigsz, () => do_sys_poll(t, ufds, nfds, ms));
}

const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET = POLLPRI;

/** core_sys_select(): three fd_set bitmaps of n bits, rewritten with the ready fds. */
function core_sys_select(t: Task, n: number, uin: UserPtr, uout: UserPtr, uex: UserPtr, timeout_ms: number): SysRet {
  if (n < 0) return -EINVAL;
  n = Math.min(n, t.files.fd.length);
  const bytes = Math.ceil(n / 64) * 8;
  const sets = [uin, uout, uex].map((u) => {
    const b = new Uint8Array(bytes);
    return u && bytes && copy_from_user(t, b, 0, u, bytes) ? null : b;
  });
  if (sets.includes(null)) return -EFAULT;
  const [inb, outb, exb] = sets as Uint8Array[];
  const res = [new Uint8Array(bytes), new Uint8Array(bytes), new Uint8Array(bytes)];
  for (let fd = 0; fd < n; fd++) {
    const bit = 1 << (fd & 7), i = fd >> 3;
    if ((inb[i] | outb[i] | exb[i]) & bit && !t.files.fcheck(fd)) return -EBADF;
  }
  const scan = (pt: PollTable | null): number => {
    let count = 0;
    for (let fd = 0; fd < n; fd++) {
      const bit = 1 << (fd & 7), i = fd >> 3;
      if (!((inb[i] | outb[i] | exb[i]) & bit)) continue;
      const f = t.files.fcheck(fd);
      if (!f) continue;
      const mask = f.f_op.poll ? f.f_op.poll(f, t, pt) : POLLIN_SET | POLLOUT_SET;
      if (inb[i] & bit && mask & POLLIN_SET) { res[0][i] |= bit; count++; }
      if (outb[i] & bit && mask & POLLOUT_SET) { res[1][i] |= bit; count++; }
      if (exb[i] & bit && mask & POLLEX_SET) { res[2][i] |= bit; count++; }
    }
    return count;
  };
  const finish = (r: number): number => {
    if (r < 0) return r;
    const us = [uin, uout, uex];
    for (let k = 0; k < 3; k++) if (us[k] && bytes && copy_to_user(t, us[k], res[k], 0, bytes)) return -EFAULT;
    return r;
  };
  const r = do_poll_loop(t, scan, timeout_ms);
  return sys_then(t, r, finish);
}

/** select(2): the timeval is updated with the time left, as Linux does. */
export function sys_select(t: Task, n: number, uin: UserPtr, uout: UserPtr, uex: UserPtr, utv: UserPtr): SysRet {
  const ms = read_timeout(t, utv, true);
  if (utv && ms < 0) return ms;
  const start = Date.now();
  const r = core_sys_select(t, n, uin, uout, uex, ms);
  const upd = (v: number): number => {
    if (utv && v >= 0) {
      const left = Math.max(0, ms - (Date.now() - start));
      put_user_u64(t, utv, Math.floor(left / 1000)); put_user_u64(t, user_ptr_add(utv, 8), Math.floor((left % 1000) * 1000));
    }
    return v;
  };
  return sys_then(t, r, upd);
}

/** pselect6: the sixth argument points at { const sigset_t *ss; size_t ss_len; }. */
export function sys_pselect6(t: Task, n: number, uin: UserPtr, uout: UserPtr, uex: UserPtr, uts: UserPtr, usig: UserPtr): SysRet {
  const ms = read_timeout(t, uts, false);
  if (uts && ms < 0) return ms;
  let ss = USER_NULL, sslen = 0;
  if (usig) {
    if (get_user_u64(t, usig)) return -EFAULT;
    ss = as_user_ptr(t.cpu.uval); // the sigset_t * of pselect6's struct
    if (get_user_u64(t, user_ptr_add(usig, 8))) return -EFAULT;
    sslen = t.cpu.uval;
  }
  return with_sigmask(t, ss, sslen, () => core_sys_select(t, n, uin, uout, uex, ms));
}
