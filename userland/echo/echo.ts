/**
 * echo: an epoll-driven TCP echo server, the event-loop pattern the ported servers follow.
 * Usage: echo [PORT] (default 7; 0 picks a free port). Prints "listening on PORT" once ready.
 * Non-blocking sockets, level-triggered EPOLLIN; a connection whose peer reads slowly keeps its
 * unsent bytes and switches to EPOLLOUT until they are flushed, so nothing is lost.
 */
import type { Libc } from '../../libc/index.ts';

const BUF = 64 * 1024;
const MAX_EVENTS = 64;

interface Conn { pending: Uint8Array | null }

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
  const buf = libc.malloc(BUF);
  const conns = new Map<number, Conn>();
  const close = (fd: number): void => { conns.delete(fd); libc.close(fd); };

  for (;;) {
    const n = (await libc.epoll_wait(epfd, events, MAX_EVENTS, -1)) as number;
    if (n < 0) { if (libc.errno === libc.EINTR) continue; return fail(libc, 'epoll_wait'); }
    libc.peek_into(events, evs, 0, n * esz);
    for (let i = 0; i < n; i++) {
      const ev = evv.getUint32(i * esz, true), fd = evv.getUint32(i * esz + doff, true);
      if (fd === lfd) { accept_all(libc, lfd, epfd, conns); continue; }
      const c = conns.get(fd);
      if (!c) continue;
      if (c.pending) { flush(libc, epfd, fd, c) ; if (c.pending) continue; }
      if (ev & (libc.EPOLLIN | libc.EPOLLHUP | libc.EPOLLERR)) {
        const r = libc.read(fd, buf, BUF) as number;
        if (r === 0 || (r < 0 && libc.errno !== libc.EAGAIN)) { close(fd); continue; }
        if (r > 0) echo_back(libc, epfd, fd, c, buf, r);
      }
    }
  }
}

function accept_all(libc: Libc, lfd: number, epfd: number, conns: Map<number, Conn>): void {
  for (;;) {
    const fd = libc.accept4(lfd, 0, 0, libc.SOCK_NONBLOCK | libc.SOCK_CLOEXEC) as number;
    if (fd < 0) return;
    conns.set(fd, { pending: null });
    libc.epoll_ctl_ev(epfd, libc.EPOLL_CTL_ADD, fd, libc.EPOLLIN | libc.EPOLLRDHUP, fd);
  }
}

/** Writes what was read; keeps the unsent rest and waits for EPOLLOUT instead of EPOLLIN. */
function echo_back(libc: Libc, epfd: number, fd: number, c: Conn, buf: number, len: number): void {
  const w = libc.write(fd, buf, len) as number;
  const sent = w < 0 ? 0 : w;
  if (w < 0 && libc.errno !== libc.EAGAIN) { c.pending = null; libc.shutdown(fd, libc.SHUT_RDWR); return; }
  if (sent < len) {
    c.pending = libc.peek(buf + sent, len - sent);
    libc.epoll_ctl_ev(epfd, libc.EPOLL_CTL_MOD, fd, libc.EPOLLOUT, fd);
  }
}

function flush(libc: Libc, epfd: number, fd: number, c: Conn): void {
  const p = c.pending!;
  const w = libc.write(fd, p, p.length) as number;
  if (w < 0) { if (libc.errno !== libc.EAGAIN) { c.pending = null; libc.close(fd); } return; }
  c.pending = w < p.length ? p.subarray(w) : null;
  if (!c.pending) libc.epoll_ctl_ev(epfd, libc.EPOLL_CTL_MOD, fd, libc.EPOLLIN | libc.EPOLLRDHUP, fd);
}

function fail(libc: Libc, what: string): number {
  libc.write(2, `echo: ${what}: errno ${libc.errno}\n`);
  return 1;
}
