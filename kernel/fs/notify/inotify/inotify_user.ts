/**
 * inotify (fs/notify/inotify/inotify_user.c, inotify_fsnotify.c): inotify_init1, add_watch,
 * rm_watch, and the instance file — read(2) of struct inotify_event records (the name padded
 * with NULs to a multiple of 16), poll, FIONREAD. Identical consecutive events are merged
 * (inotify_merge), the queue holds max_queued_events then one IN_Q_OVERFLOW, and IN_IGNORED
 * follows a watch's removal. https://man7.org/linux/man-pages/man7/inotify.7.html
 */
import { EAGAIN, EBADF, EEXIST, EFAULT, EINVAL, EMFILE, ENOSPC, ENOTDIR, ENOTTY } from '../../../include/uapi/errno.ts';
import { StateKey, state_of } from '../../../include/linux/ext_state.ts';
import type { Kernel } from '../../../kernel.ts';
import { sysctl_values } from '../../../sysctl.ts';
import { AT_FDCWD, O_RDONLY } from '../../../include/uapi/fcntl.ts';
import {
  IN_ALL_EVENTS, IN_CLOEXEC, IN_DELETE_SELF, IN_DONT_FOLLOW, IN_EXCL_UNLINK, IN_IGNORED, IN_ISDIR, IN_MASK_ADD,
  IN_MASK_CREATE, IN_MOVE_SELF, IN_NONBLOCK, IN_ONESHOT, IN_ONLYDIR, IN_Q_OVERFLOW, IN_UNMOUNT, INOTIFY_EVENT_SIZE,
} from '../../../include/uapi/inotify.ts';
import { S_ISDIR } from '../../../include/uapi/stat.ts';
import { copy_to_user, put_user_u32 } from '../../../mm/uaccess.ts';
import type { Task } from '../../../sched/task.ts';
import { WaitQueueHead, wait_event_interruptible } from '../../../sched/wait.ts';
import type { SyscallDef } from '../../../syscalls/syscall_def.ts';
import { anon_inode_getfile } from '../../anon_inodes.ts';
import { fdget, install_fd } from '../../file_table.ts';
import { FMODE_LSEEK, type File, type FileOperations, type Inode, type SysRet } from '../../fs_types.ts';
import { FIONREAD } from '../../ioctl.ts';
import { MAY_READ, inode_permission, user_path_at } from '../../namei.ts';
import { getname } from '../../open.ts';
import { POLLIN, POLLRDNORM, poll_wait } from '../../poll_types.ts';
import { FsnotifyMark, fsnotify_add_mark, fsnotify_destroy_mark, type FsnotifyGroup } from '../fsnotify.ts';
import { as_user_ptr, user_ptr_add, type UserPtr } from '../../../include/linux/compiler_types.ts';

/** What one user has of inotify (the UCOUNT_INOTIFY_INSTANCES and _WATCHES counts), by euid. */
interface InotifyUcounts { instances: number; watches: number }
const UCOUNTS = new StateKey<Kernel, Map<number, InotifyUcounts>>('inotify_ucounts', () => new Map());
function ucounts(k: Kernel, uid: number): InotifyUcounts {
  const m = state_of(k, UCOUNTS);
  let u = m.get(uid);
  if (!u) { u = { instances: 0, watches: 0 }; m.set(uid, u); }
  return u;
}
/** The bits a watch's mask may hold (ALL_INOTIFY_BITS). */
const ALL_INOTIFY_BITS = IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD | IN_MASK_CREATE | IN_ISDIR | IN_ONESHOT;
/** What reaches user space of an event's mask (inotify_mask_to_arg). */
const ARG_BITS = IN_ALL_EVENTS | IN_ISDIR | IN_UNMOUNT | IN_IGNORED | IN_Q_OVERFLOW;

interface InotifyEvent { wd: number; mask: number; cookie: number; name: string }

/** The padded name length of an event record (round_event_name_len). */
const name_len = (e: InotifyEvent): number => (e.name ? (Math.floor((Buffer.byteLength(e.name) + 1 + INOTIFY_EVENT_SIZE - 1) / INOTIFY_EVENT_SIZE)) * INOTIFY_EVENT_SIZE : 0);

/** struct fsnotify_group + inotify_group_private_data: the queue and the watches by wd. */
class InotifyGroup implements FsnotifyGroup {
  constructor(readonly k: Kernel, readonly user: InotifyUcounts, readonly max_events: number) {}
  readonly events: InotifyEvent[] = [];
  head = 0;
  bytes = 0;
  overflowed = false;
  readonly wait = new WaitQueueHead();
  readonly marks = new Map<number, FsnotifyMark>();
  /** The last wd handed out (idr_alloc_cyclic: wds are not reused soon). */
  last_wd = 0;

