/**
 * User and group ids (glibc's unistd.h, sys/fsuid.h, grp.h): setreuid, setregid, setresuid,
 * setresgid, getresuid, getresgid, setfsuid, setfsgid, getgroups, setgroups. The get*
 * forms take pointers to uid_t/gid_t (4 bytes each); setfsuid/setfsgid return the old id.
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    setreuid(ruid: number, euid: number): SysRet;
    setregid(rgid: number, egid: number): SysRet;
    setresuid(ruid: number, euid: number, suid: number): SysRet;
    setresgid(rgid: number, egid: number, sgid: number): SysRet;
    getresuid(ruid: number, euid: number, suid: number): SysRet;
    getresgid(rgid: number, egid: number, sgid: number): SysRet;
    setfsuid(fsuid: number): SysRet;
    setfsgid(fsgid: number): SysRet;
    getgroups(size: number, list: number): SysRet;
    setgroups(size: number, list: number): SysRet;
  }
}

const L = Libc.prototype;
L.setreuid = function (r, e) { return this.ret(this.raw(this.SYS.setreuid, r, e)); };
L.setregid = function (r, e) { return this.ret(this.raw(this.SYS.setregid, r, e)); };
L.setresuid = function (r, e, s) { return this.ret(this.raw(this.SYS.setresuid, r, e, s)); };
L.setresgid = function (r, e, s) { return this.ret(this.raw(this.SYS.setresgid, r, e, s)); };
L.getresuid = function (r, e, s) { return this.ret(this.raw(this.SYS.getresuid, r, e, s)); };
L.getresgid = function (r, e, s) { return this.ret(this.raw(this.SYS.getresgid, r, e, s)); };
L.setfsuid = function (id) { return this.raw(this.SYS.setfsuid, id); };
L.setfsgid = function (id) { return this.raw(this.SYS.setfsgid, id); };
L.getgroups = function (size, list) { return this.ret(this.raw(this.SYS.getgroups, size, list)); };
L.setgroups = function (size, list) { return this.ret(this.raw(this.SYS.setgroups, size, list)); };
