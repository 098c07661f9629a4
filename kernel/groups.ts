/**
 * Supplementary groups (kernel/groups.c): getgroups(2), setgroups(2). setgroups needs
 * CAP_SETGID and keeps the list sorted (groups_sort), so getgroups returns it in order.
 * https://man7.org/linux/man-pages/man2/getgroups.2.html
 */
import { CAP_SETGID } from './include/uapi/capability.ts';
import { EFAULT, EINVAL, EPERM } from './include/uapi/errno.ts';
import { capable } from './capability.ts';
import { copy_from_user, copy_to_user } from './mm/uaccess.ts';
import type { Task } from './sched/task.ts';
import type { SyscallDef } from './syscalls/syscall_def.ts';
import type { UserPtr } from './include/linux/compiler_types.ts';

export const NGROUPS_MAX = 65536;

export function sys_getgroups(t: Task, size: number, ulist: UserPtr): number {
  if (size < 0) return -EINVAL;
  const g = t.cred.groups;
  if (size === 0) return g.length;
  if (size < g.length) return -EINVAL;
  const b = new Uint8Array(g.length * 4), v = new DataView(b.buffer);
  for (let i = 0; i < g.length; i++) v.setUint32(i * 4, g[i], true);
  return copy_to_user(t, ulist, b, 0, b.length) ? -EFAULT : g.length;
}

export function sys_setgroups(t: Task, size: number, ulist: UserPtr): number {
  if (!capable(t, CAP_SETGID)) return -EPERM;
  if (size < 0 || size > NGROUPS_MAX) return -EINVAL; // (unsigned)gidsetsize > NGROUPS_MAX
  const b = new Uint8Array(size * 4), v = new DataView(b.buffer);
  if (size && copy_from_user(t, b, 0, ulist, b.length)) return -EFAULT;
  const g: number[] = [];
  for (let i = 0; i < size; i++) g.push(v.getUint32(i * 4, true));
  t.cred.groups = g.sort((a, c) => a - c);
  return 0;
}

export const groups_syscalls: readonly SyscallDef[] = [
  { name: 'getgroups', fn: sys_getgroups, args: ['int', 'ptr'] },
  { name: 'setgroups', fn: sys_setgroups, args: ['int', 'ptr'] },
];
