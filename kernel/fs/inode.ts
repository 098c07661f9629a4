/**
 * init_special_inode() (fs/inode.c): the file operations of device, FIFO and socket inodes.
 * A character device's open finds its driver by number (chrdev_open); privos has no block
 * drivers, so a block device opens as ENXIO (blkdev_open without a bdev); a socket inode cannot
 * be opened (no_open: ENXIO).
 */
import { ENXIO } from '../include/uapi/errno.ts';
import { S_IFMT, S_IFBLK, S_IFCHR, S_IFIFO, S_IFSOCK } from '../include/uapi/stat.ts';
import { def_chr_fops } from './devfs/char_dev.ts';
import type { FileOperations, Inode } from './fs_types.ts';
import { pipefifo_fops } from './pipe.ts';

const def_blk_fops: FileOperations = { open: () => -ENXIO };
const no_open_fops: FileOperations = { open: () => -ENXIO };

export function init_special_inode(inode: Inode, mode: number, rdev: number): void {
  inode.i_mode = mode;
  switch (mode & S_IFMT) {
    case S_IFCHR: inode.i_fop = def_chr_fops; inode.i_rdev = rdev; break;
    case S_IFBLK: inode.i_fop = def_blk_fops; inode.i_rdev = rdev; break;
    case S_IFIFO: inode.i_fop = pipefifo_fops; break;
    case S_IFSOCK: inode.i_fop = no_open_fops; break;
  }
}
