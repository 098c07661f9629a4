/**
 * tmpfs (mm/shmem.c, fs/libfs.c): the namespace lives in the dentry tree, file data in memfs's
 * storage nodes (@jsonjoy.com/fs-core `Node`, the inode class memfs itself is built on). The VFS
 * decides every rule (permissions, link counts, rename semantics); memfs only stores bytes.
 * The read path copies straight out of `node.buf` (Node.read would allocate a Date per call).
 * Mapped files (mmap) keep their mapped pages in a page cache of frames (kernel/mm/filemap.ts):
 * read/write go through it while it holds pages, and shmem_node writes it back first.
 */
import { Node } from '@jsonjoy.com/fs-core';
import { EFAULT, EFBIG, EINVAL } from '../include/uapi/errno.ts';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { type FileOperations, File, FMODE_READ, FMODE_WRITE, Inode, type SuperBlock, Dentry, type SysRet, Mount } from './fs_types.ts';
import { O_RDWR } from '../include/uapi/fcntl.ts';
import type { VmFile } from '../mm/mm_types.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import { filemap_read, filemap_update, filemap_write_back, generic_file_mmap, mapping_mapped } from '../mm/filemap.ts';
import { shmem_seal_write } from '../mm/memfd.ts';

/** MAX_LFS_FILESIZE on 64-bit */
export const MAX_LFS_FILESIZE = Number.MAX_SAFE_INTEGER;
/**
 * s_maxbytes of privos's tmpfs. memfs keeps a file in one contiguous buffer (no sparse pages),
 * so files are capped at 1 GiB: writing or truncating past it is EFBIG, as past any s_maxbytes
 * (generic_write_check_limits). Linux's tmpfs allows MAX_LFS_FILESIZE.
 */
export const SHMEM_MAXBYTES = 2 ** 30;

let next_dev = 0x1a;

/** A new anonymous device number (get_anon_bdev). */
export function get_anon_dev(): number { return next_dev++; }

export class TmpfsSuper implements SuperBlock {
  readonly s_dev = get_anon_dev();
  private ino = 1;
  constructor(readonly s_type = 'tmpfs') {}
  next_ino(): number { return ++this.ino; }
}

/**
 * The memfs storage node of a tmpfs regular file or symlink, up to date: stores through shared
 * mappings are written back first (filemap_write_and_wait for kernel-internal readers).
 */
export function shmem_node(inode: Inode): Node {
  if (mapping_mapped(inode)) filemap_write_back(inode.i_mapping!);
  return inode.i_private as Node;
}

const io_buf = Buffer.allocUnsafe(PAGE_SIZE * 16);

function shmem_write(f: File, t: Task, ubuf: number, count: number, pos: number): SysRet {
  if (pos >= SHMEM_MAXBYTES) return count ? -EFBIG : 0;
  if (count > SHMEM_MAXBYTES - pos) count = SHMEM_MAXBYTES - pos;
  const inode = f.f_inode;
  const allowed = shmem_seal_write(inode, pos, count); // file seals (shmem_write_begin)
  if (allowed < 0) return allowed;
  count = allowed;
  const node = shmem_node(inode);
  const old_size = inode.size;
  let done = 0;
  while (done < count) {
    const chunk = Math.min(count - done, io_buf.length);
    const left = copy_from_user(t, io_buf, 0, ubuf + done, chunk);
    const got = chunk - left;
    if (got > 0) node.write(io_buf, 0, got, pos + done);
    done += got;
    if (left) break;
  }
  if (done === 0 && count > 0) return -EFAULT;
  shmem_written(inode, node);
  // Mapped pages see the new bytes (and zeros for a gap past the old EOF).
  if (mapping_mapped(inode)) filemap_update(inode.i_mapping!, Math.min(pos, old_size), pos + done);
  return done;
}

function shmem_written(inode: Inode, node: Node): void {
  inode.i_mtime = inode.i_ctime = Date.now() * 1e6;
  inode.size = node.getSize();
  inode.i_state |= I_DIRTY;
}

/** Inode state bit: data changed since the last write-back (hostfs flushes it). */
export const I_DIRTY = 1;

export const shmem_file_operations: FileOperations = {
  read(f: File, t: Task, ubuf: number, count: number, pos: number): SysRet {
    const inode = f.f_inode;
    const node = inode.i_private as Node;
    const size = inode.size;
    if (pos >= size || count === 0) return 0;
    const n = count < size - pos ? count : size - pos;
    // node.buf holds the bytes [0, size); copy straight from it, no intermediate buffer (or
    // from the page cache's frames for the pages of a mapped file).
    const m = inode.i_mapping;
    const left = m !== null && m.nrpages !== 0 ? filemap_read(m, t, ubuf, pos, n) : copy_to_user(t, ubuf, node.buf, pos, n);
    if (left === n) return -EFAULT;
    return n - left;
  },
  write: shmem_write,
  fsync: () => 0,
  mmap: generic_file_mmap,
  splice_read(f, buf, off, count, pos) {
    const node = shmem_node(f.f_inode);
    if (pos >= node.getSize()) return 0;
    const n = Math.min(count, node.getSize() - pos);
    buf.set(node.buf.subarray(pos, pos + n), off);
    return n;
  },
  splice_write(f, _t, buf, off, count, pos) {
    if (pos >= SHMEM_MAXBYTES) return -EFBIG;
    count = Math.min(count, SHMEM_MAXBYTES - pos);
    const allowed = shmem_seal_write(f.f_inode, pos, count);
    if (allowed < 0) return allowed;
    count = allowed;
    const node = shmem_node(f.f_inode);
    node.write(Buffer.from(buf.buffer, buf.byteOffset + off, count), 0, count, pos);
    shmem_written(f.f_inode, node);
    return count;
  },
};

