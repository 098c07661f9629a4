/**
 * Resource usage (kernel/sys.c getrusage() and times(), and wait4's rusage from kernel/exit.c): user and
 * system CPU time from the cycle model (cycles ÷ the profile's clock, as the CPU-time clocks).
 * A process's own time sums its threads; RUSAGE_CHILDREN sums the children it has waited for
 * (and theirs), added when each is reaped. https://man7.org/linux/man-pages/man2/getrusage.2.html
 */
import type { Kernel } from './kernel.ts';
import { EFAULT, EINVAL } from './include/uapi/errno.ts';
import { copy_to_user } from './mm/uaccess.ts';
import { account } from './sched/core.ts';
import type { Task } from './sched/task.ts';
import type { SyscallDef } from './syscalls/syscall_def.ts';
import { CLOCK_BOOTTIME, clock_ns } from './time/posix-timers.ts';
import { StateKey, state_of, state_set } from './include/linux/ext_state.ts';
import type { UserPtr } from './include/linux/compiler_types.ts';

export const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
/** struct rusage: two timevals and fourteen longs. */
const RUSAGE_SIZE = 144;

/** signal_struct's cutime/cstime (in cycles): the reaped children's times. */
interface ChildTimes { utime: number; stime: number }

const CHILD_TIMES = new StateKey<Task, ChildTimes>('rusage_children', () => ({ utime: 0, stime: 0 }));
/** The total a reaped child leaves for wait4's rusage. */
const REAPED_TOTAL = new StateKey<Task, ChildTimes>('rusage_total', child_total);
/** Once per kernel: a child starts with no reaped children's times (fork copies task state). */
const FORK_HOOK = new StateKey<Kernel, true>('rusage_fork', (k) => {
  k.fork_hooks.push((_p, ch) => { state_set(ch, CHILD_TIMES, undefined); });
  return true;
});

function children_of(leader: Task): ChildTimes {
  state_of(leader.kernel, FORK_HOOK);
  return state_of(leader, CHILD_TIMES);
}

/** The process's own times: the threads of its group still in the table (and the leader). */
function group_times(p: Task): ChildTimes {
  let utime = p.utime, stime = p.stime;
  for (const x of p.kernel.tasks.values()) if (x.tgid === p.tgid && x !== p) { utime += x.utime; stime += x.stime; }
  return { utime, stime };
}

/** The caller's own times, its running slice charged first. */
function self_times(t: Task): ChildTimes {
  account(t, false);
  return group_times(t.kernel.tasks.get(t.tgid) ?? t);
}

/** A child's times and its reaped children's (what wait4 reports for it). */
function child_total(child: Task): ChildTimes {
  const own = group_times(child), theirs = children_of(child);
  return { utime: own.utime + theirs.utime, stime: own.stime + theirs.stime };
}

/** wait_task_zombie(), before the child leaves the table: the parent takes its total (kept for wait4's rusage). */
export function account_reaped(parent: Task, child: Task): void {
  const total = child_total(child);
  state_set(child, REAPED_TOTAL, total);
  const into = children_of(parent.kernel.tasks.get(parent.tgid) ?? parent);
  into.utime += total.utime;
  into.stime += total.stime;
}

const ru = new Uint8Array(RUSAGE_SIZE);
const rv = new DataView(ru.buffer);

/** Writes a struct rusage holding only the two times (cycles); false on a fault. */
function put_rusage(t: Task, uaddr: UserPtr, times: ChildTimes): boolean {
  ru.fill(0);
  const tv = (o: number, cycles: number): void => {
    const us = Math.floor((cycles / t.kernel.cpu.profile.hz) * 1e6);
    rv.setUint32(o, Math.floor(us / 1e6), true); rv.setUint32(o + 8, us % 1e6, true);
  };
  tv(0, times.utime); tv(16, times.stime);
  return copy_to_user(t, uaddr, ru, 0, RUSAGE_SIZE) === 0;
}

/** wait4()/waitid()'s rusage: the child's own times and its reaped children's. */
export function put_child_rusage(t: Task, uaddr: UserPtr, child: Task): boolean {
  return put_rusage(t, uaddr, state_of(child, REAPED_TOTAL));
}

export function sys_getrusage(t: Task, who: number, uaddr: UserPtr): number {
  let times: ChildTimes;
  if (who === RUSAGE_SELF) times = self_times(t);
  else if (who === RUSAGE_CHILDREN) times = { ...children_of(t.kernel.tasks.get(t.tgid) ?? t) };
  else if (who === RUSAGE_THREAD) { account(t, false); times = { utime: t.utime, stime: t.stime }; }
  else return -EINVAL;
  return put_rusage(t, uaddr, times) ? 0 : -EFAULT;
}

/** USER_HZ, the clock_t unit; and the jiffies behind times()'s return (CONFIG_HZ=250, INITIAL_JIFFIES). */
const USER_HZ = 100, HZ = 250, INITIAL_JIFFIES = 2 ** 32 - 300 * HZ;
const tms = new Uint8Array(32);
const tmsv = new DataView(tms.buffer);

/**
 * times(2): the process's and its waited-for children's CPU times in clock ticks, and the ticks
 * since boot, counted from INITIAL_JIFFIES as Linux does (so the value is large from the start).
 */
export function sys_times(t: Task, ubuf: UserPtr): number {
  if (ubuf) {
    const hz = t.kernel.cpu.profile.hz, ticks = (cycles: number): number => Math.floor((cycles / hz) * USER_HZ);
    const own = self_times(t), kids = children_of(t.kernel.tasks.get(t.tgid) ?? t);
    [own.utime, own.stime, kids.utime, kids.stime].forEach((c, i) => { tmsv.setUint32(i * 8, ticks(c) % 2 ** 32, true); tmsv.setUint32(i * 8 + 4, 0, true); });
    if (copy_to_user(t, ubuf, tms, 0, 32)) return -EFAULT;
  }
  const jiffies = INITIAL_JIFFIES + Math.floor((clock_ns(t, CLOCK_BOOTTIME) * HZ) / 1e9);
  return Math.floor((jiffies * USER_HZ) / HZ);
}

export const rusage_syscalls: readonly SyscallDef[] = [
  { name: 'times', fn: sys_times, args: ['ptr'] },
  { name: 'getrusage', fn: sys_getrusage, args: ['int', 'ptr'], support: 'partial', note: 'ru_utime and ru_stime only (the cycle model\'s CPU time); ru_maxrss and the fault, block I/O, signal and context-switch counts are 0; a thread\'s time is lost from RUSAGE_CHILDREN if it exits before its process is reaped' },
];
