/**
 * The memory devices (drivers/char/mem.c, drivers/char/random.c): /dev/null, /dev/zero,
 * /dev/full, /dev/random, /dev/urandom, and /dev/kmsg (kmsg.ts).
 */
import { randomFillSync } from 'node:crypto';
import { EFAULT, ENOSPC } from '../../include/uapi/errno.ts';
import type { Kernel } from '../../kernel.ts';
import { clear_user, copy_to_user } from '../../mm/uaccess.ts';
import type { FileOperations } from '../fs_types.ts';
import { cdev_add, MKDEV } from './char_dev.ts';
import { kmsg_init } from './kmsg.ts';
import { user_ptr_add } from '../../include/linux/compiler_types.ts';

const null_fops: FileOperations = {
  read: () => 0,
  write: (_f, _t, _buf, count) => count,
  llseek: (f) => (f.f_pos = 0),
  splice_read: () => 0,
  splice_write: (_f, _t, _b, _off, count) => count,
};

/** sendfile from /dev/zero: zero-filled kernel bytes. */
const splice_zero: FileOperations['splice_read'] = (_f, buf, off, count) => { buf.fill(0, off, off + count); return count; };

/** read_zero(): clear_user over the buffer, as drivers/char/mem.c does. */
const read_zero: FileOperations['read'] = (_f, t, buf, count) => {
  const done = count - clear_user(t, buf, count);
  return done || (count ? -EFAULT : 0);
};

const zero_fops: FileOperations = {
  read: read_zero, write: (_f, _t, _b, count) => count, llseek: (f) => (f.f_pos = 0),
  splice_read: splice_zero, splice_write: (_f, _t, _b, _off, count) => count,
};
const full_fops: FileOperations = { read: read_zero, write: () => -ENOSPC, llseek: (f) => (f.f_pos = 0), splice_read: splice_zero };

const rnd = new Uint8Array(4096);
const random_fops: FileOperations = {
  read(_f, t, buf, count) {
    let done = 0;
    while (done < count) {
      const n = Math.min(count - done, rnd.length);
      randomFillSync(rnd, 0, n);
      const left = copy_to_user(t, user_ptr_add(buf, done), rnd, 0, n);
      done += n - left;
      if (left) return done || -EFAULT;
    }
    return done;
  },
  write: (_f, _t, _b, count) => count,
};

export function mem_devices_init(k: Kernel): void {
  cdev_add(k, MKDEV(1, 3), null_fops);
  cdev_add(k, MKDEV(1, 5), zero_fops);
  cdev_add(k, MKDEV(1, 7), full_fops);
  cdev_add(k, MKDEV(1, 8), random_fops);
  cdev_add(k, MKDEV(1, 9), random_fops);
  kmsg_init(k);
}
