/**
 * Conformance: TCP port reuse as Linux applies it (inet_csk_bind_conflict): TIME_WAIT after an
 * active close, SO_REUSEADDR (a port held by non-listening sockets) and SO_REUSEPORT (several
 * listeners), wildcard vs loopback overlap, and the state checks of bind/listen/connect/accept.
 */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';
import { NET_C, N } from './net_util.ts';

const c_globals = NET_C + String.raw`
static int tcp(void) { return socket(AF_INET, SOCK_STREAM, 0); }
static int reuse(int fd, int addr, int port) { if (addr) sopt(fd, SOL_SOCKET, SO_REUSEADDR, 1); if (port) sopt(fd, SOL_SOCKET, SO_REUSEPORT, 1); return fd; }
static int bind_any(int fd, int port) { struct sockaddr_in a = sa_lo(port); a.sin_addr.s_addr = htonl(INADDR_ANY); return bind(fd, (struct sockaddr *)&a, sizeof a); }
/* A connection to l's port: the accepted end in *acc, the client returned. */
static int conn(int l, int *acc) { int c = tcp(); connect_lo(c, port_of(l)); *acc = accept(l, 0, 0); return c; }
`;
const SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_REUSEPORT = 15;

function helpers(n: N) {
  const l = n.l;
  const tcp = (): number => l.socket(l.AF_INET, l.SOCK_STREAM, 0) as number;
  const reuse = (fd: number, addr: number, port: number): number => { if (addr) n.sopt(fd, SOL_SOCKET, SO_REUSEADDR, 1); if (port) n.sopt(fd, SOL_SOCKET, SO_REUSEPORT, 1); return fd; };
  const bind_any = (fd: number, port: number): Promise<number> | number => l.bind(fd, l.sockaddr_in('0.0.0.0', port), 16);
  const conn = async (ls: number): Promise<[number, number]> => { const c = tcp(); await n.connect_lo(c, n.port_of(ls)); return [c, await l.accept(ls, 0, 0) as number]; };
  return { tcp, reuse, bind_any, conn };
}

