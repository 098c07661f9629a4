/**
 * ioctl(2) (fs/ioctl.c): the generic commands (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC), then the
 * file's unlocked_ioctl; ENOTTY when the file has none.
 */
import { EFAULT, ENOTTY } from '../include/uapi/errno.ts';
import { O_NONBLOCK } from '../include/uapi/fcntl.ts';
import { get_user_u32 } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import type { SysRet } from './fs_types.ts';

export const FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452, FIONBIO = 0x5421;

export function sys_ioctl(t: Task, fd: number, cmd: number, arg: number): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  cmd >>>= 0;
  switch (cmd) {
    case FIOCLEX: t.files.close_on_exec[fd] = true; return 0;
    case FIONCLEX: t.files.close_on_exec[fd] = false; return 0;
    case FIONBIO: {
      const on = get_user_u32(t, arg);
      if (on === undefined) return -EFAULT;
      f.f_flags = on ? f.f_flags | O_NONBLOCK : f.f_flags & ~O_NONBLOCK;
      return 0;
    }
    case FIOASYNC: return get_user_u32(t, arg) === undefined ? -EFAULT : 0;
  }
  return f.f_op.unlocked_ioctl ? f.f_op.unlocked_ioctl(f, t, cmd, arg) : -ENOTTY;
}

export const ioctl_syscalls: SyscallDef[] = [
  { name: 'ioctl', fn: sys_ioctl, args: ['fd', 'ioctl', 'hex'] },
];
