/**
 * Scheduling policies (kernel/sched/syscalls.c): sched_setscheduler, sched_setparam,
 * sched_getscheduler, sched_getparam, sched_get_priority_max/min, sched_rr_get_interval.
 * privos runs every task on its own time-slicing scheduler: a task's policy and real-time
 * priority are checked, stored and reported as Linux does (inherited at fork, reset there with
 * SCHED_RESET_ON_FORK), but they do not change how it is scheduled.
 * https://man7.org/linux/man-pages/man7/sched.7.html
 */
import type { Kernel } from '../kernel.ts';
import { CAP_SYS_NICE } from '../include/uapi/capability.ts';
import { EFAULT, EINVAL, EPERM, ESRCH } from '../include/uapi/errno.ts';
import { RLIMIT_RTPRIO } from '../include/uapi/resource.ts';
import { capable } from '../capability.ts';
import { copy_to_user, get_user_u32 } from '../mm/uaccess.ts';
import { can_nice } from '../sys.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { put_timespec } from '../time/posix-timers.ts';
import { check_same_owner, find_task } from './syscalls.ts';
import type { Task } from './task.ts';
import { StateKey, state_of, state_peek, state_set } from '../include/linux/ext_state.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const SCHED_NORMAL = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5, SCHED_DEADLINE = 6, SCHED_EXT = 7;
export const SCHED_RESET_ON_FORK = 0x40000000;
const MAX_RT_PRIO = 100;
/** sched_rr_timeslice_ms's default (RR_TIMESLICE, 100 ms). */
const RR_TIMESLICE_NS = 100e6;

/** A task's policy (task_struct's policy, rt_priority, sched_reset_on_fork); replaced, never mutated. */
interface SchedPolicy { readonly policy: number; readonly prio: number; readonly reset: boolean }
const NORMAL: SchedPolicy = { policy: SCHED_NORMAL, prio: 0, reset: false };
const rt_policy = (p: number): boolean => p === SCHED_FIFO || p === SCHED_RR;
const valid_policy = (p: number): boolean => p === SCHED_NORMAL || p === SCHED_BATCH || p === SCHED_IDLE || rt_policy(p) || p === SCHED_DEADLINE;

const POLICY = new StateKey<Task, SchedPolicy>('sched_policy', () => NORMAL);
/** Once per kernel: sched_fork() — a child of a SCHED_RESET_ON_FORK task starts as SCHED_NORMAL (negative nice reset). */
const FORK_HOOK = new StateKey<Kernel, true>('sched_policy_fork', (k) => {
  k.fork_hooks.push((parent, c) => {
    if (!policy_of(parent).reset) return;
    state_set(c, POLICY, NORMAL);
    if (c.nice < 0) c.nice = 0;
  });
  return true;
});

function policy_of(p: Task): SchedPolicy { return state_peek(p, POLICY) ?? NORMAL; }

function set_policy(p: Task, sp: SchedPolicy): void {
  state_set(p, POLICY, sp);
  state_of(p.kernel, FORK_HOOK);
}

/** user_check_sched_setscheduler(): what a task without CAP_SYS_NICE may not do. */
function user_check(t: Task, p: Task, old: SchedPolicy, policy: number, prio: number, reset: boolean): number {
  if (capable(t, CAP_SYS_NICE)) return 0;
  if (rt_policy(policy)) {
    const rlim = p.rlim[RLIMIT_RTPRIO].cur;
    if (policy !== old.policy && !rlim) return -EPERM;
    if (prio > old.prio && prio > rlim) return -EPERM;
  }
  // SCHED_IDLE counts as nice 20: leaving it needs RLIMIT_NICE room for the task's nice.
  if (old.policy === SCHED_IDLE && policy !== SCHED_IDLE && !can_nice(t, p, p.nice)) return -EPERM;
  if (!check_same_owner(t, p)) return -EPERM;
  if (old.reset && !reset) return -EPERM; // only a privileged task may clear SCHED_RESET_ON_FORK
  return 0;
}

