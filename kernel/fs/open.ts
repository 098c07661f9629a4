/**
 * open(2), openat(2), openat2(2), creat(2), close(2), truncate(2), ftruncate(2), chdir(2),
 * fchdir(2), chmod(2), fchmod(2), fchmodat(2), fchmodat2(2), access(2), faccessat(2),
 * faccessat2(2) (fs/open.c, fs/namei.c do_filp_open).
 */
import { shmem_seal_chmod, shmem_seal_setsize } from '../mm/memfd.ts';
import { EACCES, EBADF, EROFS, EEXIST, EFAULT, EFBIG, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, EOPNOTSUPP, EPERM, E2BIG, ENODEV, ENXIO, ESPIPE } from '../include/uapi/errno.ts';
import { RLIMIT_FSIZE } from '../include/uapi/resource.ts';
import { SIGXFSZ } from '../include/uapi/signal.ts';
import { send_signal } from '../sched/signal.ts';
import {
  AT_EACCESS, AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, O_ACCMODE, O_APPEND, O_CLOEXEC, O_CREAT, O_EXCL,
  O_NOCTTY, O_PATH, O_RDONLY, O_RDWR, O_TMPFILE_BASE, O_TRUNC, O_WRONLY, O_NONBLOCK, O_DSYNC, FASYNC, O_NOATIME, O_SYNC,
} from '../include/uapi/fcntl.ts';
import { S_IFMT, S_IFREG, S_ISDIR, S_ISFIFO, S_ISLNK, S_ISREG } from '../include/uapi/stat.ts';
import {
  FALLOC_FL_COLLAPSE_RANGE, FALLOC_FL_INSERT_RANGE, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE,
  FALLOC_FL_UNSHARE_RANGE, FALLOC_FL_WRITE_ZEROES, FALLOC_FL_ZERO_RANGE,
} from '../include/uapi/fcntl.ts';
import { copy_from_user, strncpy_from_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fput } from './fdtable.ts';
import { fifo_wait_for_partner } from './pipe.ts';
import { switch_to } from '../sched/core.ts';
import { MODE_KERNEL } from '../arch/cpu.ts';
import { alloc_file, fdget, install_fd } from './file_table.ts';
import { Dentry, FMODE_PATH, FMODE_WRITE, PseudoDentry, type File, type Inode, type SysRet } from './fs_types.ts';
import {
  MAY_EXEC, MAY_READ, MAY_WRITE, PATH_MAX, dac_permission, inode_permission, mnt_root_of, path_lookupat, path_start,
  user_path_at, RESOLVE_BENEATH, RESOLVE_CACHED, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, RESOLVE_NO_XDEV,
} from './namei.ts';
import { IN_ATTRIB, IN_MODIFY } from '../include/uapi/inotify.ts';
import { I_LINKABLE } from '../include/linux/fs.ts';
import { fsnotify_change, fsnotify_create, fsnotify_modify, fsnotify_open, fsnotify_watched } from './notify/fsnotify.ts';
import { SHMEM_MAXBYTES, shmem_get_inode, shmem_inode, shmem_setsize } from './tmpfs.ts';
import { user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

/** Reads a path argument (getname): ENOENT for "", EFAULT, ENAMETOOLONG. */
export function getname(t: Task, upath: UserPtr): string | number {
  const s = strncpy_from_user(t, upath, PATH_MAX - 1);
  if (typeof s === 'string' && s === '') return -ENOENT;
  return s;
}

/** getname for calls taking AT_EMPTY_PATH: "" is allowed when the flag is set. */
export function getname_flags(t: Task, upath: UserPtr, empty_ok: boolean): string | number {
  const s = strncpy_from_user(t, upath, PATH_MAX - 1);
  if (s === '' && !empty_ok) return -ENOENT;
  return s;
}

/** The current time in ns (current_time()). */
export const now_ns = (): number => Date.now() * 1e6;

/** Updates a directory's times after its entries changed. */
export function dir_touch(dir: Dentry): void {
  dir.d_inode!.i_mtime = dir.d_inode!.i_ctime = now_ns();
}

/** may_create in a directory: search and write permission, not a removed directory. */
export function may_create(t: Task, dir: Dentry): number {
  if (dir.d_unhashed || dir.d_inode!.i_nlink === 0) return -ENOENT;
  // A synthetic namespace (procfs) has lookup but no create: nothing can be added to it.
  const iop = dir.d_inode!.i_op;
  if (iop.lookup && !iop.create) return -ENOENT;
  return inode_permission(t, dir.d_inode!, MAY_WRITE | MAY_EXEC);
}

/** Links a new inode into dir under name (d_instantiate + d_add). */
export function d_instantiate(dir: Dentry, name: string, inode: Inode): Dentry {
  const d = new Dentry(name, dir, inode);
  dir.d_children.set(name, d);
  dir_touch(dir);
  return d;
}

/** Creates a regular file in dir (vfs_create). */
export function vfs_create(t: Task, dir: Dentry, name: string, mode: number): Dentry | number {
  const err = may_create(t, dir);
  if (err) return err;
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFREG | (mode & ~t.fs.umask & 0o7777), t.cred.fsuid, t.cred.fsgid);
  const d = d_instantiate(dir, name, inode);
  const e = dir.d_inode!.i_op.create?.(dir, d) ?? 0;
  if (e) { dir.d_children.delete(name); return e; }
  fsnotify_create(dir, d);
  return d;
}

