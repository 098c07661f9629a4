/**
 * UDP (net/ipv4/udp.c, net/ipv6/udp.c, net/core/datagram.c): struct udp_sock, the per-kernel
 * port table (udp_table), delivery to a socket's receive queue (__udp_enqueue_schedule_skb:
 * bounded by SO_RCVBUF, dropped when full), udp_sendmsg, udp_recvmsg and datagram_poll.
 *
 * Where datagrams travel: between two sockets of this kernel, in the kernel (udp_sendmsg finds
 * the bound receiver in udp_table and queues the datagram before returning, as Linux's loopback
 * does, so a recv right after a send sees it); to any other port, through the socket's host
 * node:dgram socket on the host's loopback (udp_host.ts), which also carries host datagrams in.
 */
import type { Socket as HostDgram } from 'node:dgram';
import {
  EAFNOSUPPORT, EDESTADDRREQ, EFAULT, EINVAL, EMSGSIZE, ENETUNREACH, EOPNOTSUPP, EPIPE,
} from '../../include/uapi/errno.ts';
import { AF_INET, AF_UNSPEC, MSG_DONTWAIT, MSG_OOB, MSG_PEEK, MSG_TRUNC, SOCKADDR_IN_SIZE } from '../../include/uapi/socket.ts';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM } from '../../fs/poll_types.ts';
import type { SysRet } from '../../fs/fs_types.ts';
import type { Kernel } from '../../kernel.ts';
import type { Task } from '../../sched/task.ts';
import type { IovIter } from '../core/iov_iter.ts';
import { SkBuff } from '../core/skbuff.ts';
import { Sock, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, sk_wait, sock_error } from '../core/sock.ts';
import type { MsgHdr } from '../socket.ts';
import { inet_parse, inet_sockaddr, is_any, is_loopback, type InetAddr } from './inet_addr.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import { sys_then } from '../../sched/wait.ts';

/** The largest UDP payload: 65535 - 20 (IPv4 header) - 8, and 65535 - 8 for IPv6. */
export const UDP_MAX_PAYLOAD_V4 = 65507, UDP_MAX_PAYLOAD_V6 = 65527;

/**
 * The memory a queued datagram is charged (skb->truesize): the payload plus the sk_buff, its
 * shared info and headroom. A linear fit of what Linux 6.x charges on loopback (measured:
 * 9 one-byte datagrams fit an 8 KiB receive buffer, 6 of 256 bytes, 3 of 1 KiB); Linux's own
 * figure moves in kmalloc size steps.
 */
export const udp_truesize = (len: number): number => 2 * len + 960;

/** struct udp_sock, with the host socket that carries its traffic to and from the host. */
export class UdpSock extends Sock {
  /** inet_rcv_saddr/inet_num: the bound address (wildcard until bound) and port (0: none). */
  local: InetAddr;
  /** inet_daddr/inet_dport once connected; datagrams from anyone else are not delivered. */
  remote: InetAddr | null = null;
  /** SOCK_BINDADDR_LOCK / SOCK_BINDPORT_LOCK: bind() chose them (a disconnect keeps them). */
  addr_locked = false;
  port_locked = false;
  /** Bytes of queued datagrams as charged (sk_rmem_alloc). */
  rmem = 0;
  host: HostDgram | null = null;
  host_port = 0;
  /** "ip:port" the host socket is connected to (udp_host_connect), mirroring `remote`. */
  host_peer: string | null = null;
  /** An autobind in progress (bind is a host operation). */
  binding: Promise<number> | null = null;
  v6only = false;
  /** udp_source() and its sockaddr, cached for the local address and port they were made for. */
  src: InetAddr | null = null;
  src_sa: Uint8Array | null = null;
  private src_of: Uint8Array | null = null;
  private src_port = 0;

