/**
 * redis-lite in privos next to native redis-server 7.0, in the same run, driven by the real
 * redis-benchmark: `-t ping,set,get,incr -c 50` unpipelined and with `-P 16`, the two servers'
 * rounds interleaved, medians over a few rounds. Besides wall requests/s (which swing on a
 * shared machine) each round reads both servers' host CPU time (utime+stime of the whole
 * process, /proc/PID/stat) and reports CPU microseconds per request: the figure that does not
 * depend on what else the machine runs. Then memory: freshly started servers load the same
 * 1,000,000 small keys (SET key:N val:N, pipelined), and the privos process's RSS is compared
 * with native redis's used_memory_rss. Both servers run as separate processes so neither shares the bench's
 * event loop.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { median, table } from './harness.ts';
import { REPO_ROOT } from '../../kernel/init/paths.ts';

const ROUNDS = 3, TESTS = ['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR'];
/** USER_HZ: the unit of utime/stime in /proc/PID/stat (sysconf(_SC_CLK_TCK) is 100 on Linux). */
const CLK_TCK = 100;
const N = { plain: 10000, pipelined: 50000 }, KEYS = 1_000_000;
const ROOT = REPO_ROOT + '/';

function free_port(): Promise<number> {
  return new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });
}

function run(cmd: string, args: string[], timeout = 300000): Promise<string> {
  return new Promise((res) => execFile(cmd, args, { timeout, maxBuffer: 1 << 24 }, (_e, out, err) => res(out + err)));
}

async function wait_ready(port: number, proc: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 3000 && proc.exitCode === null; i++) {
    if ((await run('redis-cli', ['-p', String(port), 'ping'])).includes('PONG')) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** redis-benchmark --csv → requests/s per test. */
async function bench(port: number, pipeline: number, n: number): Promise<Map<string, number>> {
  const out = await run('redis-benchmark', ['-p', String(port), '-t', 'ping,set,get,incr', '-c', '50', '-n', String(n), '-P', String(pipeline), '--csv']);
  const m = new Map<string, number>();
  for (const line of out.split('\n')) {
    const f = /^"([A-Z_]+)","([\d.]+)"/.exec(line);
    if (f) m.set(f[1], Number(f[2]));
  }
  return m;
}

/** The process's user+system CPU time in ms (proc(5): fields 14 and 15 of /proc/PID/stat). */
function cpu_ms(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 1000 / CLK_TCK;
}

function loadavg(): string { return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]; }

/** One redis-benchmark round against a server: requests/s per test and the server's CPU µs per request. */
async function round(port: number, pid: number, pipeline: number, n: number): Promise<{ rps: Map<string, number>; us: number }> {
  const c0 = cpu_ms(pid);
  const rps = await bench(port, pipeline, n);
  return { rps, us: (cpu_ms(pid) - c0) * 1000 / (TESTS.length * n) };
}