/** __sched_setscheduler(): policy -1 keeps the current one (sched_setparam). */
function do_setscheduler(t: Task, pid: number, policy: number, uparam: UserPtr): number {
  if (!uparam || pid < 0) return -EINVAL;
  if (get_user_u32(t, uparam)) return -EFAULT;
  const prio = t.cpu.uval;
  const p = find_task(t, pid);
  if (!p) return -ESRCH;
  const old = policy_of(p);
  let reset = old.reset;
  if (policy < 0) policy = old.policy;
  else {
    reset = (policy & SCHED_RESET_ON_FORK) !== 0;
    policy &= ~SCHED_RESET_ON_FORK;
    if (!valid_policy(policy)) return -EINVAL;
  }
  const rp = prio | 0;
  // A deadline task needs sched_setattr's runtime/deadline/period, which sched_param lacks.
  if (rp < 0 || rp > MAX_RT_PRIO - 1 || policy === SCHED_DEADLINE || rt_policy(policy) !== (rp !== 0)) return -EINVAL;
  const err = user_check(t, p, old, policy, rp, reset);
  if (err) return err;
  set_policy(p, { policy, prio: rp, reset });
  return 0;
}

export function sys_sched_setscheduler(t: Task, pid: number, policy: number, uparam: UserPtr): number {
  return policy < 0 ? -EINVAL : do_setscheduler(t, pid, policy, uparam);
}
export const sys_sched_setparam = (t: Task, pid: number, uparam: UserPtr): number => do_setscheduler(t, pid, -1, uparam);

export function sys_sched_getscheduler(t: Task, pid: number): number {
  if (pid < 0) return -EINVAL;
  const p = find_task(t, pid);
  if (!p) return -ESRCH;
  const sp = policy_of(p);
  return sp.policy | (sp.reset ? SCHED_RESET_ON_FORK : 0);
}

export function sys_sched_getparam(t: Task, pid: number, uparam: UserPtr): number {
  if (!uparam || pid < 0) return -EINVAL;
  const p = find_task(t, pid);
  if (!p) return -ESRCH;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, policy_of(p).prio, true);
  return copy_to_user(t, uparam, b, 0, 4) ? -EFAULT : 0;
}

/** The priority range queries know SCHED_EXT (0..0) even without a BPF scheduler, which privos has none of (setscheduler: EINVAL). */
const known_policy = (p: number): boolean => valid_policy(p) || p === SCHED_EXT;

export function sys_sched_get_priority_max(_t: Task, policy: number): number {
  if (rt_policy(policy)) return MAX_RT_PRIO - 1;
  return known_policy(policy) ? 0 : -EINVAL;
}

export function sys_sched_get_priority_min(_t: Task, policy: number): number {
  if (rt_policy(policy)) return 1;
  return known_policy(policy) ? 0 : -EINVAL;
}

/** SCHED_RR tasks report the round-robin slice; the others 0 (FIFO has none; EEVDF reports 0). */
export function sys_sched_rr_get_interval(t: Task, pid: number, uts: UserPtr): number {
  if (pid < 0) return -EINVAL;
  const p = find_task(t, pid);
  if (!p) return -ESRCH;
  return put_timespec(t, uts, policy_of(p).policy === SCHED_RR ? RR_TIMESLICE_NS : 0) ? 0 : -EFAULT;
}

const STORED = 'the policy and real-time priority are checked, stored, reported and inherited as Linux does, but privos schedules every task alike (no real-time preemption, no SCHED_IDLE/BATCH weighting)';

export const sched_policy_syscalls: readonly SyscallDef[] = [
  { name: 'sched_setscheduler', fn: sys_sched_setscheduler, args: ['int', 'int', 'ptr'], support: 'partial', note: STORED },
  { name: 'sched_setparam', fn: sys_sched_setparam, args: ['int', 'ptr'], support: 'partial', note: STORED },
  { name: 'sched_getscheduler', fn: sys_sched_getscheduler, args: ['int'] },
  { name: 'sched_getparam', fn: sys_sched_getparam, args: ['int', 'ptr'] },
  { name: 'sched_get_priority_max', fn: sys_sched_get_priority_max, args: ['int'] },
  { name: 'sched_get_priority_min', fn: sys_sched_get_priority_min, args: ['int'] },
  { name: 'sched_rr_get_interval', fn: sys_sched_rr_get_interval, args: ['int', 'ptr'] },
];
