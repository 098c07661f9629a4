/**
 * lighttpd-lite: lighttpd 1.4's static file serving and mod_auth, as a privos program
 * (/bin/lighttpd-lite). `lighttpd-lite -D -f CONFIG` runs in the foreground; `-t` / `-tt` test
 * the configuration and print "Syntax OK"; `-v` the version. See docs/lighttpd-lite.md.
 * The event loop is lighttpd's fdevent on epoll, in userland/echo's pattern.
 */
import type { Libc } from '../../libc/index.ts';
import { SIG_IGN, SIGPIPE } from '../../kernel/include/uapi/signal.ts';
import { type Server, time_now } from './base.ts';
import { load_config, type LoadedConfig } from './config_load.ts';
import { type ConnHost, Connection, conn_process, conn_read, type IoBufs } from './connections.ts';
import { ErrorLog } from './log.ts';
import { AccessLog } from './mod_accesslog.ts';
import { Auth } from './mod_auth.ts';
import { conf_str } from './configfile_glue.ts';
import { HeaderCache } from './response.ts';
import { stat_cache_release, stat_cache_trigger_cleanup } from './stat_cache.ts';

export const VERSION = 'lighttpd/1.4.69';
const MAX_EVENTS = 256;

interface Args { file: string; test: number; version: boolean; help: boolean; bad: string }

function parse_args(argv: string[]): Args {
  const a: Args = { file: '', test: 0, version: false, help: false, bad: '' };
  for (let i = 1; i < argv.length; i++) {
    const s = argv[i];
    if (s === '-f') a.file = argv[++i] ?? '';
    else if (s.startsWith('-f') && s.length > 2) a.file = s.slice(2);
    else if (s === '-t') a.test = Math.max(a.test, 1);
    else if (s === '-tt') a.test = 2;
    else if (s === '-v' || s === '-V') a.version = true;
    else if (s === '-h') a.help = true;
    else if (s === '-D' || s === '-1') continue;
    else a.bad = s;
  }
  return a;
}

const USAGE = `Usage: lighttpd-lite -D -f <config> [-t|-tt] [-v] [-h]\n`;

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const a = parse_args(argv);
  if (a.version) { libc.write(1, `${VERSION} (privos lighttpd-lite) - a light and fast webserver\n`); return 0; }
  if (a.help || a.bad) { libc.write(a.bad ? 2 : 1, USAGE); return a.bad ? 255 : 0; }
  if (!a.file) { libc.write(2, `No configuration available. Try using -f option.\n`); return 255; }
  const errlog = new ErrorLog(libc);
  // -t checks the syntax only and says so; -tt runs the whole preflight and is silent on success (lighttpd's -t / -tt).
  const conf = await load_config(libc, a.file, errlog, a.test === 1);
  if (!conf) return 255;
  if (a.test === 1) { libc.write(1, 'Syntax OK\n'); return 0; }
  if (a.test === 2) return 0;
  const srv = await server_init(libc, conf, errlog);
  if (!srv) return 255;
  return server_main_loop(srv, conf);
}

async function server_init(libc: Libc, conf: LoadedConfig, errlog: ErrorLog): Promise<Server | null> {
  const g = conf.parsed.global;
  const logpath = conf_str({ get: (k) => g.get(k) }, 'server.errorlog', '');
  if (logpath && (await errlog.open(logpath)) < 0) {
    errlog.write('server.ts', `opening errorlog '${logpath}' failed: ${libc.strerror(libc.errno)}`);
    return null;
  }
  const srv: Server = {
    libc, config: conf.parsed, docroot: conf.docroot, tag: conf.tag, errorlog: errlog, accesslog: null, auth: null,
    modules: conf.modules, stbuf: libc.malloc(256), now: time_now(libc), headers: new HeaderCache(conf.tag), stat_cache: new Map(), ...conf.limits,
  };
  const alog = conf_str({ get: (k) => g.get(k) }, 'accesslog.filename', '');
  if (conf.modules.has('mod_accesslog') && alog) {
    const al = await AccessLog.open(libc, alog);
    if (typeof al === 'number') { errlog.write('mod_accesslog.ts', `opening access-log failed: ${libc.strerror(-al)} ${alog}`); return null; }
    srv.accesslog = al;
  }
  if (conf.modules.has('mod_auth')) init_auth(srv);
  libc.signal(SIGPIPE, SIG_IGN);
  return srv;
}

/** mod_auth with the global userfile opened up front, so fdcap's context exists before any request. */
function init_auth(srv: Server): void {
  srv.auth = new Auth(srv);
  const uf = conf_str({ get: (k) => srv.config.global.get(k) }, 'auth.backend.htpasswd.userfile', '');
  if (!uf) return;
  const b = srv.auth.backend(uf);
  if (srv.auth.fdcap) srv.errorlog.write('mod_auth.ts', `fdcap: ${uf} is read only inside fdcap context ${b.ctx}`);
}

