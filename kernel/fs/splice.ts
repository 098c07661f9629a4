/**
 * splice(2), tee(2), vmsplice(2) (fs/splice.c). Linux moves page references between a pipe's
 * buffers and files; privos pipes are byte rings (pipe.ts), so the bytes are copied, through the
 * task's bounce buffer for files. The checks, their order, the blocking rules (wait for data in
 * the input pipe, for room in the output pipe; SPLICE_F_NONBLOCK or O_NONBLOCK on a pipe makes
 * that EAGAIN) and the results follow Linux. https://man7.org/linux/man-pages/man2/splice.2.html
 */
import { EAGAIN, EBADF, EFAULT, EINVAL, EPIPE, ESPIPE } from '../include/uapi/errno.ts';
import { fsnotify_xfer } from './notify/fsnotify.ts';
import { O_APPEND, O_NONBLOCK } from '../include/uapi/fcntl.ts';
import { SIGPIPE } from '../include/uapi/signal.ts';
import { get_user_u64, put_user_u64 } from '../mm/uaccess.ts';
import { send_signal } from '../sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { sys_then, wait_event_interruptible } from '../sched/wait.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import { FMODE_PREAD, FMODE_PWRITE, FMODE_READ, FMODE_WRITE, type File, type SysRet } from './fs_types.ts';
import { get_pipe_info, pipe_append, pipe_consume, pipe_peek, ring_from_user, ring_to_user, type PipeInodeInfo } from './pipe.ts';
import { import_iovec, MAX_RW_COUNT, SENDFILE_CHUNK, splice_pipe, write_check_fsize } from './read_write.ts';
import { as_user_ptr, type UserPtr } from '../include/linux/compiler_types.ts';

export const SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8;
const SPLICE_F_ALL = SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT;

/** ipipe_prep() / splice_from_pipe_next(): 0 once the pipe has data or no writer is left, else -EAGAIN or a sleep. */
function wait_readable(t: Task, p: PipeInodeInfo, nonblock: boolean): SysRet {
  if (p.len > 0 || p.writers === 0) return 0;
  if (nonblock) return -EAGAIN;
  return sys_then(t, wait_event_interruptible(t, p.rd_wait, () => p.len > 0 || p.writers === 0), (e) => (e < 0 ? e : wait_readable(t, p, nonblock)));
}

/** wait_for_space() / opipe_prep(): 0 once there is room; EPIPE (and SIGPIPE) when no reader is left. */
function wait_writable(t: Task, p: PipeInodeInfo, nonblock: boolean): SysRet {
  if (p.readers === 0) { send_signal(t, SIGPIPE); return -EPIPE; }
  if (p.free > 0) return 0;
  if (nonblock) return -EAGAIN;
  return sys_then(t, wait_event_interruptible(t, p.wr_wait, () => p.free > 0 || p.readers === 0), (e) => (e < 0 ? e : wait_writable(t, p, nonblock)));
}

/** splice_pipe_to_pipe() (copy = false) and link_pipe() for tee (copy = true: the input keeps its bytes). */
function pipe_to_pipe(t: Task, ip: PipeInodeInfo, op: PipeInodeInfo, len: number, nonblock: boolean, copy: boolean): SysRet {
  return sys_then(t, wait_readable(t, ip, nonblock), (e) => {
    if (e < 0) return e;
    // opipe_prep() checks for readers only when the pipe is full; the move loop checks first.
    if (op.readers === 0) { send_signal(t, SIGPIPE); return -EPIPE; }
    return sys_then(t, op.free > 0 ? 0 : wait_writable(t, op, nonblock), (e2) => {
      if (e2 < 0) return e2;
      const n = Math.min(len, ip.len, op.free);
      if (n === 0) return ip.writers === 0 ? 0 : pipe_to_pipe(t, ip, op, len, nonblock, copy);
      const b = splice_pipe(t).subarray(0, Math.min(n, SENDFILE_CHUNK));
      pipe_peek(ip, 0, b, 0, b.length);
      if (!copy) pipe_consume(ip, b.length);
      pipe_append(op, b, 0, b.length);
      return b.length;
    });
  });
}

/** rw_verify_area() for a position and a size_t count. */
const verify_area = (pos: number, len: number): number => (pos < 0 || len < 0 ? -EINVAL : 0);

