/**
 * fstat(2), stat(2), lstat(2), newfstatat(2) (fs/stat.c) with each architecture's struct stat:
 * x86_64's 144-byte layout (arch/x86/include/uapi/asm/stat.h) and arm64's 128-byte
 * asm-generic one (include/uapi/asm-generic/stat.h).
 */
import { EFAULT, EINVAL } from '../include/uapi/errno.ts';
import { AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_SYMLINK_NOFOLLOW } from '../include/uapi/fcntl.ts';
import { S_ISDIR, S_ISREG, S_ISLNK } from '../include/uapi/stat.ts';
import { copy_to_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { Inode } from './fs_types.ts';
import { fdget } from './file_table.ts';
import { get_link, user_path_at } from './namei.ts';
import { getname_flags } from './open.ts';
import { MAJOR, MINOR } from './devfs/char_dev.ts';
import { EBADF } from '../include/uapi/errno.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

/** struct kstat (include/linux/stat.h), arch-neutral. */
export interface Kstat {
  dev: number; ino: number; mode: number; nlink: number; uid: number; gid: number; rdev: number;
  size: number; blksize: number; blocks: number; atime_ns: number; mtime_ns: number; ctime_ns: number;
}

/** vfs_getattr() for any inode. */
export function vfs_getattr(inode: Inode): Kstat {
  const size = S_ISREG(inode.i_mode) || S_ISLNK(inode.i_mode) || S_ISDIR(inode.i_mode) ? inode.i_size : 0;
  return {
    dev: inode.i_sb.s_dev, ino: inode.i_ino, mode: inode.i_mode, nlink: inode.i_nlink,
    uid: inode.i_uid, gid: inode.i_gid, rdev: inode.i_rdev, size, blksize: 4096,
    blocks: S_ISREG(inode.i_mode) ? Math.ceil(size / 4096) * 8 : 0,
    atime_ns: inode.i_atime, mtime_ns: inode.i_mtime, ctime_ns: inode.i_ctime,
  };
}

const buf = new Uint8Array(144);
const dv = new DataView(buf.buffer);

function put64(off: number, v: number): void {
  const hi = Math.floor(v / 2 ** 32);
  dv.setUint32(off, v - hi * 2 ** 32, true);
  dv.setInt32(off + 4, hi, true);
}

function put_times(s: Kstat): void {
  put64(72, Math.floor(s.atime_ns / 1e9)); put64(80, s.atime_ns % 1e9);
  put64(88, Math.floor(s.mtime_ns / 1e9)); put64(96, s.mtime_ns % 1e9);
  put64(104, Math.floor(s.ctime_ns / 1e9)); put64(112, s.ctime_ns % 1e9);
}

/** cp_new_stat(): encodes the arch's struct stat and copies it out. */
export function cp_new_stat(t: Task, s: Kstat, ubuf: UserPtr): number {
  buf.fill(0);
  put64(0, s.dev); put64(8, s.ino);
  let size: number;
  if (t.kernel.arch.name === 'x86_64') {
    put64(16, s.nlink); dv.setUint32(24, s.mode, true); dv.setUint32(28, s.uid, true); dv.setUint32(32, s.gid, true);
    put64(40, s.rdev); put64(48, s.size); put64(56, s.blksize); put64(64, s.blocks);
    size = 144;
  } else {
    dv.setUint32(16, s.mode, true); dv.setUint32(20, s.nlink, true); dv.setUint32(24, s.uid, true); dv.setUint32(28, s.gid, true);
    put64(32, s.rdev); put64(48, s.size); dv.setInt32(56, s.blksize, true); put64(64, s.blocks);
    size = 128;
  }
  put_times(s);
  return copy_to_user(t, ubuf, buf, 0, size) ? -EFAULT : 0;
}

export function sys_fstat(t: Task, fd: number, ubuf: UserPtr): number {
  const f = fdget(t, fd);
  if (!f) return -EBADF;
  return cp_new_stat(t, vfs_getattr(f.f_inode), ubuf);
}

/** Resolves the object of a *stat*at call (AT_EMPTY_PATH: the fd itself). */
function stat_target(t: Task, dfd: number, upath: UserPtr, flags: number): Inode | number {
  const path = getname_flags(t, upath, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof path === 'number') return path;
  if (path === '') {
    if (dfd === AT_FDCWD) return t.fs.pwd.d_inode!;
    const f = fdget(t, dfd);
    return f ? f.f_inode : -EBADF;
  }
  const d = user_path_at(t, dfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
  return typeof d === 'number' ? d : d.d_inode!;
}

/** vfs_fstatat() */
export function sys_newfstatat(t: Task, dfd: number, upath: UserPtr, ubuf: UserPtr, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) return -EINVAL;
  const inode = stat_target(t, dfd, upath, flags);
  if (typeof inode === 'number') return inode;
  return cp_new_stat(t, vfs_getattr(inode), ubuf);
}

export const sys_stat = (t: Task, upath: UserPtr, ubuf: UserPtr): number => sys_newfstatat(t, AT_FDCWD, upath, ubuf, 0);
export const sys_lstat = (t: Task, upath: UserPtr, ubuf: UserPtr): number => sys_newfstatat(t, AT_FDCWD, upath, ubuf, AT_SYMLINK_NOFOLLOW);

// include/uapi/linux/stat.h
export const STATX_BASIC_STATS = 0x7ff, STATX__RESERVED = 0x80000000, AT_STATX_SYNC_TYPE = 0x6000;
const sx = new Uint8Array(256);
const sxv = new DataView(sx.buffer);

function sx64(off: number, v: number): void {
  const hi = Math.floor(v / 2 ** 32);
  sxv.setUint32(off, v - hi * 2 ** 32, true);
  sxv.setInt32(off + 4, hi, true);
}

function sx_time(off: number, ns: number): void {
  sx64(off, Math.floor(ns / 1e9));
  sxv.setUint32(off + 8, ns % 1e9, true);
}

/** statx(2): struct statx (256 bytes) with the basic stats; no birth time. */
export function sys_statx(t: Task, dfd: number, upath: UserPtr, flags: number, mask: number, ubuf: UserPtr): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -EINVAL;
  if (mask & STATX__RESERVED) return -EINVAL;
  const inode = stat_target(t, dfd, upath, flags);
  if (typeof inode === 'number') return inode;
  const s = vfs_getattr(inode);
  sx.fill(0);
  sxv.setUint32(0, STATX_BASIC_STATS, true);
  sxv.setUint32(4, s.blksize, true);
  sxv.setUint32(16, s.nlink, true);
  sxv.setUint32(20, s.uid, true);
  sxv.setUint32(24, s.gid, true);
  sxv.setUint16(28, s.mode, true);
  sx64(32, s.ino); sx64(40, s.size); sx64(48, s.blocks);
  sx_time(64, s.atime_ns); sx_time(96, s.ctime_ns); sx_time(112, s.mtime_ns);
  sxv.setUint32(128, MAJOR(s.rdev), true); sxv.setUint32(132, MINOR(s.rdev), true);
  sxv.setUint32(136, MAJOR(s.dev), true); sxv.setUint32(140, MINOR(s.dev), true);
  return copy_to_user(t, ubuf, sx, 0, 256) ? -EFAULT : 0;
}

