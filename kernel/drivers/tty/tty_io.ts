/**
 * The tty core (drivers/tty/tty_io.c, tty_ioctl.c): file operations of a terminal device —
 * read and write through the N_TTY line discipline with job control, poll, the termios and
 * window-size ioctls — and privos's virtual terminal /dev/tty1, whose "hardware" is the host
 * terminal (k.console): what the host types arrives as raw bytes and the line discipline
 * does the rest, as a real terminal emulator's pty does.
 */
import { EAGAIN, EFAULT, EINVAL, ENOTTY } from '../../include/uapi/errno.ts';
import { O_NOCTTY, O_NONBLOCK } from '../../include/uapi/fcntl.ts';
import { SIGTTIN, SIGTTOU, SIGWINCH } from '../../include/uapi/signal.ts';
import {
  FIONREAD, TCFLSH, TCGETS, TCIFLUSH, TCIOFLUSH, TCOFLUSH, TCSBRK, TCSETS, TCSETSF, TCSETSW, TCXONC, TERMIOS_SIZE,
  TIOCGWINSZ, TIOCOUTQ, TIOCSWINSZ, TOSTOP,
} from '../../include/uapi/termbits.ts';
import type { Kernel } from '../../kernel.ts';
import { copy_from_user, copy_to_user, put_user_u32 } from '../../mm/uaccess.ts';
import { kill_pgrp } from '../../sched/signal.ts';
import type { Task } from '../../sched/task.ts';
import { sleep_on, wait_event_interruptible, sys_then } from '../../sched/wait.ts';
import type { File, FileOperations, SysRet } from '../../fs/fs_types.ts';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLHUP, poll_wait } from '../../fs/poll_types.ts';
import { cdev_add, MKDEV } from '../../fs/devfs/char_dev.ts';
import {
  n_tty_flush_input, n_tty_read_ready, n_tty_read_timeout, n_tty_readable, n_tty_receive_buf, n_tty_set_termios,
  n_tty_take, tty_output,
} from './n_tty.ts';
import { disassociate_ctty, tty_check_change, tty_jobctrl_ioctl, tty_open_proc_set_tty } from './tty_jobctrl.ts';
import { TtyStruct } from './tty.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import { as_user_ptr, user_ptr_add, type UserPtr } from '../../include/linux/compiler_types.ts';

const tty_of = (f: File): TtyStruct => f.private_data as TtyStruct;

/** /dev/tty1's device number (major 4: the virtual consoles). */
export const TTY1 = MKDEV(4, 1);

/** n_tty_read(): job control, then wait for a line (canonical) or VMIN bytes, VTIME bounding the wait. */
function tty_read(f: File, t: Task, ubuf: UserPtr, count: number): SysRet {
  const tty = tty_of(f);
  const chk = tty_check_change(t, tty, SIGTTIN);
  if (chk) return chk;
  const take = (): number => {
    const b = n_tty_take(tty, count);
    return copy_to_user(t, ubuf, b, 0, b.length) ? -EFAULT : b.length;
  };
  if (count === 0 || n_tty_read_ready(tty, count)) return take();
  if (f.f_flags & O_NONBLOCK) return -EAGAIN;
  const timeout = n_tty_read_timeout(tty);
  if (timeout >= 0) return sys_then(t, sleep_on(t, [tty.read_wait], timeout), take);
  const w = wait_event_interruptible(t, tty.read_wait, () => n_tty_read_ready(tty, count));
  return sys_then(t, w, (err) => (err < 0 ? err : take()));
}

const wbuf = new Uint8Array(4096);

/** n_tty_write(): TOSTOP job control, then output processing to the driver. */
function tty_write(f: File, t: Task, ubuf: UserPtr, count: number): SysRet {
  const tty = tty_of(f);
  if (tty.termios.lflag & TOSTOP) {
    const chk = tty_check_change(t, tty, SIGTTOU);
    if (chk) return chk;
  }
  let done = 0;
  while (done < count) {
    const n = Math.min(count - done, wbuf.length);
    const left = copy_from_user(t, wbuf, 0, user_ptr_add(ubuf, done), n);
    tty_output(tty, wbuf.subarray(0, n - left));
    done += n - left;
    if (left) return done || -EFAULT;
  }
  return done;
}

function tty_poll(f: File, _t: Task, pt: import('../../fs/poll_types.ts').PollTable | null): number {
  const tty = tty_of(f);
  poll_wait(pt, tty.read_wait);
  const rd = n_tty_readable(tty) > 0 || tty.hung_up ? POLLIN | POLLRDNORM : 0;
  return rd | POLLOUT | POLLWRNORM | (tty.hung_up ? POLLHUP : 0);
}

const tbuf = new Uint8Array(TERMIOS_SIZE);

/** TCSETS/TCSETSW/TCSETSF (set_termios): background groups get SIGTTOU; TCSETSF flushes input. */
function set_termios(t: Task, tty: TtyStruct, cmd: number, arg: UserPtr): number {
  const chk = tty_check_change(t, tty, SIGTTOU);
  if (chk) return chk;
  if (copy_from_user(t, tbuf, 0, arg, TERMIOS_SIZE)) return -EFAULT;
  if (cmd === TCSETSF) n_tty_flush_input(tty);
  const old = tty.termios.lflag;
  tty.termios.decode(tbuf);
  n_tty_set_termios(tty, old);
  return 0;
}

