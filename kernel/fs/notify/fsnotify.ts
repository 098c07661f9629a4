/**
 * fsnotify (fs/notify/fsnotify.c, include/linux/fsnotify.h): the VFS's notification hooks and
 * the marks that listeners (inotify groups) hang on inodes. Every hook first checks whether any
 * mark exists on the inode (or, for events a directory hears about its children, on the
 * parent): with no watch anywhere the cost is two field loads.
 */
import {
  IN_ACCESS, IN_ALL_EVENTS, IN_ATTRIB, IN_CLOSE_NOWRITE, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE, IN_DELETE_SELF,
  IN_EXCL_UNLINK, IN_ISDIR, IN_MODIFY, IN_MOVE_SELF, IN_MOVED_FROM, IN_MOVED_TO, IN_OPEN,
} from '../../include/uapi/inotify.ts';
import { S_ISDIR } from '../../include/uapi/stat.ts';
import { FMODE_PATH, FMODE_WRITE, type Dentry, type File, type Inode } from '../fs_types.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import type { Kernel } from '../../kernel.ts';

/** A listener of marks: an inotify instance (struct fsnotify_group with its ops). */
export interface FsnotifyGroup {
  /** handle_inode_event(): one event for one of the group's marks. */
  handle_event(mark: FsnotifyMark, mask: number, name: string, cookie: number): void;
  /** freeing_mark(): the mark is gone (inotify queues IN_IGNORED). */
  freeing_mark(mark: FsnotifyMark): void;
}

/** struct fsnotify_mark on an inode: the events (and IN_* flags) one group listens for. */
export class FsnotifyMark {
  constructor(readonly group: FsnotifyGroup, readonly inode: Inode, public mask: number, readonly wd: number) {}
}

/** The events a directory's mark hears about its children (FS_EVENTS_POSS_ON_CHILD). */
const ON_CHILD = IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN;

export function fsnotify_add_mark(mark: FsnotifyMark): void {
  const inode = mark.inode;
  (inode.i_fsnotify_marks ??= []).push(mark);
}

/** fsnotify_destroy_mark(): detaches the mark and tells its group. */
export function fsnotify_destroy_mark(mark: FsnotifyMark): void {
  const marks = mark.inode.i_fsnotify_marks;
  const i = marks ? marks.indexOf(mark) : -1;
  if (i < 0) return;
  marks!.splice(i, 1);
  if (marks!.length === 0) mark.inode.i_fsnotify_marks = null;
  mark.group.freeing_mark(mark);
}

/** send_to_group() for each mark of a list that wants the event; unlinked: the event's path is unlinked. */
function send(marks: readonly FsnotifyMark[], mask: number, name: string, cookie: number, unlinked: boolean): void {
  for (const m of marks.length === 1 ? marks : [...marks]) {
    if (!(m.mask & mask & IN_ALL_EVENTS)) continue;
    if (unlinked && m.mask & IN_EXCL_UNLINK) continue;
    m.group.handle_event(m, mask, name, cookie);
  }
}

const dir_bit = (inode: Inode): number => (S_ISDIR(inode.i_mode) ? IN_ISDIR : 0);

/** The parent a dentry reports to (none for a file system's root, IS_ROOT). */
function parent_of(d: Dentry | null): Inode | null {
  if (!d || !d.d_parent || d.d_mnt) return null;
  return d.d_parent.d_inode;
}

/**
 * fsnotify_parent(): an event on an inode reached through d — first to the parent directory's
 * marks with the child's name (events it may hear about children), then to the inode's own.
 */
export function fsnotify_parent(d: Dentry | null, inode: Inode, mask: number): void {
  const parent = parent_of(d);
  const pm = parent ? parent.i_fsnotify_marks : null;
  const im = inode.i_fsnotify_marks;
  if (pm === null && im === null) return;
  mask |= dir_bit(inode);
  const unlinked = d !== null && d.d_unhashed;
  if (pm !== null && mask & ON_CHILD) send(pm, mask, d!.d_name, 0, unlinked);
  if (inode.i_fsnotify_marks !== null) send(inode.i_fsnotify_marks, mask, '', 0, unlinked);
}

/** fsnotify_inode(): an event for the inode's own marks only (attribute and self events). */
export function fsnotify_inode(inode: Inode, mask: number): void {
  if (inode.i_fsnotify_marks !== null) send(inode.i_fsnotify_marks, mask | dir_bit(inode), '', 0, false);
}

/** fsnotify_name(): a directory event about the child `name` (create, delete, moves). */
export function fsnotify_name(dir: Inode, mask: number, child: Inode, name: string, cookie = 0): void {
  if (dir.i_fsnotify_marks !== null) send(dir.i_fsnotify_marks, mask | dir_bit(child), name, cookie, false);
}

/** fsnotify_file(): an event on an open file (no events for O_PATH files). */
function fsnotify_file(f: File, mask: number): void {
  if (f.f_mode & FMODE_PATH) return;
  fsnotify_parent(f.f_dentry, f.f_inode, mask);
}

/** Whether an event on f could reach anyone: the cheap test the read/write paths make. */
export function fsnotify_watched(f: File): boolean {
  if (f.f_inode.i_fsnotify_marks !== null) return true;
  const p = f.f_dentry?.d_parent;
  return p != null && p.d_inode!.i_fsnotify_marks !== null;
}

