/**
 * tmpfs (mm/shmem.c, fs/libfs.c): the namespace lives in the dentry tree, file data in memfs's
 * storage nodes (@jsonjoy.com/fs-core `Node`, the inode class memfs itself is built on). The VFS
 * decides every rule (permissions, link counts, rename semantics); memfs only stores bytes.
 * The read path copies straight out of `node.buf` (Node.read would allocate a Date per call).
 * Mapped files (mmap) keep their mapped pages in a page cache of frames (kernel/mm/filemap.ts):
 * read/write go through it while it holds pages, and shmem_node writes it back first.
 */
import { Node } from '@jsonjoy.com/fs-core';
import { EFAULT, EFBIG, EINVAL, ENOSPC, EOPNOTSUPP, EPERM } from '../include/uapi/errno.ts';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { type FileOperations, File, FMODE_READ, FMODE_WRITE, Inode, type SuperBlock, Dentry, type SysRet, Mount } from './fs_types.ts';
import { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, F_SEAL_FUTURE_WRITE, F_SEAL_GROW, F_SEAL_WRITE, O_RDWR } from '../include/uapi/fcntl.ts';
import type { VmFile } from '../mm/mm_types.ts';
import { PAGE_SIZE, type PhysMem } from '../mm/page_alloc.ts';
import { filemap_read, filemap_update, filemap_write_back, generic_file_mmap, mapping_mapped } from '../mm/filemap.ts';
import { I_DIRTY, I_NEW } from '../include/linux/fs.ts';
import { unlock_new_inode } from './inode_fill.ts';
import { StateKey, state_of } from '../include/linux/ext_state.ts';
import type { Kernel } from '../kernel.ts';
import { user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

/** MAX_LFS_FILESIZE on 64-bit */
export const MAX_LFS_FILESIZE = Number.MAX_SAFE_INTEGER;
/**
 * s_maxbytes of privos's tmpfs. memfs keeps a file in one contiguous buffer (no sparse pages),
 * so files are capped at 1 GiB: writing or truncating past it is EFBIG, as past any s_maxbytes
 * (generic_write_check_limits). Linux's tmpfs allows MAX_LFS_FILESIZE.
 */
export const SHMEM_MAXBYTES = 2 ** 30;

/** The kernel's next anonymous device number (the unnamed_dev_ida of fs/super.c, from 0:26). */
const ANON_DEV = new StateKey<Kernel, { next: number }>('anon_dev', () => ({ next: 0x1a }));

/** A new anonymous device number (get_anon_bdev). */
export function get_anon_dev(k: Kernel): number { return state_of(k, ANON_DEV).next++; }

/** What tmpfs knows of one inode (the accounting part of struct shmem_inode_info). */
interface ShmemInodeInfo {
  /** Pages charged for the file's data. */
  alloced: number;
  /** Open files (struct file) on the inode: the data lives while one is left, even unlinked. */
  readonly files: Set<File>;
}

/**
 * struct shmem_sb_info: the size= limit and the pages charged for the data. memfs holds the
 * bytes on the host, so each charged page withdraws one frame from emulated memory (the frame
 * stands for the page; any frame will do) and counts as Shmem in /proc/meminfo: a guest cannot
 * store more than its RAM, nor more than size=, in tmpfs. Files are not sparse here (memfs
 * keeps a file in one buffer), so a size counts from 0 to i_size, holes included.
 */
export class ShmemSbInfo {
  used_blocks = 0;
  private readonly frames: number[] = [];
  private readonly info = new WeakMap<Inode, ShmemInodeInfo>();

  /** max_blocks 0: no limit (size=0), as Linux. */
  constructor(readonly phys: PhysMem, public max_blocks: number) {}

  inode_info(inode: Inode): ShmemInodeInfo {
    let i = this.info.get(inode);
    if (!i) { i = { alloced: 0, files: new Set() }; this.info.set(inode, i); }
    return i;
  }

  /** Pages still free under size= and in memory. */
  free_blocks(): number {
    const room = this.max_blocks ? this.max_blocks - this.used_blocks : Infinity;
    return Math.max(0, Math.min(room, this.phys.free_pages));
  }

  /** shmem_inode_acct_blocks(): takes `pages` frames, or none and -ENOSPC. */
  acct_blocks(pages: number): number {
    if (pages > this.free_blocks()) return -ENOSPC;
    for (let i = 0; i < pages; i++) this.frames.push(this.phys.alloc_page());
    this.used_blocks += pages;
    this.phys.nr_shmem += pages;
    return 0;
  }

  /** shmem_inode_unacct_blocks() */
  unacct_blocks(pages: number): void {
    for (let i = 0; i < pages; i++) this.phys.put_page(this.frames.pop()!);
    this.used_blocks -= pages;
    this.phys.nr_shmem -= pages;
  }
}

export class TmpfsSuper implements SuperBlock {
  private ino = 1;
  constructor(readonly s_dev: number, readonly s_type = 'tmpfs', readonly sbinfo: ShmemSbInfo | null = null) {}
  next_ino(): number { return ++this.ino; }

  /** evict_inode() for the last link of an inode nobody has open: its pages are freed. */
  evict_inode(inode: Inode): void {
    if (!this.sbinfo || inode.i_nlink > 0) return;
    const info = this.sbinfo.inode_info(inode);
    if (info.files.size > 0) return;
    this.sbinfo.unacct_blocks(info.alloced);
    info.alloced = 0;
  }
}

/** The accounting of a tmpfs regular file (symlinks and directories hold no charged pages). */
const sbinfo_of = (inode: Inode): ShmemSbInfo | null =>
  (inode.i_sb instanceof TmpfsSuper && (inode.i_mode & S_IFMT) === S_IFREG ? inode.i_sb.sbinfo : null);
const pages_of = (size: number): number => Math.ceil(size / PAGE_SIZE);

/**
 * Charges (or gives back) the pages for a file growing or shrinking to `size`: 0, or -ENOSPC
 * when the growth does not fit under size= or in memory.
 */
function shmem_charge(inode: Inode, size: number): number {
  const sbi = sbinfo_of(inode);
  if (!sbi) return 0;
  const info = sbi.inode_info(inode);
  const want = pages_of(size);
  if (want < info.alloced) { sbi.unacct_blocks(info.alloced - want); info.alloced = want; return 0; }
  const err = sbi.acct_blocks(want - info.alloced);
  if (!err) info.alloced = want;
  return err;
}

/**
 * How many of `count` bytes at pos can be written: all, the part that fits (a short write, as
 * shmem_write_begin failing on a later page), or -ENOSPC when not one byte fits.
 */
function shmem_write_room(inode: Inode, pos: number, count: number): number {
  const end = pos + count;
  if (end <= inode.size || !shmem_charge(inode, end)) return count;
  const sbi = sbinfo_of(inode)!;
  const limit = (sbi.inode_info(inode).alloced + sbi.free_blocks()) * PAGE_SIZE;
  if (limit <= pos || shmem_charge(inode, limit)) return -ENOSPC;
  return limit - pos;
}

/**
 * The memfs storage node of a tmpfs regular file or symlink, up to date: stores through shared
 * mappings are written back first (filemap_write_and_wait for kernel-internal readers).
 */
/** Whether a regular file keeps its data in memfs (tmpfs, hostfs, memfd, debugfs; not procfs). */
export function shmem_inode(inode: Inode): boolean {
  return inode.i_private instanceof Node;
}

export function shmem_node(inode: Inode): Node {
  if ((inode.i_state & I_NEW) !== 0) unlock_new_inode(inode);
  if (mapping_mapped(inode)) filemap_write_back(inode.i_mapping!);
  return inode.i_private as Node;
}

const io_buf = Buffer.allocUnsafe(PAGE_SIZE * 16);

function shmem_write(f: File, t: Task, ubuf: UserPtr, count: number, pos: number): SysRet {
  if (pos >= SHMEM_MAXBYTES) return count ? -EFBIG : 0;
  if (count > SHMEM_MAXBYTES - pos) count = SHMEM_MAXBYTES - pos;
  const inode = f.f_inode;
  const allowed = shmem_seal_write(inode, pos, count); // file seals (shmem_write_begin)
  if (allowed < 0) return allowed;
  const room = allowed ? shmem_write_room(inode, pos, allowed) : 0;
  if (room < 0) return room;
  count = room;
  const node = shmem_node(inode);
  const old_size = inode.size;
  let done = 0;
  while (done < count) {
    const chunk = Math.min(count - done, io_buf.length);
    const left = copy_from_user(t, io_buf, 0, user_ptr_add(ubuf, done), chunk);
    const got = chunk - left;
    if (got > 0) node.write(io_buf, 0, got, pos + done);
    done += got;
    if (left) break;
  }
  shmem_written(inode, node);
  if (done === 0 && count > 0) return -EFAULT;
  // Mapped pages see the new bytes (and zeros for a gap past the old EOF).
  if (mapping_mapped(inode)) filemap_update(inode.i_mapping!, Math.min(pos, old_size), pos + done);
  return done;
}

function shmem_written(inode: Inode, node: Node): void {
  inode.i_mtime = inode.i_ctime = Date.now() * 1e6;
  inode.size = node.getSize();
  inode.i_state |= I_DIRTY;
  shmem_charge(inode, inode.size); // a short copy charged more than it wrote
}


/**
 * shmem_fallocate() (mm/shmem.c): KEEP_SIZE and PUNCH_HOLE only. A punched range reads back as
 * zeros; growing charges pages as a truncate would. Files are not sparse here (see ShmemSbInfo),
 * so a punched hole keeps its pages and KEEP_SIZE past EOF reserves none (it only checks room).
 */
function shmem_fallocate(f: File, mode: number, offset: number, len: number): number {
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) return -EOPNOTSUPP;
  const inode = f.f_inode;
  const end = offset + len;
  if (mode & FALLOC_FL_PUNCH_HOLE) {
    if (inode.i_seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
    const stop = Math.min(end, inode.size);
    if (offset < stop) shmem_node(inode).buf.fill(0, offset, stop);
    if (offset < stop && mapping_mapped(inode)) filemap_update(inode.i_mapping!, offset, stop);
    inode.i_mtime = inode.i_ctime = Date.now() * 1e6;
    inode.i_state |= I_DIRTY;
    return 0;
  }
  if (inode.i_seals & F_SEAL_GROW && end > inode.size) return -EPERM;
  if (end <= inode.size) return 0;
  if (mode & FALLOC_FL_KEEP_SIZE) {
    const sbi = sbinfo_of(inode);
    return sbi && pages_of(end) - sbi.inode_info(inode).alloced > sbi.free_blocks() ? -ENOSPC : 0;
  }
  const err = shmem_setsize(inode, end);
  if (!err) inode.i_ctime = Date.now() * 1e6;
  return err;
}

export const shmem_file_operations: FileOperations = {
  read(f: File, t: Task, ubuf: UserPtr, count: number, pos: number): SysRet {
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
  fallocate: shmem_fallocate,
  mmap: generic_file_mmap,
  open(inode, f) {
    sbinfo_of(inode)?.inode_info(inode).files.add(f);
    return 0;
  },
  release(inode, f) {
    const sbi = sbinfo_of(inode);
    if (!sbi || !sbi.inode_info(inode).files.delete(f)) return;
    (inode.i_sb as TmpfsSuper).evict_inode(inode);
  },
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
    const allowed = shmem_seal_write(f.f_inode, pos, count); // file seals (shmem_write_begin)
    if (allowed < 0) return allowed;
    const room = allowed ? shmem_write_room(f.f_inode, pos, allowed) : 0;
    if (room < 0) return room;
    count = room;
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

/** Mounts a fresh tmpfs and returns its root dentry; sbinfo: the size limit and its charging. */
export function tmpfs_mount(k: Kernel, mode = 0o1777, type = 'tmpfs', sbinfo: ShmemSbInfo | null = null): Dentry {
  const sb = new TmpfsSuper(get_anon_dev(k), type, sbinfo);
  return new Dentry('/', null, shmem_get_inode(sb, S_IFDIR | mode));
}

/** shmem_default_max_blocks(): half of RAM. */
export function shmem_default_max_blocks(phys: PhysMem): number {
  return Math.floor(phys.nr_pages / 2);
}

/** memparse(): a number with an optional K/M/G/T/P/E suffix; NaN if malformed. */
function memparse(s: string): [number, string] {
  const m = /^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)([kmgtpe]?)(.*)$/i.exec(s);
  if (!m) return [NaN, ''];
  const shift = ' kmgtpe'.indexOf(m[2].toLowerCase() || ' ') * 10;
  return [Number(m[1].startsWith('0x') ? m[1] : m[1].length > 1 && m[1][0] === '0' ? parseInt(m[1], 8) : m[1]) * 2 ** shift, m[3]];
}

/** Options tmpfs accepts and privos ignores (shmem_fs_parameters), and the VFS's own sb flags. */
const SHMEM_IGNORED_OPTS: ReadonlySet<string> = new Set(['nr_inodes', 'uid', 'gid', 'huge', 'mpol', 'inode32', 'inode64', 'noswap', 'quota',
  'usrquota', 'grpquota', 'ro', 'rw', 'sync', 'dirsync', 'lazytime', 'nolazytime', 'mand', 'nomand', 'silent']);

/**
 * tmpfs's mount options (shmem_parse_one): mode=, size= (bytes with a K/M/G… suffix, or N% of
 * RAM; rounded up to pages; 0 is unlimited), nr_blocks=; the other tmpfs options are accepted
 * and ignored. -EINVAL for a bad value or an unknown option, as Linux.
 */
export function shmem_parse_options(phys: PhysMem, data: string): { mode: number | null; max_blocks: number } | number {
  let mode: number | null = null, max_blocks = shmem_default_max_blocks(phys);
  for (const opt of data.split(',').filter(Boolean)) {
    const eq = opt.indexOf('=');
    const key = eq < 0 ? opt : opt.slice(0, eq), val = eq < 0 ? '' : opt.slice(eq + 1);
    if (key === 'mode') {
      if (!/^[0-7]+$/.test(val)) return -EINVAL;
      mode = parseInt(val, 8) & 0o7777;
    } else if (key === 'size') {
      let [size, rest] = memparse(val);
      if (rest === '%') { size = size * phys.nr_pages * PAGE_SIZE / 100; rest = ''; }
      if (Number.isNaN(size) || rest) return -EINVAL;
      max_blocks = pages_of(size);
    } else if (key === 'nr_blocks') {
      const [n, rest] = memparse(val);
      if (Number.isNaN(n) || rest) return -EINVAL;
      max_blocks = n;
    } else if (!SHMEM_IGNORED_OPTS.has(key)) return -EINVAL;
  }
  return { mode, max_blocks };
}

/** Sets a regular file's content from the kernel (initramfs unpacking, symlink targets); -ENOSPC if it does not fit. */
export function shmem_set_content(inode: Inode, data: Uint8Array): number {
  const err = shmem_charge(inode, Math.max(inode.size, data.length));
  if (err) return err;
  const node = shmem_node(inode);
  node.truncate(0);
  node.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), 0, data.length, 0);
  inode.size = node.getSize();
  shmem_charge(inode, inode.size);
  if (mapping_mapped(inode)) filemap_update(inode.i_mapping!, 0, Infinity);
  return 0;
}

