/**
 * The file-system part of boot (init/do_mounts.c, fs/namespace.c mnt_init): records the root
 * mount, registers proc, devtmpfs and hostfs, mounts devtmpfs on /dev and proc on /proc, and
 * sysfs's module tree on /sys/module.
 */
import type { Kernel } from '../kernel.ts';
import { devtmpfs_init } from './devfs/devtmpfs.ts';
import { hostfs_init } from './hostfs.ts';
import { do_add_mount, init_mount_tree } from './namespace.ts';
import { proc_fill_super } from './proc/generic.ts';
import { proc_root_init } from './proc/root.ts';
import { mkdir_p } from '../init/initramfs.ts';
import { sysfs_init } from './sysfs/module.ts';
import { ksysfs_init } from './sysfs/ksysfs.ts';

export function fs_init(k: Kernel): void {
  init_mount_tree(k);
  proc_root_init(k);
  hostfs_init(k);
  const dev = mkdir_p(k.root, '/dev');
  const devroot = devtmpfs_init(k, dev);
  if (!devroot.d_mnt) do_add_mount(k, devroot, dev, 'devtmpfs', 2 /* nosuid */, 'mode=755');
  do_add_mount(k, proc_fill_super(k), mkdir_p(k.root, '/proc'), 'proc', 2 | 4 | 8);
  sysfs_init(k);
  ksysfs_init(k);
}
