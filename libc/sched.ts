/**
 * Scheduling policies (glibc's sched.h): sched_setscheduler, sched_getscheduler, sched_setparam,
 * sched_getparam, sched_get_priority_max/min, sched_rr_get_interval. struct sched_param and
 * struct timespec are pointers.
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    sched_setscheduler(pid: number, policy: number, param: number): SysRet;
    sched_getscheduler(pid: number): SysRet;
    sched_setparam(pid: number, param: number): SysRet;
    sched_getparam(pid: number, param: number): SysRet;
    sched_get_priority_max(policy: number): SysRet;
    sched_get_priority_min(policy: number): SysRet;
    sched_rr_get_interval(pid: number, tp: number): SysRet;
  }
}

const L = Libc.prototype;
L.sched_setscheduler = function (pid, policy, param) { return this.ret(this.raw(this.SYS.sched_setscheduler, pid, policy, param)); };
L.sched_getscheduler = function (pid) { return this.ret(this.raw(this.SYS.sched_getscheduler, pid)); };
L.sched_setparam = function (pid, param) { return this.ret(this.raw(this.SYS.sched_setparam, pid, param)); };
L.sched_getparam = function (pid, param) { return this.ret(this.raw(this.SYS.sched_getparam, pid, param)); };
L.sched_get_priority_max = function (policy) { return this.ret(this.raw(this.SYS.sched_get_priority_max, policy)); };
L.sched_get_priority_min = function (policy) { return this.ret(this.raw(this.SYS.sched_get_priority_min, policy)); };
L.sched_rr_get_interval = function (pid, tp) { return this.ret(this.raw(this.SYS.sched_rr_get_interval, pid, tp)); };