/** readlinkat(2) (fs/stat.c do_readlinkat): the target, truncated, without a NUL. */
export function sys_readlinkat(t: Task, dfd: number, upath: UserPtr, ubuf: UserPtr, size: number): number {
  if (size <= 0) return -EINVAL;
  const inode = stat_target(t, dfd, upath, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
  if (typeof inode === 'number') return inode;
  if (!S_ISLNK(inode.i_mode)) return -EINVAL;
  const target = get_link(t, inode);
  if (typeof target === 'number') return target;
  const b = enc.encode(target);
  const n = Math.min(b.length, size);
  return copy_to_user(t, ubuf, b, 0, n) ? -EFAULT : n;
}
const enc = new TextEncoder();

export const sys_readlink = (t: Task, upath: UserPtr, ubuf: UserPtr, size: number): number => sys_readlinkat(t, AT_FDCWD, upath, ubuf, size);

export const stat_syscalls: readonly SyscallDef[] = [
  { name: 'fstat', fn: sys_fstat, args: ['unsigned int fd', 'stat_out'] },
  { name: 'stat', fn: sys_stat, args: ['path', 'stat_out'] },
  { name: 'lstat', fn: sys_lstat, args: ['path', 'stat_out'] },
  { name: 'newfstatat', fn: sys_newfstatat, args: ['atfd', 'path', 'stat_out', 'atflags'] },
  { name: 'statx', fn: sys_statx, args: ['atfd', 'path', 'unsigned int atflags', 'unsigned int hex', 'ptr'], support: 'partial', note: 'basic stats only (no btime, attributes, mount id)' },
  { name: 'readlink', fn: sys_readlink, args: ['path', 'ptr', 'int'] },
  { name: 'readlinkat', fn: sys_readlinkat, args: ['atfd', 'path', 'ptr', 'int'] },
];
