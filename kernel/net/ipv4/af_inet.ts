/**
 * PF_INET / PF_INET6 stream sockets (net/ipv4/af_inet.c inet_bind, inet_listen, inet_accept,
 * inet_stream_connect, inet_getname, inet_shutdown, inet_release; net/ipv4/tcp.c options).
 * Binding publishes the port on the host's loopback (net_publish remaps guest → host ports);
 * connecting reaches host services on loopback, or this kernel's own listeners.
 */
import { createServer, connect as host_connect, type Server, type Socket as HostSocket } from 'node:net';
import {
  EADDRINUSE, EADDRNOTAVAIL, EAGAIN, EALREADY, ECONNABORTED, ECONNREFUSED, EFAULT, EINPROGRESS, EINVAL, EISCONN, ENETUNREACH,
  ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
} from '../../include/uapi/errno.ts';
import {
  AF_INET, AF_INET6, AF_UNSPEC, IPPROTO_TCP, SOCK_STREAM, SOCK_DGRAM, SOL_TCP, TCP_NODELAY, IPPROTO_IPV6,
} from '../../include/uapi/socket.ts';
import type { Kernel } from '../../kernel.ts';
import { get_user_u32, put_user_u32 } from '../../mm/uaccess.ts';
import type { Task } from '../../sched/task.ts';
import { put_int_opt, sk_accept_wait, sk_acceptq_is_full, sk_wait, sock_error, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, TCP_SYN_SENT } from '../core/sock.ts';
import { SIOCINQ, SIOCOUTQ, SS_CONNECTED, SS_CONNECTING, SS_UNCONNECTED, Socket, sock_ioctl_common, sock_register, type ProtoOps } from '../socket.ts';
import { addr_from_host, host_ip, inet_addr_local, inet_parse, inet_sockaddr, is_any, is_loopback, type InetAddr } from './inet_addr.ts';
import { InetSock, host_errno, tcp_poll, tcp_recvmsg, tcp_sendmsg } from './tcp_bridge.ts';
import { udp_create } from './udp_ops.ts';
import { host_adopt, host_onread } from './tcp_host.ts';
import { BindBucket, TimeWaitSock, inet_csk_bind_conflict, inet_host_port, inet_put_port, inet_table, inet_twsk_hashdance, type InetTable } from './inet_hashtables.ts';
import { sys_then } from '../../sched/wait.ts';
import { as_user_ptr, type UserPtr } from '../../include/linux/compiler_types.ts';

const isk = (sock: Socket): InetSock => sock.sk as InetSock;

/**
 * Listens on the host for the guest port (0: any free one) and puts sk on the port's bucket,
 * whose server then carries the port's connections; resolves 0 or -errno.
 */
function host_listen(k: Kernel, sk: InetSock, guest_port: number): Promise<number> {
  const tab = inet_table(k);
  // Accepted connections do not read until inet_incoming rewraps them (tcp_host.ts host_adopt).
  const srv: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
  return new Promise((resolve) => {
    srv.once('error', (e) => { srv.close(); resolve(-host_errno(e)); });
    srv.listen({ host: host_ip(sk.sk_family), port: guest_port ? inet_host_port(k, guest_port) : 0, backlog: 511, exclusive: true }, () => {
      const hp = (srv.address() as { port: number }).port;
      const gp = guest_port || hp;
      const b = tab.buckets.get(gp) ?? new BindBucket();
      if (b.server || (!guest_port && b.owners.size) || sk.dead) { srv.close(); resolve(-EADDRINUSE); return; }
      b.server = srv; b.host_port = hp;
      srv.on('connection', (c) => inet_lookup_listener(b, c));
      tab.buckets.set(gp, b);
      inet_hash(b, sk, gp);
      resolve(0);
    });
  });
}

/** __inet_hash(): sk holds port through bucket b. */
function inet_hash(b: BindBucket, sk: InetSock, port: number): void {
  b.owners.add(sk);
  sk.hashed = true;
  sk.host_port = b.host_port;
  sk.local!.port = port;
}

/**
 * inet_lhash2_lookup(): the listener a connection to the port goes to; with SO_REUSEPORT
 * several listen and take turns (Linux picks by the connection's hash). None: a reset.
 */
function inet_lookup_listener(b: BindBucket, c: HostSocket): void {
  const ls: InetSock[] = [];
  for (const o of b.owners) if (o instanceof InetSock && o.sk_state === TCP_LISTEN && !o.dead) ls.push(o);
  if (!ls.length) { c.resetAndDestroy(); return; }
  inet_incoming(ls[b.rr++ % ls.length], c);
}

