/**
 * sync(2), syncfs(2), fsync(2), fdatasync(2), sync_file_range(2) (fs/sync.c). File data lives
 * in memory (tmpfs) or is written through to the host (hostfs), so there is nothing to wait
 * for: each call checks its arguments and fds as Linux does and returns.
 */
import { EINVAL, ESPIPE } from '../include/uapi/errno.ts';
import { SYNC_FILE_RANGE_WAIT_AFTER, SYNC_FILE_RANGE_WAIT_BEFORE, SYNC_FILE_RANGE_WRITE } from '../include/uapi/fcntl.ts';
import { S_ISDIR, S_ISLNK, S_ISREG } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import type { SysRet } from './fs_types.ts';

const SYNC_FILE_RANGE_VALID = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;

function do_fsync(t: Task, fd: number, datasync: boolean): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  return f.f_op.fsync ? f.f_op.fsync(f, t, datasync) : -EINVAL;
}

export const sys_fsync = (t: Task, fd: number): SysRet => do_fsync(t, fd, false);
export const sys_fdatasync = (t: Task, fd: number): SysRet => do_fsync(t, fd, true);

/** sync(2): every file system's data is already where it goes; never fails. */
export const sys_sync = (): number => 0;

/** syncfs(2): EBADF for a bad or O_PATH fd; any other file names a file system to sync. */
export function sys_syncfs(t: Task, fd: number): number {
  const f = fdget_io(t, fd);
  return typeof f === 'number' ? f : 0;
}

/**
 * sync_file_range(2): ksys_sync_file_range() looks the fd up first, then sync_file_range()
 * checks the flags and the range; only regular files, directories, symlinks (and block
 * devices) may be synced, others ESPIPE.
 */
export function sys_sync_file_range(t: Task, fd: number, offset: number, nbytes: number, flags: number): number {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (flags & ~SYNC_FILE_RANGE_VALID) return -EINVAL;
  // loff_t offset, nbytes: a negative start, a negative length or an end past 2^63-1 is EINVAL.
  if (offset < 0 || nbytes < 0 || offset + nbytes > Number.MAX_SAFE_INTEGER) return -EINVAL;
  const m = f.f_inode.i_mode;
  return S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m) ? 0 : -ESPIPE;
}

export const sync_syscalls: readonly SyscallDef[] = [
  { name: 'fsync', fn: sys_fsync, args: ['unsigned int fd'] },
  { name: 'fdatasync', fn: sys_fdatasync, args: ['unsigned int fd'] },
  { name: 'sync', fn: sys_sync, args: [] },
  { name: 'syncfs', fn: sys_syncfs, args: ['fd'] },
  { name: 'sync_file_range', fn: sys_sync_file_range, args: ['fd', 'loff_t', 'loff_t', 'unsigned int hex'] },
];
