/**
 * Pipes (fs/pipe.c): a 64 KiB ring per pipe, blocking and O_NONBLOCK (EAGAIN) reads and
 * writes, EOF when the last writer closes, EPIPE + SIGPIPE when no reader is left, writes of
 * at most PIPE_BUF bytes never interleaved, F_GETPIPE_SZ/F_SETPIPE_SZ, FIONREAD, poll.
 */
import { EAGAIN, EBADF, EBUSY, EFAULT, EINVAL, ENXIO, EPERM, EPIPE, ENOTTY } from '../include/uapi/errno.ts';
import { F_GETPIPE_SZ, O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../include/uapi/fcntl.ts';
import { SIGPIPE } from '../include/uapi/signal.ts';
import { S_IFIFO } from '../include/uapi/stat.ts';
import type { Kernel } from '../kernel.ts';
import { copy_from_user, copy_to_user, put_user_u32 } from '../mm/uaccess.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import { send_signal } from '../sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { WaitQueueHead, wait_event_interruptible, sys_then } from '../sched/wait.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { RLIMIT_NOFILE } from './file_table.ts';
import { File, FMODE_LSEEK, FMODE_PREAD, FMODE_PWRITE, FMODE_READ, FMODE_STREAM, FMODE_WRITE, Inode, type FileOperations, type SuperBlock, type SysRet } from './fs_types.ts';
import { FIONREAD } from './ioctl.ts';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, poll_wait, type PollTable } from './poll_types.ts';
import { StateKey, state_of } from '../include/linux/ext_state.ts';
import { as_user_ptr, user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

export const PIPE_BUF = 4096;
export const PIPE_DEF_SIZE = 16 * PAGE_SIZE;
/** /proc/sys/fs/pipe-max-size */
export const PIPE_MAX_SIZE = 1 << 20;

/** struct pipe_inode_info: a byte ring. */
export class PipeInodeInfo {
  buf: Uint8Array;
  /** Index of the first unread byte, and bytes held. */
  head = 0;
  len = 0;
  readers = 0;
  writers = 0;
  /** Open files on the pipe (a FIFO's buffer goes with the last), and opens of each end so far. */
  files = 0;
  r_counter = 0;
  w_counter = 0;
  readonly rd_wait = new WaitQueueHead();
  readonly wr_wait = new WaitQueueHead();
  constructor(public size = PIPE_DEF_SIZE) { this.buf = new Uint8Array(size); }
  get free(): number { return this.size - this.len; }
}

export function get_pipe_info(f: File): PipeInodeInfo | null {
  return f.f_op === pipefifo_fops ? (f.f_inode.i_private as PipeInodeInfo) : null;
}

/** Copies n ring bytes, `skip` bytes past the first unread one, into dst (tee and splice peek before they consume). */
export function pipe_peek(p: PipeInodeInfo, skip: number, dst: Uint8Array, off: number, n: number): void {
  const start = (p.head + skip) % p.size;
  const first = Math.min(n, p.size - start);
  dst.set(p.buf.subarray(start, start + first), off);
  if (n > first) dst.set(p.buf.subarray(0, n - first), off + first);
}

/** Drops n unread bytes (they were spliced out). */
export function pipe_consume(p: PipeInodeInfo, n: number): void {
  p.head = (p.head + n) % p.size; p.len -= n;
  if (n) p.wr_wait.wake_up();
}

/** Appends n bytes of src (n <= free). */
export function pipe_append(p: PipeInodeInfo, src: Uint8Array, off: number, n: number): void {
  const tail = (p.head + p.len) % p.size;
  const first = Math.min(n, p.size - tail);
  p.buf.set(src.subarray(off, off + first), tail);
  if (n > first) p.buf.set(src.subarray(off + first, off + n), 0);
  p.len += n;
  if (n) p.rd_wait.wake_up();
}

/** Copies up to n ring bytes to user memory; returns bytes copied or -EFAULT. */
export function ring_to_user(t: Task, p: PipeInodeInfo, ubuf: UserPtr, n: number): number {
  const first = Math.min(n, p.size - p.head);
  let left = copy_to_user(t, ubuf, p.buf, p.head, first);
  let done = first - left;
  if (!left && n > first) { left = copy_to_user(t, user_ptr_add(ubuf, first), p.buf, 0, n - first); done += n - first - left; }
  if (done === 0 && n > 0) return -EFAULT;
  p.head = (p.head + done) % p.size;
  p.len -= done;
  return done;
}

export function ring_from_user(t: Task, p: PipeInodeInfo, ubuf: UserPtr, n: number): number {
  const tail = (p.head + p.len) % p.size;
  const first = Math.min(n, p.size - tail);
  let left = copy_from_user(t, p.buf, tail, ubuf, first);
  let done = first - left;
  if (!left && n > first) { left = copy_from_user(t, p.buf, 0, user_ptr_add(ubuf, first), n - first); done += n - first - left; }
  p.len += done;
  return done;
}

function pipe_read(f: File, t: Task, ubuf: UserPtr, count: number): SysRet {
  const p = f.f_inode.i_private as PipeInodeInfo;
  if (count === 0) return 0;
  if (p.len > 0) {
    const r = ring_to_user(t, p, ubuf, Math.min(count, p.len));
    if (r > 0) p.wr_wait.wake_up();
    return r;
  }
  if (p.writers === 0) return 0;
  if (f.f_flags & O_NONBLOCK) return -EAGAIN;
  const w = wait_event_interruptible(t, p.rd_wait, () => p.len > 0 || p.writers === 0);
  return sys_then(t, w, (err) => (err < 0 ? err : pipe_read(f, t, ubuf, count)));
}

/** pipe_write(): all or nothing up to PIPE_BUF; larger writes may be split across waits. */
function pipe_write_from(f: File, t: Task, ubuf: UserPtr, count: number, done: number): SysRet {
  const p = f.f_inode.i_private as PipeInodeInfo;
  for (;;) {
    if (p.readers === 0) {
      send_signal(t, SIGPIPE);
      return done || -EPIPE;
    }
    const want = count - done;
    if (want === 0) return done;
    const fits = count <= PIPE_BUF ? p.free >= want : p.free > 0;
    if (fits) {
      const n = ring_from_user(t, p, user_ptr_add(ubuf, done), Math.min(want, p.free));
      if (n > 0) p.rd_wait.wake_up();
      if (n < Math.min(want, p.free)) return done + n || -EFAULT;
      done += n;
      continue;
    }
    if (f.f_flags & O_NONBLOCK) return done || -EAGAIN;
    const d = done;
    const w = wait_event_interruptible(t, p.wr_wait, () => p.readers === 0 || (count <= PIPE_BUF ? p.free >= count - d : p.free > 0));
    return sys_then(t, w, (err) => (err < 0 ? d || err : pipe_write_from(f, t, ubuf, count, d)));
  }
}

function pipe_poll(f: File, _t: Task, pt: PollTable | null): number {
  const p = f.f_inode.i_private as PipeInodeInfo;
  poll_wait(pt, p.rd_wait);
  poll_wait(pt, p.wr_wait);
  let mask = 0;
  if (f.f_mode & FMODE_READ) {
    if (p.len > 0) mask |= POLLIN | POLLRDNORM;
    if (p.writers === 0 && ((f.private_data as number | null) ?? 0) !== p.w_counter) mask |= POLLHUP;
  }
  if (f.f_mode & FMODE_WRITE) {
    // pipe_full() counts page slots; a slot is free when a page's worth of room is left.
    if (p.free >= PIPE_BUF) mask |= POLLOUT | POLLWRNORM;
    if (p.readers === 0) mask |= POLLERR;
  }
  return mask;
}

export const pipefifo_fops: FileOperations = {
  read: (f, t, ubuf: UserPtr, count) => pipe_read(f, t, ubuf, count),
  write: (f, t, ubuf: UserPtr, count) => pipe_write_from(f, t, ubuf, count, 0),
  llseek: () => -29, // ESPIPE (no_llseek)
  poll: pipe_poll,
  unlocked_ioctl(f, t, cmd, arg) {
    if (cmd !== FIONREAD) return -ENOTTY;
    return put_user_u32(t, as_user_ptr(arg), (f.f_inode.i_private as PipeInodeInfo).len);
  },
  open: fifo_open,
  release(inode, f) {
    const p = inode.i_private as PipeInodeInfo;
    if (f.f_mode & FMODE_READ) p.readers--;
    if (f.f_mode & FMODE_WRITE) p.writers--;
    p.rd_wait.wake_up();
    p.wr_wait.wake_up();
    // put_pipe_info(): a FIFO's buffer (and what is left in it) goes with its last file.
    if (--p.files === 0 && !is_pipefs(inode)) inode.i_private = null;
  },
  splice_read(f, buf, off, count) {
    const p = f.f_inode.i_private as PipeInodeInfo;
    const n = Math.min(count, p.len);
    pipe_peek(p, 0, buf, off, n);
    pipe_consume(p, n);
    return n === 0 && p.writers > 0 ? -EAGAIN : n;
  },
  splice_write(f, t, buf, off, count) {
    const p = f.f_inode.i_private as PipeInodeInfo;
    if (p.readers === 0) { send_signal(t, SIGPIPE); return -EPIPE; }
    if (p.free === 0) {
      if (f.f_flags & O_NONBLOCK) return -EAGAIN;
      const w = wait_event_interruptible(t, p.wr_wait, () => p.readers === 0 || p.free > 0);
      return sys_then(t, w, (err) => (err < 0 ? err : pipefifo_fops.splice_write!(f, t, buf, off, count, 0)));
    }
    return pipe_ring_put(p, buf, off, count);
  },
};

const is_pipefs = (inode: Inode): boolean => inode.i_sb.s_type === 'pipefs';

/**
 * fifo_open() (fs/pipe.c): a FIFO gets its pipe at its first open; each end is counted and the
 * other side woken. O_WRONLY|O_NONBLOCK with no reader is ENXIO. A pipe's file is a stream
 * (no lseek, pread or pwrite). The wait for a partner is fifo_wait_for_partner.
 */
function fifo_open(inode: Inode, f: File): number {
  const p = (inode.i_private as PipeInodeInfo | null) ?? new PipeInodeInfo();
  f.f_mode = (f.f_mode & ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE)) | FMODE_STREAM;
  const rw = f.f_mode & (FMODE_READ | FMODE_WRITE);
  if (rw === FMODE_WRITE && !is_pipefs(inode) && f.f_flags & O_NONBLOCK && p.readers === 0) return -ENXIO;
  inode.i_private = p;
  p.files++;
  if (rw & FMODE_READ) { p.readers++; p.r_counter++; }
  // A FIFO reader opened O_NONBLOCK before any writer: no POLLHUP until a writer comes (f_pipe).
  if (rw === FMODE_READ && !is_pipefs(inode) && p.writers === 0) f.private_data = p.w_counter;
  if (rw & FMODE_WRITE) { p.writers++; p.w_counter++; }
  p.rd_wait.wake_up(); // wake_up_partner()
  p.wr_wait.wake_up();
  return 0;
}

