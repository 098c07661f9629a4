/**
 * copy_file_range(2) (fs/read_write.c): vfs_copy_file_range() after generic_copy_file_checks().
 * tmpfs has no ->copy_file_range or clone, so as in Linux the copy goes through the files'
 * splice operations (do_splice_direct), within one file system only (EXDEV across them).
 * https://man7.org/linux/man-pages/man2/copy_file_range.2.html
 */
import { EBADF, EFAULT, EINVAL, EISDIR, EOVERFLOW, EXDEV } from '../include/uapi/errno.ts';
import { fsnotify_xfer } from './notify/fsnotify.ts';
import { O_APPEND } from '../include/uapi/fcntl.ts';
import { S_ISDIR, S_ISREG } from '../include/uapi/stat.ts';
import { get_user_u64, put_user_u64 } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { fdget_io } from './file_table.ts';
import { FMODE_READ, FMODE_WRITE, type File, type SysRet } from './fs_types.ts';
import { MAX_RW_COUNT, SENDFILE_CHUNK, splice_pipe, write_check_fsize } from './read_write.ts';
import { sys_then } from '../sched/wait.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

/** generic_copy_file_checks(): the count to copy (cut at the input's EOF and the limits), or -errno. */
function copy_checks(t: Task, fin: File, pin: number, fout: File, pout: number, len: number): number {
  const ii = fin.f_inode, io = fout.f_inode;
  if (S_ISDIR(ii.i_mode) || S_ISDIR(io.i_mode)) return -EISDIR;
  if (!S_ISREG(ii.i_mode) || !S_ISREG(io.i_mode)) return -EINVAL;
  if (!(fin.f_mode & FMODE_READ) || !(fout.f_mode & FMODE_WRITE) || fout.f_flags & O_APPEND) return -EBADF;
  if (ii.i_sb !== io.i_sb) return -EXDEV;
  // Offsets must not wrap: pos + count is unsigned there, so a negative offset overflows too.
  if (len > 0 && (pin < 0 || pout < 0 || pin + len > Number.MAX_SAFE_INTEGER || pout + len > Number.MAX_SAFE_INTEGER)) return -EOVERFLOW;
  let count = pin >= ii.size ? 0 : Math.min(len, ii.size - pin);
  if (count) count = write_check_fsize(t, fout, pout, count);
  if (count < 0) return count;
  if (ii === io && pout + count > pin && pout < pin + count) return -EINVAL; // overlapping copy within one file
  return count;
}

/** do_splice_direct(): chunks through the bounce buffer until done or a short transfer. */
function copy_loop(t: Task, fin: File, pin: number, fout: File, pout: number, count: number, done: number): SysRet {
  const b = splice_pipe(t);
  while (done < count) {
    const n = fin.f_op.splice_read!(fin, b, 0, Math.min(SENDFILE_CHUNK, count - done), pin + done);
    if (n <= 0) return done || n;
    const w = fout.f_op.splice_write!(fout, t, b, 0, n, pout + done);
    if (typeof w !== 'number') {
      return sys_then(t, w, (v) => (v < 0 ? done || v : v < n ? done + v : copy_loop(t, fin, pin, fout, pout, count, done + v)));
    }
    if (w < 0) return done || w;
    done += w;
    if (w < n) break;
  }
  return done;
}

/** Stores an advanced offset through its pointer, or advances the file position. */
function advance(t: Task, f: File, uoff: UserPtr, pos: number, r: number): boolean {
  if (!uoff) { f.f_pos = pos + r; return true; }
  return put_user_u64(t, uoff, pos + r) === 0;
}

export function sys_copy_file_range(t: Task, fd_in: number, uoff_in: UserPtr, fd_out: number, uoff_out: UserPtr, len: number, flags: number): SysRet {
  const fin = fdget_io(t, fd_in);
  if (typeof fin === 'number') return fin;
  const fout = fdget_io(t, fd_out);
  if (typeof fout === 'number') return fout;
  let pin = fin.f_pos, pout = fout.f_pos;
  if (uoff_in) { if (get_user_u64(t, uoff_in)) return -EFAULT; pin = t.cpu.uval; }
  if (uoff_out) { if (get_user_u64(t, uoff_out)) return -EFAULT; pout = t.cpu.uval; }
  if (flags !== 0) return -EINVAL;
  const count = copy_checks(t, fin, pin, fout, pout, len);
  if (count < 0) return count;
  // rw_verify_area() on both sides
  if (pin < 0 || pout < 0 || len < 0) return -EINVAL;
  if (count === 0) return 0;
  if (!fin.f_op.splice_read || !fout.f_op.splice_write) return -EINVAL;
  const finish = (r: number): number => {
    if (r <= 0) return r;
    return advance(t, fin, uoff_in, pin, r) && advance(t, fout, uoff_out, pout, r) ? r : -EFAULT;
  };
  const r = copy_loop(t, fin, pin, fout, pout, Math.min(count, MAX_RW_COUNT), 0);
  return fsnotify_xfer(fin, fout, sys_then(t, r, finish));
}

export const copy_file_range_syscalls: readonly SyscallDef[] = [
  { name: 'copy_file_range', fn: sys_copy_file_range, args: ['fd', 'ptr', 'fd', 'ptr', 'size_t', 'unsigned int hex'] },
];
