/**
 * Conformance: UDP (AF_INET and AF_INET6 SOCK_DGRAM) on loopback against the host kernel —
 * creation and options, bind/EADDRINUSE, datagram boundaries, MSG_TRUNC, MSG_PEEK,
 * MSG_DONTWAIT, the sendto errnos, EMSGSIZE, connect filtering and AF_UNSPEC, getsockname/
 * getpeername, shutdown, poll/epoll readiness and SO_RCVBUF drops. Guest-to-guest datagrams
 * stay in privos's kernel and are queued before sendto returns, as on Linux's loopback, so no
 * case needs to wait. Ports are always picked by the kernel (port 0).
 */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase } from './harness.ts';
import { N, NET_C } from './net_util.ts';
import type { P } from './p.ts';

const c_globals = NET_C + String.raw`
static int udp(void) { return socket(AF_INET, SOCK_DGRAM, 0); }
static int udp_bound(void) { int s = udp(); bind_lo(s, 0); return s; }
static int sendto_lo(int fd, const void *m, int n, int port) { struct sockaddr_in a = sa_lo(port); return sendto(fd, m, n, 0, (struct sockaddr *)&a, sizeof a); }
static int from_port, msg_flags, msg_namelen;
static int recvfrom_lo(int fd, void *b, int n, int fl) {
  struct sockaddr_in a; memset(&a, 0, sizeof a); socklen_t l = sizeof a;
  int r = recvfrom(fd, b, n, fl, (struct sockaddr *)&a, &l); from_port = r < 0 ? -1 : ntohs(a.sin_port); return r;
}
static int recvmsg_lo(int fd, void *b, int n, int fl) {
  struct sockaddr_in a; memset(&a, 0, sizeof a); struct iovec v = { b, n }; struct msghdr m; memset(&m, 0, sizeof m);
  m.msg_name = &a; m.msg_namelen = sizeof a; m.msg_iov = &v; m.msg_iovlen = 1;
  int r = recvmsg(fd, &m, fl); msg_flags = m.msg_flags; msg_namelen = m.msg_namelen; from_port = ntohs(a.sin_port); return r;
}
`;

type Ret = number | Promise<number>;

/** The privos side of the UDP helpers above. */
class U extends N {
  from_port = -1;
  msg_flags = 0;
  msg_namelen = 0;
  private readonly a: number;
  private readonly al: number;
  constructor(l: Libc, p: P) { super(l, p); this.a = l.malloc(32); this.al = l.malloc(4); }

  udp(): number { return this.l.socket(this.l.AF_INET, this.l.SOCK_DGRAM, 0) as number; }
  async udp_bound(): Promise<number> { const s = this.udp(); await this.bind_lo(s, 0); return s; }
  sendto_lo(fd: number, m: string | number, n: number, port: number): Ret { return this.l.sendto(fd, m as string, n, 0, this.lo(port), 16); }

  async recvfrom_lo(fd: number, b: number, n: number, fl: number): Promise<number> {
    this.l.poke(this.a, new Uint8Array(16));
    this.l.poke_u32(this.al, 16);
    const r = await this.l.recvfrom(fd, b, n, fl, this.a, this.al);
    this.from_port = r < 0 ? -1 : this.l.ntohs_port(this.a);
    return r;
  }

  async recvmsg_lo(fd: number, b: number, n: number, fl: number): Promise<number> {
    this.l.poke(this.a, new Uint8Array(16));
    const m = this.msghdr([[b, n]], 0, 0, this.a, 16);
    const r = await this.l.recvmsg(fd, m, fl);
    this.msg_flags = this.l.peek_i32(m + 48);
    this.msg_namelen = this.l.peek_u32(m + 8);
    this.from_port = this.l.ntohs_port(this.a);
    return r;
  }
}

