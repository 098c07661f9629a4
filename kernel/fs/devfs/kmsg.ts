/**
 * /dev/kmsg (kernel/printk/printk.c devkmsg_*): each read(2) returns one record as
 * "PRIO,SEQ,TIMESTAMP_US,-;TEXT\n" from the reader's own position (the oldest record still in
 * the ring at open), blocking for the next record at the end (EAGAIN with O_NONBLOCK); EPIPE
 * once when records were overwritten before the reader got them; EINVAL when the buffer is too
 * small for the record. A write(2) is one record, "<N>" prefix for the priority, default
 * LOG_USER|LOG_WARNING.
 */
import { EAGAIN, EFAULT, EINVAL, EPIPE } from '../../include/uapi/errno.ts';
import { O_NONBLOCK } from '../../include/uapi/fcntl.ts';
import type { Kernel } from '../../kernel.ts';
import { copy_from_user, copy_to_user } from '../../mm/uaccess.ts';
import { KERN_WARNING, type LogRecord } from '../../printk.ts';
import type { Task } from '../../sched/task.ts';
import { WaitQueueHead, wait_event_interruptible, sys_then } from '../../sched/wait.ts';
import type { File, FileOperations, SysRet } from '../fs_types.ts';
import { POLLIN, POLLRDNORM, poll_wait } from '../poll_types.ts';
import { cdev_add, MKDEV } from './char_dev.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import type { UserPtr } from '../../include/linux/compiler_types.ts';

/** LOG_USER: the facility of records written from user space. */
const LOG_USER = 1;
const enc = new TextEncoder(), dec = new TextDecoder();

/** The record's line as devkmsg_read shows it (non-printable bytes escaped as \xNN). */
export function kmsg_line(r: LogRecord): string {
  const text = r.text.replace(/[\x00-\x1f\x7f\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `${((r.facility ?? 0) << 3) | r.level},${r.seq},${Math.floor(r.ts_ns / 1000)},-;${text}\n`;
}

/** The per-open reader state (struct devkmsg_user). */
class KmsgUser { constructor(public seq: number) {} }

const KMSG_WQ = new StateKey<Kernel, WaitQueueHead>('kmsg_wq', (k) => {
  const q = new WaitQueueHead();
  k.log.watchers.add(() => q.wake_up());
  return q;
});
const kmsg_wq = (k: Kernel): WaitQueueHead => state_of(k, KMSG_WQ);

function first_seq(k: Kernel): number {
  const all = k.log.all();
  return all.length ? all[0].seq : k.log.next_seq;
}

function kmsg_read(f: File, t: Task, buf: UserPtr, count: number): SysRet {
  const k = t.kernel, u = f.private_data as KmsgUser;
  if (u.seq < first_seq(k)) { u.seq = first_seq(k); return -EPIPE; }
  const all = k.log.all();
  const r = all[u.seq - first_seq(k)];
  if (!r) {
    if (f.f_flags & O_NONBLOCK) return -EAGAIN;
    const w = wait_event_interruptible(t, kmsg_wq(k), () => k.log.next_seq > u.seq);
    return sys_then(t, w, (err) => (err < 0 ? err : kmsg_read(f, t, buf, count)));
  }
  const line = enc.encode(kmsg_line(r));
  if (line.length > count) return -EINVAL;
  if (copy_to_user(t, buf, line, 0, line.length)) return -EFAULT;
  u.seq++;
  return line.length;
}

function kmsg_write(t: Task, buf: UserPtr, count: number): number {
  const b = new Uint8Array(Math.min(Math.max(count, 0), 8192));
  if (copy_from_user(t, b, 0, buf, b.length)) return -EFAULT;
  let text = dec.decode(b).replace(/\n$/, '');
  let facility = LOG_USER, level = KERN_WARNING;
  const m = /^<(\d+)>/.exec(text);
  if (m) { const p = Number(m[1]); facility = p >> 3 || LOG_USER; level = p & 7; text = text.slice(m[0].length); }
  t.kernel.log.printk(level, text, facility);
  return count;
}

const kmsg_fops: FileOperations = {
  open(_inode, f, t) { f.private_data = new KmsgUser(first_seq(t.kernel)); return 0; },
  read: kmsg_read,
  write: (_f, t, buf: UserPtr, count) => kmsg_write(t, buf, count),
  poll(f, t, pt) {
    poll_wait(pt, kmsg_wq(t.kernel));
    return t.kernel.log.next_seq > (f.private_data as KmsgUser).seq ? POLLIN | POLLRDNORM : 0;
  },
};

export function kmsg_init(k: Kernel): void {
  cdev_add(k, MKDEV(1, 11), kmsg_fops);
}
