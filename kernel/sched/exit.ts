/**
 * Process and thread exit and reaping (kernel/exit.c, kernel/fork.c mm_release): exit,
 * exit_group, wait4 with Linux's status encoding, reparenting, SIGCHLD, clear_child_tid.
 */
import { ECHILD, EFAULT, EINVAL, ESRCH } from '../include/uapi/errno.ts';
import { SIGCHLD, SIG_IGN, SA_NOCLDWAIT, SIGKILL, SIGCONT } from '../include/uapi/signal.ts';
import {
  WNOHANG, WUNTRACED, WSTOPPED, WEXITED, WCONTINUED, WNOWAIT, __WNOTHREAD, __WALL, __WCLONE, P_ALL, P_PID, P_PGID,
  CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED,
} from '../include/uapi/wait.ts';
import { zap_page_range } from '../mm/memory.ts';
import { copy_to_user, put_user_u32 } from '../mm/uaccess.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { send_signal } from './signal.ts';
import { SigInfo } from './siginfo.ts';
import { EXIT_DEAD, EXIT_ZOMBIE, TASK_RUNNING, type Task } from './task.ts';
import { wait_event_interruptible, wake_up_task, sys_then } from './wait.ts';
import type { MmStruct } from '../mm/mm_types.ts';
import type { Kernel } from '../kernel.ts';
import { KERN_ALERT, KERN_EMERG } from '../printk.ts';
import { futex_exit_release, futex_wake } from '../futex.ts';
import { FUTEX_BITSET_MATCH_ANY } from '../include/uapi/futex.ts';
import { account_reaped, put_child_rusage } from '../rusage.ts';
import { USER_NULL, type UserPtr } from '../include/linux/compiler_types.ts';

/** Unwinds a task's user code (its JS stack) back to the task runner. */
export class UserUnwind extends Error {}

/** The task has exited: its user code must stop. */
export class TaskExit extends UserUnwind {
  constructor(readonly pid: number) { super(`task ${pid} exited`); }
}

/** execve succeeded: the old image's code must stop; the runner starts the new one. */
export class ExecReplace extends UserUnwind {
  constructor(readonly pid: number) { super(`task ${pid} replaced its image`); }
}

export { WNOHANG, WUNTRACED, WCONTINUED, __WALL, __WCLONE };

/** Wait status for a normal exit / a death by signal (include/uapi/linux/wait.h). */
export const W_EXITCODE = (code: number): number => (code & 0xff) << 8;

/** Drops an address space reference; the last one frees every page and table (mmput). */
export function mmput(k: Kernel, mm: MmStruct): void {
  if (--mm.users > 0) return;
  for (const v of mm.vmas) { zap_page_range(k.cpu, mm, v.start, v.end); v.file?.put(); } // exit_mmap: remove_vma drops vm_file
  mm.vmas = [];
  mm.pt.free_user_tables();
  k.phys.put_page(mm.pt.root);
  if (k.cpu.mm === mm) k.cpu.mm = null;
}

/** do_exit(): releases the task's resources, makes it a zombie and tells the parent. */
export function do_exit(t: Task, status: number): never {
  if (t.alive) exit_notify_and_release(t, status);
  throw new TaskExit(t.pid);
}

function exit_notify_and_release(t: Task, status: number): void {
  const k = t.kernel;
  t.exit_code = status;
  t.exit_state = EXIT_ZOMBIE;
  if (t.state !== TASK_RUNNING) { t.sleeping = null; k.nr_running++; }
  t.state = TASK_RUNNING;
  k.nr_running--;
  exit_step(t, 'futex', () => futex_exit_release(t));
  for (const hook of k.exit_hooks) exit_step(t, 'exit hook', () => hook(t));
  exit_step(t, 'exit_mm', () => exit_mm(t));
  exit_step(t, 'exit_files', () => exit_files(t));
  if (k.current === t) k.current = null;
  forget_original_parent(t);
  exit_notify(t);
}

/**
 * One step of releasing a dying task's resources. A kernel bug in it is an oops like any other,
 * but the exit carries on: the task must still become a zombie and its parent be told, or
 * every waiter on it would hang (Linux would leave a stuck task behind).
 */
function exit_step(t: Task, what: string, step: () => void): void {
  try { step(); } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    t.kernel.printk(KERN_ALERT, `BUG: in ${what} of exiting task ${t.comm}[${t.pid}]: ${err.message}`);
    t.kernel.printk(KERN_EMERG, `Oops: ${err.name} while exiting; exit continues`);
  }
}

/**
 * mm_release(): a thread sharing its mm zeroes its clear_child_tid word and wakes one futex
 * waiter on it (pthread_join); then mmput.
 */
function exit_mm(t: Task): void {
  const mm = t.mm;
  if (!mm) return;
  if (t.clear_child_tid) {
    if (mm.users > 1 && put_user_u32(t, t.clear_child_tid, 0) === 0) {
      futex_wake(t, t.clear_child_tid, true, 1, FUTEX_BITSET_MATCH_ANY);
    }
    t.clear_child_tid = USER_NULL;
  }
  t.mm = null;
  mmput(t.kernel, mm);
}

