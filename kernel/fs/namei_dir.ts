/**
 * The namespace-changing calls of fs/namei.c: mkdir, mkdirat, rmdir, unlink, unlinkat,
 * symlink, symlinkat, link, linkat (vfs_mkdir, vfs_rmdir, vfs_unlink, vfs_symlink, vfs_link).
 * rename lives in rename.ts. Link counts are the VFS's: a directory has 2 + subdirectories.
 */
import {
  EBADF, EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, EXDEV,
} from '../include/uapi/errno.ts';
import { AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW } from '../include/uapi/fcntl.ts';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, S_ISDIR } from '../include/uapi/stat.ts';
import { CAP_MKNOD } from '../include/uapi/capability.ts';
import { capable } from '../capability.ts';
import { init_special_inode } from './inode.ts';
import { I_LINKABLE } from '../include/linux/fs.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { Dentry, Inode } from './fs_types.ts';
import { mnt_root_of, user_path_at, user_path_parent, type LookupResult } from './namei.ts';
import { d_instantiate, dir_touch, fd_dentry, getname, getname_flags, may_create, now_ns, vfs_create } from './open.ts';
import { shmem_get_inode, shmem_set_content } from './tmpfs.ts';
import { fsnotify_create, fsnotify_d_delete, fsnotify_delete, fsnotify_link, fsnotify_link_count } from './notify/fsnotify.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

/** filename_create(): the parent must exist; the name must not. */
function filename_create(t: Task, dfd: number, upath: UserPtr, is_dir: boolean): LookupResult | number {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  const r = user_path_parent(t, dfd, path);
  if (typeof r === 'number') return r;
  if (r.dentry) return -EEXIST;
  // A trailing slash names a directory: only mkdir may create one.
  if (r.trailing_slash && !is_dir) return -ENOENT;
  const err = may_create(t, r.parent);
  return err || r;
}

/** The sticky-directory rule and write permission on the parent (may_delete). */
export function may_delete(t: Task, dir: Dentry, victim: Dentry): number {
  const err = may_create(t, dir);
  if (err) return err;
  const uid = t.cred.fsuid, di = dir.d_inode!, vi = victim.d_inode!;
  if (di.i_mode & 0o1000 && uid !== 0 && uid !== vi.i_uid && uid !== di.i_uid) return -EPERM;
  return 0;
}

/** d_delete: unhashes a name; the inode lives on while files hold it. */
export function d_delete(dir: Dentry, victim: Dentry): void {
  dir.d_children.delete(victim.d_name);
  victim.d_unhashed = true;
  dir_touch(dir);
}

/** d_delete_notify(): the name goes, the inode's watches hear of it (if it is gone), then the directory's. */
export function d_delete_notify(dir: Dentry, victim: Dentry): void {
  d_delete(dir, victim);
  fsnotify_d_delete(victim);
  fsnotify_delete(dir, victim.d_inode!, victim.d_name);
}

export function is_mountpoint_or_root(d: Dentry): boolean {
  return d.d_mounted !== null || d.d_mnt !== null || d.d_parent === null;
}

export function sys_mkdirat(t: Task, dfd: number, upath: UserPtr, mode: number): number {
  const r = filename_create(t, dfd, upath, true);
  if (typeof r === 'number') return r;
  const dir = r.parent;
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFDIR | (mode & ~t.fs.umask & 0o1777), t.cred.fsuid, t.cred.fsgid);
  const d = d_instantiate(dir, r.last, inode);
  const e = dir.d_inode!.i_op.mkdir?.(dir, d) ?? 0;
  if (e) { dir.d_children.delete(r.last); return e; }
  dir.d_inode!.i_nlink++;
  fsnotify_create(dir, d);
  return 0;
}

/** Looks up the victim of unlink/rmdir without following the last symlink. */
function lookup_victim(t: Task, dfd: number, upath: UserPtr): LookupResult | number {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  return user_path_parent(t, dfd, path);
}