  get q_len(): number { return this.events.length - this.head; }

  /** fsnotify_add_event() with inotify_merge(): an event identical to the last one is dropped. */
  queue(e: InotifyEvent): void {
    if (this.q_len >= this.max_events) {
      if (this.overflowed) return;
      this.overflowed = true;
      e = { wd: -1, mask: IN_Q_OVERFLOW, cookie: 0, name: '' };
    } else if (this.q_len > 0) {
      const last = this.events[this.events.length - 1];
      if (!(last.mask & IN_IGNORED) && last.mask === e.mask && last.wd === e.wd && last.name === e.name) return;
    }
    this.events.push(e);
    this.bytes += INOTIFY_EVENT_SIZE + name_len(e);
    this.wait.wake_up();
  }

  /** Takes the first event off the queue. */
  shift(): InotifyEvent {
    const e = this.events[this.head++];
    if (this.head === this.events.length) { this.events.length = 0; this.head = 0; }
    this.bytes -= INOTIFY_EVENT_SIZE + name_len(e);
    if (e.mask & IN_Q_OVERFLOW) this.overflowed = false;
    return e;
  }

  handle_event(mark: FsnotifyMark, mask: number, name: string, cookie: number): void {
    // inotify never reported IN_ISDIR with the self events (inotify_handle_inode_event).
    if (mask & (IN_MOVE_SELF | IN_DELETE_SELF)) mask &= ~IN_ISDIR;
    this.queue({ wd: mark.wd, mask: mask & ARG_BITS, cookie, name });
    if (mark.mask & IN_ONESHOT) fsnotify_destroy_mark(mark);
  }

  freeing_mark(mark: FsnotifyMark): void {
    if (this.marks.get(mark.wd) !== mark) return;
    this.marks.delete(mark.wd);
    this.user.watches--;
    this.queue({ wd: mark.wd, mask: IN_IGNORED, cookie: 0, name: '' });
  }

  /** The group's watch on inode, if any. */
  find(inode: Inode): FsnotifyMark | null {
    for (const m of inode.i_fsnotify_marks ?? []) if (m.group === this) return m;
    return null;
  }
}

const ev_buf = new Uint8Array(INOTIFY_EVENT_SIZE + 4096);
const ev_dv = new DataView(ev_buf.buffer);

/** copy_event_to_user(): one record; bytes written or -EFAULT. */
function copy_event_to_user(t: Task, e: InotifyEvent, ubuf: UserPtr): number {
  const pad = name_len(e);
  ev_buf.fill(0, 0, INOTIFY_EVENT_SIZE + pad);
  ev_dv.setInt32(0, e.wd, true); ev_dv.setUint32(4, e.mask >>> 0, true); ev_dv.setUint32(8, e.cookie, true); ev_dv.setUint32(12, pad, true);
  if (pad) Buffer.from(ev_buf.buffer).write(e.name, INOTIFY_EVENT_SIZE, 'utf8');
  return copy_to_user(t, ubuf, ev_buf, 0, INOTIFY_EVENT_SIZE + pad) ? -EFAULT : INOTIFY_EVENT_SIZE + pad;
}

/** inotify_read(): whole records while they fit; EINVAL if not even the first one fits. */
function inotify_read(f: File, t: Task, ubuf: UserPtr, count: number): SysRet {
  const g = f.private_data as InotifyGroup;
  let done = 0;
  while (g.q_len > 0) {
    const e = g.events[g.head];
    const size = INOTIFY_EVENT_SIZE + name_len(e);
    if (size > count - done) return done || -EINVAL;
    // The event leaves the queue before the copy: a fault loses it (get_one_event, then copy_event_to_user).
    g.shift();
    const r = copy_event_to_user(t, e, user_ptr_add(ubuf, done));
    if (r < 0) return done || r;
    done += r;
  }
  if (done) return done;
  if (f.f_flags & IN_NONBLOCK) return -EAGAIN;
  return wait_event_interruptible(t, g.wait, () => g.q_len > 0).then((err) => (err ? err : inotify_read(f, t, ubuf, count)));
}

