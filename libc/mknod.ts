/** mknod(2), mknodat(2), mkfifo(3), mkfifoat(3) (glibc's sys/stat.h): all through mknodat, as glibc does. */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import { AT_FDCWD } from '../kernel/include/uapi/fcntl.ts';
import { S_IFIFO } from '../kernel/include/uapi/stat.ts';
import { Libc, type StrArg } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    mknod(path: StrArg, mode: number, dev: number): SysRet;
    mknodat(dirfd: number, path: StrArg, mode: number, dev: number): SysRet;
    mkfifo(path: StrArg, mode: number): SysRet;
    mkfifoat(dirfd: number, path: StrArg, mode: number): SysRet;
    /** makedev(3): glibc's encoding of a device number. */
    makedev(major: number, minor: number): number;
  }
}

const L = Libc.prototype;
L.mknodat = function (dirfd, path, mode, dev) { return this.with_scratch(() => this.call_sys('mknodat', dirfd, this.str(path), mode, dev)); };
L.mknod = function (path, mode, dev) { return this.mknodat(AT_FDCWD, path, mode, dev); };
L.mkfifoat = function (dirfd, path, mode) { return this.mknodat(dirfd, path, S_IFIFO | (mode & 0o7777), 0); };
L.mkfifo = function (path, mode) { return this.mkfifoat(AT_FDCWD, path, mode); };
L.makedev = (major, minor) => ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
