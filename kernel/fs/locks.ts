/**
 * File locks (fs/locks.c): POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW), open file
 * description locks (F_OFD_*) and BSD flock(2) locks, kept per inode in a FileLockContext.
 *
 * - POSIX locks belong to the process's fd table (its files_struct): they are not inherited by
 *   fork, and any close of any descriptor of the file drops all of them (locks_remove_posix).
 * - OFD locks belong to the open file description: shared by dup and fork, dropped when its last
 *   reference goes. They conflict with POSIX locks even within one process.
 * - flock locks belong to the open file description as well and never interact with the others.
 *
 * Offsets are numbers; a lock running to the end of the file has fl_end = OFFSET_MAX (Infinity).
 * F_SETLKW sleeps on the context's wait queue and retries whenever a lock on the inode goes;
 * before sleeping, a POSIX request follows the owner → blocking lock → owner chain through the
 * kernel's blocked requests (blocked_hash) and fails with EDEADLK if it comes back to itself.
 */
import { EAGAIN, EBADF, EDEADLK, EFAULT, EINVAL, EOVERFLOW } from '../include/uapi/errno.ts';
import {
  F_GETLK, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_RDLCK, F_SETLKW, F_UNLCK, F_WRLCK,
  LOCK_EX, LOCK_MAND, LOCK_NB, LOCK_SH, LOCK_UN, SEEK_CUR, SEEK_END, SEEK_SET,
} from '../include/uapi/fcntl.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sched/task.ts';
import { WaitQueueHead, wait_event_interruptible } from '../sched/wait.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { FMODE_PATH, FMODE_READ, FMODE_WRITE, type File, type Inode, type SysRet } from './fs_types.ts';
import { StateKey, state_of } from '../include/linux/ext_state.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const FL_POSIX = 1, FL_FLOCK = 2, FL_SLEEP = 128, FL_OFDLCK = 1024;
/** The end of a lock that runs to the end of the file (OFFSET_MAX). */
export const OFFSET_MAX = Infinity;
const LLONG_MAX = (1n << 63n) - 1n;
/** Limit of the blocked-owner chain walked for deadlock detection (MAX_DEADLK_ITERATIONS). */
const MAX_DEADLK_ITERATIONS = 10;

/** struct file_lock: an owner's lock (or request) on [fl_start, fl_end] of one inode. */
export class FileLock {
  /** A request waiting in F_SETLKW: the lock it waits for (fl_blocker). */
  fl_blocker: FileLock | null = null;
  constructor(
    /** POSIX: the FilesStruct; OFD and flock: the File. */
    readonly fl_owner: object,
    readonly fl_pid: number,
    public fl_flags: number,
    public fl_type: number,
    public fl_start: number,
    public fl_end: number,
    readonly fl_file: File,
  ) {}

  with_range(start: number, end: number): FileLock {
    return new FileLock(this.fl_owner, this.fl_pid, this.fl_flags, this.fl_type, start, end, this.fl_file);
  }
}

/** struct file_lock_context: the locks on one inode and the queue their waiters sleep on. */
export class FileLockContext {
  flc_flock: FileLock[] = [];
  flc_posix: FileLock[] = [];
  readonly flc_wait = new WaitQueueHead();
}

/** The kernel-wide state of the lock code: POSIX requests blocked in F_SETLKW (blocked_hash). */
export class LockState {
  readonly blocked = new Set<FileLock>();
}

const LOCK_STATE = new StateKey<Kernel, LockState>('locks', () => new LockState());
function lock_state(k: Kernel): LockState { return state_of(k, LOCK_STATE); }

function locks_get_lock_context(inode: Inode): FileLockContext {
  return (inode.i_flctx ??= new FileLockContext());
}

const locks_overlap = (a: FileLock, b: FileLock): boolean => a.fl_start <= b.fl_end && b.fl_start <= a.fl_end;
const locks_conflict = (a: FileLock, b: FileLock): boolean => a.fl_type === F_WRLCK || b.fl_type === F_WRLCK;

/** posix_locks_conflict(): another owner's overlapping lock, one of them a write lock. */
function posix_locks_conflict(req: FileLock, sys: FileLock): boolean {
  return req.fl_owner !== sys.fl_owner && locks_overlap(req, sys) && locks_conflict(req, sys);
}

/** posix_test_locks_conflict(): F_UNLCK (F_OFD_GETLK) asks for the caller's own overlapping lock. */
function posix_test_locks_conflict(req: FileLock, sys: FileLock): boolean {
  if (req.fl_type === F_UNLCK) return req.fl_owner === sys.fl_owner && locks_overlap(req, sys);
  return posix_locks_conflict(req, sys);
}

