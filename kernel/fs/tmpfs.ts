/**
 * tmpfs (mm/shmem.c, fs/ramfs): the namespace lives in the dentry tree, file data in memfs's
 * storage nodes (@jsonjoy.com/fs-core `Node`, the inode class memfs itself is built on). The VFS
 * decides every rule (permissions, link counts, rename semantics); memfs only stores bytes.
 */
import { Node } from '@jsonjoy.com/fs-core';
import { EFBIG, EINVAL } from '../include/uapi/errno.ts';
import { S_IFDIR, S_IFLNK, S_IFREG } from '../include/uapi/stat.ts';
import type { Task } from '../sched/task.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { type FileOperations, type File, Inode, type SuperBlock, Dentry, type SysRet } from './fs_types.ts';
import { EFAULT } from '../include/uapi/errno.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';

/** MAX_LFS_FILESIZE on 64-bit */
export const MAX_LFS_FILESIZE = Number.MAX_SAFE_INTEGER;

let next_dev = 0x1a;

export class TmpfsSuper implements SuperBlock {
  readonly s_type = 'tmpfs';
  readonly s_dev = next_dev++;
  private ino = 1;
  next_ino(): number { return ++this.ino; }
}

/** The memfs storage node of a tmpfs regular file or symlink. */
export function shmem_node(inode: Inode): Node { return inode.i_private as Node; }

const io_buf = Buffer.allocUnsafe(PAGE_SIZE * 16);

export const shmem_file_operations: FileOperations = {
  read(f: File, t: Task, ubuf: number, count: number, pos: number): SysRet {
    const node = shmem_node(f.f_inode);
    const size = node.getSize();
    if (pos >= size || count === 0) return 0;
    const n = Math.min(count, size - pos);
    // node.buf holds the bytes [0, size); copy straight from it, no intermediate buffer.
    const left = copy_to_user(t, ubuf, node.buf, pos, n);
    if (left === n) return -EFAULT;
    return n - left;
  },
  write(f: File, t: Task, ubuf: number, count: number, pos: number): SysRet {
    if (pos + count > MAX_LFS_FILESIZE) return -EFBIG;
    const node = shmem_node(f.f_inode);
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
    const now = Date.now() * 1e6;
    f.f_inode.i_mtime = f.f_inode.i_ctime = now;
    f.f_inode.size = node.getSize();
    return done;
  },
};

export const simple_dir_operations: FileOperations = {
  iterate_shared(f, emit) {
    const d = f.f_dentry!;
    let i = f.f_pos;
    const entries: [string, number, number][] = [
      ['.', d.d_inode!.i_ino, 4],
      ['..', (d.d_parent ?? d).d_inode!.i_ino, 4],
      ...[...d.d_children.values()].filter((c) => c.d_inode).map((c): [string, number, number] =>
        [c.d_name, c.d_inode!.i_ino, (c.d_inode!.i_mode >> 12) & 15]),
    ];
    for (; i < entries.length; i++) if (!emit(...entries[i])) break;
    return i;
  },
};

/** Makes a tmpfs inode of the given type (shmem_get_inode). */
export function shmem_get_inode(sb: SuperBlock, mode: number, uid = 0, gid = 0): Inode {
  const inode = new Inode(sb, sb.next_ino(), mode);
  inode.i_uid = uid; inode.i_gid = gid;
  const fmt = mode & 0o170000;
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
export function tmpfs_mount(mode = 0o1777): Dentry {
  const sb = new TmpfsSuper();
  return new Dentry('/', null, shmem_get_inode(sb, S_IFDIR | mode));
}

/** Sets a regular file's content from the kernel (initramfs unpacking). */
export function shmem_set_content(inode: Inode, data: Uint8Array): void {
  const node = shmem_node(inode);
  node.truncate(0);
  node.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), 0, data.length, 0);
  inode.size = node.getSize();
}

/** Truncates a regular file (do_truncate for tmpfs). */
export function shmem_setsize(inode: Inode, len: number): number {
  if (len < 0) return -EINVAL;
  if (len > MAX_LFS_FILESIZE) return -EFBIG;
  shmem_node(inode).truncate(len);
  inode.size = len;
  return 0;
}
