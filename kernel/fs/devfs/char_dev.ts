/**
 * Character devices (fs/char_dev.c): a registry of file operations by (major, minor), and the
 * generic open that swaps them in (chrdev_open). devtmpfs nodes are made with mknod_dev.
 */
import { ENXIO } from '../../include/uapi/errno.ts';
import { S_IFCHR } from '../../include/uapi/stat.ts';
import type { Kernel } from '../../kernel.ts';
import { Dentry, type FileOperations, type Inode } from '../fs_types.ts';
import { shmem_get_inode } from '../tmpfs.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';

export const MKDEV = (major: number, minor: number): number => (major << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
export const MAJOR = (dev: number): number => (dev >>> 8) & 0xfff;
export const MINOR = (dev: number): number => (dev & 0xff) | ((dev >>> 12) & ~0xff);

const CDEV_MAP_STATE = new StateKey<Kernel, Map<number, FileOperations>>('cdev_map', () => new Map());
function cdev_map(k: Kernel): Map<number, FileOperations> { return state_of(k, CDEV_MAP_STATE); }

/** cdev_add() for one device number. */
export function cdev_add(k: Kernel, dev: number, fops: FileOperations): void { cdev_map(k).set(dev, fops); }
export function cdev_del(k: Kernel, dev: number): void { cdev_map(k).delete(dev); }

/** def_chr_fops: open finds the driver's operations and installs them in the file. */
export const def_chr_fops: FileOperations = {
  open(inode, f, t) {
    const fops = cdev_map(t.kernel).get(inode.i_rdev);
    if (!fops) return -ENXIO;
    f.f_op = fops;
    return fops.open ? fops.open(inode, f, t) : 0;
  },
};

/** Creates /dev/NAME (devtmpfs's vfs_mknod) under dir. */
export function mknod_dev(dir: Dentry, name: string, dev: number, mode = 0o666, uid = 0, gid = 0): Inode {
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFCHR | mode, uid, gid);
  inode.i_rdev = dev;
  inode.i_fop = def_chr_fops;
  dir.d_children.set(name, new Dentry(name, dir, inode));
  return inode;
}
