/**
 * Opening inodes as files and the fd helpers every subsystem uses (fs/file_table.c, fs/file.c):
 * alloc_file, fdget, installing a new file at the lowest free fd.
 */
import { EBADF } from '../include/uapi/errno.ts';
import { O_ACCMODE, O_CLOEXEC, O_PATH, O_RDONLY, O_RDWR, O_WRONLY } from '../include/uapi/fcntl.ts';
import type { Task } from '../sched/task.ts';
import { fput } from './fdtable.ts';
import { File, FMODE_LSEEK, FMODE_PATH, FMODE_PREAD, FMODE_PWRITE, FMODE_READ, FMODE_WRITE, type Dentry, type FileOperations, type Inode } from './fs_types.ts';

export const RLIMIT_NOFILE = 7;

/** f_mode from open flags (OPEN_FMODE). */
export function open_fmode(flags: number): number {
  if (flags & O_PATH) return FMODE_PATH;
  const acc = flags & O_ACCMODE;
  return (acc === O_RDONLY || acc === O_RDWR ? FMODE_READ : 0) | (acc === O_WRONLY || acc === O_RDWR ? FMODE_WRITE : 0);
}

/** alloc_file(): a new File on inode with fops; seekable and p{read,write}-able by default. */
export function alloc_file(inode: Inode, dentry: Dentry | null, flags: number, fops: FileOperations): File {
  const mode = open_fmode(flags);
  return new File(fops, flags & ~O_CLOEXEC, mode === FMODE_PATH ? mode : mode | FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE, inode, dentry);
}

/** Installs f at the lowest free fd (get_unused_fd_flags + fd_install); drops f on failure. */
export function install_fd(t: Task, f: File, cloexec: boolean): number {
  const fd = t.files.get_unused_fd_flags(cloexec, t.rlim[RLIMIT_NOFILE].cur);
  if (fd < 0) { fput(f); return fd; }
  t.files.fd_install(fd, f);
  return fd;
}

/** fdget(): the file at fd (no reference is taken: one task runs at a time), or null. */
export function fdget(t: Task, fd: number): File | null {
  return t.files.fcheck(fd);
}

/** fdget for I/O: O_PATH files are EBADF for every I/O syscall. */
export function fdget_io(t: Task, fd: number): File | number {
  const f = t.files.fcheck(fd);
  if (!f || f.f_mode & FMODE_PATH) return -EBADF;
  return f;
}
