import test from 'ava';
import { createServer } from 'node:net';
import { boot, run, capture_console } from '../../../tools/machine.ts';
import type { Body } from './prog.ts';

async function check(t: import('ava').ExecutionContext, body: Body, argv: string[] = []): Promise<void> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const { status } = await run(k, { program: 'prog', main: body, argv: ['prog', ...argv] });
  t.is(status, 0, cap.output());
}

test('a client inside privos talks to a host server; EOF when the host closes', async (t) => {
  const srv = createServer((s) => s.on('data', (d) => s.end(Buffer.from('host:' + d.toString()))));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await check(t, async (libc, argv) => {
    const fd = libc.socket(libc.AF_INET, libc.SOCK_STREAM, 0) as number;
    if (await libc.connect(fd, libc.sockaddr_in('127.0.0.1', +argv[1]), 16) !== 0) return 1;
    await libc.write(fd, 'hi');
    const buf = new Uint8Array(32);
    const n = await libc.recv(fd, buf, 32, libc.MSG_WAITALL);
    if (Buffer.from(buf.subarray(0, n)).toString() !== 'host:hi') return 2;
    if (await libc.read(fd, buf, 32) !== 0) return 3;
    return 0;
  }, [String(port)]);
  srv.close();
});

test('TCP errors: ECONNREFUSED, EINPROGRESS then SO_ERROR, EADDRINUSE, ENETUNREACH, port 0 reported by getsockname', async (t) => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const dead = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await check(t, async (libc, argv) => {
    const port = +argv[1];
    const a = libc.socket(libc.AF_INET, libc.SOCK_STREAM, 0) as number;
    if (await libc.connect(a, libc.sockaddr_in('127.0.0.1', port), 16) !== -1 || libc.errno !== libc.ECONNREFUSED) return 1;
    const b = libc.socket(libc.AF_INET, libc.SOCK_STREAM | libc.SOCK_NONBLOCK, 0) as number;
    if (await libc.connect(b, libc.sockaddr_in('127.0.0.1', port), 16) !== -1 || libc.errno !== libc.EINPROGRESS) return 2;
    const pfd = libc.malloc(8);
    libc.poke_u32(pfd, b); libc.poke_u32(pfd + 4, libc.POLLOUT);
    if (await libc.poll(pfd, 1, 5000) !== 1) return 3;
    if (libc.getsockopt_int(b, libc.SOL_SOCKET, libc.SO_ERROR) !== libc.ECONNREFUSED) return 4;
    if (libc.getsockopt_int(b, libc.SOL_SOCKET, libc.SO_ERROR) !== 0) return 5;
    const l = libc.socket(libc.AF_INET, libc.SOCK_STREAM, 0) as number;
    if (await libc.bind(l, libc.sockaddr_in('127.0.0.1', 0), 16) !== 0) return 6;
    const sa = libc.malloc(16), len = libc.malloc(4);
    libc.poke_u32(len, 16);
    libc.getsockname(l, sa, len);
    const lport = libc.ntohs_port(sa);
    if (lport === 0) return 7;
    const l2 = libc.socket(libc.AF_INET, libc.SOCK_STREAM, 0) as number;
    if (await libc.bind(l2, libc.sockaddr_in('127.0.0.1', lport), 16) !== -1 || libc.errno !== libc.EADDRINUSE) return 8;
    if (await libc.listen(l, 1) !== 0) return 9;
    if (await libc.listen(l, 1) !== 0) return 10; // listen again only updates the backlog
    const c = libc.socket(libc.AF_INET, libc.SOCK_STREAM, 0) as number;
    if (await libc.connect(c, libc.sockaddr_in('10.1.2.3', 80), 16) !== -1 || libc.errno !== libc.ENETUNREACH) return 11;
    if (await libc.connect(c, libc.sockaddr_in('127.0.0.1', lport), 16) !== 0) return 12;
    const s = await libc.accept(l);
    if (s < 0) return 13;
    if (await libc.listen(s, 1) !== -1 || libc.errno !== libc.EINVAL) return 14;
    if (libc.socket(libc.AF_INET, libc.SOCK_STREAM, libc.IPPROTO_UDP) !== -1 || libc.errno !== libc.EPROTONOSUPPORT) return 15;
    return 0;
  }, [String(dead)]);
});
