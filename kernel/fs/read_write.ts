/**
 * read(2), write(2), lseek(2), pread64/pwrite64, readv/writev, preadv/pwritev, sendfile(2)
 * (fs/read_write.c). The fd's access mode is checked here (EBADF for a read on an O_WRONLY
 * fd), whatever the storage below would allow.
 */
import { as_user_ptr, type UserPtr } from '../include/linux/compiler_types.ts';
import { EBADF, EFBIG, EINVAL, ESPIPE, EFAULT, EOVERFLOW, EISDIR, ENXIO } from '../include/uapi/errno.ts';
import { O_APPEND, SEEK_CUR, SEEK_DATA, SEEK_END, SEEK_HOLE, SEEK_SET } from '../include/uapi/fcntl.ts';
import { S_ISDIR, S_ISREG } from '../include/uapi/stat.ts';
import { access_ok, copy_from_user, get_user_u64, put_user_u64 } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import { IN_ACCESS, IN_MODIFY } from '../include/uapi/inotify.ts';
import { fsnotify_rw, fsnotify_xfer } from './notify/fsnotify.ts';
import { RLIMIT_FSIZE } from '../include/uapi/resource.ts';
import { SIGXFSZ } from '../include/uapi/signal.ts';
import { send_signal } from '../sched/signal.ts';
import { FMODE_LSEEK, FMODE_STREAM, FMODE_PREAD, FMODE_PWRITE, FMODE_READ, FMODE_WRITE, type File, type SysRet } from './fs_types.ts';
import { sys_then } from '../sched/wait.ts';

/** MAX_RW_COUNT: INT_MAX rounded down to a page. */
export const MAX_RW_COUNT = 0x7ffff000;
/** UIO_MAXIOV */
export const UIO_MAXIOV = 1024;

function advance(f: File, r: number): number {
  if (r > 0 && !(f.f_mode & FMODE_STREAM)) f.f_pos += r;
  return r;
}

/**
 * access_ok(buf, count) for a size_t count, checked before the count is capped (vfs_read):
 * a "negative" count is huge and fails, and so does a kernel buffer even for 0 bytes.
 */
const user_range_ok = (buf: UserPtr, count: number): boolean => count >= 0 && access_ok(buf, count);

/** vfs_read(): checks, then f_op.read at pos. */
export function vfs_read(t: Task, f: File, buf: UserPtr, count: number, pos: number): SysRet {
  if (!(f.f_mode & FMODE_READ)) return -EBADF;
  const read = f.f_op.read;
  if (!read) return S_ISDIR(f.f_inode.i_mode) ? -EISDIR : -EINVAL;
  if (!user_range_ok(buf, count)) return -EFAULT;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  return fsnotify_rw(f, read(f, t, buf, count, pos), IN_ACCESS);
}

/** vfs_write(): checks, then f_op.write at pos (at the end for O_APPEND regular files). */
/**
 * generic_write_check_limits()'s RLIMIT_FSIZE part, for regular files: a write starting at or
 * past the limit gets SIGXFSZ and EFBIG, one crossing it is cut short. Returns the count allowed.
 */
export function write_check_fsize(t: Task, f: File, pos: number, count: number): number {
  const limit = t.rlim[RLIMIT_FSIZE].cur;
  if (!S_ISREG(f.f_inode.i_mode) || limit >= Number.MAX_SAFE_INTEGER || count === 0) return count;
  if (pos >= limit) { send_signal(t, SIGXFSZ); return -EFBIG; }
  return Math.min(count, limit - pos);
}

export function vfs_write(t: Task, f: File, buf: UserPtr, count: number, pos: number): SysRet {
  if (!(f.f_mode & FMODE_WRITE)) return -EBADF;
  const write = f.f_op.write;
  if (!write) return -EINVAL;
  if (!user_range_ok(buf, count)) return -EFAULT;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  // generic_write_checks: IOCB_APPEND writes at i_size, even through pwrite (a Linux quirk).
  if (f.f_flags & O_APPEND && S_ISREG(f.f_inode.i_mode)) pos = f.f_inode.i_size;
  count = write_check_fsize(t, f, pos, count);
  if (count < 0) return count;
  return fsnotify_rw(f, write(f, t, buf, count, pos), IN_MODIFY);
}

export function sys_read(t: Task, fd: number, buf: UserPtr, count: number): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  const r = vfs_read(t, f, buf, count, f.f_pos);
  return typeof r === 'number' ? advance(f, r) : sys_then(t, r, (v) => advance(f, v));
}

export function sys_write(t: Task, fd: number, buf: UserPtr, count: number): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (f.f_flags & O_APPEND && S_ISREG(f.f_inode.i_mode)) f.f_pos = f.f_inode.i_size;
  const r = vfs_write(t, f, buf, count, f.f_pos);
  return typeof r === 'number' ? advance(f, r) : sys_then(t, r, (v) => advance(f, v));
}

