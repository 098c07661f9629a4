/**
 * The host's stdio as consoles (drivers/tty/hvc/hvc_console.c; arch/um/drivers/stdio_console.c
 * is the same idea in User-Mode Linux): privos is a guest whose "hypervisor" is the Node
 * process, and /dev/hvc0, /dev/hvc1, /dev/hvc2 are the host's fds 0, 1 and 2. `privos run`
 * gives the first process its fds 0/1/2 on them, so a program's stdout is the host's stdout and
 * its stderr the host's stderr.
 *
 * Back-pressure is Linux's: a host channel takes one chunk at a time; while the host has not
 * taken it (a full pipe), the writer sleeps in write(2) (or gets EAGAIN with O_NONBLOCK, and
 * poll reports no POLLOUT). Nothing is buffered beyond that one chunk. A host EPIPE is the
 * writer's EPIPE and SIGPIPE, as pipe_write does. Host input is asked for only when a reader
 * waits. The tty ioctls answer only where the host fd is a terminal (isatty(3) on the host).
 */
import { EAGAIN, EFAULT, EINVAL, ENOTTY, EPIPE } from '../../include/uapi/errno.ts';
import { O_NONBLOCK } from '../../include/uapi/fcntl.ts';
import { SIGPIPE } from '../../include/uapi/signal.ts';
import type { ConsoleWrite, Kernel } from '../../kernel.ts';
import { copy_from_user, copy_to_user } from '../../mm/uaccess.ts';
import { send_signal } from '../../sched/signal.ts';
import { signal_pending } from '../../include/linux/sched/signal.ts';
import type { Task } from '../../sched/task.ts';
import { WaitQueueHead, wait_event_interruptible, sys_then } from '../../sched/wait.ts';
import type { File, FileOperations, SysRet } from '../fs_types.ts';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, poll_wait, type PollTable } from '../poll_types.ts';
import { cdev_add, MKDEV } from './char_dev.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import { as_user_ptr, user_ptr_add, type UserPtr } from '../../include/linux/compiler_types.ts';

export const HVC_MAJOR = 229;
/** The most one write hands the host at a time (a pipe's default capacity). */
export const HVC_CHUNK = 65536;

// include/uapi/asm-generic/ioctls.h
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404;
export const TIOCGPGRP = 0x540f, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b;
/** sizeof(struct termios) as the kernel copies it (no speeds): 4 flags, c_line, c_cc[19]. */
export const TERMIOS_SIZE = 36;
const ICANON = 0o2, ECHO = 0o10;

/** tty_std_termios: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN; INIT_C_CC. */
function std_termios(): Uint8Array {
  const b = new Uint8Array(TERMIOS_SIZE), dv = new DataView(b.buffer);
  dv.setUint32(0, 0o2400, true); dv.setUint32(4, 0o5, true); dv.setUint32(8, 0o2277, true); dv.setUint32(12, 0o105073, true);
  b.set([3, 0o34, 0o177, 0o25, 4, 0, 1, 0, 0o21, 0o23, 0o32, 0, 0o22, 0o17, 0o27, 0o26, 0], 17);
  return b;
}

/** The input side: host fd 0, read one chunk at a time and only when a reader needs it. */
export class ConsoleInput {
  readonly wq = new WaitQueueHead();
  private readonly chunks: Uint8Array[] = [];
  private eof = false;
  private pumping = false;
  constructor(private readonly k: Kernel) {}

  get available(): number { return this.chunks.reduce((s, c) => s + c.length, 0); }
  get readable(): boolean { return this.chunks.length > 0 || this.eof; }

  /** Asks the host for the next chunk. */
  pump(): void {
    if (this.pumping || this.eof) return;
    this.pumping = true;
    this.k.console.read().then((chunk) => {
      this.pumping = false;
      if (chunk === null) this.eof = true; else this.chunks.push(chunk);
      this.wq.wake_up();
    }, () => { this.pumping = false; this.eof = true; this.wq.wake_up(); });
  }

