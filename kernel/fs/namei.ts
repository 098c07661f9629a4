/**
 * Path walk (fs/namei.c): absolute and dirfd-relative lookups, `.` and `..`, mountpoints,
 * symlinks (ELOOP after 40), trailing slashes, PATH_MAX / NAME_MAX, search (x) permission on
 * every directory, and generic_permission() with root's DAC override.
 */
import { AT_FDCWD } from '../include/uapi/fcntl.ts';
import { EACCES, EBADF, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EXDEV } from '../include/uapi/errno.ts';
import { S_ISDIR, S_ISLNK } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import { Dentry, type Inode } from './fs_types.ts';
import { shmem_node } from './tmpfs.ts';
import { unlock_new_inode } from './inode_fill.ts';
import { I_NEW } from '../include/linux/fs.ts';

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
export const MAXSYMLINKS = 40;

export const MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4;

/** openat2's RESOLVE_* flags the walk honours (include/uapi/linux/openat2.h). */
export const RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;

/** inode_permission(): the file system's own check if it has one, else generic_permission. */
export function inode_permission(t: Task, inode: Inode, mask: number): number {
  return inode.i_op.permission ? inode.i_op.permission(inode, t, mask) : generic_permission(t, inode, mask);
}

/** generic_permission(): DAC with root's override (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). */
export function generic_permission(t: Task, inode: Inode, mask: number): number {
  return dac_permission(inode, mask, t.cred.fsuid, t.cred.fsgid, t.cred.groups);
}

/** The DAC check for given ids (access(2) uses the real ids instead of the fs ids). */
export function dac_permission(inode: Inode, mask: number, uid: number, gid: number, groups: readonly number[]): number {
  const mode = inode.i_mode;
  if (uid === 0) {
    // Root may read/write anything; execute needs some x bit unless it is a directory.
    if (!(mask & MAY_EXEC) || S_ISDIR(mode) || mode & 0o111) return 0;
    return -EACCES;
  }
  let perm = mode & 7;
  if (uid === inode.i_uid) perm = (mode >> 6) & 7;
  else if (gid === inode.i_gid || groups.includes(inode.i_gid)) perm = (mode >> 3) & 7;
  return (perm & mask) === mask ? 0 : -EACCES;
}

/** The target of a symlink: computed by the file system (procfs) or stored (tmpfs). */
export function get_link(t: Task, inode: Inode): string | number {
  if (inode.i_op.get_link) return inode.i_op.get_link(inode, t);
  const n = shmem_node(inode);
  return n.buf.toString('utf8', 0, n.getSize());
}

export interface LookupResult {
  /** The parent directory of the last component. */
  parent: Dentry;
  /** The last component's name ('' for '/'; '.' and '..' keep their spelling). */
  last: string;
  /** The final dentry; null when the last component does not exist. */
  dentry: Dentry | null;
  /** The path ended with '/' (the last component must be a directory). */
  trailing_slash: boolean;
}

/** Where a walk starts: the root, the cwd, or a directory fd. */
export function path_start(t: Task, dfd: number, path: string): Dentry | number {
  if (path.startsWith('/')) return t.fs.root;
  if (dfd === AT_FDCWD) return t.fs.pwd;
  const f = t.files.fcheck(dfd);
  if (!f) return -EBADF;
  if (!f.f_dentry || !S_ISDIR(f.f_inode.i_mode)) return -ENOTDIR;
  return f.f_dentry;
}

/** follow_mount(): the root of whatever is mounted on d (repeatedly). */
export function follow_mount(d: Dentry): Dentry {
  while (d.d_mounted) d = d.d_mounted.mnt_root;
  return d;
}

/** follow_dotdot(): the parent, crossing back over mountpoints, never above the task's root. */
export function follow_dotdot(t: Task, dir: Dentry): Dentry {
  for (;;) {
    if (dir === t.fs.root) return dir;
    if (dir.d_mnt && dir.d_mnt.mnt_mountpoint) { dir = dir.d_mnt.mnt_mountpoint; continue; }
    return follow_mount(dir.d_parent ?? dir);
  }
}

/** The mount a dentry belongs to (its file system's root dentry). */
export function mnt_root_of(d: Dentry): Dentry {
  let r = d;
  while (!r.d_mnt && r.d_parent) r = r.d_parent;
  return r;
}

export interface WalkState { links: number; resolve: number; root: Dentry | null }