function do_rmdir(t: Task, dfd: number, upath: UserPtr): number {
  const r = lookup_victim(t, dfd, upath);
  if (typeof r === 'number') return r;
  if (r.last === '.' || r.last === '') return r.last === '' ? -EBUSY : -EINVAL;
  if (r.last === '..') return -ENOTEMPTY;
  const d = r.dentry;
  if (!d) return -ENOENT;
  if (!S_ISDIR(d.d_inode!.i_mode)) return -ENOTDIR;
  const err = may_delete(t, r.parent, d);
  if (err) return err;
  if (is_mountpoint_or_root(d) || d === t.fs.root) return -EBUSY;
  if (d.d_children.size > 0) return -ENOTEMPTY;
  const e = r.parent.d_inode!.i_op.rmdir?.(r.parent, d) ?? 0;
  if (e) return e;
  d.d_inode!.i_nlink = 0;
  r.parent.d_inode!.i_nlink--;
  d_delete_notify(r.parent, d);
  return 0;
}

function do_unlinkat(t: Task, dfd: number, upath: UserPtr): number {
  const r = lookup_victim(t, dfd, upath);
  if (typeof r === 'number') return r;
  if (r.last === '.' || r.last === '..' || r.last === '') return -EISDIR;
  const d = r.dentry;
  if (r.trailing_slash) return !d ? -ENOENT : S_ISDIR(d.d_inode!.i_mode) ? -EISDIR : -ENOTDIR;
  if (!d) return -ENOENT;
  // unlink(2) on a directory is EISDIR on Linux (POSIX allows EPERM).
  if (S_ISDIR(d.d_inode!.i_mode)) return -EISDIR;
  const err = may_delete(t, r.parent, d);
  if (err) return err;
  if (d.d_mounted) return -EBUSY;
  const e = r.parent.d_inode!.i_op.unlink?.(r.parent, d) ?? 0;
  if (e) return e;
  drop_nlink(d.d_inode!);
  fsnotify_link_count(d.d_inode!);
  d_delete_notify(r.parent, d);
  return 0;
}

export function drop_nlink(inode: Inode): void {
  if (inode.i_nlink > 0) inode.i_nlink--;
  inode.i_ctime = now_ns();
  if (inode.i_nlink === 0) inode.i_sb.evict_inode?.(inode); // iput_final once unused
}

export function sys_unlinkat(t: Task, dfd: number, upath: UserPtr, flags: number): number {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return flags & AT_REMOVEDIR ? do_rmdir(t, dfd, upath) : do_unlinkat(t, dfd, upath);
}

export function sys_symlinkat(t: Task, uold: UserPtr, dfd: number, unew: UserPtr): number {
  const target = getname(t, uold);
  if (typeof target === 'number') return target;
  const r = filename_create(t, dfd, unew, false);
  if (typeof r === 'number') return r;
  const dir = r.parent;
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFLNK | 0o777, t.cred.fsuid, t.cred.fsgid);
  shmem_set_content(inode, new TextEncoder().encode(target));
  const d = d_instantiate(dir, r.last, inode);
  const e = dir.d_inode!.i_op.symlink?.(dir, d, target) ?? 0;
  if (e) { dir.d_children.delete(r.last); return e; }
  fsnotify_create(dir, d);
  return 0;
}

export function sys_linkat(t: Task, odfd: number, uold: UserPtr, ndfd: number, unew: UserPtr, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const old = getname_flags(t, uold, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof old === 'number') return old;
  const od = old === '' ? fd_dentry(t, odfd) : user_path_at(t, odfd, old, (flags & AT_SYMLINK_FOLLOW) !== 0);
  if (typeof od === 'number') return od === -EBADF && odfd === AT_FDCWD ? -ENOENT : od;
  const r = filename_create(t, ndfd, unew, false);
  if (typeof r === 'number') return r;
  const inode = od.d_inode!;
  if (mnt_root_of(r.parent) !== mnt_root_of(od) && !od.d_unhashed) return -EXDEV;
  if (S_ISDIR(inode.i_mode)) return -EPERM;
  // An unlinked file cannot get a name back, except an O_TMPFILE one not opened O_EXCL (I_LINKABLE), once.
  if (inode.i_nlink === 0 && !(inode.i_state & I_LINKABLE)) return -ENOENT;
  inode.i_state &= ~I_LINKABLE;
  const d = d_instantiate(r.parent, r.last, inode);
  const e = r.parent.d_inode!.i_op.link?.(od, r.parent, d) ?? 0;
  if (e) { r.parent.d_children.delete(r.last); return e; }
  inode.i_nlink++;
  inode.i_ctime = now_ns();
  fsnotify_link(r.parent, inode, d);
  return 0;
}

/** may_mknod(): the types mknod may make (0 is a regular file); a directory is EPERM. */
function may_mknod(mode: number): number {
  switch (mode & S_IFMT) {
    case 0: case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK: return 0;
    case S_IFDIR: return -EPERM;
    default: return -EINVAL;
  }
}