/**
 * posix_locks_deadlock(): would waiting for `block` close a cycle? Follows, from the blocking
 * lock's owner, the lock that owner is itself waiting for, up to MAX_DEADLK_ITERATIONS.
 */
function posix_locks_deadlock(s: LockState, req: FileLock, block: FileLock): boolean {
  if (req.fl_flags & FL_OFDLCK) return false;
  let blocker: FileLock | null = block;
  for (let i = 0; blocker; i++) {
    const owner: object = blocker.fl_owner;
    blocker = null;
    for (const w of s.blocked) if (w.fl_owner === owner) { blocker = w.fl_blocker; break; }
    if (!blocker) return false;
    if (i > MAX_DEADLK_ITERATIONS) return false;
    if (blocker.fl_owner === req.fl_owner) return true;
  }
  return false;
}

/**
 * The owner's locks after applying req: overlapping and adjacent locks of the same type merge
 * into it, locks of another type are cut around it, F_UNLCK only cuts.
 */
function posix_apply(own: readonly FileLock[], req: FileLock): FileLock[] {
  let start = req.fl_start, end = req.fl_end;
  const out: FileLock[] = [];
  for (const fl of own) {
    const same = fl.fl_type === req.fl_type && req.fl_type !== F_UNLCK;
    // Same-type locks merge when they overlap or touch; others only when they overlap.
    if (same ? fl.fl_end + 1 < start || fl.fl_start > end + 1 : fl.fl_end < start || fl.fl_start > end) { out.push(fl); continue; }
    if (same) { start = Math.min(start, fl.fl_start); end = Math.max(end, fl.fl_end); continue; }
    if (fl.fl_start < start) out.push(fl.with_range(fl.fl_start, start - 1));
    if (fl.fl_end > end) out.push(fl.with_range(end + 1, fl.fl_end));
  }
  if (req.fl_type !== F_UNLCK) out.push(req.with_range(start, end));
  return out.sort((a, b) => a.fl_start - b.fl_start);
}

/** Replaces the owner's group in the inode's list, where it was (or at the end). */
function posix_replace_owner(ctx: FileLockContext, owner: object, locks: FileLock[]): void {
  const list = ctx.flc_posix;
  let at = list.findIndex((fl) => fl.fl_owner === owner);
  const rest = list.filter((fl) => fl.fl_owner !== owner);
  if (at < 0) at = rest.length;
  ctx.flc_posix = [...rest.slice(0, at), ...locks, ...rest.slice(at)];
}

/** posix_lock_inode(): the first conflicting lock, or null once req is applied. */
function posix_lock_inode(inode: Inode, req: FileLock): FileLock | null {
  const ctx = locks_get_lock_context(inode);
  if (req.fl_type !== F_UNLCK) {
    const c = ctx.flc_posix.find((fl) => posix_locks_conflict(req, fl));
    if (c) return c;
  }
  const own = ctx.flc_posix.filter((fl) => fl.fl_owner === req.fl_owner);
  if (own.length === 0 && req.fl_type === F_UNLCK) return null;
  posix_replace_owner(ctx, req.fl_owner, posix_apply(own, req));
  ctx.flc_wait.wake_up();
  return null;
}

/** flock_lock_inode(): conversion drops the old lock first (as Linux does), then looks for a conflict. */
function flock_lock_inode(inode: Inode, req: FileLock): FileLock | 'held' | null {
  const ctx = locks_get_lock_context(inode);
  const mine = ctx.flc_flock.find((fl) => fl.fl_file === req.fl_file);
  if (mine) {
    if (mine.fl_type === req.fl_type) return 'held';
    ctx.flc_flock = ctx.flc_flock.filter((fl) => fl !== mine);
    ctx.flc_wait.wake_up();
  }
  if (req.fl_type === F_UNLCK) return null;
  const c = ctx.flc_flock.find((fl) => fl.fl_file !== req.fl_file && locks_conflict(req, fl));
  if (c) return c;
  ctx.flc_flock.push(req);
  return null;
}

/**
 * Applies a request, sleeping while it conflicts if FL_SLEEP is set (do_lock_file_wait /
 * locks_lock_file_wait): 0, -EAGAIN, -EDEADLK or -ERESTARTSYS.
 */
function lock_file_wait(t: Task, req: FileLock): SysRet {
  const inode = req.fl_file.f_inode;
  const attempt = (): FileLock | null => {
    const r = req.fl_flags & FL_FLOCK ? flock_lock_inode(inode, req) : posix_lock_inode(inode, req);
    return r === 'held' ? null : r;
  };
  const first = attempt();
  if (!first) return 0;
  if (!(req.fl_flags & FL_SLEEP)) return -EAGAIN;
  const s = lock_state(t.kernel);
  if (req.fl_flags & FL_POSIX && posix_locks_deadlock(s, req, first)) return -EDEADLK;
  return wait_for_lock(t, s, req, first, attempt);
}

