/**
 * getdents64(2) (fs/readdir.c): struct linux_dirent64 records {u64 d_ino; s64 d_off;
 * u16 d_reclen; u8 d_type; char d_name[]}, each padded to 8 bytes; EINVAL when the buffer
 * cannot hold even the first record.
 */
import { EFAULT, EINVAL, ENOENT, ENOTDIR } from '../include/uapi/errno.ts';
import { copy_to_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import { fsnotify_access, fsnotify_watched } from './notify/fsnotify.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

const MAX_BUF = 1 << 20;
let kbuf = new Uint8Array(65536);
let kdv = new DataView(kbuf.buffer);
const enc = new TextEncoder();

export function sys_getdents64(t: Task, fd: number, udirent: UserPtr, count: number): number {
  const f = fdget_io(t, fd);
  if (typeof f === 'number') return f;
  const iterate = f.f_op.iterate_shared;
  if (!iterate) return -ENOTDIR;
  // IS_DEADDIR: a removed directory lists nothing.
  if (f.f_inode.i_nlink === 0) return f.f_dentry?.d_unhashed ? -ENOENT : 0;
  count = Math.min(count, MAX_BUF);
  if (kbuf.length < count + 1024) { kbuf = new Uint8Array(count + 1024); kdv = new DataView(kbuf.buffer); }
  let used = 0, too_small = false;
  const full = (): boolean => { if (used === 0) too_small = true; return false; };
  const pos = iterate(f, (name, ino, type) => {
    // Names are at most NAME_MAX bytes: encode straight into the record.
    const len = enc.encodeInto(name, kbuf.subarray(used + 19)).written;
    const reclen = (19 + len + 1 + 7) & ~7;
    if (used + reclen > count) return full();
    kdv.setUint32(used, ino >>> 0, true); kdv.setUint32(used + 4, Math.floor(ino / 2 ** 32), true);
    kdv.setUint32(used + 8, 0, true); kdv.setUint32(used + 12, 0, true);
    kdv.setUint16(used + 16, reclen, true);
    kbuf[used + 18] = type;
    kbuf.fill(0, used + 19 + len, used + reclen);
    used += reclen;
    return true;
  });
  if (too_small) return -EINVAL;
  // d_off: the position after each record (the cursor a later lseek could return to).
  for (let off = 0, p = f.f_pos; off < used; off += kdv.getUint16(off + 16, true)) kdv.setUint32(off + 8, ++p, true);
  if (used && copy_to_user(t, udirent, kbuf, 0, used)) return -EFAULT;
  f.f_pos = pos;
  if (fsnotify_watched(f)) fsnotify_access(f);
  return used;
}

export const readdir_syscalls: readonly SyscallDef[] = [
  { name: 'getdents64', fn: sys_getdents64, args: ['unsigned int fd', 'ptr', 'uint'] },
];
