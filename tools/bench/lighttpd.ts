/**
 * lighttpd-lite benchmark (seed 003's Fig. 3, issue 10 §4): ab -k against lighttpd-lite in
 * privos (arm64, apple-m1 profile) with fdcap off and on, across 1, 10, 50, 100 and 500 clients
 * and 100 B, 1 KiB, 10 KiB and 50 KiB files behind mod_auth basic (as the seed's evaluation
 * protects lighttpd's basic-auth logic: every request runs the password check, inside an fdcap
 * context when fdcap is on). Reports wall requests/s and the modeled cycles per request from the
 * machine's counter (syscall paths, PAC instructions and fdcap's hook work, as charged), the
 * overhead of fdcap in those cycles, SVG plots, and native lighttpd 1.4 under ab -k -c 50 on the
 * same files and configuration in the same run.
 *
 * The user's password is stored as {SHA} (htpasswd -s): apr1's 1000 MD5 rounds would make the
 * JavaScript hash, not the server, the thing measured. ab runs as a separate process; -n is
 * small (a few seconds per point) so the whole suite stays bounded.
 */
import { execFile, execFileSync, spawn as child_spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, capture_console } from '../machine.ts';
import { spawn } from '../../kernel/init/main.ts';
import { kill_task } from '../../kernel/sched/exit.ts';
import { mount_hostfs } from '../../kernel/fs/hostfs.ts';
import { load_fdcap } from '../../kernel/modules/fdcap/load.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { PROFILES } from '../profiles.ts';
import { svg_bars, svg_plot, table } from './harness.ts';

const PROFILE = 'apple-m1';
const SIZES: [string, number][] = [['100 B', 100], ['1 KiB', 1024], ['10 KiB', 10240], ['50 KiB', 51200]];
const CLIENTS = [1, 10, 50, 100, 500];
export const USER = 'bob:builder';

export function have(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

export function free_port(): Promise<number> {
  return new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });
}

export async function wait_port(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await new Promise<boolean>((res) => { const s = connect(port, '127.0.0.1', () => { s.destroy(); res(true); }); s.on('error', () => res(false)); })) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`lighttpd bench: nothing listens on ${port}`);
}

export function make_site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lighttpd-bench-'));
  mkdirSync(join(dir, 'www/private'), { recursive: true });
  for (const [, n] of SIZES) {
    writeFileSync(join(dir, `www/private/f${n}.bin`), Buffer.alloc(n, 0x61));
    writeFileSync(join(dir, `www/f${n}.bin`), Buffer.alloc(n, 0x61)); // outside auth.require
  }
  execFileSync('htpasswd', ['-bcs', join(dir, 'users'), ...USER.split(':')], { stdio: 'ignore' });
  return dir;
}

export function conf(port: number, root: string): string {
  return `server.modules = ("mod_auth", "mod_authn_file")
server.port = ${port}
server.bind = "127.0.0.1"
server.document-root = "${root}/www"
server.errorlog = "${root}/error-${port}.log"
server.max-connections = 1024
mimetype.assign = (".bin" => "application/octet-stream")
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "${root}/users"
auth.require = ("/private/" => ("method" => "basic", "realm" => "bench", "require" => "valid-user"))
`;
}

export interface AbResult { rps: number; done: number; failed: number }

/** ab -k -c c against /private/fSIZE.bin (or `path`), n requests (default: a few seconds' worth). */
export function ab(port: number, size: number, c: number, path = `/private/f${size}.bin`, n = Math.max(300, 2 * c)): Promise<AbResult> {
  const args = ['-k', '-q', '-n', String(n), '-c', String(c), '-s', '20', '-A', USER, `http://127.0.0.1:${port}${path}`];
  return new Promise((res) => execFile('ab', args, { maxBuffer: 1 << 20 }, (_e, out) => {
    const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
    res({ rps: num(/Requests per second:\s+([\d.]+)/), done: num(/Complete requests:\s+(\d+)/), failed: num(/Failed requests:\s+(\d+)/) });
  }));
}

interface Point { rps: number; cycles: number; failed: number }