/** exit_files(): the fd table closes with its last user (CLONE_FILES threads share it). */
function exit_files(t: Task): void {
  const files = t.files;
  if (!files) return;
  for (const x of t.kernel.tasks.values()) if (x !== t && x.alive && x.files === files) return;
  files.close_all(false);
}

/** A live thread of t's group other than t (find_alive_thread), or null. */
function find_alive_thread(t: Task): Task | null {
  for (const x of t.kernel.tasks.values()) if (x !== t && x.tgid === t.tgid && x.alive) return x;
  return null;
}

/** forget_original_parent(): children go to a live thread of the group, else init, else are reaped. */
function forget_original_parent(t: Task): void {
  const init = t.kernel.tasks.get(1);
  const reaper = find_alive_thread(t) ?? (init && init !== t && init.alive ? init : null);
  for (const c of t.children) {
    c.parent = reaper;
    if (reaper) reaper.children.add(c);
    else if (c.exit_state === EXIT_ZOMBIE) release_task(c);
  }
  t.children.clear();
}

/**
 * exit_notify(): a non-leader thread is reaped at once. A leader tells its parent when it is
 * the last of its group; while other threads live it stays a silent zombie
 * (delay_group_leader), and the last thread to go notifies for it (release_task).
 */
function exit_notify(t: Task): void {
  if (t.pid === t.tgid) {
    if (!find_alive_thread(t)) do_notify_parent(t);
    return;
  }
  t.notify_exit(t.exit_code);
  release_task(t);
  const leader = t.kernel.tasks.get(t.tgid);
  if (leader && leader.exit_state === EXIT_ZOMBIE && !find_alive_thread(leader)) do_notify_parent(leader);
}

