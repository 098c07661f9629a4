/** getrusage(2) (glibc's sys/resource.h); struct rusage is a pointer (144 bytes). */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    getrusage(who: number, usage: number): SysRet;
  }
}

Libc.prototype.getrusage = function (who, usage) { return this.ret(this.raw(this.SYS.getrusage, who, usage)); };
