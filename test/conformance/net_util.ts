/**
 * Helpers for the socket conformance groups: the same small functions on both sides, as C
 * (NET_C, a case's `c_globals`) and as a privos class (N). Only loopback and ports a case picks
 * itself (port 0 + getsockname), so cases never collide with each other or with the host.
 */
import type { Libc } from '../../libc/index.ts';
import type { P } from './p.ts';

export const NET_C = String.raw`
#include <stddef.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
static struct sockaddr_in sa_lo(int port) { struct sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); return a; }
static int bind_lo(int fd, int port) { struct sockaddr_in a = sa_lo(port); return bind(fd, (struct sockaddr *)&a, sizeof a); }
static int connect_lo(int fd, int port) { struct sockaddr_in a = sa_lo(port); return connect(fd, (struct sockaddr *)&a, sizeof a); }
static int port_of(int fd) { struct sockaddr_in a; socklen_t l = sizeof a; if (getsockname(fd, (struct sockaddr *)&a, &l)) return -1; return ntohs(a.sin_port); }
static int peer_port(int fd) { struct sockaddr_in a; socklen_t l = sizeof a; if (getpeername(fd, (struct sockaddr *)&a, &l)) return -1; return ntohs(a.sin_port); }
static int listener(void) { int s = socket(AF_INET, SOCK_STREAM, 0); bind_lo(s, 0); listen(s, 16); return s; }
static int gopt(int fd, int lv, int o) { int v = 0; socklen_t l = sizeof v; return getsockopt(fd, lv, o, &v, &l) ? -1 : v; }
static int sopt(int fd, int lv, int o, int v) { return setsockopt(fd, lv, o, &v, sizeof v); }
static int pollev(int fd, int ev, int to) { struct pollfd p = { fd, ev, 0 }; int r = poll(&p, 1, to); return r <= 0 ? r : p.revents; }
static socklen_t mk_un(struct sockaddr_un *u, const char *p) {
  memset(u, 0, sizeof *u); u->sun_family = AF_UNIX;
  if (p[0] == '@') { memcpy(u->sun_path + 1, p + 1, strlen(p) - 1); return offsetof(struct sockaddr_un, sun_path) + strlen(p); }
  strcpy(u->sun_path, p); return offsetof(struct sockaddr_un, sun_path) + strlen(p) + 1;
}
static int sun_bind(int fd, const char *p) { struct sockaddr_un u; socklen_t n = mk_un(&u, p); return bind(fd, (struct sockaddr *)&u, n); }
static int sun_connect(int fd, const char *p) { struct sockaddr_un u; socklen_t n = mk_un(&u, p); return connect(fd, (struct sockaddr *)&u, n); }
static int sun_sendto(int fd, const char *m, const char *p) { struct sockaddr_un u; socklen_t n = mk_un(&u, p); return sendto(fd, m, strlen(m), 0, (struct sockaddr *)&u, n); }
static void NAME(const char *l, int fd, int peer) {
  struct sockaddr_un u; socklen_t n = sizeof u; memset(&u, 0, sizeof u);
  int r = peer ? getpeername(fd, (struct sockaddr *)&u, &n) : getsockname(fd, (struct sockaddr *)&u, &n);
  if (r) { pr_err(l); return; }
  if (n <= 2) printf("%s: len=%d unnamed\n", l, (int)n);
  else if (u.sun_path[0]) printf("%s: len=%d path=%s\n", l, (int)n, u.sun_path);
  else printf("%s: abstract\n", l);
}
static int send_fd(int s, int fd) {
  char c = 'F'; struct iovec v = { &c, 1 }; char ctl[CMSG_SPACE(sizeof(int))]; memset(ctl, 0, sizeof ctl);
  struct msghdr m; memset(&m, 0, sizeof m); m.msg_iov = &v; m.msg_iovlen = 1; m.msg_control = ctl; m.msg_controllen = sizeof ctl;
  struct cmsghdr *h = CMSG_FIRSTHDR(&m); h->cmsg_level = SOL_SOCKET; h->cmsg_type = SCM_RIGHTS; h->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(h), &fd, sizeof fd);
  return sendmsg(s, &m, 0);
}
static int recv_fd(int s, int ctllen, int flags) {
  char c; struct iovec v = { &c, 1 }; char ctl[64]; memset(ctl, 0, sizeof ctl);
  struct msghdr m; memset(&m, 0, sizeof m); m.msg_iov = &v; m.msg_iovlen = 1; m.msg_control = ctllen ? ctl : NULL; m.msg_controllen = ctllen;
  int r = recvmsg(s, &m, flags); if (r < 0) return -1;
  printf("recvmsg: %d controllen=%d flags=%d\n", r, (int)m.msg_controllen, m.msg_flags);
  struct cmsghdr *h = m.msg_controllen ? CMSG_FIRSTHDR(&m) : NULL; if (!h) return -2;
  printf("cmsg: len=%d level=%d type=%d\n", (int)h->cmsg_len, h->cmsg_level, h->cmsg_type);
  int fd; memcpy(&fd, CMSG_DATA(h), sizeof fd); return fd;
}
static char big[300000];
`;

type Ret = number | Promise<number>;

/** The privos side of NET_C: the same helpers, same return conventions (-1 + errno). */
export class N {
  private readonly sa: number;
  private readonly len: number;
  private readonly pfd: number;
  readonly ev: number;
  constructor(readonly l: Libc, readonly p: P) {
    this.sa = l.malloc(128);
    this.len = l.malloc(8);
    this.pfd = l.malloc(8);
    this.ev = l.malloc(16 * 8);
  }

