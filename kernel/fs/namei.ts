/**
 * Path walk (fs/namei.c): absolute and dirfd-relative lookups, `.` and `..`, symlinks (ELOOP
 * after 40), trailing slashes, PATH_MAX / NAME_MAX, search (x) permission on every directory.
 */
import { AT_FDCWD } from '../include/uapi/fcntl.ts';
import { EACCES, EBADF, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from '../include/uapi/errno.ts';
import { S_ISDIR, S_ISLNK } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import type { Dentry, Inode } from './fs_types.ts';
import { shmem_node } from './tmpfs.ts';

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
export const MAXSYMLINKS = 40;

export const MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4;

/** generic_permission(): DAC with root's override (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). */
export function inode_permission(t: Task, inode: Inode, mask: number): number {
  const uid = t.cred.fsuid, mode = inode.i_mode;
  if (uid === 0) {
    // Root may read/write anything; execute needs some x bit unless it is a directory.
    if (!(mask & MAY_EXEC) || S_ISDIR(mode) || mode & 0o111) return 0;
    return -EACCES;
  }
  let perm = mode & 7;
  if (uid === inode.i_uid) perm = (mode >> 6) & 7;
  else if (t.cred.fsgid === inode.i_gid || t.cred.groups.includes(inode.i_gid)) perm = (mode >> 3) & 7;
  return (perm & mask) === mask ? 0 : -EACCES;
}

/** The target of a symlink inode (tmpfs keeps it in the storage node). */
export function get_link(inode: Inode): string {
  const n = shmem_node(inode);
  return n.symlink || n.getString();
}

export interface LookupResult {
  /** The parent directory of the last component. */
  parent: Dentry;
  /** The last component's name ('' for '/', '.' and '..' keep their meaning). */
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

/**
 * Walks `path` from `start`. Intermediate symlinks are always followed; the last one only if
 * `follow`. Returns the parent and last component even when the last does not exist.
 */
export function path_lookupat(t: Task, start: Dentry, path: string, follow: boolean, depth = { links: 0 }): LookupResult | number {
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  if (path === '') return -ENOENT;
  const parts = path.split('/').filter((p) => p !== '');
  const trailing_slash = path.endsWith('/');
  let dir = path.startsWith('/') ? t.fs.root : start;
  if (parts.length === 0) return { parent: dir, last: '', dentry: dir, trailing_slash };
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i];
    if (name.length > NAME_MAX) return -ENAMETOOLONG;
    const inode = dir.d_inode!;
    if (!S_ISDIR(inode.i_mode)) return -ENOTDIR;
    const err = inode_permission(t, inode, MAY_EXEC);
    if (err) return err;
    const last = i === parts.length - 1;
    let next: Dentry | null;
    if (name === '.') next = dir;
    else if (name === '..') next = dir === t.fs.root ? dir : dir.d_parent ?? dir;
    else next = lookup_child(dir, name);
    if (!next || !next.d_inode) {
      if (last) return { parent: dir, last: name, dentry: null, trailing_slash };
      return -ENOENT;
    }
    if (S_ISLNK(next.d_inode.i_mode) && (!last || follow || trailing_slash)) {
      if (++depth.links > MAXSYMLINKS) return -ELOOP;
      const target = get_link(next.d_inode);
      const rest = parts.slice(i + 1).join('/');
      const r = path_lookupat(t, dir, target + (rest ? '/' + rest : '') + (trailing_slash && rest ? '/' : ''), follow, depth);
      return r;
    }
    if (last) return { parent: dir, last: name, dentry: next, trailing_slash };
    dir = next;
  }
  throw new Error('unreachable');
}

/** A child in the dcache, or asked of the file system (i_op.lookup, for procfs and friends). */
export function lookup_child(dir: Dentry, name: string): Dentry | null {
  const d = dir.d_children.get(name);
  if (d) return d;
  const lookup = dir.d_inode?.i_op.lookup;
  if (!lookup) return null;
  const inode = lookup(dir.d_inode!, name);
  if (!inode) return null;
  const nd = new (dir.constructor as typeof Dentry)(name, dir, inode);
  return nd;
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
