/**
 * The VFS objects (include/linux/fs.h, include/linux/dcache.h): Inode, Dentry, File and
 * their operation tables. File systems fill the operation tables; fs/*.ts syscalls call them.
 */
import type { Task } from '../sched/task.ts';
import type { PollTable } from './poll_types.ts';

export const FMODE_READ = 1;
export const FMODE_WRITE = 2;
export const FMODE_LSEEK = 4;
export const FMODE_PREAD = 8;
export const FMODE_PWRITE = 16;
export const FMODE_PATH = 0x4000; // O_PATH: the fd names an object, no I/O

export type SysRet = number | Promise<number>;

/** struct file_operations. Every method returns a byte count or a negative errno. */
export interface FileOperations {
  /** Reads count bytes at pos into user memory at ubuf; the caller advances f_pos. */
  read?(f: File, t: Task, ubuf: number, count: number, pos: number): SysRet;
  write?(f: File, t: Task, ubuf: number, count: number, pos: number): SysRet;
  /** Returns the new position or -errno. Without it, the generic llseek applies. */
  llseek?(f: File, offset: number, whence: number): number;
  /** Returns the ready mask (POLLIN…) and registers on wait queues through pt. */
  poll?(f: File, t: Task, pt: PollTable | null): number;
  unlocked_ioctl?(f: File, t: Task, cmd: number, arg: number): SysRet;
  open?(inode: Inode, f: File, t: Task): number;
  /** Called when the last reference to the file is dropped. */
  release?(inode: Inode, f: File): void;
  fsync?(f: File, t: Task, datasync: boolean): SysRet;
  /** Directory listing from index `pos`; emit returns false when the buffer is full. */
  iterate_shared?(f: File, emit: (name: string, ino: number, type: number) => boolean): number;
  /** Gives a file mapping its backing page source (mmap of a file). */
  mmap?(f: File, t: Task): import('../mm/mm_types.ts').VmFile | number;
}

/** struct inode_operations (filled by file systems that have a namespace). */
export interface InodeOperations {
  lookup?(dir: Inode, name: string): Inode | null;
  [op: string]: unknown;
}

export interface SuperBlock {
  readonly s_type: string;
  readonly s_dev: number;
  next_ino(): number;
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

  constructor(readonly i_sb: SuperBlock, readonly i_ino: number, public i_mode: number) {
    const now = Date.now() * 1e6;
    this.i_atime = this.i_mtime = this.i_ctime = now;
  }

  get i_size(): number { return this.size; }
}

export class Dentry {
  readonly d_children = new Map<string, Dentry>();
  constructor(public d_name: string, public d_parent: Dentry | null, public d_inode: Inode | null) {}

  /** The absolute path (d_path). */
  path(): string {
    const parts: string[] = [];
    for (let d: Dentry | null = this; d && d.d_parent; d = d.d_parent) parts.push(d.d_name);
    return '/' + parts.reverse().join('/');
  }
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
  ) {}

  /** Takes a reference (get_file). */
  get(): File { this.f_count++; return this; }
}