  /** The sockaddr a datagram from this socket carries, rebuilt only when bind/connect changed it. */
  source_sa(): Uint8Array {
    if (this.src_sa && this.src_of === this.local.addr && this.src_port === this.local.port) return this.src_sa;
    this.src_of = this.local.addr; this.src_port = this.local.port;
    this.src = udp_source(this);
    return (this.src_sa = inet_sockaddr(this.src));
  }

  constructor(readonly k: Kernel, family: number, type: number, protocol: number) {
    super(family, type, protocol);
    this.local = { family, addr: new Uint8Array(family === AF_INET ? 4 : 16), port: 0 };
  }

  get max_payload(): number { return this.sk_family === AF_INET ? UDP_MAX_PAYLOAD_V4 : UDP_MAX_PAYLOAD_V6; }
}

/** udp_table: this kernel's bound UDP sockets by family and port. */
const UDP_TABLE_STATE = new StateKey<Kernel, Map<number, UdpSock>>('net.udp', () => new Map());
export function udp_table(k: Kernel): Map<number, UdpSock> { return state_of(k, UDP_TABLE_STATE); }
export const udp_key = (family: number, port: number): number => family * 0x10000 + port;

const same_addr = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The address a datagram from sk carries: its bound address, or loopback's (the route's source). */
export function udp_source(sk: UdpSock): InetAddr {
  if (!is_any(sk.local.addr)) return sk.local;
  const addr = new Uint8Array(sk.sk_family === AF_INET ? 4 : 16);
  if (sk.sk_family === AF_INET) { addr[0] = 127; addr[3] = 1; } else addr[15] = 1;
  return { family: sk.sk_family, addr, port: sk.local.port };
}

/**
 * __udp_enqueue_schedule_skb(): queues a datagram from src unless the socket is connected to
 * someone else (udp_lib_lookup's score) or its receive buffer is already over SO_RCVBUF.
 * Returns false when the datagram was dropped.
 */
export function udp_queue_rcv(sk: UdpSock, data: Uint8Array, src: InetAddr, src_sa: Uint8Array): boolean {
  if (sk.dead) return false;
  const r = sk.remote;
  if (r && (r.port !== src.port || !same_addr(r.addr, src.addr))) return false;
  if (sk.rmem > sk.sk_rcvbuf) return false; // UDP_MIB_RCVBUFERRORS
  const skb = new SkBuff(data);
  skb.addr = src_sa; // shared by the queued datagrams of one sender; never written
  sk.rmem += udp_truesize(data.length);
  sk.sk_receive_queue.queue_tail(skb);
  sk.wake();
  return true;
}

/** The destination of a send: msg_name (udp_sendmsg's checks) or the connected peer. */
function udp_dest(sk: UdpSock, msg: MsgHdr | null): InetAddr | number {
  if (!msg?.name) return sk.remote ?? -EDESTADDRREQ;
  const a = msg.name;
  if (sk.sk_family === AF_INET) {
    if (a.length < SOCKADDR_IN_SIZE) return -EINVAL;
    const fam = a[0] | (a[1] << 8);
    if (fam !== AF_INET && fam !== AF_UNSPEC) return -EAFNOSUPPORT;
    const d: InetAddr = { family: AF_INET, addr: a.slice(4, 8), port: (a[2] << 8) | a[3] };
    return d.port === 0 ? -EINVAL : d;
  }
  const d = inet_parse(a, sk.sk_family);
  if (typeof d === 'number') return d;
  return d.port === 0 ? -EINVAL : d;
}

/** What udp_sendmsg needs from the host side: autobind, and transmission to a host port. */
export interface UdpHostOps {
  autobind(sk: UdpSock): number | Promise<number>;
  /** 0 once handed to the host, or a promise of it (a send to the connected peer waits for its ICMP). */
  xmit(sk: UdpSock, data: Uint8Array, dst: InetAddr): Promise<number> | number;
}
let host_ops: UdpHostOps;
export function udp_set_host_ops(ops: UdpHostOps): void { host_ops = ops; }

