/**
 * File space and access hints (glibc's fcntl.h): fallocate, posix_fadvise, readahead,
 * sync_file_range; and syncfs/sync (unistd.h). posix_fadvise returns the error number itself
 * (0 on success), as POSIX specifies, instead of -1 and errno.
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    fallocate(fd: number, mode: number, offset: number, len: number): SysRet;
    posix_fadvise(fd: number, offset: number, len: number, advice: number): SysRet;
    readahead(fd: number, offset: number, count: number): SysRet;
    sync_file_range(fd: number, offset: number, nbytes: number, flags: number): SysRet;
    syncfs(fd: number): SysRet;
    sync(): SysRet;
  }
}

const L = Libc.prototype;
L.fallocate = function (fd, mode, offset, len) { return this.ret(this.raw(this.SYS.fallocate, fd, mode, offset, len)); };
L.posix_fadvise = function (fd, offset, len, advice) {
  const r = this.raw(this.SYS.fadvise64, fd, offset, len, advice);
  return typeof r === 'number' ? -r : r.then((v) => -v);
};
L.readahead = function (fd, offset, count) { return this.ret(this.raw(this.SYS.readahead, fd, offset, count)); };
L.sync_file_range = function (fd, offset, nbytes, flags) { return this.ret(this.raw(this.SYS.sync_file_range, fd, offset, nbytes, flags)); };
L.syncfs = function (fd) { return this.ret(this.raw(this.SYS.syncfs, fd)); };
L.sync = function () { return this.ret(this.raw(this.SYS.sync)); };
