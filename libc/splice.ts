/**
 * Moving data between fds without user buffers (glibc's fcntl.h and unistd.h): splice, tee,
 * vmsplice, copy_file_range. Offsets are pointers to a loff_t (0 for the file position); the
 * vmsplice iovec is a pointer to struct iovec[nr_segs].
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    splice(fd_in: number, off_in: number, fd_out: number, off_out: number, len: number, flags: number): SysRet;
    tee(fd_in: number, fd_out: number, len: number, flags: number): SysRet;
    vmsplice(fd: number, iov: number, nr_segs: number, flags: number): SysRet;
    copy_file_range(fd_in: number, off_in: number, fd_out: number, off_out: number, len: number, flags: number): SysRet;
  }
}

const L = Libc.prototype;
L.splice = function (fi, oi, fo, oo, len, flags) { return this.ret(this.raw(this.SYS.splice, fi, oi, fo, oo, len, flags)); };
L.tee = function (fi, fo, len, flags) { return this.ret(this.raw(this.SYS.tee, fi, fo, len, flags)); };
L.vmsplice = function (fd, iov, n, flags) { return this.ret(this.raw(this.SYS.vmsplice, fd, iov, n, flags)); };
L.copy_file_range = function (fi, oi, fo, oo, len, flags) { return this.ret(this.raw(this.SYS.copy_file_range, fi, oi, fo, oo, len, flags)); };
