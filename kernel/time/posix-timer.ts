/**
 * POSIX per-process timers: timer_create(2), timer_settime(2), timer_gettime(2),
 * timer_getoverrun(2), timer_delete(2) (the timer half of kernel/time/posix-timers.c; the
 * clocks are in posix-timers.ts). A timer on CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME
 * or CLOCK_TAI sends its signal (SI_TIMER, si_timerid, si_overrun, si_value) at each expiry; an
 * expiry while the previous signal is still queued counts as an overrun instead. Timers on the
 * CPU-time clocks count and report but never fire (as ITIMER_VIRTUAL/PROF here). Ids count up
 * per process from 0; fork does not inherit timers, exec and exit delete them.
 * https://man7.org/linux/man-pages/man2/timer_create.2.html
 */
import type { Kernel } from '../kernel.ts';
import { EFAULT, EINVAL, EOPNOTSUPP } from '../include/uapi/errno.ts';
import { SIGALRM, SIGRTMAX } from '../include/uapi/signal.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { send_signal } from '../sched/signal.ts';
import { SI_TIMER, SigInfo } from '../sched/siginfo.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { KTimer } from './hrtimer.ts';
import { get_itimerspec, put_itimerspec, timespec_valid } from './itimerspec.ts';
import { CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_TAI, CLOCK_THREAD_CPUTIME_ID, TIMER_ABSTIME } from './posix-timers.ts';
import { StateKey, state_of, state_peek, state_set } from '../include/linux/ext_state.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
const CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9;
/** DELAYTIMER_MAX: the overrun count saturates at INT_MAX. */
const DELAYTIMER_MAX = 0x7fffffff;

/** struct k_itimer */
class KItimer {
  sigq: SigInfo | null = null;
  overrun_last = 0;
  constructor(readonly id: number, readonly timer: KTimer, readonly notify: number, readonly signo: number,
    readonly val_lo: number, readonly val_hi: number, readonly target: Task) {}
}

/** signal_struct's posix_timers and next_posix_timer_id. */
class PosixTimers {
  next_id = 0;
  readonly timers = new Map<number, KItimer>();
}

const TIMERS = new StateKey<Task, PosixTimers>('posix_timers', () => new PosixTimers());

function leader_of(t: Task): Task { return t.kernel.tasks.get(t.tgid) ?? t; }

function timers_of(t: Task): PosixTimers {
  const leader = leader_of(t);
  state_of(t.kernel, HOOKS);
  return state_of(leader, TIMERS);
}

/** exit_itimers(): every timer stops (exec and the process's exit). */
function exit_itimers(t: Task): void {
  const s = state_peek(t, TIMERS);
  if (!s) return;
  for (const tm of s.timers.values()) { tm.timer.cancel_wake(); tm.timer.armed = false; }
  s.timers.clear();
}

/** Once per kernel: a child starts with no timers (fork copies task state); exec and exit stop them. */
const HOOKS = new StateKey<Kernel, true>('posix_timers_hooks', (k) => {
  k.fork_hooks.push((_p, c) => { state_set(c, TIMERS, undefined); });
  k.exec_hooks.push((x) => exit_itimers(leader_of(x)));
  k.exit_hooks.push((x) => { if (x.pid === x.tgid) exit_itimers(x); });
  return true;
});

/**
 * The clock a timer runs on, or -errno. MONOTONIC_RAW and the COARSE clocks have no timers
 * (EOPNOTSUPP, before an id is taken); a negative id is checked later, by the CPU-timer code.
 */
function timer_clock(clk: number): number {
  if (clk < 0) return clk;
  switch (clk) {
    case CLOCK_REALTIME: case CLOCK_TAI: return CLOCK_REALTIME; // TAI's offset is 0 until NTP sets it
    case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM: return clk;
    case 4: case 5: case 6: return -EOPNOTSUPP;
    default: return -EINVAL;
  }
}

/**
 * posix_cpu_timer_create() for a negative id, a process's or thread's CPU clock
 * (CPUCLOCK_PID/CPUCLOCK_PERTHREAD): the caller's own only (pid 0 or its own ids), else -EINVAL.
 */