export function sys_pread64(t: Task, fd: number, buf: UserPtr, count: number, pos: number): SysRet {
  if (pos < 0) return -EINVAL; // before the fd lookup (ksys_pread64)
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (!(f.f_mode & FMODE_PREAD)) return -ESPIPE;
  return vfs_read(t, f, buf, count, pos);
}

export function sys_pwrite64(t: Task, fd: number, buf: UserPtr, count: number, pos: number): SysRet {
  if (pos < 0) return -EINVAL;
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (!(f.f_mode & FMODE_PWRITE)) return -ESPIPE;
  return vfs_write(t, f, buf, count, pos);
}

/** generic_file_llseek(): SEEK_DATA/SEEK_HOLE treat the whole file as data (no hole map). */
export function generic_file_llseek(f: File, offset: number, whence: number): number {
  let pos: number;
  const size = f.f_inode.i_size;
  if (whence === SEEK_SET) pos = offset;
  else if (whence === SEEK_CUR) pos = f.f_pos + offset;
  else if (whence === SEEK_END) pos = size + offset;
  else if (whence === SEEK_DATA || whence === SEEK_HOLE) {
    if (offset < 0 || offset >= size) return -ENXIO;
    pos = whence === SEEK_DATA ? offset : size;
  } else return -EINVAL;
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

// ---- vectored I/O ----

const iov_buf = new Uint8Array(UIO_MAXIOV * 16);
const iov_dv = new DataView(iov_buf.buffer);

/** import_iovec(): reads and checks the iovec array; returns [base, len] pairs or -errno. */
export function import_iovec(t: Task, uiov: UserPtr, n: number): number[] | number {
  n >>>= 0; // import_iovec's `unsigned nr_segs` parameter: the callers' unsigned long vlen narrows here, as in C
  if (n > UIO_MAXIOV) return -EINVAL;
  if (n === 0) return [];
  if (copy_from_user(t, iov_buf, 0, uiov, n * 16)) return -EFAULT;
  const out: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = iov_dv.getInt32(i * 16 + 4, true) * 2 ** 32 + iov_dv.getUint32(i * 16, true);
    const hi = iov_dv.getInt32(i * 16 + 12, true);
    if (hi < 0) return -EINVAL; // len as ssize_t < 0
    let len = hi * 2 ** 32 + iov_dv.getUint32(i * 16 + 8, true);
    if (len > 0 && !access_ok(as_user_ptr(base), len)) return -EFAULT;
    if (len > MAX_RW_COUNT - total) len = MAX_RW_COUNT - total;
    total += len;
    out.push(base, len);
  }
  return out;
}

type Op = (t: Task, f: File, buf: UserPtr, count: number, pos: number) => SysRet;

/**
 * do_loop_readv_writev(): one segment after another until a short transfer; an error is
 * returned only if nothing was transferred. pos < 0 means the file position.
 */
function loop_rw(t: Task, f: File, op: Op, iov: number[], i: number, done: number, pos: number): SysRet {
  for (; i < iov.length; i += 2) {
    const len = iov[i + 1];
    if (len === 0) continue;
    const at = pos < 0 ? f.f_pos : pos + done;
    const r = op(t, f, as_user_ptr(iov[i]), len, at); // an iovec base, checked by import_iovec
    if (typeof r !== 'number') {
      const next = i + 2;
      return sys_then(t, r, (v) => (v < 0 ? (done || v) : step(t, f, op, iov, next, done, pos, v, len)));
    }
    if (r < 0) return done || r;
    if (pos < 0) advance(f, r);
    done += r;
    if (r < len) return done;
  }
  return done;
}

function step(t: Task, f: File, op: Op, iov: number[], next: number, done: number, pos: number, r: number, len: number): SysRet {
  if (pos < 0) advance(f, r);
  done += r;
  return r < len ? done : loop_rw(t, f, op, iov, next, done, pos);
}

function do_iter(t: Task, fd: number, uiov: UserPtr, n: number, pos: number, write: boolean): SysRet {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  if (!(f.f_mode & (write ? FMODE_WRITE : FMODE_READ))) return -EBADF;
  if (pos >= 0 && !(f.f_mode & (write ? FMODE_PWRITE : FMODE_PREAD))) return -ESPIPE;
  const iov = import_iovec(t, uiov, n);
  if (typeof iov === 'number') return iov;
  if (!write && !f.f_op.read) return S_ISDIR(f.f_inode.i_mode) ? -EISDIR : -EINVAL;
  if (write && !f.f_op.write) return -EINVAL;
  if (write && pos < 0 && f.f_flags & O_APPEND && S_ISREG(f.f_inode.i_mode)) f.f_pos = f.f_inode.i_size;
  const iter = write ? f.f_op.write_iter : f.f_op.read_iter;
  if (iter && pos < 0) {
    let total = 0;
    for (let i = 1; i < iov.length; i += 2) total += iov[i];
    return total === 0 ? 0 : iter(f, t, iov, total); // vfs_readv/vfs_writev: nothing to move, no call
  }
  return loop_rw(t, f, write ? vfs_write : vfs_read, iov, 0, 0, pos);
}