  /** Copies what is buffered (up to count) to user memory. */
  private take(t: Task, buf: UserPtr, count: number): number {
    let done = 0;
    while (done < count && this.chunks.length) {
      const c = this.chunks[0];
      const n = Math.min(c.length, count - done);
      if (copy_to_user(t, user_ptr_add(buf, done), c, 0, n)) return done || -EFAULT;
      done += n;
      if (n === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(n);
    }
    return done;
  }

  /** read(2): what is there, else sleep until the host sends some or closes. */
  read(f: File, t: Task, buf: UserPtr, count: number): SysRet {
    if (this.chunks.length || this.eof || count === 0) return this.take(t, buf, count);
    this.pump();
    if (f.f_flags & O_NONBLOCK) return -EAGAIN;
    const w = wait_event_interruptible(t, this.wq, () => this.readable);
    return sys_then(t, w, (err) => (err < 0 ? err : this.take(t, buf, count)));
  }

  poll(pt: PollTable | null): number {
    poll_wait(pt, this.wq);
    if (!this.readable) this.pump();
    return this.readable ? POLLIN | POLLRDNORM : 0;
  }
}

/** One host output channel: at most one chunk in flight. */
export class HvcOut {
  readonly wq = new WaitQueueHead();
  /** The chunk buffer: the host keeps it only while a write is in flight, so it is reused. */
  readonly buf = new Uint8Array(HVC_CHUNK);
  busy = false;
  /** What the host answered for the last chunk that went asynchronously. */
  result = 0;
  constructor(readonly host: (bytes: Uint8Array) => ConsoleWrite) {}
}

/** The per-kernel state: the input, the three host fds' output channels, the termios. */
export class HvcPorts {
  readonly input: ConsoleInput;
  /** Indexed by host fd; fd 0's output goes where the host's stdout goes (a terminal is one file). */
  readonly out: readonly HvcOut[];
  readonly termios = std_termios();
  constructor(k: Kernel) {
    this.input = new ConsoleInput(k);
    const stdout = new HvcOut((b) => k.console.write(b));
    this.out = [stdout, stdout, new HvcOut((b) => (k.console.write_err ?? k.console.write)(b))];
  }
}

const HVC_PORTS_STATE = new StateKey<Kernel, HvcPorts>('hvc', (k) => new HvcPorts(k));
export function hvc_ports(k: Kernel): HvcPorts { return state_of(k, HVC_PORTS_STATE); }

/** A host answer as write(2)'s: bytes taken, or -errno with SIGPIPE for EPIPE (pipe_write). */
function host_result(t: Task, r: number, n: number): number {
  if (r >= 0) return n;
  if (r === -EPIPE) send_signal(t, SIGPIPE);
  return r;
}

/**
 * Hands out.buf[0..n) to the host. Sleeps while the host has not taken it; a signal ends the
 * sleep but not the write (the host holds the bytes), so the bytes count as written.
 */
function hvc_put_chunk(t: Task, out: HvcOut, n: number): SysRet {
  const r = out.host(out.buf.subarray(0, n));
  if (typeof r !== 'object') return host_result(t, r ?? 0, n);
  out.busy = true;
  r.then((v) => { out.result = v; out.busy = false; out.wq.wake_up(); });
  const w = wait_event_interruptible(t, out.wq, () => !out.busy);
  return sys_then(t, w, (err) => (err < 0 ? n : host_result(t, out.result, n)));
}

/** Waits for the channel to be free (the previous chunk taken by the host). */
function hvc_wait_free(t: Task, f: File, out: HvcOut): number | Promise<number> {
  if (!out.busy) return 0;
  if (f.f_flags & O_NONBLOCK) return -EAGAIN;
  return wait_event_interruptible(t, out.wq, () => !out.busy);
}

/** write(2) to a host channel: chunk by chunk from user memory, each one waited for. */
export function hvc_write(t: Task, f: File, out: HvcOut, ubuf: UserPtr, count: number, done = 0): SysRet {
  while (done < count) {
    const free = hvc_wait_free(t, f, out);
    if (free !== 0) {
      if (typeof free === 'number') return done || free;
      return sys_then(t, free, (err) => (err < 0 ? done || err : hvc_write(t, f, out, ubuf, count, done)));
    }
    const n = Math.min(count - done, HVC_CHUNK);
    const left = copy_from_user(t, out.buf, 0, user_ptr_add(ubuf, done), n);
    if (left === n) return done || -EFAULT;
    const w = hvc_put_chunk(t, out, n - left);
    if (typeof w !== 'number') return sys_then(t, w, (v) => next_chunk(t, f, out, ubuf, count, done, v, left));
    if (w < 0 || left) return w < 0 ? done || w : done + w;
    done += w;
  }
  return done;
}

/** After an asynchronous chunk: stop at an error, a fault or a pending signal, else go on. */
function next_chunk(t: Task, f: File, out: HvcOut, ubuf: UserPtr, count: number, done: number, w: number, left: number): SysRet {
  if (w < 0) return done || w;
  if (left || signal_pending(t)) return done + w;
  return hvc_write(t, f, out, ubuf, count, done + w);
}

/** Kernel-buffer writes (sendfile to the console): the same channel, copied chunk by chunk. */
export function hvc_splice_write(t: Task, f: File, out: HvcOut, src: Uint8Array, off: number, count: number): SysRet {
  const free = hvc_wait_free(t, f, out);
  if (free !== 0) return sys_then(t, free, (err) => (err < 0 ? err : hvc_splice_write(t, f, out, src, off, count)));
  const n = Math.min(count, HVC_CHUNK);
  out.buf.set(src.subarray(off, off + n));
  return hvc_put_chunk(t, out, n);
}

function put_winsize(t: Task, arg: UserPtr): number {
  const ws = t.kernel.console.winsize?.() ?? { rows: 0, cols: 0 };
  const b = new Uint8Array(8), dv = new DataView(b.buffer);
  dv.setUint16(0, ws.rows, true); dv.setUint16(2, ws.cols, true);
  return copy_to_user(t, arg, b, 0, 8) ? -EFAULT : 0;
}

/** TCSETS*: keeps the termios; ICANON or ECHO off puts the host terminal in raw mode. */
function set_termios(t: Task, p: HvcPorts, arg: UserPtr): number {
  const b = new Uint8Array(TERMIOS_SIZE);
  if (copy_from_user(t, b, 0, arg, TERMIOS_SIZE)) return -EFAULT;
  p.termios.set(b);
  const lflag = new DataView(b.buffer).getUint32(12, true);
  t.kernel.console.set_raw?.((lflag & (ICANON | ECHO)) !== (ICANON | ECHO));
  return 0;
}

/** The tty ioctls of a console whose host fd is a terminal (tty_ioctl, reduced). */
export function hvc_ioctl(t: Task, host_fd: number, cmd: number, arg: number): SysRet {
  const k = t.kernel, p = hvc_ports(k);
  if (!k.console.isatty?.(host_fd)) return -ENOTTY;
  switch (cmd) {
    case TCGETS: return copy_to_user(t, as_user_ptr(arg), p.termios, 0, TERMIOS_SIZE) ? -EFAULT : 0;
    case TCSETS: case TCSETSW: case TCSETSF: return set_termios(t, p, as_user_ptr(arg));
    case TIOCGWINSZ: return put_winsize(t, as_user_ptr(arg));
    case TIOCSWINSZ: return -EINVAL; // the size is the host terminal's
    case FIONREAD: {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, p.input.available, true);
      return copy_to_user(t, as_user_ptr(arg), b, 0, 4) ? -EFAULT : 0;
    }
  }
  return -ENOTTY;
}

