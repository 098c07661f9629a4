/**
 * The mount table (fs/namespace.c, fs/super.c): mount(2) and umount2(2) for tmpfs, proc,
 * devtmpfs and hostfs; /proc/mounts reads it. File system types register themselves with
 * register_filesystem; each mount gets a Mount whose root dentry covers the mountpoint.
 */
import { EBUSY, EFAULT, EINVAL, ENODEV, ENOTDIR, EPERM, ENOENT } from '../include/uapi/errno.ts';
import { AT_FDCWD } from '../include/uapi/fcntl.ts';
import { S_ISDIR } from '../include/uapi/stat.ts';
import type { Kernel } from '../kernel.ts';
import { strncpy_from_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { Mount, type Dentry } from './fs_types.ts';
import { follow_mount, user_path_at } from './namei.ts';
import { getname } from './open.ts';
import { ShmemSbInfo, shmem_parse_options, tmpfs_mount } from './tmpfs.ts';
import { StateKey, state_of } from '../include/linux/ext_state.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_BIND = 4096, MS_MOVE = 8192;
export const MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;

/** struct file_system_type: makes the root of a new instance (or -errno). */
export interface FileSystemType {
  readonly name: string;
  /** No backing device ("nodev" in /proc/filesystems). */
  readonly nodev: boolean;
  mount(k: Kernel, t: Task | null, source: string, data: string): Dentry | number;
}

interface NsState { types: Map<string, FileSystemType>; mounts: Mount[] }

const MNT_NS = new StateKey<Kernel, NsState>('mnt_namespace', () => ({
  types: new Map([['tmpfs', { name: 'tmpfs', nodev: true, mount: (k, _t, _src, data) => tmpfs_fill_super(k, data) }]]),
  mounts: [],
}));
const ns = (k: Kernel): NsState => state_of(k, MNT_NS);

export function register_filesystem(k: Kernel, fs: FileSystemType): void { ns(k).types.set(fs.name, fs); }
export function filesystems(k: Kernel): FileSystemType[] { return [...ns(k).types.values()]; }
/** The mount table in mount order (the root first). */
export function mounts(k: Kernel): readonly Mount[] { return ns(k).mounts; }

/** Records the root file system as the first mount (init_mount_tree). */
export function init_mount_tree(k: Kernel): void {
  const root = k.root;
  if (root.d_mnt) return;
  const m = new Mount(root, null, 'rootfs', 0);
  root.d_mnt = m;
  ns(k).mounts.unshift(m);
}

/** shmem_fill_super(): a new tmpfs with its size= limit charged to this machine's memory. */
function tmpfs_fill_super(k: Kernel, data: string): Dentry | number {
  const o = shmem_parse_options(k.phys, data);
  if (typeof o === 'number') return o;
  return tmpfs_mount(k, o.mode ?? 0o1777, 'tmpfs', new ShmemSbInfo(k.phys, o.max_blocks));
}

/** do_new_mount(): attaches root on top of mountpoint. */
export function do_add_mount(k: Kernel, root: Dentry, mountpoint: Dentry, devname: string, flags: number, opts = ''): Mount {
  const target = follow_mount(mountpoint);
  const m = new Mount(root, target, devname, flags, opts);
  root.d_mnt = m;
  target.d_mounted = m;
  ns(k).mounts.push(m);
  return m;
}

/** Mounts a registered type from the kernel (boot-time and mount_hostfs). */
export function kern_mount(k: Kernel, type: string, source: string, mountpoint: Dentry, flags = 0, data = ''): Mount | number {
  const fs = ns(k).types.get(type);
  if (!fs) return -ENODEV;
  const root = fs.mount(k, null, source, data);
  if (typeof root === 'number') return root;
  return do_add_mount(k, root, mountpoint, source, flags, data);
}

function opt_str(t: Task, p: UserPtr, max: number): string | number {
  if (!p) return '';
  const s = strncpy_from_user(t, p, max);
  return s;
}

export function sys_mount(t: Task, usrc: UserPtr, utarget: UserPtr, utype: UserPtr, flags: number, udata: UserPtr): number {
  if (t.cred.euid !== 0) return -EPERM;
  const target = getname(t, utarget);
  if (typeof target === 'number') return target;
  const d = user_path_at(t, AT_FDCWD, target, true);
  if (typeof d === 'number') return d;
  const source = opt_str(t, usrc, 4095), type = opt_str(t, utype, 255), data = opt_str(t, udata, 4095);
  if (typeof source === 'number') return source;
  if (typeof type === 'number') return type;
  if (typeof data === 'number') return data;
  if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE)) return -EINVAL; // not supported: see support note
  if (!S_ISDIR(d.d_inode!.i_mode)) return -ENOTDIR;
  const fs = ns(t.kernel).types.get(type);
  if (!fs) return -ENODEV;
  const root = fs.mount(t.kernel, t, source, data);
  if (typeof root === 'number') return root;
  do_add_mount(t.kernel, root, d, source || 'none', flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC), data);
  return 0;
}

/** Is any task's cwd or an open file inside the mount (propagate_mount_busy, simplified)? */
function mount_busy(k: Kernel, m: Mount): boolean {
  const inside = (d: Dentry | null): boolean => {
    for (let x = d; x; x = x.d_parent) if (x === m.mnt_root) return true;
    return false;
  };
  for (const t of k.tasks.values()) {
    if (!t.alive) continue;
    if (t.fs && (inside(t.fs.pwd) || inside(t.fs.root))) return true;
    if (t.files) for (const [, f] of t.files.open_fds()) if (inside(f.f_dentry)) return true;
  }
  return ns(k).mounts.some((c) => c !== m && c.mnt_mountpoint && inside(c.mnt_mountpoint));
}

export function sys_umount2(t: Task, utarget: UserPtr, flags: number): number {
  if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -EINVAL;
  if (flags & MNT_EXPIRE && flags & (MNT_FORCE | MNT_DETACH)) return -EINVAL;
  if (t.cred.euid !== 0) return -EPERM;
  const target = getname(t, utarget);
  if (typeof target === 'number') return target;
  const d = user_path_at(t, AT_FDCWD, target, !(flags & UMOUNT_NOFOLLOW));
  if (typeof d === 'number') return d;
  const m = d.d_mnt;
  if (!m || !m.mnt_mountpoint) return -EINVAL; // not a mount root, or the root mount
  if (!(flags & MNT_DETACH) && mount_busy(t.kernel, m)) return -EBUSY;
  const s = ns(t.kernel);
  s.mounts.splice(s.mounts.indexOf(m), 1);
  m.mnt_mountpoint.d_mounted = null;
  return 0;
}

void EFAULT; void ENOENT;

export const namespace_syscalls: readonly SyscallDef[] = [
  { name: 'mount', fn: sys_mount, args: ['path', 'path', 'path', 'hex', 'ptr'], support: 'partial', note: 'new mounts of tmpfs, proc, hostfs (devtmpfs is mounted once, on /dev: a second mount is EBUSY); no remount, bind or move' },
  { name: 'umount2', fn: sys_umount2, args: ['path', 'int hex'] },
];
