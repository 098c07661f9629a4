/**
 * Miscellaneous character devices (drivers/char/misc.c): major 10, a minor per device (fixed
 * or allocated), /dev/NAME created in devtmpfs by misc_register and removed by misc_deregister.
 *
 * misc_open looks the minor up and swaps in the driver's operations after taking a reference
 * on the owning module (fops_get → try_module_get); the reference is dropped when the last
 * reference to the file goes (__fput → module_put), so a module whose device is open cannot be
 * unloaded.
 */
import { EBUSY, EINVAL, ENODEV } from '../../include/uapi/errno.ts';
import type { Kernel } from '../../kernel.ts';
import { type Module, module_put, try_module_get } from '../../modules/module.ts';
import type { FileOperations } from '../fs_types.ts';
import { cdev_add, cdev_del, MKDEV, MINOR } from './char_dev.ts';
import { devtmpfs_create_node, devtmpfs_delete_node, devtmpfs_root } from './devtmpfs.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';

export const MISC_MAJOR = 10;
/** include/linux/miscdevice.h */
export const MISC_DYNAMIC_MINOR = 255;
/** Dynamic minors come from above MISC_DYNAMIC_MINOR (misc_minor_alloc, Linux 6.x). */
const DYNAMIC_MINOR_BASE = MISC_DYNAMIC_MINOR + 1;

/** struct miscdevice */
export interface MiscDevice {
  minor: number;
  readonly name: string;
  readonly fops: FileOperations;
  /** The module that provides fops (fops->owner); null for built-in drivers. */
  readonly owner?: Module | null;
  /** Mode of the /dev node (default 0600, as devtmpfs gives misc devices without a mode). */
  readonly mode?: number;
}

interface MiscState {
  readonly by_minor: Map<number, MiscDevice>;
  readonly wrapped: Map<MiscDevice, FileOperations>;
  /** misc_fops: what chrdev_open finds for every (10, minor). */
  readonly fops: FileOperations;
}

const MISC_STATE = new StateKey<Kernel, MiscState>('misc', (k) => ({ by_minor: new Map(), wrapped: new Map(), fops: misc_fops(k) }));
const misc_state = (k: Kernel): MiscState => state_of(k, MISC_STATE);

/** The driver's operations with the module reference dropped after release (__fput's order). */
function owned_fops(m: MiscDevice): FileOperations {
  const drv = m.fops, owner = m.owner ?? null;
  return {
    ...drv,
    release(inode, f) {
      try { drv.release?.(inode, f); } finally { module_put(owner); }
    },
  };
}

/** misc_open(): chrdev_open for major 10. */
function misc_fops(k: Kernel): FileOperations {
  return {
    open(inode, f, t) {
      const m = misc_state(k).by_minor.get(MINOR(inode.i_rdev));
      if (!m) return -ENODEV;
      if (!try_module_get(m.owner)) return -ENODEV;
      f.f_op = misc_state(k).wrapped.get(m)!;
      f.private_data = m;
      const err = m.fops.open ? m.fops.open(inode, f, t) : 0;
      if (err) { module_put(m.owner); f.f_op = {}; }
      return err;
    },
  };
}

/** misc_register(): 0 or -errno (-EBUSY if the minor or the name is taken). */
export function misc_register(k: Kernel, m: MiscDevice): number {
  const s = misc_state(k);
  if (!m.name) return -EINVAL;
  if (m.minor === MISC_DYNAMIC_MINOR) {
    let minor = DYNAMIC_MINOR_BASE;
    while (s.by_minor.has(minor)) minor++;
    m.minor = minor;
  } else if (s.by_minor.has(m.minor)) return -EBUSY;
  if (devtmpfs_root(k).d_children.has(m.name)) return -EBUSY; // device_create would fail with -EEXIST → misc returns it
  s.by_minor.set(m.minor, m);
  cdev_add(k, MKDEV(MISC_MAJOR, m.minor), s.fops);
  s.wrapped.set(m, owned_fops(m));
  devtmpfs_create_node(k, m.name, MKDEV(MISC_MAJOR, m.minor), m.mode ?? 0o600);
  return 0;
}

/** misc_deregister(): removes the node; open files keep working until closed. */
export function misc_deregister(k: Kernel, m: MiscDevice): void {
  const s = misc_state(k);
  if (s.by_minor.get(m.minor) !== m) return;
  s.by_minor.delete(m.minor);
  s.wrapped.delete(m);
  const d = devtmpfs_root(k).d_children.get(m.name);
  if (d && d.d_inode?.i_rdev === MKDEV(MISC_MAJOR, m.minor)) devtmpfs_delete_node(k, m.name);
  cdev_del(k, MKDEV(MISC_MAJOR, m.minor));
}
