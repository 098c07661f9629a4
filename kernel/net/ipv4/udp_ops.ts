/**
 * PF_INET / PF_INET6 datagram sockets (net/ipv4/af_inet.c inet_dgram_ops and inet_bind,
 * inet_dgram_connect, inet_getname, inet_shutdown; net/ipv4/datagram.c ip4_datagram_connect;
 * net/ipv4/udp.c __udp_disconnect, udp_ioctl, udp_lib_{set,get}sockopt).
 */
import {
  EADDRNOTAVAIL, EFAULT, EINVAL, ENETUNREACH, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPROTONOSUPPORT,
} from '../../include/uapi/errno.ts';
import { AF_INET, AF_INET6, AF_UNSPEC, IPPROTO_IPV6, IPPROTO_UDP } from '../../include/uapi/socket.ts';
import { get_user_u32, put_user_u32 } from '../../mm/uaccess.ts';
import type { Task } from '../../sched/task.ts';
import { put_int_opt, TCP_CLOSE, TCP_ESTABLISHED } from '../core/sock.ts';
import { SIOCINQ, SIOCOUTQ, SS_CONNECTED, SS_UNCONNECTED, Socket, sock_ioctl_common, type ProtoOps } from '../socket.ts';
import { inet_addr_local, inet_parse, inet_sockaddr, is_any, is_loopback } from './inet_addr.ts';
import { UdpSock, udp_poll, udp_recvmsg, udp_sendmsg, udp_source } from './udp.ts';
import { udp_get_port, udp_host_connect, udp_host_disconnect, udp_unhash } from './udp_host.ts';
import { sys_then } from '../../sched/wait.ts';
import { as_user_ptr, type UserPtr } from '../../include/linux/compiler_types.ts';

const usk = (sock: Socket): UdpSock => sock.sk as UdpSock;
const IPV6_V6ONLY = 26;

/** inet_bind() for UDP: the address must be local; the port is taken on the host too. */
function udp_bind(sock: Socket, _t: Task, a: Uint8Array): number | Promise<number> {
  const sk = usk(sock);
  const e = inet_parse(a, sk.sk_family);
  if (typeof e === 'number') return e;
  if (!inet_addr_local(e.addr)) return -EADDRNOTAVAIL;
  if (sk.local.port || sk.binding || sk.sk_state !== TCP_CLOSE) return -EINVAL;
  const prev = sk.local.addr;
  sk.local.addr = e.addr;
  const bound = (r: number): number => {
    if (r) { sk.local.addr = prev; return r; }
    sk.addr_locked = !is_any(e.addr);
    sk.port_locked = e.port !== 0;
    return 0;
  };
  sk.binding = udp_get_port(sk, e.port).then((r) => { sk.binding = null; return bound(r); });
  return sk.binding;
}

/** __udp_disconnect(): forgets the peer; an address or port bind() did not choose goes too. */
function udp_disconnect(sock: Socket, sk: UdpSock): number {
  sk.remote = null;
  udp_host_disconnect(sk);
  sk.sk_state = TCP_CLOSE;
  sock.state = SS_UNCONNECTED;
  if (!sk.addr_locked) sk.local.addr = new Uint8Array(sk.sk_family === AF_INET ? 4 : 16);
  if (!sk.port_locked) udp_unhash(sk);
  return 0;
}

/** inet_dgram_connect() + ip4_datagram_connect(): sets the default peer (autobinding first). */
function udp_connect(sock: Socket, t: Task, a: Uint8Array): number | Promise<number> {
  const sk = usk(sock);
  if (a.length < 2) return -EINVAL;
  if ((a[0] | (a[1] << 8)) === AF_UNSPEC) return udp_disconnect(sock, sk);
  if (!sk.local.port) {
    const r = sk.binding ?? udp_get_port(sk, 0);
    return sys_then(t, r, (e) => (e ? e : udp_connect(sock, t, a)));
  }
  const e = inet_parse(a, sk.sk_family);
  if (typeof e === 'number') return e;
  if (!is_any(e.addr) && !is_loopback(e.addr)) return -ENETUNREACH; // only loopback is routed
  if (is_any(e.addr)) e.addr = udp_source(sk).addr.slice(); // INADDR_ANY means this host
  if (is_any(sk.local.addr)) sk.local.addr = udp_source(sk).addr.slice();
  sk.remote = e;
  sk.sk_state = TCP_ESTABLISHED;
  sock.state = SS_CONNECTED;
  return udp_host_connect(sk, e);
}

