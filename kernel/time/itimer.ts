/**
 * Interval timers (kernel/time/itimer.c): alarm(2), setitimer(2), getitimer(2). ITIMER_REAL
 * counts CLOCK_MONOTONIC time and sends the process SIGALRM (SI_KERNEL) at each expiry.
 * ITIMER_PROF and ITIMER_VIRTUAL count the process's CPU time (user+system, and user only in
 * Linux; both the process CPU clock here) and are reported by getitimer, but never fire.
 * Timers belong to the process (its leader), are not inherited by fork and end with it.
 */
import { EFAULT, EINVAL } from '../include/uapi/errno.ts';
import { SIGALRM } from '../include/uapi/signal.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { send_signal } from '../sched/signal.ts';
import { SI_KERNEL, SigInfo } from '../sched/siginfo.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { KTimer } from './hrtimer.ts';
import { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID } from './posix-timers.ts';
import { StateKey, state_of, state_peek, state_set } from '../include/linux/ext_state.ts';
import type { Kernel } from '../kernel.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
/** TICK_NSEC with CONFIG_HZ=250 (the reference kernel's; set_cpu_itimer adds one tick). */
const TICK_NSEC = 4e6;

/** The process's three interval timers (signal_struct's real_timer and it[]). */
class ITimers {
  readonly it = [new KTimer(CLOCK_MONOTONIC), new KTimer(CLOCK_PROCESS_CPUTIME_ID), new KTimer(CLOCK_PROCESS_CPUTIME_ID)];
}

const ITIMERS = new StateKey<Task, ITimers>('itimer', () => new ITimers());
/** Once per kernel: a child starts with no timers (fork copies task state), a process's timers stop when it exits. */
const ITIMER_HOOKS = new StateKey<Kernel, true>('itimer_hooks', (k) => {
  k.fork_hooks.push((_p, c) => { state_set(c, ITIMERS, undefined); });
  k.exit_hooks.push((x) => {
    const s = x.pid === x.tgid ? state_peek(x, ITIMERS) : undefined;
    if (s) for (const tm of s.it) { tm.cancel_wake(); tm.armed = false; }
  });
  return true;
});

function itimers(t: Task): ITimers {
  state_of(t.kernel, ITIMER_HOOKS);
  return state_of(t.kernel.tasks.get(t.tgid) ?? t, ITIMERS);
}

/**
 * it_real_fn(): SIGALRM to the process, and the next period's wake-up. A host timer may fire a
 * little before the clock reaches the expiry (libuv's cached loop time): then it is re-armed.
 */
function it_real_fire(leader: Task, tm: KTimer): void {
  if (!leader.alive || !tm.armed) return;
  if (tm.expire(leader)) send_signal(leader, SIGALRM, new SigInfo(SIGALRM, SI_KERNEL));
  if (tm.armed) tm.wake_at(leader, () => it_real_fire(leader, tm));
}

/** do_setitimer(): the old [interval, value] in ns, or -EINVAL for an unknown timer. */
function do_setitimer(t: Task, which: number, interval: number, value: number): [number, number] | number {
  if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return -EINVAL;
  const tm = itimers(t).it[which];
  const old = get_remaining(t, tm);
  if (which === ITIMER_REAL) tm.arm(t, value, value ? interval : 0, false);
  else tm.arm(t, value ? value + TICK_NSEC : 0, interval, false); // set_cpu_itimer: a tick more, the period kept
  const leader = t.kernel.tasks.get(t.tgid) ?? t;
  if (which === ITIMER_REAL && tm.armed) tm.wake_at(leader, () => it_real_fire(leader, tm));
  return old;
}

/** itimer_get_remtime(): an armed timer never shows zero left (at least 1 us). */
function get_remaining(t: Task, tm: KTimer): [number, number] {
  if (!tm.armed) return [tm.interval, 0];
  return [tm.interval, Math.max(1000, tm.remaining(t))];
}

const itv = new Uint8Array(32);
const itdv = new DataView(itv.buffer);

/** A struct itimerval as [interval, value] in ns; -EFAULT or -EINVAL (a bad timeval). */
function get_itimerval(t: Task, uaddr: UserPtr): [number, number] | number {
  if (copy_from_user(t, itv, 0, uaddr, 32)) return -EFAULT;
  const f = (o: number): number => itdv.getInt32(o + 4, true) * 2 ** 32 + itdv.getUint32(o, true);
  const isec = f(0), iusec = f(8), vsec = f(16), vusec = f(24);
  if (vsec < 0 || vusec < 0 || vusec >= 1e6 || isec < 0 || iusec < 0 || iusec >= 1e6) return -EINVAL;
  return [isec * 1e9 + iusec * 1000, vsec * 1e9 + vusec * 1000];
}

function put_itimerval(t: Task, uaddr: UserPtr, interval: number, value: number): boolean {
  const put = (o: number, ns: number): void => {
    const s = Math.floor(ns / 1e9);
    itdv.setUint32(o, s % 2 ** 32, true); itdv.setUint32(o + 4, Math.floor(s / 2 ** 32), true);
    itdv.setUint32(o + 8, Math.floor((ns - s * 1e9) / 1000), true); itdv.setUint32(o + 12, 0, true);
  };
  put(0, interval); put(16, value);
  return copy_to_user(t, uaddr, itv, 0, 32) === 0;
}

export function sys_setitimer(t: Task, which: number, uvalue: UserPtr, uovalue: UserPtr): number {
  let next: [number, number] = [0, 0];
  if (uvalue) {
    const v = get_itimerval(t, uvalue);
    if (typeof v === 'number') return v;
    next = v;
  }
  const old = do_setitimer(t, which, next[0], next[1]);
  if (typeof old === 'number') return old;
  if (uovalue && !put_itimerval(t, uovalue, old[0], old[1])) return -EFAULT;
  return 0;
}

export function sys_getitimer(t: Task, which: number, uvalue: UserPtr): number {
  if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return -EINVAL;
  const [interval, value] = get_remaining(t, itimers(t).it[which]);
  return put_itimerval(t, uvalue, interval, value) ? 0 : -EFAULT;
}

/** alarm(2): the seconds the previous alarm had left, rounded to nearest (never 0 if one was set). */
export function sys_alarm(t: Task, seconds: number): number {
  seconds = Math.min(seconds, 0x7fffffff);
  const old = do_setitimer(t, ITIMER_REAL, 0, seconds * 1e9) as [number, number];
  const sec = Math.floor(old[1] / 1e9), nsec = old[1] - sec * 1e9;
  return (!sec && nsec) || nsec >= 5e8 ? sec + 1 : sec;
}

export const itimer_syscalls: readonly SyscallDef[] = [
  { name: 'alarm', fn: sys_alarm, args: ['uint'] },
  { name: 'setitimer', fn: sys_setitimer, args: ['int', 'ptr', 'ptr'], support: 'partial', note: 'ITIMER_VIRTUAL and ITIMER_PROF count the process CPU clock and are reported by getitimer, but never send SIGVTALRM/SIGPROF' },
  { name: 'getitimer', fn: sys_getitimer, args: ['int', 'ptr'] },
];