/** One privos machine, fdcap on or off, serving the site; every (size, clients) point. */
async function privos_points(dir: string, fdcap: boolean): Promise<Map<string, Point>> {
  const port = await free_port();
  writeFileSync(join(dir, `lighttpd-${port}.conf`), conf(port, '/srv'));
  const k: Kernel = boot({ arch: 'arm64', profile: PROFILES[PROFILE], console: capture_console().console });
  if (fdcap) await load_fdcap(k);
  mount_hostfs(k, dir, '/srv');
  const task = await spawn(k, { program: '/bin/lighttpd-lite', argv: ['lighttpd-lite', '-D', '-f', `/srv/lighttpd-${port}.conf`] });
  await wait_port(port);
  const out = new Map<string, Point>();
  for (const [, size] of SIZES) {
    for (const c of CLIENTS) {
      const c0 = k.cpu.cycles;
      const r = await ab(port, size, c);
      out.set(`${size}/${c}`, { rps: r.rps, cycles: (k.cpu.cycles - c0) / (r.done || 1), failed: r.failed });
    }
  }
  kill_task(task);
  await task.exited;
  return out;
}

/** Native lighttpd 1.4 on the same files and configuration: ab -k -c 50 per size. */
async function native_points(dir: string): Promise<Map<number, number> | null> {
  if (!have('lighttpd')) { console.log('  [native lighttpd: skipped — not installed]'); return null; }
  const port = await free_port();
  writeFileSync(join(dir, 'native.conf'), conf(port, dir));
  const p = child_spawn('lighttpd', ['-D', '-f', join(dir, 'native.conf')], { stdio: 'ignore' });
  try {
    await wait_port(port);
    const out = new Map<number, number>();
    for (const [, size] of SIZES) out.set(size, (await ab(port, size, 50)).rps);
    return out;
  } finally { p.kill(); }
}

const pct = (a: number, b: number): string => `${((100 * (b - a)) / a).toFixed(2)}%`;

function report(off: Map<string, Point>, on: Map<string, Point>, nat: Map<number, number> | null): void {
  const rows: (string | number)[][] = [];
  for (const [name, size] of SIZES) {
    for (const c of CLIENTS) {
      const a = off.get(`${size}/${c}`)!, b = on.get(`${size}/${c}`)!;
      rows.push([name, c, Math.round(a.rps), Math.round(b.rps), Math.round(a.cycles), Math.round(b.cycles), pct(a.cycles, b.cycles), a.failed + b.failed]);
    }
  }
  table('lighttpd', `lighttpd-lite under ab -k, mod_auth basic on every request, fdcap off/on (arm64, profile ${PROFILE}; wall req/s are this shared host's)`,
    ['file', 'clients', 'req/s off', 'req/s on', 'cycles/req off', 'cycles/req on', 'fdcap overhead (modeled)', 'failed'], rows);
  svg_plot('lighttpd-fdcap-overhead', 'lighttpd-lite: fdcap overhead in modeled cycles per request', 'concurrent clients (ab -k -c)', 'overhead %',
    SIZES.map(([name, size]) => ({ name, points: CLIENTS.map((c) => [c, 100 * (on.get(`${size}/${c}`)!.cycles / off.get(`${size}/${c}`)!.cycles - 1)] as [number, number]) })), true);
  const cats = SIZES.map(([n]) => n);
  const series = [
    { name: 'privos fdcap off', values: SIZES.map(([, s]) => off.get(`${s}/50`)!.rps) },
    { name: 'privos fdcap on', values: SIZES.map(([, s]) => on.get(`${s}/50`)!.rps) },
  ];
  if (nat) series.push({ name: 'native lighttpd 1.4', values: SIZES.map(([, s]) => nat.get(s)!) });
  svg_bars('lighttpd-rps', 'ab -k -c 50 with basic auth: requests/s (wall)', 'requests/s', cats, series);
  table('lighttpd', 'ab -k -c 50 with basic auth: lighttpd-lite in privos (arm64, short unwarmed runs) vs native lighttpd 1.4, same run (wall req/s; the warmed x86_64 side by side is `bench lighttpd_native`)',
    ['file', 'privos fdcap off', 'privos fdcap on', 'native lighttpd', 'privos off / native'],
    SIZES.map(([name, s]) => {
      const n = nat?.get(s);
      return [name, Math.round(off.get(`${s}/50`)!.rps), Math.round(on.get(`${s}/50`)!.rps), n ? Math.round(n) : '-', n ? `${(off.get(`${s}/50`)!.rps / n).toFixed(3)}×` : '-'];
    }));
}

export default async function (): Promise<void> {
  if (!have('ab') || !have('htpasswd')) { console.log('  [lighttpd bench: skipped — needs ab and htpasswd (apache2-utils)]'); return; }
  const dir = make_site();
  try {
    const off = await privos_points(dir, false);
    const on = await privos_points(dir, true);
    const nat = await native_points(dir);
    report(off, on, nat);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
