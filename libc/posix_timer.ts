/**
 * POSIX per-process timers (glibc's time.h): timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete. timer_t is the kernel's int timer id here (glibc wraps it in a
 * pointer), written as 4 bytes at `timerid`; sigevent and itimerspec are pointers. SIGEV_THREAD
 * is passed to the kernel as is (a signal), without glibc's helper thread.
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    timer_create(clockid: number, sevp: number, timerid: number): SysRet;
    timer_settime(timerid: number, flags: number, new_value: number, old_value: number): SysRet;
    timer_gettime(timerid: number, curr_value: number): SysRet;
    timer_getoverrun(timerid: number): SysRet;
    timer_delete(timerid: number): SysRet;
  }
}

const L = Libc.prototype;
L.timer_create = function (clockid, sevp, timerid) { return this.ret(this.raw(this.SYS.timer_create, clockid, sevp, timerid)); };
L.timer_settime = function (id, flags, nv, ov) { return this.ret(this.raw(this.SYS.timer_settime, id, flags, nv, ov)); };
L.timer_gettime = function (id, cv) { return this.ret(this.raw(this.SYS.timer_gettime, id, cv)); };
L.timer_getoverrun = function (id) { return this.ret(this.raw(this.SYS.timer_getoverrun, id)); };
L.timer_delete = function (id) { return this.ret(this.raw(this.SYS.timer_delete, id)); };