/** A directory cursor: the children snapshot taken when a listing starts (dcache_dir_open's cursor). */
interface DirCursor { snap: Dentry[] }

/** dcache_readdir(): ".", "..", then the children in creation order, resuming at f_pos. */
export function dcache_readdir(f: File, emit: (name: string, ino: number, type: number) => boolean): number {
  const d = f.f_dentry!;
  let i = f.f_pos;
  if (i === 0) { if (!emit('.', d.d_inode!.i_ino, 4)) return 0; i = 1; }
  if (i === 1) {
    const p = d.d_mnt?.mnt_mountpoint?.d_parent ?? d.d_parent ?? d;
    if (!emit('..', p.d_inode!.i_ino, 4)) return 1;
    i = 2;
  }
  let cur = f.private_data as DirCursor | null;
  if (!cur || f.f_pos <= 2) { cur = { snap: [...d.d_children.values()] }; f.private_data = cur; }
  const snap = cur.snap;
  for (; i - 2 < snap.length; i++) {
    const c = snap[i - 2];
    if (c.d_unhashed || !c.d_inode) continue;
    if (!emit(c.d_name, c.d_inode.i_ino, (c.d_inode.i_mode & S_IFMT) >> 12)) return i;
  }
  return i;
}

export const simple_dir_operations: FileOperations = {
  iterate_shared: dcache_readdir,
  fsync: () => 0,
};

/** Makes a tmpfs inode of the given type (shmem_get_inode). */
export function shmem_get_inode(sb: SuperBlock, mode: number, uid = 0, gid = 0): Inode {
  const inode = new Inode(sb, sb.next_ino(), mode);
  inode.i_uid = uid; inode.i_gid = gid;
  const fmt = mode & S_IFMT;
  if (fmt === S_IFREG || fmt === S_IFLNK) {
    inode.i_private = new Node(inode.i_ino, mode);
    inode.i_fop = shmem_file_operations;
  } else if (fmt === S_IFDIR) {
    inode.i_fop = simple_dir_operations;
    inode.i_nlink = 2;
  }
  return inode;
}

/** Mounts a fresh tmpfs and returns its root dentry. */
export function tmpfs_mount(mode = 0o1777, type = 'tmpfs'): Dentry {
  const sb = new TmpfsSuper(type);
  return new Dentry('/', null, shmem_get_inode(sb, S_IFDIR | mode));
}

/** Sets a regular file's content from the kernel (initramfs unpacking, symlink targets). */
export function shmem_set_content(inode: Inode, data: Uint8Array): void {
  const node = shmem_node(inode);
  node.truncate(0);
  node.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), 0, data.length, 0);
  inode.size = node.getSize();
  if (mapping_mapped(inode)) filemap_update(inode.i_mapping!, 0, Infinity);
}

/** Truncates a regular file (do_truncate for tmpfs); the tail reads back as zeros. */
export function shmem_setsize(inode: Inode, len: number): number {
  if (len < 0) return -EINVAL;
  if (len > SHMEM_MAXBYTES) return -EFBIG;
  const node = shmem_node(inode);
  // memfs keeps stale bytes past size when shrinking; zero them so a later extension reads zeros.
  if (len < node.getSize()) node.buf.fill(0, len, node.getSize());
  const old_size = inode.size;
  node.truncate(len);
  inode.size = len;
  inode.i_state |= I_DIRTY;
  // No reverse map to unmap pages past the new EOF: their cached frames read zeros instead.
  if (mapping_mapped(inode)) filemap_update(inode.i_mapping!, Math.min(len, old_size), Infinity);
  return 0;
}

export { Mount };

/** The internal tmpfs mount behind shared anonymous memory (shm_mnt). */
const shm_sb = new TmpfsSuper();

/**
 * shmem_zero_setup(): a MAP_SHARED|MAP_ANONYMOUS mapping is backed by an unlinked tmpfs file of
 * its size, so every process that inherits the mapping shares its pages through that file's
 * page cache — touched before the fork or not. The file starts as a hole (zeros) and only grows
 * in memfs as pages are written back.
 */
export function shmem_zero_setup(t: Task, size: number): VmFile {
  const inode = shmem_get_inode(shm_sb, S_IFREG | 0o600, t.cred.fsuid, t.cred.fsgid);
  inode.size = size;
  const f = new File(inode.i_fop, O_RDWR, FMODE_READ | FMODE_WRITE, inode, null);
  return generic_file_mmap(f, t);
}
