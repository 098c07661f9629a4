/** memfd_create(2) (glibc's sys/mman.h); seals go through fcntl(F_ADD_SEALS / F_GET_SEALS). */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc, type StrArg } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    memfd_create(name: StrArg, flags: number): SysRet;
  }
}

Libc.prototype.memfd_create = function (name, flags) {
  return this.with_scratch(() => this.ret(this.raw(this.SYS.memfd_create, this.str(name), flags)));
};