/** udp_sendmsg() / udpv6_sendmsg(): one datagram, whole, or an error. */
export function udp_sendmsg(sk: UdpSock, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet {
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  const len = it.count;
  if (len > sk.max_payload) return -EMSGSIZE;
  const dst = udp_dest(sk, msg);
  if (typeof dst === 'number') return dst;
  // Only loopback exists: any other destination has no route (the wildcard means this host).
  if (!is_any(dst.addr) && !is_loopback(dst.addr)) return -ENETUNREACH;
  if (sk.sk_err) return sock_error(sk);
  if (sk.sk_shutdown & SEND_SHUTDOWN) return -EPIPE; // sock_alloc_send_pskb; no SIGPIPE for UDP
  if (sk.local.port === 0) {
    const r = host_ops.autobind(sk);
    if (typeof r !== 'number') return sys_then(t, r, (e) => (e ? e : udp_sendmsg(sk, t, it, flags, msg)));
    if (r) return r;
  }
  const data = new Uint8Array(len);
  if (it.copy_from(t, data, 0, len) < len) return -EFAULT;
  return sys_then(t, udp_deliver(sk, data, dst), () => len);
}

/** ip_send_skb() over loopback: a receiver in this kernel gets it now; otherwise the host does. */
function udp_deliver(sk: UdpSock, data: Uint8Array, dst: InetAddr): Promise<number> | number {
  const to = udp_table(sk.k).get(udp_key(sk.sk_family, dst.port));
  if (!to) return host_ops.xmit(sk, data, dst);
  // Bound to another address of the port: no socket matches, and the datagram is dropped.
  if (is_any(to.local.addr) || is_any(dst.addr) || same_addr(to.local.addr, dst.addr)) {
    const sa = sk.source_sa();
    udp_queue_rcv(to, data, sk.src!, sa);
  }
  return 0;
}

/**
 * udp_recvmsg(): one datagram per call; MSG_TRUNC reports its real length. A pending error
 * (an ICMP for the connected peer) comes first, queued datagrams or not (__skb_try_recv_datagram).
 */
export function udp_recvmsg(sk: UdpSock, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet {
  const rq = sk.sk_receive_queue;
  if (sk.sk_err) return sock_error(sk);
  const skb = rq.peek();
  if (!skb) {
    const nonblock = (flags & MSG_DONTWAIT) !== 0;
    if (sk.sk_shutdown & RCV_SHUTDOWN && !nonblock) return 0; // __skb_wait_for_more_packets
    const w = sk_wait(t, sk, nonblock, () => !rq.empty || sk.sk_err !== 0 || (sk.sk_shutdown & RCV_SHUTDOWN) !== 0, sk.sk_rcvtimeo);
    if (typeof w === 'number') return w;
    return sys_then(t, w, (e) => (e ? e : udp_recvmsg(sk, t, it, flags, msg)));
  }
  const len = skb.len, n = Math.min(len, it.count);
  if (it.copy_to(t, skb.data, skb.off, n) < n) return -EFAULT;
  if (msg) {
    msg.name = skb.addr;
    if (n < len) msg.flags |= MSG_TRUNC;
  }
  if (!(flags & MSG_PEEK)) {
    rq.dequeue();
    sk.rmem -= udp_truesize(len);
  }
  return flags & MSG_TRUNC ? len : n;
}

/** udp_poll() → datagram_poll(): readable with a datagram queued, always writable on loopback. */
export function udp_poll(sk: UdpSock): number {
  let mask = POLLOUT | POLLWRNORM | POLLWRBAND;
  if (sk.sk_err) mask |= POLLERR;
  if (sk.sk_shutdown & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
  if (sk.sk_shutdown === SHUTDOWN_MASK) mask |= POLLHUP;
  if (!sk.sk_receive_queue.empty) mask |= POLLIN | POLLRDNORM;
  return mask;
}