function dynamic_cpu_clock(t: Task, clk: number): number {
  const pid = ~(clk >> 3), type = clk & 3, perthread = (clk & 4) !== 0;
  if (type === 3) return -EINVAL; // CPUCLOCK_MAX
  if (perthread ? pid !== 0 && pid !== t.pid : pid !== 0 && pid !== t.tgid) return -EINVAL;
  return perthread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
}

const cpu_clock = (clk: number): boolean => clk === CLOCK_PROCESS_CPUTIME_ID || clk === CLOCK_THREAD_CPUTIME_ID;

/** posixtimer_send_sigqueue(): a new signal, or one more overrun on the one still queued. */
function timer_signal(tm: KItimer, n: number): void {
  const q = tm.sigq;
  if (q && tm.target.sigqueue.includes(q)) { q.overrun = Math.min(q.overrun + n, DELAYTIMER_MAX); return; }
  if (q) tm.overrun_last = q.overrun;
  const info = new SigInfo(tm.signo, SI_TIMER);
  info.tid = tm.id; info.overrun = Math.min(n - 1, DELAYTIMER_MAX); info.val_lo = tm.val_lo; info.val_hi = tm.val_hi;
  tm.sigq = info;
  send_signal(tm.target, tm.signo, info);
}

/** The hrtimer callback: signal the expirations, then wait for the next (a host timer may fire early). */
function timer_fire(tm: KItimer): void {
  if (!tm.target.alive || !tm.timer.armed) return;
  const n = tm.timer.expire(tm.target);
  if (n) timer_signal(tm, n);
  if (tm.timer.armed) tm.timer.wake_at(tm.target, () => timer_fire(tm));
}

const sev = new Uint8Array(64);
const sevv = new DataView(sev.buffer);
const idbuf = new Uint8Array(4);

/** good_sigevent(): the task the signal goes to, or null (EINVAL). */
function good_sigevent(t: Task, notify: number, signo: number, tid: number): Task | null {
  if (notify === (SIGEV_SIGNAL | SIGEV_THREAD_ID)) {
    const x = t.kernel.tasks.get(tid);
    if (!x || x.tgid !== t.tgid) return null;
    return signo > 0 && signo <= SIGRTMAX ? x : null;
  }
  if (notify === SIGEV_SIGNAL || notify === SIGEV_THREAD) return signo > 0 && signo <= SIGRTMAX ? leader_of(t) : null;
  return notify === SIGEV_NONE ? leader_of(t) : null;
}

/**
 * timer_create(2): a NULL sigevent means SIGEV_SIGNAL, SIGALRM, with the timer id as si_value.
 * As do_timer_create(), the id is taken before the sigevent is checked, so a rejected sigevent
 * (or an _ALARM clock, which needs an RTC that neither privos nor the reference machine has)
 * still uses up an id; so does a negative (CPU) clock id that turns out bad.
 */
export function sys_timer_create(t: Task, clk: number, usev: UserPtr, uid: UserPtr): number {
  if (usev && copy_from_user(t, sev, 0, usev, 64)) return -EFAULT;
  let base = timer_clock(clk);
  if (base < 0 && clk >= 0) return base;
  const s = timers_of(t);
  const id = s.next_id;
  s.next_id = (id + 1) & 0x7fffffff;
  const notify = usev ? sevv.getInt32(12, true) : SIGEV_SIGNAL;
  const signo = usev ? sevv.getInt32(8, true) : SIGALRM;
  const target = good_sigevent(t, notify, signo, usev ? sevv.getInt32(16, true) : 0);
  if (!target) return -EINVAL;
  if (clk < 0 && (base = dynamic_cpu_clock(t, clk)) < 0) return base;
  if (base === CLOCK_REALTIME_ALARM || base === CLOCK_BOOTTIME_ALARM) return -EOPNOTSUPP;
  new DataView(idbuf.buffer).setInt32(0, id, true);
  if (copy_to_user(t, uid, idbuf, 0, 4)) return -EFAULT;
  const lo = usev ? sevv.getUint32(0, true) : id, hi = usev ? sevv.getUint32(4, true) : 0;
  s.timers.set(id, new KItimer(id, new KTimer(base), notify & ~SIGEV_THREAD_ID, signo, lo, hi, target));
  return 0;
}

