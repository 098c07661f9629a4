/**
 * The VFS objects (include/linux/fs.h, include/linux/dcache.h): Inode, Dentry, File and
 * their operation tables. File systems fill the operation tables; fs/*.ts syscalls call them.
 */
import type { Task } from '../sched/task.ts';
import type { PollTable } from './poll_types.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const FMODE_READ = 1;
export const FMODE_WRITE = 2;
export const FMODE_LSEEK = 4;
export const FMODE_PREAD = 8;
export const FMODE_PWRITE = 16;
export const FMODE_PATH = 0x4000; // O_PATH: the fd names an object, no I/O
/** Reads and writes leave f_pos alone (no position: anonymous-inode files). */
export const FMODE_STREAM = 0x200000;

export type SysRet = number | Promise<number>;

/** struct file_operations. Every method returns a byte count or a negative errno. */
export interface FileOperations {
  /** Reads count bytes at pos into user memory at ubuf; the caller advances f_pos. */
  read?(f: File, t: Task, ubuf: UserPtr, count: number, pos: number): SysRet;
  write?(f: File, t: Task, ubuf: UserPtr, count: number, pos: number): SysRet;
  /**
   * readv/writev as one transfer over the whole vector (sock_read_iter / sock_write_iter: a
   * socket's recvmsg/sendmsg takes every segment at once). segs holds (base, len) pairs from
   * import_iovec, total bytes > 0. Files without them go segment by segment (do_loop_readv_writev).
   */
  read_iter?(f: File, t: Task, segs: readonly number[], total: number): SysRet;
  write_iter?(f: File, t: Task, segs: readonly number[], total: number): SysRet;
  /** Returns the new position or -errno. Without it, the generic llseek applies. */
  llseek?(f: File, offset: number, whence: number): number;
  /** Returns the ready mask (POLLIN…) and registers on wait queues through pt. */
  poll?(f: File, t: Task, pt: PollTable | null): number;
  unlocked_ioctl?(f: File, t: Task, cmd: number, arg: number): SysRet;
  open?(inode: Inode, f: File, t: Task): number;
  /** Called by close(2) on the last descriptor's close; its error is close's (f_op->flush). */
  flush?(f: File, t: Task): number;
  /** Called when the last reference to the file is dropped. */
  release?(inode: Inode, f: File): void;
  fsync?(f: File, t: Task, datasync: boolean): SysRet;
  /** Directory listing from index `pos`; emit returns false when the buffer is full. */
  iterate_shared?(f: File, emit: (name: string, ino: number, type: number) => boolean): number;
  /**
   * Gives a file mapping its backing page source (mmap of a file); -errno to refuse. `off` and
   * `size` are the mapping's file offset and page-aligned length (vm_pgoff, vm_end - vm_start).
   */
  mmap?(f: File, t: Task, off: number, size: number): import('../mm/mm_types.ts').VmFile | number;
  /**
   * Kernel-buffer I/O for sendfile (the role splice_read/splice_write play in Linux):
   * reads into / writes from buf[off..off+count) at pos; returns bytes or -errno.
   */
  splice_read?(f: File, buf: Uint8Array, off: number, count: number, pos: number): number;
  splice_write?(f: File, t: Task, buf: Uint8Array, off: number, count: number, pos: number): SysRet;
  /** fallocate(2) after vfs_fallocate()'s checks: the modes the file system supports, others -EOPNOTSUPP. */
  fallocate?(f: File, mode: number, offset: number, len: number): number;
  /** The type-specific lines of /proc/PID/fdinfo/N (f_op->show_fdinfo). */
  show_fdinfo?(f: File): string;
}

/**
 * struct inode_operations. The VFS keeps the namespace in the dentry tree and enforces every
 * rule itself; a file system with a backing store (hostfs) or a synthetic namespace (procfs)
 * fills these to look names up and to mirror changes. Each returns 0 or -errno.
 */
export interface InodeOperations {
  /** Finds a name the dcache does not hold (procfs pids, hostfs files). */
  lookup?(dir: Dentry, name: string): Dentry | null;
  /** Replaces the mode-bit check (Linux's i_op->permission): 0 or -EACCES. */
  permission?(inode: Inode, t: Task, mask: number): number;
  /** A symlink's target computed on demand (procfs's /proc/self, /proc/PID/fd/N). */
  get_link?(inode: Inode, t: Task): string | number;
  /**
   * A magic link (/proc/PID/fd/N, cwd, root): the dentry the walk jumps to (nd_jump_link), so
   * an unlinked file is reached too; null to follow get_link's text instead.
   */
  jump_link?(inode: Inode, t: Task): Dentry | number | null;
  /** Mirrors of namespace changes, called after the VFS has checked them. */
  create?(dir: Dentry, d: Dentry): number;
  mkdir?(dir: Dentry, d: Dentry): number;
  symlink?(dir: Dentry, d: Dentry, target: string): number;
  link?(old: Dentry, dir: Dentry, d: Dentry): number;
  unlink?(dir: Dentry, d: Dentry): number;
  rmdir?(dir: Dentry, d: Dentry): number;
  rename?(od: Dentry, old: Dentry, nd: Dentry, name: string, flags: number): number;
  /** Attribute change (chmod, truncate, utimes) to mirror. */
  setattr?(d: Dentry, inode: Inode): number;
}