const inotify_fops: FileOperations = {
  read: inotify_read,
  llseek: (f) => f.f_pos, // noop_llseek
  poll(f, _t, pt) {
    const g = f.private_data as InotifyGroup;
    poll_wait(pt, g.wait);
    return g.q_len > 0 ? POLLIN | POLLRDNORM : 0;
  },
  unlocked_ioctl(f, t, cmd, arg) {
    if (cmd !== FIONREAD) return -ENOTTY;
    return put_user_u32(t, as_user_ptr(arg), (f.private_data as InotifyGroup).bytes);
  },
  /** inotify_release(): the watches go without IN_IGNORED (nobody can read it). */
  release(_inode, f) {
    const g = f.private_data as InotifyGroup;
    const marks = [...g.marks.values()];
    g.marks.clear();
    g.user.watches -= marks.length;
    g.user.instances--;
    for (const m of marks) fsnotify_destroy_mark(m);
  },
  show_fdinfo(f) {
    const g = f.private_data as InotifyGroup;
    let s = '';
    for (const m of g.marks.values()) {
      s += `inotify wd:${m.wd.toString(16)} ino:${m.inode.i_ino.toString(16)} sdev:${m.inode.i_sb.s_dev.toString(16)} mask:${(m.mask & IN_ALL_EVENTS | m.mask & (IN_ONESHOT | IN_EXCL_UNLINK)).toString(16)} ignored_mask:0\n`;
    }
    return s;
  },
};

export function sys_inotify_init1(t: Task, flags: number): number {
  if (flags & ~(IN_CLOEXEC | IN_NONBLOCK)) return -EINVAL;
  const limits = sysctl_values(t.kernel), user = ucounts(t.kernel, t.cred.euid);
  if (user.instances >= limits.inotify_max_user_instances) return -EMFILE;
  user.instances++;
  const f = anon_inode_getfile('inotify', inotify_fops, new InotifyGroup(t.kernel, user, limits.inotify_max_queued_events), O_RDONLY | (flags & IN_NONBLOCK));
  f.f_mode |= FMODE_LSEEK; // its llseek is noop_llseek: lseek answers 0, not ESPIPE
  return install_fd(t, f, (flags & IN_CLOEXEC) !== 0);
}

export const sys_inotify_init = (t: Task): number => sys_inotify_init1(t, 0);

/** The inotify instance behind fd: EBADF, or EINVAL for another kind of file. */
function inotify_group(t: Task, fd: number): InotifyGroup | number {
  const f = fdget(t, fd);
  if (!f) return -EBADF;
  return f.f_op === inotify_fops ? (f.private_data as InotifyGroup) : -EINVAL;
}

/** inotify_update_watch(): a new watch, or the existing one's mask replaced or extended. */
function update_watch(g: InotifyGroup, inode: Inode, mask: number): number {
  const keep = mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
  const old = g.find(inode);
  if (old) {
    if (mask & IN_MASK_CREATE) return -EEXIST;
    old.mask = mask & IN_MASK_ADD ? old.mask | keep : keep;
    return old.wd;
  }
  if (g.user.watches >= sysctl_values(g.k).inotify_max_user_watches) return -ENOSPC;
  g.user.watches++;
  const m = new FsnotifyMark(g, inode, keep, ++g.last_wd);
  g.marks.set(m.wd, m);
  fsnotify_add_mark(m);
  return m.wd;
}

export function sys_inotify_add_watch(t: Task, fd: number, upath: UserPtr, mask: number): number {
  if (!(mask & ALL_INOTIFY_BITS)) return -EINVAL;
  if (mask & IN_MASK_ADD && mask & IN_MASK_CREATE) return -EINVAL;
  const g = inotify_group(t, fd);
  if (typeof g === 'number') return g;
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  const d = user_path_at(t, AT_FDCWD, path, !(mask & IN_DONT_FOLLOW));
  if (typeof d === 'number') return d;
  const inode = d.d_inode!;
  if (mask & IN_ONLYDIR && !S_ISDIR(inode.i_mode)) return -ENOTDIR;
  const err = inode_permission(t, inode, MAY_READ);
  if (err) return err;
  return update_watch(g, inode, mask);
}

export function sys_inotify_rm_watch(t: Task, fd: number, wd: number): number {
  const g = inotify_group(t, fd);
  if (typeof g === 'number') return g;
  const m = g.marks.get(wd | 0);
  if (!m) return -EINVAL;
  fsnotify_destroy_mark(m);
  return 0;
}

export const inotify_syscalls: readonly SyscallDef[] = [
  { name: 'inotify_init', fn: sys_inotify_init, args: [], ret_fd: true },
  { name: 'inotify_init1', fn: sys_inotify_init1, args: ['fdflags'], ret_fd: true },
  {
    name: 'inotify_add_watch', fn: sys_inotify_add_watch, args: ['fd', 'path', 'unsigned int hex'], support: 'partial',
    note: 'stores through shared mappings send no IN_MODIFY; xattr changes reach the inode\'s watch but not its directory\'s; no IN_UNMOUNT; fdinfo lacks the file handle',
  },
  { name: 'inotify_rm_watch', fn: sys_inotify_rm_watch, args: ['fd', 'int'] },
];
