/**
 * utimensat(2) (fs/utimes.c): UTIME_NOW and UTIME_OMIT, the NULL-path form on a dirfd,
 * and the permission split: explicit times need ownership (EPERM), "now" needs write (EACCES).
 */
import { EACCES, EBADF, EFAULT, EINVAL, EPERM } from '../include/uapi/errno.ts';
import { IN_ACCESS, IN_ATTRIB, IN_MODIFY } from '../include/uapi/inotify.ts';
import { fsnotify_change } from './notify/fsnotify.ts';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW } from '../include/uapi/fcntl.ts';
import { copy_from_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { Dentry, Inode } from './fs_types.ts';
import { inode_permission, MAY_WRITE, user_path_at } from './namei.ts';
import { fd_dentry, getname_flags, now_ns } from './open.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;
const tb = new Uint8Array(32);
const tv = new DataView(tb.buffer);

function ts_at(i: number): [number, number] {
  return [tv.getInt32(i * 16 + 4, true) * 2 ** 32 + tv.getUint32(i * 16, true), tv.getInt32(i * 16 + 12, true) * 2 ** 32 + tv.getUint32(i * 16 + 8, true)];
}

const nsec_valid = (ns: number): boolean => ns === UTIME_OMIT || ns === UTIME_NOW || (ns >= 0 && ns <= 999999999);

/** fsnotify_change()'s mask for new times: both is IN_ATTRIB, atime alone IN_ACCESS, mtime alone IN_MODIFY. */
function utimes_event(times: [number, number][] | null): number {
  if (!times) return IN_ATTRIB;
  const a = times[0][1] !== UTIME_OMIT, m = times[1][1] !== UTIME_OMIT;
  return a && m ? IN_ATTRIB : a ? IN_ACCESS : m ? IN_MODIFY : IN_ATTRIB;
}

function set_times(t: Task, d: Dentry | null, inode: Inode, times: [number, number][] | null): number {
  const c = t.cred;
  const owner = c.fsuid === 0 || c.fsuid === inode.i_uid;
  const all_now = !times || (times[0][1] === UTIME_NOW && times[1][1] === UTIME_NOW);
  if (!owner) {
    if (!all_now) return -EPERM;
    if (inode_permission(t, inode, MAY_WRITE)) return -EACCES;
  }
  const now = now_ns();
  const pick = (i: number, cur: number): number => {
    if (!times || times[i][1] === UTIME_NOW) return now;
    if (times[i][1] === UTIME_OMIT) return cur;
    return times[i][0] * 1e9 + times[i][1];
  };
  inode.i_atime = pick(0, inode.i_atime);
  inode.i_mtime = pick(1, inode.i_mtime);
  inode.i_ctime = now;
  fsnotify_change(d, inode, utimes_event(times));
  return d ? inode.i_op.setattr?.(d, inode) ?? 0 : 0;
}

export function sys_utimensat(t: Task, dfd: number, upath: UserPtr, utimes: UserPtr, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  let times: [number, number][] | null = null;
  if (utimes) {
    if (copy_from_user(t, tb, 0, utimes, 32)) return -EFAULT;
    times = [ts_at(0), ts_at(1)];
    if (!nsec_valid(times[0][1]) || !nsec_valid(times[1][1])) return -EINVAL;
    if (times[0][1] === UTIME_OMIT && times[1][1] === UTIME_OMIT) return 0;
  }
  if (!upath) {
    // Linux extension: a NULL path acts on dfd itself.
    if (dfd === AT_FDCWD) return -EFAULT;
    if (flags & AT_SYMLINK_NOFOLLOW) return -EINVAL;
    const f = t.files.fcheck(dfd);
    if (!f) return -EBADF;
    return set_times(t, f.f_dentry, f.f_inode, times);
  }
  const path = getname_flags(t, upath, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof path === 'number') return path;
  const d = path === '' ? fd_dentry(t, dfd) : user_path_at(t, dfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof d === 'number') return d;
  return set_times(t, d, d.d_inode!, times);
}

export const utimes_syscalls: readonly SyscallDef[] = [
  { name: 'utimensat', fn: sys_utimensat, args: ['atfd', 'path', 'ptr', 'atflags'] },
];
