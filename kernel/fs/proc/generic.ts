/**
 * procfs core (fs/proc/generic.c, fs/seq_file.c): the registration API other subsystems use —
 * proc_create(k, 'modules', (t) => text) — and the file operations of generated files. A file's
 * text is produced at open (a seq_file snapshot) and read with ordinary positions; entries
 * registered after boot appear at once (lookups read the registry each time).
 */
import { EACCES, EFAULT, EIO, ENOENT } from '../../include/uapi/errno.ts';
import { O_ACCMODE, O_RDONLY } from '../../include/uapi/fcntl.ts';
import { S_IFDIR, S_IFLNK, S_IFREG, S_IFMT } from '../../include/uapi/stat.ts';
import type { Kernel } from '../../kernel.ts';
import { copy_from_user, copy_to_user } from '../../mm/uaccess.ts';
import { PAGE_SIZE } from '../../mm/page_alloc.ts';
import type { Task } from '../../sched/task.ts';
import { Dentry, Inode, type FileOperations, type SuperBlock } from '../fs_types.ts';
import { get_anon_dev } from '../tmpfs.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import type { UserPtr } from '../../include/linux/compiler_types.ts';

/** Makes a file's text for the reading task (a seq_file show()); a number is -errno at open. */
export type ProcShow = (t: Task) => string | Uint8Array | number;

/** struct proc_dir_entry */
export interface ProcDirEntry {
  readonly name: string;
  readonly mode: number;
  readonly show?: ProcShow;
  /** A writable file's store (proc_ops.proc_write): the bytes of one write(2); returns 0 or -errno. */
  readonly write?: (t: Task, data: Uint8Array) => number;
  /**
   * Without a write handler, refuse opens for writing with EACCES, root's too (sysctl's
   * proc_sys_permission, kernfs_fop_open); other proc files open and fail the write instead.
   */
  readonly strict_ro?: boolean;
  readonly link?: (t: Task) => string | number;
  /** A magic link's object (proc_fd_link, nd_jump_link): followed as that dentry, not as text; null: follow the text. */
  readonly jump?: (t: Task) => Dentry | number | null;
  readonly children?: Map<string, ProcDirEntry>;
  /** A directory whose entries are computed (like /proc/PID): lookup and list. */
  dyn?: { lookup(t: Task, name: string): ProcDirEntry | null; list(t: Task): string[] };
  /** Stable inode number. */
  readonly ino: number;
  /** The task a /proc/PID entry belongs to: its inode is owned by task_dump_owner(). */
  readonly task?: Task;
  /** inode_operations.permission (proc_fd_permission): replaces the mode-bit check. */
  readonly permission?: (t: Task, mask: number, inode: Inode) => number;
}

/** task_dump_owner(): a dumpable task's euid/egid, else root's. */
export function task_dump_owner(task: Task): [number, number] {
  return task.mm && !task.mm.dumpable ? [0, 0] : [task.cred.euid, task.cred.egid];
}

export const PROC_ROOT_INO = 1;

/** The superblock of a registry-backed file system: proc, and sysfs (which shares the code, as kernfs). */
export class ProcSuper implements SuperBlock {
  readonly s_dev: number;
  private ino = 0x10000;
  next_ino(): number { return ++this.ino; }
  readonly root: ProcDirEntry;
  constructor(readonly k: Kernel, readonly s_type = 'proc') {
    this.s_dev = get_anon_dev(k);
    this.root = { name: '/', mode: S_IFDIR | 0o555, children: new Map(), ino: PROC_ROOT_INO };
  }
}

const PROC_SB_STATE = new StateKey<Kernel, ProcSuper>('procfs', (k) => new ProcSuper(k));
export function proc_sb(k: Kernel): ProcSuper { return state_of(k, PROC_SB_STATE); }

/** Finds or creates the directory entry for a slash-separated parent path ('' is the root). */
function proc_dir(k: Kernel, path: string): ProcDirEntry {
  const sb = proc_sb(k);
  let d = sb.root;
  for (const part of path.split('/').filter(Boolean)) {
    let c = d.children!.get(part);
    if (!c) { c = { name: part, mode: S_IFDIR | 0o555, children: new Map(), ino: sb.next_ino() }; d.children!.set(part, c); }
    d = c;
  }
  return d;
}

function split(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  return i < 0 ? ['', path] : [path.slice(0, i), path.slice(i + 1)];
}

/**
 * proc_create(): a file whose text comes from show, read-only (mode 0444) unless given a mode
 * and a write handler.
 */
export function proc_create(k: Kernel, path: string, show: ProcShow, mode = 0o444, write?: ProcDirEntry['write'], strict_ro = false): ProcDirEntry {
  const [dir, name] = split(path);
  const e: ProcDirEntry = { name, mode: S_IFREG | mode, show, write, strict_ro, ino: proc_sb(k).next_ino() };
  proc_dir(k, dir).children!.set(name, e);
  return e;
}

/** proc_symlink(): a link whose target is computed for the reading task. */
export function proc_symlink(k: Kernel, path: string, link: (t: Task) => string | number): ProcDirEntry {
  const [dir, name] = split(path);
  const e: ProcDirEntry = { name, mode: S_IFLNK | 0o777, link, ino: proc_sb(k).next_ino() };
  proc_dir(k, dir).children!.set(name, e);
  return e;
}

