/**
 * /dev/tty and /dev/console (drivers/tty/tty_io.c, reduced): the terminal of the host behind
 * privos, through the same host channels as /dev/hvc0 and /dev/hvc1 (hvc_console.ts): reads
 * come from host fd 0, writes go to host fd 1 with its back-pressure. /dev/console is always a
 * terminal to its users (TCGETS answers); the window size is the host terminal's.
 */
import { EFAULT, EINVAL, ENOTTY } from '../../include/uapi/errno.ts';
import type { Kernel } from '../../kernel.ts';
import { copy_to_user } from '../../mm/uaccess.ts';
import type { FileOperations } from '../fs_types.ts';
import { POLLOUT, POLLWRNORM, poll_wait } from '../poll_types.ts';
import { cdev_add, MKDEV } from './char_dev.ts';
import { TCGETS, TCSETS, TCSETSF, TCSETSW, TERMIOS_SIZE, TIOCGWINSZ, TIOCSWINSZ, hvc_ioctl, hvc_ports, hvc_splice_write, hvc_write } from './hvc_console.ts';
import { as_user_ptr, type UserPtr } from '../../include/linux/compiler_types.ts';

export function tty_init(k: Kernel): void {
  const p = hvc_ports(k), out = p.out[1];
  const fops: FileOperations = {
    read: (f, t, buf: UserPtr, count) => p.input.read(f, t, buf, count),
    write: (f, t, buf: UserPtr, count) => hvc_write(t, f, out, buf, count),
    splice_write: (f, t, buf, off, count) => hvc_splice_write(t, f, out, buf, off, count),
    poll(_f, _t, pt) {
      poll_wait(pt, out.wq);
      return p.input.poll(pt) | (out.busy ? 0 : POLLOUT | POLLWRNORM);
    },
    unlocked_ioctl(_f, t, cmd, arg) {
      if (t.kernel.console.isatty?.(0)) return hvc_ioctl(t, 0, cmd, arg);
      if (cmd === TCGETS) return copy_to_user(t, as_user_ptr(arg), p.termios, 0, TERMIOS_SIZE) ? -EFAULT : 0;
      if (cmd === TCSETS || cmd === TCSETSW || cmd === TCSETSF) return 0;
      if (cmd === TIOCGWINSZ) return copy_to_user(t, as_user_ptr(arg), new Uint8Array(8), 0, 8) ? -EFAULT : 0;
      return cmd === TIOCSWINSZ ? -EINVAL : -ENOTTY;
    },
  };
  cdev_add(k, MKDEV(5, 0), fops);
  cdev_add(k, MKDEV(5, 1), fops);
}