/**
 * O_TMPFILE: an unnamed regular file in dir (vfs_tmpfile), nlink 0 until linkat, which may name
 * it only if it was not opened with O_EXCL (I_LINKABLE). Only tmpfs has i_op->tmpfile here:
 * a file system with a backing store or a synthetic namespace is EOPNOTSUPP.
 */
function vfs_tmpfile(t: Task, dir: Dentry, mode: number, excl: boolean): Dentry | number {
  const err = inode_permission(t, dir.d_inode!, MAY_WRITE | MAY_EXEC);
  if (err) return err;
  const iop = dir.d_inode!.i_op;
  if (iop.lookup || iop.create) return -EOPNOTSUPP;
  // A removed directory still takes an O_TMPFILE file (shmem_tmpfile does not check IS_DEADDIR).
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFREG | (mode & ~t.fs.umask & 0o7777), t.cred.fsuid, t.cred.fsgid);
  inode.i_nlink = 0;
  if (!excl) inode.i_state |= I_LINKABLE;
  const d = new Dentry('#' + inode.i_ino, dir, inode);
  d.d_unhashed = true;
  return d;
}

/** Flags open() keeps in f_flags (the rest are open-time only). */
const OPEN_TIME_ONLY = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC;

/** The flags open(2) recognises; anything else is ignored by open and refused by openat2. */
function valid_open_flags(t: Task): number {
  const u = t.kernel.arch.uapi;
  return O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | FASYNC | u.O_DIRECT |
    u.O_LARGEFILE | u.O_DIRECTORY | u.O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | O_TMPFILE_BASE;
}

