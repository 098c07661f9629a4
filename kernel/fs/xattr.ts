/**
 * Extended attributes (fs/xattr.c, mm/shmem.c's xattr handlers, fs/xattr.c's simple_xattrs):
 * setxattr, getxattr, listxattr, removexattr and their l* (no symlink following) and f* (by
 * descriptor) forms. tmpfs (and devtmpfs, which is tmpfs) keeps user.*, trusted.* and
 * security.* attributes per inode, listed in name order as Linux's rb-tree keeps them; other
 * file systems have no handlers (EOPNOTSUPP). The checks follow xattr_permission(): trusted.*
 * needs CAP_SYS_ADMIN, user.* only lives on regular files and directories (and a sticky
 * directory's only for its owner), and everything else needs write/read permission.
 */
import { E2BIG, EBADF, EEXIST, EFAULT, EINVAL, ENODATA, ENOENT, EOPNOTSUPP, EPERM, ERANGE } from '../include/uapi/errno.ts';
import { IN_ATTRIB } from '../include/uapi/inotify.ts';
import { fsnotify_inode } from './notify/fsnotify.ts';
import { AT_FDCWD } from '../include/uapi/fcntl.ts';
import { S_ISDIR, S_ISREG } from '../include/uapi/stat.ts';
import { copy_from_user, copy_to_user, strncpy_from_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { FMODE_PATH, type Inode, type SysRet } from './fs_types.ts';
import { inode_permission, MAY_READ, MAY_WRITE, user_path_at } from './namei.ts';
import { getname } from './open.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const XATTR_CREATE = 1, XATTR_REPLACE = 2;
export const XATTR_NAME_MAX = 255, XATTR_SIZE_MAX = 65536, XATTR_LIST_MAX = 65536;
const S_ISVTX = 0o1000;
/** The namespaces tmpfs has handlers for (shmem_xattr_handlers; system.* only for POSIX ACLs, not kept here). */
const HANDLED: readonly string[] = ['user.', 'trusted.', 'security.'];

/** Does the inode's file system keep extended attributes? */
const has_xattr = (inode: Inode): boolean => inode.i_sb.s_type === 'tmpfs' || inode.i_sb.s_type === 'devtmpfs';

const is_root = (t: Task): boolean => t.cred.euid === 0;

/** import_xattr_name(): 1..255 bytes, else ERANGE; EFAULT. */
function import_xattr_name(t: Task, uname: UserPtr): string | number {
  const s = strncpy_from_user(t, uname, XATTR_NAME_MAX);
  if (typeof s === 'number') return s === -EFAULT ? s : -ERANGE;
  return s === '' ? -ERANGE : s;
}

/** xattr_permission() */
function xattr_permission(t: Task, inode: Inode, name: string, mask: number): number {
  if (name.startsWith('security.') || name.startsWith('system.')) return 0;
  if (name.startsWith('trusted.')) return is_root(t) ? 0 : mask & MAY_WRITE ? -EPERM : -ENODATA;
  if (name.startsWith('user.')) {
    if (!S_ISREG(inode.i_mode) && !S_ISDIR(inode.i_mode)) return mask & MAY_WRITE ? -EPERM : -ENODATA;
    if (S_ISDIR(inode.i_mode) && inode.i_mode & S_ISVTX && mask & MAY_WRITE && !is_root(t) && t.cred.fsuid !== inode.i_uid) return -EPERM;
  }
  return inode_permission(t, inode, mask);
}

/** xattr_resolve_name(): a known namespace with a non-empty suffix. */
function resolve_name(inode: Inode, name: string): number {
  if (!has_xattr(inode)) return -EOPNOTSUPP;
  const prefix = HANDLED.find((p) => name.startsWith(p));
  if (!prefix) return -EOPNOTSUPP;
  return name.length === prefix.length ? -EINVAL : 0;
}

function xattrs_of(inode: Inode): Map<string, Uint8Array> {
  return (inode.i_xattrs ??= new Map());
}

/** vfs_setxattr() with simple_xattr_set()'s flag rules; a zero-size value is an empty attribute. */
function vfs_setxattr(t: Task, inode: Inode, name: string, value: Uint8Array, flags: number): number {
  const err = xattr_permission(t, inode, name, MAY_WRITE) || resolve_name(inode, name);
  if (err) return err;
  const m = xattrs_of(inode);
  if (flags & XATTR_CREATE && m.has(name)) return -EEXIST;
  if (flags & XATTR_REPLACE && !m.has(name)) return -ENODATA;
  m.set(name, value);
  inode.i_ctime = Date.now() * 1e6;
  fsnotify_inode(inode, IN_ATTRIB);
  return 0;
}

function vfs_getxattr(t: Task, inode: Inode, name: string): Uint8Array | number {
  const err = xattr_permission(t, inode, name, MAY_READ) || resolve_name(inode, name);
  if (err) return err;
  return inode.i_xattrs?.get(name) ?? -ENODATA;
}

function vfs_removexattr(t: Task, inode: Inode, name: string): number {
  const err = xattr_permission(t, inode, name, MAY_WRITE) || resolve_name(inode, name);
  if (err) return err;
  if (!inode.i_xattrs?.delete(name)) return -ENODATA;
  inode.i_ctime = Date.now() * 1e6;
  fsnotify_inode(inode, IN_ATTRIB);
  return 0;
}

/**
 * simple_xattr_list(): the names NUL-terminated, trusted.* only for CAP_SYS_ADMIN, in the order
 * Linux's rb-tree walk gives (descending strcmp order).
 */
function vfs_listxattr(t: Task, inode: Inode): Uint8Array {
  const names = [...(inode.i_xattrs?.keys() ?? [])].filter((n) => is_root(t) || !n.startsWith('trusted.')).sort().reverse();
  return new TextEncoder().encode(names.map((n) => n + '\0').join(''));
}

/** The inode a path (or, for the f* forms, an fd) names. */
type Target = (t: Task) => Inode | number;

const by_path = (upath: UserPtr, follow: boolean): Target => (t) => {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  const d = user_path_at(t, AT_FDCWD, path, follow);
  return typeof d === 'number' ? d : d.d_inode ?? -ENOENT;
};

/** The f* forms: the descriptor is looked up after the name and flags are checked (O_PATH is EBADF). */
const by_fd = (fd: number): Target => (t) => {
  const f = t.files.fcheck(fd);
  return !f || f.f_mode & FMODE_PATH ? -EBADF : f.f_inode;
};

function do_setxattr(t: Task, target: Target, uname: UserPtr, uvalue: UserPtr, size: number, flags: number): number {
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
  const name = import_xattr_name(t, uname);
  if (typeof name === 'number') return name;
  if (size < 0 || size > XATTR_SIZE_MAX) return -E2BIG;
  const value = new Uint8Array(size);
  if (size && copy_from_user(t, value, 0, uvalue, size)) return -EFAULT;
  const inode = target(t);
  return typeof inode === 'number' ? inode : vfs_setxattr(t, inode, name, value, flags);
}

/** Copies a result of `len` bytes out if it fits; size 0 asks for the length. */
function put_sized(t: Task, ubuf: UserPtr, size: number, data: Uint8Array, max: number): number {
  if (size === 0) return data.length;
  if (data.length > Math.min(size, max)) return size >= max ? -E2BIG : -ERANGE;
  return copy_to_user(t, ubuf, data, 0, data.length) ? -EFAULT : data.length;
}

function do_getxattr(t: Task, target: Target, uname: UserPtr, ubuf: UserPtr, size: number): number {
  const name = import_xattr_name(t, uname);
  if (typeof name === 'number') return name;
  const inode = target(t);
  if (typeof inode === 'number') return inode;
  const v = vfs_getxattr(t, inode, name);
  return typeof v === 'number' ? v : put_sized(t, ubuf, size, v, XATTR_SIZE_MAX);
}

function do_listxattr(t: Task, target: Target, ubuf: UserPtr, size: number): number {
  const inode = target(t);
  if (typeof inode === 'number') return inode;
  return put_sized(t, ubuf, size, vfs_listxattr(t, inode), XATTR_LIST_MAX);
}

function do_removexattr(t: Task, target: Target, uname: UserPtr): number {
  const name = import_xattr_name(t, uname);
  if (typeof name === 'number') return name;
  const inode = target(t);
  return typeof inode === 'number' ? inode : vfs_removexattr(t, inode, name);
}

/** The path-named forms of the four calls, following the last symlink or not (the l* forms). */
interface PathForms {
  set(t: Task, p: UserPtr, n: UserPtr, v: UserPtr, s: number, f: number): SysRet;
  get(t: Task, p: UserPtr, n: UserPtr, v: UserPtr, s: number): SysRet;
  list(t: Task, p: UserPtr, b: UserPtr, s: number): SysRet;
  remove(t: Task, p: UserPtr, n: UserPtr): SysRet;
}
const path_forms = (follow: boolean): PathForms => ({
  set: (t, p, n, v, s, f) => do_setxattr(t, by_path(p, follow), n, v, s, f),
  get: (t, p, n, v, s) => do_getxattr(t, by_path(p, follow), n, v, s),
  list: (t, p, b, s) => do_listxattr(t, by_path(p, follow), b, s),
  remove: (t, p, n) => do_removexattr(t, by_path(p, follow), n),
});
const follow = path_forms(true), nofollow = path_forms(false);

export const xattr_syscalls: readonly SyscallDef[] = [
  { name: 'setxattr', fn: follow.set, args: ['path', 'path', 'ptr', 'size_t', 'int hex'] },
  { name: 'lsetxattr', fn: nofollow.set, args: ['path', 'path', 'ptr', 'size_t', 'int hex'] },
  { name: 'fsetxattr', fn: (t, fd, n: UserPtr, v: UserPtr, s, f) => do_setxattr(t, by_fd(fd), n, v, s, f), args: ['fd', 'path', 'ptr', 'size_t', 'int hex'] },
  { name: 'getxattr', fn: follow.get, args: ['path', 'path', 'ptr', 'size_t'] },
  { name: 'lgetxattr', fn: nofollow.get, args: ['path', 'path', 'ptr', 'size_t'] },
  { name: 'fgetxattr', fn: (t, fd, n: UserPtr, v: UserPtr, s) => do_getxattr(t, by_fd(fd), n, v, s), args: ['fd', 'path', 'ptr', 'size_t'] },
  { name: 'listxattr', fn: follow.list, args: ['path', 'ptr', 'size_t'] },
  { name: 'llistxattr', fn: nofollow.list, args: ['path', 'ptr', 'size_t'] },
  { name: 'flistxattr', fn: (t, fd, b: UserPtr, s) => do_listxattr(t, by_fd(fd), b, s), args: ['fd', 'ptr', 'size_t'] },
  { name: 'removexattr', fn: follow.remove, args: ['path', 'path'] },
  { name: 'lremovexattr', fn: nofollow.remove, args: ['path', 'path'] },
  { name: 'fremovexattr', fn: (t, fd, n: UserPtr) => do_removexattr(t, by_fd(fd), n), args: ['fd', 'path'] },
];
