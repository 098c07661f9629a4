/**
 * BSD file locks (glibc's sys/file.h): flock(2). Record locks go through fcntl(2) with a
 * struct flock pointer (F_GETLK, F_SETLK, F_SETLKW and the F_OFD_* commands).
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    flock(fd: number, operation: number): SysRet;
  }
}

Libc.prototype.flock = function (fd, operation) { return this.ret(this.raw(this.SYS.flock, fd, operation)); };
