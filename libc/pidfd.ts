/** Process file descriptors (glibc's sys/pidfd.h): pidfd_open, pidfd_send_signal. */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    pidfd_open(pid: number, flags: number): SysRet;
    pidfd_send_signal(pidfd: number, sig: number, info: number, flags: number): SysRet;
  }
}

Libc.prototype.pidfd_open = function (pid, flags) { return this.ret(this.raw(this.SYS.pidfd_open, pid, flags)); };
Libc.prototype.pidfd_send_signal = function (pidfd, sig, info, flags) { return this.ret(this.raw(this.SYS.pidfd_send_signal, pidfd, sig, info, flags)); };
