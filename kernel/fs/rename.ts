/**
 * rename(2), renameat(2), renameat2(2) (fs/namei.c do_renameat2, vfs_rename): the rules memfs
 * does not know — a directory over a non-empty one is ENOTEMPTY, into its own subtree EINVAL,
 * a file over a directory EISDIR, a directory over a file ENOTDIR, RENAME_NOREPLACE,
 * RENAME_EXCHANGE — and the link counts of a replaced target and of the parents.
 */
import { EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EXDEV } from '../include/uapi/errno.ts';
import { fsnotify_d_delete, fsnotify_get_cookie, fsnotify_move } from './notify/fsnotify.ts';
import { AT_FDCWD } from '../include/uapi/fcntl.ts';
import { S_ISDIR } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { Dentry } from './fs_types.ts';
import { inode_permission, MAY_WRITE, mnt_root_of, user_path_parent, type LookupResult } from './namei.ts';
import { d_delete, drop_nlink, is_mountpoint_or_root, may_delete } from './namei_dir.ts';
import { dir_touch, getname, may_create, now_ns } from './open.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

/** Is d equal to or below anc (d_ancestor)? */
function is_subdir(d: Dentry, anc: Dentry): boolean {
  for (let x: Dentry | null = d; x; x = x.d_parent) if (x === anc) return true;
  return false;
}

function lookup(t: Task, dfd: number, upath: UserPtr): LookupResult | number {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  return user_path_parent(t, dfd, path);
}

/** Moves dentry d from its parent to (nd, name), fixing the parents' link counts for directories. */
function d_move(d: Dentry, nd: Dentry, name: string): void {
  const od = d.d_parent!;
  od.d_children.delete(d.d_name);
  if (S_ISDIR(d.d_inode!.i_mode) && od !== nd) { od.d_inode!.i_nlink--; nd.d_inode!.i_nlink++; }
  d.d_name = name;
  d.d_parent = nd;
  nd.d_children.set(name, d);
  dir_touch(od); dir_touch(nd);
  d.d_inode!.i_ctime = now_ns();
}

/** d_exchange(): swaps two names, fixing the parents' link counts for directories. */
function d_exchange(a: Dentry, b: Dentry): void {
  const ap = a.d_parent!, bp = b.d_parent!, an = a.d_name, bn = b.d_name;
  ap.d_children.set(an, b); bp.d_children.set(bn, a);
  a.d_parent = bp; a.d_name = bn; b.d_parent = ap; b.d_name = an;
  if (ap !== bp) {
    if (S_ISDIR(a.d_inode!.i_mode)) { ap.d_inode!.i_nlink--; bp.d_inode!.i_nlink++; }
    if (S_ISDIR(b.d_inode!.i_mode)) { bp.d_inode!.i_nlink--; ap.d_inode!.i_nlink++; }
  }
  dir_touch(ap); dir_touch(bp);
}

/** Checks a victim that rename would replace or move (the "is_dir" half of may_delete). */
function may_replace(t: Task, dir: Dentry, victim: Dentry, isdir: boolean): number {
  const err = may_delete(t, dir, victim);
  if (err) return err;
  const vdir = S_ISDIR(victim.d_inode!.i_mode);
  if (isdir && !vdir) return -ENOTDIR;
  if (!isdir && vdir) return -EISDIR;
  if (is_mountpoint_or_root(victim) || victim === t.fs.root) return -EBUSY;
  return 0;
}