const cases: ConfCase[] = [
  {
    name: 'tcp_time_wait_after_active_close', c_globals,
    c: `int l = listener(); int port = port_of(l); int a; int c = conn(l, &a); R("server_closes_first", close(a)); R("client_eof", read(c, buf, 1)); close(c); close(l);
        R("bind_plain", bind_lo(tcp(), port)); R("bind_reuseaddr", bind_lo(reuse(tcp(), 1, 0), port)); R("bind_any_plain", bind_any(tcp(), port));`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const ls = await n.listener(); const port = n.port_of(ls); const [c, a] = await h.conn(ls);
      await p.r('server_closes_first', l.close(a)); await p.r('client_eof', l.read(c, p.buf, 1)); await l.close(c); await l.close(ls);
      await p.r('bind_plain', n.bind_lo(h.tcp(), port)); await p.r('bind_reuseaddr', n.bind_lo(h.reuse(h.tcp(), 1, 0), port)); await p.r('bind_any_plain', h.bind_any(h.tcp(), port));
    },
  },
  {
    name: 'tcp_time_wait_reuseaddr_listener', c_globals,
    c: `int l = reuse(tcp(), 1, 0); bind_lo(l, 0); listen(l, 4); int port = port_of(l); int a; int c = conn(l, &a); close(a); R("client_eof", read(c, buf, 1)); close(c); close(l);
        R("bind_plain", bind_lo(tcp(), port)); int s = reuse(tcp(), 1, 0); R("bind_reuseaddr", bind_lo(s, port)); R("listen", listen(s, 4)); R("reuseaddr_opt", gopt(s, SOL_SOCKET, SO_REUSEADDR));`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const ls = h.reuse(h.tcp(), 1, 0); await n.bind_lo(ls, 0); await l.listen(ls, 4); const port = n.port_of(ls); const [c, a] = await h.conn(ls);
      await l.close(a); await p.r('client_eof', l.read(c, p.buf, 1)); await l.close(c); await l.close(ls);
      await p.r('bind_plain', n.bind_lo(h.tcp(), port)); const s = h.reuse(h.tcp(), 1, 0); await p.r('bind_reuseaddr', n.bind_lo(s, port)); await p.r('listen', l.listen(s, 4));
      await p.r('reuseaddr_opt', n.gopt(s, SOL_SOCKET, SO_REUSEADDR));
    },
  },
  {
    name: 'tcp_established_child_holds_port', c_globals,
    c: `int l = reuse(tcp(), 1, 0); bind_lo(l, 0); listen(l, 4); int port = port_of(l); int a; int c = conn(l, &a); close(l);
        R("bind_plain", bind_lo(tcp(), port)); int s = reuse(tcp(), 1, 0); R("bind_reuseaddr", bind_lo(s, port)); R("listen", listen(s, 4)); R("still_connected", write(c, "x", 1)); R("read", read(a, buf, 1));`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const ls = h.reuse(h.tcp(), 1, 0); await n.bind_lo(ls, 0); await l.listen(ls, 4); const port = n.port_of(ls); const [c, a] = await h.conn(ls); await l.close(ls);
      await p.r('bind_plain', n.bind_lo(h.tcp(), port)); const s = h.reuse(h.tcp(), 1, 0); await p.r('bind_reuseaddr', n.bind_lo(s, port)); await p.r('listen', l.listen(s, 4));
      await p.r('still_connected', l.write(c, 'x', 1)); await p.r('read', l.read(a, p.buf, 1));
    },
  },
  {
    name: 'tcp_shutdown_wr_first_is_active_close', c_globals,
    c: `int l = listener(); int port = port_of(l); int a; int c = conn(l, &a); R("shutdown_wr", shutdown(a, SHUT_WR)); R("client_eof", read(c, buf, 1)); close(c);
        R("server_eof", read(a, buf, 1)); close(a); close(l); R("bind_plain", bind_lo(tcp(), port)); R("shutdown_unconnected", shutdown(tcp(), SHUT_WR));`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const ls = await n.listener(); const port = n.port_of(ls); const [c, a] = await h.conn(ls);
      await p.r('shutdown_wr', l.shutdown(a, l.SHUT_WR)); await p.r('client_eof', l.read(c, p.buf, 1)); await l.close(c);
      await p.r('server_eof', l.read(a, p.buf, 1)); await l.close(a); await l.close(ls); await p.r('bind_plain', n.bind_lo(h.tcp(), port)); await p.r('shutdown_unconnected', l.shutdown(h.tcp(), l.SHUT_WR));
    },
  },
  {
    name: 'tcp_passive_close_frees_port', c_globals,
    c: `int l = listener(); int port = port_of(l); int a; int c = conn(l, &a); int cport = port_of(c); close(c); R("server_eof", read(a, buf, 1)); close(a); close(l);
        R("bind_server_port", bind_lo(tcp(), port)); R("bind_client_port_in_time_wait", bind_lo(tcp(), cport)); R("reuseaddr_client_port", bind_lo(reuse(tcp(), 1, 0), cport));`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const ls = await n.listener(); const port = n.port_of(ls); const [c, a] = await h.conn(ls); const cport = n.port_of(c);
      await l.close(c); await p.r('server_eof', l.read(a, p.buf, 1)); await l.close(a); await l.close(ls);
      await p.r('bind_server_port', n.bind_lo(h.tcp(), port)); await p.r('bind_client_port_in_time_wait', n.bind_lo(h.tcp(), cport)); await p.r('reuseaddr_client_port', n.bind_lo(h.reuse(h.tcp(), 1, 0), cport));
    },
  },
  {
    name: 'tcp_reuseport_two_listeners', c_globals,
    c: `int s1 = reuse(tcp(), 0, 1); R("bind1", bind_lo(s1, 0)); int port = port_of(s1); R("listen1", listen(s1, 8)); int s2 = reuse(tcp(), 0, 1); R("bind2", bind_lo(s2, port)); R("listen2", listen(s2, 8));
        R("plain", bind_lo(tcp(), port)); R("reuseaddr_only", bind_lo(reuse(tcp(), 1, 0), port)); R("both_flags", bind_lo(reuse(tcp(), 1, 1), port)); R("opt", gopt(s2, SOL_SOCKET, SO_REUSEPORT));
        int got = 0; for (int i = 0; i < 6; i++) { int c = tcp(); connect_lo(c, port); } fcntl(s1, F_SETFL, O_NONBLOCK); fcntl(s2, F_SETFL, O_NONBLOCK);
        for (int i = 0; i < 6; i++) { struct pollfd pf[2] = { { s1, POLLIN, 0 }, { s2, POLLIN, 0 } }; poll(pf, 2, -1); if (accept(s1, 0, 0) >= 0) got++; if (accept(s2, 0, 0) >= 0) got++; if (got == 6) break; }
        R("accepted", got);`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const s1 = h.reuse(h.tcp(), 0, 1); await p.r('bind1', n.bind_lo(s1, 0)); const port = n.port_of(s1); await p.r('listen1', l.listen(s1, 8));
      const s2 = h.reuse(h.tcp(), 0, 1); await p.r('bind2', n.bind_lo(s2, port)); await p.r('listen2', l.listen(s2, 8));
      await p.r('plain', n.bind_lo(h.tcp(), port)); await p.r('reuseaddr_only', n.bind_lo(h.reuse(h.tcp(), 1, 0), port)); await p.r('both_flags', n.bind_lo(h.reuse(h.tcp(), 1, 1), port));
      await p.r('opt', n.gopt(s2, SOL_SOCKET, SO_REUSEPORT));
      let got = 0; for (let i = 0; i < 6; i++) await n.connect_lo(h.tcp(), port); await l.fcntl(s1, l.F_SETFL, l.O_NONBLOCK); await l.fcntl(s2, l.F_SETFL, l.O_NONBLOCK);
      const pf = l.malloc(16);
      for (let i = 0; i < 6; i++) {
        l.poke_u32(pf, s1); l.poke_u32(pf + 4, l.POLLIN); l.poke_u32(pf + 8, s2); l.poke_u32(pf + 12, l.POLLIN); await l.poll(pf, 2, -1);
        if ((await l.accept(s1, 0, 0)) >= 0) got++; if ((await l.accept(s2, 0, 0)) >= 0) got++; if (got === 6) break;
      }
      await p.r('accepted', got);
    },
  },
  {
    name: 'tcp_reuseaddr_not_two_listeners', c_globals,
    c: `int s1 = reuse(tcp(), 1, 0); R("bind1", bind_lo(s1, 0)); int port = port_of(s1); int s2 = reuse(tcp(), 1, 0); R("bind2_neither_listens", bind_lo(s2, port));
        R("listen1", listen(s1, 4)); R("listen2", listen(s2, 4)); R("bind3_after_listen", bind_lo(reuse(tcp(), 1, 0), port)); R("plain_bind", bind_lo(tcp(), port));`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const s1 = h.reuse(h.tcp(), 1, 0); await p.r('bind1', n.bind_lo(s1, 0)); const port = n.port_of(s1); const s2 = h.reuse(h.tcp(), 1, 0);
      await p.r('bind2_neither_listens', n.bind_lo(s2, port)); await p.r('listen1', l.listen(s1, 4)); await p.r('listen2', l.listen(s2, 4));
      await p.r('bind3_after_listen', n.bind_lo(h.reuse(h.tcp(), 1, 0), port)); await p.r('plain_bind', n.bind_lo(h.tcp(), port));
    },
  },
  {
    name: 'tcp_wildcard_vs_loopback', c_globals,
    c: `int s1 = tcp(); R("bind_lo", bind_lo(s1, 0)); int port = port_of(s1); R("any_over_lo", bind_any(tcp(), port)); int s2 = tcp(); R("any_free", bind_any(s2, 0)); int p2 = port_of(s2);
        R("lo_over_any", bind_lo(tcp(), p2)); listen(s2, 4); R("lo_over_any_listening_reuse", bind_lo(reuse(tcp(), 1, 0), p2)); int s3 = reuse(tcp(), 1, 0); R("any_reuse", bind_any(s3, 0)); int p3 = port_of(s3);
        R("lo_over_any_both_reuse", bind_lo(reuse(tcp(), 1, 0), p3));`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const s1 = h.tcp(); await p.r('bind_lo', n.bind_lo(s1, 0)); const port = n.port_of(s1); await p.r('any_over_lo', h.bind_any(h.tcp(), port));
      const s2 = h.tcp(); await p.r('any_free', h.bind_any(s2, 0)); const p2 = n.port_of(s2); await p.r('lo_over_any', n.bind_lo(h.tcp(), p2)); await l.listen(s2, 4);
      await p.r('lo_over_any_listening_reuse', n.bind_lo(h.reuse(h.tcp(), 1, 0), p2)); const s3 = h.reuse(h.tcp(), 1, 0); await p.r('any_reuse', h.bind_any(s3, 0)); const p3 = n.port_of(s3);
      await p.r('lo_over_any_both_reuse', n.bind_lo(h.reuse(h.tcp(), 1, 0), p3));
    },
  },
  {
    name: 'tcp_state_checks', c_globals,
    c: `int s = tcp(); R("listen_unbound", listen(s, 4)); R("autobound", port_of(s) > 0); R("bind_listening", bind_lo(s, 0)); R("connect_listening", connect_lo(s, port_of(s)));
        R("listen_again", listen(s, 8)); int u = tcp(); R("accept_unbound", accept(u, 0, 0)); bind_lo(u, 0); R("accept_bound", accept(u, 0, 0)); int a; int c = conn(s, &a);
        R("listen_connected", listen(c, 4)); R("bind_connected", bind_lo(c, 0)); R("accept_connected", accept(c, 0, 0)); R("shutdown_listener", shutdown(s, SHUT_RD)); R("accept_after_shutdown", accept(s, 0, 0));
        R("shutdown_bound", shutdown(u, SHUT_WR));`,
    run: async (p, l) => {
      const n = new N(l, p), h = helpers(n); const s = h.tcp(); await p.r('listen_unbound', l.listen(s, 4)); await p.r('autobound', +(n.port_of(s) > 0)); await p.r('bind_listening', n.bind_lo(s, 0));
      await p.r('connect_listening', n.connect_lo(s, n.port_of(s))); await p.r('listen_again', l.listen(s, 8)); const u = h.tcp(); await p.r('accept_unbound', l.accept(u, 0, 0)); await n.bind_lo(u, 0);
      await p.r('accept_bound', l.accept(u, 0, 0)); const [c] = await h.conn(s);
      await p.r('listen_connected', l.listen(c, 4)); await p.r('bind_connected', n.bind_lo(c, 0)); await p.r('accept_connected', l.accept(c, 0, 0)); await p.r('shutdown_listener', l.shutdown(s, l.SHUT_RD));
      await p.r('accept_after_shutdown', l.accept(s, 0, 0)); await p.r('shutdown_bound', l.shutdown(u, l.SHUT_WR));
    },
  },
];

conformance(test, 'net_tcp_reuse', cases);
