/**
 * The timer tick of instrumented user code. A linked image counts its own operations (function
 * entries and loop iterations, tools/link/instrument.ts) and calls here when its budget is
 * spent, as a timer interrupt would arrive in the middle of user code. What the tick does is
 * what Linux does on a tick that lands in user mode:
 * - account_user_time (kernel/sched/cputime.c): the ops are charged as `user_op` cycles;
 * - check_cpu_timers (kernel/time/posix-cpu-timers.c, check_process_timers): RLIMIT_CPU — SIGXCPU
 *   at the soft limit and once more per second of CPU past it, SIGKILL at the hard limit;
 * - irqentry_exit_to_user_mode: preemption when the slice is over, signal delivery — but only
 *   where the interrupted code can wait, at a loop head of an async function;
 * - the watchdog (privos's, since a JavaScript stack cannot be preempted): code that cannot
 *   wait (a synchronous function) and has run WATCHDOG_SECONDS of modeled time since the task
 *   last let the machine run (slept in a syscall, yielded, was switched out) gets SIGXCPU, then
 *   SIGKILL after as much again; logged in dmesg. Syscalls that return at once do not reset it:
 *   a synchronous loop of getpid() holds the host as surely as one of additions.
 */
import { MODE_BOX, MODE_USER } from '../arch/cpu.ts';
import type { OpsHost } from '../arch/door_factory.ts';
import { RLIMIT_CPU } from '../include/uapi/resource.ts';
import { SIGKILL, SIGXCPU } from '../include/uapi/signal.ts';
import type { Kernel } from '../kernel.ts';
import { KERN_WARNING } from '../printk.ts';
import { C } from '../time/cost.ts';
import { SLICE_SECONDS, account, switch_to, yield_cpu } from './core.ts';
import { UserUnwind } from './exit.ts';
import { do_signal, send_signal, sig_fatal_pending } from './signal.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import type { Task } from './task.ts';

/**
 * How long synchronous user code may run without letting the machine run before the watchdog
 * sends SIGXCPU (then SIGKILL after as long again): 0.25 s of modeled time at the profile's
 * clock (~2e8 counted ops on skylake; about half a second of the host's time). Linux needs no
 * such bound (a timer interrupt preempts anything); privos does, because until such code
 * returns or awaits, nothing else of the machine can run.
 */
export const WATCHDOG_SECONDS = 0.25;

/**
 * The task whose code runs in the realm (`ctx`, its context) now. Fork children and threads
 * share a realm and JavaScript does not say whose continuation is running, so: the current task
 * if it is the realm's and not waiting for the kernel, else the realm's first live task that is
 * not waiting (a task asleep in a syscall or preempted runs no code), else any live one.
 */
function realm_task(k: Kernel, ctx: object): Task | null {
  const cur = k.current;
  if (cur && cur.alive && !cur.in_kernel_wait && cur.mm?.realm?.context === ctx) return cur;
  let any: Task | null = null;
  for (const t of k.tasks.values()) {
    if (!t.alive || t.mm?.realm?.context !== ctx) continue;
    if (!t.in_kernel_wait) return t;
    any ??= t;
  }
  return any;
}

/** RLIMIT_CPU as check_process_timers applies it; the soft limit moves one second on after each SIGXCPU. */
function check_rlimit_cpu(t: Task, cycles: number): void {
  const lim = t.rlim[RLIMIT_CPU], hz = t.kernel.cpu.profile.hz;
  if (lim.cur >= Number.MAX_SAFE_INTEGER && lim.max >= Number.MAX_SAFE_INTEGER) return;
  const secs = cycles / hz;
  if (secs >= lim.max) { cpu_limit_log(t, 'RLIMIT_CPU hard limit', SIGKILL); send_signal(t, SIGKILL); return; }
  if (secs >= lim.cur) {
    cpu_limit_log(t, 'RLIMIT_CPU soft limit', SIGXCPU);
    send_signal(t, SIGXCPU);
    if (lim.cur < lim.max) lim.cur++;
  }
}

