/**
 * Timers (glibc's sys/timerfd.h, unistd.h, sys/time.h): timerfd_create, timerfd_settime,
 * timerfd_gettime, alarm, setitimer, getitimer. struct itimerspec / itimerval are pointers.
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    timerfd_create(clockid: number, flags: number): SysRet;
    timerfd_settime(fd: number, flags: number, new_value: number, old_value: number): SysRet;
    timerfd_gettime(fd: number, curr_value: number): SysRet;
    alarm(seconds: number): SysRet;
    setitimer(which: number, new_value: number, old_value: number): SysRet;
    getitimer(which: number, curr_value: number): SysRet;
  }
}

const L = Libc.prototype;
L.timerfd_create = function (clockid, flags) { return this.ret(this.raw(this.SYS.timerfd_create, clockid, flags)); };
L.timerfd_settime = function (fd, flags, nv, ov) { return this.ret(this.raw(this.SYS.timerfd_settime, fd, flags, nv, ov)); };
L.timerfd_gettime = function (fd, cv) { return this.ret(this.raw(this.SYS.timerfd_gettime, fd, cv)); };
/** alarm(3): arm64 has no alarm syscall; glibc uses setitimer there. */
L.alarm = function (seconds) {
  if (this.SYS.alarm !== undefined) return this.raw(this.SYS.alarm, seconds);
  return this.with_scratch(() => {
    const nv = this.scratch_push(32), ov = this.scratch_push(32);
    this.poke(nv, new Uint8Array(32)); this.poke_u64(nv + 16, seconds >>> 0);
    if ((this.raw(this.SYS.setitimer, 0, nv, ov) as number) < 0) return -1;
    const sec = this.peek_u64(ov + 16), usec = this.peek_u64(ov + 24);
    return (!sec && usec) || usec >= 500000 ? sec + 1 : sec;
  });
};
L.setitimer = function (which, nv, ov) { return this.ret(this.raw(this.SYS.setitimer, which, nv, ov)); };
L.getitimer = function (which, cv) { return this.ret(this.raw(this.SYS.getitimer, which, cv)); };