/** inet_getname() / inet6_getname() */
function udp_getname(sock: Socket, peer: boolean): Uint8Array | number {
  const sk = usk(sock);
  if (peer) return sk.remote && sk.sk_state === TCP_ESTABLISHED ? inet_sockaddr(sk.remote) : -ENOTCONN;
  return inet_sockaddr(sk.local);
}

/** inet_shutdown(): an unconnected socket answers ENOTCONN but takes the shutdown bits anyway. */
function udp_shutdown(sock: Socket, how: number): number {
  const sk = usk(sock);
  sk.sk_shutdown |= how + 1;
  sk.wake();
  return sk.sk_state === TCP_ESTABLISHED ? 0 : -ENOTCONN;
}

function udp_release(sock: Socket): void {
  const sk = usk(sock);
  sk.dead = true;
  udp_unhash(sk);
  sk.sk_receive_queue.purge();
  sk.rmem = 0;
  sk.wake();
}

/** udp_ioctl(): SIOCINQ is the size of the next datagram; SIOCOUTQ what is not yet sent (none). */
function udp_ioctl(sock: Socket, t: Task, cmd: number, arg: number): number {
  const sk = usk(sock);
  if (cmd === SIOCINQ) return put_user_u32(t, as_user_ptr(arg), sk.sk_receive_queue.peek()?.len ?? 0);
  if (cmd === SIOCOUTQ) return put_user_u32(t, as_user_ptr(arg), 0);
  return sock_ioctl_common(cmd);
}

/** IPV6_V6ONLY is kept; UDP-level and other IP-level options are not implemented (ENOPROTOOPT). */
function udp_setsockopt(sock: Socket, t: Task, level: number, opt: number, uval: UserPtr, optlen: number): number {
  const sk = usk(sock);
  if (level === IPPROTO_IPV6 && opt === IPV6_V6ONLY && sk.sk_family === AF_INET6) {
    if (optlen < 4) return -EINVAL;
    if (get_user_u32(t, uval)) return -EFAULT;
    const v = t.cpu.uval;
    if (sk.local.port) return -EINVAL; // only before bind
    sk.v6only = v !== 0;
    return 0;
  }
  return -ENOPROTOOPT;
}

function udp_getsockopt(sock: Socket, t: Task, level: number, opt: number, uval: UserPtr, ulen: UserPtr, len: number): number {
  const sk = usk(sock);
  // udp_getsockopt() hands levels other than SOL_UDP to ip_getsockopt(), which knows only SOL_IP.
  if (sk.sk_family === AF_INET && level !== IPPROTO_UDP && level !== 0) return -EOPNOTSUPP;
  if (level === IPPROTO_IPV6 && opt === IPV6_V6ONLY && sk.sk_family === AF_INET6) return put_int_opt(t, uval, ulen, len, +sk.v6only);
  return -ENOPROTOOPT;
}

export const inet_dgram_ops: ProtoOps = {
  family: AF_INET,
  release: udp_release,
  bind: udp_bind,
  connect: (sock, t, a) => udp_connect(sock, t, a),
  socketpair: () => -EOPNOTSUPP,
  accept: () => -EOPNOTSUPP,
  getname: udp_getname,
  poll: (sock) => udp_poll(usk(sock)),
  ioctl: udp_ioctl,
  listen: () => -EOPNOTSUPP,
  shutdown: udp_shutdown,
  setsockopt: udp_setsockopt,
  getsockopt: udp_getsockopt,
  sendmsg: (sock, t, it, flags, msg) => udp_sendmsg(usk(sock), t, it, flags, msg),
  recvmsg: (sock, t, it, flags, msg) => udp_recvmsg(usk(sock), t, it, flags, msg),
};

/** inet_create() for SOCK_DGRAM: UDP (protocol 0 or IPPROTO_UDP). */
export function udp_create(t: Task, family: number, type: number, protocol: number): Socket | number {
  if (protocol !== 0 && protocol !== IPPROTO_UDP) return -EPROTONOSUPPORT;
  return new Socket(type, inet_dgram_ops, new UdpSock(t.kernel, family, type, IPPROTO_UDP));
}