export function sys_renameat2(t: Task, odfd: number, uold: UserPtr, ndfd: number, unew: UserPtr, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if (flags & RENAME_EXCHANGE && flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) return -EINVAL;
  if (flags & RENAME_WHITEOUT) return -EINVAL; // tmpfs supports whiteouts only for overlayfs (needs CAP_MKNOD); privos has no overlayfs
  const o = lookup(t, odfd, uold);
  if (typeof o === 'number') return o;
  const n = lookup(t, ndfd, unew);
  if (typeof n === 'number') return n;
  if (o.last === '' || o.last === '.' || o.last === '..') return -EBUSY;
  if (mnt_root_of(o.parent) !== mnt_root_of(n.parent)) return -EXDEV;
  if (n.last === '' || n.last === '.' || n.last === '..') return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
  const old = o.dentry;
  if (!old) return -ENOENT;
  let err = may_create(t, n.parent) || may_replace(t, o.parent, old, S_ISDIR(old.d_inode!.i_mode));
  if (err) return err;
  const target = n.dentry;
  if (flags & RENAME_NOREPLACE && target) return -EEXIST;
  if (flags & RENAME_EXCHANGE && !target) return -ENOENT;
  const odir = S_ISDIR(old.d_inode!.i_mode);
  if (!odir && (o.trailing_slash || (n.trailing_slash && !(flags & RENAME_EXCHANGE)))) return -ENOTDIR;
  // lock_rename's trap: the source may not be an ancestor of the target's parent.
  if (is_subdir(n.parent, old)) return -EINVAL;
  if (target && is_subdir(o.parent, target)) return flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
  if (target) {
    err = may_replace(t, n.parent, target, flags & RENAME_EXCHANGE ? S_ISDIR(target.d_inode!.i_mode) : odir);
    if (err) return err;
    if (flags & RENAME_EXCHANGE && n.trailing_slash && !S_ISDIR(target.d_inode!.i_mode)) return -ENOTDIR;
    if (old.d_inode === target.d_inode) return 0; // hard links to one inode: nothing to do
    // Moving a directory to a new parent rewrites its "..": needs write permission on it.
    if (odir && o.parent !== n.parent) { err = inode_permission(t, old.d_inode!, MAY_WRITE); if (err) return err; }
    if (!(flags & RENAME_EXCHANGE) && S_ISDIR(target.d_inode!.i_mode) && target.d_children.size > 0) return -ENOTEMPTY;
  } else if (odir && o.parent !== n.parent) {
    err = inode_permission(t, old.d_inode!, MAY_WRITE);
    if (err) return err;
  }
  const mirror = o.parent.d_inode!.i_op.rename?.(o.parent, old, n.parent, n.last, flags) ?? 0;
  if (mirror) return mirror;
  const old_name = old.d_name;
  if (flags & RENAME_EXCHANGE && target) {
    d_exchange(old, target);
    fsnotify_move(fsnotify_get_cookie(t.kernel), o.parent, old_name, n.parent, n.last, old.d_inode!, null);
    fsnotify_move(fsnotify_get_cookie(t.kernel), n.parent, n.last, o.parent, old_name, target.d_inode!, null);
    return 0;
  }
  if (target) {
    // The replaced inode loses this name; a directory dies with it (nlink 0), its parent loses a link.
    if (S_ISDIR(target.d_inode!.i_mode)) { target.d_inode!.i_nlink = 0; n.parent.d_inode!.i_nlink--; }
    else drop_nlink(target.d_inode!);
    d_delete(n.parent, target);
  }
  d_move(old, n.parent, n.last);
  fsnotify_move(fsnotify_get_cookie(t.kernel), o.parent, old_name, n.parent, n.last, old.d_inode!, target ? target.d_inode : null);
  if (target) fsnotify_d_delete(target);
  return 0;
}

export const sys_renameat = (t: Task, odfd: number, uold: UserPtr, ndfd: number, unew: UserPtr): number =>
  sys_renameat2(t, odfd, uold, ndfd, unew, 0);
export const sys_rename = (t: Task, uold: UserPtr, unew: UserPtr): number => sys_renameat2(t, AT_FDCWD, uold, AT_FDCWD, unew, 0);

export const rename_syscalls: readonly SyscallDef[] = [
  { name: 'rename', fn: sys_rename, args: ['path', 'path'] },
  { name: 'renameat', fn: sys_renameat, args: ['atfd', 'path', 'atfd', 'path'] },
  { name: 'renameat2', fn: sys_renameat2, args: ['atfd', 'path', 'atfd', 'path', 'unsigned int hex'], support: 'partial', note: 'RENAME_WHITEOUT is EINVAL (no overlayfs)' },
];