/**
 * Walks `path` from `start`. Intermediate symlinks are always followed; the last one only if
 * `follow` (or a trailing slash). Returns the parent and last component even when the last
 * does not exist.
 */
export function path_lookupat(t: Task, start: Dentry, path: string, follow: boolean,
                              st: WalkState = { links: 0, resolve: 0, root: null }): LookupResult | number {
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  if (path === '') return -ENOENT;
  const trailing_slash = path.endsWith('/');
  let dir: Dentry;
  if (path.charCodeAt(0) === 47) {
    if (st.resolve & RESOLVE_BENEATH) return -EXDEV;
    dir = st.resolve & RESOLVE_IN_ROOT && st.root ? st.root : follow_mount(t.fs.root);
  } else dir = start;
  if (!st.root) st.root = start;
  const parts = path.split('/');
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  let i = 0;
  while (i < n && parts[i] === '') i++;
  if (i >= n) return { parent: dir, last: '', dentry: dir, trailing_slash };
  for (; i < n; i++) {
    const name = parts[i];
    if (name === '') continue;
    if (name.length > NAME_MAX) return -ENAMETOOLONG;
    const inode = dir.d_inode!;
    if (!S_ISDIR(inode.i_mode)) return -ENOTDIR;
    const err = inode_permission(t, inode, MAY_EXEC);
    if (err) return err;
    const last = i === n - 1;
    let next: Dentry | null;
    if (name === '.') next = dir;
    else if (name === '..') {
      if (dir === st.root && st.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) {
        if (st.resolve & RESOLVE_BENEATH) return -EXDEV;
        next = dir;
      } else next = follow_dotdot(t, dir);
    } else next = lookup_child(dir, name);
    if (!next || !next.d_inode) {
      if (last) return { parent: dir, last: name, dentry: null, trailing_slash };
      return -ENOENT;
    }
    if (next !== dir && next.d_mounted) {
      if (st.resolve & RESOLVE_NO_XDEV) return -EXDEV;
      next = follow_mount(next);
    }
    if (S_ISLNK(next.d_inode!.i_mode) && (!last || follow || trailing_slash)) {
      if (st.resolve & RESOLVE_NO_SYMLINKS) return -ELOOP;
      if (++st.links > MAXSYMLINKS) return -ELOOP;
      const jump = next.d_inode!.i_op.jump_link?.(next.d_inode!, t) ?? null;
      if (jump !== null) {
        if (typeof jump === 'number') return jump;
        if (st.resolve & RESOLVE_NO_MAGICLINKS) return -ELOOP;
        if (last) return { parent: jump.d_parent ?? jump, last: jump.d_name, dentry: jump, trailing_slash };
        dir = jump;
        continue;
      }
      const target = get_link(t, next.d_inode!);
      if (typeof target === 'number') return target;
      const rest = parts.slice(i + 1, n).join('/');
      return path_lookupat(t, dir, target + (rest ? '/' + rest : '') + (trailing_slash ? '/' : ''), follow, st);
    }
    if (last) return { parent: dir, last: name, dentry: next, trailing_slash };
    dir = next;
  }
  return -ENOENT;
}

/** A child in the dcache, or asked of the file system (i_op.lookup, for procfs and hostfs). */
export function lookup_child(dir: Dentry, name: string): Dentry | null {
  const d = dir.d_children.get(name);
  if (d) {
    if (d.d_inode !== null && (d.d_inode.i_state & I_NEW) !== 0) unlock_new_inode(d.d_inode);
    return d;
  }
  const lookup = dir.d_inode?.i_op.lookup;
  return lookup ? lookup(dir, name) : null;
}

/** Resolves an existing object: ENOENT if it does not exist, ENOTDIR for a trailing slash on a non-directory. */
export function user_path_at(t: Task, dfd: number, path: string, follow: boolean): Dentry | number {
  const start = path_start(t, dfd, path);
  if (typeof start === 'number') return start;
  const r = path_lookupat(t, start, path, follow);
  if (typeof r === 'number') return r;
  if (!r.dentry) return -ENOENT;
  if (r.trailing_slash && !S_ISDIR(r.dentry.d_inode!.i_mode)) return -ENOTDIR;
  return r.dentry;
}

/** The parent walk for calls that create or remove a name (filename_parentat). */
export function user_path_parent(t: Task, dfd: number, path: string): LookupResult | number {
  const start = path_start(t, dfd, path);
  if (typeof start === 'number') return start;
  return path_lookupat(t, start, path, false);
}

export { Dentry };