async function wait_for_lock(t: Task, s: LockState, req: FileLock, first: FileLock, attempt: () => FileLock | null): Promise<number> {
  const ctx = locks_get_lock_context(req.fl_file.f_inode);
  let blocker: FileLock | null = first;
  try {
    while (blocker) {
      req.fl_blocker = blocker;
      s.blocked.add(req);
      const cur: FileLock = blocker;
      const live = (): boolean => ctx.flc_posix.includes(cur) || ctx.flc_flock.includes(cur);
      const err = await wait_event_interruptible(t, ctx.flc_wait, () => !live());
      if (err) return err;
      blocker = attempt();
      if (blocker && req.fl_flags & FL_POSIX && posix_locks_deadlock(s, req, blocker)) return -EDEADLK;
    }
    return 0;
  } finally {
    s.blocked.delete(req);
    req.fl_blocker = null;
  }
}

// ---- struct flock ----

const fl_buf = new Uint8Array(32);
const fl_dv = new DataView(fl_buf.buffer);

interface UserFlock { type: number; whence: number; start: bigint; len: bigint; pid: number }

function get_flock(t: Task, uaddr: UserPtr): UserFlock | null {
  if (copy_from_user(t, fl_buf, 0, uaddr, 32)) return null;
  return { type: fl_dv.getInt16(0, true), whence: fl_dv.getInt16(2, true), start: fl_dv.getBigInt64(8, true), len: fl_dv.getBigInt64(16, true), pid: fl_dv.getInt32(24, true) };
}

/** flock64_to_posix_lock(): the byte range, or -EINVAL/-EOVERFLOW. */
function flock_range(f: File, l: UserFlock): [number, number] | number {
  let base: bigint;
  switch (l.whence) {
    case SEEK_SET: base = 0n; break;
    case SEEK_CUR: base = BigInt(f.f_pos); break;
    case SEEK_END: base = BigInt(f.f_inode.i_size); break;
    default: return -EINVAL;
  }
  if (l.start > LLONG_MAX - base) return -EOVERFLOW;
  let start = base + l.start, end: bigint;
  if (start < 0n) return -EINVAL;
  if (l.len > 0n) {
    if (l.len - 1n > LLONG_MAX - start) return -EOVERFLOW;
    end = start + l.len - 1n;
  } else if (l.len < 0n) {
    if (start + l.len < 0n) return -EINVAL;
    end = start - 1n;
    start += l.len;
  } else end = LLONG_MAX;
  return [Number(start), end === LLONG_MAX ? OFFSET_MAX : Number(end)];
}

/** A POSIX (or, for the F_OFD_* commands, OFD) lock request from a struct flock. */
function flock_to_posix_lock(t: Task, f: File, l: UserFlock, ofd: boolean): FileLock | number {
  const r = flock_range(f, l);
  if (typeof r === 'number') return r;
  if (l.type !== F_RDLCK && l.type !== F_WRLCK && l.type !== F_UNLCK) return -EINVAL;
  return new FileLock(ofd ? f : t.files, t.tgid, ofd ? FL_OFDLCK : FL_POSIX, l.type, r[0], r[1], f);
}

/** posix_lock_to_flock(): writes a conflicting lock (or F_UNLCK) back to the user's struct. */
function put_flock(t: Task, uaddr: UserPtr, fl: FileLock | null): number {
  if (!fl) {
    fl_dv.setInt16(0, F_UNLCK, true);
  } else {
    fl_dv.setInt16(0, fl.fl_type, true);
    fl_dv.setInt16(2, SEEK_SET, true);
    fl_dv.setBigInt64(8, BigInt(fl.fl_start), true);
    const len = fl.fl_end === OFFSET_MAX ? 0n : BigInt(fl.fl_end) - BigInt(fl.fl_start) + 1n;
    fl_dv.setBigInt64(16, len, true);
    fl_dv.setInt32(24, fl.fl_flags & FL_OFDLCK ? -1 : fl.fl_pid, true);
  }
  return copy_to_user(t, uaddr, fl_buf, 0, 32) ? -EFAULT : 0;
}

