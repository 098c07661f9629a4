/**
 * anon_inode_getfile (fs/anon_inodes.c): files with no name in any directory (epoll, eventfd,
 * signalfd, timerfd). Each gets a fresh inode of the anon_inode superblock with the caller's
 * f_op and private data, and the class name Linux gives its dentry ("[eventfd]"), which
 * /proc/PID/fd shows as "anon_inode:[eventfd]".
 */
import { O_ACCMODE, O_NONBLOCK, O_RDWR } from '../include/uapi/fcntl.ts';
import { File, FMODE_READ, FMODE_STREAM, FMODE_WRITE, Inode, type FileOperations, type SuperBlock } from './fs_types.ts';

class AnonInodeSuper implements SuperBlock {
  readonly s_type = 'anon_inodefs';
  readonly s_dev = 0x0d;
  private ino = 0;
  next_ino(): number { return ++this.ino; }
}

const anon_sb = new AnonInodeSuper();

/** An anon_inodefs inode; `name` is its file's dentry name ("[eventpoll]"). */
export class AnonInode extends Inode {
  constructor(sb: SuperBlock, ino: number, mode: number, readonly name: string) { super(sb, ino, mode); }
}

/** A new unnamed file (mode 0600, no type bits, as anon_inode_fs gives) with fops and priv. */
export function anon_inode_getfile(name: string, fops: FileOperations, priv: unknown, flags: number, mode = 0o600): File {
  const inode = new AnonInode(anon_sb, anon_sb.next_ino(), mode, name);
  inode.i_fop = fops;
  const acc = flags & O_ACCMODE;
  const fmode = (acc === O_RDWR || acc === 0 ? FMODE_READ : 0) | (acc !== 0 ? FMODE_WRITE : 0) | FMODE_STREAM;
  const f = new File(fops, flags & (O_ACCMODE | O_NONBLOCK), fmode, inode, null);
  f.private_data = priv;
  return f;
}