const cases: ConfCase[] = [
  {
    name: 'udp_socket_create',
    c_globals,
    c: `int s = udp(); R("udp", s); R("udp6", socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP)); R("udp_proto", socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
        R("dgram_tcpproto", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP)); R("dgram6_tcpproto", socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP));
        R("so_type", gopt(s, SOL_SOCKET, SO_TYPE)); R("so_domain", gopt(s, SOL_SOCKET, SO_DOMAIN)); R("so_protocol", gopt(s, SOL_SOCKET, SO_PROTOCOL));
        R("so_error", gopt(s, SOL_SOCKET, SO_ERROR)); R("rcvbuf", gopt(s, SOL_SOCKET, SO_RCVBUF)); R("sndbuf", gopt(s, SOL_SOCKET, SO_SNDBUF));
        R("broadcast0", gopt(s, SOL_SOCKET, SO_BROADCAST)); R("set_broadcast", sopt(s, SOL_SOCKET, SO_BROADCAST, 1)); R("broadcast1", gopt(s, SOL_SOCKET, SO_BROADCAST));
        R("unbound_port", port_of(s)); R("getpeername", peer_port(s)); R("listen", listen(s, 1)); R("accept", accept(s, 0, 0));
        R("acceptconn", gopt(s, SOL_SOCKET, SO_ACCEPTCONN)); R("unknown_level", gopt(s, 9999, 1)); R("udp_level_unknown", gopt(s, IPPROTO_UDP, 9999));`,
    run: async (p, l) => {
      const u = new U(l, p);
      const S = l.SOL_SOCKET;
      const s = u.udp();
      await p.r('udp', s);
      await p.r('udp6', l.socket(l.AF_INET6, l.SOCK_DGRAM, l.IPPROTO_UDP));
      await p.r('udp_proto', l.socket(l.AF_INET, l.SOCK_DGRAM, l.IPPROTO_UDP));
      await p.r('dgram_tcpproto', l.socket(l.AF_INET, l.SOCK_DGRAM, l.IPPROTO_TCP));
      await p.r('dgram6_tcpproto', l.socket(l.AF_INET6, l.SOCK_DGRAM, l.IPPROTO_TCP));
      await p.r('so_type', u.gopt(s, S, l.SO_TYPE));
      await p.r('so_domain', u.gopt(s, S, l.SO_DOMAIN));
      await p.r('so_protocol', u.gopt(s, S, l.SO_PROTOCOL));
      await p.r('so_error', u.gopt(s, S, l.SO_ERROR));
      await p.r('rcvbuf', u.gopt(s, S, l.SO_RCVBUF));
      await p.r('sndbuf', u.gopt(s, S, l.SO_SNDBUF));
      await p.r('broadcast0', u.gopt(s, S, l.SO_BROADCAST));
      await p.r('set_broadcast', u.sopt(s, S, l.SO_BROADCAST, 1));
      await p.r('broadcast1', u.gopt(s, S, l.SO_BROADCAST));
      await p.r('unbound_port', u.port_of(s));
      await p.r('getpeername', u.peer_port(s));
      await p.r('listen', l.listen(s, 1));
      await p.r('accept', l.accept(s));
      await p.r('acceptconn', u.gopt(s, S, l.SO_ACCEPTCONN));
      await p.r('unknown_level', u.gopt(s, 9999, 1));
      await p.r('udp_level_unknown', u.gopt(s, l.IPPROTO_UDP, 9999));
    },
  },
  {
    name: 'udp_bind',
    c_globals,
    c: `int s = udp(); struct sockaddr_in a = sa_lo(0);
        R("short_len", bind(s, (struct sockaddr *)&a, 8)); a.sin_family = AF_UNIX; R("wrong_family", bind(s, (struct sockaddr *)&a, sizeof a));
        a = sa_lo(0); a.sin_addr.s_addr = inet_addr("192.0.2.1"); R("not_local", bind(s, (struct sockaddr *)&a, sizeof a));
        R("bind", bind_lo(s, 0)); int port = port_of(s); R("port_set", port > 0); R("rebind", bind_lo(s, 0));
        int t = udp(); R("inuse", bind_lo(t, port)); struct sockaddr_in any; memset(&any, 0, sizeof any); any.sin_family = AF_INET; any.sin_port = htons(port);
        R("inuse_any", bind(t, (struct sockaddr *)&any, sizeof any)); R("t_still_unbound", port_of(t));
        struct sockaddr_in g; socklen_t gl = sizeof g; getsockname(s, (struct sockaddr *)&g, &gl); R("len", gl); R("addr_is_lo", ntohl(g.sin_addr.s_addr) == INADDR_LOOPBACK);
        int c = udp(); R("autobind_by_send", sendto_lo(c, "x", 1, port)); R("autobound", port_of(c) > 0); R("bind_after_autobind", bind_lo(c, 0));
        gl = sizeof g; getsockname(c, (struct sockaddr *)&g, &gl); R("autobind_addr_any", g.sin_addr.s_addr == 0);
        close(s); int r = udp(); R("rebind_after_close", bind_lo(r, port)); R("same_port", port_of(r) == port);`,
    run: async (p, l) => {
      const u = new U(l, p);
      const s = u.udp();
      let a = u.lo(0);
      await p.r('short_len', l.bind(s, a, 8));
      a[0] = l.AF_UNIX;
      await p.r('wrong_family', l.bind(s, a, 16));
      a = l.sockaddr_in('192.0.2.1', 0);
      await p.r('not_local', l.bind(s, a, 16));
      await p.r('bind', u.bind_lo(s, 0));
      const port = u.port_of(s);
      await p.r('port_set', +(port > 0));
      await p.r('rebind', u.bind_lo(s, 0));
      const t = u.udp();
      await p.r('inuse', u.bind_lo(t, port));
      await p.r('inuse_any', l.bind(t, l.sockaddr_in('0.0.0.0', port), 16));
      await p.r('t_still_unbound', u.port_of(t));
      const g = l.malloc(16), gl = l.malloc(4);
      l.poke_u32(gl, 16);
      l.getsockname(s, g, gl);
      await p.r('len', l.peek_u32(gl));
      await p.r('addr_is_lo', +(l.peek_u8(g + 4) === 127 && l.peek_u8(g + 7) === 1));
      const c = u.udp();
      await p.r('autobind_by_send', u.sendto_lo(c, 'x', 1, port));
      await p.r('autobound', +(u.port_of(c) > 0));
      await p.r('bind_after_autobind', u.bind_lo(c, 0));
      l.poke_u32(gl, 16);
      l.getsockname(c, g, gl);
      await p.r('autobind_addr_any', +(l.peek_u32(g + 4) === 0));
      await l.close(s);
      const r = u.udp();
      await p.r('rebind_after_close', u.bind_lo(r, port));
      await p.r('same_port', +(u.port_of(r) === port));
    },
  },
  {
    name: 'udp_datagram_boundaries',
    c_globals,
    c: `int a = udp_bound(), b = udp_bound(); int pa = port_of(a);
        R("s1", sendto_lo(b, "first", 5, pa)); R("s2", sendto_lo(b, "second!", 7, pa)); R("s0", sendto_lo(b, "", 0, pa)); R("s3", sendto_lo(b, "3", 1, pa));
        RD("r1", recvfrom_lo(a, buf, sizeof buf, 0), buf); R("from_b", from_port == port_of(b)); RD("r2", recv(a, buf, sizeof buf, 0), buf);
        RD("r0", recv(a, buf, sizeof buf, 0), buf); RD("r3", read(a, buf, sizeof buf), buf); R("empty", recv(a, buf, sizeof buf, MSG_DONTWAIT));
        R("write_unconnected", write(b, "x", 1)); R("send_unconnected", send(b, "x", 1, 0));
        struct iovec v[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } }; struct sockaddr_in to = sa_lo(pa); struct msghdr m; memset(&m, 0, sizeof m);
        m.msg_name = &to; m.msg_namelen = sizeof to; m.msg_iov = v; m.msg_iovlen = 3; R("sendmsg_iov", sendmsg(b, &m, 0));
        char x[2], y[8]; memset(y, 0, 8); struct iovec w[2] = { { x, 2 }, { y, 8 } }; struct msghdr n; memset(&n, 0, sizeof n); n.msg_iov = w; n.msg_iovlen = 2;
        R("recvmsg_iov", recvmsg(a, &n, 0)); RD("first_iov", 2, x); RD("second_iov", 3, y); R("namelen_no_name", n.msg_namelen);`,
    run: async (p, l) => {
      const u = new U(l, p);
      const a = await u.udp_bound(), b = await u.udp_bound();
      const pa = u.port_of(a);
      await p.r('s1', u.sendto_lo(b, 'first', 5, pa));
      await p.r('s2', u.sendto_lo(b, 'second!', 7, pa));
      await p.r('s0', u.sendto_lo(b, '', 0, pa));
      await p.r('s3', u.sendto_lo(b, '3', 1, pa));
      await p.rd('r1', u.recvfrom_lo(a, p.buf, 4096, 0));
      await p.r('from_b', +(u.from_port === u.port_of(b)));
      await p.rd('r2', l.recv(a, p.buf, 4096, 0));
      await p.rd('r0', l.recv(a, p.buf, 4096, 0));
      await p.rd('r3', l.read(a, p.buf, 4096));
      await p.r('empty', l.recv(a, p.buf, 4096, l.MSG_DONTWAIT));
      await p.r('write_unconnected', l.write(b, 'x', 1));
      await p.r('send_unconnected', l.send(b, 'x', 1, 0));
      const src = l.malloc(8);
      l.poke(src, Buffer.from('abcde'));
      const to = l.malloc(16);
      l.poke(to, u.lo(pa));
      await p.r('sendmsg_iov', l.sendmsg(b, u.msghdr([[src, 2], [src, 0], [src + 2, 3]], 0, 0, to, 16), 0));
      const x = l.malloc(2), y = l.malloc(8);
      l.poke(y, new Uint8Array(8));
      const n = u.msghdr([[x, 2], [y, 8]]);
      await p.r('recvmsg_iov', l.recvmsg(a, n, 0));
      await p.rd('first_iov', 2, x);
      await p.rd('second_iov', 3, y);
      await p.r('namelen_no_name', l.peek_u32(n + 8));
    },
  },
  {
    name: 'udp_msg_trunc',
    c_globals,
    c: `int a = udp_bound(), b = udp_bound(); int pa = port_of(a);
        sendto_lo(b, "0123456789", 10, pa); sendto_lo(b, "abcdef", 6, pa); sendto_lo(b, "XYZ", 3, pa); sendto_lo(b, "last", 4, pa);
        RD("short_read", recv(a, buf, 4, 0), buf); R("rest_discarded", recv(a, buf, 3, MSG_TRUNC)); RD("trunc_bytes", 3, buf);
        R("recvmsg", recvmsg_lo(a, buf, 2, 0)); R("flags", msg_flags); R("namelen", msg_namelen); R("from_b", from_port == port_of(b));
        R("recvmsg_whole", recvmsg_lo(a, buf, sizeof buf, 0)); R("flags_whole", msg_flags);
        R("zero_buf_trunc", recv(a, buf, 0, MSG_DONTWAIT | MSG_TRUNC)); R("empty", recv(a, buf, 1, MSG_DONTWAIT | MSG_TRUNC));`,
    run: async (p, l) => {
      const u = new U(l, p);
      const a = await u.udp_bound(), b = await u.udp_bound();
      const pa = u.port_of(a);
      await u.sendto_lo(b, '0123456789', 10, pa);
      await u.sendto_lo(b, 'abcdef', 6, pa);
      await u.sendto_lo(b, 'XYZ', 3, pa);
      await u.sendto_lo(b, 'last', 4, pa);
      await p.rd('short_read', l.recv(a, p.buf, 4, 0));
      await p.r('rest_discarded', l.recv(a, p.buf, 3, l.MSG_TRUNC));
      await p.rd('trunc_bytes', 3);
      await p.r('recvmsg', u.recvmsg_lo(a, p.buf, 2, 0));
      await p.r('flags', u.msg_flags);
      await p.r('namelen', u.msg_namelen);
      await p.r('from_b', +(u.from_port === u.port_of(b)));
      await p.r('recvmsg_whole', u.recvmsg_lo(a, p.buf, 4096, 0));
      await p.r('flags_whole', u.msg_flags);
      await p.r('zero_buf_trunc', l.recv(a, p.buf, 0, l.MSG_DONTWAIT | l.MSG_TRUNC));
      await p.r('empty', l.recv(a, p.buf, 1, l.MSG_DONTWAIT | l.MSG_TRUNC));
    },
  },
  {
    name: 'udp_msg_peek_dontwait',
    c_globals,
    c: `int a = udp_bound(), b = udp_bound(); int pa = port_of(a);
        R("empty_dontwait", recv(a, buf, 10, MSG_DONTWAIT)); R("unbound_dontwait", recv(udp(), buf, 10, MSG_DONTWAIT));
        sendto_lo(b, "peekme", 6, pa); sendto_lo(b, "next", 4, pa);
        RD("peek", recvfrom_lo(a, buf, 10, MSG_PEEK), buf); R("peek_from", from_port == port_of(b)); RD("peek_again", recv(a, buf, 3, MSG_PEEK), buf);
        R("peek_trunc", recv(a, buf, 2, MSG_PEEK | MSG_TRUNC)); RD("read", recv(a, buf, 10, 0), buf); RD("then_next", recv(a, buf, 10, MSG_DONTWAIT), buf);
        R("drained", recv(a, buf, 10, MSG_DONTWAIT | MSG_PEEK));
        int nb = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0); bind_lo(nb, 0); R("nonblock_read", read(nb, buf, 10)); R("nonblock_recv", recv(nb, buf, 10, 0));
        sendto_lo(b, "q", 1, port_of(nb)); RD("nonblock_data", read(nb, buf, 10), buf); R("oob", recv(a, buf, 10, MSG_OOB | MSG_DONTWAIT));`,
    run: async (p, l) => {
      const u = new U(l, p);
      const a = await u.udp_bound(), b = await u.udp_bound();
      const pa = u.port_of(a);
      await p.r('empty_dontwait', l.recv(a, p.buf, 10, l.MSG_DONTWAIT));
      await p.r('unbound_dontwait', l.recv(u.udp(), p.buf, 10, l.MSG_DONTWAIT));
      await u.sendto_lo(b, 'peekme', 6, pa);
      await u.sendto_lo(b, 'next', 4, pa);
      await p.rd('peek', u.recvfrom_lo(a, p.buf, 10, l.MSG_PEEK));
      await p.r('peek_from', +(u.from_port === u.port_of(b)));
      await p.rd('peek_again', l.recv(a, p.buf, 3, l.MSG_PEEK));
      await p.r('peek_trunc', l.recv(a, p.buf, 2, l.MSG_PEEK | l.MSG_TRUNC));
      await p.rd('read', l.recv(a, p.buf, 10, 0));
      await p.rd('then_next', l.recv(a, p.buf, 10, l.MSG_DONTWAIT));
      await p.r('drained', l.recv(a, p.buf, 10, l.MSG_DONTWAIT | l.MSG_PEEK));
      const nb = l.socket(l.AF_INET, l.SOCK_DGRAM | l.SOCK_NONBLOCK, 0) as number;
      await u.bind_lo(nb, 0);
      await p.r('nonblock_read', l.read(nb, p.buf, 10));
      await p.r('nonblock_recv', l.recv(nb, p.buf, 10, 0));
      await u.sendto_lo(b, 'q', 1, u.port_of(nb));
      await p.rd('nonblock_data', l.read(nb, p.buf, 10));
      await p.r('oob', l.recv(a, p.buf, 10, l.MSG_OOB | l.MSG_DONTWAIT));
    },
  },
  {
    name: 'udp_sendto_errors',
    c_globals,
    c: `int a = udp_bound(), b = udp(); int pa = port_of(a); struct sockaddr_in z;
        R("no_dest", send(b, "x", 1, 0)); R("port0", sendto_lo(b, "x", 1, 0));
        z = sa_lo(pa); z.sin_family = AF_UNSPEC; R("unspec_ok", sendto(b, "u", 1, 0, (struct sockaddr *)&z, sizeof z));
        z = sa_lo(pa); z.sin_family = AF_UNIX; R("wrong_family", sendto(b, "x", 1, 0, (struct sockaddr *)&z, sizeof z)); R("short_addr", sendto(b, "x", 1, 0, (struct sockaddr *)&z, 8));
        z = sa_lo(pa); z.sin_addr.s_addr = 0; R("to_any", sendto(b, "y", 1, 0, (struct sockaddr *)&z, sizeof z));
        R("max", sendto_lo(b, big, 65507, pa)); R("emsgsize", sendto_lo(b, big, 65508, pa)); R("emsgsize_huge", sendto_lo(b, big, 200000, pa));
        RD("got_unspec", recv(a, buf, 10, MSG_DONTWAIT), buf); RD("got_any", recv(a, buf, 10, MSG_DONTWAIT), buf);
        R("got_max", recv(a, big, sizeof big, MSG_DONTWAIT)); R("nothing_more", recv(a, buf, 10, MSG_DONTWAIT));
        R("bad_ptr", sendto_lo(b, (void *)8, 4, pa)); R("nothing_after_efault", recv(a, buf, 10, MSG_DONTWAIT));`,
    run: async (p, l) => {
      const u = new U(l, p);
      const a = await u.udp_bound(), b = u.udp();
      const pa = u.port_of(a);
      await p.r('no_dest', l.send(b, 'x', 1, 0));
      await p.r('port0', u.sendto_lo(b, 'x', 1, 0));
      let z = u.lo(pa);
      z[0] = l.AF_UNSPEC;
      await p.r('unspec_ok', l.sendto(b, 'u', 1, 0, z, 16));
      z = u.lo(pa);
      z[0] = l.AF_UNIX;
      await p.r('wrong_family', l.sendto(b, 'x', 1, 0, z, 16));
      await p.r('short_addr', l.sendto(b, 'x', 1, 0, z, 8));
      z = l.sockaddr_in('0.0.0.0', pa);
      await p.r('to_any', l.sendto(b, 'y', 1, 0, z, 16));
      const big = l.malloc(300000);
      await p.r('max', u.sendto_lo(b, big, 65507, pa));
      await p.r('emsgsize', u.sendto_lo(b, big, 65508, pa));
      await p.r('emsgsize_huge', u.sendto_lo(b, big, 200000, pa));
      await p.rd('got_unspec', l.recv(a, p.buf, 10, l.MSG_DONTWAIT));
      await p.rd('got_any', l.recv(a, p.buf, 10, l.MSG_DONTWAIT));
      await p.r('got_max', l.recv(a, big, 300000, l.MSG_DONTWAIT));
      await p.r('nothing_more', l.recv(a, p.buf, 10, l.MSG_DONTWAIT));
      await p.r('bad_ptr', u.sendto_lo(b, 8, 4, pa));
      await p.r('nothing_after_efault', l.recv(a, p.buf, 10, l.MSG_DONTWAIT));
    },
  },
  {
    name: 'udp_connect_filter',
    c_globals,
    c: `int o = udp_bound(), x = udp_bound(); int po = port_of(o); int w = udp();
        R("connect", connect_lo(w, po)); R("autobound", port_of(w) > 0); R("peer", peer_port(w) == po);
        struct sockaddr_in g; socklen_t gl = sizeof g; getsockname(w, (struct sockaddr *)&g, &gl); R("local_addr_lo", ntohl(g.sin_addr.s_addr) == INADDR_LOOPBACK);
        R("send", send(w, "hello", 5, 0)); RD("o_got", recvfrom_lo(o, buf, 10, 0), buf); R("from_w", from_port == port_of(w));
        R("x_to_w", sendto_lo(x, "intruder", 8, port_of(w))); R("o_to_w", sendto_lo(o, "reply", 5, port_of(w)));
        RD("w_got_only_peer", recv(w, buf, 10, MSG_DONTWAIT), buf); R("w_nothing_more", recv(w, buf, 10, MSG_DONTWAIT));
        R("sendto_other_while_connected", sendto_lo(w, "side", 4, port_of(x))); RD("x_got", recv(x, buf, 10, MSG_DONTWAIT), buf);
        R("reconnect", connect_lo(w, port_of(x))); R("peer_now_x", peer_port(w) == port_of(x)); R("x_to_w2", sendto_lo(x, "now-ok", 6, port_of(w)));
        RD("w_got_x", recv(w, buf, 10, MSG_DONTWAIT), buf); R("connect_port0", connect_lo(udp(), 0));
        struct sockaddr_in bad = sa_lo(po); bad.sin_family = AF_UNIX; R("connect_wrong_family", connect(w, (struct sockaddr *)&bad, sizeof bad)); R("connect_short", connect(w, (struct sockaddr *)&bad, 4));
        R("bind_connected", bind_lo(w, 0));`,
    run: async (p, l) => {
      const u = new U(l, p);
      const o = await u.udp_bound(), x = await u.udp_bound();
      const po = u.port_of(o);
      const w = u.udp();
      await p.r('connect', u.connect_lo(w, po));
      await p.r('autobound', +(u.port_of(w) > 0));
      await p.r('peer', +(u.peer_port(w) === po));
      const g = l.malloc(16), gl = l.malloc(4);
      l.poke_u32(gl, 16);
      l.getsockname(w, g, gl);
      await p.r('local_addr_lo', +(l.peek_u8(g + 4) === 127 && l.peek_u8(g + 7) === 1));
      await p.r('send', l.send(w, 'hello', 5, 0));
      await p.rd('o_got', u.recvfrom_lo(o, p.buf, 10, 0));
      await p.r('from_w', +(u.from_port === u.port_of(w)));
      await p.r('x_to_w', u.sendto_lo(x, 'intruder', 8, u.port_of(w)));
      await p.r('o_to_w', u.sendto_lo(o, 'reply', 5, u.port_of(w)));
      await p.rd('w_got_only_peer', l.recv(w, p.buf, 10, l.MSG_DONTWAIT));
      await p.r('w_nothing_more', l.recv(w, p.buf, 10, l.MSG_DONTWAIT));
      await p.r('sendto_other_while_connected', u.sendto_lo(w, 'side', 4, u.port_of(x)));
      await p.rd('x_got', l.recv(x, p.buf, 10, l.MSG_DONTWAIT));
      await p.r('reconnect', u.connect_lo(w, u.port_of(x)));
      await p.r('peer_now_x', +(u.peer_port(w) === u.port_of(x)));
      await p.r('x_to_w2', u.sendto_lo(x, 'now-ok', 6, u.port_of(w)));
      await p.rd('w_got_x', l.recv(w, p.buf, 10, l.MSG_DONTWAIT));
      await p.r('connect_port0', u.connect_lo(u.udp(), 0));
      const bad = u.lo(po);
      bad[0] = l.AF_UNIX;
      await p.r('connect_wrong_family', l.connect(w, bad, 16));
      await p.r('connect_short', l.connect(w, bad, 4));
      await p.r('bind_connected', u.bind_lo(w, 0));
    },
  },
  {
    name: 'udp_connect_unspec',
    c_globals,
    c: `int o = udp_bound(); int po = port_of(o); int w = udp(); connect_lo(w, po); struct sockaddr_in un; memset(&un, 0, sizeof un); un.sin_family = AF_UNSPEC;
        R("dissolve", connect(w, (struct sockaddr *)&un, sizeof un)); R("peer_gone", peer_port(w)); R("autobound_port_gone", port_of(w)); R("send_no_dest", send(w, "x", 1, 0));
        R("dissolve_again", connect(w, (struct sockaddr *)&un, sizeof un)); R("dissolve_short", connect(w, (struct sockaddr *)&un, 1));
        int b = udp_bound(); int pb = port_of(b); connect_lo(b, po); R("dissolve_bound", connect(b, (struct sockaddr *)&un, sizeof un)); R("bound_port_kept", port_of(b) == pb);
        struct sockaddr_in g; socklen_t gl = sizeof g; getsockname(b, (struct sockaddr *)&g, &gl); R("bound_addr_kept", ntohl(g.sin_addr.s_addr) == INADDR_LOOPBACK);
        int x = udp_bound(); R("anyone_again", sendto_lo(x, "free", 4, pb)); RD("b_got", recv(b, buf, 10, MSG_DONTWAIT), buf);`,
    run: async (p, l) => {
      const u = new U(l, p);
      const o = await u.udp_bound();
      const po = u.port_of(o);
      const w = u.udp();
      await u.connect_lo(w, po);
      const un = new Uint8Array(16);
      await p.r('dissolve', l.connect(w, un, 16));
      await p.r('peer_gone', u.peer_port(w));
      await p.r('autobound_port_gone', u.port_of(w));
      await p.r('send_no_dest', l.send(w, 'x', 1, 0));
      await p.r('dissolve_again', l.connect(w, un, 16));
      await p.r('dissolve_short', l.connect(w, un, 1));
      const b = await u.udp_bound();
      const pb = u.port_of(b);
      await u.connect_lo(b, po);
      await p.r('dissolve_bound', l.connect(b, un, 16));
      await p.r('bound_port_kept', +(u.port_of(b) === pb));
      const g = l.malloc(16), gl = l.malloc(4);
      l.poke_u32(gl, 16);
      l.getsockname(b, g, gl);
      await p.r('bound_addr_kept', +(l.peek_u8(g + 4) === 127 && l.peek_u8(g + 7) === 1));
      const x = await u.udp_bound();
      await p.r('anyone_again', u.sendto_lo(x, 'free', 4, pb));
      await p.rd('b_got', l.recv(b, p.buf, 10, l.MSG_DONTWAIT));
    },
  },
  {
    name: 'udp_connect_refused',
    c_globals,
    c: `int o = udp_bound(); int po = port_of(o); close(o); int w = udp(); R("connect_closed", connect_lo(w, po));
        R("send1", send(w, "x", 1, 0)); R("send2_refused", send(w, "x", 1, 0)); R("send3", send(w, "x", 1, 0));
        R("recv_refused", recv(w, buf, 16, MSG_DONTWAIT)); R("recv_again", recv(w, buf, 16, MSG_DONTWAIT));
        R("send4", send(w, "x", 1, 0)); R("poll_err", pollev(w, POLLIN | POLLOUT, 0)); R("so_error", gopt(w, SOL_SOCKET, SO_ERROR));
        R("so_error_cleared", gopt(w, SOL_SOCKET, SO_ERROR)); R("send5", send(w, "x", 1, 0)); R("recv_blocking_refused", recv(w, buf, 16, 0));
        int u = udp(); R("unconnected1", sendto_lo(u, "x", 1, po)); R("unconnected2", sendto_lo(u, "x", 1, po)); R("unconnected_recv", recv(u, buf, 16, MSG_DONTWAIT));
        int p2 = udp_bound(); int w2 = udp(); connect_lo(w2, port_of(p2)); R("sendto_other_closed", sendto_lo(w2, "x", 1, po)); R("still_fine", send(w2, "y", 1, 0));
        RD("peer_got", recv(p2, buf, 16, MSG_DONTWAIT), buf);`,
    run: async (p, l) => {
      const u = new U(l, p);
      const o = await u.udp_bound();
      const po = u.port_of(o);
      await l.close(o);
      const w = u.udp();
      await p.r('connect_closed', u.connect_lo(w, po));
      await p.r('send1', l.send(w, 'x', 1, 0));
      await p.r('send2_refused', l.send(w, 'x', 1, 0));
      await p.r('send3', l.send(w, 'x', 1, 0));
      await p.r('recv_refused', l.recv(w, p.buf, 16, l.MSG_DONTWAIT));
      await p.r('recv_again', l.recv(w, p.buf, 16, l.MSG_DONTWAIT));
      await p.r('send4', l.send(w, 'x', 1, 0));
      await p.r('poll_err', u.pollev(w, l.POLLIN | l.POLLOUT, 0));
      await p.r('so_error', u.gopt(w, l.SOL_SOCKET, l.SO_ERROR));
      await p.r('so_error_cleared', u.gopt(w, l.SOL_SOCKET, l.SO_ERROR));
      await p.r('send5', l.send(w, 'x', 1, 0));
      await p.r('recv_blocking_refused', l.recv(w, p.buf, 16, 0));
      const v = u.udp();
      await p.r('unconnected1', u.sendto_lo(v, 'x', 1, po));
      await p.r('unconnected2', u.sendto_lo(v, 'x', 1, po));
      await p.r('unconnected_recv', l.recv(v, p.buf, 16, l.MSG_DONTWAIT));
      const p2 = await u.udp_bound();
      const w2 = u.udp();
      await u.connect_lo(w2, u.port_of(p2));
      await p.r('sendto_other_closed', u.sendto_lo(w2, 'x', 1, po));
      await p.r('still_fine', l.send(w2, 'y', 1, 0));
      await p.rd('peer_got', l.recv(p2, p.buf, 16, l.MSG_DONTWAIT));
    },
  },
  {
    name: 'udp_poll_epoll',
    c_globals,
    c: `int a = udp_bound(), b = udp_bound(); int pa = port_of(a); R("fresh", pollev(udp(), POLLIN | POLLOUT, 0)); R("idle", pollev(a, POLLIN | POLLOUT, 0));
        R("in_only_idle", pollev(a, POLLIN, 0)); int ep = epoll_create1(0); struct epoll_event e = { EPOLLIN, { .u64 = 5 } }; R("ep_add", epoll_ctl(ep, EPOLL_CTL_ADD, a, &e));
        struct epoll_event out[4]; R("ep_idle", epoll_wait(ep, out, 4, 0)); sendto_lo(b, "abc", 3, pa); sendto_lo(b, "defgh", 5, pa);
        R("queued", pollev(a, POLLIN | POLLOUT, 0)); R("ep_ready", epoll_wait(ep, out, 4, 0)); R("ep_ev", out[0].events); R("ep_data", out[0].data.u64);
        int n = -1; R("fionread", ioctl(a, FIONREAD, &n)); R("first_len", n); R("outq", ioctl(a, TIOCOUTQ, &n)); R("outq_len", n);
        recv(a, buf, 10, 0); R("ep_level", epoll_wait(ep, out, 4, 0)); recv(a, buf, 10, 0); R("drained", pollev(a, POLLIN | POLLOUT, 0)); R("ep_drained", epoll_wait(ep, out, 4, 0));
        R("fionread_empty", ioctl(a, FIONREAD, &n)); R("empty_len", n);
        fd_set rd; FD_ZERO(&rd); FD_SET(a, &rd); struct timeval tv = { 0, 0 }; sendto_lo(b, "s", 1, pa); R("select", select(a + 1, &rd, 0, 0, &tv)); R("isset", FD_ISSET(a, &rd) != 0);
        R("wait_ready", pollev(a, POLLIN, 1000));`,
    run: async (p, l) => {
      const u = new U(l, p);
      const a = await u.udp_bound(), b = await u.udp_bound();
      const pa = u.port_of(a);
      await p.r('fresh', u.pollev(u.udp(), l.POLLIN | l.POLLOUT, 0));
      await p.r('idle', u.pollev(a, l.POLLIN | l.POLLOUT, 0));
      await p.r('in_only_idle', u.pollev(a, l.POLLIN, 0));
      const ep = l.epoll_create1(0) as number;
      await p.r('ep_add', l.epoll_ctl_ev(ep, l.EPOLL_CTL_ADD, a, l.EPOLLIN, 5));
      await p.r('ep_idle', l.epoll_wait(ep, u.ev, 4, 0));
      await u.sendto_lo(b, 'abc', 3, pa);
      await u.sendto_lo(b, 'defgh', 5, pa);
      await p.r('queued', u.pollev(a, l.POLLIN | l.POLLOUT, 0));
      await p.r('ep_ready', l.epoll_wait(ep, u.ev, 4, 0));
      await p.r('ep_ev', u.ev_events(0));
      await p.r('ep_data', u.ev_data(0));
      const n = l.malloc(4);
      l.poke_u32(n, 0xffffffff);
      await p.r('fionread', l.ioctl(a, 0x541b, n));
      await p.r('first_len', l.peek_i32(n));
      await p.r('outq', l.ioctl(a, 0x5411, n));
      await p.r('outq_len', l.peek_i32(n));
      await l.recv(a, p.buf, 10, 0);
      await p.r('ep_level', l.epoll_wait(ep, u.ev, 4, 0));
      await l.recv(a, p.buf, 10, 0);
      await p.r('drained', u.pollev(a, l.POLLIN | l.POLLOUT, 0));
      await p.r('ep_drained', l.epoll_wait(ep, u.ev, 4, 0));
      await p.r('fionread_empty', l.ioctl(a, 0x541b, n));
      await p.r('empty_len', l.peek_i32(n));
      const rd = l.malloc(128), tv = l.malloc(16);
      l.poke(rd, new Uint8Array(128));
      l.poke_u8(rd + (a >> 3), 1 << (a & 7));
      l.poke_u64(tv, 0);
      l.poke_u64(tv + 8, 0);
      await u.sendto_lo(b, 's', 1, pa);
      await p.r('select', l.select(a + 1, rd, 0, 0, tv));
      await p.r('isset', +((l.peek_u8(rd + (a >> 3)) & (1 << (a & 7))) !== 0));
      await p.r('wait_ready', u.pollev(a, l.POLLIN, 1000));
    },
  },
  {
    name: 'udp_shutdown',
    c_globals,
    c: `int a = udp_bound(), b = udp_bound(); int pa = port_of(a);
        R("shut_unconnected", shutdown(a, SHUT_RD)); R("rd_dontwait", recv(a, buf, 1, MSG_DONTWAIT)); R("rd_blocking_eof", recv(a, buf, 1, 0));
        R("poll_shut_rd", pollev(a, POLLIN | POLLOUT | POLLRDHUP, 0)); sendto_lo(b, "still", 5, pa); RD("queued_after_shut_rd", recv(a, buf, 10, 0), buf);
        R("bad_how", shutdown(a, 7)); int c = udp(); R("shut_wr_unconnected", shutdown(c, SHUT_WR)); R("send_after_shut_wr", sendto_lo(c, "x", 1, pa));
        R("send_nosignal", send(c, "x", 1, MSG_NOSIGNAL)); int d = udp(); connect_lo(d, pa); R("shut_connected", shutdown(d, SHUT_RDWR));
        R("poll_rdwr", pollev(d, POLLIN | POLLOUT | POLLRDHUP, 0)); R("send_after_rdwr", send(d, "x", 1, 0)); R("peer_after_shutdown", peer_port(d) == pa);`,
    run: async (p, l) => {
      const u = new U(l, p);
      const a = await u.udp_bound(), b = await u.udp_bound();
      const pa = u.port_of(a);
      await p.r('shut_unconnected', l.shutdown(a, l.SHUT_RD));
      await p.r('rd_dontwait', l.recv(a, p.buf, 1, l.MSG_DONTWAIT));
      await p.r('rd_blocking_eof', l.recv(a, p.buf, 1, 0));
      await p.r('poll_shut_rd', u.pollev(a, l.POLLIN | l.POLLOUT | l.POLLRDHUP, 0));
      await u.sendto_lo(b, 'still', 5, pa);
      await p.rd('queued_after_shut_rd', l.recv(a, p.buf, 10, 0));
      await p.r('bad_how', l.shutdown(a, 7));
      const c = u.udp();
      await p.r('shut_wr_unconnected', l.shutdown(c, l.SHUT_WR));
      await p.r('send_after_shut_wr', u.sendto_lo(c, 'x', 1, pa));
      await p.r('send_nosignal', l.send(c, 'x', 1, l.MSG_NOSIGNAL));
      const d = u.udp();
      await u.connect_lo(d, pa);
      await p.r('shut_connected', l.shutdown(d, l.SHUT_RDWR));
      await p.r('poll_rdwr', u.pollev(d, l.POLLIN | l.POLLOUT | l.POLLRDHUP, 0));
      await p.r('send_after_rdwr', l.send(d, 'x', 1, 0));
      await p.r('peer_after_shutdown', +(u.peer_port(d) === pa));
    },
  },
  {
    name: 'udp_rcvbuf_drops',
    c_globals,
    c: `int a = udp(); sopt(a, SOL_SOCKET, SO_RCVBUF, 4096); R("rcvbuf", gopt(a, SOL_SOCKET, SO_RCVBUF)); bind_lo(a, 0); int pa = port_of(a); int b = udp_bound();
        int ok = 0; memset(big, 'd', 1000); for (int i = 0; i < 100; i++) if (sendto_lo(b, big, 1000, pa) == 1000) ok++; R("all_sent", ok);
        int got = 0, whole = 1; long r; while ((r = recv(a, buf, sizeof buf, MSG_DONTWAIT)) >= 0) { got++; if (r != 1000) whole = 0; }
        int en = errno; R("drained_eagain", en == EAGAIN); R("some_kept", got > 0); R("some_dropped", got < 100); R("whole", whole);
        R("room_again", sendto_lo(b, "again", 5, pa)); RD("after_drain", recv(a, buf, 10, MSG_DONTWAIT), buf);`,
    run: async (p, l) => {
      const u = new U(l, p);
      const S = l.SOL_SOCKET;
      const a = u.udp();
      u.sopt(a, S, l.SO_RCVBUF, 4096);
      await p.r('rcvbuf', u.gopt(a, S, l.SO_RCVBUF));
      await u.bind_lo(a, 0);
      const pa = u.port_of(a);
      const b = await u.udp_bound();
      const big = l.malloc(1000);
      l.poke(big, new Uint8Array(1000).fill(100));
      let ok = 0;
      for (let i = 0; i < 100; i++) if (await u.sendto_lo(b, big, 1000, pa) === 1000) ok++;
      await p.r('all_sent', ok);
      let got = 0, whole = 1, r = 0;
      while ((r = await l.recv(a, p.buf, 4096, l.MSG_DONTWAIT)) >= 0) { got++; if (r !== 1000) whole = 0; }
      await p.r('drained_eagain', +(l.errno === l.EAGAIN));
      await p.r('some_kept', +(got > 0));
      await p.r('some_dropped', +(got < 100));
      await p.r('whole', whole);
      await p.r('room_again', u.sendto_lo(b, 'again', 5, pa));
      await p.rd('after_drain', l.recv(a, p.buf, 10, l.MSG_DONTWAIT));
    },
  },
  {
    name: 'udp_ipv6',
    c_globals,
    c: `int a = socket(AF_INET6, SOCK_DGRAM, 0), b = socket(AF_INET6, SOCK_DGRAM, 0); struct sockaddr_in6 s6; memset(&s6, 0, sizeof s6); s6.sin6_family = AF_INET6; s6.sin6_addr = in6addr_loopback;
        R("bind", bind(a, (struct sockaddr *)&s6, sizeof s6)); socklen_t l6 = sizeof s6; R("getsockname", getsockname(a, (struct sockaddr *)&s6, &l6)); R("len", l6); R("family", s6.sin6_family);
        R("port_set", s6.sin6_port != 0); R("send", sendto(b, "six", 3, 0, (struct sockaddr *)&s6, sizeof s6));
        struct sockaddr_in6 from; socklen_t fl = sizeof from; memset(&from, 0, sizeof from); RD("recv", recvfrom(a, buf, 10, 0, (struct sockaddr *)&from, &fl), buf);
        R("from_len", fl); R("from_family", from.sin6_family); R("from_lo", IN6_IS_ADDR_LOOPBACK(&from.sin6_addr)); struct sockaddr_in6 bn; socklen_t bl = sizeof bn; getsockname(b, (struct sockaddr *)&bn, &bl);
        R("from_port", from.sin6_port == bn.sin6_port); R("max", sendto(b, big, 65527, 0, (struct sockaddr *)&s6, sizeof s6)); R("emsgsize", sendto(b, big, 65528, 0, (struct sockaddr *)&s6, sizeof s6));
        R("got_max", recv(a, big, sizeof big, MSG_DONTWAIT)); R("short_addr", sendto(b, "x", 1, 0, (struct sockaddr *)&s6, 20));
        R("connect", connect(b, (struct sockaddr *)&s6, sizeof s6)); struct sockaddr_in6 pn; socklen_t pl = sizeof pn; R("getpeername", getpeername(b, (struct sockaddr *)&pn, &pl)); R("peer_len", pl);
        R("peer_port", pn.sin6_port == s6.sin6_port); R("send_connected", send(b, "c", 1, 0)); RD("recv_connected", recv(a, buf, 10, MSG_DONTWAIT), buf);`,
    run: async (p, l) => {
      const u = new U(l, p);
      const a = l.socket(l.AF_INET6, l.SOCK_DGRAM, 0) as number, b = l.socket(l.AF_INET6, l.SOCK_DGRAM, 0) as number;
      const s6 = l.malloc(28), sl = l.malloc(4);
      const v = new Uint8Array(28);
      v[0] = l.AF_INET6;
      v[23] = 1;
      l.poke(s6, v);
      await p.r('bind', l.bind(a, s6, 28));
      l.poke_u32(sl, 28);
      await p.r('getsockname', l.getsockname(a, s6, sl));
      await p.r('len', l.peek_u32(sl));
      await p.r('family', l.peek_u8(s6) | (l.peek_u8(s6 + 1) << 8));
      await p.r('port_set', +(l.ntohs_port(s6) !== 0));
      await p.r('send', l.sendto(b, 'six', 3, 0, s6, 28));
      const from = l.malloc(28), fl = l.malloc(4);
      l.poke(from, new Uint8Array(28));
      l.poke_u32(fl, 28);
      await p.rd('recv', l.recvfrom(a, p.buf, 10, 0, from, fl));
      await p.r('from_len', l.peek_u32(fl));
      await p.r('from_family', l.peek_u8(from));
      await p.r('from_lo', +(l.peek(from + 8, 16).every((x, i) => x === (i === 15 ? 1 : 0))));
      const bn = l.malloc(28), bl = l.malloc(4);
      l.poke_u32(bl, 28);
      l.getsockname(b, bn, bl);
      await p.r('from_port', +(l.ntohs_port(from) === l.ntohs_port(bn)));
      const big = l.malloc(300000);
      await p.r('max', l.sendto(b, big, 65527, 0, s6, 28));
      await p.r('emsgsize', l.sendto(b, big, 65528, 0, s6, 28));
      await p.r('got_max', l.recv(a, big, 300000, l.MSG_DONTWAIT));
      await p.r('short_addr', l.sendto(b, 'x', 1, 0, s6, 20));
      await p.r('connect', l.connect(b, s6, 28));
      const pn = l.malloc(28), pl = l.malloc(4);
      l.poke_u32(pl, 28);
      await p.r('getpeername', l.getpeername(b, pn, pl));
      await p.r('peer_len', l.peek_u32(pl));
      await p.r('peer_port', +(l.ntohs_port(pn) === l.ntohs_port(s6)));
      await p.r('send_connected', l.send(b, 'c', 1, 0));
      await p.rd('recv_connected', l.recv(a, p.buf, 10, l.MSG_DONTWAIT));
    },
  },
];

conformance(test, 'net_udp', cases);
