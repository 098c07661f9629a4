/**
 * redis-lite: redis-server 7.0 ported to privos. main() parses the config (a file as first
 * argument, then --name value options), loads the AOF or RDB, listens, and runs the ae event
 * loop until SIGTERM/SIGINT or SHUTDOWN; `--kerncall yes` runs aeProcessEvents inside a
 * PrivBox, up to --kerncall-iterations iterations per kerncall_spawn.
 */
import { info_cron } from './info_fields.ts';
import type { Libc } from '../../libc/index.ts';
import { AE_READABLE, AE_WRITABLE, EventLoop } from './ae.ts';
import { Aof } from './aof.ts';
import { latin1 } from './bytes.ts';
import { handle_blocked_timeouts } from './blocked.ts';
import { broadcast_invalidations, limit_used_slots } from './tracking.ts';
import { args_to_config, default_config, load_config } from './config.ts';
import { active_expire_cycle } from './expire.ts';
import { FileBuf, read_file } from './fileio.ts';
import { Client, CLIENT_BLOCKED, CLIENT_CLOSE_AFTER_REPLY, CLIENT_CLOSE_ASAP, CLIENT_PENDING_WRITE, process_input, NET_IOBUF_LEN, read_query, reset_client, resize_query_buffer, write_to_client } from './networking.ts';
import { rdb_load } from './rdb.ts';
import { bgrewriteaof, bgsave, rdb_path, reap_child, save_rdb } from './persistence.ts';
import { Server } from './server.ts';
import { CLIENT_POSTPONED, clients_paused } from './pause.ts';
import { free_client } from './clients.ts';
import { bound_port, change_listen_port, listen_on } from './listen.ts';
import './register_all.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const config = default_config();
  let text = '', config_file = '';
  let args = argv.slice(1);
  if (args.length && !args[0].startsWith('--')) {
    config_file = args[0];
    const b = await read_file(libc, new FileBuf(libc), config_file);
    if (!b) { libc.write(2, `Fatal error, can't open config file '${config_file}': errno ${libc.errno}\n`); return 1; }
    text = latin1(b, 0, b.length) + '\n';
    args = args.slice(1);
  }
  text += args_to_config(args);
  const err = load_config(config, text);
  if (err) { libc.write(2, err + '\n'); return 1; }

  const srv = new Server(libc, config, libc.getpid() as number);
  srv.config_file = config_file;
  srv.now = srv.start_time = srv.lastsave = now_ms(libc);
  startup_log(srv);
  if ((await load_data(srv)) !== 0) return 1;

  const lfd = await listen(srv);
  if (lfd < 0) return 1;
  const el = new EventLoop(libc);
  srv.el = el;
  el.clock = () => (srv.now = now_ms(libc));
  const ubuf = libc.malloc(NET_IOBUF_LEN);
  const accept_on = (fd: number): void => { el.create_file_event(fd, AE_READABLE, () => accept_clients(srv, el, fd, ubuf)); };
  srv.lfd = lfd;
  accept_on(lfd);
  srv.change_listen_port = (port) => change_listen_port(srv, el, port, accept_on);
  el.beforesleep = () => before_sleep(srv, el, ubuf);
  el.next_deadline = () => handle_blocked_timeouts(srv);
  el.create_time_event(1000 / config.hz, () => { void cron(srv); return 1000 / srv.config.hz; });
  install_signals(srv);
  srv.log('Ready to accept connections');

  if (config.kerncall) { if ((await run_boxed(srv, el)) !== 0) return 1; }
  else while (!srv.shutdown_asap) await el.process_events();
  return shutdown(srv);
}

function now_ms(libc: Libc): number { return Math.floor((libc.clock_ns(libc.CLOCK_REALTIME) as number) / 1e6); }

function startup_log(srv: Server): void {
  const { pid, config } = srv;
  srv.log('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo', '#');
  srv.log(`Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid=${pid}, just started`, '#');
  srv.log(srv.config_file ? 'Configuration loaded' : 'Warning: no config file specified, using the default config. In order to specify a config file use /bin/redis-lite /path/to/redis.conf', '#');
  srv.log(`Running mode=standalone, port=${config.port}.`);
}

async function load_data(srv: Server): Promise<number> {
  const fake = new Client(srv, 0, -1, srv.dbs[0], 'aof-loading', '');
  if (srv.config.appendonly) {
    const aof = new Aof(srv, srv.libc);
    const err = await aof.start((argv, c) => { c.argv = argv; srv.exec(c); c.reply.len = 0; }, fake);
    if (err) { srv.log(err, '#'); return 1; }
    srv.aof = aof;
    srv.dirty = srv.dirty_at_save = 0;
    return 0;
  }
  const b = await read_file(srv.libc, new FileBuf(srv.libc), rdb_path(srv));
  if (!b) return 0;
  const r = rdb_load(b, srv.dbs, srv.now);
  if (typeof r === 'string') { srv.log(r, '#'); return 1; }
  srv.log(`DB loaded from disk: ${((now_ms(srv.libc) - srv.start_time) / 1000).toFixed(3)} seconds`);
  return 0;
}