/** do_splice_from(): pipe → file at pos; returns bytes written. */
function splice_from_pipe(t: Task, ip: PipeInodeInfo, out: File, pos: number, len: number, nonblock: boolean): SysRet {
  if (!out.f_op.splice_write) return -EINVAL;
  return sys_then(t, wait_readable(t, ip, nonblock), (e) => {
    if (e < 0 || ip.len === 0) return e;
    const room = write_check_fsize(t, out, pos, Math.min(len, ip.len, SENDFILE_CHUNK));
    if (room < 0) return room;
    const b = splice_pipe(t);
    pipe_peek(ip, 0, b, 0, room);
    return sys_then(t, out.f_op.splice_write!(out, t, b, 0, room, pos), (w) => { if (w > 0) pipe_consume(ip, w); return w; });
  });
}

/** splice_file_to_pipe(): file at pos → pipe; returns bytes read. */
function splice_to_pipe(t: Task, in_f: File, op: PipeInodeInfo, pos: number, len: number, nonblock: boolean): SysRet {
  return sys_then(t, wait_writable(t, op, nonblock), (e) => {
    if (e < 0) return e;
    const err = verify_area(pos, len);
    if (err) return err;
    if (!in_f.f_op.splice_read) return -EINVAL;
    const b = splice_pipe(t);
    const n = in_f.f_op.splice_read(in_f, b, 0, Math.min(len, op.free, SENDFILE_CHUNK), pos);
    if (n > 0) pipe_append(op, b, 0, n);
    return n;
  });
}

/** The loff_t behind an offset pointer: [pos] or -EFAULT. */
function get_off(t: Task, uoff: UserPtr): number {
  return get_user_u64(t, uoff) || t.cpu.uval;
}

/** Advances the file position, or stores the new offset through the pointer (EFAULT if it cannot). */
function put_off(t: Task, f: File, uoff: UserPtr, pos: number, r: number): number {
  if (r <= 0) return r;
  if (!uoff) { f.f_pos = pos + r; return r; }
  return put_user_u64(t, uoff, pos + r) || r;
}

/** __do_splice() and do_splice(): the offsets, the modes, then one of the three directions. */
function do_splice(t: Task, in_f: File, uoff_in: UserPtr, out: File, uoff_out: UserPtr, len: number, flags: number): SysRet {
  const ip = get_pipe_info(in_f), op = get_pipe_info(out);
  if ((ip && uoff_in) || (op && uoff_out)) return -ESPIPE;
  const off_out = uoff_out ? get_off(t, uoff_out) : 0, off_in = uoff_in ? get_off(t, uoff_in) : 0;
  if (off_out === -EFAULT || off_in === -EFAULT) return -EFAULT;
  if (!(in_f.f_mode & FMODE_READ) || !(out.f_mode & FMODE_WRITE)) return -EBADF;
  let nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;
  if (ip && op) {
    if (ip === op) return -EINVAL;
    return pipe_to_pipe(t, ip, op, len, nonblock || ((in_f.f_flags | out.f_flags) & O_NONBLOCK) !== 0, false);
  }
  if (ip) {
    if (uoff_out && !(out.f_mode & FMODE_PWRITE)) return -EINVAL;
    if (out.f_flags & O_APPEND) return -EINVAL;
    const pos = uoff_out ? off_out : out.f_pos;
    const err = verify_area(pos, len);
    if (err) return err;
    nonblock ||= (in_f.f_flags & O_NONBLOCK) !== 0;
    return sys_then(t, splice_from_pipe(t, ip, out, pos, len, nonblock), (r) => put_off(t, out, uoff_out, pos, r));
  }
  if (op) {
    if (uoff_in && !(in_f.f_mode & FMODE_PREAD)) return -EINVAL;
    const pos = uoff_in ? off_in : in_f.f_pos;
    nonblock ||= (out.f_flags & O_NONBLOCK) !== 0;
    return sys_then(t, splice_to_pipe(t, in_f, op, pos, len, nonblock), (r) => put_off(t, in_f, uoff_in, pos, r));
  }
  return -EINVAL;
}