function lock_timer(t: Task, id: number): KItimer | undefined {
  return state_peek(leader_of(t), TIMERS)?.timers.get(id);
}

/**
 * common_timer_get(): [interval, time left] without consuming expirations (a late periodic
 * timer shows its next period). A disarmed SIGEV_NONE timer still reports the time left to the
 * expiry it had, as Linux does: it reads the cancelled hrtimer's stale expiry.
 */
function timer_get(t: Task, tm: KItimer): [number, number] {
  const k = tm.timer;
  const now = k.now(t);
  if (!k.armed) return [k.interval, tm.notify === SIGEV_NONE && k.next > now ? k.next - now : 0];
  if (now < k.next) return [k.interval, k.next - now];
  if (!k.interval) return [0, 0];
  return [k.interval, k.next + (1 + Math.floor((now - k.next) / k.interval)) * k.interval - now];
}

export function sys_timer_settime(t: Task, id: number, flags: number, unew: UserPtr, uold: UserPtr): number {
  if (!unew) return -EINVAL;
  const v = get_itimerspec(t, unew);
  if (!v) return -EFAULT;
  if (!timespec_valid(v[0], v[1]) || !timespec_valid(v[2], v[3])) return -EINVAL;
  const tm = lock_timer(t, id);
  if (!tm) return -EINVAL;
  const [oint, oval] = timer_get(t, tm);
  const value = v[2] * 1e9 + v[3];
  // A zero value disarms and drops the interval, leaving the old expiry (see timer_get).
  if (value) tm.timer.arm(t, value, v[0] * 1e9 + v[1], (flags & TIMER_ABSTIME) !== 0);
  else { tm.timer.cancel_wake(); tm.timer.armed = false; tm.timer.interval = 0; }
  tm.overrun_last = 0; tm.sigq = null;
  if (tm.notify !== SIGEV_NONE && !cpu_clock(tm.timer.clock) && tm.timer.armed) tm.timer.wake_at(tm.target, () => timer_fire(tm));
  if (uold && !put_itimerspec(t, uold, oint, oval)) return -EFAULT;
  return 0;
}

export function sys_timer_gettime(t: Task, id: number, ucur: UserPtr): number {
  const tm = lock_timer(t, id);
  if (!tm) return -EINVAL;
  const [interval, value] = timer_get(t, tm);
  return put_itimerspec(t, ucur, interval, value) ? 0 : -EFAULT;
}

/** The overrun count of the last signal delivered (it_overrun_last). */
export function sys_timer_getoverrun(t: Task, id: number): number {
  const tm = lock_timer(t, id);
  if (!tm) return -EINVAL;
  if (tm.sigq && !tm.target.sigqueue.includes(tm.sigq)) tm.overrun_last = tm.sigq.overrun;
  return tm.overrun_last;
}

export function sys_timer_delete(t: Task, id: number): number {
  const tm = lock_timer(t, id);
  if (!tm) return -EINVAL;
  tm.timer.cancel_wake(); tm.timer.armed = false;
  timers_of(t).timers.delete(tm.id);
  return 0;
}

export const posix_timer_syscalls: readonly SyscallDef[] = [
  { name: 'timer_create', fn: sys_timer_create, args: ['clockid', 'ptr', 'ptr'], support: 'partial', note: 'timers on the CPU-time clocks count and are reported by timer_gettime but never send their signal; another process\'s or thread\'s CPU clock (a negative clock id naming another pid) is EINVAL; the _ALARM clocks are EOPNOTSUPP (no RTC, as on the reference machine)' },
  { name: 'timer_settime', fn: sys_timer_settime, args: ['int', 'int hex', 'ptr', 'ptr'] },
  { name: 'timer_gettime', fn: sys_timer_gettime, args: ['int', 'ptr'] },
  { name: 'timer_getoverrun', fn: sys_timer_getoverrun, args: ['int'] },
  { name: 'timer_delete', fn: sys_timer_delete, args: ['int'] },
];
