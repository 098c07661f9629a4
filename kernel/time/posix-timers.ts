/**
 * Clocks and sleeping (kernel/time/posix-timers.c, posix-cpu-timers.c, hrtimer.c).
 * CLOCK_REALTIME and CLOCK_MONOTONIC come from the host; the CPU-time clocks come from the
 * cycle model (cycles ÷ the profile's clock), so they measure emulated, not host, time.
 */
import { EFAULT, EINVAL } from '../include/uapi/errno.ts';
import type { Kernel } from '../kernel.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { account } from '../sched/core.ts';
import type { Task } from '../sched/task.ts';
import { sleep_on } from '../sched/wait.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import { EINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK } from '../include/uapi/errno.ts';
import type { SysRet } from '../fs/fs_types.ts';
import { USER_NULL, type UserPtr } from '../include/linux/compiler_types.ts';

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
/** International Atomic Time: CLOCK_REALTIME plus the kernel's TAI offset, 0 until adjtimex sets one (never here). */
export const CLOCK_TAI = 11;
export const TIMER_ABSTIME = 1;

const ts = new Uint8Array(16);
const dv = new DataView(ts.buffer);

/**
 * A clock the host keeps (realtime, monotonic) is the uptime plus this offset, in ns; -EINVAL
 * for the others. The vDSO publishes these (kernel/time/vsyscall.ts).
 */
export function host_clock_offset(k: Kernel, clk: number): number {
  switch (clk) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI:
      return k.boot_realtime_ns;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
      return 1e9; // the emulated machine has been up since 1 s before boot finished
    default: return -EINVAL;
  }
}

/** The clock's value in nanoseconds, or -EINVAL. */
export function clock_ns(t: Task, clk: number): number {
  const k = t.kernel;
  switch (clk) {
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: {
      account(t, false);
      let cycles = 0;
      for (const x of k.tasks.values()) {
        if (clk === CLOCK_THREAD_CPUTIME_ID ? x === t : x.tgid === t.tgid) cycles += x.utime + x.stime;
      }
      return Math.floor((cycles / k.cpu.profile.hz) * 1e9);
    }
    default: {
      const off = host_clock_offset(k, clk);
      return off < 0 ? off : k.uptime_ns() + off;
    }
  }
}

export function put_timespec(t: Task, uaddr: UserPtr, ns: number): boolean {
  const s = Math.floor(ns / 1e9);
  dv.setUint32(0, s % 2 ** 32, true); dv.setUint32(4, Math.floor(s / 2 ** 32), true);
  dv.setUint32(8, ns - s * 1e9, true); dv.setUint32(12, 0, true);
  return copy_to_user(t, uaddr, ts, 0, 16) === 0;
}

/** A struct timespec in ns; -EFAULT or -EINVAL (tv_nsec out of range). */
export function get_timespec(t: Task, uaddr: UserPtr): number {
  if (copy_from_user(t, ts, 0, uaddr, 16)) return -EFAULT;
  const sec = dv.getInt32(4, true) * 2 ** 32 + dv.getUint32(0, true);
  const nsec = dv.getInt32(12, true) * 2 ** 32 + dv.getUint32(8, true);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
  return sec * 1e9 + nsec;
}

export function sys_clock_gettime(t: Task, clk: number, tp: UserPtr): number {
  const ns = clock_ns(t, clk);
  if (ns < 0) return ns;
  return put_timespec(t, tp, ns) ? 0 : -EFAULT;
}

export function sys_clock_getres(t: Task, clk: number, tp: UserPtr): number {
  if (clock_ns(t, clk) < 0) return -EINVAL;
  const res = clk === CLOCK_REALTIME_COARSE || clk === CLOCK_MONOTONIC_COARSE ? 4e6 : 1;
  return !tp || put_timespec(t, tp, res) ? 0 : -EFAULT;
}