/** The file operations of /dev/hvcN: input from host fd 0, output to host fd N. */
function hvc_fops(k: Kernel, host_fd: number): FileOperations {
  const p = hvc_ports(k), out = p.out[host_fd];
  return {
    read: (f, t, buf: UserPtr, count) => p.input.read(f, t, buf, count),
    write: (f, t, buf: UserPtr, count) => hvc_write(t, f, out, buf, count),
    splice_write: (f, t, buf, off, count) => hvc_splice_write(t, f, out, buf, off, count),
    poll(_f, _t, pt) {
      poll_wait(pt, out.wq);
      return p.input.poll(pt) | (out.busy ? 0 : POLLOUT | POLLWRNORM);
    },
    unlocked_ioctl: (_f, t, cmd, arg) => hvc_ioctl(t, host_fd, cmd, arg),
  };
}

/** hvc_init: /dev/hvc0..2 (major 229). */
export function hvc_init(k: Kernel): void {
  for (let n = 0; n < 3; n++) cdev_add(k, MKDEV(HVC_MAJOR, n), hvc_fops(k, n));
}

/**
 * A signal from the host's terminal side (SIGINT for ^C, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH)
 * for the console's foreground process group. Until process groups exist that group is every
 * process: the program privos started and its descendants, which share its group.
 */
export function console_signal(k: Kernel, sig: number): void {
  for (const t of k.tasks.values()) if (t.alive && t.pid === t.tgid) send_signal(t, sig);
}
