/**
 * fcntl(2) (fs/fcntl.c): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
 * F_GETPIPE_SZ, F_SETPIPE_SZ, the record locks (F_GETLK/F_SETLK/F_SETLKW and F_OFD_*, in locks.ts).
 * O_PATH descriptors allow only the fd-level commands.
 */
import { EBADF, EINVAL } from '../include/uapi/errno.ts';
import {
  F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_GETPIPE_SZ, F_SETFD, F_SETFL, F_SETPIPE_SZ, FD_CLOEXEC,
  O_APPEND, O_NONBLOCK, O_NOATIME, FASYNC, F_ADD_SEALS, F_GET_SEALS,
} from '../include/uapi/fcntl.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { f_dupfd } from './file.ts';
import { FMODE_PATH, type File, type SysRet } from './fs_types.ts';
import { pipe_fcntl } from './pipe.ts';
import { fcntl_lock, is_lock_cmd } from './locks.ts';
import { memfd_fcntl } from '../mm/memfd.ts';
import { as_user_ptr } from '../include/linux/compiler_types.ts';

/** setfl(): only these flags can change after open. */
function setfl(t: Task, f: File, arg: number): number {
  const settable = O_APPEND | O_NONBLOCK | O_NOATIME | FASYNC | t.kernel.arch.uapi.O_DIRECT;
  f.f_flags = (f.f_flags & ~settable) | (arg & settable);
  return 0;
}

export function sys_fcntl(t: Task, fd: number, cmd: number, arg: number): SysRet {
  const f = t.files.fcheck(fd);
  if (!f) return -EBADF;
  switch (cmd) {
    case F_DUPFD: return f_dupfd(t, arg >>> 0, f, false);
    case F_DUPFD_CLOEXEC: return f_dupfd(t, arg >>> 0, f, true);
    case F_GETFD: return t.files.close_on_exec[fd] ? FD_CLOEXEC : 0;
    case F_SETFD: t.files.close_on_exec[fd] = (arg & FD_CLOEXEC) !== 0; return 0;
    case F_GETFL: return f.f_flags;
  }
  if (f.f_mode & FMODE_PATH) return -EBADF;
  switch (cmd) {
    case F_SETFL: return setfl(t, f, arg);
    case F_GETPIPE_SZ: case F_SETPIPE_SZ: return pipe_fcntl(t, f, cmd, arg);
  }
  if (is_lock_cmd(cmd)) return fcntl_lock(t, f, cmd, as_user_ptr(arg));
  if (cmd === F_ADD_SEALS || cmd === F_GET_SEALS) return memfd_fcntl(t, f, cmd, arg);
  return -EINVAL;
}

export const fcntl_syscalls: readonly SyscallDef[] = [
  { name: 'fcntl', fn: sys_fcntl, args: ['unsigned int fd', 'fcntl_cmd', 'hex'], support: 'partial', note: 'no leases (F_SETLEASE/F_GETLEASE), F_SETOWN/F_GETOWN(_EX), F_SETSIG/F_GETSIG, F_NOTIFY, F_*_RW_HINT: EINVAL' },
];
