/**
 * CPU affinity (kernel/sched/syscalls.c): sched_getaffinity and sched_setaffinity on privos's
 * one CPU. A task's mask is kept (inherited at fork) and must include CPU 0; changing another
 * process's mask needs the same owner or CAP_SYS_NICE, reading it needs nothing.
 */
import { EFAULT, EINVAL, EPERM, ESRCH } from '../include/uapi/errno.ts';
import { CAP_SYS_NICE } from '../include/uapi/capability.ts';
import { capable } from '../capability.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { Task } from './task.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

/** nr_cpu_ids, and cpumask_size(): whole longs. */
export const NR_CPU_IDS = 1;
const CPUMASK_SIZE = Math.ceil(NR_CPU_IDS / 64) * 8;
const CPU_ACTIVE_MASK = (1 << NR_CPU_IDS) - 1;

export function find_task(t: Task, pid: number): Task | null {
  if (pid === 0) return t;
  const p = t.kernel.tasks.get(pid);
  return p && p.alive ? p : null;
}

/** check_same_owner(): the caller's euid is the target's euid or real uid. */
export function check_same_owner(t: Task, p: Task): boolean {
  return t.cred.euid === p.cred.euid || t.cred.euid === p.cred.uid;
}

/** get_user_cpu_mask(): a shorter user mask is zero-extended, a longer one cut to cpumask_size. */
function get_user_cpu_mask(t: Task, uptr: UserPtr, len: number): number {
  const b = new Uint8Array(CPUMASK_SIZE);
  const n = Math.min(len, CPUMASK_SIZE);
  if (copy_from_user(t, b, 0, uptr, n)) return -EFAULT;
  return b[0] & CPU_ACTIVE_MASK;
}

export function sys_sched_setaffinity(t: Task, pid: number, len: number, uptr: UserPtr): number {
  const mask = get_user_cpu_mask(t, uptr, len);
  if (mask < 0) return mask;
  const p = find_task(t, pid);
  if (!p) return -ESRCH;
  if (!check_same_owner(t, p) && !capable(t, CAP_SYS_NICE)) return -EPERM;
  if ((mask & CPU_ACTIVE_MASK) === 0) return -EINVAL;
  p.cpus_allowed = mask;
  return 0;
}

/** sched_getaffinity(2): returns the bytes written (cpumask_size), as the raw syscall does. */
export function sys_sched_getaffinity(t: Task, pid: number, len: number, uptr: UserPtr): number {
  if (len * 8 < NR_CPU_IDS || len & 7) return -EINVAL;
  const p = find_task(t, pid);
  if (!p) return -ESRCH;
  const b = new Uint8Array(CPUMASK_SIZE);
  b[0] = p.cpus_allowed & CPU_ACTIVE_MASK;
  return copy_to_user(t, uptr, b, 0, CPUMASK_SIZE) ? -EFAULT : CPUMASK_SIZE;
}

export const sched_syscalls: readonly SyscallDef[] = [
  { name: 'sched_setaffinity', fn: sys_sched_setaffinity, args: ['int', 'uint', 'ptr'] },
  { name: 'sched_getaffinity', fn: sys_sched_getaffinity, args: ['int', 'uint', 'ptr'] },
];
