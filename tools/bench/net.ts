/**
 * Network benchmark: the emulated epoll echo server (userland/echo) against the same logic on
 * Node's `net` directly, in the same run, driven by the same client (a separate Node process,
 * so the client does not share the servers' event loop).
 * - Round trips: 50 concurrent connections, 64-byte messages, native and privos in alternating
 *   runs after a warm-up of each; per run the rate and the servers' CPU per round trip (both
 *   servers live in this process, the client does not: process.cpuUsage over the run is the
 *   server's CPU). The CPU figure is the one a shared machine cannot blur much.
 * - Bulk: MB/s of a 64 MiB echo transfer, alternating too.
 * - Connections: 10,000 held at once by the echo server under `prlimit --nofile`, every one
 *   answered, resets counted (the host's own RLIMIT_NOFILE bounds both ends; it is printed).
 */
import { execFileSync, spawn as child_spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { boot, capture_console, spawn } from '../machine.ts';
import { kill_task } from '../../kernel/sched/exit.ts';
import { fmt_spread, sane, spread, table, type Spread } from './harness.ts';

const CONNS = 50, SECONDS = 2, ROUNDS = 5, BULK_MB = 64, BULK_PER_ROUND = 3;
/** The connection test: how many, and the NOFILE the echo server is given for them. */
const MANY = 10000, MANY_NOFILE = 10240;

/** The client: argv = port, mode ('rr' | 'bulk' | 'many'), conns, seconds|MB. Prints its figures. */
const CLIENT = `
const net = require('node:net');
const [port, mode, conns, arg] = process.argv.slice(1).map((x, i) => i === 1 ? x : Number(x));
if (mode === 'rr') {
  const msg = Buffer.alloc(64, 120); let count = 0, stop = false, open = 0;
  for (let i = 0; i < conns; i++) {
    const s = net.connect(port, '127.0.0.1', () => { s.setNoDelay(true); s.write(msg); });
    let got = 0; open++;
    s.on('data', (b) => { got += b.length; if (got >= 64) { got -= 64; count++; if (!stop) s.write(msg); else s.destroy(); } });
    s.on('close', () => { if (--open === 0) { console.log(count); } });
  }
  setTimeout(() => { stop = true; }, arg * 1000);
} else if (mode === 'bulk') {
  const total = arg << 20, chunk = Buffer.alloc(1 << 16, 7); let got = 0, t0 = 0;
  const s = net.connect(port, '127.0.0.1', () => {
    t0 = process.hrtime.bigint();
    let sent = 0; const pump = () => { while (sent < total) { sent += chunk.length; if (!s.write(chunk)) return s.once('drain', pump); } }; pump();
  });
  s.on('data', (b) => { got += b.length; if (got >= total) { console.log(Number(process.hrtime.bigint() - t0) / 1e9); s.destroy(); } });
} else {
  // 'many': conns connections, at most 500 handshakes in flight; each sends 8 bytes and keeps
  // its connection open until every one is answered. Prints: answered, errors, seconds.
  const t0 = process.hrtime.bigint(), socks = [];
  let next = 0, inflight = 0, answered = 0, errors = 0, done = 0;
  const finish = () => { if (++done === conns) { console.log(answered, errors, Number(process.hrtime.bigint() - t0) / 1e9); for (const s of socks) s.destroy(); } };
  const open = () => {
    while (inflight < 500 && next < conns) {
      next++; inflight++;
      let got = 0, over = false, up = false;
      const s = net.connect(port, '127.0.0.1', () => { up = true; inflight--; open(); s.write('ping1234'); });
      socks.push(s);
      const end = (ok) => { if (over) return; over = true; if (ok) answered++; else { errors++; if (!up) { inflight--; open(); } } finish(); };
      s.on('data', (b) => { got += b.length; if (got >= 8) end(true); });
      s.on('error', () => end(false));
      s.on('close', () => end(false));
    }
  };
  open();
}`;

function client(port: number, mode: string, conns: number, arg: number): Promise<string> {
  return new Promise((res, rej) => {
    const p = child_spawn(process.execPath, ['-e', CLIENT, String(port), mode, String(conns), String(arg)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.on('exit', (code) => (code === 0 ? res(out.trim()) : rej(new Error(`client exited ${code}`))));
  });
}

function native_echo(): Promise<{ port: number; srv: Server }> {
  const srv = createServer((s) => s.on('data', (d) => s.write(d)));
  return new Promise((res) => srv.listen(0, '127.0.0.1', () => res({ port: (srv.address() as { port: number }).port, srv })));
}

/** Boots a machine and runs argv (a guest program ending in the echo server) until it listens. */
async function emulated_echo(argv: string[]): Promise<{ port: number; stop: () => void; cycles: () => number; output: () => string }> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const task = await spawn(k, { program: argv[0], argv });
  for (;;) {
    const m = /listening on (\d+)/.exec(cap.output());
    if (m) return { port: +m[1], stop: () => kill_task(task), cycles: () => k.cpu.cycles, output: cap.output };
    if (!task.alive) throw new Error(`echo server did not start: ${cap.output()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One round-trip run against port: the rate, and this process's CPU µs per round trip. */
async function rr_run(port: number, seconds: number): Promise<{ rate: number; cpu_us: number; count: number }> {
  const c0 = process.cpuUsage();
  const count = Number(await client(port, 'rr', CONNS, seconds));
  const c = process.cpuUsage(c0);
  return { rate: sane('round trips/s', count / seconds), cpu_us: sane('CPU per round trip', (c.user + c.system) / count), count };
}

interface Side { rate: number[]; cpu: number[]; bulk: number[] }

async function echo_rounds(nat: number, emu: { port: number; cycles: () => number }): Promise<{ n: Side; e: Side; rate_ratio: Spread; cpu_ratio: Spread; cyc_rt: number }> {
  await rr_run(nat, 1); await rr_run(emu.port, 1); // warm-up: JIT, connection paths
  const n: Side = { rate: [], cpu: [], bulk: [] }, e: Side = { rate: [], cpu: [], bulk: [] };
  const rate_ratio: number[] = [], cpu_ratio: number[] = [];
  let cyc = 0, rts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const a = await rr_run(nat, SECONDS);
    const c0 = emu.cycles();
    const b = await rr_run(emu.port, SECONDS);
    cyc += emu.cycles() - c0; rts += b.count;
    n.rate.push(a.rate); n.cpu.push(a.cpu_us); e.rate.push(b.rate); e.cpu.push(b.cpu_us);
    rate_ratio.push(b.rate / a.rate); cpu_ratio.push(a.cpu_us / b.cpu_us);
    for (let i = 0; i < BULK_PER_ROUND; i++) {
      n.bulk.push(BULK_MB / Number(await client(nat, 'bulk', 1, BULK_MB)));
      e.bulk.push(BULK_MB / Number(await client(emu.port, 'bulk', 1, BULK_MB)));
    }
  }
  return { n, e, rate_ratio: spread(rate_ratio), cpu_ratio: spread(cpu_ratio), cyc_rt: cyc / rts };
}

/** The host's RLIMIT_NOFILE (soft) as `ulimit -n` reports it; 0 if unknown. */
function host_nofile(): number {
  try { return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 0; } catch { return 0; }
}

/** 10,000 connections held at once by the echo server started under prlimit. */
async function many_connections(): Promise<void> {
  const title = `Echo server holding ${MANY} connections at once (prlimit --nofile=${MANY_NOFILE} echo-server; one 8-byte round trip each, all kept open until all answered)`;
  const nofile = host_nofile();
  // Each connection is two host fds in this process (the client's own process holds the other end).
  if (nofile < MANY + 200) {
    table('net', title, ['result'], [[`skipped: the host's ulimit -n is ${nofile}; ${MANY} connections need ${MANY + 200}`]]);
    return;
  }
  const emu = await emulated_echo(['/usr/bin/prlimit', `--nofile=${MANY_NOFILE}`, '/bin/echo-server', '0']);
  const [answered, errors, secs] = (await client(emu.port, 'many', MANY, 0)).split(' ').map(Number);
  const emfile = /Too many open files/.test(emu.output());
  emu.stop();
  table('net', title, ['connections', 'answered', 'resets / errors', 'EMFILE at the server', 'seconds', "host's ulimit -n"],
    [[MANY, answered, errors, emfile ? 'yes' : 'no', secs, nofile]]);
}

export default async function (): Promise<void> {
  const nat = await native_echo();
  const emu = await emulated_echo(['/bin/echo-server', '0']);
  const r = await echo_rounds(nat.port, emu);
  nat.srv.close();
  emu.stop();
  const s = (xs: number[]): string => fmt_spread(spread(xs));
  table('net', `Echo server, ${CONNS} connections, 64-byte round trips (${ROUNDS} alternating ${SECONDS} s runs after a warm-up; median (min–max)) and ${BULK_MB} MiB bulk echo (${ROUNDS * BULK_PER_ROUND} runs) — emulated cycles: profile skylake-pti`,
    ['server', 'round trips/s', 'vs native (per round)', 'server CPU µs / round trip', 'native CPU / privos CPU', 'bulk MB/s', 'emulated cycles / round trip'],
    [['Node net (native)', s(r.n.rate), '100%', s(r.n.cpu), '100%', s(r.n.bulk), '-'],
     ['privos epoll echo', s(r.e.rate), fmt_spread(r.rate_ratio), s(r.e.cpu), fmt_spread(r.cpu_ratio), s(r.e.bulk), Math.round(sane('cycles', r.cyc_rt))]]);
  await many_connections();
}
