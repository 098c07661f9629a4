/**
 * Signal waiting and queueing (glibc's signal.h, sys/signalfd.h): sigtimedwait, sigwaitinfo,
 * sigqueue, sigsuspend, signalfd. Signal sets are given as lists of signal numbers.
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    /** timeout: a struct timespec pointer (0: wait forever). */
    sigtimedwait(set: number[], info: number, timeout: number): SysRet;
    sigwaitinfo(set: number[], info: number): SysRet;
    /** sigqueue(3): rt_sigqueueinfo with SI_QUEUE, the caller's pid and uid, and an int value. */
    sigqueue(pid: number, sig: number, value: number): SysRet;
    sigsuspend(set: number[]): SysRet;
    signalfd(fd: number, set: number[], flags: number): SysRet;
  }
}

const L = Libc.prototype;
const SI_QUEUE = -1;

/** A sigset_t in scratch memory. */
function sigset_in(lc: Libc, set: number[]): number {
  let lo = 0, hi = 0;
  for (const s of set) { if (s <= 32) lo |= 1 << (s - 1); else hi |= 1 << (s - 33); }
  const p = lc.scratch_push(8);
  lc.poke_u32(p, lo); lc.poke_u32(p + 4, hi);
  return p;
}

const SI_TKILL = -6, SI_USER = 0;

/** glibc's sigtimedwait: POSIX wants SI_USER where the kernel says SI_TKILL (raise). */
L.sigtimedwait = function (set, info, timeout) {
  return this.with_scratch(() => this.ret(this.raw(this.SYS.rt_sigtimedwait, sigset_in(this, set), info, timeout, 8)),
    (r) => { if (r > 0 && info && this.peek_i32(info + 8) === SI_TKILL) this.poke_u32(info + 8, SI_USER); });
};
L.sigwaitinfo = function (set, info) { return this.sigtimedwait(set, info, 0); };
L.sigqueue = function (pid, sig, value) {
  return this.with_scratch(() => {
    const p = this.scratch_push(128);
    this.poke(p, new Uint8Array(128));
    this.poke_u32(p, sig); this.poke_u32(p + 8, SI_QUEUE);
    this.poke_u32(p + 16, this.raw(this.SYS.getpid) as number); this.poke_u32(p + 20, this.raw(this.SYS.getuid) as number);
    this.poke_u32(p + 24, value);
    return this.ret(this.raw(this.SYS.rt_sigqueueinfo, pid, sig, p));
  });
};
L.sigsuspend = function (set) {
  return this.with_scratch(() => this.ret(this.raw(this.SYS.rt_sigsuspend, sigset_in(this, set), 8)));
};
L.signalfd = function (fd, set, flags) {
  return this.with_scratch(() => this.ret(this.raw(this.SYS.signalfd4, fd, sigset_in(this, set), 8, flags)));
};