export interface SuperBlock {
  readonly s_type: string;
  readonly s_dev: number;
  next_ino(): number;
  /** Called when an inode loses its last link (the file system frees it once unused). */
  evict_inode?(inode: Inode): void;
}

/** struct mount / vfsmount: one file system instance attached at a mountpoint. */
export class Mount {
  constructor(
    readonly mnt_root: Dentry,
    /** The covered dentry (null for the root mount). */
    readonly mnt_mountpoint: Dentry | null,
    readonly mnt_devname: string,
    readonly mnt_flags: number,
    readonly mnt_opts = '',
  ) {}
  get fstype(): string { return this.mnt_root.d_inode!.i_sb.s_type; }
}

export class Inode {
  i_uid = 0;
  i_gid = 0;
  i_nlink = 1;
  i_rdev = 0;
  /** Times in nanoseconds since the epoch. */
  i_atime = 0; i_mtime = 0; i_ctime = 0;
  i_op: InodeOperations = {};
  i_fop: FileOperations = {};
  /** File-system private data (tmpfs: the memfs storage node; pipes: the pipe). */
  i_private: unknown = null;
  /** Bytes, for file systems that do not compute it. */
  size = 0;
  /** I_* state bits (I_DIRTY: data not yet written back). */
  i_state = 0;
  /** The page cache of a mapped regular file (struct address_space, kernel/mm/filemap.ts). */
  i_mapping: import('../mm/filemap.ts').AddressSpace | null = null;
  /** The file locks on this inode (i_flctx, kernel/fs/locks.ts), made on first use. */
  i_flctx: import('./locks.ts').FileLockContext | null = null;
  /** File seals of a tmpfs regular file (shmem_inode_info's seals; F_SEAL_SEAL until a memfd allows sealing). */
  i_seals = 1;
  /** Extended attributes by full name (simple_xattrs of tmpfs, kernel/fs/xattr.ts), made on first set. */
  i_xattrs: Map<string, Uint8Array> | null = null;
  /** The fsnotify marks (inotify watches) on this inode, null when none (the hooks' fast test). */
  i_fsnotify_marks: import('./notify/fsnotify.ts').FsnotifyMark[] | null = null;

  constructor(readonly i_sb: SuperBlock, readonly i_ino: number, public i_mode: number) {
    const now = Date.now() * 1e6;
    this.i_atime = this.i_mtime = this.i_ctime = now;
  }

  get i_size(): number { return this.size; }
}

export class Dentry {
  readonly d_children = new Map<string, Dentry>();
  /** The mount stacked on this dentry (a mountpoint), if any. */
  d_mounted: Mount | null = null;
  /** Set on a mounted file system's root: its mount (to cross back up through `..`). */
  d_mnt: Mount | null = null;
  /** Unhashed (unlinked or removed): no longer reachable by name. */
  d_unhashed = false;
  /** Open files on this dentry (the references they hold: an unlinked inode is dropped after the last). */
  d_opens = 0;
  constructor(public d_name: string, public d_parent: Dentry | null, public d_inode: Inode | null) {}

  /** The absolute path (d_path), crossing mountpoints; deleted entries get " (deleted)". */
  path(): string {
    const parts: string[] = [];
    let deleted = false;
    for (let d: Dentry | null = this; d;) {
      if (d.d_unhashed) deleted = true;
      if (d.d_mnt && d.d_mnt.mnt_mountpoint) { d = d.d_mnt.mnt_mountpoint; continue; }
      if (!d.d_parent) break;
      parts.push(d.d_name);
      d = d.d_parent;
    }
    return '/' + parts.reverse().join('/') + (deleted ? ' (deleted)' : '');
  }
}

/**
 * The dentry of a file that has no name in any directory (alloc_file_pseudo's: a pipe, a socket,
 * an anonymous inode), made when /proc/PID/fd/N is followed. Only a pipe can be opened again
 * through it; the others are ENXIO (sock_no_open, no_open), though stat and O_PATH reach them.
 */
export class PseudoDentry extends Dentry {
  constructor(name: string, inode: Inode, readonly no_open: boolean) { super(name, null, inode); }
}

export class File {
  f_pos = 0;
  f_count = 1;
  private_data: unknown = null;

  constructor(
    public f_op: FileOperations,
    public f_flags: number,
    public f_mode: number,
    readonly f_inode: Inode,
    readonly f_dentry: Dentry | null,
  ) { if (f_dentry) f_dentry.d_opens++; }

  /** Takes a reference (get_file). */
  get(): File { this.f_count++; return this; }
}
