/**
 * hostfs (after arch/um/fs/hostfs): a host directory mounted into the emulated tree, so
 * programs can serve real files and persist data. Names are looked up on the host lazily and
 * cached in the dcache; file bytes are read into a memfs storage node at open and written
 * back to the host file by fsync(2) and by close (flush/release) when dirty; mmap goes through
 * tmpfs's page cache (kernel/mm/filemap.ts), written back here first. Namespace
 * changes (create, mkdir, unlink, rename, …) are mirrored on the host as they happen, after
 * the VFS has applied Linux's rules. Documented in docs/hostfs.md.
 *
 * mount(2): mount("/host/dir", "/guest/dir", "hostfs", 0, NULL) (root only);
 * from the host side: mount_hostfs(k, host_dir, guest_path) (`privos run --mount HOST:GUEST`).
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { Node } from '@jsonjoy.com/fs-core';
import { EIO, ENOENT, ENOTDIR } from '../include/uapi/errno.ts';
import { ERRNO_NAMES } from '../include/uapi/errno.ts';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../include/uapi/stat.ts';
import type { Kernel } from '../kernel.ts';
import { Dentry, Inode, type FileOperations, type InodeOperations } from './fs_types.ts';
import { kern_mount, register_filesystem } from './namespace.ts';
import { follow_mount } from './namei.ts';
import { dcache_readdir, get_anon_dev, shmem_file_operations, shmem_node, TmpfsSuper } from './tmpfs.ts';
import { I_DIRTY } from '../include/linux/fs.ts';
import { RENAME_EXCHANGE } from './rename.ts';
import { filemap_write_back } from '../mm/filemap.ts';

/** A Node error (ENOENT, EACCES, …) as -errno. */
function host_errno(e: unknown): number {
  const code = (e as { code?: string }).code;
  const n = code ? ERRNO_NAMES.indexOf(code) : -1;
  return n > 0 ? -n : -EIO;
}

function host_try(fn: () => void): number {
  try { fn(); return 0; } catch (e) { return host_errno(e); }
}

/** The host path of a hostfs dentry: the mount's source joined with the path below its root. */
export function host_path(d: Dentry): string {
  const parts: string[] = [];
  let x: Dentry | null = d;
  while (x && !x.d_mnt) { parts.push(x.d_name); x = x.d_parent; }
  if (!x) throw new Error('hostfs dentry outside a mount');
  return join(x.d_mnt!.mnt_devname, ...parts.reverse());
}

class HostfsSuper extends TmpfsSuper {
  constructor(k: Kernel) { super(get_anon_dev(k), 'hostfs'); }
}

/** Loads the host file's bytes into the inode's storage node (once). */
function host_load(d: Dentry, inode: Inode): number {
  if (inode.i_private) return 0;
  try {
    const data = fs.readFileSync(host_path(d));
    const node = new Node(inode.i_ino, inode.i_mode);
    node.write(data, 0, data.length, 0);
    inode.i_private = node;
    inode.size = data.length;
    return 0;
  } catch (e) {
    return host_errno(e);
  }
}

/** Makes a hostfs file's bytes readable by kernel-internal readers (exec); 0 or -errno. */
export function hostfs_prepare_read(d: Dentry): number {
  const inode = d.d_inode!;
  return inode.i_sb.s_type === 'hostfs' ? host_load(d, inode) : 0;
}

/** Writes a dirty file back to the host (the write-back of fsync and close). */
export function host_flush(d: Dentry | null, inode: Inode): number {
  if (inode.i_mapping) filemap_write_back(inode.i_mapping); // stores through shared mappings
  if (!(inode.i_state & I_DIRTY) || !d || d.d_unhashed || !inode.i_private) return 0;
  const node = shmem_node(inode);
  const err = host_try(() => fs.writeFileSync(host_path(d), node.buf.subarray(0, node.getSize())));
  if (!err) inode.i_state &= ~I_DIRTY;
  return err;
}

const hostfs_file_ops: FileOperations = {
  ...shmem_file_operations,
  open(inode, f) { return f.f_dentry ? host_load(f.f_dentry, inode) : 0; },
  fsync(f) { return host_flush(f.f_dentry, f.f_inode); },
  flush(f) { return host_flush(f.f_dentry, f.f_inode); },
  release(inode, f) { host_flush(f.f_dentry, inode); },
};

/** Makes the inode for a host object (hostfs_iget); null for types privos does not mirror. */
function hostfs_iget(sb: HostfsSuper, st: fs.Stats): Inode | null {
  const fmt = st.mode & S_IFMT;
  if (fmt !== S_IFREG && fmt !== S_IFDIR && fmt !== S_IFLNK) return null;
  const inode = new Inode(sb, sb.next_ino(), st.mode);
  inode.i_uid = st.uid; inode.i_gid = st.gid;
  inode.i_atime = st.atimeMs * 1e6; inode.i_mtime = st.mtimeMs * 1e6; inode.i_ctime = st.ctimeMs * 1e6;
  inode.i_op = hostfs_iops;
  if (fmt === S_IFDIR) { inode.i_fop = hostfs_dir_ops; inode.i_nlink = 2; }
  else { inode.i_fop = hostfs_file_ops; inode.size = st.size; }
  return inode;
}