function rss_kb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Loads KEYS small keys through one pipelined connection (SET key:N val:N), 10,000 in flight. */
function load_keys(port: number): Promise<void> {
  return new Promise((res, rej) => {
    const s = connect(port, '127.0.0.1');
    let sent = 0, acked = 0, buf = '';
    const send = (): void => {
      const parts: string[] = [];
      const to = Math.min(KEYS, acked + 10000);
      for (; sent < to; sent++) { const k = `key:${sent}`, v = `val:${sent}`; parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`); }
      if (parts.length) s.write(parts.join(''));
    };
    s.on('connect', send);
    s.on('error', rej);
    s.on('data', (b: Buffer) => {
      buf += b.toString('latin1');
      const n = buf.split('+OK\r\n').length - 1;
      acked += n;
      buf = buf.slice(buf.lastIndexOf('+OK\r\n') + 5 * (n > 0 ? 1 : 0)) || '';
      if (acked >= KEYS) { s.destroy(); res(); } else if (sent - acked < 5000) send();
    });
  });
}

interface Servers { lp: number; np: number; lite: ChildProcess; nat: ChildProcess }

/** redis-lite in privos and native redis-server, side by side on free ports; null if one did not start. */
async function start(): Promise<Servers | null> {
  const [lp, np] = [await free_port(), await free_port()];
  const lite = spawn(process.execPath, [join(ROOT, 'bin/privos.js'), 'run', '--mem', '512', '/bin/redis-lite', '--port', String(lp), '--save', ''], { stdio: 'ignore' });
  const nat = spawn('redis-server', ['--port', String(np), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
  if (await wait_ready(lp, lite) && await wait_ready(np, nat)) return { lp, np, lite, nat };
  stop({ lp, np, lite, nat });
  console.log('  [redis: a server did not start]');
  return null;
}

function stop(s: Servers): void { s.lite.kill('SIGKILL'); s.nat.kill('SIGKILL'); }

/** Requests/s per test and CPU µs per request, the two servers' rounds interleaved. */
async function throughput({ lp, np, lite, nat }: Servers): Promise<void> {
  for (const [mode, pipeline, n] of [['unpipelined', 1, N.plain], ['-P 16', 16, N.pipelined]] as const) {
    const load0 = loadavg();
    await bench(lp, pipeline, n); // warm-up: redis-lite's JIT
    const l: { rps: Map<string, number>; us: number }[] = [], r: typeof l = [];
    for (let i = 0; i < ROUNDS; i++) { l.push(await round(lp, lite.pid!, pipeline, n)); r.push(await round(np, nat.pid!, pipeline, n)); }
    const rows = TESTS.map((t) => {
      const a = median(l.map((m) => m.rps.get(t) ?? 0)), b = median(r.map((m) => m.rps.get(t) ?? 0));
      return [t, Math.round(a), Math.round(b), b ? a / b : 0];
    });
    const lu = median(l.map((m) => m.us)), nu = median(r.map((m) => m.us));
    // CPU per request inverted: the throughput ratio the servers would have with a core each.
    rows.push(['server CPU µs/request (all tests)', lu, nu, lu ? nu / lu : 0]);
    table('redis', `redis-benchmark -c 50 ${mode} (-n ${n}, median of ${ROUNDS}, interleaved; load average ${load0} → ${loadavg()}): requests/s`,
      ['test', 'redis-lite in privos', 'native redis 7.0', 'ratio'], rows);
  }
}

/** Freshly started servers, the same KEYS SETs into each: privos's RSS against native used_memory_rss. */
async function memory({ lp, np, lite, nat }: Servers): Promise<void> {
  const lite_before = rss_kb(lite.pid!), nat_before = rss_kb(nat.pid!);
  const t0 = Date.now();
  await load_keys(lp);
  const load_s = (Date.now() - t0) / 1000;
  await load_keys(np);
  const lite_after = rss_kb(lite.pid!);
  const info = await run('redis-cli', ['-p', String(np), 'info', 'memory']);
  const nat_rss = Number(/used_memory_rss:(\d+)/.exec(info)?.[1] ?? 0) / 1024;
  const dbsize = (await run('redis-cli', ['-p', String(lp), 'dbsize'])).trim();
  const per_key = (after: number, before: number): number => Math.round((after - before) * 1024 / KEYS);
  table('redis', `memory with ${KEYS.toLocaleString('en')} small keys, the same SETs into freshly started servers (redis-lite loaded pipelined in ${load_s.toFixed(1)} s; dbsize ${dbsize})`,
    ['server', 'RSS MiB', 'RSS before load MiB', 'bytes/key (RSS growth)', 'ratio to native'],
    [['redis-lite (whole privos process RSS)', lite_after / 1024, lite_before / 1024, per_key(lite_after, lite_before), lite_after / nat_rss],
      ['native redis 7.0 used_memory_rss', nat_rss / 1024, nat_before / 1024, per_key(nat_rss, nat_before), 1]]);
}

export default async function redis_bench(): Promise<void> {
  if (!(await run('sh', ['-c', 'command -v redis-benchmark && command -v redis-server'])).includes('redis-server')) {
    console.log('  [redis: skipped — redis-benchmark/redis-server not installed (.ci/run installs them)]');
    return;
  }
  for (const phase of [throughput, memory]) {
    const s = await start();
    if (!s) return;
    try { await phase(s); } finally { stop(s); }
  }
}
