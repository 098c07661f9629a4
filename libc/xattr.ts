/**
 * Extended attributes (glibc's sys/xattr.h): {,l,f}{set,get,list,remove}xattr. Paths and names
 * may be JS strings; values and list buffers are pointers (or bytes for the set forms).
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { type BufArg, Libc, type StrArg } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    setxattr(path: StrArg, name: StrArg, value: BufArg | string, size: number, flags: number): SysRet;
    lsetxattr(path: StrArg, name: StrArg, value: BufArg | string, size: number, flags: number): SysRet;
    fsetxattr(fd: number, name: StrArg, value: BufArg | string, size: number, flags: number): SysRet;
    getxattr(path: StrArg, name: StrArg, value: number, size: number): SysRet;
    lgetxattr(path: StrArg, name: StrArg, value: number, size: number): SysRet;
    fgetxattr(fd: number, name: StrArg, value: number, size: number): SysRet;
    listxattr(path: StrArg, list: number, size: number): SysRet;
    llistxattr(path: StrArg, list: number, size: number): SysRet;
    flistxattr(fd: number, list: number, size: number): SysRet;
    removexattr(path: StrArg, name: StrArg): SysRet;
    lremovexattr(path: StrArg, name: StrArg): SysRet;
    fremovexattr(fd: number, name: StrArg): SysRet;
  }
}

const L = Libc.prototype;
const enc = new TextEncoder();
/** A path or an fd argument: strings are copied in, numbers pass as they are. */
function arg(lc: Libc, v: StrArg): number { return typeof v === 'number' ? v : lc.str(v); }
function value(lc: Libc, v: BufArg | string, size: number): number {
  return lc.buf_in(typeof v === 'string' ? enc.encode(v) : v, size);
}

function setter(nr: string) {
  return function (this: Libc, target: StrArg, name: StrArg, v: BufArg | string, size: number, flags: number): SysRet {
    return this.with_scratch(() => this.ret(this.raw(this.SYS[nr], arg(this, target), arg(this, name), value(this, v, size), size, flags)));
  };
}
function getter(nr: string) {
  return function (this: Libc, target: StrArg, name: StrArg, v: number, size: number): SysRet {
    return this.with_scratch(() => this.ret(this.raw(this.SYS[nr], arg(this, target), arg(this, name), v, size)));
  };
}
function lister(nr: string) {
  return function (this: Libc, target: StrArg, list: number, size: number): SysRet {
    return this.with_scratch(() => this.ret(this.raw(this.SYS[nr], arg(this, target), list, size)));
  };
}
function remover(nr: string) {
  return function (this: Libc, target: StrArg, name: StrArg): SysRet {
    return this.with_scratch(() => this.ret(this.raw(this.SYS[nr], arg(this, target), arg(this, name))));
  };
}

L.setxattr = setter('setxattr'); L.lsetxattr = setter('lsetxattr'); L.fsetxattr = setter('fsetxattr');
L.getxattr = getter('getxattr'); L.lgetxattr = getter('lgetxattr'); L.fgetxattr = getter('fgetxattr');
L.listxattr = lister('listxattr'); L.llistxattr = lister('llistxattr'); L.flistxattr = lister('flistxattr');
L.removexattr = remover('removexattr'); L.lremovexattr = remover('lremovexattr'); L.fremovexattr = remover('fremovexattr');