export const sys_readv = (t: Task, fd: number, iov: UserPtr, n: number): SysRet => do_iter(t, fd, iov, n, -1, false);
export const sys_writev = (t: Task, fd: number, iov: UserPtr, n: number): SysRet => do_iter(t, fd, iov, n, -1, true);
export function sys_preadv(t: Task, fd: number, iov: UserPtr, n: number, pos: number): SysRet {
  return pos < 0 ? -EINVAL : do_iter(t, fd, iov, n, pos, false);
}
export function sys_pwritev(t: Task, fd: number, iov: UserPtr, n: number, pos: number): SysRet {
  return pos < 0 ? -EINVAL : do_iter(t, fd, iov, n, pos, true);
}

// ---- sendfile ----

export const SENDFILE_CHUNK = 65536;

/**
 * The task's own bounce buffer (do_splice_direct's current->splice_pipe). It stays live while
 * splice_write sleeps on a full output, so it must never be shared with another task.
 */
export function splice_pipe(t: Task): Uint8Array {
  return t.splice_pipe ??= new Uint8Array(SENDFILE_CHUNK);
}

/** do_sendfile(): in → kernel buffer → out, through the files' splice operations. */
export function sys_sendfile(t: Task, out_fd: number, in_fd: number, uoff: UserPtr, count: number): SysRet {
  let pos = 0;
  if (uoff) {
    if (get_user_u64(t, uoff)) return -EFAULT;
    pos = t.cpu.uval;
  }
  const in_f = fdget_io(t, in_fd);
  if (typeof in_f === 'number' || !(in_f.f_mode & FMODE_READ)) return -EBADF;
  if (!uoff) pos = in_f.f_pos;
  else if (!(in_f.f_mode & FMODE_PREAD)) return -ESPIPE;
  // rw_verify_area: a size_t count past SSIZE_MAX ("negative") and a negative pos are EINVAL.
  if (count < 0 || pos < 0) return -EINVAL;
  const out_f = fdget_io(t, out_fd);
  if (typeof out_f === 'number' || !(out_f.f_mode & FMODE_WRITE)) return -EBADF;
  if (out_f.f_flags & O_APPEND) return -EINVAL;
  if (!in_f.f_op.splice_read || !out_f.f_op.splice_write) return -EINVAL;
  if (count > MAX_RW_COUNT) count = MAX_RW_COUNT;
  const sf_buf = splice_pipe(t);
  const finish = (done: number, err: number): number => {
    if (uoff) { if (put_user_u64(t, uoff, pos)) return -EFAULT; } else in_f.f_pos = pos;
    return done || err;
  };
  const loop = (done: number): SysRet => {
    while (done < count) {
      const room = write_check_fsize(t, out_f, out_f.f_pos, Math.min(SENDFILE_CHUNK, count - done));
      if (room < 0) return finish(done, room);
      const n = in_f.f_op.splice_read!(in_f, sf_buf, 0, room, pos);
      if (n <= 0) return finish(done, n);
      const w = out_f.f_op.splice_write!(out_f, t, sf_buf, 0, n, out_f.f_pos);
      if (typeof w !== 'number') {
        return sys_then(t, w, (v) => {
          if (v < 0) return finish(done, v);
          out_f.f_pos += v; pos += v;
          return v < n ? finish(done + v, 0) : loop(done + v);
        });
      }
      if (w < 0) return finish(done, w);
      out_f.f_pos += w; pos += w; done += w;
      if (w < n) break;
    }
    return finish(done, 0);
  };
  return fsnotify_xfer(in_f, out_f, loop(0));
}

export const read_write_syscalls: readonly SyscallDef[] = [
  { name: 'read', fn: sys_read, args: ['unsigned int fd', 'buf_out', 'size_t'] },
  { name: 'write', fn: sys_write, args: ['unsigned int fd', 'buf_in', 'size_t'] },
  { name: 'pread64', fn: sys_pread64, args: ['unsigned int fd', 'buf_out', 'size_t', 'loff_t'] },
  { name: 'pwrite64', fn: sys_pwrite64, args: ['unsigned int fd', 'buf_in', 'size_t', 'loff_t'] },
  { name: 'lseek', fn: sys_lseek, args: ['unsigned int fd', 'long', 'whence'], support: 'partial', note: 'SEEK_DATA/SEEK_HOLE see no holes (the whole file is data)' },
  { name: 'readv', fn: sys_readv, args: ['unsigned int fd', 'ptr', 'unsigned long'] },
  { name: 'writev', fn: sys_writev, args: ['unsigned int fd', 'ptr', 'unsigned long'] },
  { name: 'preadv', fn: sys_preadv, args: ['unsigned int fd', 'ptr', 'unsigned long', 'long'] },
  { name: 'pwritev', fn: sys_pwritev, args: ['unsigned int fd', 'ptr', 'unsigned long', 'long'] },
  { name: 'sendfile', fn: sys_sendfile, args: ['fd', 'fd', 'ptr', 'size_t'], support: 'partial', note: 'files need splice operations: tmpfs, hostfs, pipes, /dev/null|zero, the console' },
];
