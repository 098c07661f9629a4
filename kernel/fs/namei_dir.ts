/**
 * The namespace-changing calls of fs/namei.c: mkdir, mkdirat, rmdir, unlink, unlinkat,
 * symlink, symlinkat, link, linkat (vfs_mkdir, vfs_rmdir, vfs_unlink, vfs_symlink, vfs_link).
 * rename lives in rename.ts. Link counts are the VFS's: a directory has 2 + subdirectories.
 */
import {
  EBADF, EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, EXDEV,
} from '../include/uapi/errno.ts';
import { AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW } from '../include/uapi/fcntl.ts';
import { S_IFDIR, S_IFLNK, S_ISDIR } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { Dentry, Inode } from './fs_types.ts';
import { mnt_root_of, user_path_at, user_path_parent, type LookupResult } from './namei.ts';
import { d_instantiate, dir_touch, fd_dentry, getname, getname_flags, may_create, now_ns } from './open.ts';
import { shmem_get_inode, shmem_set_content } from './tmpfs.ts';

/** filename_create(): the parent must exist; the name must not. */
function filename_create(t: Task, dfd: number, upath: number, is_dir: boolean): LookupResult | number {
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

export function is_mountpoint_or_root(d: Dentry): boolean {
  return d.d_mounted !== null || d.d_mnt !== null || d.d_parent === null;
}

export function sys_mkdirat(t: Task, dfd: number, upath: number, mode: number): number {
  const r = filename_create(t, dfd, upath, true);
  if (typeof r === 'number') return r;
  const dir = r.parent;
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFDIR | (mode & ~t.fs.umask & 0o1777), t.cred.fsuid, t.cred.fsgid);
  const d = d_instantiate(dir, r.last, inode);
  const e = dir.d_inode!.i_op.mkdir?.(dir, d) ?? 0;
  if (e) { dir.d_children.delete(r.last); return e; }
  dir.d_inode!.i_nlink++;
  return 0;
}

/** Looks up the victim of unlink/rmdir without following the last symlink. */
function lookup_victim(t: Task, dfd: number, upath: number): LookupResult | number {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  return user_path_parent(t, dfd, path);
}

function do_rmdir(t: Task, dfd: number, upath: number): number {
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
  d_delete(r.parent, d);
  return 0;
}

function do_unlinkat(t: Task, dfd: number, upath: number): number {
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
  d_delete(r.parent, d);
  return 0;
}

export function drop_nlink(inode: Inode): void {
  if (inode.i_nlink > 0) inode.i_nlink--;
  inode.i_ctime = now_ns();
  if (inode.i_nlink === 0) inode.i_sb.evict_inode?.(inode); // iput_final once unused
}

export function sys_unlinkat(t: Task, dfd: number, upath: number, flags: number): number {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return flags & AT_REMOVEDIR ? do_rmdir(t, dfd, upath) : do_unlinkat(t, dfd, upath);
}

export function sys_symlinkat(t: Task, uold: number, dfd: number, unew: number): number {
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
  return 0;
}

export function sys_linkat(t: Task, odfd: number, uold: number, ndfd: number, unew: number, flags: number): number {
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
  // An unlinked file cannot get a name back, except an O_TMPFILE one (I_LINKABLE).
  if (inode.i_nlink === 0 && !od.d_name.startsWith('#')) return -ENOENT;
  const d = d_instantiate(r.parent, r.last, inode);
  const e = r.parent.d_inode!.i_op.link?.(od, r.parent, d) ?? 0;
  if (e) { r.parent.d_children.delete(r.last); return e; }
  inode.i_nlink++;
  inode.i_ctime = now_ns();
  return 0;
}

export const sys_mkdir = (t: Task, upath: number, mode: number): number => sys_mkdirat(t, AT_FDCWD, upath, mode);
export const sys_rmdir = (t: Task, upath: number): number => do_rmdir(t, AT_FDCWD, upath);
export const sys_unlink = (t: Task, upath: number): number => do_unlinkat(t, AT_FDCWD, upath);
export const sys_symlink = (t: Task, uold: number, unew: number): number => sys_symlinkat(t, uold, AT_FDCWD, unew);
export const sys_link = (t: Task, uold: number, unew: number): number => sys_linkat(t, AT_FDCWD, uold, AT_FDCWD, unew, 0);

export const namei_syscalls: SyscallDef[] = [
  { name: 'mkdir', fn: sys_mkdir, args: ['path', 'mode'] },
  { name: 'mkdirat', fn: sys_mkdirat, args: ['atfd', 'path', 'mode'] },
  { name: 'rmdir', fn: sys_rmdir, args: ['path'] },
  { name: 'unlink', fn: sys_unlink, args: ['path'] },
  { name: 'unlinkat', fn: sys_unlinkat, args: ['atfd', 'path', 'atflags'] },
  { name: 'symlink', fn: sys_symlink, args: ['path', 'path'] },
  { name: 'symlinkat', fn: sys_symlinkat, args: ['path', 'atfd', 'path'] },
  { name: 'link', fn: sys_link, args: ['path', 'path'] },
  { name: 'linkat', fn: sys_linkat, args: ['atfd', 'path', 'atfd', 'path', 'atflags'] },
];
