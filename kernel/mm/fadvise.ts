/**
 * fadvise64(2) (mm/fadvise.c). privos keeps no reclaimable page cache: every file is like
 * Linux's tmpfs, whose backing device is noop_backing_dev_info, so generic_fadvise() checks
 * the advice and ignores it. https://man7.org/linux/man-pages/man2/posix_fadvise.2.html
 */
import { EINVAL, ESPIPE } from '../include/uapi/errno.ts';
import { POSIX_FADV_NOREUSE } from '../include/uapi/fcntl.ts';
import { S_ISFIFO } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from '../fs/file_table.ts';
import type { File } from '../fs/fs_types.ts';

/** vfs_fadvise() → generic_fadvise() for a noop-bdi file: pipes are ESPIPE, unknown advice EINVAL. */
export function vfs_fadvise(f: File, advice: number): number {
  if (S_ISFIFO(f.f_inode.i_mode)) return -ESPIPE;
  // The x86-64 and arm64 advice values are 0 (NORMAL) … 5 (NOREUSE); s390's DONTNEED differs.
  return advice >= 0 && advice <= POSIX_FADV_NOREUSE ? 0 : -EINVAL;
}

/** ksys_fadvise64_64(); arm64's fadvise64_64 takes the same arguments. */
export function sys_fadvise64(t: Task, fd: number, _offset: number, _len: number, advice: number): number {
  const f = fdget_io(t, fd);
  return typeof f === 'number' ? f : vfs_fadvise(f, advice);
}

export const fadvise_syscalls: readonly SyscallDef[] = [
  { name: 'fadvise64', fn: sys_fadvise64, args: ['fd', 'loff_t', 'size_t', 'int'] },
];
