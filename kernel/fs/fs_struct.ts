/** umask(2) (kernel/sys.c; the mask lives in struct fs_struct, fs/fs_struct.c). */
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';

export function sys_umask(t: Task, mask: number): number {
  const old = t.fs.umask;
  t.fs.umask = mask & 0o777;
  return old;
}

export const fs_struct_syscalls: readonly SyscallDef[] = [
  { name: 'umask', fn: sys_umask, args: ['int mode'] },
];
