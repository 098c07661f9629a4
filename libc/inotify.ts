/** inotify(7): inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch (glibc's sys/inotify.h). */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import * as IN from '../kernel/include/uapi/inotify.ts';
import { Libc, type StrArg } from './libc.ts';

type InotifyConstants = { readonly [K in keyof typeof IN]: number };

declare module './libc.ts' {
  interface Libc extends InotifyConstants {
    inotify_init(): SysRet;
    inotify_init1(flags: number): SysRet;
    inotify_add_watch(fd: number, path: StrArg, mask: number): SysRet;
    inotify_rm_watch(fd: number, wd: number): SysRet;
  }
}

Object.assign(Libc.prototype, IN);

Libc.prototype.inotify_init = function () { return this.inotify_init1(0); };
Libc.prototype.inotify_init1 = function (flags) { return this.call_sys('inotify_init1', flags); };
Libc.prototype.inotify_add_watch = function (fd, path, mask) {
  return this.with_scratch(() => this.call_sys('inotify_add_watch', fd, this.str(path), mask >>> 0));
};
Libc.prototype.inotify_rm_watch = function (fd, wd) { return this.call_sys('inotify_rm_watch', fd, wd); };
