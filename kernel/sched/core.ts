/**
 * The scheduler's few jobs on one CPU (kernel/sched/core.c): switching the CPU to a task
 * (context_switch: address space, mode, accounting), time slices measured in cycles, and
 * yielding at the next syscall when the slice is used up and someone else can run.
 */
import { MODE_USER } from '../arch/cpu.ts';
import { C } from '../time/cost.ts';
import type { Task } from './task.ts';

/** sysctl_sched_base_slice: 3 ms at the profile's clock is charged in cycles. */
export const SLICE_SECONDS = 0.003;

/**
 * Makes t the running task in `mode`: charges a context switch when another task owned the
 * CPU, installs its address space, and attributes the cycles since the last mark.
 */
export function switch_to(t: Task, mode: number): void {
  const k = t.kernel, cpu = k.cpu;
  const prev = k.current;
  if (prev !== t) {
    if (prev) account(prev, cpu.mode === MODE_USER);
    cpu.charge(C.context_switch);
    k.nr_switches++;
    k.current = t;
    cpu.mm = t.mm;
    t.mark = cpu.cycles;
    t.slice_start = cpu.cycles;
    t.run_mark = cpu.cycles;
  }
  cpu.set_mode(mode);
}

/** Adds the cycles since t.mark to t's user or system time. */
export function account(t: Task, user: boolean): void {
  const now = t.kernel.cpu.cycles;
  if (user) t.utime += now - t.mark; else t.stime += now - t.mark;
  t.mark = now;
}

/** Has t used its slice while others wait to run? (checked at syscall exit). */
export function should_resched(t: Task): boolean {
  const k = t.kernel;
  if (k.nr_running <= 1) return false;
  return t.kernel.cpu.cycles - t.slice_start > SLICE_SECONDS * k.cpu.profile.hz;
}

/** Gives the CPU away until the host's event loop has run others (sched_yield). */
export function yield_cpu(t: Task): Promise<void> {
  t.slice_start = t.kernel.cpu.cycles;
  return new Promise((r) => setImmediate(() => { t.run_mark = t.kernel.cpu.cycles; r(); }));
}