async function listen_socket(srv: Server, bind: string, port: number): Promise<number> {
  const l = srv.libc;
  const fd = l.socket(l.AF_INET, l.SOCK_STREAM | l.SOCK_NONBLOCK | l.SOCK_CLOEXEC, 0) as number;
  if (fd < 0) return -1;
  l.setsockopt_int(fd, l.SOL_SOCKET, l.SO_REUSEADDR, 1);
  l.setsockopt_int(fd, l.IPPROTO_TCP, l.TCP_NODELAY, 1);
  if ((await l.bind(fd, l.sockaddr_in(bind, port), 16)) < 0) {
    srv.errorlog.write('network.ts', `can't bind to socket: ${bind}:${port} ${l.strerror(l.errno)}`);
    return -1;
  }
  if ((await l.listen(fd, 1024)) < 0) { srv.errorlog.write('network.ts', `listen: ${l.strerror(l.errno)}`); return -1; }
  return fd;
}

function io_bufs(l: Libc): IoBufs {
  const rsize = 16384, hsize = 16384, bsize = 65536;
  return { rbuf: l.malloc(rsize), rsize, hdr: l.malloc(hsize), hsize, body: l.malloc(bsize), bsize, iov: l.malloc(64), off: l.malloc(8), iov_base: [-1, -1] };
}

function peer_ip(l: Libc, sa: number): string {
  const b = l.peek(sa + 4, 4);
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

async function server_main_loop(srv: Server, conf: LoadedConfig): Promise<number> {
  const l = srv.libc;
  const lfd = await listen_socket(srv, conf.bind, conf.port);
  if (lfd < 0) return 255;
  const epfd = l.epoll_create1(l.EPOLL_CLOEXEC) as number;
  const conns = new Map<number, Connection>();
  let listening = true;
  const set_listen = (on: boolean): void => {
    if (on === listening) return;
    listening = on;
    l.epoll_ctl_ev(epfd, on ? l.EPOLL_CTL_ADD : l.EPOLL_CTL_DEL, lfd, l.EPOLLIN, lfd);
  };
  const host: ConnHost = {
    srv, io: io_bufs(l),
    watch: (c, out) => { l.epoll_ctl_ev(epfd, l.EPOLL_CTL_MOD, c.fd, out ? l.EPOLLOUT : l.EPOLLIN | l.EPOLLRDHUP, c.fd); },
    close: (c) => {
      if (c.state === 'closed') return;
      if (c.out_file) { stat_cache_release(srv, c.out_file.sce); c.out_file = null; }
      c.state = 'closed';
      conns.delete(c.fd);
      l.shutdown(c.fd, l.SHUT_WR);
      void l.close(c.fd);
      if (conns.size < srv.max_connections) set_listen(true);
    },
  };
  l.epoll_ctl_ev(epfd, l.EPOLL_CTL_ADD, lfd, l.EPOLLIN, lfd);
  srv.errorlog.write('server.ts', `server started (${VERSION})`);
  const esz = l.EPOLL_EVENT_SIZE, doff = esz === 12 ? 4 : 8;
  const events = l.malloc(MAX_EVENTS * esz), evs = new Uint8Array(MAX_EVENTS * esz), evv = new DataView(evs.buffer);
  const sa = l.malloc(16), salen = l.malloc(4);
  let last_sweep = srv.now;
  for (;;) {
    const n = (await l.epoll_wait(epfd, events, MAX_EVENTS, 1000)) as number;
    if (n < 0 && l.errno !== l.EINTR) { srv.errorlog.write('server.ts', `epoll_wait: ${l.strerror(l.errno)}`); return 255; }
    srv.now = time_now(l);
    if (n > 0) l.peek_into(events, evs, 0, n * esz);
    for (let i = 0; i < n; i++) {
      const ev = evv.getUint32(i * esz, true), fd = evv.getUint32(i * esz + doff, true);
      if (fd === lfd) {
        while (conns.size < srv.max_connections) {
          l.poke_u32(salen, 16);
          const cfd = l.accept4(lfd, sa, salen, l.SOCK_NONBLOCK | l.SOCK_CLOEXEC) as number;
          if (cfd < 0) break;
          conns.set(cfd, new Connection(cfd, peer_ip(l, sa), srv.now));
          l.epoll_ctl_ev(epfd, l.EPOLL_CTL_ADD, cfd, l.EPOLLIN | l.EPOLLRDHUP, cfd);
        }
        if (conns.size >= srv.max_connections) set_listen(false);
        continue;
      }
      const c = conns.get(fd);
      if (!c) continue;
      if (c.state !== 'write' && ev & (l.EPOLLIN | l.EPOLLHUP | l.EPOLLERR | l.EPOLLRDHUP)) conn_read(host, c);
      const busy = conn_process(host, c);
      if (busy) await busy;
    }
    if (srv.now !== last_sweep) { last_sweep = srv.now; await sweep(srv, host, conns); }
  }
}

/**
 * Once a second: cleans the stat cache, sends answers held back by auth.delay-invalid-creds, and closes connections idle
 * past server.max-keep-alive-idle / -read-idle / -write-idle (lighttpd's timeouts).
 */
async function sweep(srv: Server, host: ConnHost, conns: Map<number, Connection>): Promise<void> {
  stat_cache_trigger_cleanup(srv);
  for (const c of [...conns.values()]) {
    if (c.delay_until && c.delay_until <= srv.now) { c.delay_until = 0; c.active = srv.now; await conn_process(host, c); continue; }
    const idle = srv.now - c.active;
    const keepalive_wait = c.state === 'read' && c.rbuf.length === 0 && c.requests > 0;
    const limit = c.state === 'write' ? srv.max_write_idle : keepalive_wait ? srv.max_keep_alive_idle : srv.max_read_idle;
    if (idle > limit) host.close(c);
  }
}