/**
 * wait_for_partner(): a FIFO opened only for reading (without O_NONBLOCK) sleeps until a
 * writer opens it, one opened only for writing until a reader does; null when no wait is due.
 * Resolves 0 or -ERESTARTSYS (the caller then drops the file).
 */
export function fifo_wait_for_partner(f: File, t: Task): Promise<number> | null {
  if (f.f_op !== pipefifo_fops || is_pipefs(f.f_inode)) return null;
  const p = f.f_inode.i_private as PipeInodeInfo;
  const rw = f.f_mode & (FMODE_READ | FMODE_WRITE);
  if (rw === FMODE_READ && p.writers === 0 && !(f.f_flags & O_NONBLOCK)) {
    const cur = p.w_counter;
    return wait_event_interruptible(t, p.rd_wait, () => p.w_counter !== cur);
  }
  if (rw === FMODE_WRITE && p.readers === 0) {
    const cur = p.r_counter;
    return wait_event_interruptible(t, p.wr_wait, () => p.r_counter !== cur);
  }
  return null;
}

/** Appends what fits of buf[off, off+count) to the ring from a kernel buffer and wakes readers; the bytes taken. */
export function pipe_ring_put(p: PipeInodeInfo, buf: Uint8Array, off: number, count: number): number {
  const n = Math.min(count, p.free);
  pipe_append(p, buf, off, n);
  return n;
}

