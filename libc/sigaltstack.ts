/**
 * The alternate signal stack and pause (glibc's signal.h, unistd.h): sigaltstack(2) with
 * stack_t pointers, and pause(), which on arm64 (no pause syscall) is glibc's
 * rt_sigsuspend with the current mask.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    /** ss, oss: stack_t pointers (ss_sp at 0, ss_flags at 8, ss_size at 16), or 0. */
    sigaltstack(ss: number, oss: number): SysRet;
    pause(): SysRet;
    /** &uc->uc_sigmask in a handler's ucontext_t (its offset differs by architecture). */
    uc_sigmask(uc: number): number;
  }
}

const L = Libc.prototype;

L.sigaltstack = function (ss, oss) { return this.ret(this.raw(this.SYS.sigaltstack, ss, oss)); };

/** offsetof(ucontext_t, uc_sigmask): after x86-64's 256-byte mcontext, before arm64's. */
const UC_SIGMASK = { x86_64: 296, arm64: 40 } as const;
L.uc_sigmask = function (uc) { return uc + UC_SIGMASK[this.door.arch]; };

L.pause = function () {
  const nr = this.SYS.pause;
  if (nr !== undefined) return this.ret(this.raw(nr));
  return this.with_scratch(() => {
    const set = this.scratch_push(8);
    const r = this.raw(this.SYS.rt_sigprocmask, this.SIG_BLOCK, 0, set, 8);
    if (typeof r === 'number' && r < 0) return this.ret(r);
    return this.ret(this.raw(this.SYS.rt_sigsuspend, set, 8));
  });
};
