/**
 * epoll (fs/eventpoll.c): an interest list of (file, fd) items, each hooked on the file's wait
 * queues through f_op.poll; a wake-up puts the item on the ready list (ep_poll_callback).
 * epoll_wait re-polls ready items (ep_send_events): level-triggered items go back on the list,
 * edge-triggered ones wait for the next wake-up, EPOLLONESHOT ones are disarmed. Works on any
 * file with f_op.poll, epoll files included.
 */
import { MODE_KERNEL } from '../arch/cpu.ts';
import { C } from '../time/cost.ts';
import { switch_to } from '../sched/core.ts';
import { EBADF, EEXIST, EFAULT, EINTR, EINVAL, ELOOP, ENOENT, EPERM } from '../include/uapi/errno.ts';
import {
  EPOLLERR, EPOLLET, EPOLLEXCLUSIVE, EPOLLHUP, EPOLLIN, EPOLLONESHOT, EPOLLOUT, EPOLLRDNORM, EPOLLWAKEUP,
  EPOLLWRNORM, EPOLLRDHUP, EPOLLPRI, EPOLLRDBAND, EPOLLWRBAND, EPOLLMSG, EPOLL_CLOEXEC, EPOLL_CTL_ADD,
  EPOLL_CTL_DEL, EPOLL_CTL_MOD,
} from '../include/uapi/eventpoll.ts';
import { copy_from_user, copy_to_user, access_ok } from '../mm/uaccess.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { WaitQueueHead, sleep_on, type WaitQueueEntry } from '../sched/wait.ts';
import { anon_inode_getfile } from './anon_inodes.ts';
import { install_fd } from './file_table.ts';
import type { File, FileOperations, SysRet } from './fs_types.ts';
import { POLLIN, POLLRDNORM, poll_wait, type PollTable } from './poll_types.ts';
import { with_sigmask } from './select.ts';
import { user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

/** EP_PRIVATE_BITS: what a ONESHOT-disarmed item keeps. */
const EP_PRIVATE_BITS = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
/** EPOLLEXCLUSIVE_OK_BITS */
const EXCLUSIVE_OK = EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
const ALL_EVENTS = EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP;
/** EP_MAX_EVENTS = INT_MAX / sizeof(struct epoll_event) */
const ep_max_events = (size: number): number => Math.floor(0x7fffffff / size);

/** struct epitem */
class EpItem implements WaitQueueEntry {
  ready = false;
  readonly wqs: WaitQueueHead[] = [];
  constructor(readonly ep: EventPoll, readonly file: File, readonly fd: number,
              public events: number, public data_lo: number, public data_hi: number) {}

  /** ep_poll_callback(): queue the item once and wake the epoll waiters. */
  func(): void {
    if (!(this.events & ~EP_PRIVATE_BITS)) return; // disarmed by EPOLLONESHOT
    if (!this.ready) { this.ready = true; this.ep.rdllist.push(this); }
    this.ep.wq.wake_up();
    this.ep.poll_wq.wake_up();
  }

  unhook(): void { for (const wq of this.wqs) wq.remove(this); this.wqs.length = 0; }
}

/** struct eventpoll */
export class EventPoll {
  /** Tasks in epoll_wait. */
  readonly wq = new WaitQueueHead();
  /** Waiters polling the epoll file itself (nested epoll, poll(2)). */
  readonly poll_wq = new WaitQueueHead();
  /** The interest list, keyed by file then fd (ep_find). */
  readonly items = new Map<File, Map<number, EpItem>>();
  rdllist: EpItem[] = [];
  private spare: EpItem[] = [];

  find(f: File, fd: number): EpItem | undefined { return this.items.get(f)?.get(fd); }

  /** Drops items whose file has been released (eventpoll_release, done lazily). */
  reap(epi: EpItem): void {
    epi.unhook();
    const m = this.items.get(epi.file);
    m?.delete(epi.fd);
    if (m && m.size === 0) this.items.delete(epi.file);
  }

  /** Swaps the ready list out for a scan; leftovers go back in front (ep_start_scan/ep_done_scan). */
  start_scan(): EpItem[] { const tx = this.rdllist; this.rdllist = this.spare; this.spare = tx; return tx; }
  done_scan(tx: EpItem[], from: number): void {
    if (from < tx.length) {
      const rest = tx.slice(from);
      for (const e of this.rdllist) rest.push(e);
      this.rdllist = rest;
    }
    tx.length = 0;
    this.spare = tx;
  }
}

const is_epoll = (f: File): boolean => f.f_op === eventpoll_fops;

/** Polls one item now: its ready events (pt registers the item on the file's queues). */
function ep_item_poll(epi: EpItem, t: Task, pt: PollTable | null): number {
  return epi.file.f_op.poll!(epi.file, t, pt) & epi.events;
}

/** ep_show_fdinfo(): one line per watched descriptor. */
function ep_show_fdinfo(f: File): string {
  const ep = f.private_data as EventPoll;
  let out = '';
  for (const m of ep.items.values()) {
    for (const epi of m.values()) {
      const data = epi.data_hi ? (epi.data_hi >>> 0).toString(16) + (epi.data_lo >>> 0).toString(16).padStart(8, '0') : (epi.data_lo >>> 0).toString(16);
      const ti = epi.file.f_inode;
      out += `tfd: ${String(epi.fd).padStart(8)} events: ${(epi.events >>> 0).toString(16).padStart(8)} data: ${data.padStart(16)}  pos:${epi.file.f_pos} ino:${ti.i_ino.toString(16)} sdev:${ti.i_sb.s_dev.toString(16)}\n`;
    }
  }
  return out;
}

const eventpoll_fops: FileOperations = {
  show_fdinfo: ep_show_fdinfo,
  poll(f, t, pt) {
    const ep = f.private_data as EventPoll;
    poll_wait(pt, ep.poll_wq);
    for (const epi of ep.rdllist) if (epi.file.f_count > 0 && ep_item_poll(epi, t, null)) return POLLIN | POLLRDNORM;
    return 0;
  },
  release(_inode, f) {
    const ep = f.private_data as EventPoll;
    for (const m of ep.items.values()) for (const epi of m.values()) epi.unhook();
    ep.items.clear();
    ep.rdllist.length = 0;
  },
};

export function do_epoll_create(t: Task, flags: number): number {
  if (flags & ~EPOLL_CLOEXEC) return -EINVAL;
  return install_fd(t, anon_inode_getfile('[eventpoll]', eventpoll_fops, new EventPoll(), 2), (flags & EPOLL_CLOEXEC) !== 0);
}

export const sys_epoll_create1 = (t: Task, flags: number): number => do_epoll_create(t, flags);
export const sys_epoll_create = (t: Task, size: number): number => (size <= 0 ? -EINVAL : do_epoll_create(t, 0));

/** struct epoll_event: packed (12 bytes) on x86_64, 16 bytes on arm64. */
const ev_size = (t: Task): number => (t.kernel.arch.name === 'x86_64' ? 12 : 16);
const ev_buf = new Uint8Array(16);
const ev_dv = new DataView(ev_buf.buffer);

/** Is there a path from epoll file `from` to epoll `to` through nested epolls (ep_loop_check)? */
function ep_reaches(from: EventPoll, to: EventPoll, depth = 0): boolean {
  if (from === to) return true;
  if (depth > 4) return true; // EP_MAX_NESTS
  for (const f of from.items.keys()) if (is_epoll(f) && ep_reaches(f.private_data as EventPoll, to, depth + 1)) return true;
  return false;
}

export function sys_epoll_ctl(t: Task, epfd: number, op: number, fd: number, uev: UserPtr): number {
  let events = 0, lo = 0, hi = 0;
  if (op !== EPOLL_CTL_DEL) {
    const sz = ev_size(t);
    if (copy_from_user(t, ev_buf, 0, uev, sz)) return -EFAULT;
    events = ev_dv.getUint32(0, true);
    const off = sz === 12 ? 4 : 8;
    lo = ev_dv.getUint32(off, true); hi = ev_dv.getUint32(off + 4, true);
  }
  const f = t.files.fcheck(epfd), tf = t.files.fcheck(fd);
  if (!f || !tf) return -EBADF;
  if (!tf.f_op.poll) return -EPERM;
  if (!is_epoll(f) || f === tf) return -EINVAL;
  const ep = f.private_data as EventPoll;
  if (events & EPOLLEXCLUSIVE) {
    if (op === EPOLL_CTL_MOD || (op === EPOLL_CTL_ADD && (is_epoll(tf) || events & ~EXCLUSIVE_OK))) return -EINVAL;
  }
  const epi = ep.find(tf, fd);
  switch (op) {
    case EPOLL_CTL_ADD: {
      if (epi) return -EEXIST;
      if (is_epoll(tf) && ep_reaches(tf.private_data as EventPoll, ep)) return -ELOOP;
      const n = new EpItem(ep, tf, fd, (events & (ALL_EVENTS | EP_PRIVATE_BITS)) | EPOLLERR | EPOLLHUP, lo, hi);
      let m = ep.items.get(tf);
      if (!m) { m = new Map(); ep.items.set(tf, m); }
      m.set(fd, n);
      const pt: PollTable = { wait(wq) { n.wqs.push(wq); wq.add(n); } };
      if (ep_item_poll(n, t, pt)) n.func();
      return 0;
    }
    case EPOLL_CTL_DEL:
      if (!epi) return -ENOENT;
      ep.reap(epi);
      if (epi.ready) { const i = ep.rdllist.indexOf(epi); if (i >= 0) ep.rdllist.splice(i, 1); }
      return 0;
    case EPOLL_CTL_MOD:
      if (!epi) return -ENOENT;
      if (epi.events & EPOLLEXCLUSIVE) return -EINVAL;
      epi.events = (events & (ALL_EVENTS | EP_PRIVATE_BITS)) | EPOLLERR | EPOLLHUP;
      epi.data_lo = lo; epi.data_hi = hi;
      if (ep_item_poll(epi, t, null)) epi.func();
      return 0;
  }
  return -EINVAL;
}

/** ep_send_events(): copies up to max ready events to user memory; returns the count or -EFAULT. */
function ep_send_events(t: Task, ep: EventPoll, uev: UserPtr, max: number): number {
  const tx = ep.start_scan(), sz = ev_size(t), off = sz === 12 ? 4 : 8, cpu = t.kernel.cpu;
  let n = 0, i = 0;
  cpu.charge(C.ep_poll);
  for (; i < tx.length && n < max; i++) {
    const epi = tx[i];
    cpu.charge(C.ep_item_poll);
    epi.ready = false;
    if (epi.file.f_count <= 0) { ep.reap(epi); continue; }
    const revents = ep_item_poll(epi, t, null);
    if (!revents) continue;
    ev_dv.setUint32(0, revents, true); ev_dv.setUint32(off, epi.data_lo, true); ev_dv.setUint32(off + 4, epi.data_hi, true);
    if (copy_to_user(t, user_ptr_add(uev, n * sz), ev_buf, 0, sz)) {
      epi.ready = true; ep.done_scan(tx, i);
      return n || -EFAULT;
    }
    n++;
    if (epi.events & EPOLLONESHOT) epi.events &= EP_PRIVATE_BITS;
    else if (!(epi.events & EPOLLET)) { epi.ready = true; ep.rdllist.push(epi); }
  }
  ep.done_scan(tx, i);
  return n;
}

/** do_epoll_wait(): timeout in ms (-1: forever). EINTR, never restarted, like Linux. */
export function do_epoll_wait(t: Task, epfd: number, uev: UserPtr, max: number, timeout: number): SysRet {
  if (max <= 0 || max > ep_max_events(ev_size(t))) return -EINVAL;
  if (!access_ok(uev, max * ev_size(t))) return -EFAULT;
  const f = t.files.fcheck(epfd);
  if (!f) return -EBADF;
  if (!is_epoll(f)) return -EINVAL;
  const ep = f.private_data as EventPoll;
  const n = ep.rdllist.length ? ep_send_events(t, ep, uev, max) : 0;
  if (n !== 0 || timeout === 0) return n;
  const deadline = timeout > 0 ? Date.now() + timeout : -1;
  return ep_poll_sleep(t, ep, uev, max, deadline);
}

async function ep_poll_sleep(t: Task, ep: EventPoll, uev: UserPtr, max: number, deadline: number): Promise<number> {
  for (;;) {
    if (signal_pending(t)) return -EINTR;
    const left = deadline < 0 ? -1 : deadline - Date.now();
    if (deadline >= 0 && left <= 0) return 0;
    if (!ep.rdllist.length) {
      await sleep_on(t, [ep.wq], left);
      // Interrupt coalescing (as NAPI batches receive work): let the host deliver every event
      // already pending before reporting, so one wake-up returns a batch instead of one event.
      await coalesce();
      // A host event, not a wake-up: other tasks ran meanwhile; run as t again.
      switch_to(t, MODE_KERNEL);
    }
    const n = ep.rdllist.length ? ep_send_events(t, ep, uev, max) : 0;
    if (n !== 0) return n;
  }
}

const coalesce = (): Promise<void> => new Promise((r) => setImmediate(r));

export const sys_epoll_wait = (t: Task, epfd: number, uev: UserPtr, max: number, timeout: number): SysRet =>
  do_epoll_wait(t, epfd, uev, max, timeout);

export function sys_epoll_pwait(t: Task, epfd: number, uev: UserPtr, max: number, timeout: number, usig: UserPtr, sigsz: number): SysRet {
  return with_sigmask(t, usig, sigsz, () => do_epoll_wait(t, epfd, uev, max, timeout));
}