/** The watchdog of code that cannot yield: SIGXCPU past one bound, SIGKILL past two. */
function check_watchdog(t: Task, stretch: number): void {
  const bound = WATCHDOG_SECONDS * t.kernel.cpu.profile.hz;
  if (stretch < bound) return;
  const sig = stretch >= 2 * bound ? SIGKILL : SIGXCPU;
  // Once per stretch: a stretch that began after the task last slept or yielded is a new one.
  if (sig === SIGXCPU && t.watchdog_fired && t.watchdog_mark === t.run_mark) return;
  t.watchdog_fired = true;
  t.watchdog_mark = t.run_mark;
  cpu_limit_log(t, `watchdog: ${(stretch / t.kernel.cpu.profile.hz).toFixed(2)} s of modeled CPU without a sleep or yield`, sig);
  send_signal(t, sig);
}

function cpu_limit_log(t: Task, why: string, sig: number): void {
  t.kernel.printk(KERN_WARNING, `${t.comm}[${t.pid}]: ${why}: ${sig === SIGKILL ? 'SIGKILL' : 'SIGXCPU'}`);
}

/**
 * The tick's answer: 0 to go on, NaN when the task ended (its code unwinds). Box code defers
 * signals until the box returns (as syscall exit does), all but fatal ones.
 */
function deliver(t: Task, fatal_only: boolean): number | Promise<number> {
  if (!signal_pending(t) || ((fatal_only || t.in_box) && !sig_fatal_pending(t))) return 0;
  try {
    const d = do_signal(t);
    return d ? d.then(() => 0, unwound) : 0;
  } catch (e) { return unwound(e); }
}

function unwound(e: unknown): number {
  if (e instanceof UserUnwind) return NaN;
  throw e;
}

/** The CPU mode t's code runs in: user mode, or PrivBox's for box code. */
const code_mode = (t: Task): number => (t.in_box ? MODE_BOX : MODE_USER);

/** One tick for t: charge, limits, then (where the code can wait) preemption and signals. */
function user_tick(t: Task, ops: number, may_yield: number): number | Promise<number> {
  const k = t.kernel, cpu = k.cpu;
  if (k.current !== t) switch_to(t, code_mode(t));
  cpu.charge_n(C.user_op, ops);
  check_rlimit_cpu(t, t.utime + t.stime + cpu.cycles - t.mark);
  if (!may_yield) {
    check_watchdog(t, cpu.cycles - t.run_mark);
    return deliver(t, true);
  }
  t.watchdog_fired = false;
  if (cpu.cycles - t.slice_start <= SLICE_SECONDS * cpu.profile.hz) return deliver(t, false);
  // The slice is over: preempted at this loop head; the host's event loop runs, and so may others.
  account(t, true);
  return yield_cpu(t).then(() => {
    if (!t.alive) return NaN;
    switch_to(t, code_mode(t));
    return deliver(t, false);
  });
}

/** The realm's side of its image's op counter (door_factory's OpsHost). */
export function ops_host(k: Kernel, ctx: object): OpsHost {
  let pending: Promise<number> | null = null, waiting: Task | null = null;
  return {
    tick(ops, may_yield) {
      const t = realm_task(k, ctx);
      if (!t) return NaN; // code of a process that is gone
      try {
        const r = user_tick(t, ops, may_yield);
        if (typeof r === 'number') return r;
        if (!may_yield) return t.alive ? 0 : NaN; // sync code cannot wait: the rest happens at its next syscall
        pending = r;
        waiting = t;
        t.in_kernel_wait = true; // preempted, or stopped: none of its code runs until it resumes
        return -Infinity;
      } catch (e) { return unwound(e); }
    },
    wait(cb) {
      const p = pending!, t = waiting!;
      pending = null;
      waiting = null;
      p.then((v) => { t.in_kernel_wait = false; cb(v); }, (e) => { t.in_kernel_wait = false; cb(unwound(e)); });
    },
  };
}
