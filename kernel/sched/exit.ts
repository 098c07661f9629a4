/**
 * Process and thread exit and reaping (kernel/exit.c, kernel/fork.c mm_release): exit,
 * exit_group, wait4 with Linux's status encoding, reparenting, SIGCHLD, clear_child_tid.
 */
import { ECHILD, EFAULT, EINVAL } from '../include/uapi/errno.ts';
import { SIGCHLD, SIG_IGN, SA_NOCLDWAIT, SIGKILL } from '../include/uapi/signal.ts';
import { zap_page_range } from '../mm/memory.ts';
import { put_user_u32 } from '../mm/uaccess.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { CLD_EXITED, CLD_KILLED, send_sig_info, send_signal, type SigInfo } from './signal.ts';

/** The SIGCHLD siginfo of a child that has exited (do_notify_parent). */
function child_info(t: Task): SigInfo {
  const sig = t.exit_code & 0x7f;
  return { code: sig ? CLD_KILLED : CLD_EXITED, pid: t.tgid, uid: t.cred.uid, status: sig || (t.exit_code >> 8) & 0xff };
}
import { EXIT_DEAD, EXIT_ZOMBIE, TASK_RUNNING, type Task } from './task.ts';
import { wait_event_interruptible, wake_up_task } from './wait.ts';
import type { MmStruct } from '../mm/mm_types.ts';
import type { Kernel } from '../kernel.ts';
import { KERN_ALERT, KERN_EMERG } from '../printk.ts';
import { futex_exit_release, futex_wake } from '../futex.ts';
import { FUTEX_BITSET_MATCH_ANY } from '../include/uapi/futex.ts';

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

export const WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, __WALL = 0x40000000, __WCLONE = 0x80000000;

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
    if (mm.users > 1 && put_user_u32(t, t.clear_child_tid, 0)) {
      futex_wake(t, t.clear_child_tid, true, 1, FUTEX_BITSET_MATCH_ANY);
    }
    t.clear_child_tid = 0;
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

/** do_notify_parent(): the exit signal and a wait4 wake-up, or self-reaping. */
function do_notify_parent(t: Task): void {
  const p = t.parent;
  const autoreap = !p || !p.alive || (t.exit_signal === SIGCHLD &&
    (p.sighand.action[SIGCHLD].handler === SIG_IGN || (p.sighand.action[SIGCHLD].flags & SA_NOCLDWAIT) !== 0));
  if (p && p.alive && t.exit_signal) send_sig_info(p, t.exit_signal, child_info(t));
  if (p) p.wait_chldexit.wake_up();
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

/** Which children a wait4 pid argument selects (no process groups: 0 and < -1 mean any). */
function eligible(c: Task, pid: number): boolean {
  return pid === -1 || pid === 0 || pid < -1 || c.pid === pid;
}

/** wait4(2) */
export function sys_wait4(t: Task, pid: number, wstatus: number, options: number, rusage: number): number | Promise<number> {
  pid |= 0; // pid_t upid: 0xffffffff is -1 (any child)
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE)) return -EINVAL;
  const reap = (): number => {
    let any = false;
    for (const c of t.children) {
      if (!eligible(c, pid)) continue;
      any = true;
      if (c.exit_state !== EXIT_ZOMBIE || find_alive_thread(c)) continue; // delay_group_leader
      if (wstatus && !put_user_u32(t, wstatus, c.exit_code)) return -EFAULT;
      if (rusage) { /* struct rusage is left untouched: see the support matrix */ }
      release_task(c);
      return c.pid;
    }
    return any ? 0 : -ECHILD;
  };
  const r = reap();
  if (r !== 0 || options & WNOHANG) return r;
  let result = 0;
  return wait_event_interruptible(t, t.wait_chldexit, () => (result = reap()) !== 0)
    .then((err) => (err < 0 ? err : result));
}

/** Kills a task from the kernel (oops, fdcap's kill policy): SIGKILL semantics. */
export function kill_task(t: Task, sig = SIGKILL): void {
  if (t.alive) { send_signal(t, sig); }
}

export const exit_syscalls: SyscallDef[] = [
  { name: 'exit', fn: sys_exit, args: ['int'] },
  { name: 'exit_group', fn: sys_exit_group, args: ['int'] },
  { name: 'wait4', fn: sys_wait4, args: ['int', 'wstatus', 'waitopts', 'ptr'], support: 'partial', note: 'rusage is not filled; no process groups; no stopped/continued children; a thread waits only for its own children (as with __WNOTHREAD)' },
];