/** Takes sk off its port (inet_put_port), leaving a TIME_WAIT remnant after an active close. */
function inet_unhash(k: Kernel, sk: InetSock, active_close: boolean): void {
  if (!sk.hashed) return;
  sk.hashed = false;
  const tab = inet_table(k), port = sk.local!.port;
  if (active_close) inet_twsk_hashdance(tab, port, new TimeWaitSock(sk.local!, sk.sk_reuse, sk.sk_reuseport, sk.owner_uid));
  inet_put_port(tab, port, sk);
}

/** TCP_TIMEOUT_INIT (1 s) and net.ipv4.tcp_syn_retries (6): the client's SYN retransmissions. */
const TCP_TIMEOUT_INIT_MS = 1000, TCP_SYN_RETRIES = 6;

/**
 * A host client connected: queue a new established sock for accept, refuse it before listen,
 * or, with the accept queue full (tcp_conn_request's sk_acceptq_is_full), drop its SYN.
 */
function inet_incoming(lsk: InetSock, c: HostSocket, retries = 0): void {
  if (lsk.sk_state !== TCP_LISTEN || lsk.dead) { c.resetAndDestroy(); return; }
  if (sk_acceptq_is_full(lsk, lsk.accept_queue.length)) { syn_dropped(lsk, c, retries); return; }
  const sk = new InetSock(lsk.sk_family, SOCK_STREAM, IPPROTO_TCP);
  c.removeListener('error', ignore_error);
  const h = host_adopt(c, sk.on_read);
  if (h) sk.attach(h, true); else { sk.attach(c, false); c.resume(); }
  // The child is a clone of the listener (inet_csk_clone_lock): TCP_NODELAY carries over.
  sk.nodelay = lsk.nodelay;
  if (sk.nodelay) sk.host!.setNoDelay(true);
  sk.sk_state = TCP_ESTABLISHED;
  sk.was_connected = true;
  sk.local = { family: lsk.sk_family, addr: lsk.local!.addr, port: lsk.local!.port };
  // The child shares its listener's port and options (inet_csk_clone_lock, __inet_inherit_port).
  sk.sk_reuse = lsk.sk_reuse; sk.sk_reuseport = lsk.sk_reuseport; sk.owner_uid = lsk.owner_uid;
  const b = inet_table_of(lsk)?.buckets.get(sk.local.port);
  if (b) { inet_hash(b, sk, sk.local.port); owner.set(sk, owner.get(lsk)!); }
  sk.remote = { family: lsk.sk_family, addr: addr_from_host(sk.host!.remoteAddress, lsk.sk_family), port: sk.host!.remotePort ?? 0 };
  lsk.accept_queue.push(sk);
  lsk.wake();
}

const ignore_error = (): void => {};

/**
 * The dropped SYN comes again after 1, 2, 4 … s (the client's retransmission timer), and the
 * connection gets in if the queue has room then; after tcp_syn_retries the client gives up.
 * The host completed the handshake already: its socket waits paused, unseen by the guest.
 */
function syn_dropped(lsk: InetSock, c: HostSocket, retries: number): void {
  if (retries >= TCP_SYN_RETRIES) { c.resetAndDestroy(); return; }
  if (retries === 0) { c.pause(); c.on('error', ignore_error); }
  const timer = setTimeout(() => {
    lsk.syn_retry.delete(c);
    if (!c.destroyed) inet_incoming(lsk, c, retries + 1);
  }, TCP_TIMEOUT_INIT_MS << retries);
  timer.unref();
  lsk.syn_retry.set(c, timer);
}

function inet_bind(sock: Socket, t: Task, a: Uint8Array): number | Promise<number> {
  const sk = isk(sock);
  const e = inet_parse(a, sk.sk_family);
  if (typeof e === 'number') return e;
  if (!inet_addr_local(e.addr)) return -EADDRNOTAVAIL;
  if (sk.local || sk.sk_state !== TCP_CLOSE) return -EINVAL;
  sk.owner_uid = t.cred.fsuid;
  const b = e.port ? inet_table(t.kernel).buckets.get(e.port) : undefined;
  if (inet_csk_bind_conflict(b, sk, e.addr)) return -EADDRINUSE;
  sk.local = e;
  if (b?.server) { inet_hash(b, sk, e.port); return 0; }
  return sys_then(t, host_listen(t.kernel, sk, e.port), (r) => { if (r) sk.local = null; return r; });
}

