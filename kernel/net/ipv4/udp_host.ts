/**
 * UDP's host side: a bound emulated UDP socket holds a node:dgram socket on the host's
 * loopback (127.0.0.1 or ::1, never another address), on the same port as the guest's, or on
 * the port `--publish` maps it to (net_publish), or a free one for port 0. Host datagrams
 * arriving on it are the receive "interrupt" (udp_queue_rcv); datagrams for ports no socket
 * of this kernel has bound leave through it. Linux's counterparts: udp_lib_get_port (binding
 * a port) and the loopback device's xmit/receive.
 */
import { createSocket, type RemoteInfo, type Socket as HostDgram } from 'node:dgram';
import { EADDRINUSE, ECONNREFUSED } from '../../include/uapi/errno.ts';
import { AF_INET } from '../../include/uapi/socket.ts';
import { inet_host_port } from './inet_hashtables.ts';
import { addr_from_host, host_ip, inet_sockaddr, type InetAddr } from './inet_addr.ts';
import { host_errno } from './tcp_bridge.ts';
import { UdpSock, udp_key, udp_queue_rcv, udp_set_host_ops, udp_table } from './udp.ts';

const ignore = (): void => {};

/** Host datagram in: queued on the socket as from the host's address and port. */
function udp_host_rcv(sk: UdpSock, msg: Buffer, rinfo: RemoteInfo): void {
  const src: InetAddr = { family: sk.sk_family, addr: addr_from_host(rinfo.address, sk.sk_family), port: rinfo.port };
  udp_queue_rcv(sk, msg, src, inet_sockaddr(src));
}

/** The host address for sk's socket: its own 127.x address when bound to one, else loopback's. */
function udp_host_addr(sk: UdpSock): string {
  const a = sk.local.addr;
  return sk.sk_family === AF_INET && a[0] === 127 ? a.join('.') : host_ip(sk.sk_family);
}

/**
 * udp_lib_get_port(): binds sk to guest port `port` (0: any free one) with its host socket.
 * Resolves 0, or -EADDRINUSE when this kernel or the host already holds the port.
 */
export function udp_get_port(sk: UdpSock, port: number): Promise<number> {
  const tab = udp_table(sk.k);
  if (port && tab.has(udp_key(sk.sk_family, port))) return Promise.resolve(-EADDRINUSE);
  if (port) tab.set(udp_key(sk.sk_family, port), sk); // reserved while the host binds
  const h = createSocket({ type: sk.sk_family === AF_INET ? 'udp4' : 'udp6', ipv6Only: sk.sk_family !== AF_INET });
  return new Promise((resolve) => {
    const fail = (err: number): void => {
      h.off('message', on_message); h.on('error', ignore); h.close();
      if (port && tab.get(udp_key(sk.sk_family, port)) === sk) tab.delete(udp_key(sk.sk_family, port));
      resolve(err);
    };
    const on_message = (m: Buffer, r: RemoteInfo): void => udp_host_rcv(sk, m, r);
    h.on('message', on_message);
    h.once('error', (e) => fail(-host_errno(e)));
    h.bind({ address: udp_host_addr(sk), port: port ? inet_host_port(sk.k, port) : 0, exclusive: true }, () => {
      h.removeAllListeners('error');
      h.on('error', (e: NodeJS.ErrnoException) => udp_host_err(sk, e));
      const hp = h.address().port, gp = port || hp;
      if (sk.dead || (!port && tab.has(udp_key(sk.sk_family, gp)))) { fail(-EADDRINUSE); return; }
      tab.set(udp_key(sk.sk_family, gp), sk);
      sk.host = h; sk.host_port = hp; sk.local.port = gp;
      resolve(0);
    });
  });
}

/**
 * __udp4_lib_err(): an ICMP port unreachable for a datagram to the connected peer. The host
 * reports it on its socket only when that is connected too (so is Linux's: an unconnected
 * socket never hears of it), as ECONNREFUSED; the next send or receive returns it.
 */
function udp_host_err(sk: UdpSock, e: NodeJS.ErrnoException): void {
  if (e.code !== 'ECONNREFUSED' || !sk.remote || sk.dead) return;
  sk.sk_err = ECONNREFUSED;
  sk.wake();
}

const host_dst_ip = (sk: UdpSock, dst: InetAddr): string =>
  sk.sk_family === AF_INET && dst.addr[0] === 127 ? dst.addr.join('.') : host_ip(sk.sk_family);

/**
 * ip4_datagram_connect()'s host half: the host socket is connected to the same peer, so the
 * host kernel filters what arrives as Linux does and reports the peer's ICMP errors.
 */
export function udp_host_connect(sk: UdpSock, dst: InetAddr): Promise<number> | number {
  const h = sk.host;
  if (!h) return 0;
  udp_host_disconnect(sk);
  if (dst.port === 0) return 0; // no host socket can connect to port 0; sends to it are lost
  const peer = `${host_dst_ip(sk, dst)}:${dst.port}`;
  return new Promise((resolve) => h.connect(dst.port, host_dst_ip(sk, dst), () => { sk.host_peer = peer; resolve(0); }));
}

export function udp_host_disconnect(sk: UdpSock): void {
  if (sk.host && sk.host_peer) sk.host.disconnect();
  sk.host_peer = null;
}

/** udp_lib_unhash(): frees the port and closes the host socket. */
export function udp_unhash(sk: UdpSock): void {
  const tab = udp_table(sk.k), key = udp_key(sk.sk_family, sk.local.port);
  if (sk.local.port && tab.get(key) === sk) tab.delete(key);
  const h = sk.host;
  if (h) { h.removeAllListeners('message'); h.close(); }
  sk.host = null; sk.host_port = 0; sk.local.port = 0; sk.host_peer = null;
}

/** inet_autobind(): the first send or connect of an unbound socket takes a free port. */
function udp_autobind(sk: UdpSock): number | Promise<number> {
  if (sk.local.port) return 0;
  if (!sk.binding) sk.binding = udp_get_port(sk, 0).then((e) => { sk.binding = null; return e; });
  return sk.binding;
}

/** Runs fn after the host loop has polled once more (a check callback can precede the next poll). */
const after_poll = (fn: () => void): void => { setImmediate(() => setImmediate(fn)); };

/**
 * To the host's loopback: the destination's own loopback address and port. To the connected
 * peer, the send completes only after the host loop has polled once more, so an ICMP error the
 * host kernel queued during the send (synchronously, on loopback) is on the socket before
 * the next syscall, as on Linux. A connected host socket cannot send elsewhere: for sendto()
 * to another address it is disconnected for that datagram and connected again.
 */
function udp_xmit(sk: UdpSock, data: Uint8Array, dst: InetAddr): Promise<number> | number {
  const h = sk.host;
  // Port 0 (a socket connect()ed to it: Linux allows that and sends): no host socket can take
  // it, and Node's send would throw; the datagram is lost as one to a closed port is here.
  if (!h || dst.port === 0) return 0;
  const ip = host_dst_ip(sk, dst), peer = sk.host_peer;
  if (peer === null) { h.send(data, dst.port, ip); return 0; }
  if (peer === `${ip}:${dst.port}`) return new Promise((r) => h.send(data, () => after_poll(() => r(0))));
  const remote = sk.remote!;
  udp_host_disconnect(sk);
  h.send(data, dst.port, ip);
  return udp_host_connect(sk, remote);
}

udp_set_host_ops({ autobind: udp_autobind, xmit: udp_xmit });
export type { HostDgram };
