/**
 * readahead(2) (mm/readahead.c): ksys_readahead() checks the fd, then asks vfs_fadvise() for
 * POSIX_FADV_WILLNEED; with no page cache to fill (see fadvise.ts) that is all it does.
 */
import { EBADF, EINVAL } from '../include/uapi/errno.ts';
import { POSIX_FADV_WILLNEED } from '../include/uapi/fcntl.ts';
import { S_ISREG } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from '../fs/file_table.ts';
import { FMODE_READ } from '../fs/fs_types.ts';
import { vfs_fadvise } from './fadvise.ts';

/** EBADF unless open for reading; EINVAL for anything but a regular file (no address space ops). */
export function sys_readahead(t: Task, fd: number, _offset: number, _count: number): number {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (!(f.f_mode & FMODE_READ)) return -EBADF;
  if (!S_ISREG(f.f_inode.i_mode)) return -EINVAL;
  return vfs_fadvise(f, POSIX_FADV_WILLNEED);
}

export const readahead_syscalls: readonly SyscallDef[] = [
  { name: 'readahead', fn: sys_readahead, args: ['fd', 'loff_t', 'size_t'] },
];