async function listen(srv: Server): Promise<number> {
  const { port } = srv.config;
  const fd = await listen_on(srv, port);
  if (fd < 0) { srv.log(`Failed listening on port ${port} (TCP), aborting.`, '#'); return -1; }
  if (port === 0) {
    // privos departure: port 0 picks a free port (redis-server would disable TCP), and says which.
    srv.config.port = bound_port(srv, fd);
    srv.log(`Listening on port ${srv.config.port}.`);
  }
  return fd;
}

function sockaddr_str(libc: Libc, fd: number, peer: boolean, ubuf: number): string {
  libc.poke_u32(ubuf + 16, 16);
  if (((peer ? libc.getpeername(fd, ubuf, ubuf + 16) : libc.getsockname(fd, ubuf, ubuf + 16)) as number) < 0) return '?:0';
  const b = libc.peek(ubuf, 8);
  return `${b[4]}.${b[5]}.${b[6]}.${b[7]}:${(b[2] << 8) | b[3]}`;
}

function accept_clients(srv: Server, el: EventLoop, lfd: number, ubuf: number): void {
  const libc = srv.libc;
  for (;;) {
    const fd = libc.accept4(lfd, 0, 0, libc.SOCK_NONBLOCK | libc.SOCK_CLOEXEC) as number;
    if (fd < 0) return;
    srv.stat_numconnections++;
    if (srv.clients.size >= srv.config.maxclients) {
      libc.write(fd, '-ERR max number of clients reached\r\n');
      libc.close(fd);
      srv.stat_rejected_conn++;
      continue;
    }
    libc.setsockopt_int(fd, libc.IPPROTO_TCP ?? 6, 1, 1);
    const c = new Client(srv, srv.next_client_id++, fd, srv.dbs[0], sockaddr_str(libc, fd, true, ubuf), sockaddr_str(libc, fd, false, ubuf));
    c.reply.errors = srv.errstats;
    srv.clients.set(fd, c);
    el.create_file_event(fd, AE_READABLE, () => on_readable(srv, c, ubuf));
  }
}

function on_readable(srv: Server, c: Client, ubuf: number): void {
  if (!read_query(c, srv.libc, ubuf)) { free_client(srv, c); return; }
  process_input(c, srv.exec_fn);
  srv.add_pending(c);
}

/** processPendingCommandAndInputBuffer: the command CLIENT PAUSE held back runs now. */
function run_postponed(srv: Server, c: Client): void {
  c.flags &= ~CLIENT_POSTPONED;
  srv.exec(c);
  if (!(c.flags & CLIENT_BLOCKED)) reset_client(c);
}

/** beforeSleep: background jobs, unblocked clients, the AOF (before any reply), then replies. */
async function before_sleep(srv: Server, el: EventLoop, ubuf: number): Promise<void> {
  while (srv.background.length) await srv.background.shift()!();
  while (srv.unblocked.length) {
    const c = srv.unblocked.shift()!;
    c.flags &= ~0x100;
    if (srv.clients.get(c.fd) !== c) continue;
    if (c.flags & CLIENT_POSTPONED) run_postponed(srv, c);
    process_input(c, srv.exec_fn);
    srv.add_pending(c);
  }
  broadcast_invalidations(srv);
  if (srv.aof) await srv.aof.flush();
  const pending = srv.pending_writes;
  // By index, then emptied in place: no new array per iteration.
  for (let i = 0; i < pending.length; i++) {
    const c = pending[i];
    c.flags &= ~CLIENT_PENDING_WRITE;
    if (srv.clients.get(c.fd) !== c) continue;
    const r = write_to_client(c, srv.libc, ubuf, NET_IOBUF_LEN);
    if (r === null || (r && c.flags & CLIENT_CLOSE_AFTER_REPLY)) { free_client(srv, c); continue; }
    if (!r && !c.out_watch) { c.out_watch = true; el.create_file_event(c.fd, AE_WRITABLE, () => on_writable(srv, el, c, ubuf)); }
  }
  pending.length = 0;
  if (srv.to_close.length) for (const c of srv.to_close.splice(0)) if (c.flags & CLIENT_CLOSE_ASAP) free_client(srv, c);
}

function on_writable(srv: Server, el: EventLoop, c: Client, ubuf: number): void {
  const r = write_to_client(c, srv.libc, ubuf, NET_IOBUF_LEN);
  if (r === null || (r && c.flags & CLIENT_CLOSE_AFTER_REPLY)) { free_client(srv, c); return; }
  if (r) { c.out_watch = false; el.delete_file_event(c.fd, AE_WRITABLE); }
}

