/**
 * The console (drivers/tty/tty_io.c, reduced): /dev/console and /dev/tty write to the host
 * terminal and read from it. Input is buffered in the kernel; readers sleep until it comes.
 */
import { EFAULT, ENOTTY, EAGAIN, EINVAL } from '../../include/uapi/errno.ts';
import { O_NONBLOCK } from '../../include/uapi/fcntl.ts';
import type { Kernel } from '../../kernel.ts';
import { copy_from_user, copy_to_user } from '../../mm/uaccess.ts';
import { WaitQueueHead, wait_event_interruptible } from '../../sched/wait.ts';
import type { FileOperations } from '../fs_types.ts';
import { switch_to } from '../../sched/core.ts';
import { MODE_KERNEL } from '../../arch/cpu.ts';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, poll_wait } from '../poll_types.ts';
import { cdev_add, MKDEV } from './char_dev.ts';

export const TCGETS = 0x5401, TCSETS = 0x5402, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b;

class Console {
  readonly wq = new WaitQueueHead();
  chunks: Uint8Array[] = [];
  eof = false;
  private pumping = false;
  constructor(private readonly k: Kernel) {}

  get available(): number { return this.chunks.reduce((s, c) => s + c.length, 0); }

  /** Asks the host for input when a reader needs it. */
  pump(): void {
    if (this.pumping || this.eof) return;
    this.pumping = true;
    this.k.console.read().then((chunk) => {
      this.pumping = false;
      if (chunk === null) this.eof = true; else this.chunks.push(chunk);
      this.wq.wake_up();
    }, () => { this.pumping = false; this.eof = true; this.wq.wake_up(); });
  }
}

const out = new Uint8Array(65536);

export function tty_init(k: Kernel): void {
  const con = new Console(k);
  const fops: FileOperations = {
    write(_f, t, buf, count) {
      let done = 0;
      while (done < count) {
        const n = Math.min(count - done, out.length);
        const left = copy_from_user(t, out, 0, buf + done, n);
        if (n - left > 0) t.kernel.console.write(out.slice(0, n - left));
        done += n - left;
        if (left) return done || -EFAULT;
      }
      return done;
    },
    splice_write(_f, t, buf, off, count) {
      t.kernel.console.write(buf.slice(off, off + count));
      return count;
    },
    read(f, t, buf, count) {
      const take = (): number => {
        let done = 0;
        while (done < count && con.chunks.length) {
          const c = con.chunks[0];
          const n = Math.min(c.length, count - done);
          if (copy_to_user(t, buf + done, c, 0, n)) return done || -EFAULT;
          done += n;
          if (n === c.length) con.chunks.shift(); else con.chunks[0] = c.subarray(n);
        }
        return done;
      };
      if (con.chunks.length || con.eof || count === 0) return take();
      if (f.f_flags & O_NONBLOCK) { con.pump(); return -EAGAIN; }
      con.pump();
      return wait_event_interruptible(t, con.wq, () => con.chunks.length > 0 || con.eof)
        .then((err) => { switch_to(t, MODE_KERNEL); return err < 0 ? err : take(); });
    },
    poll(_f, _t, pt) {
      poll_wait(pt, con.wq);
      if (!con.chunks.length && !con.eof) con.pump();
      return POLLOUT | POLLWRNORM | (con.chunks.length || con.eof ? POLLIN | POLLRDNORM : 0);
    },
    unlocked_ioctl(_f, t, cmd, arg) {
      if (cmd === TCGETS) {
        // struct termios: c_iflag ICRNL|IXON, c_oflag OPOST|ONLCR, c_cflag B38400|CS8|CREAD, c_lflag ISIG|ICANON|ECHO…
        const b = new Uint8Array(36), dv = new DataView(b.buffer);
        dv.setUint32(0, 0o2400, true); dv.setUint32(4, 0o5, true); dv.setUint32(8, 0o277, true); dv.setUint32(12, 0o105073, true);
        return copy_to_user(t, arg, b, 0, 36) ? -EFAULT : 0;
      }
      if (cmd === TCSETS || cmd === TCSETS + 1 || cmd === TCSETS + 2) return 0;
      if (cmd === TIOCGWINSZ) {
        const b = new Uint8Array(8), dv = new DataView(b.buffer);
        dv.setUint16(0, process.stdout.rows || 24, true); dv.setUint16(2, process.stdout.columns || 80, true);
        return copy_to_user(t, arg, b, 0, 8) ? -EFAULT : 0;
      }
      if (cmd === FIONREAD) {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, con.available, true);
        return copy_to_user(t, arg, b, 0, 4) ? -EFAULT : 0;
      }
      return cmd === TIOCSWINSZ ? -EINVAL : -ENOTTY;
    },
  };
  cdev_add(k, MKDEV(5, 0), fops);
  cdev_add(k, MKDEV(5, 1), fops);
}
