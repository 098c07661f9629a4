/**
 * ioctl(2) (fs/ioctl.c): the generic commands (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC), then the
 * file's unlocked_ioctl; ENOTTY when the file has none.
 */
import { EFAULT, ENOTTY } from '../include/uapi/errno.ts';
import { O_NONBLOCK } from '../include/uapi/fcntl.ts';
import { get_user_u32, put_user_u32 } from '../mm/uaccess.ts';
import { S_ISREG } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import type { SysRet } from './fs_types.ts';
import { as_user_ptr } from '../include/linux/compiler_types.ts';

export const FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452, FIONBIO = 0x5421, FIONREAD = 0x541b;

export function sys_ioctl(t: Task, fd: number, cmd: number, arg: number): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  switch (cmd) {
    case FIOCLEX: t.files.close_on_exec[fd] = true; return 0;
    case FIONCLEX: t.files.close_on_exec[fd] = false; return 0;
    case FIONBIO: {
      if (get_user_u32(t, as_user_ptr(arg))) return -EFAULT;
      f.f_flags = t.cpu.uval ? f.f_flags | O_NONBLOCK : f.f_flags & ~O_NONBLOCK;
      return 0;
    }
    case FIOASYNC: return get_user_u32(t, as_user_ptr(arg));
    case FIONREAD:
      // do_vfs_ioctl: for a regular file, the bytes between f_pos and the end.
      if (S_ISREG(f.f_inode.i_mode)) return put_user_u32(t, as_user_ptr(arg), Math.max(0, f.f_inode.i_size - f.f_pos));
  }
  return f.f_op.unlocked_ioctl ? f.f_op.unlocked_ioctl(f, t, cmd, arg) : -ENOTTY;
}

export const ioctl_syscalls: readonly SyscallDef[] = [
  { name: 'ioctl', fn: sys_ioctl, args: ['unsigned int fd', 'ioctl', 'hex'] },
];