/**
 * clientsCron: numclients/hz clients per tick (at least 5), round robin, so each client is
 * looked at about once a second, and every tick when there are few.
 */
function clients_cron(srv: Server): void {
  const all = [...srv.clients.values()];
  if (!all.length) return;
  const n = Math.min(all.length, Math.max(5, Math.ceil(all.length / srv.config.hz)));
  for (let i = 0; i < n; i++) resize_query_buffer(all[(srv.clients_cron_pos + i) % all.length]);
  srv.clients_cron_pos = (srv.clients_cron_pos + n) % all.length;
}

/** serverCron: active expiry, everysec fsync, the background child, save points. */
async function cron(srv: Server): Promise<void> {
  clients_paused(srv); // a pause whose time is over ends here
  if (srv.active_expire) active_expire_cycle(srv, () => now_ms(srv.libc));
  if (srv.tracking.clients) limit_used_slots(srv);
  clients_cron(srv);
  info_cron(srv);
  if (srv.aof) await srv.aof.cron();
  await reap_child(srv);
  if (srv.child_pid > 0) return;
  if (srv.rdb_bgsave_scheduled) { srv.rdb_bgsave_scheduled = false; await bgsave(srv); return; }
  if (srv.aof_rewrite_scheduled) { srv.aof_rewrite_scheduled = false; await bgrewriteaof(srv); return; }
  const sp = srv.config.save.trim().split(/\s+/).filter(Boolean).map(Number);
  for (let i = 0; i + 1 < sp.length; i += 2) {
    if (srv.dirty - srv.dirty_at_save >= sp[i + 1] && srv.now - srv.lastsave >= sp[i] * 1000 && srv.dirty > srv.dirty_at_save) {
      srv.log(`${sp[i + 1]} changes in ${sp[i]} seconds. Saving...`);
      await bgsave(srv);
      return;
    }
  }
}

function install_signals(srv: Server): void {
  const libc = srv.libc;
  const handler = (sig: number): void => {
    srv.log(`Received ${sig === libc.SIGINT ? 'SIGINT' : 'SIGTERM'} scheduling shutdown...`, '#');
    srv.shutdown_asap = true;
  };
  // No SA_RESTART: epoll_wait returns EINTR and the loop sees the flag.
  libc.sigaction(libc.SIGTERM, { handler, flags: 0 });
  libc.sigaction(libc.SIGINT, { handler, flags: 0 });
  libc.signal(libc.SIGPIPE, 1);
  // privos's watchdog signals a synchronous stretch that holds the machine too long: a Lua
  // script is stopped by it (eval.ts), and the server lives on.
  libc.sigaction(libc.SIGXCPU, { handler: () => {}, flags: 0 });
}

async function run_boxed(srv: Server, el: EventLoop): Promise<number> {
  const libc = srv.libc;
  if ((await libc.kerncall_setup()) !== 0) { srv.log(`kerncall_setup failed: errno ${libc.errno}`, '#'); return 1; }
  srv.log(`kerncall: aeProcessEvents runs in a PrivBox, ${srv.config.kerncall_iterations} iterations per spawn`);
  const body = async (): Promise<number> => {
    for (let i = 0; i < srv.config.kerncall_iterations && !srv.shutdown_asap; i++) await el.process_events();
    return 0;
  };
  while (!srv.shutdown_asap) {
    const r = await libc.kerncall_spawn(body, 0);
    if (r < 0) {
      const why = libc.errno === libc.EPERM ? ' (the image is not SFI-instrumented and PrivBox is not in unsafe mode; see docs/porting-a-program.md)' : '';
      srv.log(`kerncall_spawn failed: errno ${libc.errno}${why}`, '#');
      return 1;
    }
  }
  return 0;
}

/** prepareForShutdown: the AOF flushed and fsynced, a final save if save points are set. */
async function shutdown(srv: Server): Promise<number> {
  const libc = srv.libc;
  srv.log('User requested shutdown...', '#');
  if (srv.child_pid > 0) { libc.kill(srv.child_pid, libc.SIGKILL); srv.log('There is a child saving an .rdb. Killing it!', '#'); }
  if (srv.aof) { srv.log('Calling fsync() on the AOF file.'); await srv.aof.flush(true); }
  const want_save = (srv.config.save.trim() !== '' && !srv.shutdown_flags.includes('NOSAVE')) || srv.shutdown_flags.includes(' SAVE');
  if (want_save) { srv.log('Saving the final RDB snapshot before exiting.'); if (!(await save_rdb(srv)) && !srv.shutdown_flags.includes('FORCE')) return 1; }
  for (const c of [...srv.clients.values()]) free_client(srv, c);
  if (srv.lfd >= 0) await libc.close(srv.lfd);
  srv.log('Redis is now ready to exit, bye bye...', '#');
  return 0;
}
