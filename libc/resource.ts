/**
 * CPU time and system statistics (glibc's sys/resource.h, sys/times.h, sys/sysinfo.h):
 * getrusage, times, sysinfo. struct rusage (144 bytes), struct tms (32) and struct sysinfo (112)
 * are pointers.
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    getrusage(who: number, usage: number): SysRet;
    times(buf: number): SysRet;
    sysinfo(info: number): SysRet;
  }
}

const L = Libc.prototype;
L.getrusage = function (who, usage) { return this.ret(this.raw(this.SYS.getrusage, who, usage)); };
L.times = function (buf) { return this.ret(this.raw(this.SYS.times, buf)); };
L.sysinfo = function (info) { return this.ret(this.raw(this.SYS.sysinfo, info)); };
