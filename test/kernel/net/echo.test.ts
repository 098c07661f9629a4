import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { boot, capture_console } from '../../../tools/machine.ts';
import { spawn } from '../../../tools/machine.ts';
import { kill_task } from '../../../kernel/sched/exit.ts';
import type { Kernel } from '../../../kernel/kernel.ts';

const ECHO = new URL('../../../userland/echo/echo.ts', import.meta.url).href;

/** Boots, starts the echo server on a free port and resolves with the port it reports. */
async function start_echo(): Promise<{ k: Kernel; port: number; stop: () => void }> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const task = await spawn(k, { program: ECHO, argv: ['echo', '0'] });
  for (let i = 0; i < 500; i++) {
    const m = /listening on (\d+)/.exec(cap.output());
    if (m) return { k, port: +m[1], stop: () => kill_task(task) };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`echo did not start: ${cap.output()} ${k.log.toString?.() ?? ''}`);
}

function open(port: number): Promise<Socket> {
  return new Promise((res, rej) => { const s = connect(port, '127.0.0.1', () => res(s)); s.on('error', rej); });
}

/** Sends data and resolves with everything echoed back once its length arrived. */
function roundtrip(s: Socket, data: Buffer): Promise<Buffer> {
  return new Promise((res) => {
    const got: Buffer[] = [];
    let n = 0;
    const on = (b: Buffer): void => { got.push(b); n += b.length; if (n >= data.length) { s.off('data', on); res(Buffer.concat(got)); } };
    s.on('data', on);
    s.write(data);
  });
}

test('a real host client reaches the emulated epoll echo server: 200 concurrent connections', async (t) => {
  const { port, stop } = await start_echo();
  const socks = await Promise.all(Array.from({ length: 200 }, () => open(port)));
  const replies = await Promise.all(socks.map((s, i) => roundtrip(s, Buffer.from(`hello ${i}\n`))));
  replies.forEach((r, i) => t.is(r.toString(), `hello ${i}\n`));
  for (const s of socks) s.destroy();
  stop();
});

test('64 MiB through the echo server, checked by hash', async (t) => {
  const { port, stop } = await start_echo();
  const s = await open(port);
  const chunk = randomBytes(1 << 20);
  const total = 64 << 20;
  const sent = createHash('sha256'), recv = createHash('sha256');
  let got = 0;
  const done = new Promise<void>((res) => s.on('data', (b: Buffer) => { recv.update(b); got += b.length; if (got >= total) res(); }));
  for (let off = 0; off < total; off += chunk.length) {
    sent.update(chunk);
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  }
  await done;
  t.is(got, total);
  t.is(recv.digest('hex'), sent.digest('hex'));
  s.destroy();
  stop();
});