/** A new window size from the hardware side (the host terminal's resize): SIGWINCH to the foreground. */
export function tty_resize(k: Kernel, tty: TtyStruct, rows: number, cols: number): void {
  if (rows === tty.rows && cols === tty.cols) return;
  tty.rows = rows; tty.cols = cols;
  kill_pgrp(k, tty.pgrp, SIGWINCH);
}

function winsize_ioctl(t: Task, tty: TtyStruct, cmd: number, arg: UserPtr): number {
  const b = new Uint8Array(8), dv = new DataView(b.buffer);
  if (cmd === TIOCGWINSZ) {
    dv.setUint16(0, tty.rows, true); dv.setUint16(2, tty.cols, true);
    return copy_to_user(t, arg, b, 0, 8) ? -EFAULT : 0;
  }
  if (copy_from_user(t, b, 0, arg, 8)) return -EFAULT;
  const rows = dv.getUint16(0, true), cols = dv.getUint16(2, true);
  tty_resize(t.kernel, tty, rows, cols);
  return 0;
}

/** TCFLSH: discard input and/or output (output is never held back here). */
function tcflush(t: Task, tty: TtyStruct, arg: number): number {
  const chk = tty_check_change(t, tty, SIGTTOU);
  if (chk) return chk;
  if (arg !== TCIFLUSH && arg !== TCOFLUSH && arg !== TCIOFLUSH) return -EINVAL;
  if (arg !== TCOFLUSH) n_tty_flush_input(tty);
  return 0;
}

function tty_ioctl(f: File, t: Task, cmd: number, arg: number): SysRet {
  const tty = tty_of(f);
  const jc = tty_jobctrl_ioctl(t, tty, cmd, arg);
  if (jc !== undefined) return jc;
  switch (cmd) {
    case TCGETS:
      tty.termios.encode(tbuf);
      return copy_to_user(t, as_user_ptr(arg), tbuf, 0, TERMIOS_SIZE) ? -EFAULT : 0;
    case TCSETS: case TCSETSW: case TCSETSF: return set_termios(t, tty, cmd, as_user_ptr(arg));
    case TIOCGWINSZ: case TIOCSWINSZ: return winsize_ioctl(t, tty, cmd, as_user_ptr(arg));
    case FIONREAD: return put_user_u32(t, as_user_ptr(arg), n_tty_readable(tty));
    case TIOCOUTQ: return put_user_u32(t, as_user_ptr(arg), 0);
    case TCFLSH: return tcflush(t, tty, arg);
    case TCSBRK: case TCXONC: return 0; // output is never queued: tcdrain and tcflow have nothing to wait for
  }
  return -ENOTTY;
}

/** The file operations of a terminal device; open binds the file to the device's TtyStruct. */
export function tty_fops(get: (k: Kernel) => TtyStruct): FileOperations {
  return {
    open(_inode, f, t) {
      const tty = get(t.kernel);
      f.private_data = tty;
      tty_open_proc_set_tty(t, tty, (f.f_flags & O_NOCTTY) !== 0);
      return 0;
    },
    read: tty_read,
    write: tty_write,
    poll: tty_poll,
    unlocked_ioctl: tty_ioctl,
    splice_write(f, _t, buf, off, count) { tty_output(tty_of(f), buf.subarray(off, off + count)); return count; },
  };
}

/**
 * /dev/tty1: a terminal whose device side is the host console. Host input is pumped into the
 * line discipline as it arrives (so ^C reaches the foreground group even when nobody reads);
 * the end of host input hangs the terminal up: reads then return 0.
 */
export function vt_get(k: Kernel): TtyStruct { return state_of(k, VT_STATE); }

const VT_STATE = new StateKey<Kernel, TtyStruct>('tty1', vt_init);

function vt_init(k: Kernel): TtyStruct {
  const made = new TtyStruct('tty1', { write: (b) => k.console.write(b) }, TTY1);
  const size = k.console.winsize?.();
  if (size) { made.rows = size.rows; made.cols = size.cols; }
  const pump = (): void => {
    k.console.read().then((chunk) => {
      if (chunk === null) { made.hung_up = true; made.read_wait.wake_up(); return; }
      n_tty_receive_buf(k, made, chunk);
      pump();
    }, () => { made.hung_up = true; made.read_wait.wake_up(); });
  };
  pump();
  return made;
}

/** A session leader that exits lets its controlling terminal go (disassociate_ctty(1)). */
function tty_exit_hook(t: Task): void {
  if (t.pid === t.tgid && t.session === t.pid && t.tty) disassociate_ctty(t, true);
}

/** Registers the virtual terminal's device and the controlling-terminal exit hook. */
export function tty_vt_init(k: Kernel): void {
  cdev_add(k, TTY1, tty_fops(vt_get));
  k.exit_hooks.push(tty_exit_hook);
}