/** Truncates a regular file (do_truncate for tmpfs); the tail reads back as zeros. */
export function shmem_setsize(inode: Inode, len: number): number {
  if (len < 0) return -EINVAL;
  if (len > SHMEM_MAXBYTES) return -EFBIG;
  // Growing is charged in full (no holes in memfs): past size= it is ENOSPC where Linux would
  // leave a hole.
  const err = shmem_charge(inode, len);
  if (err) return err;
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

/** The kernel's internal tmpfs mount (shm_mnt) behind memfds and shared anonymous memory, made on first use. */
const SHM_MNT = new StateKey<Kernel, Dentry>('shm_mnt', (k) => tmpfs_mount(k, 0o1777));
export const shm_mnt = (k: Kernel): Dentry => state_of(k, SHM_MNT);

/**
 * shmem_zero_setup(): a MAP_SHARED|MAP_ANONYMOUS mapping is backed by an unlinked tmpfs file of
 * its size, so every process that inherits the mapping shares its pages through that file's
 * page cache — touched before the fork or not. The file starts as a hole (zeros) and only grows
 * in memfs as pages are written back.
 */
export function shmem_zero_setup(t: Task, size: number): VmFile {
  const inode = shmem_get_inode(shm_mnt(t.kernel).d_inode!.i_sb as TmpfsSuper, S_IFREG | 0o600, t.cred.fsuid, t.cred.fsgid);
  inode.size = size;
  const f = new File(inode.i_fop, O_RDWR, FMODE_READ | FMODE_WRITE, inode, null);
  return generic_file_mmap(f, t);
}

/** The seals that forbid writing (F_SEAL_WRITE, and F_SEAL_FUTURE_WRITE for new writers). */
export const F_WRITE_SEALS = F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;

/**
 * The seal check of a write of count bytes at pos (shmem_write_begin, page by page): the bytes
 * that may be written, or -EPERM when not even the first page's part may.
 */
export function shmem_seal_write(inode: Inode, pos: number, count: number): number {
  const seals = inode.i_seals;
  if (count === 0 || !(seals & (F_SEAL_GROW | F_WRITE_SEALS))) return count;
  if (seals & F_WRITE_SEALS) return -EPERM;
  let ok = 0;
  while (ok < count) {
    const end = Math.min(pos + count, pos + ok + PAGE_SIZE - ((pos + ok) % PAGE_SIZE));
    if (end > inode.i_size) break;
    ok = end - pos;
  }
  return ok || -EPERM;
}
