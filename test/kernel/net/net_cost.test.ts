/**
 * The network path's modeled costs (docs/cost-model.md, "The network path"): a TCP send charges
 * tcp_sendmsg once per call that sends, a receive tcp_recvmsg once per call that returns data,
 * epoll_wait ep_poll per scan of a non-empty ready list and ep_item_poll per item it re-polls.
 * Calls that move nothing (EAGAIN, a zero-length write) charge none of them.
 */
import test from 'ava';
import { createServer } from 'node:net';
import { boot, run, capture_console } from '../../../tools/machine.ts';
import { C } from '../../../kernel/time/cost.ts';
import { PROFILES } from '../../../tools/profiles.ts';
import type { Body } from './prog.ts';

test('TCP send/recv and epoll_wait charge the calibrated network-path constants, once per call that moves data', async (t) => {
  const srv = createServer((s) => s.on('data', (d) => s.write(d))); // echo
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const cap = capture_console();
  const k = boot({ console: cap.console, profile: PROFILES['skylake-pti'] });
  const keys = { send: C.tcp_sendmsg, recv: C.tcp_recvmsg, ep: C.ep_poll, item: C.ep_item_poll } as const;
  const cost = PROFILES['skylake-pti'].cost;
  // Charges since the last call, in passes of each constant.
  let last = k.cpu.breakdown;
  const delta = (): Record<keyof typeof keys, number> => {
    const now = k.cpu.breakdown;
    const d = {
      send: (now[keys.send] - last[keys.send]) / cost.tcp_sendmsg,
      recv: (now[keys.recv] - last[keys.recv]) / cost.tcp_recvmsg,
      ep: (now[keys.ep] - last[keys.ep]) / cost.ep_poll,
      item: (now[keys.item] - last[keys.item]) / cost.ep_item_poll,
    };
    last = now;
    return d;
  };
  const seen: Record<string, Record<string, number>> = {};
  const main: Body = async (libc) => {
    const fd = libc.socket(libc.AF_INET, libc.SOCK_STREAM, 0) as number;
    if (await libc.connect(fd, libc.sockaddr_in('127.0.0.1', port), 16) !== 0) return 1;
    const ep = libc.epoll_create1(0) as number;
    libc.epoll_ctl_ev(ep, libc.EPOLL_CTL_ADD, fd, libc.EPOLLIN, fd);
    const evs = libc.malloc(12 * 4), buf = new Uint8Array(16);
    delta();
    if (libc.recv(fd, buf, 16, libc.MSG_DONTWAIT) !== -1 || libc.errno !== libc.EAGAIN) return 2;
    seen.eagain = delta();
    if (await libc.write(fd, '') !== 0) return 3;
    seen.empty_write = delta();
    if (await libc.write(fd, 'ping') !== 4) return 4;
    seen.write = delta();
    if (await libc.epoll_wait(ep, evs, 4, 5000) !== 1) return 5;
    seen.epoll = delta();
    if (await libc.read(fd, buf, 16) !== 4) return 6;
    seen.read = delta();
    return 0;
  };
  const { status } = await run(k, { program: 'prog', argv: ['prog'], main });
  srv.close();
  t.is(status, 0, cap.output());
  t.deepEqual(seen.eagain, { send: 0, recv: 0, ep: 0, item: 0 }, 'EAGAIN moves nothing');
  t.deepEqual(seen.empty_write, { send: 0, recv: 0, ep: 0, item: 0 }, 'a zero-length write sends nothing');
  t.deepEqual(seen.write, { send: 1, recv: 0, ep: 0, item: 0 });
  t.deepEqual(seen.epoll, { send: 0, recv: 0, ep: 1, item: 1 }, 'one scan, one ready item');
  t.deepEqual(seen.read, { send: 0, recv: 1, ep: 0, item: 0 });
});
