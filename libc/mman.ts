/** Memory-mapping wrappers beyond mmap/munmap/mprotect (glibc's sys/mman.h): msync, madvise. */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    msync(addr: number, len: number, flags: number): SysRet;
    madvise(addr: number, len: number, advice: number): SysRet;
  }
}

const L = Libc.prototype;
L.msync = function (addr, len, flags) { return this.ret(this.raw(this.SYS.msync, addr, len, flags)); };
L.madvise = function (addr, len, advice) { return this.ret(this.raw(this.SYS.madvise, addr, len, advice)); };
