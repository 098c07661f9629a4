/**
 * lighttpd-lite in privos against native lighttpd 1.4, side by side (issue 10's goal: ≥ 0.5× the
 * native requests/s under ab -k -c 50). The machine is shared, so wall figures swing: each point
 * runs privos then native back to back, several rounds interleaved, and reports besides wall
 * requests/s the host CPU time per request — privos's from process.cpuUsage() (the machine runs
 * in this process; ab is a child and not counted), lighttpd's from /proc/PID/stat (utime+stime).
 * Points: 100 B and 10 KiB files, behind mod_auth basic ({SHA}) and outside it.
 * A suite of its own (`npm run bench lighttpd_native`); the site and config are lighttpd.ts's.
 */
import { spawn as child_spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boot, capture_console } from '../machine.ts';
import { spawn } from '../../kernel/init/main.ts';
import { kill_task } from '../../kernel/sched/exit.ts';
import { mount_hostfs } from '../../kernel/fs/hostfs.ts';
import { fmt_spread, spread, table } from './harness.ts';
import { ab, conf, free_port, have, make_site, wait_port } from './lighttpd.ts';

const POINTS: [string, string][] = [['100 B, auth', '/private/f100.bin'], ['100 B, no auth', '/f100.bin'], ['10 KiB, auth', '/private/f10240.bin'], ['10 KiB, no auth', '/f10240.bin']];
const ROUNDS = 5;
const N = 30000;
/** Warm-up requests per point: privos's JIT (V8) keeps tiering lighttpd-lite up for ~40,000 requests; native needs none. */
const WARM = { privos: 60000, native: 5000 };
const CLK_TCK = 100;

/** A process's user+system CPU in microseconds (/proc/PID/stat fields 14 and 15). */
function proc_cpu_us(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
}

interface Sample { rps: number; us: number }

async function measure(port: number, path: string, cpu: () => number): Promise<Sample> {
  const c0 = cpu();
  const r = await ab(port, 0, 50, path, N);
  return { rps: r.rps, us: (cpu() - c0) / (r.done || 1) };
}

const self_cpu = (): number => { const u = process.cpuUsage(); return u.user + u.system; };
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export default async function (): Promise<void> {
  if (!have('ab') || !have('htpasswd') || !have('lighttpd')) { console.log('  [lighttpd_native: skipped — needs ab, htpasswd (apache2-utils) and lighttpd]'); return; }
  const dir = make_site();
  try { await side_by_side(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

async function side_by_side(dir: string): Promise<void> {
  const pport = await free_port(), nport = await free_port();
  writeFileSync(join(dir, `side-${pport}.conf`), conf(pport, '/srv'));
  writeFileSync(join(dir, `side-native.conf`), conf(nport, dir));
  const k = boot({ console: capture_console().console });
  mount_hostfs(k, dir, '/srv');
  const task = await spawn(k, { program: '/bin/lighttpd-lite', argv: ['lighttpd-lite', '-D', '-f', `/srv/side-${pport}.conf`] });
  const nat = child_spawn('lighttpd', ['-D', '-f', join(dir, 'side-native.conf')], { stdio: 'ignore' });
  const load0 = loadavg();
  const got = new Map<string, { p: Sample[]; n: Sample[] }>(POINTS.map(([name]) => [name, { p: [], n: [] }]));
  try {
    await wait_port(pport); await wait_port(nport);
    for (const [, path] of POINTS) { await ab(pport, 0, 50, path, WARM.privos); await ab(nport, 0, 50, path, WARM.native); } // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, path] of POINTS) {
        got.get(name)!.p.push(await measure(pport, path, self_cpu));
        got.get(name)!.n.push(await measure(nport, path, () => proc_cpu_us(nat.pid!)));
      }
    }
  } finally { nat.kill(); kill_task(task); await task.exited; }
  const s = (xs: Sample[], f: (x: Sample) => number): string => fmt_spread(spread(xs.map(f)));
  table('lighttpd', `lighttpd-lite in privos vs native lighttpd 1.4, ab -k -c 50 -n ${N}, interleaved ×${ROUNDS}: median (min–max); load average ${load0} → ${loadavg()}`,
    ['point', 'privos req/s', 'native req/s', 'req/s ratio', 'privos CPU µs/req', 'native CPU µs/req', 'CPU ratio (native/privos)'],
    POINTS.map(([name]) => {
      const { p, n } = got.get(name)!;
      const ratio = p.map((x, i) => x.rps / n[i].rps), cpu = p.map((x, i) => n[i].us / x.us);
      return [name, s(p, (x) => x.rps), s(n, (x) => x.rps), `${fmt_spread(spread(ratio), 3)}×`, s(p, (x) => x.us), s(n, (x) => x.us), `${fmt_spread(spread(cpu), 3)}×`];
    }));
}
