/**
 * Shared setup for the lighttpd-lite tests: a host directory (the document root and an htpasswd
 * file made by the real `htpasswd`) mounted at /srv in a freshly booted privos, the server started
 * from /bin/lighttpd-lite with a config written for a free port, and async clients (the real
 * curl, raw sockets). Everything runs on loopback; each test stops its own server.
 */
import { execFile, execFileSync, spawn as host_spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, capture_console } from '../../../tools/machine.ts';
import { spawn } from '../../../kernel/init/main.ts';
import { kill_task } from '../../../kernel/sched/exit.ts';
import { mount_hostfs } from '../../../kernel/fs/hostfs.ts';
import { load_fdcap } from '../../../kernel/modules/fdcap/load.ts';
import type { Kernel } from '../../../kernel/kernel.ts';

export function have(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

export function free_port(): Promise<number> {
  return new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });
}

/** A site: www/ with files, a symlink out of the root, and users made by the real htpasswd (apr1, -s SHA1 and -B bcrypt). */
export function make_site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lighttpd-lite-'));
  mkdirSync(join(dir, 'www/sub'), { recursive: true });
  mkdirSync(join(dir, 'www/private'));
  mkdirSync(join(dir, 'www/dl'));
  writeFileSync(join(dir, 'www/index.html'), 'hello\n');
  writeFileSync(join(dir, 'www/a.txt'), 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 100));
  writeFileSync(join(dir, 'www/sub/index.html'), 'sub\n');
  writeFileSync(join(dir, 'www/private/s.txt'), 'secret\n');
  writeFileSync(join(dir, 'www/dl/f.txt'), 'x\n');
  writeFileSync(join(dir, 'www/x.inc'), 'include\n');
  writeFileSync(join(dir, 'outside.txt'), 'outside the root\n');
  symlinkSync(join(dir, 'outside.txt'), join(dir, 'www/link.txt'));
  symlinkSync('index.html', join(dir, 'www/inlink.html'));
  if (have('htpasswd')) {
    execFileSync('htpasswd', ['-bc', join(dir, 'users'), 'alice', 'wonderland'], { stdio: 'ignore' });
    execFileSync('htpasswd', ['-bs', join(dir, 'users'), 'bob', 'builder'], { stdio: 'ignore' });
    execFileSync('htpasswd', ['-bB', join(dir, 'users'), 'carol', 'crypt0'], { stdio: 'ignore' }); // bcrypt, through crypt(3)
  }
  return dir;
}

/** The test configuration, for a root at `root` (a guest path for privos, a host path for native lighttpd). */
export function site_conf(port: number, root: string, extra = ''): string {
  return `server.modules = ("mod_access", "mod_auth", "mod_authn_file", "mod_accesslog", "mod_dirlisting")
server.port = ${port}
server.bind = "127.0.0.1"
server.document-root = "${root}/www"
server.errorlog = "${root}/error-${port}.log"
accesslog.filename = "${root}/access-${port}.log"
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html", ".txt" => "text/plain")
server.tag = "lighttpd-lite"
server.max-request-size = 16
url.access-deny = ("~", ".inc")
$HTTP["url"] =~ "^/dl/" {
  dir-listing.activate = "enable"
}
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "${root}/users"
auth.require = ("/private/" => ("method" => "basic", "realm" => "priv", "require" => "valid-user"))
${extra}`;
}

export interface Running { k: Kernel; port: number; dir: string; out: () => string; stop: () => Promise<void> }