export const fsnotify_open = (f: File): void => fsnotify_file(f, IN_OPEN);
export const fsnotify_access = (f: File): void => fsnotify_file(f, IN_ACCESS);
export const fsnotify_modify = (f: File): void => fsnotify_file(f, IN_MODIFY);
export const fsnotify_close = (f: File): void => fsnotify_file(f, f.f_mode & FMODE_WRITE ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);

/** fsnotify_create() / fsnotify_mkdir(): a new name in dir. */
export function fsnotify_create(dir: Dentry, d: Dentry): void {
  fsnotify_name(dir.d_inode!, IN_CREATE, d.d_inode!, d.d_name);
}

/** fsnotify_link_count(): the link count changed (IN_ATTRIB to the inode only). */
export const fsnotify_link_count = (inode: Inode): void => fsnotify_inode(inode, IN_ATTRIB);

/** fsnotify_link(): a new link to inode as d in dir. */
export function fsnotify_link(dir: Dentry, inode: Inode, d: Dentry): void {
  fsnotify_link_count(inode);
  fsnotify_name(dir.d_inode!, IN_CREATE, inode, d.d_name);
}

/** fsnotify_change(): chmod/chown/utimes are IN_ATTRIB, a size change IN_MODIFY; to the parent too. */
export const fsnotify_change = (d: Dentry | null, inode: Inode, mask: number): void => fsnotify_parent(d, inode, mask);

/**
 * fsnotify_inoderemove(): the inode's last link went and its last user let go — IN_DELETE_SELF,
 * then every mark is destroyed (IN_IGNORED).
 */
export function fsnotify_inoderemove(inode: Inode): void {
  if (inode.i_fsnotify_marks === null) return;
  fsnotify_inode(inode, IN_DELETE_SELF);
  const marks = inode.i_fsnotify_marks;
  if (marks) for (const m of [...marks]) fsnotify_destroy_mark(m);
}

/**
 * d_delete_notify()'s inode part: a dentry that lost its name. If nobody has a file open on it
 * (dentry refcount 1), the inode is dropped now when its last link is gone; otherwise at the
 * last close (fsnotify_dput).
 */
export function fsnotify_d_delete(d: Dentry): void {
  const inode = d.d_inode!;
  if (inode.i_fsnotify_marks !== null && d.d_opens === 0 && inode.i_nlink === 0) fsnotify_inoderemove(inode);
}

/** The last open file of an unlinked dentry closed (dput's dentry_unlink_inode). */
export function fsnotify_dput(d: Dentry): void {
  if (d.d_opens === 0 && d.d_unhashed) fsnotify_d_delete(d);
}

/** fsnotify_delete(): IN_DELETE in the directory (after the inode's own events). */
export const fsnotify_delete = (dir: Dentry, inode: Inode, name: string): void => fsnotify_name(dir.d_inode!, IN_DELETE, inode, name);

/**
 * fsnotify_move(): IN_MOVED_FROM and IN_MOVED_TO with one cookie, IN_ATTRIB to a replaced
 * target, IN_MOVE_SELF to the moved inode.
 */
export function fsnotify_move(cookie: number, od: Dentry, old_name: string, nd: Dentry, new_name: string, source: Inode, target: Inode | null): void {
  fsnotify_name(od.d_inode!, IN_MOVED_FROM, source, old_name, cookie);
  fsnotify_name(nd.d_inode!, IN_MOVED_TO, source, new_name, cookie);
  if (target) fsnotify_link_count(target);
  fsnotify_inode(source, IN_MOVE_SELF);
}

const COOKIE = new StateKey<Kernel, { next: number }>('fsnotify_cookie', () => ({ next: 0 }));

/** fsnotify_get_cookie(): the number that pairs IN_MOVED_FROM with its IN_MOVED_TO. */
export function fsnotify_get_cookie(k: Kernel): number {
  const c = state_of(k, COOKIE);
  c.next = (c.next + 1) >>> 0 || 1;
  return c.next;
}

/** After a read or write of r bytes (vfs_read/vfs_write): IN_ACCESS or IN_MODIFY when r > 0. */
export function fsnotify_rw(f: File, r: number | Promise<number>, mask: number): number | Promise<number> {
  if (!fsnotify_watched(f)) return r;
  if (typeof r === 'number') { if (r > 0) fsnotify_file(f, mask); return r; }
  return r.then((v) => { if (v > 0) fsnotify_file(f, mask); return v; });
}

/**
 * After a file-to-file transfer of r bytes (sendfile, splice, copy_file_range): IN_ACCESS on the
 * source and IN_MODIFY on the destination when r > 0, as do_sendfile and vfs_copy_file_range.
 */
export function fsnotify_xfer(in_f: File, out: File, r: number | Promise<number>): number | Promise<number> {
  if (!fsnotify_watched(in_f) && !fsnotify_watched(out)) return r;
  const done = (v: number): number => {
    if (v > 0) { fsnotify_file(in_f, IN_ACCESS); fsnotify_file(out, IN_MODIFY); }
    return v;
  };
  return typeof r === 'number' ? done(r) : r.then(done);
}
