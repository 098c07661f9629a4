/**
 * Socket wrappers (glibc's sys/socket.h, netinet/in.h, sys/un.h): the syscalls with glibc's
 * names, plus helpers to build sockaddrs from JS values. Pointers may be JS buffers/strings.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import * as sock from '../kernel/include/uapi/socket.ts';
import * as ep from '../kernel/include/uapi/eventpoll.ts';
import { type BufArg, Libc } from './libc.ts';
import { utf8_encode } from './utf8.ts';

type SockConsts = { readonly [K in keyof typeof sock as (typeof sock)[K] extends number ? K : never]: number } &
  { readonly [K in keyof typeof ep as (typeof ep)[K] extends number ? K : never]: number };

declare module './libc.ts' {
  interface Libc extends SockConsts {
    socket(domain: number, type: number, protocol?: number): SysRet;
    socketpair(domain: number, type: number, protocol: number, sv: number): SysRet;
    bind(fd: number, addr: BufArg, len: number): SysRet;
    listen(fd: number, backlog: number): SysRet;
    accept(fd: number, addr?: number, addrlen?: number): SysRet;
    accept4(fd: number, addr: number, addrlen: number, flags: number): SysRet;
    connect(fd: number, addr: BufArg, len: number): SysRet;
    getsockname(fd: number, addr: number, addrlen: number): SysRet;
    getpeername(fd: number, addr: number, addrlen: number): SysRet;
    shutdown(fd: number, how: number): SysRet;
    setsockopt(fd: number, level: number, opt: number, val: number, len: number): SysRet;
    getsockopt(fd: number, level: number, opt: number, val: number, len: number): SysRet;
    /** Convenience: setsockopt with an int value. */
    setsockopt_int(fd: number, level: number, opt: number, v: number): SysRet;
    /** Convenience: getsockopt of an int (the value, or -1 with errno). */
    getsockopt_int(fd: number, level: number, opt: number): SysRet;
    send(fd: number, buf: BufArg | string, len: number, flags?: number): SysRet;
    recv(fd: number, buf: BufArg, len: number, flags?: number): SysRet;
    sendto(fd: number, buf: BufArg | string, len: number, flags: number, addr: BufArg | 0, alen: number): SysRet;
    recvfrom(fd: number, buf: number, len: number, flags: number, addr: number, alen: number): SysRet;
    sendmsg(fd: number, msg: number, flags: number): SysRet;
    recvmsg(fd: number, msg: number, flags: number): SysRet;
    /** struct sockaddr_in bytes for an IPv4 dotted quad and port. */
    sockaddr_in(ip: string, port: number): Uint8Array;
    /** struct sockaddr_un bytes for a path ("\0name" for the abstract namespace), and its length. */
    sockaddr_un(path: string): Uint8Array;
    /** The port of a sockaddr_in/in6 in user memory. */
    ntohs_port(addr: number): number;
  }
}

const L = Libc.prototype;
Object.assign(L, Object.fromEntries(Object.entries({ ...sock, ...ep }).filter(([, v]) => typeof v === 'number')));

L.socket = function (d, ty, p = 0) { return this.ret(this.raw(this.SYS.socket, d, ty, p)); };
L.socketpair = function (d, ty, p, sv) { return this.ret(this.raw(this.SYS.socketpair, d, ty, p, sv)); };
L.bind = function (fd, a, len) { return this.with_scratch(() => this.ret(this.raw(this.SYS.bind, fd, this.buf_in(a, len), len))); };
L.listen = function (fd, b) { return this.ret(this.raw(this.SYS.listen, fd, b)); };
L.accept = function (fd, a = 0, l = 0) { return this.ret(this.raw(this.SYS.accept4, fd, a, l, 0)); };
L.accept4 = function (fd, a, l, f) { return this.ret(this.raw(this.SYS.accept4, fd, a, l, f)); };
L.connect = function (fd, a, len) { return this.with_scratch(() => this.ret(this.raw(this.SYS.connect, fd, this.buf_in(a, len), len))); };
L.getsockname = function (fd, a, l) { return this.ret(this.raw(this.SYS.getsockname, fd, a, l)); };
L.getpeername = function (fd, a, l) { return this.ret(this.raw(this.SYS.getpeername, fd, a, l)); };
L.shutdown = function (fd, how) { return this.ret(this.raw(this.SYS.shutdown, fd, how)); };
L.setsockopt = function (fd, lv, o, v, l) { return this.ret(this.raw(this.SYS.setsockopt, fd, lv, o, v, l)); };
L.getsockopt = function (fd, lv, o, v, l) { return this.ret(this.raw(this.SYS.getsockopt, fd, lv, o, v, l)); };
L.setsockopt_int = function (fd, lv, o, v) {
  return this.with_scratch(() => { const p = this.scratch_push(4); this.poke_u32(p, v); return this.setsockopt(fd, lv, o, p, 4); });
};
L.getsockopt_int = function (fd, lv, o) {
  return this.with_scratch(() => {
    const p = this.scratch_push(8);
    this.poke_u32(p + 4, 4);
    const r = this.getsockopt(fd, lv, o, p, p + 4) as number;
    return r < 0 ? r : this.peek_i32(p);
  });
};
L.send = function (fd, b, len, flags = 0) { return this.sendto(fd, b, len, flags, 0, 0); };
L.recv = function (fd, b, len, flags = 0) {
  if (typeof b === 'number') return this.ret(this.raw(this.SYS.recvfrom, fd, b, len, flags, 0, 0));
  const out = b;
  let p = 0;
  return this.with_scratch(() => { p = this.scratch_push(len); return this.ret(this.raw(this.SYS.recvfrom, fd, p, len, flags, 0, 0)); },
    (r) => { if (r > 0) this.peek_into(p, out, 0, r); });
};
L.sendto = function (fd, b, len, flags, a, alen) {
  if (typeof b === 'number' && typeof a === 'number') return this.ret(this.raw(this.SYS.sendto, fd, b, len, flags, a, alen));
  const bytes = typeof b === 'string' ? utf8_encode(b) : b;
  return this.with_scratch(() => this.ret(this.raw(this.SYS.sendto, fd, this.buf_in(bytes, len), len, flags, a === 0 ? 0 : this.buf_in(a, alen), alen)));
};
L.recvfrom = function (fd, b, len, flags, a, alen) { return this.ret(this.raw(this.SYS.recvfrom, fd, b, len, flags, a, alen)); };
L.sendmsg = function (fd, m, f) { return this.ret(this.raw(this.SYS.sendmsg, fd, m, f)); };
L.recvmsg = function (fd, m, f) { return this.ret(this.raw(this.SYS.recvmsg, fd, m, f)); };

L.sockaddr_in = function (ip, port) {
  const b = new Uint8Array(16);
  b[0] = sock.AF_INET; b[2] = port >> 8; b[3] = port & 0xff;
  ip.split('.').forEach((x, i) => (b[4 + i] = +x));
  return b;
};
L.sockaddr_un = function (path) {
  const p = utf8_encode(path);
  const abstract = path.startsWith('\0');
  const b = new Uint8Array(2 + p.length + (abstract ? 0 : 1));
  b[0] = sock.AF_UNIX;
  b.set(p, 2);
  return b;
};
L.ntohs_port = function (addr) { return (this.peek_u8(addr + 2) << 8) | this.peek_u8(addr + 3); };
