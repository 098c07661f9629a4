import test from 'ava';
import { createSocket, type Socket as Dgram } from 'node:dgram';
import { boot, run, capture_console } from '../../../tools/machine.ts';
import { net_publish } from '../../../kernel/net/net_syscalls.ts';
import type { Kernel } from '../../../kernel/kernel.ts';
import type { Body } from './prog.ts';

async function check(t: import('ava').ExecutionContext, body: Body, argv: string[] = [], setup?: (k: Kernel) => void): Promise<void> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  setup?.(k);
  const { status } = await run(k, { program: 'prog', main: body, argv: ['prog', ...argv] });
  t.is(status, 0, cap.output());
}

async function host_udp(): Promise<Dgram> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}

/** A port free on the host right now (bound then released). */
async function free_port(): Promise<number> {
  const s = await host_udp();
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

test('UDP: an emulated client talks to a host node:dgram server; the reply comes from the server port', async (t) => {
  const srv = await host_udp();
  const seen: string[] = [];
  srv.on('message', (m, r) => { seen.push(m.toString()); srv.send(Buffer.from('echo:' + m.toString()), r.port, r.address); });
  await check(t, async (libc, argv) => {
    const port = +argv[1];
    const fd = libc.socket(libc.AF_INET, libc.SOCK_DGRAM, 0) as number;
    if (await libc.sendto(fd, 'one', 3, 0, libc.sockaddr_in('127.0.0.1', port), 16) !== 3) return 1;
    if (await libc.sendto(fd, 'two!', 4, 0, libc.sockaddr_in('127.0.0.1', port), 16) !== 4) return 2;
    const buf = libc.malloc(64), sa = libc.malloc(16), len = libc.malloc(4);
    for (const want of ['echo:one', 'echo:two!']) {
      libc.poke_u32(len, 16);
      const n = await libc.recvfrom(fd, buf, 64, 0, sa, len); // blocks until the host answers
      if (n !== want.length || Buffer.from(libc.peek(buf, n)).toString() !== want) return 3;
      if (libc.ntohs_port(sa) !== port || libc.peek_u8(sa + 4) !== 127) return 4;
    }
    return 0;
  }, [String(srv.address().port)]);
  t.deepEqual(seen, ['one', 'two!']);
  srv.close();
});

test('UDP: a host client reaches an emulated server bound to port 0, and a published port', async (t) => {
  const cli = await host_udp();
  const guest_port = await free_port(), host_port = await free_port();
  const got: string[] = [];
  cli.on('message', (m, r) => {
    const s = m.toString();
    got.push(s);
    if (s.startsWith('port:')) cli.send('ping', +s.slice(5), '127.0.0.1'); // to the port getsockname reported
    if (s === 'ready') cli.send('via-publish', host_port, '127.0.0.1');
    void r;
  });
  await check(t, async (libc, argv) => {
    const cport = +argv[1], gport = +argv[2];
    const fd = libc.socket(libc.AF_INET, libc.SOCK_DGRAM, 0) as number;
    if (await libc.bind(fd, libc.sockaddr_in('127.0.0.1', 0), 16) !== 0) return 1;
    const sa = libc.malloc(16), len = libc.malloc(4), buf = libc.malloc(64);
    libc.poke_u32(len, 16); libc.getsockname(fd, sa, len);
    const me = libc.ntohs_port(sa);
    if (!me) return 2;
    await libc.sendto(fd, `port:${me}`, `port:${me}`.length, 0, libc.sockaddr_in('127.0.0.1', cport), 16);
    libc.poke_u32(len, 16);
    const n = await libc.recvfrom(fd, buf, 64, 0, sa, len);
    if (Buffer.from(libc.peek(buf, n)).toString() !== 'ping' || libc.ntohs_port(sa) !== cport) return 3;
    // A guest port published on another host port: the host reaches it there.
    const pub = libc.socket(libc.AF_INET, libc.SOCK_DGRAM, 0) as number;
    if (await libc.bind(pub, libc.sockaddr_in('0.0.0.0', gport), 16) !== 0) return 4;
    libc.poke_u32(len, 16); libc.getsockname(pub, sa, len);
    if (libc.ntohs_port(sa) !== gport) return 5;
    await libc.sendto(pub, 'ready', 5, 0, libc.sockaddr_in('127.0.0.1', cport), 16);
    const m = await libc.recv(pub, buf, 64, 0);
    if (Buffer.from(libc.peek(buf, m)).toString() !== 'via-publish') return 6;
    return 0;
  }, [String(cli.address().port), String(guest_port)], (k) => net_publish(k, host_port, guest_port));
  t.true(got[0].startsWith('port:'));
  t.is(got[1], 'ready');
  cli.close();
});

test('UDP errors: ENETUNREACH (nothing leaves loopback), EDESTADDRREQ, EMSGSIZE, EADDRINUSE on a host-held port, EPROTONOSUPPORT', async (t) => {
  const busy = await host_udp();
  await check(t, async (libc, argv) => {
    const fd = libc.socket(libc.AF_INET, libc.SOCK_DGRAM, 0) as number;
    if (await libc.sendto(fd, 'x', 1, 0, libc.sockaddr_in('10.1.2.3', 53), 16) !== -1 || libc.errno !== libc.ENETUNREACH) return 1;
    if (await libc.connect(fd, libc.sockaddr_in('8.8.8.8', 53), 16) !== -1 || libc.errno !== libc.ENETUNREACH) return 2;
    if (await libc.send(fd, 'x', 1, 0) !== -1 || libc.errno !== libc.EDESTADDRREQ) return 3;
    const big = libc.malloc(70000);
    if (await libc.sendto(fd, big, 65508, 0, libc.sockaddr_in('127.0.0.1', 9), 16) !== -1 || libc.errno !== libc.EMSGSIZE) return 4;
    const b = libc.socket(libc.AF_INET, libc.SOCK_DGRAM, 0) as number;
    if (await libc.bind(b, libc.sockaddr_in('127.0.0.1', +argv[1]), 16) !== -1 || libc.errno !== libc.EADDRINUSE) return 5;
    if (libc.socket(libc.AF_INET, libc.SOCK_DGRAM, libc.IPPROTO_TCP) !== -1 || libc.errno !== libc.EPROTONOSUPPORT) return 6;
    if (libc.socket(libc.AF_INET6, libc.SOCK_DGRAM, libc.IPPROTO_UDP) as number < 0) return 7;
    return 0;
  }, [String(busy.address().port)]);
  busy.close();
});

test('UDP: SO_RCVBUF bounds the queue of host datagrams (the excess is dropped, the rest delivered whole)', async (t) => {
  const cli = await host_udp();
  cli.on('message', (m, r) => {
    if (m.toString() !== 'go') return;
    for (let i = 0; i < 200; i++) cli.send(Buffer.alloc(1000, i & 0xff), r.port, r.address);
    cli.send('end', r.port, r.address);
  });
  await check(t, async (libc, argv) => {
    const fd = libc.socket(libc.AF_INET, libc.SOCK_DGRAM, 0) as number;
    if (libc.setsockopt_int(fd, libc.SOL_SOCKET, libc.SO_RCVBUF, 8192) !== 0) return 1;
    await libc.bind(fd, libc.sockaddr_in('127.0.0.1', 0), 16);
    await libc.sendto(fd, 'go', 2, 0, libc.sockaddr_in('127.0.0.1', +argv[1]), 16);
    await libc.usleep(300000); // the host floods a socket nobody reads
    const buf = libc.malloc(2048);
    let got = 0;
    for (;;) {
      const n = await libc.recv(fd, buf, 2048, libc.MSG_DONTWAIT);
      if (n < 0) break;
      if (n !== 1000) return 2;
      got++;
    }
    if (libc.errno !== libc.EAGAIN) return 3;
    if (got === 0 || got >= 200) return 4;
    return 0;
  }, [String(cli.address().port)]);
  cli.close();
});

test('UDP: connect() to port 0 succeeds and write() sends, as on Linux (the fuzzer found it throwing in the host send)', async (t) => {
  let k: Kernel | null = null;
  await check(t, async (libc) => {
    const fd = libc.socket(libc.AF_INET, libc.SOCK_DGRAM, 0) as number;
    if ((await libc.connect(fd, libc.sockaddr_in('127.0.0.1', 0), 16)) !== 0) return 1;
    if ((await libc.write(fd, 'x', 1)) !== 1) return 2;
    // sendto with port 0 is EINVAL (udp_sendmsg's dport check)
    if ((await libc.sendto(fd, 'x', 1, 0, libc.sockaddr_in('127.0.0.1', 0), 16)) !== -1 || libc.errno !== libc.EINVAL) return 3;
    return 0;
  }, [], (kk) => { k = kk; });
  t.notRegex((k as Kernel | null)?.log.text() ?? '', /BUG:/);
});