export function sys_splice(t: Task, fd_in: number, uoff_in: UserPtr, fd_out: number, uoff_out: UserPtr, len: number, flags: number): SysRet {
  if (!len) return 0;
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  const in_f = fdget_io(t, fd_in);
  if (typeof in_f === 'number') return in_f;
  const out = fdget_io(t, fd_out);
  if (typeof out === 'number') return out;
  return fsnotify_xfer(in_f, out, do_splice(t, in_f, uoff_in, out, uoff_out, Math.min(len, MAX_RW_COUNT), flags));
}

/** tee(2): duplicates up to len bytes from one pipe into another without consuming them. */
export function sys_tee(t: Task, fd_in: number, fd_out: number, len: number, flags: number): SysRet {
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  if (!len) return 0;
  const in_f = fdget_io(t, fd_in);
  if (typeof in_f === 'number') return in_f;
  const out = fdget_io(t, fd_out);
  if (typeof out === 'number') return out;
  if (!(in_f.f_mode & FMODE_READ) || !(out.f_mode & FMODE_WRITE)) return -EBADF;
  const ip = get_pipe_info(in_f), op = get_pipe_info(out);
  if (!ip || !op || ip === op) return -EINVAL;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0 || ((in_f.f_flags | out.f_flags) & O_NONBLOCK) !== 0;
  return pipe_to_pipe(t, ip, op, Math.min(len, MAX_RW_COUNT), nonblock, true);
}

/** vmsplice_to_pipe(): the iovec's bytes into the pipe, as many as fit once there is room. */
function vmsplice_to_pipe(t: Task, p: PipeInodeInfo, iov: number[], nonblock: boolean): SysRet {
  return sys_then(t, wait_writable(t, p, nonblock), (e) => {
    if (e < 0) return e;
    let done = 0;
    for (let i = 0; i < iov.length && p.free > 0; i += 2) {
      const want = Math.min(iov[i + 1], p.free);
      const n = ring_from_user(t, p, as_user_ptr(iov[i]), want); // an iovec base (import_iovec)
      done += n;
      if (n < want) break;
    }
    if (done) p.rd_wait.wake_up();
    return done || -EFAULT;
  });
}

/** vmsplice_to_user(): pipe bytes into the iovec, like readv once there is data. */
function vmsplice_to_user(t: Task, p: PipeInodeInfo, iov: number[], nonblock: boolean): SysRet {
  return sys_then(t, wait_readable(t, p, nonblock), (e) => {
    if (e < 0) return e;
    let done = 0;
    for (let i = 0; i < iov.length && p.len > 0; i += 2) {
      const want = Math.min(iov[i + 1], p.len);
      if (want === 0) continue;
      const n = ring_to_user(t, p, as_user_ptr(iov[i]), want);
      if (n < 0) return done || n;
      done += n;
      if (n < want) break;
    }
    if (done) p.wr_wait.wake_up();
    return done;
  });
}

/** vmsplice(2): an fd open for writing takes user memory into its pipe; one open for reading gives it out. */
export function sys_vmsplice(t: Task, fd: number, uiov: UserPtr, nr_segs: number, flags: number): SysRet {
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  const to_pipe = (f.f_mode & FMODE_WRITE) !== 0;
  if (!to_pipe && !(f.f_mode & FMODE_READ)) return -EBADF;
  const iov = import_iovec(t, uiov, nr_segs);
  if (typeof iov === 'number') return iov;
  let total = 0;
  for (let i = 1; i < iov.length; i += 2) total += iov[i];
  if (!total) return 0;
  const p = get_pipe_info(f);
  if (!p) return -EBADF;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0 || (f.f_flags & O_NONBLOCK) !== 0;
  return to_pipe ? vmsplice_to_pipe(t, p, iov, nonblock) : vmsplice_to_user(t, p, iov, nonblock);
}

export const splice_syscalls: readonly SyscallDef[] = [
  { name: 'splice', fn: sys_splice, args: ['fd', 'ptr', 'fd', 'ptr', 'size_t', 'unsigned int hex'], support: 'partial', note: 'sockets have no splice operations (EINVAL); bytes are copied, not page references moved (SPLICE_F_MOVE/GIFT are hints); pipes count free bytes, not page slots, so a pipe whose every slot holds a few bytes is full on Linux but still takes bytes here' },
  { name: 'tee', fn: sys_tee, args: ['fd', 'fd', 'size_t', 'unsigned int hex'] },
  { name: 'vmsplice', fn: sys_vmsplice, args: ['fd', 'ptr', 'unsigned long', 'unsigned int hex'] },
];