/** The SIGCHLD siginfo of an exited child: CLD_EXITED with its status, or CLD_KILLED/CLD_DUMPED with the signal. */
function chld_info(t: Task): SigInfo {
  const s = t.exit_code, sig = s & 0x7f;
  return SigInfo.chld(t.exit_signal, sig ? (s & 0x80 ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED, t, sig ? sig : (s >> 8) & 0xff);
}

/** do_notify_parent(): the exit signal and a wait4 wake-up, or self-reaping. */
function do_notify_parent(t: Task): void {
  const p = t.parent;
  const autoreap = !p || !p.alive || (t.exit_signal === SIGCHLD &&
    (p.sighand.action[SIGCHLD].handler === SIG_IGN || (p.sighand.action[SIGCHLD].flags & SA_NOCLDWAIT) !== 0));
  if (p && p.alive && t.exit_signal) send_signal(p, t.exit_signal, chld_info(t));
  if (p) p.wait_chldexit.wake_up();
  t.wait_pidfd.wake_up(); // do_notify_pidfd()
  t.notify_exit(t.exit_code);
  if (autoreap) release_task(t);
}

/** Removes a reaped task from the pid table. */
function release_task(t: Task): void {
  t.exit_state = EXIT_DEAD;
  t.parent?.children.delete(t);
  t.kernel.tasks.delete(t.pid);
}

/** do_group_exit(): ends every thread of t's group with the status (a code or a signal). */
export function do_group_exit(t: Task, status: number): never {
  zap_other_threads(t, status);
  do_exit(t, status);
}

/** zap_other_threads(): ends every other thread of t's group (exit_group, and execve's de_thread). */
export function zap_other_threads(t: Task, status: number): void {
  for (const x of [...t.kernel.tasks.values()]) {
    if (x !== t && x.tgid === t.tgid && x.alive) { exit_notify_and_release(x, status); wake_up_task(x); }
  }
}

export function sys_exit(t: Task, code: number): number { return do_exit(t, W_EXITCODE(code)); }
export function sys_exit_group(t: Task, code: number): number { return do_group_exit(t, W_EXITCODE(code)); }

/** Which children a wait4 pid argument selects: one pid, the caller's group (0), any (-1), group -pid. */
function eligible(t: Task, c: Task, pid: number): boolean {
  if (pid > 0) return c.pid === pid;
  if (pid === -1) return true;
  return c.pgrp === (pid === 0 ? t.pgrp : -pid);
}

/** One state change of a child that wait can report (wait_task_zombie / _stopped / _continued). */
interface WaitResult { child: Task; code: number; status: number; wstatus: number }

/**
 * do_wait's scan: the first eligible child with something to report under `options` (WEXITED,
 * WSTOPPED, WCONTINUED, WNOWAIT), reaping or consuming it unless WNOWAIT; null if none is
 * ready now, -ECHILD if there is no eligible child at all.
 */
function wait_consider(t: Task, select: (c: Task) => boolean, options: number): WaitResult | null | number {
  let any = false;
  for (const c of t.children) {
    if (!select(c)) continue;
    any = true;
    const r = wait_one(c, options);
    if (r) return r;
  }
  return any ? null : -ECHILD;
}

function wait_one(c: Task, options: number): WaitResult | null {
  const keep = (options & WNOWAIT) !== 0;
  if (c.exit_state === EXIT_ZOMBIE) {
    if (!(options & WEXITED) || find_alive_thread(c)) return null; // delay_group_leader
    const ws = c.exit_code, sig = ws & 0x7f;
    if (!keep) { account_reaped(c.parent ?? c, c); release_task(c); }
    return { child: c, wstatus: ws, code: sig === 0 ? CLD_EXITED : ws & 0x80 ? CLD_DUMPED : CLD_KILLED, status: sig === 0 ? (ws >> 8) & 0xff : sig };
  }
  if (c.wait_report === CLD_STOPPED && c.group_stop_sig && options & WSTOPPED) {
    if (!keep) c.wait_report = 0;
    return { child: c, wstatus: (c.group_stop_sig << 8) | 0x7f, code: CLD_STOPPED, status: c.group_stop_sig };
  }
  if (c.wait_report === CLD_CONTINUED && options & WCONTINUED) {
    if (!keep) c.wait_report = 0;
    return { child: c, wstatus: 0xffff, code: CLD_CONTINUED, status: SIGCONT };
  }
  return null;
}

/** do_wait(): scans, and sleeps on wait_chldexit until something is reportable (unless WNOHANG). */
function do_wait(t: Task, select: (c: Task) => boolean, options: number,
                 done: (r: WaitResult | null) => number): number | Promise<number> {
  const r = wait_consider(t, select, options);
  if (r !== null || options & WNOHANG) return typeof r === 'number' ? r : done(r);
  let result: WaitResult | null | number = null;
  const w = wait_event_interruptible(t, t.wait_chldexit, () => (result = wait_consider(t, select, options)) !== null);
  return sys_then(t, w, (err) => (err < 0 ? err : typeof result === 'number' ? result : done(result)));
}

/** wait4(2) */
export function sys_wait4(t: Task, pid: number, wstatus: UserPtr, options: number, rusage: UserPtr): number | Promise<number> {
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  if (pid === -0x80000000) return -ESRCH; // -INT_MIN names no process group
  return do_wait(t, (c) => eligible(t, c, pid), (options & ~__WALL) | WEXITED, (r) => {
    if (!r) return 0;
    if (wstatus && put_user_u32(t, wstatus, r.wstatus)) return -EFAULT;
    if (rusage && !put_child_rusage(t, rusage, r.child)) return -EFAULT;
    return r.child.pid;
  });
}

const siginfo = new Uint8Array(128);
const siginfo_dv = new DataView(siginfo.buffer);

/** Fills a SIGCHLD siginfo_t: si_signo, si_errno, si_code, then si_pid, si_uid, si_status at 16. */
function put_siginfo_chld(t: Task, infop: UserPtr, r: WaitResult | null): boolean {
  siginfo.fill(0);
  if (r) {
    siginfo_dv.setInt32(0, SIGCHLD, true);
    siginfo_dv.setInt32(8, r.code, true);
    siginfo_dv.setInt32(16, r.child.pid, true);
    siginfo_dv.setInt32(20, r.child.cred.uid, true);
    siginfo_dv.setInt32(24, r.status, true);
  }
  return copy_to_user(t, infop, siginfo, 0, siginfo.length) === 0;
}

/** waitid(2): P_ALL, P_PID, P_PGID; WEXITED, WSTOPPED, WCONTINUED, WNOHANG, WNOWAIT. */
export function sys_waitid(t: Task, idtype: number, id: number, infop: UserPtr, options: number, rusage: UserPtr): number | Promise<number> {
  if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return -EINVAL;
  let select: (c: Task) => boolean;
  if (idtype === P_ALL) select = () => true;
  else if (idtype === P_PID) { if (id <= 0) return -EINVAL; select = (c) => c.pid === id; }
  else if (idtype === P_PGID) { if (id < 0) return -EINVAL; const g = id || t.pgrp; select = (c) => c.pgrp === g; }
  else return -EINVAL;
  return do_wait(t, select, options, (r) => {
    if (infop && !put_siginfo_chld(t, infop, r)) return -EFAULT;
    return rusage && r && !put_child_rusage(t, rusage, r.child) ? -EFAULT : 0;
  });
}

/** Kills a task from the kernel (oops, fdcap's kill policy): SIGKILL semantics. */
export function kill_task(t: Task, sig = SIGKILL): void {
  if (t.alive) { send_signal(t, sig); }
}

export const exit_syscalls: readonly SyscallDef[] = [
  { name: 'exit', fn: sys_exit, args: ['int'] },
  { name: 'exit_group', fn: sys_exit_group, args: ['int'] },
  { name: 'wait4', fn: sys_wait4, args: ['int', 'wstatus', 'waitopts', 'ptr'], support: 'partial', note: 'rusage holds the CPU times only (see getrusage); a thread waits only for its own children (as with __WNOTHREAD)' },
  { name: 'waitid', fn: sys_waitid, args: ['int', 'int', 'ptr', 'int hex', 'ptr'], support: 'partial', note: 'no P_PIDFD; rusage holds the CPU times only (see getrusage); a thread waits only for its own children' },
];