/** Waits until something accepts on 127.0.0.1:port (bounded). */
export async function wait_port(port: number, ms = 15000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const ok = await new Promise<boolean>((res) => { const s = connect(port, '127.0.0.1', () => { s.destroy(); res(true); }); s.on('error', () => res(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

export interface StartOpts { arch?: 'x86_64' | 'arm64'; fdcap?: boolean; extra?: string; dir?: string }

/** Boots privos, mounts the site at /srv and starts /bin/lighttpd-lite -D -f /srv/lighttpd.conf. */
export async function start(o: StartOpts = {}): Promise<Running> {
  const dir = o.dir ?? make_site();
  const port = await free_port();
  writeFileSync(join(dir, `lighttpd-${port}.conf`), site_conf(port, '/srv', o.extra));
  const cap = capture_console();
  const k = boot({ console: cap.console, arch: o.arch ?? 'x86_64' });
  if (o.fdcap) await load_fdcap(k, { soft_pac: (o.arch ?? 'x86_64') === 'x86_64' });
  if (mount_hostfs(k, dir, '/srv') !== 0) throw new Error('mount');
  const task = await spawn(k, { program: '/bin/lighttpd-lite', argv: ['lighttpd-lite', '-D', '-f', `/srv/lighttpd-${port}.conf`] });
  await wait_port(port);
  return {
    k, port, dir, out: cap.output,
    stop: async () => { kill_task(task); await task.exited; if (!o.dir) rmSync(dir, { recursive: true, force: true }); },
  };
}

export interface Reply { status: number; headers: Record<string, string>; body: string; raw: string }

/** Runs the real curl (-s -i) with args against the server; resolves with the last response. */
export function curl(args: string[]): Promise<Reply> {
  return new Promise((res, rej) => {
    execFile('curl', ['-s', '-i', '--max-time', '10', ...args], { encoding: 'latin1' }, (err, out) => {
      if (err && !out) return rej(err);
      const blocks = out.split('\r\n\r\n');
      let i = 0;
      while (i + 1 < blocks.length && /^HTTP\/1\.[01] 1\d\d/.test(blocks[i])) i++;
      const [first, ...hl] = blocks[i].split('\r\n');
      const headers: Record<string, string> = {};
      for (const h of hl) { const c = h.indexOf(':'); headers[h.slice(0, c).toLowerCase()] = h.slice(c + 1).trim(); }
      res({ status: Number(first.split(' ')[1]), headers, body: blocks.slice(i + 1).join('\r\n\r\n'), raw: out });
    });
  });
}

/** How many complete responses `buf` holds (by Content-Length; none for HEAD, 304 and 1xx). */
export function complete_responses(buf: string, head = false): number {
  let pos = 0, n = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', pos);
    if (end < 0) return n;
    const hdr = buf.slice(pos, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(hdr)?.[1] ?? 0);
    const cl = /\r\nContent-Length: (\d+)/i.exec(hdr);
    const body = head || status === 304 || status < 200 ? 0 : cl ? Number(cl[1]) : 0;
    if (buf.length < end + 4 + body) return n;
    pos = end + 4 + body;
    n++;
  }
}

export interface RawOpts { responses?: number; head?: boolean }

/**
 * Sends raw bytes on a fresh connection; resolves with what came back once the server closed
 * the connection or `responses` complete responses arrived (default 1). No timers: a server that
 * never answers fails the test by ava's timeout.
 */
export function raw(port: number, data: string | Buffer, o: RawOpts = {}): Promise<string> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1', () => s.write(data));
    let got = '';
    s.on('data', (b) => {
      got += b.toString('latin1');
      if (complete_responses(got, o.head) >= (o.responses ?? 1) && !/Connection: close\r\n/.test(got)) s.destroy();
    });
    s.on('close', () => res(got));
    s.on('error', () => undefined);
  });
}

/** The status lines of every response in a raw reply. */
export function statuses(reply: string): string[] {
  return [...reply.matchAll(/HTTP\/1\.[01] \d{3} [^\r]*/g)].map((m) => m[0]);
}

/**
 * The same site served by the real lighttpd (on `port`) and by lighttpd-lite in privos (`emu`),
 * both listening when body runs; both stopped and the site removed afterwards.
 */
export async function with_native_pair(body: (port: number, emu: Running, dir: string) => Promise<void>): Promise<void> {
  const dir = make_site();
  const port = await free_port();
  writeFileSync(join(dir, 'native.conf'), site_conf(port, dir));
  const nat = host_spawn('lighttpd', ['-D', '-f', join(dir, 'native.conf')], { stdio: 'ignore' });
  const emu = await start({ dir });
  try {
    await wait_port(port);
    await body(port, emu, dir);
  } finally {
    nat.kill();
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
