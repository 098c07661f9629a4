import test from 'ava';
import { boot, run, capture_console } from '../../../tools/machine.ts';
import type { Body } from './prog.ts';

/** Runs an inline program; it returns 0 on success or a failing step number. */
async function check(t: import('ava').ExecutionContext, body: Body): Promise<void> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const { status } = await run(k, { program: 'prog', main: body });
  t.is(status, 0, cap.output());
}

test('socketpair stream: data, EOF after data when the peer closes, then EPIPE + SIGPIPE / MSG_NOSIGNAL', (t) => check(t, async (libc) => {
  const sv = libc.malloc(8);
  if (libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM, 0, sv) !== 0) return 1;
  const a = libc.peek_u32(sv), b = libc.peek_u32(sv + 4);
  if (await libc.write(a, 'hello') !== 5) return 2;
  libc.close(a);
  const buf = new Uint8Array(16);
  if (await libc.read(b, buf, 16) !== 5 || Buffer.from(buf.subarray(0, 5)).toString() !== 'hello') return 3;
  if (await libc.read(b, buf, 16) !== 0) return 4; // EOF after the data
  if (await libc.send(b, 'x', 1, libc.MSG_NOSIGNAL) !== -1 || libc.errno !== libc.EPIPE) return 5;
  let piped = 0;
  libc.signal(libc.SIGPIPE, () => { piped++; });
  if (await libc.write(b, 'x') !== -1 || libc.errno !== libc.EPIPE || piped !== 1) return 6;
  return 0;
}));

test('flow control: a non-blocking writer gets EAGAIN when the reader is slow; nothing lost', (t) => check(t, async (libc) => {
  const sv = libc.malloc(8);
  libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM | libc.SOCK_NONBLOCK, 0, sv);
  const a = libc.peek_u32(sv), b = libc.peek_u32(sv + 4);
  const chunk = libc.malloc(4096);
  let sent = 0;
  for (let i = 0; i < 10000; i++) {
    const r = await libc.write(a, chunk, 4096);
    if (r < 0) { if (libc.errno !== libc.EAGAIN) return 1; break; }
    sent += r;
  }
  if (sent === 0 || sent > 1 << 20) return 2;
  let got = 0;
  for (;;) { const r = await libc.read(b, chunk, 4096); if (r <= 0) break; got += r; }
  if (got !== sent || libc.errno !== libc.EAGAIN) return 3;
  return 0;
}));

test('SCM_RIGHTS: the receiver gets a new fd (lowest free) for the same open file; SO_PEERCRED', (t) => check(t, async (libc) => {
  const sv = libc.malloc(8);
  libc.socketpair(libc.AF_UNIX, libc.SOCK_DGRAM, 0, sv);
  const a = libc.peek_u32(sv), b = libc.peek_u32(sv + 4);
  const fd = await libc.open('/tmp/passed', libc.O_CREAT | libc.O_RDWR, 0o600);
  await libc.write(fd, 'abc');
  // msghdr + iovec + one SCM_RIGHTS cmsg
  const m = libc.malloc(56), iov = libc.malloc(16), data = libc.malloc(8), ctl = libc.malloc(24);
  libc.poke(data, 'x');
  libc.poke_u64(iov, data); libc.poke_u64(iov + 8, 1);
  libc.poke_u64(ctl, 20); libc.poke_u32(ctl + 8, libc.SOL_SOCKET); libc.poke_u32(ctl + 12, libc.SCM_RIGHTS); libc.poke_u32(ctl + 16, fd);
  const fill = (): void => { libc.poke(m, new Uint8Array(56)); libc.poke_u64(m + 16, iov); libc.poke_u64(m + 24, 1); libc.poke_u64(m + 32, ctl); libc.poke_u64(m + 40, 24); };
  fill();
  if (await libc.sendmsg(a, m, 0) !== 1) return 1;
  libc.close(0); // fd 0 is now the lowest free
  fill(); libc.poke(ctl, new Uint8Array(24));
  if (await libc.recvmsg(b, m, 0) !== 1) return 2;
  if (libc.peek_u32(ctl + 12) !== libc.SCM_RIGHTS) return 3;
  const nfd = libc.peek_u32(ctl + 16);
  if (nfd !== 0) return 4;
  libc.lseek(nfd, 0, libc.SEEK_SET);
  const buf = new Uint8Array(3);
  if (await libc.read(nfd, buf, 3) !== 3 || Buffer.from(buf).toString() !== 'abc') return 5;
  const cred = libc.malloc(12), len = libc.malloc(4);
  libc.poke_u32(len, 12);
  if (libc.getsockopt(b, libc.SOL_SOCKET, libc.SO_PEERCRED, cred, len) !== 0) return 6;
  if (libc.peek_u32(cred) !== libc.getpid()) return 7;
  return 0;
}));

test('AF_UNIX stream bound to a path: listen/accept/connect, errors as Linux gives them', (t) => check(t, async (libc) => {
  const s = libc.socket(libc.AF_UNIX, libc.SOCK_STREAM, 0) as number;
  const addr = libc.sockaddr_un('/tmp/sock');
  if (await libc.bind(s, addr, addr.length) !== 0) return 1;
  const s2 = libc.socket(libc.AF_UNIX, libc.SOCK_STREAM, 0) as number;
  if (await libc.bind(s2, addr, addr.length) !== -1 || libc.errno !== libc.EADDRINUSE) return 2;
  if (await libc.connect(s2, addr, addr.length) !== -1 || libc.errno !== libc.ECONNREFUSED) return 3; // not listening
  if (libc.listen(s, 5) !== 0) return 4;
  if (await libc.connect(s2, addr, addr.length) !== 0) return 5;
  if (await libc.connect(s2, addr, addr.length) !== -1 || libc.errno !== libc.EISCONN) return 6;
  const c = await libc.accept(s);
  if (c < 0) return 7;
  await libc.write(s2, 'ping');
  const buf = new Uint8Array(4);
  if (await libc.read(c, buf, 4) !== 4) return 8;
  if (libc.socket(99, libc.SOCK_STREAM, 0) !== -1 || libc.errno !== libc.EAFNOSUPPORT) return 9;
  if (libc.socket(libc.AF_UNIX, libc.SOCK_STREAM, 6) !== -1 || libc.errno !== libc.EPROTONOSUPPORT) return 10;
  if (await libc.bind(1, addr, addr.length) !== -1 || libc.errno !== libc.ENOTSOCK) return 11;
  const u = libc.socket(libc.AF_UNIX, libc.SOCK_STREAM, 0) as number;
  if (await libc.send(u, 'x', 1, libc.MSG_NOSIGNAL) !== -1 || libc.errno !== libc.ENOTCONN) return 12;
  return 0;
}));