/** proc_mkdir() */
export function proc_mkdir(k: Kernel, path: string): ProcDirEntry { return proc_dir(k, path); }

/** A directory with computed entries (proc_pid_lookup / proc_pid_readdir). */
export function proc_create_dyn(k: Kernel, path: string, dyn: NonNullable<ProcDirEntry['dyn']>): ProcDirEntry {
  const [dir, name] = split(path);
  const e: ProcDirEntry = { name, mode: S_IFDIR | 0o555, dyn, children: new Map(), ino: proc_sb(k).next_ino() };
  proc_dir(k, dir).children!.set(name, e);
  return e;
}

/** remove_proc_entry() */
export function remove_proc_entry(k: Kernel, path: string): void {
  const [dir, name] = split(path);
  proc_dir(k, dir).children!.delete(name);
}

const enc = new TextEncoder();

/** seq_read over the snapshot taken at open. */
export const proc_reg_file_ops: FileOperations = {
  open(inode, f, t) {
    const e = inode.i_private as ProcDirEntry;
    if (e.strict_ro && (f.f_flags & O_ACCMODE) !== O_RDONLY && !e.write) return -EACCES;
    const text = e.show!(t);
    if (typeof text === 'number') return text;
    f.private_data = typeof text === 'string' ? enc.encode(text) : text;
    return 0;
  },
  read(f, t, ubuf: UserPtr, count, pos) {
    const b = f.private_data as Uint8Array;
    if (pos >= b.length) return 0;
    const n = Math.min(count, b.length - pos);
    const left = copy_to_user(t, ubuf, b, pos, n);
    return left === n ? -EFAULT : n - left;
  },
  write(f, t, ubuf: UserPtr, count) {
    const e = f.f_inode.i_private as ProcDirEntry;
    if (!e.write) return -EIO;
    const b = new Uint8Array(Math.min(Math.max(count, 0), PAGE_SIZE));
    if (copy_from_user(t, b, 0, ubuf, b.length)) return -EFAULT;
    const err = e.write(t, b);
    return err < 0 ? err : count;
  },
};

const proc_dir_ops: FileOperations = {
  iterate_shared(f, emit) {
    const d = f.f_dentry!;
    const e = d.d_inode!.i_private as ProcDirEntry;
    const t = f.private_data as Task;
    const names = ['.', '..', ...(e.children ? e.children.keys() : []), ...(e.dyn ? e.dyn.list(t) : [])];
    let i = f.f_pos;
    for (; i < names.length; i++) {
      const n = names[i];
      let ino = e.ino, type = 4;
      if (n === '..') ino = (d.d_parent ?? d).d_inode!.i_ino;
      else if (n !== '.') {
        const c = proc_child(t, e, n);
        if (!c) continue;
        ino = c.ino; type = (c.mode & S_IFMT) >> 12;
      }
      if (!emit(n, ino, type)) break;
    }
    return i;
  },
  open(_inode, f, t) { f.private_data = t; return 0; },
};

function proc_child(t: Task, e: ProcDirEntry, name: string): ProcDirEntry | null {
  return e.children?.get(name) ?? e.dyn?.lookup(t, name) ?? null;
}

/** Makes the inode for a proc entry (proc_get_inode). */
export function proc_get_inode(sb: ProcSuper, e: ProcDirEntry, uid = 0, gid = 0): Inode {
  const inode = new Inode(sb, e.ino, e.mode);
  inode.i_uid = uid; inode.i_gid = gid;
  inode.i_private = e;
  const fmt = e.mode & S_IFMT;
  if (fmt === S_IFDIR) {
    inode.i_nlink = 2;
    inode.i_fop = proc_dir_ops;
    inode.i_op = { lookup: proc_lookup };
  } else if (fmt === S_IFLNK) {
    inode.i_op = e.jump ? { get_link: (_i, t) => e.link!(t), jump_link: (_i, t) => e.jump!(t) } : { get_link: (_i, t) => e.link!(t) };
  } else inode.i_fop = proc_reg_file_ops;
  if (e.permission) inode.i_op = { ...inode.i_op, permission: (i, t, mask) => e.permission!(t, mask, i) };
  return inode;
}

/** proc_lookup(): never cached, so /proc/PID and registered entries are always current. */
function proc_lookup(dir: Dentry, name: string): Dentry | null {
  const e = dir.d_inode!.i_private as ProcDirEntry;
  const sb = dir.d_inode!.i_sb as ProcSuper;
  const t = sb.k.current;
  if (!t) return null;
  const c = proc_child(t, e, name);
  if (!c) return null;
  const [uid, gid] = c.task ? task_dump_owner(c.task) : [0, 0];
  return new Dentry(name, dir, proc_get_inode(sb, c, uid, gid));
}

/** The root dentry of a new proc mount (all mounts show the one registry). */
export function proc_fill_super(k: Kernel): Dentry {
  const sb = proc_sb(k);
  return new Dentry('/', null, proc_get_inode(sb, sb.root));
}

void ENOENT;