function inet_listen(sock: Socket, t: Task, backlog: number): number | Promise<number> {
  const sk = isk(sock);
  if (sock.state !== SS_UNCONNECTED || (sk.sk_state !== TCP_CLOSE && sk.sk_state !== TCP_LISTEN)) return -EINVAL;
  const go = (): number => { sk.sk_max_ack_backlog = backlog; sk.sk_state = TCP_LISTEN; sk.wake(); return 0; };
  if (sk.hashed) {
    // inet_csk_listen_start() checks the port again: SO_REUSEADDR never lets two sockets listen.
    if (sk.sk_state !== TCP_LISTEN && inet_csk_bind_conflict(inet_table(t.kernel).buckets.get(sk.local!.port), sk, sk.local!.addr)) return -EADDRINUSE;
    return go();
  }
  // inet_autobind(): an unbound listener gets a free port.
  sk.local = { family: sk.sk_family, addr: new Uint8Array(sk.sk_family === AF_INET ? 4 : 16), port: 0 };
  return sys_then(t, host_listen(t.kernel, sk, 0), (r) => (r ? r : go()));
}

function inet_accept(sock: Socket, t: Task, nonblock: boolean): Socket | number | Promise<Socket | number> {
  const sk = isk(sock);
  if (sk.sk_state !== TCP_LISTEN) return -EINVAL;
  const take = (): Socket | number => {
    if (sk.sk_state !== TCP_LISTEN) return -EINVAL;
    const ns = new Socket(SOCK_STREAM, inet_stream_ops, sk.accept_queue.shift()!);
    ns.state = SS_CONNECTED;
    return ns;
  };
  return sk_accept_wait(t, sk, nonblock, () => sk.accept_queue.length > 0, take);
}

/** tcp_disconnect(): drops the connection; the socket may connect again. */
function tcp_disconnect(sock: Socket, sk: InetSock): void {
  sk.detach();
  sk.sk_state = TCP_CLOSE; sk.sk_shutdown = 0; sk.was_connected = false; sock.state = SS_UNCONNECTED;
  sk.sk_receive_queue.purge();
}

/** The end of __inet_stream_connect(): connected, or the error that closed the attempt. */
function connect_done(sock: Socket, sk: InetSock): number {
  if (sk.sk_state === TCP_CLOSE) {
    const err = sock_error(sk) || -ECONNABORTED;
    tcp_disconnect(sock, sk);
    return err;
  }
  sock.state = SS_CONNECTED;
  return 0;
}

/** Waits (interruptibly) for the handshake, then reports like connect_done. */
function connect_wait(sock: Socket, sk: InetSock, t: Task): number | Promise<number> {
  const w = sk_wait(t, sk, false, () => sk.sk_state !== TCP_SYN_SENT, sk.sk_sndtimeo);
  // SO_SNDTIMEO ran out: the connection goes on in the background (inet_wait_for_connect).
  if (typeof w === 'number') return w === -EAGAIN ? -EINPROGRESS : w;
  return sys_then(t, w, (err) => (err === -EAGAIN ? -EINPROGRESS : err ? err : connect_done(sock, sk)));
}

/**
 * inet_stream_connect(). As on Linux, a non-blocking connect leaves the socket SS_CONNECTING
 * until connect() is called again (EALREADY while in progress, then 0 once established, or the
 * error that ended it).
 */