/** fcntl_getlk(): F_GETLK and F_OFD_GETLK. */
export function fcntl_getlk(t: Task, f: File, cmd: number, uaddr: UserPtr): number {
  const l = get_flock(t, uaddr);
  if (!l) return -EFAULT;
  if (cmd !== F_OFD_GETLK && l.type !== F_RDLCK && l.type !== F_WRLCK) return -EINVAL;
  const req = flock_to_posix_lock(t, f, l, false);
  if (typeof req === 'number') return req;
  if (cmd === F_OFD_GETLK) {
    if (l.pid !== 0) return -EINVAL;
    return put_flock(t, uaddr, posix_test_lock(f.f_inode, new FileLock(f, -1, FL_OFDLCK, req.fl_type, req.fl_start, req.fl_end, f)));
  }
  return put_flock(t, uaddr, posix_test_lock(f.f_inode, req));
}

/** posix_test_lock(): the first lock in the inode's list that req conflicts with. */
function posix_test_lock(inode: Inode, req: FileLock): FileLock | null {
  return inode.i_flctx?.flc_posix.find((fl) => posix_test_locks_conflict(req, fl)) ?? null;
}

/** check_fmode_for_setlk(): a read lock needs a readable file, a write lock a writable one. */
function check_fmode_for_setlk(fl: FileLock): number {
  if (fl.fl_type === F_RDLCK && !(fl.fl_file.f_mode & FMODE_READ)) return -EBADF;
  if (fl.fl_type === F_WRLCK && !(fl.fl_file.f_mode & FMODE_WRITE)) return -EBADF;
  return 0;
}

/** fcntl_setlk(): F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW. */
export function fcntl_setlk(t: Task, f: File, cmd: number, uaddr: UserPtr): SysRet {
  const l = get_flock(t, uaddr);
  if (!l) return -EFAULT;
  const ofd = cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  const req = flock_to_posix_lock(t, f, l, ofd);
  if (typeof req === 'number') return req;
  const err = check_fmode_for_setlk(req);
  if (err) return err;
  if (ofd && l.pid !== 0) return -EINVAL;
  if (cmd === F_SETLKW || cmd === F_OFD_SETLKW) req.fl_flags |= FL_SLEEP;
  return lock_file_wait(t, req);
}

/** Is cmd one of the record-lock commands? */
export function is_lock_cmd(cmd: number): boolean {
  return (cmd >= F_GETLK && cmd <= F_SETLKW) || (cmd >= F_OFD_GETLK && cmd <= F_OFD_SETLKW);
}

/** The record-lock commands of fcntl(2). */
export function fcntl_lock(t: Task, f: File, cmd: number, arg: UserPtr): SysRet {
  return cmd === F_GETLK || cmd === F_OFD_GETLK ? fcntl_getlk(t, f, cmd, arg) : fcntl_setlk(t, f, cmd, arg);
}

/** flock_translate_cmd() */
function flock_translate_cmd(cmd: number): number {
  switch (cmd) {
    case LOCK_SH: return F_RDLCK;
    case LOCK_EX: return F_WRLCK;
    case LOCK_UN: return F_UNLCK;
  }
  return -EINVAL;
}

/** flock(2) */
export function sys_flock(t: Task, fd: number, cmd: number): SysRet {
  if (cmd & LOCK_MAND) return 0; // LOCK_MAND never worked; Linux ignores it (with a warning)
  const type = flock_translate_cmd(cmd & ~LOCK_NB);
  if (type < 0) return type;
  const f = t.files.fcheck(fd);
  if (!f || f.f_mode & FMODE_PATH) return -EBADF;
  if (type !== F_UNLCK && !(f.f_mode & (FMODE_READ | FMODE_WRITE))) return -EBADF;
  const req = new FileLock(f, t.tgid, FL_FLOCK | (cmd & LOCK_NB ? 0 : FL_SLEEP), type, 0, OFFSET_MAX, f);
  return lock_file_wait(t, req);
}

/** locks_remove_posix(): any close of a descriptor drops the closing fd table's POSIX locks on the file. */
export function locks_remove_posix(f: File, owner: object): void {
  const ctx = f.f_inode.i_flctx;
  if (!ctx || !ctx.flc_posix.some((fl) => fl.fl_owner === owner)) return;
  ctx.flc_posix = ctx.flc_posix.filter((fl) => fl.fl_owner !== owner);
  ctx.flc_wait.wake_up();
}

/** locks_remove_file(): the last reference to an open file drops its OFD and flock locks. */
export function locks_remove_file(f: File): void {
  const ctx = f.f_inode.i_flctx;
  if (!ctx) return;
  locks_remove_posix(f, f);
  if (!ctx.flc_flock.some((fl) => fl.fl_file === f)) return;
  ctx.flc_flock = ctx.flc_flock.filter((fl) => fl.fl_file !== f);
  ctx.flc_wait.wake_up();
}

export const locks_syscalls: readonly SyscallDef[] = [
  { name: 'flock', fn: sys_flock, args: ['unsigned int fd', 'unsigned int'] },
];
