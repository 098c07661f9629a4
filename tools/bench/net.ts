/**
 * Network benchmark: the emulated epoll echo server (userland/echo) against the same logic on
 * Node's `net` directly, in the same run, driven by the same client (a separate Node process,
 * so the client does not share the servers' event loop). Round trips per second with 50
 * concurrent connections (64-byte messages), and MB/s for a bulk echo transfer.
 */
import { spawn as child_spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { boot, capture_console } from '../machine.ts';
import { spawn } from '../machine.ts';
import { kill_task } from '../../kernel/sched/exit.ts';
import { median, table } from './harness.ts';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../kernel/init/paths.ts';

/** Bulk transfers are short (~0.1 s) and noisy: several per round, all in the median. */
const CONNS = 50, SECONDS = 2, BULK_MB = 64, ROUNDS = 5, BULK_PER_ROUND = 3;

/** The client: argv = port, mode ('rr' | 'bulk'), conns, seconds|MB. Prints one number. */
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
} else {
  const total = arg << 20, chunk = Buffer.alloc(1 << 16, 7); let got = 0, t0 = 0;
  const s = net.connect(port, '127.0.0.1', () => {
    t0 = process.hrtime.bigint();
    let sent = 0; const pump = () => { while (sent < total) { sent += chunk.length; if (!s.write(chunk)) return s.once('drain', pump); } }; pump();
  });
  s.on('data', (b) => { got += b.length; if (got >= total) { console.log(Number(process.hrtime.bigint() - t0) / 1e9); s.destroy(); } });
}`;

function client(port: number, mode: string, arg: number): Promise<number> {
  return new Promise((res, rej) => {
    const p = child_spawn(process.execPath, ['-e', CLIENT, String(port), mode, String(CONNS), String(arg)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.on('exit', (code) => (code === 0 ? res(Number(out.trim())) : rej(new Error(`client exited ${code}`))));
  });
}

function native_echo(): Promise<{ port: number; srv: Server }> {
  const srv = createServer((s) => s.on('data', (d) => s.write(d)));
  return new Promise((res) => srv.listen(0, '127.0.0.1', () => res({ port: (srv.address() as { port: number }).port, srv })));
}

async function emulated_echo(): Promise<{ port: number; stop: () => void; cycles: () => number }> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const task = await spawn(k, { program: pathToFileURL(join(REPO_ROOT, 'userland/echo/echo.ts')).href, argv: ['echo', '0'] });
  for (;;) {
    const m = /listening on (\d+)/.exec(cap.output());
    if (m) return { port: +m[1], stop: () => kill_task(task), cycles: () => k.cpu.cycles };
    await new Promise((r) => setTimeout(r, 5));
  }
}

export default async function (): Promise<void> {
  const nat = await native_echo();
  const emu = await emulated_echo();
  // Interleaved rounds (native, emulated, …) and medians: the machine is shared and noisy.
  const n_rrs: number[] = [], e_rrs: number[] = [], n_bulks: number[] = [], e_bulks: number[] = [];
  let cyc = 0, rts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    n_rrs.push((await client(nat.port, 'rr', SECONDS)) / SECONDS);
    const c0 = emu.cycles();
    const cnt = await client(emu.port, 'rr', SECONDS);
    cyc += emu.cycles() - c0; rts += cnt;
    e_rrs.push(cnt / SECONDS);
    for (let b = 0; b < BULK_PER_ROUND; b++) {
      n_bulks.push(BULK_MB / (await client(nat.port, 'bulk', BULK_MB)));
      e_bulks.push(BULK_MB / (await client(emu.port, 'bulk', BULK_MB)));
    }
  }
  const n_rr = median(n_rrs), e_rr = median(e_rrs), n_bulk = median(n_bulks), e_bulk = median(e_bulks), cyc_rt = cyc / rts;
  nat.srv.close();
  emu.stop();
  table('net', `Echo server, ${CONNS} connections, 64-byte round trips (median of ${ROUNDS} interleaved ${SECONDS} s runs) and ${BULK_MB} MiB bulk echo (median of ${ROUNDS * BULK_PER_ROUND}) — profile skylake-pti`,
    ['server', 'round trips/s', 'vs native', 'bulk MB/s', 'vs native', 'emulated cycles / round trip'],
    [['Node net (native)', Math.round(n_rr), '100%', n_bulk, '100%', '-'],
     ['privos epoll echo', Math.round(e_rr), `${(100 * e_rr / n_rr).toFixed(1)}%`, e_bulk, `${(100 * e_bulk / n_bulk).toFixed(1)}%`, Math.round(cyc_rt)]]);
}