function inet_connect(sock: Socket, t: Task, a: Uint8Array, nonblock: boolean): number | Promise<number> {
  const sk = isk(sock);
  if (a.length < 2) return -EINVAL;
  if ((a[0] | (a[1] << 8)) === AF_UNSPEC) { tcp_disconnect(sock, sk); return 0; }
  if (sock.state === SS_CONNECTED) return -EISCONN;
  if (sock.state === SS_CONNECTING) {
    if (sk.sk_state !== TCP_SYN_SENT) return connect_done(sock, sk);
    return nonblock ? -EALREADY : connect_wait(sock, sk, t);
  }
  if (sk.sk_state !== TCP_CLOSE) return -EISCONN;
  const e = inet_parse(a, sk.sk_family);
  if (typeof e === 'number') return e;
  if (!is_any(e.addr) && !is_loopback(e.addr)) return -ENETUNREACH; // privos has only loopback
  if (e.port === 0) return -ECONNREFUSED;
  const local = inet_table(t.kernel).buckets.get(e.port);
  inet_unhash(t.kernel, sk, false); // privos connects from a host port of its own
  sk.detach();
  sk.sk_state = TCP_SYN_SENT;
  sk.sk_shutdown = 0;
  sk.remote = { family: sk.sk_family, addr: e.addr, port: e.port };
  sock.state = SS_CONNECTING;
  if (local && !has_listener(local)) {
    // Our own port, bound but not listening: the RST comes back at once (the host port,
    // published at bind, would accept and then reset).
    sk.sk_err = ECONNREFUSED; sk.sk_shutdown = SHUTDOWN_MASK; sk.sk_state = TCP_CLOSE;
    sk.wake();
  } else {
    const h = host_connect({ host: host_ip(sk.sk_family), port: local?.server ? local.host_port : e.port, allowHalfOpen: true, onread: host_onread(sk.on_read) });
    sk.attach(h, true);
    h.once('connect', () => {
      if (sk.host !== h || sk.sk_state !== TCP_SYN_SENT) return;
      sk.sk_state = TCP_ESTABLISHED;
      sk.was_connected = true;
      sk.local = { family: sk.sk_family, addr: addr_from_host(h.localAddress, sk.sk_family), port: h.localPort ?? 0 };
      if (sk.nodelay) h.setNoDelay(true);
      sk.wake();
    });
  }
  if (nonblock) return -EINPROGRESS;
  return connect_wait(sock, sk, t);
}

function inet_getname(sock: Socket, peer: boolean): Uint8Array | number {
  const sk = isk(sock);
  if (peer) {
    if (!sk.remote || !sk.was_connected || sk.sk_state === TCP_CLOSE && sk.sk_shutdown === 3 && !sk.host) return -ENOTCONN;
    return inet_sockaddr(sk.remote);
  }
  const any: InetAddr = { family: sk.sk_family, addr: new Uint8Array(sk.sk_family === AF_INET ? 4 : 16), port: 0 };
  return inet_sockaddr(sk.local ?? any);
}

/** inet_shutdown() */
function inet_shutdown(sock: Socket, how: number): number {
  const sk = isk(sock);
  const mode = how + 1;
  let err = 0;
  if (sk.sk_state === TCP_LISTEN) {
    if (mode & RCV_SHUTDOWN) stop_listening(sk);
  } else if (sk.sk_state === TCP_CLOSE || sk.sk_state === TCP_SYN_SENT) {
    err = -ENOTCONN;
  }
  if (mode & SEND_SHUTDOWN && !sk.peer_fin && sk.was_connected && !err) sk.fin_first = true;
  sk.sk_shutdown |= mode;
  if (mode & SEND_SHUTDOWN && sk.host && !sk.host.destroyed) sk.host.end();
  sk.wake();
  return err;
}

function stop_listening(sk: InetSock): void {
  sk.sk_state = TCP_CLOSE;
  const k = owner.get(sk);
  for (const c of sk.accept_queue.splice(0)) { c.host?.resetAndDestroy(); if (k) inet_unhash(k, c, false); }
  for (const [c, timer] of sk.syn_retry) { clearTimeout(timer); c.resetAndDestroy(); }
  sk.syn_retry.clear();
  sk.wake();
}

/** inet_release(): closes the host side; unread data means a reset, as tcp_close sends. */
function inet_release(sock: Socket): void {
  const sk = isk(sock);
  sk.dead = true;
  if (sk.sk_state === TCP_LISTEN) stop_listening(sk);
  const h = sk.host;
  const reset = !sk.sk_receive_queue.empty || sk.sk_state === TCP_SYN_SENT;
  // tcp_close(): the end that sends its FIN first goes through TIME_WAIT; a reset does not.
  const active = sk.was_connected && !reset && !sk.sk_err && (sk.fin_first || !sk.peer_fin);
  const k = owner.get(sk);
  if (k) inet_unhash(k, sk, active);
  if (h && !h.destroyed) {
    if (reset) h.resetAndDestroy();
    else { h.end(); h.destroySoon(); }
  }
  sk.sk_receive_queue.purge();
  sk.wake();
}

function has_listener(b: BindBucket): boolean {
  for (const o of b.owners) if (o.sk_state === TCP_LISTEN) return true;
  return false;
}