export function sys_gettimeofday(t: Task, tv: UserPtr, _tz: UserPtr): number {
  if (!tv) return 0;
  const ns = clock_ns(t, CLOCK_REALTIME);
  const s = Math.floor(ns / 1e9);
  dv.setUint32(0, s % 2 ** 32, true); dv.setUint32(4, Math.floor(s / 2 ** 32), true);
  dv.setUint32(8, Math.floor((ns - s * 1e9) / 1000), true); dv.setUint32(12, 0, true);
  return copy_to_user(t, tv, ts, 0, 16) ? -EFAULT : 0;
}

/**
 * Sleeps until the clock reaches `deadline`; interrupted sleeps write the remainder. A relative
 * sleep returns -ERESTART_RESTARTBLOCK with the task's restart_block set to sleep on to the same
 * deadline (hrtimer_nanosleep_restart), so a stopped and continued sleeper wakes on time; an
 * absolute one returns -ERESTARTNOHAND and simply restarts (common_nsleep with TIMER_ABSTIME).
 */
function do_nanosleep(t: Task, clk: number, deadline: number, rmtp: UserPtr, abs = false): SysRet {
  const wait = async (): Promise<number> => {
    for (;;) {
      const left = deadline - clock_ns(t, clk);
      if (left <= 0) return 0;
      if (signal_pending(t)) {
        if (abs) return -ERESTARTNOHAND;
        if (rmtp && !put_timespec(t, rmtp, left)) return -EFAULT;
        t.restart_block = (rt) => do_nanosleep(rt, clk, deadline, rmtp);
        return -ERESTART_RESTARTBLOCK; // EINTR once a handler runs, else restart_syscall
      }
      await sleep_on(t, [], Math.ceil(left / 1e6));
    }
  };
  return wait();
}

export function sys_nanosleep(t: Task, rqtp: UserPtr, rmtp: UserPtr): SysRet {
  const ns = get_timespec(t, rqtp);
  if (ns < 0) return ns;
  return do_nanosleep(t, CLOCK_MONOTONIC, clock_ns(t, CLOCK_MONOTONIC) + ns, rmtp);
}

export function sys_clock_nanosleep(t: Task, clk: number, flags: number, rqtp: UserPtr, rmtp: UserPtr): SysRet {
  if (clk !== CLOCK_REALTIME && clk !== CLOCK_MONOTONIC && clk !== CLOCK_BOOTTIME && clk !== CLOCK_TAI) return -EINVAL;
  const ns = get_timespec(t, rqtp);
  if (ns < 0) return ns;
  const deadline = flags & TIMER_ABSTIME ? ns : clock_ns(t, clk) + ns;
  return flags & TIMER_ABSTIME ? do_nanosleep(t, clk, deadline, USER_NULL, true) : do_nanosleep(t, clk, deadline, rmtp);
}

/** restart_syscall(2): resumes what the task's restart_block holds; EINTR when it holds nothing. */
export function sys_restart_syscall(t: Task): SysRet {
  const fn = t.restart_block;
  t.restart_block = null;
  return fn ? fn(t) : -EINTR;
}

export function sys_time(t: Task, tloc: UserPtr): number {
  const s = Math.floor(clock_ns(t, CLOCK_REALTIME) / 1e9);
  if (tloc) {
    dv.setUint32(0, s % 2 ** 32, true); dv.setUint32(4, 0, true);
    if (copy_to_user(t, tloc, ts, 0, 8)) return -EFAULT;
  }
  return s;
}

export const time_syscalls: readonly SyscallDef[] = [
  { name: 'clock_gettime', fn: sys_clock_gettime, args: ['clockid', 'ptr'] },
  { name: 'clock_getres', fn: sys_clock_getres, args: ['clockid', 'ptr'] },
  { name: 'gettimeofday', fn: sys_gettimeofday, args: ['ptr', 'ptr'] },
  { name: 'nanosleep', fn: sys_nanosleep, args: ['timespec', 'ptr'] },
  { name: 'clock_nanosleep', fn: sys_clock_nanosleep, args: ['clockid', 'int hex', 'ptr', 'ptr'] },
  { name: 'restart_syscall', fn: sys_restart_syscall, args: [] },
  { name: 'time', fn: sys_time, args: ['ptr'] },
];
