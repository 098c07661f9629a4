/**
 * capable() (kernel/capability.c). privos keeps no capability sets: a task with effective uid 0
 * holds every capability and any other task none, which is what Linux gives root and users
 * without file capabilities or securebits (setuid away from 0 clears the effective set).
 */
import type { Task } from './sched/task.ts';

export function capable(t: Task, _cap: number): boolean {
  return t.cred.euid === 0;
}

/** same_thread_group() */
export function same_thread_group(a: Task, b: Task): boolean {
  return a.tgid === b.tgid;
}
