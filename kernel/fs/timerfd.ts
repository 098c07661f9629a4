/**
 * timerfd (fs/timerfd.c): a timer on CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME (and
 * their _ALARM variants) read as a file. read(2) returns the number of expirations since the
 * last read as a u64 (blocking, or EAGAIN with O_NONBLOCK, while there are none); poll reports
 * POLLIN once it has expired. timerfd_settime arms it relative or at an absolute time
 * (TFD_TIMER_ABSTIME), with a period; timerfd_gettime reports the time left and the period.
 */
import { EAGAIN, EBADF, EFAULT, EINVAL, ERESTARTSYS } from '../include/uapi/errno.ts';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../include/uapi/fcntl.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { sleep_on, WaitQueueHead } from '../sched/wait.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { KTimer } from '../time/hrtimer.ts';
import { get_itimerspec, put_itimerspec, timespec_valid } from '../time/itimerspec.ts';
import { CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_REALTIME } from '../time/posix-timers.ts';
import { anon_inode_getfile } from './anon_inodes.ts';
import { install_fd } from './file_table.ts';
import type { File, FileOperations, SysRet } from './fs_types.ts';
import { POLLIN, poll_wait } from './poll_types.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const TFD_CLOEXEC = O_CLOEXEC, TFD_NONBLOCK = O_NONBLOCK;
export const TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
const CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9;

/** struct timerfd_ctx */
class TimerfdCtx {
  /** Expirations counted and not yet read. */
  ticks = 0;
  settime_flags = 0;
  readonly wqh = new WaitQueueHead();
  /** creator: the task whose kernel's clocks the timer reads. */
  constructor(readonly clockid: number, readonly timer: KTimer, readonly creator: Task) {}

  /** Folds the expirations up to now into ticks. */
  update(t: Task): number { this.ticks += this.timer.expire(t); return this.ticks; }
}

/** The clock a timerfd clock id runs on (the _ALARM clocks only add waking from suspend). */
function base_clock(clockid: number): number {
  return clockid === CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : clockid === CLOCK_BOOTTIME_ALARM ? CLOCK_BOOTTIME : clockid;
}

const u64 = new Uint8Array(8);
const u64v = new DataView(u64.buffer);

function take_ticks(t: Task, ctx: TimerfdCtx, ubuf: UserPtr): number {
  u64v.setUint32(0, ctx.ticks % 2 ** 32, true); u64v.setUint32(4, Math.floor(ctx.ticks / 2 ** 32), true);
  if (copy_to_user(t, ubuf, u64, 0, 8)) return -EFAULT;
  ctx.ticks = 0;
  return 8;
}

async function timerfd_wait(t: Task, ctx: TimerfdCtx, ubuf: UserPtr): Promise<number> {
  while (!ctx.update(t)) {
    if (signal_pending(t)) return -ERESTARTSYS;
    const left = ctx.timer.armed ? Math.ceil(ctx.timer.remaining(t) / 1e6) : -1;
    await sleep_on(t, [ctx.wqh], left);
  }
  return take_ticks(t, ctx, ubuf);
}

const timerfd_fops: FileOperations = {
  read(f: File, t: Task, ubuf: UserPtr, count: number): SysRet {
    const ctx = f.private_data as TimerfdCtx;
    if (count < 8) return -EINVAL;
    if (ctx.update(t)) return take_ticks(t, ctx, ubuf);
    if (f.f_flags & O_NONBLOCK) return -EAGAIN;
    return timerfd_wait(t, ctx, ubuf);
  },
  poll(f, t, pt) {
    const ctx = f.private_data as TimerfdCtx;
    poll_wait(pt, ctx.wqh);
    if (ctx.update(t)) return POLLIN;
    // Wake the queue at the expiry (again after an early host timer, or for epoll's re-check).
    ctx.timer.wake_at(t, () => ctx.wqh.wake_up());
    return 0;
  },
  release(_inode, f) { (f.private_data as TimerfdCtx).timer.cancel_wake(); },
  show_fdinfo(f) {
    const ctx = f.private_data as TimerfdCtx, tm = ctx.timer;
    const ts = (ns: number): string => `(${Math.floor(ns / 1e9)}, ${ns % 1e9})`;
    return `clockid: ${ctx.clockid}\nticks: ${ctx.ticks}\nsettime flags: 0${ctx.settime_flags.toString(8)}\n` +
      `it_value: ${ts(tm.remaining(ctx.creator))}\nit_interval: ${ts(tm.interval)}\n`;
  },
};

export function sys_timerfd_create(t: Task, clockid: number, flags: number): number {
  if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK)) return -EINVAL;
  if (clockid !== CLOCK_MONOTONIC && clockid !== CLOCK_REALTIME && clockid !== CLOCK_REALTIME_ALARM &&
      clockid !== CLOCK_BOOTTIME && clockid !== CLOCK_BOOTTIME_ALARM) return -EINVAL;
  const ctx = new TimerfdCtx(clockid, new KTimer(base_clock(clockid)), t);
  const f = anon_inode_getfile('[timerfd]', timerfd_fops, ctx, O_RDWR | (flags & O_NONBLOCK));
  return install_fd(t, f, (flags & TFD_CLOEXEC) !== 0);
}

function timerfd_fget(t: Task, fd: number): TimerfdCtx | number {
  const f = t.files.fcheck(fd);
  if (!f) return -EBADF;
  return f.f_op === timerfd_fops ? f.private_data as TimerfdCtx : -EINVAL;
}

/** The current setting: the period and the time left (folding expirations of a periodic timer into ticks). */
function timerfd_current(t: Task, ctx: TimerfdCtx): [number, number] {
  ctx.update(t);
  return [ctx.timer.interval, ctx.timer.remaining(t)];
}

export function sys_timerfd_settime(t: Task, fd: number, flags: number, utmr: UserPtr, otmr: UserPtr): number {
  const v = get_itimerspec(t, utmr);
  if (!v) return -EFAULT;
  if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) || !timespec_valid(v[0], v[1]) || !timespec_valid(v[2], v[3])) return -EINVAL;
  const ctx = timerfd_fget(t, fd);
  if (typeof ctx === 'number') return ctx;
  const [oint, oval] = timerfd_current(t, ctx);
  ctx.ticks = 0;
  ctx.settime_flags = flags & TFD_TIMER_ABSTIME;
  ctx.timer.arm(t, v[2] * 1e9 + v[3], v[0] * 1e9 + v[1], (flags & TFD_TIMER_ABSTIME) !== 0);
  ctx.wqh.wake_up();
  if (otmr && !put_itimerspec(t, otmr, oint, oval)) return -EFAULT;
  return 0;
}

export function sys_timerfd_gettime(t: Task, fd: number, otmr: UserPtr): number {
  const ctx = timerfd_fget(t, fd);
  if (typeof ctx === 'number') return ctx;
  const [interval, value] = timerfd_current(t, ctx);
  return put_itimerspec(t, otmr, interval, value) ? 0 : -EFAULT;
}

export const timerfd_syscalls: readonly SyscallDef[] = [
  { name: 'timerfd_create', fn: sys_timerfd_create, args: ['clockid', 'int hex'] },
  { name: 'timerfd_settime', fn: sys_timerfd_settime, args: ['fd', 'int hex', 'ptr', 'ptr'], support: 'partial', note: 'TFD_TIMER_CANCEL_ON_SET is accepted but never cancels (the emulated CLOCK_REALTIME is never set)' },
  { name: 'timerfd_gettime', fn: sys_timerfd_gettime, args: ['fd', 'ptr'] },
];
