/**
 * Readiness wrappers (glibc's poll.h, sys/select.h, sys/epoll.h, sys/eventfd.h). On arm64,
 * which has no poll/epoll_wait/epoll_create/eventfd syscalls, glibc's fallbacks are used
 * (ppoll, epoll_pwait, epoll_create1, eventfd2), as glibc does.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    poll(fds: number, nfds: number, timeout: number): SysRet;
    select(n: number, rd: number, wr: number, ex: number, tv: number): SysRet;
    epoll_create(size: number): SysRet;
    epoll_create1(flags: number): SysRet;
    epoll_ctl(epfd: number, op: number, fd: number, ev: number): SysRet;
    /** Convenience: epoll_ctl with (events, data) given as numbers (data: up to 2^53). */
    epoll_ctl_ev(epfd: number, op: number, fd: number, events: number, data: number): SysRet;
    epoll_wait(epfd: number, events: number, maxevents: number, timeout: number): SysRet;
    epoll_pwait(epfd: number, events: number, maxevents: number, timeout: number, sigmask: number): SysRet;
    /** sizeof(struct epoll_event) on this architecture (12 packed on x86_64, 16 on arm64). */
    readonly EPOLL_EVENT_SIZE: number;
    eventfd(initval: number, flags: number): SysRet;
  }
}

const L = Libc.prototype;

Object.defineProperty(L, 'EPOLL_EVENT_SIZE', { get(this: Libc) { return this.arch === 'x86_64' ? 12 : 16; } });

L.poll = function (fds, nfds, timeout) {
  if (this.SYS.poll !== undefined) return this.ret(this.raw(this.SYS.poll, fds, nfds, timeout));
  if (timeout < 0) return this.ret(this.raw(this.SYS.ppoll, fds, nfds, 0, 0, 8));
  return this.with_scratch(() => {
    const ts = this.scratch_push(16);
    this.poke_u64(ts, Math.floor(timeout / 1000)); this.poke_u64(ts + 8, (timeout % 1000) * 1e6);
    return this.ret(this.raw(this.SYS.ppoll, fds, nfds, ts, 0, 8));
  });
};
L.select = function (n, rd, wr, ex, tv) {
  if (this.SYS.select !== undefined) return this.ret(this.raw(this.SYS.select, n, rd, wr, ex, tv));
  if (!tv) return this.ret(this.raw(this.SYS.pselect6, n, rd, wr, ex, 0, 0));
  return this.with_scratch(() => {
    const ts = this.scratch_push(16);
    this.poke_u64(ts, this.peek_u64(tv)); this.poke_u64(ts + 8, this.peek_u64(tv + 8) * 1000);
    return this.ret(this.raw(this.SYS.pselect6, n, rd, wr, ex, ts, 0));
  });
};
L.epoll_create = function (size) {
  if (this.SYS.epoll_create !== undefined) return this.ret(this.raw(this.SYS.epoll_create, size));
  if (size <= 0) { this.errno = this.EINVAL; return -1; }
  return this.epoll_create1(0);
};
L.epoll_create1 = function (flags) { return this.ret(this.raw(this.SYS.epoll_create1, flags)); };
L.epoll_ctl = function (epfd, op, fd, ev) { return this.ret(this.raw(this.SYS.epoll_ctl, epfd, op, fd, ev)); };
L.epoll_ctl_ev = function (epfd, op, fd, events, data) {
  return this.with_scratch(() => {
    const p = this.scratch_push(16);
    this.poke_u32(p, events);
    this.poke_u64(p + (this.EPOLL_EVENT_SIZE === 12 ? 4 : 8), data);
    return this.epoll_ctl(epfd, op, fd, p);
  });
};
L.epoll_wait = function (epfd, ev, max, timeout) {
  if (this.SYS.epoll_wait !== undefined) return this.ret(this.raw(this.SYS.epoll_wait, epfd, ev, max, timeout));
  return this.ret(this.raw(this.SYS.epoll_pwait, epfd, ev, max, timeout, 0, 8));
};
L.epoll_pwait = function (epfd, ev, max, timeout, sig) { return this.ret(this.raw(this.SYS.epoll_pwait, epfd, ev, max, timeout, sig, 8)); };
L.eventfd = function (initval, flags) { return this.ret(this.raw(this.SYS.eventfd2, initval, flags)); };