/** round_pipe_size(): whole pages, a power of two of them. */
function round_pipe_size(size: number): number {
  if (size > PIPE_MAX_SIZE * 2 ** 10) return 0;
  let pages = Math.max(1, Math.ceil(size / PAGE_SIZE));
  pages = 2 ** Math.ceil(Math.log2(pages));
  return pages * PAGE_SIZE;
}

/** pipe_fcntl(): F_GETPIPE_SZ, F_SETPIPE_SZ; EBADF on anything but a pipe. */
export function pipe_fcntl(t: Task, f: File, cmd: number, arg: number): number {
  const p = get_pipe_info(f);
  if (!p) return -EBADF;
  if (cmd === F_GETPIPE_SZ) return p.size;
  const size = round_pipe_size(arg >>> 0);
  if (!size) return -EINVAL;
  if (size > PIPE_MAX_SIZE && t.cred.euid !== 0) return -EPERM;
  if (size < p.len) return -EBUSY;
  const nb = new Uint8Array(size);
  for (let i = 0; i < p.len; i++) nb[i] = p.buf[(p.head + i) % p.size];
  p.buf = nb; p.head = 0; p.size = size;
  p.wr_wait.wake_up();
  return size;
}

const PIPEFS_SB = new StateKey<Kernel, SuperBlock>('pipefs', () => {
  let ino = 0;
  return { s_type: 'pipefs', s_dev: 0x0d, next_ino: () => ++ino };
});
const pipefs_sb = (k: Kernel): SuperBlock => state_of(k, PIPEFS_SB);

