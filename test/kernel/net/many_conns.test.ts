/**
 * Issue 12 item 5: the epoll echo server holds thousands of connections once RLIMIT_NOFILE is
 * raised the way a user raises it (prlimit --nofile=N COMMAND: setrlimit, then exec), and at the
 * default limit (1024) accept4 fails with EMFILE while the server keeps running: the connections
 * it could not take stay queued (accept reserves the fd before it dequeues, as Linux's
 * __sys_accept4_file) and are served once fds free up. No client sees a reset.
 */
import test from 'ava';
import { connect, type Socket } from 'node:net';
import { boot, capture_console, spawn } from '../../../tools/machine.ts';
import { kill_task } from '../../../kernel/sched/exit.ts';

/** Boots and runs argv (a guest program) until the echo server reports its port. */
async function start(argv: string[]): Promise<{ port: number; output: () => string; stop: () => void }> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const task = await spawn(k, { program: argv[0], argv });
  for (let i = 0; i < 1000; i++) {
    const m = /listening on (\d+)/.exec(cap.output());
    if (m) return { port: +m[1], output: cap.output, stop: () => kill_task(task) };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`echo-server did not start: ${cap.output()}`);
}

/** A client connection that sends its greeting and counts the reply; errors (a reset) are kept. */
interface Client { s: Socket; greeting: string; got: string; answered: Promise<void>; error: Error | null }

function client(port: number, i: number): Client {
  const s = connect(port, '127.0.0.1');
  const c: Client = { s, greeting: `hello ${i}\n`, got: '', answered: Promise.resolve(), error: null };
  c.answered = new Promise((res) => {
    s.on('data', (b) => { c.got += b.toString(); if (c.got.length >= c.greeting.length) res(); });
  });
  s.on('error', (e) => { c.error = e; });
  s.write(c.greeting);
  return c;
}

/**
 * n clients, opened in waves of 250 whose greetings are answered before the next wave starts
 * (all stay open): thousands of simultaneous SYNs would overflow the listen backlogs and wait
 * for the clients' retransmissions, which is slow, not wrong.
 */
async function clients(port: number, n: number, from = 0): Promise<Client[]> {
  const cs: Client[] = [];
  for (let i = from; i < from + n; i += 250) {
    const wave = Array.from({ length: Math.min(250, from + n - i) }, (_, j) => client(port, i + j));
    await Promise.all(wave.map((c) => c.answered));
    cs.push(...wave);
  }
  return cs;
}

test('2,000 connections with NOFILE raised by prlimit: every one answered, no resets', async (t) => {
  t.timeout(180_000); // thousands of host connections: slow on a loaded machine, never a timing check
  const srv = await start(['/usr/bin/prlimit', '--nofile=4096', '/bin/echo-server', '0']);
  const cs = await clients(srv.port, 2000);
  t.deepEqual(cs.filter((c) => c.got !== c.greeting).map((c) => c.greeting), []);
  t.deepEqual(cs.filter((c) => c.error).map((c) => c.error!.message), []);
  t.notRegex(srv.output(), /accept4/);
  for (const c of cs) c.s.destroy();
  srv.stop();
});

test('at the default limit (1024) accept4 fails with EMFILE, the server keeps running and serves the queued connections once fds free up', async (t) => {
  t.timeout(180_000);
  const srv = await start(['/bin/echo-server', '0']);
  const cs = [...await clients(srv.port, 1000), ...Array.from({ length: 100 }, (_, i) => client(srv.port, 1000 + i))];
  // fds 0-2, the listener and the epoll instance leave 1019 for connections.
  const served = new Set<Client>();
  for (const c of cs) void c.answered.then(() => served.add(c));
  while (!/Too many open files/.test(srv.output()) || served.size < 1019) await new Promise((r) => setTimeout(r, 20));
  t.regex(srv.output(), /echo: accept4: Too many open files \(1019 connections\)/);
  t.is(served.size, 1019);
  // Closing 100 served clients frees their fds: the 81 queued connections get in and are answered.
  for (const c of [...served].slice(0, 100)) c.s.destroy();
  await Promise.all(cs.map((c) => c.answered));
  t.deepEqual(cs.filter((c) => c.got !== c.greeting).map((c) => c.greeting), []);
  t.deepEqual(cs.filter((c) => c.error).map((c) => c.error!.message), []);
  for (const c of cs) c.s.destroy();
  srv.stop();
});
