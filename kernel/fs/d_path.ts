/** getcwd(2) (fs/d_path.c): the cwd's path with its NUL; ENOENT once the cwd was removed. */
import { EFAULT, ENOENT, ERANGE } from '../include/uapi/errno.ts';
import { copy_to_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { Dentry } from './fs_types.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

/** Is d still reachable by name (no unhashed dentry on the way to the root)? */
export function d_reachable(d: Dentry): boolean {
  for (let x: Dentry | null = d; x; x = x.d_mnt?.mnt_mountpoint ?? x.d_parent) if (x.d_unhashed) return false;
  return true;
}

const enc = new TextEncoder();

export function sys_getcwd(t: Task, ubuf: UserPtr, size: number): number {
  const pwd = t.fs.pwd;
  if (!d_reachable(pwd)) return -ENOENT;
  const b = enc.encode(pwd.path() + '\0');
  if (size >= 0 && b.length > size) return -ERANGE; // unsigned long size: negative is huge
  return copy_to_user(t, ubuf, b, 0, b.length) ? -EFAULT : b.length;
}

export const d_path_syscalls: readonly SyscallDef[] = [
  { name: 'getcwd', fn: sys_getcwd, args: ['ptr', 'unsigned long'] },
];
