/**
 * eventfd (fs/eventfd.c): a 64-bit counter. write adds (blocking before overflow past
 * 0xfffffffffffffffe), read returns and clears it (or returns 1 and decrements with
 * EFD_SEMAPHORE), blocking at zero. The counter is kept as two 32-bit halves: no BigInt.
 */
import { EAGAIN, EFAULT, EINVAL } from '../include/uapi/errno.ts';
import { EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE } from '../include/uapi/eventpoll.ts';
import { O_NONBLOCK, O_RDWR } from '../include/uapi/fcntl.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import { WaitQueueHead, wait_event_interruptible, sys_then } from '../sched/wait.ts';
import { anon_inode_getfile } from './anon_inodes.ts';
import { install_fd } from './file_table.ts';
import type { File, FileOperations, SysRet } from './fs_types.ts';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, poll_wait } from './poll_types.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

const U32 = 0x100000000;

class EventfdCtx {
  hi = 0; lo = 0;
  readonly wqh = new WaitQueueHead();
  constructor(init: number, readonly semaphore: boolean) { this.lo = init >>> 0; }
  get zero(): boolean { return this.hi === 0 && this.lo === 0; }
  /** Can n (hi:lo) be added without reaching ULLONG_MAX? */
  fits(nhi: number, nlo: number): boolean {
    const lo = this.lo + nlo, hi = this.hi + nhi + (lo >= U32 ? 1 : 0);
    const l = lo % U32;
    return hi < 0xffffffff || (hi === 0xffffffff && l < 0xffffffff);
  }
}

const buf = new Uint8Array(8);
const dv = new DataView(buf.buffer);

function eventfd_take(ctx: EventfdCtx, t: Task, ubuf: UserPtr): number {
  if (ctx.semaphore) { dv.setUint32(0, 1, true); dv.setUint32(4, 0, true); }
  else { dv.setUint32(0, ctx.lo, true); dv.setUint32(4, ctx.hi, true); }
  if (copy_to_user(t, ubuf, buf, 0, 8)) return -EFAULT;
  if (ctx.semaphore) {
    if (ctx.lo === 0) { ctx.hi--; ctx.lo = 0xffffffff; } else ctx.lo--;
  } else { ctx.hi = 0; ctx.lo = 0; }
  ctx.wqh.wake_up();
  return 8;
}

function eventfd_add(ctx: EventfdCtx, hi: number, lo: number): number {
  const s = ctx.lo + lo;
  ctx.lo = s % U32;
  ctx.hi += hi + (s >= U32 ? 1 : 0);
  ctx.wqh.wake_up();
  return 8;
}

const eventfd_fops: FileOperations = {
  read(f: File, t: Task, ubuf: UserPtr, count: number): SysRet {
    const ctx = f.private_data as EventfdCtx;
    if (count < 8) return -EINVAL;
    if (!ctx.zero) return eventfd_take(ctx, t, ubuf);
    if (f.f_flags & O_NONBLOCK) return -EAGAIN;
    const w = wait_event_interruptible(t, ctx.wqh, () => !ctx.zero);
    return sys_then(t, w, (e) => (e ? e : eventfd_take(ctx, t, ubuf)));
  },
  write(f: File, t: Task, ubuf: UserPtr, count: number): SysRet {
    const ctx = f.private_data as EventfdCtx;
    if (count < 8) return -EINVAL;
    if (copy_from_user(t, buf, 0, ubuf, 8)) return -EFAULT;
    const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
    if (lo === 0xffffffff && hi === 0xffffffff) return -EINVAL;
    if (ctx.fits(hi, lo)) return eventfd_add(ctx, hi, lo);
    if (f.f_flags & O_NONBLOCK) return -EAGAIN;
    const w = wait_event_interruptible(t, ctx.wqh, () => ctx.fits(hi, lo));
    return sys_then(t, w, (e) => (e ? e : eventfd_add(ctx, hi, lo)));
  },
  show_fdinfo(f) {
    const ctx = f.private_data as EventfdCtx;
    const count = ctx.hi ? ctx.hi.toString(16) + ctx.lo.toString(16).padStart(8, '0') : ctx.lo.toString(16);
    return `eventfd-count: ${count.padStart(16)}\neventfd-id: ${f.f_inode.i_ino}\neventfd-semaphore: ${ctx.semaphore ? 1 : 0}\n`;
  },
  poll(f, _t, pt) {
    const ctx = f.private_data as EventfdCtx;
    poll_wait(pt, ctx.wqh);
    return (ctx.zero ? 0 : POLLIN | POLLRDNORM) | (ctx.fits(0, 1) ? POLLOUT | POLLWRNORM : 0);
  },
};

export function sys_eventfd2(t: Task, count: number, flags: number): number {
  if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)) return -EINVAL;
  const f = anon_inode_getfile('[eventfd]', eventfd_fops, new EventfdCtx(count, (flags & EFD_SEMAPHORE) !== 0), O_RDWR | (flags & EFD_NONBLOCK));
  return install_fd(t, f, (flags & EFD_CLOEXEC) !== 0);
}

export const sys_eventfd = (t: Task, count: number): number => sys_eventfd2(t, count, 0);