  lo(port: number): Uint8Array { return this.l.sockaddr_in('127.0.0.1', port); }
  bind_lo(fd: number, port: number): Ret { return this.l.bind(fd, this.lo(port), 16); }
  connect_lo(fd: number, port: number): Ret { return this.l.connect(fd, this.lo(port), 16); }

  private name(fd: number, peer: boolean): number {
    this.l.poke_u32(this.len, 128);
    return (peer ? this.l.getpeername(fd, this.sa, this.len) : this.l.getsockname(fd, this.sa, this.len)) as number;
  }
  port_of(fd: number): number { return this.name(fd, false) < 0 ? -1 : this.l.ntohs_port(this.sa); }
  peer_port(fd: number): number { return this.name(fd, true) < 0 ? -1 : this.l.ntohs_port(this.sa); }

  async listener(): Promise<number> {
    const s = this.l.socket(this.l.AF_INET, this.l.SOCK_STREAM, 0) as number;
    await this.bind_lo(s, 0);
    await this.l.listen(s, 16);
    return s;
  }
  gopt(fd: number, lv: number, o: number): number { return this.l.getsockopt_int(fd, lv, o) as number; }
  sopt(fd: number, lv: number, o: number, v: number): number { return this.l.setsockopt_int(fd, lv, o, v) as number; }

  async pollev(fd: number, ev: number, to: number): Promise<number> {
    this.l.poke_u32(this.pfd, fd);
    this.l.poke_u32(this.pfd + 4, ev & 0xffff);
    const r = await this.l.poll(this.pfd, 1, to);
    return r <= 0 ? r : this.l.peek_u32(this.pfd + 4) >>> 16;
  }

  un(path: string): Uint8Array { return this.l.sockaddr_un(path.startsWith('@') ? '\0' + path.slice(1) : path); }
  sun_bind(fd: number, path: string): Ret { const a = this.un(path); return this.l.bind(fd, a, a.length); }
  sun_connect(fd: number, path: string): Ret { const a = this.un(path); return this.l.connect(fd, a, a.length); }
  sun_sendto(fd: number, m: string, path: string): Ret { const a = this.un(path); return this.l.sendto(fd, m, m.length, 0, a, a.length); }

  /** NAME(label, fd, peer) */
  name_line(label: string, fd: number, peer: boolean): void {
    if (this.name(fd, peer) < 0) { this.p.err(label); return; }
    const n = this.l.peek_u32(this.len);
    const b = this.l.peek(this.sa, Math.min(n, 128));
    if (n <= 2) this.p.out(`${label}: len=${n} unnamed`);
    else if (b[2] !== 0) { let e = 2; while (e < b.length && b[e]) e++; this.p.out(`${label}: len=${n} path=${Buffer.from(b.subarray(2, e)).toString()}`); }
    else this.p.out(`${label}: abstract`);
  }

  /** A struct msghdr over the given iovecs (pointer, length), with control and name. */
  msghdr(iov: Array<[number, number]>, control = 0, controllen = 0, name = 0, namelen = 0): number {
    const l = this.l, m = l.malloc(56 + 16 * Math.max(iov.length, 1)), v = m + 56;
    iov.forEach(([b, n], i) => { l.poke_u64(v + 16 * i, b); l.poke_u64(v + 16 * i + 8, n); });
    l.poke_u64(m, name);
    l.poke_u32(m + 8, namelen);
    l.poke_u32(m + 12, 0);
    l.poke_u64(m + 16, iov.length ? v : 0);
    l.poke_u64(m + 24, iov.length);
    l.poke_u64(m + 32, control);
    l.poke_u64(m + 40, controllen);
    l.poke_u64(m + 48, 0);
    return m;
  }

  async send_fd(s: number, fd: number): Promise<number> {
    const l = this.l, c = l.malloc(1), ctl = l.malloc(24);
    l.poke_u8(c, 70);
    l.poke_u64(ctl, 20);
    l.poke_u32(ctl + 8, l.SOL_SOCKET);
    l.poke_u32(ctl + 12, l.SCM_RIGHTS);
    l.poke_u32(ctl + 16, fd);
    l.poke_u32(ctl + 20, 0);
    return l.sendmsg(s, this.msghdr([[c, 1]], ctl, 24), 0);
  }

  async recv_fd(s: number, ctllen: number, flags: number): Promise<number> {
    const l = this.l, c = l.malloc(1), ctl = l.malloc(64);
    l.poke(ctl, new Uint8Array(64));
    const m = this.msghdr([[c, 1]], ctllen ? ctl : 0, ctllen);
    const r = await l.recvmsg(s, m, flags);
    if (r < 0) return -1;
    const clen = l.peek_u64(m + 40);
    this.p.out(`recvmsg: ${r} controllen=${clen} flags=${l.peek_i32(m + 48)}`);
    if (!clen || clen < 16) return -2;
    this.p.out(`cmsg: len=${l.peek_u64(ctl)} level=${l.peek_i32(ctl + 8)} type=${l.peek_i32(ctl + 12)}`);
    return l.peek_i32(ctl + 16);
  }

  /** epoll_event i of the output array: events and data. */
  ev_events(i: number): number { return this.l.peek_u32(this.ev + i * this.l.EPOLL_EVENT_SIZE); }
  ev_data(i: number): number { const sz = this.l.EPOLL_EVENT_SIZE; return this.l.peek_u64(this.ev + i * sz + (sz === 12 ? 4 : 8)); }
}
