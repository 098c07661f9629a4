/**
 * open(2), openat(2), creat(2), close(2) (fs/open.c, fs/namei.c do_filp_open).
 */
import { EEXIST, EISDIR, ENOTDIR, ELOOP, EINVAL, ENOENT } from '../include/uapi/errno.ts';
import { AT_FDCWD, O_ACCMODE, O_CLOEXEC, O_CREAT, O_EXCL, O_PATH, O_RDONLY, O_TRUNC, O_WRONLY, O_RDWR } from '../include/uapi/fcntl.ts';
import { S_IFREG, S_ISDIR, S_ISLNK, S_ISREG } from '../include/uapi/stat.ts';
import { strncpy_from_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fput } from './fdtable.ts';
import { alloc_file, install_fd } from './file_table.ts';
import { Dentry, type File } from './fs_types.ts';
import { MAY_EXEC, MAY_READ, MAY_WRITE, PATH_MAX, inode_permission, path_lookupat, path_start } from './namei.ts';
import { shmem_get_inode, shmem_setsize } from './tmpfs.ts';

/** Reads a path argument (getname): ENOENT for "", EFAULT, ENAMETOOLONG. */
export function getname(t: Task, upath: number): string | number {
  const s = strncpy_from_user(t, upath, PATH_MAX - 1);
  if (typeof s === 'string' && s === '') return -ENOENT;
  return s;
}

/** Creates a regular file in dir (vfs_create). */
export function vfs_create(t: Task, dir: Dentry, name: string, mode: number): Dentry | number {
  const err = inode_permission(t, dir.d_inode!, MAY_WRITE | MAY_EXEC);
  if (err) return err;
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFREG | (mode & ~t.fs.umask & 0o7777), t.cred.fsuid, t.cred.fsgid);
  const d = new Dentry(name, dir, inode);
  dir.d_children.set(name, d);
  dir.d_inode!.i_mtime = dir.d_inode!.i_ctime = Date.now() * 1e6;
  return d;
}

/** do_filp_open(): resolves, creates, checks and opens; returns the File or -errno. */
export function do_filp_open(t: Task, dfd: number, path: string, flags: number, mode: number): File | number {
  const uapi = t.kernel.arch.uapi;
  const start = path_start(t, dfd, path);
  if (typeof start === 'number') return start;
  const follow = !(flags & uapi.O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  const r = path_lookupat(t, start, path, follow);
  if (typeof r === 'number') return r;
  let d = r.dentry;
  if (d && flags & O_CREAT && flags & O_EXCL) return -EEXIST;
  if (!d) {
    if (!(flags & O_CREAT)) return -ENOENT;
    if (r.trailing_slash) return -EISDIR;
    const c = vfs_create(t, r.parent, r.last, mode);
    if (typeof c === 'number') return c;
    d = c;
  } else if (flags & O_CREAT && S_ISDIR(d.d_inode!.i_mode)) return -EISDIR;
  const inode = d.d_inode!;
  if (S_ISLNK(inode.i_mode) && !(flags & O_PATH)) return -ELOOP;
  if (flags & uapi.O_DIRECTORY && !S_ISDIR(inode.i_mode)) return -ENOTDIR;
  if (r.trailing_slash && !S_ISDIR(inode.i_mode)) return -ENOTDIR;
  const acc = flags & O_ACCMODE;
  if (acc === 3 && !(flags & O_PATH)) return -EINVAL;
  if (!(flags & O_PATH)) {
    if (S_ISDIR(inode.i_mode) && (acc !== O_RDONLY || flags & O_TRUNC)) return -EISDIR;
    const mask = (acc === O_RDONLY || acc === O_RDWR ? MAY_READ : 0) | (acc === O_WRONLY || acc === O_RDWR ? MAY_WRITE : 0);
    const err = r.dentry && mask ? inode_permission(t, inode, mask) : 0;
    if (err) return err;
  }
  const f = alloc_file(inode, d, flags, flags & O_PATH ? {} : inode.i_fop);
  if (!(flags & O_PATH) && f.f_op.open) {
    const err = f.f_op.open(inode, f, t);
    if (err) return err;
  }
  if (flags & O_TRUNC && S_ISREG(inode.i_mode) && (acc === O_WRONLY || acc === O_RDWR)) shmem_setsize(inode, 0);
  return f;
}

export function do_sys_open(t: Task, dfd: number, upath: number, flags: number, mode: number): number {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  const f = do_filp_open(t, dfd, path, flags, mode & 0o7777);
  if (typeof f === 'number') return f;
  return install_fd(t, f, (flags & O_CLOEXEC) !== 0);
}

export function sys_openat(t: Task, dfd: number, upath: number, flags: number, mode: number): number {
  return do_sys_open(t, dfd, upath, flags, mode);
}

export function sys_open(t: Task, upath: number, flags: number, mode: number): number {
  return do_sys_open(t, AT_FDCWD, upath, flags, mode);
}

export function sys_creat(t: Task, upath: number, mode: number): number {
  return do_sys_open(t, AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

export function sys_close(t: Task, fd: number): number {
  const f = t.files.close_fd(fd);
  if (typeof f === 'number') return f;
  fput(f);
  return 0;
}

export const open_syscalls: SyscallDef[] = [
  { name: 'open', fn: sys_open, args: ['path', 'oflags', 'mode'] },
  { name: 'openat', fn: sys_openat, args: ['atfd', 'path', 'oflags', 'mode'] },
  { name: 'creat', fn: sys_creat, args: ['path', 'mode'] },
  { name: 'close', fn: sys_close, args: ['fd'] },
];

