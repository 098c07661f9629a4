/**
 * Conformance: readv/writev on sockets (one recvmsg/sendmsg over the whole vector) and
 * sendfile(2) to sockets — AF_UNIX stream pairs and loopback TCP: counts, the
 * offset pointer against the file position, EOF, the errnos of bad descriptors, a non-blocking
 * full socket (EAGAIN, then partial progress) and a closed peer (EPIPE with SIGPIPE).
 * Partial counts depend on buffer accounting, so those cases print whether progress was
 * partial, not how much.
 */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase } from './harness.ts';
import { N, NET_C } from './net_util.ts';

const c_globals = NET_C + String.raw`
#include <sys/sendfile.h>
static int mkdata(long extra) { int f = open("data", O_RDWR|O_CREAT|O_TRUNC, 0644); write(f, "hello world", 11); if (extra) write(f, big, extra); lseek(f, 0, SEEK_SET); return f; }
static off_t sfo_;
static off_t *sat(long v) { sfo_ = v; return &sfo_; }
static volatile int sig_;
static void on_sig(int s) { sig_ = s; }
`;

/** The C side's mkdata: "hello world" then `extra` bytes of the 300000-byte buffer. */
async function mkdata(l: Libc, extra: number, big: number): Promise<number> {
  const f = await l.open('data', l.O_RDWR | l.O_CREAT | l.O_TRUNC, 0o644) as number;
  await l.write(f, 'hello world');
  if (extra) await l.write(f, big, extra);
  await l.lseek(f, 0, l.SEEK_SET);
  return f;
}
/** A socketpair of the given type: [a, b]. */
async function pair(l: Libc, type: number): Promise<[number, number]> {
  const b = l.malloc(8); await l.socketpair(l.AF_UNIX, type, 0, b); return [l.peek_i32(b), l.peek_i32(b + 4)];
}
/** An off_t holding v (the C side's sat(v)). */
function sat(l: Libc, v: number): number { const b = l.malloc(8); l.poke_u64(b, v); return b; }

/** A struct iovec[] of (user address, length) pairs. */
function iovec(l: Libc, segs: [number, number][]): number {
  const v = l.malloc(16 * segs.length);
  segs.forEach(([b, n], i) => { l.poke_u64(v + 16 * i, b); l.poke_u64(v + 16 * i + 8, n); });
  return v;
}