/** Release does not get the task; the table is found through the kernel stored at create. */
const owner = new WeakMap<InetSock, Kernel>();
function inet_table_of(sk: InetSock): InetTable | null {
  const k = owner.get(sk);
  return k ? inet_table(k) : null;
}

function inet_setsockopt(sock: Socket, t: Task, level: number, opt: number, uval: UserPtr, optlen: number): number {
  const sk = isk(sock);
  if (level !== SOL_TCP && level !== IPPROTO_IPV6) return -ENOPROTOOPT;
  if (optlen < 4) return -EINVAL;
  if (get_user_u32(t, uval)) return -EFAULT;
  const v = t.cpu.uval;
  if (level === SOL_TCP && opt === TCP_NODELAY) {
    sk.nodelay = v !== 0;
    if (sk.host && sk.was_connected) sk.host.setNoDelay(sk.nodelay);
    return 0;
  }
  if (level === SOL_TCP && opt >= 2 && opt <= 6) { sk.tcp_opts.set(opt, v | 0); return 0; }
  if (level === IPPROTO_IPV6 && opt === 26 && sk.sk_family === AF_INET6) { sk.tcp_opts.set(-26, v ? 1 : 0); return 0; } // IPV6_V6ONLY
  return -ENOPROTOOPT;
}

function inet_getsockopt(sock: Socket, t: Task, level: number, opt: number, uval: UserPtr, ulen: UserPtr, len: number): number {
  const sk = isk(sock);
  // ip_getsockopt() answers levels it does not know with EOPNOTSUPP; ipv6_getsockopt with ENOPROTOOPT.
  if (sk.sk_family === AF_INET && level !== SOL_TCP && level !== 0) return -EOPNOTSUPP;
  if (level === SOL_TCP && opt === TCP_NODELAY) return put_int_opt(t, uval, ulen, len, +sk.nodelay);
  if (level === SOL_TCP && opt >= 2 && opt <= 6) {
    const dflt = [0, 0, 536, 0, 7200, 75, 9][opt];
    return put_int_opt(t, uval, ulen, len, sk.tcp_opts.get(opt) ?? dflt);
  }
  if (level === IPPROTO_IPV6 && opt === 26 && sk.sk_family === AF_INET6) return put_int_opt(t, uval, ulen, len, sk.tcp_opts.get(-26) ?? 0);
  return -ENOPROTOOPT;
}

function inet_ioctl(sock: Socket, t: Task, cmd: number, arg: number): number {
  const sk = isk(sock);
  if (cmd === SIOCINQ) return sk.sk_state === TCP_LISTEN ? -EINVAL : put_user_u32(t, as_user_ptr(arg), sk.sk_receive_queue.bytes);
  if (cmd === SIOCOUTQ) return sk.sk_state === TCP_LISTEN ? -EINVAL : put_user_u32(t, as_user_ptr(arg), sk.host?.writableLength ?? 0);
  return sock_ioctl_common(cmd);
}

export const inet_stream_ops: ProtoOps = {
  family: AF_INET,
  release: inet_release,
  bind: inet_bind,
  connect: inet_connect,
  socketpair: () => -EOPNOTSUPP,
  accept: inet_accept,
  getname: inet_getname,
  poll: (sock) => tcp_poll(isk(sock)),
  ioctl: inet_ioctl,
  listen: inet_listen,
  shutdown: inet_shutdown,
  setsockopt: inet_setsockopt,
  getsockopt: inet_getsockopt,
  // TCP ignores a destination address (tcp_sendmsg never reads msg_name).
  sendmsg: (sock, t, it, flags) => tcp_sendmsg(isk(sock), t, it, flags),
  recvmsg: (sock, t, it, flags) => tcp_recvmsg(isk(sock), t, it, flags),
};

/** inet_create(): TCP here, UDP in udp_ops.ts; raw sockets are not implemented (see the support matrix). */
function inet_create(family: number) {
  return (t: Task, type: number, protocol: number): Socket | number => {
    if (type === SOCK_STREAM) {
      if (protocol !== 0 && protocol !== IPPROTO_TCP) return -EPROTONOSUPPORT;
      const sk = new InetSock(family, type, IPPROTO_TCP);
      owner.set(sk, t.kernel);
      return new Socket(type, inet_stream_ops, sk);
    }
    if (type === SOCK_DGRAM) return udp_create(t, family, type, protocol);
    return -ESOCKTNOSUPPORT;
  };
}

sock_register(AF_INET, inet_create(AF_INET));
sock_register(AF_INET6, inet_create(AF_INET6));