/** do_filp_open(): resolves, creates, checks and opens; returns the File or -errno. */
export function do_filp_open(t: Task, dfd: number, path: string, flags: number, mode: number, resolve = 0): File | number {
  const uapi = t.kernel.arch.uapi;
  if (flags & O_PATH) flags &= O_PATH | O_CLOEXEC | uapi.O_DIRECTORY | uapi.O_NOFOLLOW;
  // Since Linux 6.4 O_CREAT|O_DIRECTORY is refused (fs/open.c build_open_flags).
  if ((flags & (O_CREAT | uapi.O_DIRECTORY)) === (O_CREAT | uapi.O_DIRECTORY)) return -EINVAL;
  const tmpfile = (flags & O_TMPFILE_BASE) !== 0;
  if (tmpfile && ((flags & (O_TMPFILE_BASE | uapi.O_DIRECTORY)) !== (O_TMPFILE_BASE | uapi.O_DIRECTORY) ||
      (flags & O_ACCMODE) === O_RDONLY || flags & O_CREAT)) return -EINVAL;
  const start = path_start(t, dfd, path);
  if (typeof start === 'number') return start;
  const follow = !(flags & uapi.O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  const r = path_lookupat(t, start, path, follow, { links: 0, resolve, root: null });
  if (typeof r === 'number') return r;
  let d = r.dentry;
  let created = false;
  if (tmpfile) {
    if (!d) return -ENOENT;
    if (!S_ISDIR(d.d_inode!.i_mode)) return -ENOTDIR;
    const c = vfs_tmpfile(t, d, mode, (flags & O_EXCL) !== 0);
    if (typeof c === 'number') return c;
    d = c; created = true;
    flags &= ~uapi.O_DIRECTORY;
  } else if (d && flags & O_CREAT && flags & O_EXCL) return -EEXIST;
  else if (!d) {
    if (!(flags & O_CREAT)) return -ENOENT;
    if (r.trailing_slash) return -EISDIR;
    const c = vfs_create(t, r.parent, r.last, mode);
    if (typeof c === 'number') return c;
    d = c; created = true;
  } else if (flags & O_CREAT && S_ISDIR(d.d_inode!.i_mode)) return -EISDIR;
  const inode = d.d_inode!;
  if (d instanceof PseudoDentry && d.no_open && !(flags & O_PATH)) return -ENXIO;
  if (S_ISLNK(inode.i_mode) && !(flags & O_PATH)) return -ELOOP;
  if (flags & uapi.O_DIRECTORY && !S_ISDIR(inode.i_mode)) return -ENOTDIR;
  if (r.trailing_slash && !S_ISDIR(inode.i_mode) && !tmpfile) return -ENOTDIR;
  const acc = flags & O_ACCMODE;
  if (!(flags & O_PATH)) {
    if (S_ISDIR(inode.i_mode) && (acc !== O_RDONLY || flags & O_TRUNC)) return -EISDIR;
    // build_open_flags: O_TRUNC asks for write permission whatever the access mode.
    const mask = (acc === O_RDONLY || acc === O_RDWR ? MAY_READ : 0) | (acc === O_WRONLY || acc === O_RDWR || flags & O_TRUNC ? MAY_WRITE : 0)
      | (acc === 3 ? MAY_READ | MAY_WRITE : 0);
    const err = !created && mask ? inode_permission(t, inode, mask) : 0;
    if (err) return err;
  }
  // O_NOCTTY stays visible to the driver's open (tty_open) and is dropped after it.
  const f = alloc_file(inode, d, flags & ~(OPEN_TIME_ONLY & ~O_NOCTTY), flags & O_PATH ? {} : inode.i_fop);
  if (!(flags & O_PATH) && f.f_op.open) {
    const err = f.f_op.open(inode, f, t);
    if (err) return err;
  }
  f.f_flags &= ~O_NOCTTY;
  // IN_OPEN comes from do_dentry_open, before handle_truncate's IN_MODIFY.
  if (fsnotify_watched(f)) fsnotify_open(f);
  if (flags & O_TRUNC && !(flags & O_PATH) && S_ISREG(inode.i_mode) && !created) do_truncate(d, inode, 0);
  return f;
}

/** do_sys_openat2(): f_flags gain O_LARGEFILE (force_o_largefile on 64-bit). */
export function do_sys_open(t: Task, dfd: number, upath: UserPtr, flags: number, mode: number, resolve = 0): SysRet {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  if (!(flags & O_PATH)) flags |= t.kernel.arch.uapi.O_LARGEFILE;
  flags &= valid_open_flags(t);
  const f = do_filp_open(t, dfd, path, flags, flags & (O_CREAT | O_TMPFILE_BASE) ? mode & 0o7777 : 0, resolve);
  if (typeof f === 'number') return f;
  const cloexec = (flags & O_CLOEXEC) !== 0;
  // A FIFO's open sleeps until the other end is opened (fifo_open's wait_for_partner).
  const wait = fifo_wait_for_partner(f, t);
  if (wait === null) return install_fd(t, f, cloexec);
  return wait.then((err) => {
    switch_to(t, MODE_KERNEL);
    if (err) { fput(f); return err; }
    return install_fd(t, f, cloexec);
  });
}

export function sys_openat(t: Task, dfd: number, upath: UserPtr, flags: number, mode: number): SysRet {
  return do_sys_open(t, dfd, upath, flags, mode);
}

export function sys_open(t: Task, upath: UserPtr, flags: number, mode: number): SysRet {
  return do_sys_open(t, AT_FDCWD, upath, flags, mode);
}

export function sys_creat(t: Task, upath: UserPtr, mode: number): SysRet {
  return do_sys_open(t, AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

const OPEN_HOW_SIZE_VER0 = 24;
const RESOLVE_ALL = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED;
const how_buf = new Uint8Array(OPEN_HOW_SIZE_VER0);
const how_dv = new DataView(how_buf.buffer);

/** openat2(2): struct open_how {u64 flags, mode, resolve}; unknown bits are refused. */
export function sys_openat2(t: Task, dfd: number, upath: UserPtr, uhow: UserPtr, size: number): SysRet {
  // usize is a size_t: a "negative" one is huge (E2BIG), not small.
  if (size >= 0 && size < OPEN_HOW_SIZE_VER0) return -EINVAL;
  if (size < 0 || size > 4096) return -E2BIG;
  if (copy_from_user(t, how_buf, 0, uhow, OPEN_HOW_SIZE_VER0)) return -EFAULT;
  if (size > OPEN_HOW_SIZE_VER0) {
    // copy_struct_from_user: a larger struct is accepted only if its tail is zero.
    const tail = new Uint8Array(size - OPEN_HOW_SIZE_VER0);
    if (copy_from_user(t, tail, 0, user_ptr_add(uhow, OPEN_HOW_SIZE_VER0), tail.length)) return -EFAULT;
    if (tail.some((b) => b !== 0)) return -E2BIG;
  }
  const flags = how_dv.getUint32(0, true), flags_hi = how_dv.getUint32(4, true);
  const mode = how_dv.getUint32(8, true) + how_dv.getUint32(12, true) * 2 ** 32;
  const resolve = how_dv.getUint32(16, true), resolve_hi = how_dv.getUint32(20, true);
  if (flags_hi || flags & ~valid_open_flags(t)) return -EINVAL;
  if (resolve_hi || resolve & ~RESOLVE_ALL) return -EINVAL;
  if (mode & ~0o7777) return -EINVAL;
  if (!(flags & (O_CREAT | O_TMPFILE_BASE)) && mode) return -EINVAL;
  if ((resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) === (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) return -EINVAL;
  if (flags & O_PATH && flags & ~(O_PATH | O_CLOEXEC | t.kernel.arch.uapi.O_DIRECTORY | t.kernel.arch.uapi.O_NOFOLLOW)) return -EINVAL;
  return do_sys_open(t, dfd, upath, flags, mode, resolve);
}

export function sys_close(t: Task, fd: number): number {
  const f = t.files.close_fd(fd);
  if (typeof f === 'number') return f;
  const release_err = f.f_count === 1 ? f.f_op.flush?.(f, t) ?? 0 : 0;
  fput(f);
  return release_err;
}

/** inode_newsize_ok()'s RLIMIT_FSIZE check: growing a file past it is SIGXFSZ and EFBIG. */
function truncate_check_fsize(t: Task, len: number): number {
  if (len <= t.rlim[RLIMIT_FSIZE].cur) return 0;
  send_signal(t, SIGXFSZ);
  return -EFBIG;
}

/** do_truncate(): sets the size and the times, mirrors to a backing store. */
export function do_truncate(d: Dentry | null, inode: Inode, len: number): number {
  // procfs keeps no data: proc_setattr() ignores ATTR_SIZE and succeeds (fs/proc/base.c).
  if (!shmem_inode(inode)) return 0;
  const sealed = shmem_seal_setsize(inode, len);
  if (sealed) return sealed;
  const err = shmem_setsize(inode, len);
  if (err) return err;
  inode.i_mtime = inode.i_ctime = now_ns();
  fsnotify_change(d, inode, IN_MODIFY);
  if (d) return inode.i_op.setattr?.(d, inode) ?? 0;
  return 0;
}

export function sys_truncate(t: Task, upath: UserPtr, len: number): number {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  if (len < 0) return -EINVAL;
  const d = user_path_at(t, AT_FDCWD, path, true);
  if (typeof d === 'number') return d;
  const inode = d.d_inode!;
  if (S_ISDIR(inode.i_mode)) return -EISDIR;
  if (!S_ISREG(inode.i_mode)) return -EINVAL;
  const err = inode_permission(t, inode, MAY_WRITE) || truncate_check_fsize(t, len);
  if (err) return err;
  return do_truncate(d, inode, len);
}

export function sys_ftruncate(t: Task, fd: number, len: number): number {
  const f = fdget(t, fd);
  if (!f || f.f_mode & FMODE_PATH) return -EBADF;
  if (len < 0) return -EINVAL;
  if (!S_ISREG(f.f_inode.i_mode) || !(f.f_mode & FMODE_WRITE)) return -EINVAL;
  return truncate_check_fsize(t, len) || do_truncate(f.f_dentry, f.f_inode, len);
}

const FALLOC_FL_MODE_MASK = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE |
  FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_WRITE_ZEROES;

/** vfs_fallocate()'s mode rules: which combinations any file system may be asked for. */
function falloc_mode_ok(mode: number): boolean {
  if (mode & ~(FALLOC_FL_MODE_MASK | FALLOC_FL_KEEP_SIZE)) return false;
  switch (mode & FALLOC_FL_MODE_MASK) {
    case 0: case FALLOC_FL_UNSHARE_RANGE: case FALLOC_FL_ZERO_RANGE: return true;
    case FALLOC_FL_PUNCH_HOLE: return (mode & FALLOC_FL_KEEP_SIZE) !== 0;
    case FALLOC_FL_COLLAPSE_RANGE: case FALLOC_FL_INSERT_RANGE: case FALLOC_FL_WRITE_ZEROES:
      return !(mode & FALLOC_FL_KEEP_SIZE);
    default: return false;
  }
}

/**
 * vfs_fallocate() (fs/open.c), its checks in Linux's order; then the file system's own
 * (tmpfs: KEEP_SIZE and PUNCH_HOLE only). https://man7.org/linux/man-pages/man2/fallocate.2.html
 */
export function sys_fallocate(t: Task, fd: number, mode: number, offset: number, len: number): number {
  const f = fdget(t, fd);
  if (!f || f.f_mode & FMODE_PATH) return -EBADF;
  if (offset < 0 || len <= 0) return -EINVAL;
  if (!falloc_mode_ok(mode)) return -EOPNOTSUPP;
  if (!(f.f_mode & FMODE_WRITE)) return -EBADF;
  const m = f.f_inode.i_mode;
  if (S_ISFIFO(m)) return -ESPIPE;
  if (S_ISDIR(m)) return -EISDIR;
  if (!S_ISREG(m)) return -ENODEV;
  if (offset + len > SHMEM_MAXBYTES) return -EFBIG; // s_maxbytes
  if (!f.f_op.fallocate) return -EOPNOTSUPP;
  // inode_newsize_ok() for every mode but a punched hole (RLIMIT_FSIZE, even with KEEP_SIZE).
  const err = (mode & FALLOC_FL_PUNCH_HOLE ? 0 : truncate_check_fsize(t, offset + len)) || f.f_op.fallocate(f, mode, offset, len);
  // vfs_fallocate(): IN_MODIFY after any successful call.
  if (!err && fsnotify_watched(f)) fsnotify_modify(f);
  return err;
}

function set_pwd(t: Task, d: Dentry): number {
  if (!S_ISDIR(d.d_inode!.i_mode)) return -ENOTDIR;
  const err = inode_permission(t, d.d_inode!, MAY_EXEC);
  if (err) return err;
  t.fs.pwd = d;
  return 0;
}

/** chdir to a kernel string (fs/init.c init_chdir; spawn's cwd option): 0 or -errno. */
export function init_chdir(t: Task, path: string): number {
  const d = user_path_at(t, AT_FDCWD, path, true);
  return typeof d === 'number' ? d : set_pwd(t, d);
}

export function sys_chdir(t: Task, upath: UserPtr): number {
  const path = getname(t, upath);
  return typeof path === 'number' ? path : init_chdir(t, path);
}

export function sys_fchdir(t: Task, fd: number): number {
  const f = fdget(t, fd);
  if (!f || !f.f_dentry) return -EBADF;
  return set_pwd(t, f.f_dentry);
}

/** chmod_common(): the owner or root may change the mode bits. */
export function chmod_common(t: Task, d: Dentry, mode: number): number {
  const inode = d.d_inode!;
  if (t.cred.fsuid !== 0 && t.cred.fsuid !== inode.i_uid) return -EPERM;
  let m = mode & 0o7777;
  // Without CAP_FSETID, setgid is dropped unless the caller is in the file's group.
  if (t.cred.fsuid !== 0 && inode.i_gid !== t.cred.fsgid && !t.cred.groups.includes(inode.i_gid)) m &= ~0o2000;
  const sealed = shmem_seal_chmod(inode, m);
  if (sealed) return sealed;
  inode.i_mode = (inode.i_mode & S_IFMT) | m;
  inode.i_ctime = now_ns();
  fsnotify_change(d, inode, IN_ATTRIB);
  return inode.i_op.setattr?.(d, inode) ?? 0;
}

function do_fchmodat(t: Task, dfd: number, upath: UserPtr, mode: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const path = getname_flags(t, upath, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof path === 'number') return path;
  const d = path === '' ? fd_dentry(t, dfd) : user_path_at(t, dfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof d === 'number') return d;
  if (S_ISLNK(d.d_inode!.i_mode)) return -EOPNOTSUPP;
  return chmod_common(t, d, mode);
}

/** The dentry an fd (or AT_FDCWD) names, for AT_EMPTY_PATH. */
export function fd_dentry(t: Task, dfd: number): Dentry | number {
  if (dfd === AT_FDCWD) return t.fs.pwd;
  const f = fdget(t, dfd);
  if (!f) return -EBADF;
  return f.f_dentry ?? -EBADF;
}

export const sys_chmod = (t: Task, upath: UserPtr, mode: number): number => do_fchmodat(t, AT_FDCWD, upath, mode, 0);
export const sys_fchmodat = (t: Task, dfd: number, upath: UserPtr, mode: number): number => do_fchmodat(t, dfd, upath, mode, 0);
export const sys_fchmodat2 = (t: Task, dfd: number, upath: UserPtr, mode: number, flags: number): number => do_fchmodat(t, dfd, upath, mode, flags);

export function sys_fchmod(t: Task, fd: number, mode: number): number {
  const f = fdget(t, fd);
  if (!f || f.f_mode & FMODE_PATH || !f.f_dentry) return -EBADF;
  return chmod_common(t, f.f_dentry, mode);
}

/** do_faccessat(): checks with the real uid/gid unless AT_EACCESS. */
function do_faccessat(t: Task, dfd: number, upath: UserPtr, mode: number, flags: number): number {
  if (mode & ~7) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const path = getname_flags(t, upath, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof path === 'number') return path;
  const d = path === '' ? fd_dentry(t, dfd) : user_path_at(t, dfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof d === 'number') return d;
  if (!mode) return 0;
  const c = t.cred;
  const uid = flags & AT_EACCESS ? c.euid : c.uid, gid = flags & AT_EACCESS ? c.egid : c.gid;
  const err = dac_permission(d.d_inode!, mode, uid, gid, c.groups);
  if (err) return err;
  return mode & MAY_WRITE && (mnt_root_of(d).d_mnt?.mnt_flags ?? 0) & 1 ? -EROFS : 0;
}

export const sys_access = (t: Task, upath: UserPtr, mode: number): number => do_faccessat(t, AT_FDCWD, upath, mode, 0);
export const sys_faccessat = (t: Task, dfd: number, upath: UserPtr, mode: number): number => do_faccessat(t, dfd, upath, mode, 0);
export const sys_faccessat2 = (t: Task, dfd: number, upath: UserPtr, mode: number, flags: number): number => do_faccessat(t, dfd, upath, mode, flags);

void EACCES;

export const open_syscalls: readonly SyscallDef[] = [
  { name: 'open', fn: sys_open, args: ['path', 'oflags', 'mode'], ret_fd: true },
  { name: 'openat', fn: sys_openat, args: ['atfd', 'path', 'oflags', 'mode'], ret_fd: true },
  { name: 'openat2', fn: sys_openat2, args: ['atfd', 'path', 'ptr', 'size_t'], ret_fd: true, support: 'partial', note: 'RESOLVE_CACHED is accepted and not enforced; RESOLVE_NO_MAGICLINKS refuses /proc/PID/fd/N, cwd and root (exe is a plain link here)' },
  { name: 'creat', fn: sys_creat, args: ['path', 'mode'], ret_fd: true },
  { name: 'close', fn: sys_close, args: ['unsigned int fd'] },
  { name: 'truncate', fn: sys_truncate, args: ['path', 'long'] },
  { name: 'ftruncate', fn: sys_ftruncate, args: ['unsigned int fd', 'long'] },
  { name: 'fallocate', fn: sys_fallocate, args: ['fd', 'int hex', 'loff_t', 'loff_t'], support: 'partial', note: 'tmpfs files are not sparse: a punched hole reads as zeros but keeps its pages, and FALLOC_FL_KEEP_SIZE past EOF reserves no pages (st_blocks unchanged)' },
  { name: 'chdir', fn: sys_chdir, args: ['path'] },
  { name: 'fchdir', fn: sys_fchdir, args: ['unsigned int fd'] },
  { name: 'chmod', fn: sys_chmod, args: ['path', 'mode'] },
  { name: 'fchmod', fn: sys_fchmod, args: ['unsigned int fd', 'mode'] },
  { name: 'fchmodat', fn: sys_fchmodat, args: ['atfd', 'path', 'mode'] },
  { name: 'fchmodat2', fn: sys_fchmodat2, args: ['atfd', 'path', 'mode', 'unsigned int atflags'] },
  { name: 'access', fn: sys_access, args: ['path', 'int'] },
  { name: 'faccessat', fn: sys_faccessat, args: ['atfd', 'path', 'int'] },
  { name: 'faccessat2', fn: sys_faccessat2, args: ['atfd', 'path', 'int', 'atflags'] },
];
