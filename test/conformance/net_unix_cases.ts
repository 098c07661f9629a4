/**
 * Cases of the net_unix conformance group (net_unix.test.ts): AF_UNIX stream and datagram sockets — socketpair, paths and the abstract
 * namespace, shutdown/EOF/EPIPE, MSG_* flags, sendmsg/recvmsg with iovecs and SCM_RIGHTS
 * (fd numbers), socket options — and poll/epoll readiness on sockets and pipes, against the
 * host kernel.
 */
import type { ConfCase } from './harness.ts';
import { N, NET_C } from './net_util.ts';

const c_globals = NET_C;
const RW = 'POLLIN | POLLOUT | POLLRDHUP';

export const cases: ConfCase[] = [
  {
    name: 'socketpair_basic',
    c_globals,
    c: `int sv[2]; R("pair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv)); R("fd0", sv[0]); R("fd1", sv[1]); R("write", write(sv[0], "ping", 4)); RD("read", read(sv[1], buf, 10), buf);
        R("inet_pair", socketpair(AF_INET, SOCK_STREAM, 0, sv)); R("bad_proto", socketpair(AF_UNIX, SOCK_STREAM, 7, sv)); R("bad_type", socketpair(AF_UNIX, 42, 0, sv));
        int nb[2]; R("nb_pair", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, nb)); R("nb_read", read(nb[0], buf, 1)); R("getfd", fcntl(nb[1], F_GETFD));
        R("getfl", fcntl(nb[1], F_GETFL)); NAME("name", nb[0], 0); NAME("peer", nb[0], 1); S("fstat", fstat(nb[0], &st));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const sv = l.malloc(8);
      await p.r('pair', l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv));
      const a = await p.r('fd0', l.peek_i32(sv)), b = await p.r('fd1', l.peek_i32(sv + 4));
      await p.r('write', l.write(a, 'ping', 4));
      await p.rd('read', l.read(b, p.buf, 10));
      await p.r('inet_pair', l.socketpair(l.AF_INET, l.SOCK_STREAM, 0, sv));
      await p.r('bad_proto', l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 7, sv));
      await p.r('bad_type', l.socketpair(l.AF_UNIX, 42, 0, sv));
      await p.r('nb_pair', l.socketpair(l.AF_UNIX, l.SOCK_DGRAM | l.SOCK_NONBLOCK | l.SOCK_CLOEXEC, 0, sv));
      const x = l.peek_i32(sv), y = l.peek_i32(sv + 4);
      await p.r('nb_read', l.read(x, p.buf, 1));
      await p.r('getfd', l.fcntl(y, l.F_GETFD));
      await p.r('getfl', l.fcntl(y, l.F_GETFL));
      n.name_line('name', x, false);
      n.name_line('peer', x, true);
      await p.s('fstat', l.fstat(x, p.st));
    },
  },
  {
    name: 'unix_sockopts_peercred',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); R("type", gopt(sv[0], SOL_SOCKET, SO_TYPE)); R("domain", gopt(sv[0], SOL_SOCKET, SO_DOMAIN));
        R("protocol", gopt(sv[0], SOL_SOCKET, SO_PROTOCOL)); R("sndbuf", gopt(sv[0], SOL_SOCKET, SO_SNDBUF)); R("rcvbuf", gopt(sv[0], SOL_SOCKET, SO_RCVBUF));
        R("set_sndbuf", sopt(sv[0], SOL_SOCKET, SO_SNDBUF, 5000)); R("sndbuf2", gopt(sv[0], SOL_SOCKET, SO_SNDBUF));
        struct ucred cr; socklen_t cl = sizeof cr; R("peercred", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &cl)); R("len", cl); R("pid_is_me", cr.pid == getpid());
        R("uid_is_me", cr.uid == geteuid()); R("gid_is_me", cr.gid == getegid());
        R("passcred0", gopt(sv[0], SOL_SOCKET, SO_PASSCRED)); sopt(sv[0], SOL_SOCKET, SO_PASSCRED, 1); R("passcred1", gopt(sv[0], SOL_SOCKET, SO_PASSCRED));
        R("tcp_level", gopt(sv[0], IPPROTO_TCP, TCP_NODELAY)); R("tcp_level_set", sopt(sv[0], IPPROTO_TCP, TCP_NODELAY, 1));
        int d = socket(AF_UNIX, SOCK_DGRAM, 0); R("dgram_type", gopt(d, SOL_SOCKET, SO_TYPE)); cl = sizeof cr;
        R("dgram_peercred", getsockopt(d, SOL_SOCKET, SO_PEERCRED, &cr, &cl)); R("dgram_pid", cr.pid); R("dgram_uid_none", cr.uid == (uid_t)-1);
        R("acceptconn", gopt(d, SOL_SOCKET, SO_ACCEPTCONN));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const S = l.SOL_SOCKET;
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      const a = l.peek_i32(sv);
      await p.r('type', n.gopt(a, S, l.SO_TYPE));
      await p.r('domain', n.gopt(a, S, l.SO_DOMAIN));
      await p.r('protocol', n.gopt(a, S, l.SO_PROTOCOL));
      await p.r('sndbuf', n.gopt(a, S, l.SO_SNDBUF));
      await p.r('rcvbuf', n.gopt(a, S, l.SO_RCVBUF));
      await p.r('set_sndbuf', n.sopt(a, S, l.SO_SNDBUF, 5000));
      await p.r('sndbuf2', n.gopt(a, S, l.SO_SNDBUF));
      const cr = l.malloc(12), cl = l.malloc(4);
      l.poke_u32(cl, 12);
      await p.r('peercred', l.getsockopt(a, S, l.SO_PEERCRED, cr, cl));
      await p.r('len', l.peek_u32(cl));
      await p.r('pid_is_me', +(l.peek_i32(cr) === l.getpid()));
      await p.r('uid_is_me', +(l.peek_u32(cr + 4) === l.geteuid()));
      await p.r('gid_is_me', +(l.peek_u32(cr + 8) === l.getegid()));
      await p.r('passcred0', n.gopt(a, S, l.SO_PASSCRED));
      n.sopt(a, S, l.SO_PASSCRED, 1);
      await p.r('passcred1', n.gopt(a, S, l.SO_PASSCRED));
      await p.r('tcp_level', n.gopt(a, l.IPPROTO_TCP, l.TCP_NODELAY));
      await p.r('tcp_level_set', n.sopt(a, l.IPPROTO_TCP, l.TCP_NODELAY, 1));
      const d = l.socket(l.AF_UNIX, l.SOCK_DGRAM, 0) as number;
      await p.r('dgram_type', n.gopt(d, S, l.SO_TYPE));
      l.poke_u32(cl, 12);
      await p.r('dgram_peercred', l.getsockopt(d, S, l.SO_PEERCRED, cr, cl));
      await p.r('dgram_pid', l.peek_i32(cr));
      await p.r('dgram_uid_none', +(l.peek_u32(cr + 4) === 0xffffffff));
      await p.r('acceptconn', n.gopt(d, S, l.SO_ACCEPTCONN));
    },
  },
  {
    name: 'unix_stream_path',
    c_globals,
    c: `int s = socket(AF_UNIX, SOCK_STREAM, 0); R("listen_unbound", listen(s, 4)); R("bind", sun_bind(s, "sock")); S("stat", stat("sock", &st));
        R("bind_again", sun_bind(s, "other")); int s2 = socket(AF_UNIX, SOCK_STREAM, 0); R("bind_inuse", sun_bind(s2, "sock")); R("bind_noent", sun_bind(s2, "nodir/x"));
        open("file", O_CREAT | O_RDWR, 0644); R("bind_over_file", sun_bind(s2, "file")); R("connect_not_listening", sun_connect(s2, "sock"));
        R("connect_file", sun_connect(s2, "file")); R("listen", listen(s, 4)); int c = socket(AF_UNIX, SOCK_STREAM, 0); R("connect", sun_connect(c, "sock"));
        R("connect_again", sun_connect(c, "sock")); R("connect_noent", sun_connect(socket(AF_UNIX, SOCK_STREAM, 0), "nope"));
        int d = socket(AF_UNIX, SOCK_DGRAM, 0); R("connect_prototype", sun_connect(d, "sock")); R("listen_dgram", listen(d, 1)); R("accept_dgram", accept(d, 0, 0));
        struct sockaddr_un pa; socklen_t pl = sizeof pa; int a = accept(s, (struct sockaddr *)&pa, &pl); R("accept", a); R("accept_addrlen", pl);
        NAME("c_peer", c, 1); NAME("c_local", c, 0); NAME("a_local", a, 0); NAME("a_peer", a, 1); NAME("s_local", s, 0); NAME("s_peer", s, 1);
        R("write", write(c, "over", 4)); RD("read", read(a, buf, 10), buf); R("close_listener", close(s)); R("connect_closed", sun_connect(socket(AF_UNIX, SOCK_STREAM, 0), "sock"));
        R("unlink", unlink("sock")); R("still_connected", write(a, "x", 1)); struct sockaddr_un u; R("bind_empty_path", bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&u, 1));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const sock = (): number => l.socket(l.AF_UNIX, l.SOCK_STREAM, 0) as number;
      const s = sock();
      await p.r('listen_unbound', l.listen(s, 4));
      await p.r('bind', n.sun_bind(s, 'sock'));
      await p.s('stat', l.stat('sock', p.st));
      await p.r('bind_again', n.sun_bind(s, 'other'));
      const s2 = sock();
      await p.r('bind_inuse', n.sun_bind(s2, 'sock'));
      await p.r('bind_noent', n.sun_bind(s2, 'nodir/x'));
      await l.open('file', l.O_CREAT | l.O_RDWR, 0o644);
      await p.r('bind_over_file', n.sun_bind(s2, 'file'));
      await p.r('connect_not_listening', n.sun_connect(s2, 'sock'));
      await p.r('connect_file', n.sun_connect(s2, 'file'));
      await p.r('listen', l.listen(s, 4));
      const c = sock();
      await p.r('connect', n.sun_connect(c, 'sock'));
      await p.r('connect_again', n.sun_connect(c, 'sock'));
      await p.r('connect_noent', n.sun_connect(sock(), 'nope'));
      const d = l.socket(l.AF_UNIX, l.SOCK_DGRAM, 0) as number;
      await p.r('connect_prototype', n.sun_connect(d, 'sock'));
      await p.r('listen_dgram', l.listen(d, 1));
      await p.r('accept_dgram', l.accept(d));
      const pa = l.malloc(110), pl = l.malloc(4);
      l.poke_u32(pl, 110);
      const a = await p.r('accept', l.accept(s, pa, pl));
      await p.r('accept_addrlen', l.peek_u32(pl));
      n.name_line('c_peer', c, true);
      n.name_line('c_local', c, false);
      n.name_line('a_local', a, false);
      n.name_line('a_peer', a, true);
      n.name_line('s_local', s, false);
      n.name_line('s_peer', s, true);
      await p.r('write', l.write(c, 'over', 4));
      await p.rd('read', l.read(a, p.buf, 10));
      await p.r('close_listener', l.close(s));
      await p.r('connect_closed', n.sun_connect(sock(), 'sock'));
      await p.r('unlink', l.unlink('sock'));
      await p.r('still_connected', l.write(a, 'x', 1));
      await p.r('bind_empty_path', l.bind(sock(), new Uint8Array([l.AF_UNIX]), 1));
    },
  },
  {
    name: 'unix_abstract_autobind',
    c_globals: NET_C,
    c: `char name[64]; snprintf(name, sizeof name, "@privos-conf-%d", getpid()); int s = socket(AF_UNIX, SOCK_STREAM, 0); R("bind_abstract", sun_bind(s, name));
        NAME("name", s, 0); R("inuse", sun_bind(socket(AF_UNIX, SOCK_STREAM, 0), name)); R("listen", listen(s, 2)); int c = socket(AF_UNIX, SOCK_STREAM, 0);
        R("connect", sun_connect(c, name)); NAME("peer", c, 1); int a = accept(s, 0, 0); R("accept", a); close(s); R("connect_after_close", sun_connect(socket(AF_UNIX, SOCK_STREAM, 0), name));
        R("rebind_after_close", sun_bind(socket(AF_UNIX, SOCK_STREAM, 0), name));
        int d = socket(AF_UNIX, SOCK_DGRAM, 0); struct sockaddr_un u; memset(&u, 0, sizeof u); u.sun_family = AF_UNIX; R("autobind", bind(d, (struct sockaddr *)&u, sizeof(sa_family_t)));
        socklen_t ul = sizeof u; getsockname(d, (struct sockaddr *)&u, &ul); R("autobind_len", ul); R("autobind_abstract", u.sun_path[0] == 0);
        R("autobind_again", bind(d, (struct sockaddr *)&u, sizeof(sa_family_t)));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const sock = (): number => l.socket(l.AF_UNIX, l.SOCK_STREAM, 0) as number;
      const name = '@privos-conf-abs';
      const s = sock();
      await p.r('bind_abstract', n.sun_bind(s, name));
      n.name_line('name', s, false);
      await p.r('inuse', n.sun_bind(sock(), name));
      await p.r('listen', l.listen(s, 2));
      const c = sock();
      await p.r('connect', n.sun_connect(c, name));
      n.name_line('peer', c, true);
      await p.r('accept', l.accept(s));
      await l.close(s);
      await p.r('connect_after_close', n.sun_connect(sock(), name));
      await p.r('rebind_after_close', n.sun_bind(sock(), name));
      const d = l.socket(l.AF_UNIX, l.SOCK_DGRAM, 0) as number;
      const fam = new Uint8Array([l.AF_UNIX, 0]);
      await p.r('autobind', l.bind(d, fam, 2));
      const u = l.malloc(110), ul = l.malloc(4);
      l.poke_u32(ul, 110);
      l.getsockname(d, u, ul);
      await p.r('autobind_len', l.peek_u32(ul));
      await p.r('autobind_abstract', +(l.peek_u8(u + 2) === 0));
      await p.r('autobind_again', l.bind(d, fam, 2));
    },
  },
  {
    name: 'unix_dgram',
    c_globals,
    c: `int s = socket(AF_UNIX, SOCK_DGRAM, 0); sun_bind(s, "srv"); int c = socket(AF_UNIX, SOCK_DGRAM, 0); sun_bind(c, "cli");
        R("sendto", sun_sendto(c, "hello", "srv")); R("sendto2", sun_sendto(c, "world!", "srv"));
        struct sockaddr_un from; socklen_t fl = sizeof from; RD("recvfrom", recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), buf); R("fromlen", fl); OUT(from.sun_path);
        RD("trunc", recv(s, buf, 3, 0), buf); R("empty", recv(s, buf, 10, MSG_DONTWAIT)); sun_sendto(c, "abcdef", "srv");
        R("peek_trunc", recv(s, buf, 2, MSG_PEEK | MSG_TRUNC)); RD("then", recv(s, buf, 10, 0), buf);
        R("send_unconnected", send(c, "x", 1, 0)); R("sendto_noent", sun_sendto(c, "x", "nope")); R("sendto_zero", sendto(c, "", 0, 0, 0, 0));
        R("connect", sun_connect(c, "srv")); R("send", send(c, "y", 1, 0)); R("zero_len", send(c, "", 0, 0)); RD("got", recv(s, buf, 10, 0), buf); R("got_zero", recv(s, buf, 10, 0));
        R("big", send(c, big, sizeof big, 0)); int o = socket(AF_UNIX, SOCK_DGRAM, 0); R("connect_o", sun_connect(o, "cli")); R("send_to_other_connected", send(o, "q", 1, 0));
        NAME("peer_c", c, 1); R("unconnect", connect(c, (struct sockaddr *)&(struct sockaddr){ AF_UNSPEC }, sizeof(struct sockaddr))); R("send_after_unconnect", send(c, "x", 1, 0));
        sun_connect(c, "srv"); close(s); R("send_dead", send(c, "z", 1, 0)); R("send_dead2", send(c, "z", 1, 0));
        int q[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, q); R("shut", shutdown(q[1], SHUT_RD)); R("send_shut_peer", send(q[0], "x", 1, MSG_NOSIGNAL)); R("recv_shut", recv(q[1], buf, 1, 0));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const dg = (): number => l.socket(l.AF_UNIX, l.SOCK_DGRAM, 0) as number;
      const s = dg();
      await n.sun_bind(s, 'srv');
      const c = dg();
      await n.sun_bind(c, 'cli');
      await p.r('sendto', n.sun_sendto(c, 'hello', 'srv'));
      await p.r('sendto2', n.sun_sendto(c, 'world!', 'srv'));
      const from = l.malloc(110), fl = l.malloc(4);
      l.poke(from, new Uint8Array(110));
      l.poke_u32(fl, 110);
      await p.rd('recvfrom', l.recvfrom(s, p.buf, 4096, 0, from, fl));
      await p.r('fromlen', l.peek_u32(fl));
      const fb = l.peek(from + 2, 10);
      p.out(Buffer.from(fb.subarray(0, fb.indexOf(0))).toString());
      await p.rd('trunc', l.recv(s, p.buf, 3, 0));
      await p.r('empty', l.recv(s, p.buf, 10, l.MSG_DONTWAIT));
      await n.sun_sendto(c, 'abcdef', 'srv');
      await p.r('peek_trunc', l.recv(s, p.buf, 2, l.MSG_PEEK | l.MSG_TRUNC));
      await p.rd('then', l.recv(s, p.buf, 10, 0));
      await p.r('send_unconnected', l.send(c, 'x', 1, 0));
      await p.r('sendto_noent', n.sun_sendto(c, 'x', 'nope'));
      await p.r('sendto_zero', l.sendto(c, '', 0, 0, 0, 0));
      await p.r('connect', n.sun_connect(c, 'srv'));
      await p.r('send', l.send(c, 'y', 1, 0));
      await p.r('zero_len', l.send(c, '', 0, 0));
      await p.rd('got', l.recv(s, p.buf, 10, 0));
      await p.r('got_zero', l.recv(s, p.buf, 10, 0));
      const big = l.malloc(300000);
      await p.r('big', l.send(c, big, 300000, 0));
      const o = dg();
      await p.r('connect_o', n.sun_connect(o, 'cli'));
      await p.r('send_to_other_connected', l.send(o, 'q', 1, 0));
      n.name_line('peer_c', c, true);
      const unspec = new Uint8Array(16);
      await p.r('unconnect', l.connect(c, unspec, 16));
      await p.r('send_after_unconnect', l.send(c, 'x', 1, 0));
      await n.sun_connect(c, 'srv');
      await l.close(s);
      await p.r('send_dead', l.send(c, 'z', 1, 0));
      await p.r('send_dead2', l.send(c, 'z', 1, 0));
      const q = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_DGRAM, 0, q);
      const q0 = l.peek_i32(q), q1 = l.peek_i32(q + 4);
      await p.r('shut', l.shutdown(q1, l.SHUT_RD));
      await p.r('send_shut_peer', l.send(q0, 'x', 1, l.MSG_NOSIGNAL));
      await p.r('recv_shut', l.recv(q1, p.buf, 1, 0));
    },
  },
  {
    name: 'unix_shutdown_eof_epipe',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); R("write", write(sv[0], "abc", 3)); R("shut_wr", shutdown(sv[0], SHUT_WR));
        RD("read", read(sv[1], buf, 10), buf); R("eof", read(sv[1], buf, 10)); R("eof_again", read(sv[1], buf, 10));
        R("send_nosig", send(sv[0], "x", 1, MSG_NOSIGNAL)); R("back", write(sv[1], "ok", 2)); RD("read_back", read(sv[0], buf, 10), buf);
        R("revents_1", pollev(sv[1], ${RW}, 0)); R("revents_0", pollev(sv[0], ${RW}, 0)); R("shut_bad", shutdown(sv[0], 7));
        signal(SIGPIPE, SIG_IGN); R("write_ign", write(sv[0], "x", 1)); close(sv[1]); R("send_closed", send(sv[0], "x", 1, MSG_NOSIGNAL));
        R("read_closed", read(sv[0], buf, 10)); R("revents_closed", pollev(sv[0], ${RW}, 0)); R("shutdown_closed_peer", shutdown(sv[0], SHUT_RDWR));
        int u = socket(AF_UNIX, SOCK_STREAM, 0); R("send_unconnected", send(u, "x", 1, MSG_NOSIGNAL)); R("recv_unconnected", recv(u, buf, 1, 0));
        R("shutdown_unconnected", shutdown(u, SHUT_RDWR)); R("getpeername_unconnected", getpeername(u, (struct sockaddr *)buf, &(socklen_t){ 110 }));
        int w[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, w); signal(SIGPIPE, SIG_DFL); shutdown(w[1], SHUT_RD); R("send_peer_shut_rd", send(w[0], "x", 1, MSG_NOSIGNAL));
        R("sendto_connected", sendto(w[0], "x", 1, 0, (struct sockaddr *)buf, 8));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const RWm = l.POLLIN | l.POLLOUT | l.POLLRDHUP;
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      const a = l.peek_i32(sv), b = l.peek_i32(sv + 4);
      await p.r('write', l.write(a, 'abc', 3));
      await p.r('shut_wr', l.shutdown(a, l.SHUT_WR));
      await p.rd('read', l.read(b, p.buf, 10));
      await p.r('eof', l.read(b, p.buf, 10));
      await p.r('eof_again', l.read(b, p.buf, 10));
      await p.r('send_nosig', l.send(a, 'x', 1, l.MSG_NOSIGNAL));
      await p.r('back', l.write(b, 'ok', 2));
      await p.rd('read_back', l.read(a, p.buf, 10));
      await p.r('revents_1', n.pollev(b, RWm, 0));
      await p.r('revents_0', n.pollev(a, RWm, 0));
      await p.r('shut_bad', l.shutdown(a, 7));
      l.signal(l.SIGPIPE, l.SIG_IGN);
      await p.r('write_ign', l.write(a, 'x', 1));
      await l.close(b);
      await p.r('send_closed', l.send(a, 'x', 1, l.MSG_NOSIGNAL));
      await p.r('read_closed', l.read(a, p.buf, 10));
      await p.r('revents_closed', n.pollev(a, RWm, 0));
      await p.r('shutdown_closed_peer', l.shutdown(a, l.SHUT_RDWR));
      const u = l.socket(l.AF_UNIX, l.SOCK_STREAM, 0) as number;
      await p.r('send_unconnected', l.send(u, 'x', 1, l.MSG_NOSIGNAL));
      await p.r('recv_unconnected', l.recv(u, p.buf, 1, 0));
      await p.r('shutdown_unconnected', l.shutdown(u, l.SHUT_RDWR));
      const ln = l.malloc(4);
      l.poke_u32(ln, 110);
      await p.r('getpeername_unconnected', l.getpeername(u, p.buf, ln));
      const w = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, w);
      const w0 = l.peek_i32(w), w1 = l.peek_i32(w + 4);
      l.signal(l.SIGPIPE, l.SIG_DFL);
      await l.shutdown(w1, l.SHUT_RD);
      await p.r('send_peer_shut_rd', l.send(w0, 'x', 1, l.MSG_NOSIGNAL));
      await p.r('sendto_connected', l.sendto(w0, 'x', 1, 0, p.buf, 8));
    },
  },
  {
    name: 'unix_close_unread_reset',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); write(sv[0], "abc", 3); write(sv[1], "zz", 2); close(sv[1]);
        RD("read_data_first", read(sv[0], buf, 10), buf); R("read_reset", read(sv[0], buf, 10)); R("read_after", read(sv[0], buf, 10));
        int t[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, t); write(t[0], "abc", 3); close(t[1]); R("revents", pollev(t[0], ${RW}, 0));
        R("so_error", gopt(t[0], SOL_SOCKET, SO_ERROR)); R("so_error2", gopt(t[0], SOL_SOCKET, SO_ERROR)); R("read", read(t[0], buf, 10));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      const a = l.peek_i32(sv), b = l.peek_i32(sv + 4);
      await l.write(a, 'abc', 3);
      await l.write(b, 'zz', 2);
      await l.close(b);
      await p.rd('read_data_first', l.read(a, p.buf, 10));
      await p.r('read_reset', l.read(a, p.buf, 10));
      await p.r('read_after', l.read(a, p.buf, 10));
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      const c = l.peek_i32(sv), d = l.peek_i32(sv + 4);
      await l.write(c, 'abc', 3);
      await l.close(d);
      await p.r('revents', n.pollev(c, l.POLLIN | l.POLLOUT | l.POLLRDHUP, 0));
      await p.r('so_error', n.gopt(c, l.SOL_SOCKET, l.SO_ERROR));
      await p.r('so_error2', n.gopt(c, l.SOL_SOCKET, l.SO_ERROR));
      await p.r('read', l.read(c, p.buf, 10));
    },
  },
  {
    name: 'unix_msg_flags',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); R("dontwait_empty", recv(sv[1], buf, 10, MSG_DONTWAIT));
        send(sv[0], "hello", 5, 0); send(sv[0], "world", 5, 0); RD("peek", recv(sv[1], buf, 3, MSG_PEEK), buf); RD("peek_all", recv(sv[1], buf, 100, MSG_PEEK), buf);
        RD("read3", recv(sv[1], buf, 3, 0), buf); RD("rest", recv(sv[1], buf, 100, 0), buf);
        send(sv[0], "abcd", 4, 0); send(sv[0], "efgh", 4, 0); RD("waitall", recv(sv[1], buf, 8, MSG_WAITALL), buf);
        send(sv[0], "xy", 2, 0); RD("waitall_dontwait", recv(sv[1], buf, 10, MSG_WAITALL | MSG_DONTWAIT), buf);
        send(sv[0], "pq", 2, 0); shutdown(sv[0], SHUT_WR); RD("waitall_eof", recv(sv[1], buf, 10, MSG_WAITALL), buf);
        int fl = fcntl(sv[1], F_GETFL); fcntl(sv[1], F_SETFL, fl | O_NONBLOCK); int q[2]; socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, q);
        R("read_nb_empty", read(q[0], buf, 1)); R("recv_nb_empty", recv(q[0], buf, 1, 0));`,
    run: async (p, l) => {
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      const a = l.peek_i32(sv), b = l.peek_i32(sv + 4);
      await p.r('dontwait_empty', l.recv(b, p.buf, 10, l.MSG_DONTWAIT));
      await l.send(a, 'hello', 5, 0);
      await l.send(a, 'world', 5, 0);
      await p.rd('peek', l.recv(b, p.buf, 3, l.MSG_PEEK));
      await p.rd('peek_all', l.recv(b, p.buf, 100, l.MSG_PEEK));
      await p.rd('read3', l.recv(b, p.buf, 3, 0));
      await p.rd('rest', l.recv(b, p.buf, 100, 0));
      await l.send(a, 'abcd', 4, 0);
      await l.send(a, 'efgh', 4, 0);
      await p.rd('waitall', l.recv(b, p.buf, 8, l.MSG_WAITALL));
      await l.send(a, 'xy', 2, 0);
      await p.rd('waitall_dontwait', l.recv(b, p.buf, 10, l.MSG_WAITALL | l.MSG_DONTWAIT));
      await l.send(a, 'pq', 2, 0);
      await l.shutdown(a, l.SHUT_WR);
      await p.rd('waitall_eof', l.recv(b, p.buf, 10, l.MSG_WAITALL));
      const q = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM | l.SOCK_NONBLOCK, 0, q);
      const q0 = l.peek_i32(q);
      await p.r('read_nb_empty', l.read(q0, p.buf, 1));
      await p.r('recv_nb_empty', l.recv(q0, p.buf, 1, 0));
    },
  },
  {
    name: 'unix_msg_oob',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); R("recv_oob_none", recv(sv[1], buf, 1, MSG_OOB)); R("send_oob", send(sv[0], "ab", 2, MSG_OOB));
        int d[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, d); R("dgram_oob", send(d[0], "x", 1, MSG_OOB));`,
    run: async (p, l) => {
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      await p.r('recv_oob_none', l.recv(l.peek_i32(sv + 4), p.buf, 1, l.MSG_OOB));
      await p.r('send_oob', l.send(l.peek_i32(sv), 'ab', 2, l.MSG_OOB));
      await l.socketpair(l.AF_UNIX, l.SOCK_DGRAM, 0, sv);
      await p.r('dgram_oob', l.send(l.peek_i32(sv), 'x', 1, l.MSG_OOB));
    },
    differs: {
      why: 'MSG_OOB on AF_UNIX stream sockets (Linux >= 5.15, CONFIG_AF_UNIX_OOB) is not implemented: EOPNOTSUPP, as on kernels built without it',
      privos: ['recv_oob_none: -1 EOPNOTSUPP', 'send_oob: -1 EOPNOTSUPP', 'dgram_oob: -1 EOPNOTSUPP'],
    },
  },
  {
    name: 'so_rcvtimeo_sndtimeo',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); struct timeval tv; socklen_t tl = sizeof tv; struct timespec t0, t1;
        R("get_default", getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &tl)); R("len", tl); R("sec", tv.tv_sec); R("usec", tv.tv_usec);
        tv.tv_sec = 0; tv.tv_usec = 200000; R("set_rcv", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)); memset(&tv, 0, sizeof tv); tl = sizeof tv;
        getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &tl); R("sec2", tv.tv_sec); R("usec2", tv.tv_usec);
        clock_gettime(CLOCK_MONOTONIC, &t0); R("recv_timeout", recv(sv[0], buf, 1, 0)); clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000; R("waited", ms >= 150 && ms < 2000);
        write(sv[1], "q", 1); RD("data_before_timeout", read(sv[0], buf, 1), buf);
        tv.tv_usec = 1000000; R("usec_range", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)); R("short", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 8));
        tv.tv_sec = -1; tv.tv_usec = 0; R("negative", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)); R("recv_at_once", recv(sv[0], buf, 1, 0));
        tl = sizeof tv; getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &tl); R("neg_sec", tv.tv_sec); R("neg_usec", tv.tv_usec);
        tv.tv_sec = 0; tv.tv_usec = 0; R("clear", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
        tv.tv_sec = 0; tv.tv_usec = 100000; R("set_snd", setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv)); sopt(sv[1], SOL_SOCKET, SO_SNDBUF, 4096);
        long r = write(sv[1], big, sizeof big); R("partial", r > 0 && r < (long)sizeof big); R("send_timeout", write(sv[1], big, sizeof big));
        tl = sizeof tv; getsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv, &tl); R("snd_usec", tv.tv_usec);
        int l = socket(AF_UNIX, SOCK_STREAM, 0); sun_bind(l, "l"); listen(l, 1); tv.tv_usec = 100000; setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        R("accept_timeout", accept(l, 0, 0));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const S = l.SOL_SOCKET, RCV = l.SO_RCVTIMEO, SND = l.SO_SNDTIMEO;
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      const a = l.peek_i32(sv), b = l.peek_i32(sv + 4);
      const tv = l.malloc(16), tl = l.malloc(4);
      const set = (s: number, u: number): void => { l.poke_u64(tv, s < 0 ? 2 ** 64 - 2 ** 11 : s); if (s < 0) { l.poke_u32(tv, 0xffffffff); l.poke_u32(tv + 4, 0xffffffff); } l.poke_u64(tv + 8, u); };
      const get = (fd: number, o: number): number => { l.poke_u32(tl, 16); return l.getsockopt(fd, S, o, tv, tl) as number; };
      await p.r('get_default', get(a, RCV));
      await p.r('len', l.peek_u32(tl));
      await p.r('sec', l.peek_u64(tv));
      await p.r('usec', l.peek_u64(tv + 8));
      set(0, 200000);
      await p.r('set_rcv', l.setsockopt(a, S, RCV, tv, 16));
      set(0, 0);
      get(a, RCV);
      await p.r('sec2', l.peek_u64(tv));
      await p.r('usec2', l.peek_u64(tv + 8));
      const t0 = performance.now();
      await p.r('recv_timeout', l.recv(a, p.buf, 1, 0));
      const ms = performance.now() - t0;
      await p.r('waited', +(ms >= 150 && ms < 2000));
      await l.write(b, 'q', 1);
      await p.rd('data_before_timeout', l.read(a, p.buf, 1));
      set(0, 1000000);
      await p.r('usec_range', l.setsockopt(a, S, RCV, tv, 16));
      await p.r('short', l.setsockopt(a, S, RCV, tv, 8));
      set(-1, 0);
      await p.r('negative', l.setsockopt(a, S, RCV, tv, 16));
      await p.r('recv_at_once', l.recv(a, p.buf, 1, 0));
      get(a, RCV);
      await p.r('neg_sec', l.peek_u64(tv));
      await p.r('neg_usec', l.peek_u64(tv + 8));
      set(0, 0);
      await p.r('clear', l.setsockopt(a, S, RCV, tv, 16));
      set(0, 100000);
      await p.r('set_snd', l.setsockopt(b, S, SND, tv, 16));
      n.sopt(b, S, l.SO_SNDBUF, 4096);
      const big = l.malloc(300000);
      const r = await l.write(b, big, 300000);
      await p.r('partial', +(r > 0 && r < 300000));
      await p.r('send_timeout', l.write(b, big, 300000));
      get(b, SND);
      await p.r('snd_usec', l.peek_u64(tv + 8));
      const ls = l.socket(l.AF_UNIX, l.SOCK_STREAM, 0) as number;
      await n.sun_bind(ls, 'l');
      await l.listen(ls, 1);
      set(0, 100000);
      l.setsockopt(ls, S, RCV, tv, 16);
      await p.r('accept_timeout', l.accept(ls));
    },
  },
  {
    name: 'scm_rights_fd_numbers',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); int f = open("f", O_CREAT | O_RDWR, 0644); write(f, "data", 4); lseek(f, 0, SEEK_SET); int g = open(".", O_RDONLY);
        R("f", f); R("g", g); R("send_fd", send_fd(sv[0], f)); close(f); int r = recv_fd(sv[1], CMSG_SPACE(sizeof(int)), 0); R("recv_fd", r); RD("read_via", read(r, buf, 10), buf);
        R("send_fd2", send_fd(sv[0], g)); int r2 = recv_fd(sv[1], CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC); R("recv_cloexec", r2); R("getfd", fcntl(r2, F_GETFD));
        R("send_fd3", send_fd(sv[0], g)); R("recv_no_room", recv_fd(sv[1], 0, 0)); R("send_fd4", send_fd(sv[0], g)); R("recv_short_ctl", recv_fd(sv[1], 18, 0));
        R("send_badfd", send_fd(sv[0], 99)); R("next_fd", open(".", O_RDONLY));
        R("send_sock_itself", send_fd(sv[0], sv[1])); int r3 = recv_fd(sv[1], 64, 0); R("recv_sock", r3); S("fstat_sock", fstat(r3, &st));
        int d[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, d); R("dgram_send_fd", send_fd(d[0], g)); R("dgram_recv_fd", recv_fd(d[1], 64, 0));
        R("send_then_data", write(sv[0], "tail", 4)); R("send_fd5", send_fd(sv[0], g)); RD("read_drops_fd", read(sv[1], buf, 100), buf); R("next_fd2", open(".", O_RDONLY));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      const a = l.peek_i32(sv), b = l.peek_i32(sv + 4);
      const f = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await l.write(f, 'data', 4);
      await l.lseek(f, 0, l.SEEK_SET);
      const g = await l.open('.', l.O_RDONLY);
      await p.r('f', f);
      await p.r('g', g);
      await p.r('send_fd', n.send_fd(a, f));
      await l.close(f);
      const r = await p.r('recv_fd', n.recv_fd(b, 24, 0));
      await p.rd('read_via', l.read(r, p.buf, 10));
      await p.r('send_fd2', n.send_fd(a, g));
      const r2 = await p.r('recv_cloexec', n.recv_fd(b, 24, l.MSG_CMSG_CLOEXEC));
      await p.r('getfd', l.fcntl(r2, l.F_GETFD));
      await p.r('send_fd3', n.send_fd(a, g));
      await p.r('recv_no_room', n.recv_fd(b, 0, 0));
      await p.r('send_fd4', n.send_fd(a, g));
      await p.r('recv_short_ctl', n.recv_fd(b, 18, 0));
      await p.r('send_badfd', n.send_fd(a, 99));
      await p.r('next_fd', l.open('.', l.O_RDONLY));
      await p.r('send_sock_itself', n.send_fd(a, b));
      const r3 = await p.r('recv_sock', n.recv_fd(b, 64, 0));
      await p.s('fstat_sock', l.fstat(r3, p.st));
      const d = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_DGRAM, 0, d);
      await p.r('dgram_send_fd', n.send_fd(l.peek_i32(d), g));
      await p.r('dgram_recv_fd', n.recv_fd(l.peek_i32(d + 4), 64, 0));
      await p.r('send_then_data', l.write(a, 'tail', 4));
      await p.r('send_fd5', n.send_fd(a, g));
      await p.rd('read_drops_fd', l.read(b, p.buf, 100));
      await p.r('next_fd2', l.open('.', l.O_RDONLY));
    },
  },
  {
    name: 'sendmsg_recvmsg_iov',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, sv); struct iovec v[2] = { { "abc", 3 }, { "defg", 4 } }; struct msghdr m; memset(&m, 0, sizeof m); m.msg_iov = v; m.msg_iovlen = 2;
        R("sendmsg", sendmsg(sv[0], &m, 0)); char b1[2], b2[10]; struct iovec r[2] = { { b1, 2 }, { b2, 10 } }; struct msghdr rm; memset(&rm, 0, sizeof rm); rm.msg_iov = r; rm.msg_iovlen = 2;
        rm.msg_flags = 0x7777; R("recvmsg", recvmsg(sv[1], &rm, 0)); RD("b1", 2, b1); RD("b2", 5, b2); R("flags", rm.msg_flags); R("namelen", rm.msg_namelen);
        sendmsg(sv[0], &m, 0); r[0].iov_len = 1; rm.msg_iovlen = 1; R("recvmsg_trunc", recvmsg(sv[1], &rm, 0)); R("flags_trunc", rm.msg_flags);
        sendmsg(sv[0], &m, 0); R("recvmsg_peek_trunc", recvmsg(sv[1], &rm, MSG_PEEK | MSG_TRUNC)); rm.msg_iovlen = 2; r[0].iov_len = 2; R("recvmsg_after_peek", recvmsg(sv[1], &rm, 0));
        R("recvmsg_empty", recvmsg(sv[1], &rm, MSG_DONTWAIT)); m.msg_iovlen = 1025; R("sendmsg_too_many_iov", sendmsg(sv[0], &m, 0)); m.msg_iovlen = 0; R("sendmsg_zero_iov", sendmsg(sv[0], &m, 0));
        R("recv_zero", recvmsg(sv[1], &rm, 0)); int st2[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, st2); m.msg_iovlen = 2; R("stream_sendmsg", sendmsg(st2[0], &m, 0));
        rm.msg_iovlen = 2; r[0].iov_len = 2; R("stream_recvmsg", recvmsg(st2[1], &rm, 0)); RD("sb1", 2, b1); RD("sb2", 5, b2);
        m.msg_iovlen = 1; v[0].iov_len = -1; R("iov_len_neg", sendmsg(sv[0], &m, 0));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_DGRAM, 0, sv);
      const a = l.peek_i32(sv), b = l.peek_i32(sv + 4);
      const s1 = l.malloc(8), s2 = l.malloc(8);
      l.poke(s1, 'abc');
      l.poke(s2, 'defg');
      const m = n.msghdr([[s1, 3], [s2, 4]]);
      await p.r('sendmsg', l.sendmsg(a, m, 0));
      const b1 = l.malloc(2), b2 = l.malloc(10);
      const rm = n.msghdr([[b1, 2], [b2, 10]]);
      l.poke_u32(rm + 48, 0x7777);
      await p.r('recvmsg', l.recvmsg(b, rm, 0));
      await p.rd('b1', 2, b1);
      await p.rd('b2', 5, b2);
      await p.r('flags', l.peek_i32(rm + 48));
      await p.r('namelen', l.peek_u32(rm + 8));
      const riov = l.peek_u64(rm + 16);
      await l.sendmsg(a, m, 0);
      l.poke_u64(riov + 8, 1);
      l.poke_u64(rm + 24, 1);
      await p.r('recvmsg_trunc', l.recvmsg(b, rm, 0));
      await p.r('flags_trunc', l.peek_i32(rm + 48));
      await l.sendmsg(a, m, 0);
      await p.r('recvmsg_peek_trunc', l.recvmsg(b, rm, l.MSG_PEEK | l.MSG_TRUNC));
      l.poke_u64(rm + 24, 2);
      l.poke_u64(riov + 8, 2);
      await p.r('recvmsg_after_peek', l.recvmsg(b, rm, 0));
      await p.r('recvmsg_empty', l.recvmsg(b, rm, l.MSG_DONTWAIT));
      l.poke_u64(m + 24, 1025);
      await p.r('sendmsg_too_many_iov', l.sendmsg(a, m, 0));
      l.poke_u64(m + 24, 0);
      await p.r('sendmsg_zero_iov', l.sendmsg(a, m, 0));
      await p.r('recv_zero', l.recvmsg(b, rm, 0));
      const st2 = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, st2);
      l.poke_u64(m + 24, 2);
      await p.r('stream_sendmsg', l.sendmsg(l.peek_i32(st2), m, 0));
      l.poke_u64(rm + 24, 2);
      l.poke_u64(riov + 8, 2);
      await p.r('stream_recvmsg', l.recvmsg(l.peek_i32(st2 + 4), rm, 0));
      await p.rd('sb1', 2, b1);
      await p.rd('sb2', 5, b2);
      l.poke_u64(m + 24, 1);
      const iv0 = l.peek_u64(m + 16);
      l.poke_u32(iv0 + 8, 0xffffffff);
      l.poke_u32(iv0 + 12, 0xffffffff);
      await p.r('iov_len_neg', l.sendmsg(a, m, 0));
    },
  },
  {
    name: 'poll_pipes_and_socketpairs',
    c_globals,
    c: `int p[2]; pipe(p); R("pipe_empty", pollev(p[0], POLLIN, 0)); R("pipe_w", pollev(p[1], POLLIN | POLLOUT, 0)); write(p[1], "x", 1); R("pipe_data", pollev(p[0], POLLIN, 0));
        close(p[1]); R("pipe_hup", pollev(p[0], POLLIN, 0)); read(p[0], buf, 1); R("pipe_hup_empty", pollev(p[0], POLLIN, 0)); int q[2]; pipe(q); close(q[0]); R("pipe_err", pollev(q[1], POLLOUT, 0));
        int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); R("sp_initial", pollev(sv[0], ${RW}, 0)); write(sv[1], "x", 1); R("sp_data", pollev(sv[0], ${RW}, 0));
        R("sp_no_events", pollev(sv[0], 0, 0)); close(sv[1]); R("sp_peer_closed", pollev(sv[0], ${RW}, 0));
        int d[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, d); R("dg_initial", pollev(d[0], ${RW}, 0)); close(d[1]); R("dg_peer_closed", pollev(d[0], ${RW}, 0));
        int u = socket(AF_UNIX, SOCK_STREAM, 0); R("unconnected", pollev(u, ${RW}, 0)); sun_bind(u, "l"); listen(u, 1); R("listening", pollev(u, ${RW}, 0));
        int c = socket(AF_UNIX, SOCK_STREAM, 0); sun_connect(c, "l"); R("listen_pending", pollev(u, ${RW}, 0)); R("connected_client", pollev(c, ${RW}, 0));
        R("nval", pollev(99, POLLIN, 0)); R("timeout", pollev(u, POLLOUT, 10));
        struct pollfd many[2] = { { sv[0], POLLIN, 0 }, { -1, POLLIN, 0 } }; R("neg_fd_ignored", poll(many, 2, 0)); R("neg_revents", many[1].revents);`,
    run: async (p, l) => {
      const n = new N(l, p);
      const RWm = l.POLLIN | l.POLLOUT | l.POLLRDHUP;
      const fds = l.malloc(8);
      await l.pipe(fds);
      const p0 = l.peek_i32(fds), p1 = l.peek_i32(fds + 4);
      await p.r('pipe_empty', n.pollev(p0, l.POLLIN, 0));
      await p.r('pipe_w', n.pollev(p1, l.POLLIN | l.POLLOUT, 0));
      await l.write(p1, 'x', 1);
      await p.r('pipe_data', n.pollev(p0, l.POLLIN, 0));
      await l.close(p1);
      await p.r('pipe_hup', n.pollev(p0, l.POLLIN, 0));
      await l.read(p0, p.buf, 1);
      await p.r('pipe_hup_empty', n.pollev(p0, l.POLLIN, 0));
      await l.pipe(fds);
      const q0 = l.peek_i32(fds), q1 = l.peek_i32(fds + 4);
      await l.close(q0);
      await p.r('pipe_err', n.pollev(q1, l.POLLOUT, 0));
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, fds);
      const s0 = l.peek_i32(fds), s1 = l.peek_i32(fds + 4);
      await p.r('sp_initial', n.pollev(s0, RWm, 0));
      await l.write(s1, 'x', 1);
      await p.r('sp_data', n.pollev(s0, RWm, 0));
      await p.r('sp_no_events', n.pollev(s0, 0, 0));
      await l.close(s1);
      await p.r('sp_peer_closed', n.pollev(s0, RWm, 0));
      await l.socketpair(l.AF_UNIX, l.SOCK_DGRAM, 0, fds);
      const d0 = l.peek_i32(fds), d1 = l.peek_i32(fds + 4);
      await p.r('dg_initial', n.pollev(d0, RWm, 0));
      await l.close(d1);
      await p.r('dg_peer_closed', n.pollev(d0, RWm, 0));
      const u = l.socket(l.AF_UNIX, l.SOCK_STREAM, 0) as number;
      await p.r('unconnected', n.pollev(u, RWm, 0));
      await n.sun_bind(u, 'l');
      await l.listen(u, 1);
      await p.r('listening', n.pollev(u, RWm, 0));
      const c = l.socket(l.AF_UNIX, l.SOCK_STREAM, 0) as number;
      await n.sun_connect(c, 'l');
      await p.r('listen_pending', n.pollev(u, RWm, 0));
      await p.r('connected_client', n.pollev(c, RWm, 0));
      await p.r('nval', n.pollev(99, l.POLLIN, 0));
      await p.r('timeout', n.pollev(u, l.POLLOUT, 10));
      const many = l.malloc(16);
      l.poke_u32(many, s0);
      l.poke_u32(many + 4, l.POLLIN);
      l.poke_u32(many + 8, 0xffffffff);
      l.poke_u32(many + 12, l.POLLIN);
      await p.r('neg_fd_ignored', l.poll(many, 2, 0));
      await p.r('neg_revents', l.peek_u32(many + 12) >>> 16);
    },
  },
  {
    name: 'epoll_socketpair_pipe',
    c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); int ep = epoll_create1(EPOLL_CLOEXEC); R("ep", ep); R("ep_getfd", fcntl(ep, F_GETFD));
        struct epoll_event e = { EPOLLIN, { .u64 = 42 } }, out[4]; R("add", epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &e)); R("add_again", epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &e));
        R("wait_empty", epoll_wait(ep, out, 4, 0)); write(sv[1], "ab", 2); R("wait_lt", epoll_wait(ep, out, 4, 0)); R("ev", out[0].events); R("data", out[0].data.u64);
        R("wait_lt2", epoll_wait(ep, out, 4, 0)); e.events = EPOLLIN | EPOLLET; R("mod_et", epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e)); R("wait_et", epoll_wait(ep, out, 4, 0));
        R("wait_et2", epoll_wait(ep, out, 4, 0)); write(sv[1], "c", 1); R("wait_et3", epoll_wait(ep, out, 4, 0));
        e.events = EPOLLIN | EPOLLONESHOT; epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e); R("wait_os", epoll_wait(ep, out, 4, 0)); R("wait_os2", epoll_wait(ep, out, 4, 0));
        write(sv[1], "d", 1); R("wait_os3", epoll_wait(ep, out, 4, 0)); R("rearm", epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e)); R("wait_os4", epoll_wait(ep, out, 4, 0));
        int f = open("f", O_CREAT | O_RDWR, 0644); R("add_regular", epoll_ctl(ep, EPOLL_CTL_ADD, f, &e));
        e.events = EPOLLIN | EPOLLEXCLUSIVE; R("add_excl", epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &e)); R("mod_excl", epoll_ctl(ep, EPOLL_CTL_MOD, sv[1], &e));
        e.events = EPOLLOUT; R("add_self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e)); R("del", epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL)); R("del_again", epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL));
        R("mod_missing", epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e)); R("bad_op", epoll_ctl(ep, 9, sv[0], &e)); R("wait_bad_max", epoll_wait(ep, out, 0, 0)); R("ctl_badfd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &e));
        R("ctl_not_epoll", epoll_ctl(sv[0], EPOLL_CTL_ADD, sv[1], &e)); R("wait_not_epoll", epoll_wait(sv[0], out, 4, 0));
        int p[2]; pipe(p); e.events = EPOLLIN; e.data.u64 = 5; int ep2 = epoll_create1(0); epoll_ctl(ep2, EPOLL_CTL_ADD, p[0], &e); write(p[1], "x", 1);
        R("pipe_wait", epoll_wait(ep2, out, 4, 0)); R("pipe_ev", out[0].events); close(p[1]); R("pipe_hup", epoll_wait(ep2, out, 4, 0)); R("pipe_hup_ev", out[0].events);
        e.events = EPOLLOUT; e.data.u64 = 6; epoll_ctl(ep2, EPOLL_CTL_ADD, sv[1], &e); R("two_ready", epoll_wait(ep2, out, 4, 0)); R("max1", epoll_wait(ep2, out, 1, 0));
        int ep3 = epoll_create1(0); e.events = EPOLLIN; R("nest", epoll_ctl(ep3, EPOLL_CTL_ADD, ep2, &e)); R("nested_ready", epoll_wait(ep3, out, 4, 0)); R("nested_ev", out[0].events);
        R("create_bad", epoll_create1(1)); R("create_size0", epoll_create(0));`,
    run: async (p, l) => {
      const n = new N(l, p);
      const sv = l.malloc(8);
      await l.socketpair(l.AF_UNIX, l.SOCK_STREAM, 0, sv);
      const a = l.peek_i32(sv), b = l.peek_i32(sv + 4);
      const ADD = l.EPOLL_CTL_ADD, MOD = l.EPOLL_CTL_MOD, DEL = l.EPOLL_CTL_DEL;
      const ep = await p.r('ep', l.epoll_create1(l.EPOLL_CLOEXEC));
      await p.r('ep_getfd', l.fcntl(ep, l.F_GETFD));
      const W = (lab: string, e: number, max = 4): Promise<number> => p.r(lab, l.epoll_wait(e, n.ev, max, 0));
      await p.r('add', l.epoll_ctl_ev(ep, ADD, a, l.EPOLLIN, 42));
      await p.r('add_again', l.epoll_ctl_ev(ep, ADD, a, l.EPOLLIN, 42));
      await W('wait_empty', ep);
      await l.write(b, 'ab', 2);
      await W('wait_lt', ep);
      await p.r('ev', n.ev_events(0));
      await p.r('data', n.ev_data(0));
      await W('wait_lt2', ep);
      await p.r('mod_et', l.epoll_ctl_ev(ep, MOD, a, l.EPOLLIN | l.EPOLLET, 42));
      await W('wait_et', ep);
      await W('wait_et2', ep);
      await l.write(b, 'c', 1);
      await W('wait_et3', ep);
      await l.epoll_ctl_ev(ep, MOD, a, l.EPOLLIN | l.EPOLLONESHOT, 42);
      await W('wait_os', ep);
      await W('wait_os2', ep);
      await l.write(b, 'd', 1);
      await W('wait_os3', ep);
      await p.r('rearm', l.epoll_ctl_ev(ep, MOD, a, l.EPOLLIN | l.EPOLLONESHOT, 42));
      await W('wait_os4', ep);
      const f = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await p.r('add_regular', l.epoll_ctl_ev(ep, ADD, f, l.EPOLLIN | l.EPOLLONESHOT, 42));
      await p.r('add_excl', l.epoll_ctl_ev(ep, ADD, b, l.EPOLLIN | l.EPOLLEXCLUSIVE, 42));
      await p.r('mod_excl', l.epoll_ctl_ev(ep, MOD, b, l.EPOLLIN | l.EPOLLEXCLUSIVE, 42));
      await p.r('add_self', l.epoll_ctl_ev(ep, ADD, ep, l.EPOLLOUT, 42));
      await p.r('del', l.epoll_ctl(ep, DEL, a, 0));
      await p.r('del_again', l.epoll_ctl(ep, DEL, a, 0));
      await p.r('mod_missing', l.epoll_ctl_ev(ep, MOD, a, l.EPOLLOUT, 42));
      await p.r('bad_op', l.epoll_ctl_ev(ep, 9, a, l.EPOLLOUT, 42));
      await p.r('wait_bad_max', l.epoll_wait(ep, n.ev, 0, 0));
      await p.r('ctl_badfd', l.epoll_ctl_ev(ep, ADD, 99, l.EPOLLOUT, 42));
      await p.r('ctl_not_epoll', l.epoll_ctl_ev(a, ADD, b, l.EPOLLOUT, 42));
      await p.r('wait_not_epoll', l.epoll_wait(a, n.ev, 4, 0));
      const fds = l.malloc(8);
      await l.pipe(fds);
      const p0 = l.peek_i32(fds), p1 = l.peek_i32(fds + 4);
      const ep2 = l.epoll_create1(0) as number;
      await l.epoll_ctl_ev(ep2, ADD, p0, l.EPOLLIN, 5);
      await l.write(p1, 'x', 1);
      await W('pipe_wait', ep2);
      await p.r('pipe_ev', n.ev_events(0));
      await l.close(p1);
      await W('pipe_hup', ep2);
      await p.r('pipe_hup_ev', n.ev_events(0));
      await l.epoll_ctl_ev(ep2, ADD, b, l.EPOLLOUT, 6);
      await W('two_ready', ep2);
      await W('max1', ep2, 1);
      const ep3 = l.epoll_create1(0) as number;
      await p.r('nest', l.epoll_ctl_ev(ep3, ADD, ep2, l.EPOLLIN, 6));
      await W('nested_ready', ep3);
      await p.r('nested_ev', n.ev_events(0));
      await p.r('create_bad', l.epoll_create1(1));
      await p.r('create_size0', l.epoll_create(0));
    },
  },
];

