/**
 * read(2), write(2), lseek(2), pread64/pwrite64 (fs/read_write.c). The fd's access mode is
 * checked here (EBADF for a read on an O_WRONLY fd), whatever the storage below would allow.
 */
import { EBADF, EINVAL, ESPIPE, EFAULT, EOVERFLOW } from '../include/uapi/errno.ts';
import { O_APPEND, SEEK_CUR, SEEK_END, SEEK_SET } from '../include/uapi/fcntl.ts';
import { S_ISDIR } from '../include/uapi/stat.ts';
import { EISDIR } from '../include/uapi/errno.ts';
import { access_ok } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import { FMODE_LSEEK, FMODE_PREAD, FMODE_PWRITE, FMODE_READ, FMODE_WRITE, type File, type SysRet } from './fs_types.ts';

/** MAX_RW_COUNT: INT_MAX rounded down to a page. */
export const MAX_RW_COUNT = 0x7ffff000;

function advance(f: File, r: number): number {
  if (r > 0) f.f_pos += r;
  return r;
}

/** vfs_read(): checks, then f_op.read at pos. */
export function vfs_read(t: Task, f: File, buf: number, count: number, pos: number): SysRet {
  if (!(f.f_mode & FMODE_READ)) return -EBADF;
  const read = f.f_op.read;
  if (!read) return S_ISDIR(f.f_inode.i_mode) ? -EISDIR : -EINVAL;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  if (count < 0) return -EINVAL;
  if (count > 0 && !access_ok(buf, count)) return -EFAULT;
  return read(f, t, buf, count, pos);
}

/** vfs_write(): checks, O_APPEND, then f_op.write at pos. */
export function vfs_write(t: Task, f: File, buf: number, count: number, pos: number): SysRet {
  if (!(f.f_mode & FMODE_WRITE)) return -EBADF;
  const write = f.f_op.write;
  if (!write) return -EINVAL;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  if (count < 0) return -EINVAL;
  if (count > 0 && !access_ok(buf, count)) return -EFAULT;
  return write(f, t, buf, count, pos);
}

export function sys_read(t: Task, fd: number, buf: number, count: number): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  const r = vfs_read(t, f, buf, count, f.f_pos);
  return typeof r === 'number' ? advance(f, r) : r.then((v) => advance(f, v));
}

export function sys_write(t: Task, fd: number, buf: number, count: number): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (f.f_flags & O_APPEND) f.f_pos = f.f_inode.i_size;
  const r = vfs_write(t, f, buf, count, f.f_pos);
  return typeof r === 'number' ? advance(f, r) : r.then((v) => advance(f, v));
}

export function sys_pread64(t: Task, fd: number, buf: number, count: number, pos: number): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (pos < 0) return -EINVAL;
  if (!(f.f_mode & FMODE_PREAD)) return -ESPIPE;
  return vfs_read(t, f, buf, count, pos);
}

export function sys_pwrite64(t: Task, fd: number, buf: number, count: number, pos: number): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (pos < 0) return -EINVAL;
  if (!(f.f_mode & FMODE_PWRITE)) return -ESPIPE;
  return vfs_write(t, f, buf, count, pos);
}

/** generic_file_llseek() */
export function generic_file_llseek(f: File, offset: number, whence: number): number {
  let pos: number;
  if (whence === SEEK_SET) pos = offset;
  else if (whence === SEEK_CUR) pos = f.f_pos + offset;
  else if (whence === SEEK_END) pos = f.f_inode.i_size + offset;
  else return -EINVAL;
  if (pos < 0) return -EINVAL;
  if (!Number.isSafeInteger(pos)) return -EOVERFLOW;
  f.f_pos = pos;
  return pos;
}

export function sys_lseek(t: Task, fd: number, offset: number, whence: number): number {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (!(f.f_mode & FMODE_LSEEK)) return -ESPIPE;
  return (f.f_op.llseek ?? generic_file_llseek)(f, offset, whence);
}

export const read_write_syscalls: SyscallDef[] = [
  { name: 'read', fn: sys_read, args: ['fd', 'buf_out', 'uint'] },
  { name: 'write', fn: sys_write, args: ['fd', 'buf_in', 'uint'] },
  { name: 'pread64', fn: sys_pread64, args: ['fd', 'buf_out', 'uint', 'int'] },
  { name: 'pwrite64', fn: sys_pwrite64, args: ['fd', 'buf_in', 'uint', 'int'] },
  { name: 'lseek', fn: sys_lseek, args: ['fd', 'int', 'whence'] },
];