/** create_pipe_files(): a read end and a write end sharing one pipe inode. */
export function create_pipe_files(t: Task, flags: number): [File, File] {
  return alloc_pipe_files(t.kernel, t.cred.fsuid, t.cred.fsgid, flags);
}

/** The pipe of create_pipe_files owned by uid:gid, for a kernel that holds one end itself (./host_pipe.ts). */
export function alloc_pipe_files(k: Kernel, uid: number, gid: number, flags: number): [File, File] {
  const sb = pipefs_sb(k);
  const inode = new Inode(sb, sb.next_ino(), S_IFIFO | 0o600);
  inode.i_uid = uid; inode.i_gid = gid;
  const p = new PipeInodeInfo();
  p.readers = p.writers = 1;
  p.r_counter = p.w_counter = 1;
  p.files = 2;
  inode.i_private = p;
  inode.i_fop = pipefifo_fops;
  const nb = flags & O_NONBLOCK;
  const r = new File(pipefifo_fops, O_RDONLY | nb, FMODE_READ, inode, null);
  const w = new File(pipefifo_fops, O_WRONLY | nb, FMODE_WRITE, inode, null);
  return [r, w];
}

const fds_buf = new Uint8Array(8);
const fds_dv = new DataView(fds_buf.buffer);

export function sys_pipe2(t: Task, ufds: UserPtr, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | t.kernel.arch.uapi.O_DIRECT)) return -EINVAL;
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const limit = t.rlim[RLIMIT_NOFILE].cur;
  const fd0 = t.files.get_unused_fd_flags(cloexec, limit);
  if (fd0 < 0) return fd0;
  const fd1 = t.files.get_unused_fd_flags(cloexec, limit);
  if (fd1 < 0) { t.files.put_unused_fd(fd0); return fd1; }
  fds_dv.setInt32(0, fd0, true); fds_dv.setInt32(4, fd1, true);
  if (copy_to_user(t, ufds, fds_buf, 0, 8)) { t.files.put_unused_fd(fd0); t.files.put_unused_fd(fd1); return -EFAULT; }
  const [r, w] = create_pipe_files(t, flags);
  t.files.fd_install(fd0, r);
  t.files.fd_install(fd1, w);
  return 0;
}

export const sys_pipe = (t: Task, ufds: UserPtr): number => sys_pipe2(t, ufds, 0);

export const pipe_syscalls: readonly SyscallDef[] = [
  { name: 'pipe', fn: sys_pipe, args: ['fdpair'] },
  { name: 'pipe2', fn: sys_pipe2, args: ['fdpair', 'fdflags'], support: 'partial', note: 'O_DIRECT (packet mode) gives a byte-stream pipe; O_NOTIFICATION_PIPE is EINVAL (no watch queues)' },
];
