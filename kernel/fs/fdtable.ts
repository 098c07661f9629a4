/**
 * struct files_struct and the fd table (fs/file.c): lowest-free allocation, close-on-exec,
 * RLIMIT_NOFILE. File references are counted; the last fput runs f_op.release.
 */
import { EBADF, EMFILE } from '../include/uapi/errno.ts';
import { FMODE_PATH, type File } from './fs_types.ts';
import { locks_remove_file, locks_remove_posix } from './locks.ts';
import { fsnotify_close, fsnotify_dput, fsnotify_watched } from './notify/fsnotify.ts';

export const NR_OPEN_DEFAULT = 1024;

/** Drops a reference; the last one releases the file (fput). */
export function fput(f: File): void {
  if (--f.f_count !== 0) return;
  if (fsnotify_watched(f)) fsnotify_close(f);
  if (f.f_inode.i_flctx) locks_remove_file(f);
  if (f.f_op.release) f.f_op.release(f.f_inode, f);
  const d = f.f_dentry;
  if (d !== null && --d.d_opens === 0 && d.d_unhashed) fsnotify_dput(d);
}

/** What every close of a descriptor does besides dropping it (filp_close): this table's POSIX locks go. */
function filp_close_locks(f: File, owner: FilesStruct): void {
  if (f.f_inode.i_flctx && !(f.f_mode & FMODE_PATH)) locks_remove_posix(f, owner);
}

export class FilesStruct {
  fd: (File | null)[] = [];
  close_on_exec: boolean[] = [];
  /** Lowest fd that might be free (fs/file.c next_fd). */
  private next_fd = 0;

  /** Allocates the lowest free fd below `limit` (RLIMIT_NOFILE); -EMFILE if none. */
  get_unused_fd_flags(cloexec: boolean, limit: number, from = 0): number {
    let fd = Math.max(from, this.next_fd);
    while (fd < this.fd.length && this.fd[fd] !== null) fd++;
    if (fd >= limit) return -EMFILE;
    while (this.fd.length <= fd) { this.fd.push(null); this.close_on_exec.push(false); }
    this.close_on_exec[fd] = cloexec;
    // Reserve the slot until fd_install (Linux marks it in open_fds).
    this.fd[fd] = RESERVED;
    if (from <= this.next_fd) this.next_fd = fd + 1;
    return fd;
  }

  fd_install(fd: number, f: File): void { this.fd[fd] = f; }

  /** Gives back a reserved slot that was never installed (put_unused_fd). */
  put_unused_fd(fd: number): void {
    this.fd[fd] = null;
    if (fd < this.next_fd) this.next_fd = fd;
  }

  /**
   * The file at fd without taking a reference, or null (fdget's lookup). fd is an `unsigned
   * int` in Linux: a 64-bit argument counts by its low 32 bits (fd 2^32+1 is fd 1).
   */
  fcheck(fd: number): File | null {
    fd >>>= 0;
    if (fd >= this.fd.length) return null;
    const f = this.fd[fd];
    return f === RESERVED ? null : f;
  }

  /** Removes fd from the table and returns its file (the caller fputs it), or -EBADF. */
  close_fd(fd: number): File | number {
    fd >>>= 0;
    const f = this.fcheck(fd);
    if (!f) return -EBADF;
    this.fd[fd] = null;
    this.close_on_exec[fd] = false;
    if (fd < this.next_fd) this.next_fd = fd;
    filp_close_locks(f, this);
    return f;
  }

  /** A slot reserved by get_unused_fd_flags and not yet installed (dup2 then says EBUSY). */
  is_reserved(fd: number): boolean { return fd < this.fd.length && this.fd[fd] === RESERVED; }

  /** Replaces whatever is at fd with f (dup2/dup3's do_dup2); the old file is returned. */
  replace_fd(fd: number, f: File, cloexec: boolean): File | null {
    while (this.fd.length <= fd) { this.fd.push(null); this.close_on_exec.push(false); }
    const old = this.fcheck(fd);
    this.fd[fd] = f;
    this.close_on_exec[fd] = cloexec;
    if (old) filp_close_locks(old, this);
    return old;
  }

  /** dup_fd: a copy for clone without CLONE_FILES; every file gains a reference. */
  clone(): FilesStruct {
    const n = new FilesStruct();
    n.fd = this.fd.map((f) => (f && f !== RESERVED ? f.get() : null));
    n.close_on_exec = [...this.close_on_exec];
    return n;
  }

  /** Closes every fd (exit_files) or only the close-on-exec ones (do_close_on_exec). */
  close_all(only_cloexec: boolean): void {
    for (let fd = 0; fd < this.fd.length; fd++) {
      if (only_cloexec && !this.close_on_exec[fd]) continue;
      const f = this.close_fd(fd);
      if (typeof f !== 'number') fput(f);
    }
  }

  /** Open fds in ascending order (for /proc/PID/fd). */
  *open_fds(): Generator<[number, File]> {
    for (let fd = 0; fd < this.fd.length; fd++) {
      const f = this.fcheck(fd);
      if (f) yield [fd, f];
    }
  }
}

/** A placeholder for a slot reserved by get_unused_fd_flags. */
const RESERVED = { reserved: true } as unknown as File;
