/**
 * echo: an epoll-driven TCP echo server, the event-loop pattern the ported servers follow.
 * Usage: echo [PORT] (default 7; 0 picks a free port). Prints "listening on PORT" once ready.
 * Non-blocking sockets, level-triggered EPOLLIN; a connection whose peer reads slowly keeps its
 * unsent bytes and switches to EPOLLOUT until they are flushed, so nothing is lost.
 * At RLIMIT_NOFILE (accept4 fails with EMFILE, the connection staying queued, as on Linux) the
 * listener is disarmed until a connection closes, instead of spinning on a ready listener; the
 * limit is raised from outside (prlimit --nofile=N echo-server, privos run --nofile N).
 */
import type { Libc } from '../../libc/index.ts';

const BUF = 64 * 1024;
const MAX_EVENTS = 64;

interface Conn { pending: Uint8Array | null }

/** The server: its listener, epoll instance and connections. */
interface Server {
  libc: Libc; lfd: number; epfd: number; buf: number;
  conns: Map<number, Conn>;
  /** The listener is disarmed: accept4 hit the fd limit. */
  full: boolean;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const port = argv.length > 1 ? Number(argv[1]) : 7;
  const lfd = libc.socket(libc.AF_INET, libc.SOCK_STREAM | libc.SOCK_NONBLOCK | libc.SOCK_CLOEXEC, 0) as number;
  if (lfd < 0) return fail(libc, 'socket');
  libc.setsockopt_int(lfd, libc.SOL_SOCKET, libc.SO_REUSEADDR, 1);
  if ((await libc.bind(lfd, libc.sockaddr_in('127.0.0.1', port), 16)) < 0) return fail(libc, 'bind');
  if ((await libc.listen(lfd, 511)) < 0) return fail(libc, 'listen');
  const sa = libc.malloc(16), salen = libc.malloc(4);
  libc.poke_u32(salen, 16);
  libc.getsockname(lfd, sa, salen);
  libc.write(1, `listening on ${libc.ntohs_port(sa)}\n`);

  const epfd = libc.epoll_create1(libc.EPOLL_CLOEXEC) as number;
  libc.epoll_ctl_ev(epfd, libc.EPOLL_CTL_ADD, lfd, libc.EPOLLIN, lfd);
  const esz = libc.EPOLL_EVENT_SIZE, doff = esz === 12 ? 4 : 8;
  const events = libc.malloc(MAX_EVENTS * esz);
  // The ready list is read out of user memory once per epoll_wait, then decoded here.
  const evs = new Uint8Array(MAX_EVENTS * esz), evv = new DataView(evs.buffer);
  const s: Server = { libc, lfd, epfd, buf: libc.malloc(BUF), conns: new Map(), full: false };

  for (;;) {
    const n = (await libc.epoll_wait(epfd, events, MAX_EVENTS, -1)) as number;
    if (n < 0) { if (libc.errno === libc.EINTR) continue; return fail(libc, 'epoll_wait'); }
    libc.peek_into(events, evs, 0, n * esz);
    for (let i = 0; i < n; i++) serve(s, evv.getUint32(i * esz + doff, true), evv.getUint32(i * esz, true));
  }
}

/** One ready descriptor: the listener accepts, a connection echoes what it can. */
function serve(s: Server, fd: number, ev: number): void {
  const libc = s.libc;
  if (fd === s.lfd) { accept_all(s); return; }
  const c = s.conns.get(fd);
  if (!c) return;
  if (c.pending) { flush(s, fd, c); if (c.pending) return; }
  if (ev & (libc.EPOLLIN | libc.EPOLLHUP | libc.EPOLLERR)) {
    const r = libc.read(fd, s.buf, BUF) as number;
    if (r === 0 || (r < 0 && libc.errno !== libc.EAGAIN)) { close(s, fd); return; }
    if (r > 0) echo_back(s, fd, c, r);
  }
}

function accept_all(s: Server): void {
  const libc = s.libc;
  for (;;) {
    const fd = libc.accept4(s.lfd, 0, 0, libc.SOCK_NONBLOCK | libc.SOCK_CLOEXEC) as number;
    if (fd < 0) {
      if (libc.errno === libc.EMFILE || libc.errno === libc.ENFILE) {
        libc.write(2, `echo: accept4: ${libc.strerror(libc.errno)} (${s.conns.size} connections)\n`);
        s.full = true;
        libc.epoll_ctl_ev(s.epfd, libc.EPOLL_CTL_MOD, s.lfd, 0, s.lfd);
      }
      return;
    }
    s.conns.set(fd, { pending: null });
    libc.epoll_ctl_ev(s.epfd, libc.EPOLL_CTL_ADD, fd, libc.EPOLLIN | libc.EPOLLRDHUP, fd);
  }
}

/** Closes a connection; a freed fd re-arms a listener that ran out of them. */
function close(s: Server, fd: number): void {
  s.conns.delete(fd);
  s.libc.close(fd);
  if (s.full) { s.full = false; s.libc.epoll_ctl_ev(s.epfd, s.libc.EPOLL_CTL_MOD, s.lfd, s.libc.EPOLLIN, s.lfd); }
}

/** Writes what was read; keeps the unsent rest and waits for EPOLLOUT instead of EPOLLIN. */
function echo_back(s: Server, fd: number, c: Conn, len: number): void {
  const libc = s.libc;
  const w = libc.write(fd, s.buf, len) as number;
  const sent = w < 0 ? 0 : w;
  if (w < 0 && libc.errno !== libc.EAGAIN) { c.pending = null; libc.shutdown(fd, libc.SHUT_RDWR); return; }
  if (sent < len) {
    c.pending = libc.peek(s.buf + sent, len - sent);
    libc.epoll_ctl_ev(s.epfd, libc.EPOLL_CTL_MOD, fd, libc.EPOLLOUT, fd);
  }
}

function flush(s: Server, fd: number, c: Conn): void {
  const libc = s.libc, p = c.pending!;
  const w = libc.write(fd, p, p.length) as number;
  if (w < 0) { if (libc.errno !== libc.EAGAIN) { c.pending = null; close(s, fd); } return; }
  c.pending = w < p.length ? p.subarray(w) : null;
  if (!c.pending) libc.epoll_ctl_ev(s.epfd, libc.EPOLL_CTL_MOD, fd, libc.EPOLLIN | libc.EPOLLRDHUP, fd);
}

function fail(libc: Libc, what: string): number {
  libc.write(2, `echo: ${what}: errno ${libc.errno}\n`);
  return 1;
}
