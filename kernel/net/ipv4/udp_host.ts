/**
 * UDP's host side: a bound emulated UDP socket holds a node:dgram socket on the host's
 * loopback (127.0.0.1 or ::1, never another address), on the same port as the guest's, or on
 * the port `--publish` maps it to (net_publish), or a free one for port 0. Host datagrams
 * arriving on it are the receive "interrupt" (udp_queue_rcv); datagrams for ports no socket
 * of this kernel has bound leave through it. Linux's counterparts: udp_lib_get_port (binding
 * a port) and the loopback device's xmit/receive.
 */
import { createSocket, type RemoteInfo, type Socket as HostDgram } from 'node:dgram';
import { EADDRINUSE } from '../../include/uapi/errno.ts';
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
      h.on('error', ignore); // send errors (no ICMP reaches an unconnected socket)
      const hp = h.address().port, gp = port || hp;
      if (sk.dead || (!port && tab.has(udp_key(sk.sk_family, gp)))) { fail(-EADDRINUSE); return; }
      tab.set(udp_key(sk.sk_family, gp), sk);
      sk.host = h; sk.host_port = hp; sk.local.port = gp;
      resolve(0);
    });
  });
}

/** udp_lib_unhash(): frees the port and closes the host socket. */
export function udp_unhash(sk: UdpSock): void {
  const tab = udp_table(sk.k), key = udp_key(sk.sk_family, sk.local.port);
  if (sk.local.port && tab.get(key) === sk) tab.delete(key);
  const h = sk.host;
  if (h) { h.removeAllListeners('message'); h.close(); }
  sk.host = null; sk.host_port = 0; sk.local.port = 0;
}

/** inet_autobind(): the first send or connect of an unbound socket takes a free port. */
function udp_autobind(sk: UdpSock): number | Promise<number> {
  if (sk.local.port) return 0;
  if (!sk.binding) sk.binding = udp_get_port(sk, 0).then((e) => { sk.binding = null; return e; });
  return sk.binding;
}

/** To the host's loopback: the destination's own loopback address and port. */
function udp_xmit(sk: UdpSock, data: Uint8Array, dst: InetAddr): void {
  const h = sk.host;
  // Port 0 (a socket connect()ed to it: Linux allows that and sends): no host socket can take
  // it, and Node's send would throw; the datagram is lost as one to a closed port is here.
  if (!h || dst.port === 0) return;
  const ip = sk.sk_family === AF_INET && dst.addr[0] === 127 ? dst.addr.join('.') : host_ip(sk.sk_family);
  h.send(data, dst.port, ip);
}

udp_set_host_ops({ autobind: udp_autobind, xmit: udp_xmit });
export type { HostDgram };
