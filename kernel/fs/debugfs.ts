/**
 * A minimal debugfs (fs/debugfs/inode.c): files whose operations a subsystem supplies, under
 * /sys/kernel/debug. privos keeps them in the root file system's directory tree (no separate
 * superblock is mounted there); the API is Linux's: debugfs_create_file / debugfs_remove.
 */
import { S_IFREG } from '../include/uapi/stat.ts';
import type { Kernel } from '../kernel.ts';
import { mkdir_p } from '../init/initramfs.ts';
import { Dentry, type FileOperations } from './fs_types.ts';
import { shmem_get_inode } from './tmpfs.ts';

export const DEBUGFS_ROOT = '/sys/kernel/debug';

/** debugfs_create_file(name, mode, parent, data, fops): the file's dentry. */
export function debugfs_create_file(k: Kernel, name: string, mode: number, fops: FileOperations, data: unknown = null): Dentry {
  const dir = mkdir_p(k.root, DEBUGFS_ROOT, 0o700);
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFREG | (mode & 0o7777));
  inode.i_fop = fops;
  inode.i_private = data;
  const d = new Dentry(name, dir, inode);
  dir.d_children.set(name, d);
  return d;
}

/** debugfs_remove(): unlinks the file (open files keep working, as in Linux). */
export function debugfs_remove(d: Dentry): void {
  const dir = d.d_parent;
  if (dir && dir.d_children.get(d.d_name) === d) dir.d_children.delete(d.d_name);
}