/** vfs_mknod(): device nodes need CAP_MKNOD; a file system that mirrors to a backing store (hostfs) has no special files. */
function vfs_mknod(t: Task, dir: Dentry, name: string, mode: number, dev: number): number {
  const fmt = mode & S_IFMT;
  if ((fmt === S_IFCHR || fmt === S_IFBLK) && !capable(t, CAP_MKNOD)) return -EPERM;
  if (dir.d_inode!.i_op.create) return -EPERM;
  const inode = shmem_get_inode(dir.d_inode!.i_sb, mode, t.cred.fsuid, t.cred.fsgid);
  init_special_inode(inode, mode, fmt === S_IFCHR || fmt === S_IFBLK ? dev >>> 0 : 0);
  fsnotify_create(dir, d_instantiate(dir, name, inode));
  return 0;
}

/**
 * mknodat(2) (do_mknodat): regular files, FIFOs, sockets and device nodes, the umask applied.
 * https://man7.org/linux/man-pages/man2/mknod.2.html
 */
export function sys_mknodat(t: Task, dfd: number, upath: UserPtr, mode: number, dev: number): number {
  mode &= 0xffff; // umode_t
  const err = may_mknod(mode);
  if (err) return err;
  const r = filename_create(t, dfd, upath, false);
  if (typeof r === 'number') return r;
  mode = (mode & S_IFMT) | (mode & 0o7777 & ~t.fs.umask);
  if ((mode & S_IFMT) === 0 || (mode & S_IFMT) === S_IFREG) {
    const c = vfs_create(t, r.parent, r.last, mode);
    return typeof c === 'number' ? c : 0;
  }
  return vfs_mknod(t, r.parent, r.last, mode, dev);
}

export const sys_mknod = (t: Task, upath: UserPtr, mode: number, dev: number): number => sys_mknodat(t, AT_FDCWD, upath, mode, dev);
export const sys_mkdir = (t: Task, upath: UserPtr, mode: number): number => sys_mkdirat(t, AT_FDCWD, upath, mode);
export const sys_rmdir = (t: Task, upath: UserPtr): number => do_rmdir(t, AT_FDCWD, upath);
export const sys_unlink = (t: Task, upath: UserPtr): number => do_unlinkat(t, AT_FDCWD, upath);
export const sys_symlink = (t: Task, uold: UserPtr, unew: UserPtr): number => sys_symlinkat(t, uold, AT_FDCWD, unew);
export const sys_link = (t: Task, uold: UserPtr, unew: UserPtr): number => sys_linkat(t, AT_FDCWD, uold, AT_FDCWD, unew, 0);

const MKNOD_NOTE = 'no block drivers (a block device node opens as ENXIO); character nodes open where privos has the driver (mem, tty, misc…); hostfs mounts take no special files (EPERM)';

export const namei_syscalls: readonly SyscallDef[] = [
  { name: 'mkdir', fn: sys_mkdir, args: ['path', 'mode'] },
  { name: 'mkdirat', fn: sys_mkdirat, args: ['atfd', 'path', 'mode'] },
  { name: 'rmdir', fn: sys_rmdir, args: ['path'] },
  { name: 'unlink', fn: sys_unlink, args: ['path'] },
  { name: 'unlinkat', fn: sys_unlinkat, args: ['atfd', 'path', 'atflags'] },
  { name: 'symlink', fn: sys_symlink, args: ['path', 'path'] },
  { name: 'symlinkat', fn: sys_symlinkat, args: ['path', 'atfd', 'path'] },
  { name: 'link', fn: sys_link, args: ['path', 'path'] },
  {
    name: 'linkat', fn: sys_linkat, args: ['atfd', 'path', 'atfd', 'path', 'atflags'], support: 'partial',
    note: 'AT_EMPTY_PATH: Linux (6.10+) refuses a file opened under other credentials without CAP_DAC_READ_SEARCH (ENOENT); privos keeps no opener credentials on a file and allows it',
  },
  { name: 'mknod', fn: sys_mknod, args: ['path', 'mode', 'hex'], support: 'partial', note: MKNOD_NOTE },
  { name: 'mknodat', fn: sys_mknodat, args: ['atfd', 'path', 'mode', 'hex'], support: 'partial', note: MKNOD_NOTE },
];
