/**
 * devtmpfs (drivers/base/devtmpfs.c): one tmpfs instance holding the device nodes, mounted on
 * /dev at boot. Drivers add nodes with devtmpfs_create_node (misc_register does, for /dev/NAME).
 * The nodes unpacked into the root image's /dev move into it.
 */
import { EBUSY } from '../../include/uapi/errno.ts';
import type { Kernel } from '../../kernel.ts';
import type { Dentry, Inode } from '../fs_types.ts';
import { register_filesystem } from '../namespace.ts';
import { tmpfs_mount } from '../tmpfs.ts';
import { mknod_dev } from './char_dev.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';

/** The root of the devtmpfs instance (created on first use). */
const DEVTMPFS_ROOT_STATE = new StateKey<Kernel, Dentry>('devtmpfs', (k) => tmpfs_mount(k, 0o755, 'devtmpfs'));
export function devtmpfs_root(k: Kernel): Dentry { return state_of(k, DEVTMPFS_ROOT_STATE); }

/** devtmpfs_create_node(): /dev/NAME for a character device number. */
export function devtmpfs_create_node(k: Kernel, name: string, dev: number, mode = 0o600, uid = 0, gid = 0): Inode {
  return mknod_dev(devtmpfs_root(k), name, dev, mode, uid, gid);
}

/** devtmpfs_delete_node() */
export function devtmpfs_delete_node(k: Kernel, name: string): void {
  const root = devtmpfs_root(k);
  const d = root.d_children.get(name);
  if (!d) return;
  root.d_children.delete(name);
  d.d_unhashed = true;
  if (d.d_inode) d.d_inode.i_nlink = 0;
}

/** Moves the root image's /dev nodes into devtmpfs and registers the type. */
export function devtmpfs_init(k: Kernel, image_dev: Dentry | undefined): Dentry {
  const root = devtmpfs_root(k);
  if (image_dev) for (const [name, d] of image_dev.d_children) {
    if (root.d_children.has(name)) continue;
    d.d_parent = root;
    root.d_children.set(name, d);
  }
  image_dev?.d_children.clear();
  // One instance, mounted once (at /dev): a dentry belongs to a single mount in privos.
  register_filesystem(k, { name: 'devtmpfs', nodev: true, mount: () => (root.d_mnt ? -EBUSY : root) });
  return root;
}
