/**
 * dup(2), dup2(2), dup3(2), close_range(2) (fs/file.c).
 */
import { EBADF, EBUSY, EINVAL } from '../include/uapi/errno.ts';
import { O_CLOEXEC } from '../include/uapi/fcntl.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fput } from './fdtable.ts';
import { RLIMIT_NOFILE } from './file_table.ts';
import type { File } from './fs_types.ts';

export const CLOSE_RANGE_UNSHARE = 1 << 1, CLOSE_RANGE_CLOEXEC = 1 << 2;

/** f_dupfd(): the lowest free fd >= from, sharing the file. */
export function f_dupfd(t: Task, from: number, f: File, cloexec: boolean): number {
  const limit = t.rlim[RLIMIT_NOFILE].cur;
  if (from >= limit) return -EINVAL;
  const fd = t.files.get_unused_fd_flags(cloexec, limit, from);
  if (fd < 0) return fd;
  t.files.fd_install(fd, f.get());
  return fd;
}

export function sys_dup(t: Task, fd: number): number {
  const f = t.files.fcheck(fd);
  if (!f) return -EBADF;
  const nfd = t.files.get_unused_fd_flags(false, t.rlim[RLIMIT_NOFILE].cur);
  if (nfd < 0) return nfd;
  t.files.fd_install(nfd, f.get());
  return nfd;
}

/** do_dup2(): installs oldfd's file at newfd, closing what was there. */
function do_dup2(t: Task, oldfd: number, newfd: number, cloexec: boolean): number {
  if (newfd >= t.rlim[RLIMIT_NOFILE].cur) return -EBADF;
  const f = t.files.fcheck(oldfd);
  if (!f) return -EBADF;
  if (t.files.is_reserved(newfd)) return -EBUSY;
  const old = t.files.replace_fd(newfd, f.get(), cloexec);
  if (old) fput(old);
  return newfd;
}

export function sys_dup3(t: Task, oldfd: number, newfd: number, flags: number): number {
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd === newfd) return -EINVAL;
  return do_dup2(t, oldfd, newfd, (flags & O_CLOEXEC) !== 0);
}

export function sys_dup2(t: Task, oldfd: number, newfd: number): number {
  if (oldfd === newfd) return t.files.fcheck(oldfd) ? newfd : -EBADF;
  return do_dup2(t, oldfd, newfd, false);
}

export function sys_close_range(t: Task, first: number, last: number, flags: number): number {
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) return -EINVAL;
  if (first > last) return -EINVAL;
  const files = t.files;
  const end = Math.min(last, files.fd.length - 1);
  for (let fd = first; fd <= end; fd++) {
    if (!files.fcheck(fd)) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) { files.close_on_exec[fd] = true; continue; }
    const f = files.close_fd(fd);
    if (typeof f !== 'number') fput(f);
  }
  return 0;
}

export const file_syscalls: readonly SyscallDef[] = [
  { name: 'dup', fn: sys_dup, args: ['unsigned int fd'], ret_fd: true },
  { name: 'dup2', fn: sys_dup2, args: ['unsigned int fd', 'unsigned int fd'], ret_fd: true },
  { name: 'dup3', fn: sys_dup3, args: ['unsigned int fd', 'unsigned int fd', 'oflags'], ret_fd: true },
  { name: 'close_range', fn: sys_close_range, args: ['fdrange', 'uint', 'unsigned int hex'] },
];
