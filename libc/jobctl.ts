/**
 * Process groups, sessions and the job-control side of wait (glibc's unistd.h setpgid,
 * getpgid, getpgrp, setsid, getsid; sys/wait.h waitid and the W* status macros).
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

/** siginfo_t as waitid fills it for SIGCHLD. */
export interface SiginfoChld { si_signo: number; si_code: number; si_pid: number; si_uid: number; si_status: number }

declare module './libc.ts' {
  interface Libc {
    setpgid(pid: number, pgid: number): SysRet;
    getpgid(pid: number): SysRet;
    getpgrp(): SysRet;
    setsid(): SysRet;
    getsid(pid: number): SysRet;
    /** waitid(2); the siginfo it filled is decoded into `info` when given. */
    waitid(idtype: number, id: number, info: SiginfoChld | null, options: number): SysRet;
    WIFSTOPPED(s: number): boolean; WSTOPSIG(s: number): number; WIFCONTINUED(s: number): boolean;
  }
}

const L = Libc.prototype;

L.setpgid = function (pid, pgid) { return this.ret(this.raw(this.SYS.setpgid, pid, pgid)); };
L.getpgid = function (pid) { return this.ret(this.raw(this.SYS.getpgid, pid)); };
L.getpgrp = function () { return this.getpgid(0); };
L.setsid = function () { return this.ret(this.raw(this.SYS.setsid)); };
L.getsid = function (pid) { return this.ret(this.raw(this.SYS.getsid, pid)); };

L.waitid = function (idtype, id, info, options) {
  const p = this.malloc(128);
  const done = (r: number): number => {
    if (r >= 0 && info) {
      info.si_signo = this.peek_i32(p); info.si_code = this.peek_i32(p + 8);
      info.si_pid = this.peek_i32(p + 16); info.si_uid = this.peek_i32(p + 20); info.si_status = this.peek_i32(p + 24);
    }
    this.free(p);
    return r;
  };
  const r = this.ret(this.raw(this.SYS.waitid, idtype, id, p, options, 0));
  return typeof r === 'number' ? done(r) : r.then(done);
};

L.WIFSTOPPED = (s) => (s & 0xff) === 0x7f;
L.WSTOPSIG = (s) => (s >> 8) & 0xff;
L.WIFCONTINUED = (s) => s === 0xffff;