function hostfs_lookup(dir: Dentry, name: string): Dentry | null {
  let st: fs.Stats;
  const path = join(host_path(dir), name);
  try { st = fs.lstatSync(path); } catch { return null; }
  const inode = hostfs_iget(dir.d_inode!.i_sb as HostfsSuper, st);
  if (!inode) return null;
  if ((st.mode & S_IFMT) === S_IFLNK) {
    const node = new Node(inode.i_ino, inode.i_mode);
    const target = Buffer.from(fs.readlinkSync(path));
    node.write(target, 0, target.length, 0);
    inode.i_private = node; inode.size = target.length;
  }
  const d = new Dentry(name, dir, inode);
  dir.d_children.set(name, d);
  return d;
}

const hostfs_dir_ops: FileOperations = {
  iterate_shared(f, emit) {
    const d = f.f_dentry!;
    if (f.f_pos === 0) {
      // Populate the dcache from the host before listing (hostfs_readdir).
      try { for (const name of fs.readdirSync(host_path(d))) if (!d.d_children.has(name)) hostfs_lookup(d, name); } catch { /* listed as cached */ }
    }
    return dcache_readdir(f, emit);
  },
  fsync: () => 0,
};

const hostfs_iops: InodeOperations = {
  lookup: hostfs_lookup,
  create(dir, d) { d.d_inode!.i_op = hostfs_iops; d.d_inode!.i_fop = hostfs_file_ops; return host_try(() => fs.writeFileSync(host_path(d), '', { mode: d.d_inode!.i_mode & 0o7777 })); },
  mkdir(dir, d) { d.d_inode!.i_op = hostfs_iops; d.d_inode!.i_fop = hostfs_dir_ops; return host_try(() => fs.mkdirSync(host_path(d), d.d_inode!.i_mode & 0o7777)); },
  symlink(dir, d, target) { return host_try(() => fs.symlinkSync(target, host_path(d))); },
  link(old, dir, d) { return host_try(() => fs.linkSync(host_path(old), host_path(d))); },
  unlink(dir, d) { return host_try(() => fs.unlinkSync(host_path(d))); },
  rmdir(dir, d) { return host_try(() => fs.rmdirSync(host_path(d))); },
  rename(od, old, nd, name, flags) {
    const from = host_path(old), to = join(host_path(nd), name);
    if (flags & RENAME_EXCHANGE) {
      const tmp = `${to}.privos-xchg-${process.pid}`;
      return host_try(() => { fs.renameSync(to, tmp); fs.renameSync(from, to); fs.renameSync(tmp, from); });
    }
    return host_try(() => fs.renameSync(from, to));
  },
  setattr(d, inode) {
    return host_try(() => {
      const p = host_path(d);
      fs.chmodSync(p, inode.i_mode & 0o7777);
      if ((inode.i_mode & S_IFMT) === S_IFREG && inode.i_private) { inode.i_state |= I_DIRTY; host_flush(d, inode); }
      fs.utimesSync(p, inode.i_atime / 1e9, inode.i_mtime / 1e9);
    });
  },
};

/** The hostfs file system type: `source` is the host directory. */
export function hostfs_init(k: Kernel): void {
  register_filesystem(k, {
    name: 'hostfs', nodev: true,
    mount(k, _t, source) {
      let st: fs.Stats;
      try { st = fs.statSync(source); } catch (e) { return host_errno(e) || -ENOENT; }
      if (!st.isDirectory()) return -ENOTDIR;
      const inode = hostfs_iget(new HostfsSuper(k), st)!;
      return new Dentry('/', null, inode);
    },
  });
}

/**
 * Mounts host directory `host_dir` at `guest_path` (created, with parents, if missing). This
 * is what `privos run --mount HOST:GUEST` calls; returns 0 or -errno.
 */
export function mount_hostfs(k: Kernel, host_dir: string, guest_path: string): number {
  let d = follow_mount(k.root);
  for (const name of guest_path.split('/').filter(Boolean)) {
    let c = d.d_children.get(name) ?? d.d_inode!.i_op.lookup?.(d, name) ?? null;
    if (!c) {
      const sb = d.d_inode!.i_sb;
      const inode = new Inode(sb, sb.next_ino(), S_IFDIR | 0o755);
      inode.i_fop = { iterate_shared: dcache_readdir };
      inode.i_nlink = 2;
      c = new Dentry(name, d, inode);
      d.d_children.set(name, c);
      d.d_inode!.i_nlink++;
    }
    d = follow_mount(c);
  }
  if ((d.d_inode!.i_mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  const m = kern_mount(k, 'hostfs', host_dir, d);
  return typeof m === 'number' ? m : 0;
}