const cases: ConfCase[] = [
  {
    // A blocking readv returns what the socket holds even when it only fills the first segment.
    name: 'readv_writev_one_transfer', c_globals,
    c: `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); char a[5], b[5], c[3]; struct iovec w[3] = { { "hel", 3 }, { "lo", 2 }, { "", 0 } };
        R("writev", writev(sv[0], w, 3)); struct iovec r[2] = { { a, 5 }, { b, 5 } }; R("readv_fills_first", readv(sv[1], r, 2)); printf("a=%.5s\\n", a);
        write(sv[0], "0123456789ab", 12); struct iovec r3[3] = { { a, 5 }, { b, 5 }, { c, 3 } }; R("readv_spans", readv(sv[1], r3, 3)); printf("%.5s|%.5s|%.2s\\n", a, b, c);
        struct iovec z[2] = { { a, 0 }, { b, 0 } }; R("readv_empty", readv(sv[1], z, 2)); R("writev_empty", writev(sv[0], z, 2));
        int l = listener(); int t = socket(AF_INET, SOCK_STREAM, 0); connect_lo(t, port_of(l)); int ac = accept(l, 0, 0);
        struct iovec hw[2] = { { "HTTP/1.1 200 OK\\r\\n\\r\\n", 19 }, { "body", 4 } }; R("tcp_writev", writev(ac, hw, 2)); RD("tcp_got", recv(t, buf, 23, MSG_WAITALL), buf);
        struct iovec tr[2] = { { a, 2 }, { b, 5 } }; write(ac, "xyz", 3); R("tcp_readv", readv(t, tr, 2)); printf("%.2s|%.1s\\n", a, b);`,
    run: async (p, l) => {
      const [s0, s1] = await pair(l, l.SOCK_STREAM); const m = l.malloc(64); l.poke(m, new TextEncoder().encode('hello'));
      const a = l.malloc(5), b = l.malloc(5), c = l.malloc(3); const txt = (x: number, n: number): string => String.fromCharCode(...l.peek(x, n));
      await p.r('writev', l.writev(s0, iovec(l, [[m, 3], [m + 3, 2], [m, 0]]), 3)); await p.r('readv_fills_first', l.readv(s1, iovec(l, [[a, 5], [b, 5]]), 2)); p.out(`a=${txt(a, 5)}`);
      await l.write(s0, '0123456789ab'); await p.r('readv_spans', l.readv(s1, iovec(l, [[a, 5], [b, 5], [c, 3]]), 3)); p.out(`${txt(a, 5)}|${txt(b, 5)}|${txt(c, 2)}`);
      const z = iovec(l, [[a, 0], [b, 0]]); await p.r('readv_empty', l.readv(s1, z, 2)); await p.r('writev_empty', l.writev(s0, z, 2));
      const n = new N(l, p); const ls = await n.listener(); const t = l.socket(l.AF_INET, l.SOCK_STREAM, 0) as number; await n.connect_lo(t, n.port_of(ls)); const ac = await l.accept(ls) as number;
      const h = l.malloc(32); l.poke(h, new TextEncoder().encode('HTTP/1.1 200 OK\r\n\r\nbody'));
      await p.r('tcp_writev', l.writev(ac, iovec(l, [[h, 19], [h + 19, 4]]), 2)); await p.rd('tcp_got', l.recv(t, p.buf, 23, l.MSG_WAITALL));
      await l.write(ac, 'xyz'); await n.pollev(t, l.POLLIN, 1000); await p.r('tcp_readv', l.readv(t, iovec(l, [[a, 2], [b, 5]]), 2)); p.out(`${txt(a, 2)}|${txt(b, 1)}`);
    },
  },
  {
    name: 'sendfile_unix_basics', c_globals,
    c: `int f = mkdata(0); int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        R("sf", sendfile(sv[0], f, 0, 5)); R("pos", lseek(f, 0, SEEK_CUR)); RD("got", read(sv[1], buf, 64), buf);
        R("sf_off", sendfile(sv[0], f, sat(6), 100)); R("off_now", sfo_); R("pos_kept", lseek(f, 0, SEEK_CUR)); RD("got2", read(sv[1], buf, 64), buf);
        R("count0", sendfile(sv[0], f, 0, 0)); R("past_eof", sendfile(sv[0], f, sat(1000), 5)); R("off_past", sfo_); R("at_eof_pos", sendfile(sv[0], f, sat(11), 5));
        R("rest", sendfile(sv[0], f, 0, 100)); R("pos_end", lseek(f, 0, SEEK_CUR)); RD("got3", read(sv[1], buf, 64), buf);`,
    run: async (p, l) => {
      const f = await mkdata(l, 0, 0); const [a, b] = await pair(l, l.SOCK_STREAM);
      await p.r('sf', l.sendfile(a, f, 0, 5)); await p.r('pos', l.lseek(f, 0, l.SEEK_CUR)); await p.rd('got', l.read(b, p.buf, 64));
      const o = sat(l, 6); await p.r('sf_off', l.sendfile(a, f, o, 100)); await p.r('off_now', l.peek_u64(o)); await p.r('pos_kept', l.lseek(f, 0, l.SEEK_CUR)); await p.rd('got2', l.read(b, p.buf, 64));
      await p.r('count0', l.sendfile(a, f, 0, 0)); const o2 = sat(l, 1000); await p.r('past_eof', l.sendfile(a, f, o2, 5)); await p.r('off_past', l.peek_u64(o2)); await p.r('at_eof_pos', l.sendfile(a, f, sat(l, 11), 5));
      await p.r('rest', l.sendfile(a, f, 0, 100)); await p.r('pos_end', l.lseek(f, 0, l.SEEK_CUR)); await p.rd('got3', l.read(b, p.buf, 64));
    },
  },
  {
    name: 'sendfile_socket_errnos', c_globals,
    c: `int f = mkdata(0); int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        R("bad_out", sendfile(99, f, 0, 5)); R("bad_in", sendfile(sv[0], 99, 0, 5)); R("in_is_socket", sendfile(sv[0], sv[1], 0, 5));
        int ro = open("data", O_RDONLY); R("out_rdonly_file", sendfile(ro, f, 0, 5)); R("neg_offset", sendfile(sv[0], f, sat(-1), 5));
        R("efault_offset", sendfile(sv[0], f, (off_t *)8, 5)); int wo = open("data", O_WRONLY); R("in_wronly", sendfile(sv[0], wo, 0, 5));
        int d = socket(AF_UNIX, SOCK_DGRAM, 0); signal(SIGPIPE, SIG_IGN); R("unconnected_dgram", sendfile(d, f, 0, 5));
        int t = socket(AF_INET, SOCK_STREAM, 0); R("unconnected_tcp", sendfile(t, f, 0, 5));`,
    run: async (p, l) => {
      const f = await mkdata(l, 0, 0); const [a, b] = await pair(l, l.SOCK_STREAM);
      await p.r('bad_out', l.sendfile(99, f, 0, 5)); await p.r('bad_in', l.sendfile(a, 99, 0, 5)); await p.r('in_is_socket', l.sendfile(a, b, 0, 5));
      const ro = await l.open('data', l.O_RDONLY) as number; await p.r('out_rdonly_file', l.sendfile(ro, f, 0, 5)); await p.r('neg_offset', l.sendfile(a, f, sat(l, -1), 5));
      await p.r('efault_offset', l.sendfile(a, f, 8, 5)); const wo = await l.open('data', l.O_WRONLY) as number; await p.r('in_wronly', l.sendfile(a, wo, 0, 5));
      const d = l.socket(l.AF_UNIX, l.SOCK_DGRAM, 0) as number; await l.signal(l.SIGPIPE, l.SIG_IGN); await p.r('unconnected_dgram', l.sendfile(d, f, 0, 5));
      const t = l.socket(l.AF_INET, l.SOCK_STREAM, 0) as number; await p.r('unconnected_tcp', l.sendfile(t, f, 0, 5));
    },
  },
  {
    name: 'sendfile_nonblock_full', c_globals,
    c: `int f = mkdata(200000); int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); fcntl(sv[0], F_SETFL, O_NONBLOCK);
        while (write(sv[0], big, sizeof big) > 0) ; R("full", sendfile(sv[0], f, sat(0), 100)); R("off_unmoved", sfo_);
        while (recv(sv[1], big, sizeof big, MSG_DONTWAIT) > 0) ; long r = sendfile(sv[0], f, sat(0), 200011); R("progress", r > 0); R("off_is_count", sfo_ == r);
        long more = sendfile(sv[0], f, sat(0), 200011); R("partial_or_again", (more > 0 && more < 200011) || (more < 0 && errno == EAGAIN));`,
    run: async (p, l) => {
      const big = l.malloc(300000); const f = await mkdata(l, 200000, big); const [a, b] = await pair(l, l.SOCK_STREAM); await l.fcntl(a, l.F_SETFL, l.O_NONBLOCK);
      while ((await l.write(a, big, 300000)) > 0) { /* fill */ } const o = sat(l, 0); await p.r('full', l.sendfile(a, f, o, 100)); await p.r('off_unmoved', l.peek_u64(o));
      while ((await l.recv(b, big, 300000, l.MSG_DONTWAIT)) > 0) { /* drain */ } const o2 = sat(l, 0); const r = await l.sendfile(a, f, o2, 200011); await p.r('progress', +(r > 0)); await p.r('off_is_count', +(l.peek_u64(o2) === r));
      const more = await l.sendfile(a, f, sat(l, 0), 200011); await p.r('partial_or_again', +((more > 0 && more < 200011) || (more < 0 && l.errno === l.EAGAIN)));
    },
  },
  {
    name: 'sendfile_closed_peer', c_globals,
    c: `int f = mkdata(0); int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); signal(SIGPIPE, on_sig); close(sv[1]);
        R("epipe", sendfile(sv[0], f, sat(0), 5)); R("sigpipe", sig_); R("off_unmoved", sfo_);`,
    run: async (p, l) => {
      let sig = 0;
      const f = await mkdata(l, 0, 0); const [a, b] = await pair(l, l.SOCK_STREAM); await l.sigaction(l.SIGPIPE, { handler: (s: number) => { sig = s; } }); await l.close(b);
      const o = sat(l, 0); await p.r('epipe', l.sendfile(a, f, o, 5)); await p.r('sigpipe', sig); await p.r('off_unmoved', l.peek_u64(o));
    },
  },
  {
    name: 'sendfile_tcp', c_globals,
    c: `int f = mkdata(200000); int l = listener(); int c = socket(AF_INET, SOCK_STREAM, 0); connect_lo(c, port_of(l)); int a = accept(l, 0, 0);
        R("sf", sendfile(a, f, sat(0), 11)); R("off_now", sfo_); RD("got", recv(c, buf, 11, MSG_WAITALL), buf);
        fcntl(a, F_SETFL, O_NONBLOCK); long total = 0, r; off_t o = 0;
        for (int i = 0; i < 1000 && total < 200011; i++) { r = sendfile(a, f, &o, 200011 - total); if (r > 0) total += r; else pollev(a, POLLOUT, 1000); while (recv(c, big, sizeof big, MSG_DONTWAIT) > 0) ; }
        R("all_sent", total); R("offset", o); close(c); usleep(100000); signal(SIGPIPE, SIG_IGN);
        r = sendfile(a, f, sat(0), 11); if (r > 0) { usleep(100000); r = sendfile(a, f, sat(0), 11); } int e_ = errno; R("after_peer_close", (errno = e_, r));`,
    run: async (p, l) => {
      const n = new N(l, p); const big = l.malloc(300000);
      const f = await mkdata(l, 200000, big); const ls = await n.listener(); const c = l.socket(l.AF_INET, l.SOCK_STREAM, 0) as number; await n.connect_lo(c, n.port_of(ls)); const a = await l.accept(ls) as number;
      const o0 = sat(l, 0); await p.r('sf', l.sendfile(a, f, o0, 11)); await p.r('off_now', l.peek_u64(o0)); await p.rd('got', l.recv(c, p.buf, 11, l.MSG_WAITALL));
      await l.fcntl(a, l.F_SETFL, l.O_NONBLOCK); let total = 0; const o = sat(l, 0);
      for (let i = 0; i < 1000 && total < 200011; i++) {
        const r = await l.sendfile(a, f, o, 200011 - total); if (r > 0) total += r; else await n.pollev(a, l.POLLOUT, 1000);
        while ((await l.recv(c, big, 300000, l.MSG_DONTWAIT)) > 0) { /* drain */ }
      }
      await p.r('all_sent', total); await p.r('offset', l.peek_u64(o)); await l.close(c); await l.usleep(100000); await l.signal(l.SIGPIPE, l.SIG_IGN);
      let r = await l.sendfile(a, f, sat(l, 0), 11); if (r > 0) { await l.usleep(100000); r = await l.sendfile(a, f, sat(l, 0), 11); } await p.r('after_peer_close', r);
    },
  },
];

conformance(test, 'net_sendfile', cases);
