/** fsync(2), fdatasync(2) (fs/sync.c): EINVAL for files that cannot be synced (pipes, most devices). */
import { EINVAL } from '../include/uapi/errno.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import type { SysRet } from './fs_types.ts';

function do_fsync(t: Task, fd: number, datasync: boolean): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  return f.f_op.fsync ? f.f_op.fsync(f, t, datasync) : -EINVAL;
}

export const sys_fsync = (t: Task, fd: number): SysRet => do_fsync(t, fd, false);
export const sys_fdatasync = (t: Task, fd: number): SysRet => do_fsync(t, fd, true);

export const sync_syscalls: SyscallDef[] = [
  { name: 'fsync', fn: sys_fsync, args: ['fd'] },
  { name: 'fdatasync', fn: sys_fdatasync, args: ['fd'] },
];
