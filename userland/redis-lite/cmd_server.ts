/**
 * The connection and server commands (server.c, networking.c, config.c): PING/ECHO/QUIT/
 * RESET/HELLO/AUTH, CLIENT …, CONFIG …, TIME, SHUTDOWN, DEBUG (a few subcommands) and
 * FUNCTION FLUSH (so the test suite's per-test reset works; there is no scripting).
 */
import { reply_help } from './help.ts';
import { client_reply, client_unblock, CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP_NEXT } from './client_reply.ts';
import { get_int, get_range, opt } from './cmdutil.ts';
import { authenticate, WRONGPASS } from './cmd_acl.ts';
import { client_info } from './clients.ts';
import { container, register } from './commands.ts';
import { config_canonical, config_get, config_set, config_set_refused } from './config.ts';
import { CLIENT_MONITOR, monitor_cmd, monitor_stop } from './monitor.ts';
import { type Client, CLIENT_CLOSE_AFTER_REPLY, CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC, CLIENT_MULTI, CLIENT_PUBSUB } from './networking.ts';
import { unwatch_all } from './multi.ts';
import { unsubscribe_all } from './pubsub.ts';
import { SYNTAX } from './resp.ts';
import { client_caching, client_getredir, client_tracking, client_trackinginfo, CLIENT_TRACKING, disable_tracking, tracking_flags } from './tracking.ts';
import { client_pause, client_unpause } from './pause.ts';

function ping(c: Client): void {
  if (c.argv.length > 2) { c.reply.error("wrong number of arguments for 'ping' command"); return; }
  if (c.flags & CLIENT_PUBSUB) { c.reply.array(2); c.reply.bulk('pong'); c.reply.bulk(c.argv[1] ?? ''); return; }
  if (c.argv.length === 2) c.reply.bulk(c.argv[1]); else c.reply.status('PONG');
}

function hello(c: Client): void {
  let i = 1, name: string | null = null, auth: [string, string] | null = null;
  if (c.argv.length >= 2) {
    const v = get_int(c, c.argv[1], 'Protocol version is not an integer or out of range');
    if (v === null) return;
    if (v !== 2 && v !== 3) { c.reply.error('-NOPROTO unsupported protocol version'); return; }
    i = 2;
  }
  const proto = c.argv.length >= 2 ? Number(c.argv[1]) : c.resp;
  for (; i < c.argv.length; i++) {
    if (opt(c.argv[i], 'AUTH') && i + 2 < c.argv.length) { auth = [c.argv[i + 1], c.argv[i + 2]]; i += 2; }
    else if (opt(c.argv[i], 'SETNAME') && i + 1 < c.argv.length) { name = c.argv[++i]; if (!valid_name(c, name)) return; }
    else { c.reply.error(`Syntax error in HELLO option '${c.argv[i]}'`); return; }
  }
  if (auth && !authenticate(c, auth[0], auth[1])) { c.reply.error(WRONGPASS); return; }
  if (!c.authenticated) { c.reply.error(HELLO_NOAUTH); return; }
  if (name !== null) c.name = name;
  c.resp = c.reply.resp = proto;
  c.reply.map(7);
  c.reply.bulk('server'); c.reply.bulk('redis');
  c.reply.bulk('version'); c.reply.bulk('7.0.15');
  c.reply.bulk('proto'); c.reply.int(proto);
  c.reply.bulk('id'); c.reply.int(c.id);
  c.reply.bulk('mode'); c.reply.bulk('standalone');
  c.reply.bulk('role'); c.reply.bulk('master');
  c.reply.bulk('modules'); c.reply.array(0);
}

const HELLO_NOAUTH = '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';

function valid_name(c: Client, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) { c.reply.error('Client names cannot contain spaces, newlines or special characters.'); return false; }
  }
  return true;
}

function set_name(c: Client, name: string): boolean {
  if (!valid_name(c, name)) return false;
  c.name = name;
  return true;
}

/** getClientTypeByName's names; redis-lite's clients are all normal or pubsub (no replication). */
const CLIENT_TYPES = ['normal', 'slave', 'replica', 'pubsub', 'master'];

/** CLIENT KILL addr | [ID id] [ADDR a] [LADDR a] [SKIPME yes/no] [TYPE t] [USER u]. */
function client_kill(c: Client): void {
  const srv = c.srv;
  if (c.argv.length === 3) {
    const victim = [...srv.clients.values()].find((x) => x.addr === c.argv[2]);
    if (!victim) { c.reply.error('No such client'); return; }
    srv.kill_client(victim);
    c.reply.ok();
    return;
  }
  if (c.argv.length % 2 !== 0) { c.reply.error(SYNTAX); return; }
  let id = -1, addr: string | null = null, laddr: string | null = null, skipme = true, type: string | null = null, user: string | null = null;
  for (let i = 2; i < c.argv.length; i += 2) {
    const o = c.argv[i].toUpperCase(), v = c.argv[i + 1];
    if (o === 'ID') { const n = get_range(c, v, 1, Number.MAX_SAFE_INTEGER, 'client-id should be greater than 0'); if (n === null) return; id = n; }
    else if (o === 'ADDR') addr = v;
    else if (o === 'LADDR') laddr = v;
    else if (o === 'SKIPME') { if (!/^(yes|no)$/i.test(v)) { c.reply.error(SYNTAX); return; } skipme = v.toLowerCase() === 'yes'; }
    else if (o === 'TYPE') {
      type = v.toLowerCase();
      if (!CLIENT_TYPES.includes(type)) { c.reply.error(`Unknown client type '${v}'`); return; }
    } else if (o === 'USER') { if (!srv.acl.users.has(v)) { c.reply.error(`No such user '${v}'`); return; } user = v; }
    else { c.reply.error(SYNTAX); return; }
  }
  let n = 0;
  for (const x of [...srv.clients.values()]) {
    if ((id >= 0 && x.id !== id) || (addr && x.addr !== addr) || (laddr && x.laddr !== laddr) || (skipme && x === c)) continue;
    if (type !== null && type !== (x.flags & CLIENT_PUBSUB ? 'pubsub' : 'normal')) continue;
    if (user !== null && x.user.name !== user) continue;
    srv.kill_client(x); n++;
  }
  c.reply.int(n);
}

function config_get_cmd(c: Client): void {
  const pairs = config_get(c.srv.config, c.argv.slice(2));
  c.reply.map(pairs.length);
  for (const [k, v] of pairs) { c.reply.bulk(k); c.reply.bulk(v); }
}

/** configSetCommand's checks before setting anything: the first unknown, immutable or repeated parameter's error, or null. */
function config_set_check(argv: string[]): string | null {
  const seen: string[] = [];
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i], canon = config_canonical(name);
    if (canon === null) return `Unknown option or number of arguments for CONFIG SET - '${name}'`;
    const no = config_set_refused(canon) ?? (seen.includes(canon) ? 'duplicate parameter' : null);
    if (no) return `CONFIG SET failed (possibly related to argument '${name}') - ${no}`;
    seen.push(canon);
  }
  return null;
}

function config_set_cmd(c: Client): void {
  if (c.argv.length % 2 !== 0) { c.reply.error(SYNTAX); return; }
  const refused = config_set_check(c.argv);
  if (refused) { c.reply.error(refused); return; }
  const srv = c.srv, saved = c.argv.slice(2).map((_, i, a) => (i % 2 === 0 ? config_get(srv.config, [a[i]])[0] : null)).filter((x) => x) as [string, string][];
  const restore = (): void => { for (const [k, v] of saved) config_set(srv.config, k, v); };
  const old_port = srv.config.port;
  for (let i = 2; i < c.argv.length; i += 2) {
    const err = config_set(srv.config, c.argv[i], c.argv[i + 1]);
    if (err) {
      restore();
      c.reply.error(err.startsWith('Unknown') ? err : `CONFIG SET failed (possibly related to argument '${c.argv[i]}') - ${err.replace(/^Invalid argument .* - /, '')}`);
      return;
    }
  }
  const port = srv.config.port;
  if (port === old_port || !srv.change_listen_port) { srv.config_changed(); c.reply.ok(); return; }
  // updatePort's apply: the listener moves, or everything set here is rolled back.
  const move = srv.change_listen_port;
  srv.block_on(c, async () => {
    if (await move(port)) { srv.config_changed(); c.reply.ok(); return; }
    restore();
    const arg = c.argv.find((a, i) => i >= 2 && i % 2 === 0 && config_canonical(a) === 'port');
    c.reply.error(`CONFIG SET failed (possibly related to argument '${arg}') - Unable to listen on this port. Check server logs.`);
  });
}

function shutdown(c: Client): void {
  let flags = '';
  for (let i = 1; i < c.argv.length; i++) {
    const o = c.argv[i].toUpperCase();
    if (['NOSAVE', 'SAVE', 'NOW', 'FORCE', 'ABORT'].includes(o)) flags += ` ${o}`;
    else { c.reply.error(SYNTAX); return; }
  }
  if (flags.includes('ABORT')) { c.reply.error('No shutdown in progress.'); return; }
  c.srv.shutdown_asap = true;
  c.srv.shutdown_flags = flags;
}

/** resetCommand (clearClientConnectionState): back to a new connection's state. */
function reset(c: Client): void {
  monitor_stop(c);
  disable_tracking(c);
  c.mstate = [];
  c.resp = 2;
  c.flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC | CLIENT_PUBSUB | CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT);
  unwatch_all(c);
  unsubscribe_all(c);
  c.db = c.srv.dbs[0];
  c.name = '';
  c.set_default_auth();
  c.reply.status('RESET');
}

/** debugCommand: one command whose first argument picks the action (not a container in Redis). */
function debug(c: Client): void {
  const sub = c.argv[1].toLowerCase();
  if (sub === 'sleep' && c.argv.length === 3) debug_sleep(c);
  else if (sub === 'set-active-expire' && c.argv.length === 3) { c.srv.active_expire = c.argv[2] !== '0'; c.reply.ok(); }
  else if (sub === 'help' && c.argv.length === 2) reply_help(c, 'DEBUG');
  else c.reply.error(`unknown subcommand or wrong number of arguments for '${c.argv[1].slice(0, 128)}'. Try DEBUG HELP.`);
}

function debug_sleep(c: Client): void {
  const s = Number(c.argv[2]);
  if (!Number.isFinite(s) || s < 0) { c.reply.error('value is not a valid float'); return; }
  c.srv.block_on(c, async () => { await c.srv.libc.nanosleep(Math.round(s * 1e9)); c.reply.ok(); });
}

register('connection', [
  ['ping', -1, 'fast nokeys', ping],
  ['echo', 2, 'loading stale fast nokeys', (c) => c.reply.bulk(c.argv[1])],
  ['quit', -1, 'noscript loading stale fast no_auth allow_busy nokeys', (c) => { c.reply.ok(); c.flags |= CLIENT_CLOSE_AFTER_REPLY; }],
  ['reset', 1, 'noscript loading stale fast no_auth allow_busy nokeys', reset],
  ['hello', -1, 'noscript loading stale fast no_auth allow_busy nokeys', hello],
  container('connection', 'client', [
    ['id', 2, 'noscript loading stale nokeys', (c) => c.reply.int(c.id)],
    ['setname', 3, 'noscript loading stale nokeys', (c) => { if (set_name(c, c.argv[2])) c.reply.ok(); }],
    ['getname', 2, 'noscript loading stale nokeys', (c) => { if (c.name) c.reply.bulk(c.name); else c.reply.nil(); }],
    ['list', -2, 'admin noscript loading stale nokeys', (c) => c.reply.bulk([...c.srv.clients.values()].map((x) => client_info(x) + '\n').join(''))],
    ['info', 2, 'noscript loading stale nokeys', (c) => c.reply.bulk(client_info(c) + '\n')],
    ['kill', -3, 'admin noscript loading stale nokeys', client_kill],
    ['reply', 3, 'noscript loading stale nokeys', client_reply],
    ['unblock', -3, 'admin noscript loading stale nokeys', client_unblock],
    ['pause', -3, 'admin noscript loading stale nokeys', client_pause],
    ['unpause', 2, 'admin noscript loading stale nokeys', client_unpause],
    ['tracking', -3, 'noscript loading stale nokeys', client_tracking],
    ['caching', 3, 'noscript loading stale nokeys', client_caching],
    ['getredir', 2, 'noscript loading stale nokeys', client_getredir],
    ['trackinginfo', 2, 'noscript loading stale nokeys', client_trackinginfo],
    // Client eviction (maxmemory-clients) is not modelled; the flag is checked and kept off the books.
    ['no-evict', 3, 'admin noscript loading stale nokeys', (c) => { if (/^(on|off)$/i.test(c.argv[2])) c.reply.ok(); else c.reply.error(SYNTAX); }],
    ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'CLIENT')],
  ]),
]);

register('server', [
  ['monitor', 1, 'admin noscript loading stale nokeys', monitor_cmd],
  ['time', 1, 'loading stale fast nokeys', (c) => {
    const us = Math.floor(c.srv.libc.clock_ns(c.srv.libc.CLOCK_REALTIME) as number / 1000);
    c.reply.array(2); c.reply.bulk(String(Math.floor(us / 1e6))); c.reply.bulk(String(us % 1e6));
  }],
  ['shutdown', -1, 'admin noscript loading stale no_multi allow_busy nokeys', shutdown],
  container('server', 'config', [
    ['get', -3, 'admin noscript loading stale nokeys', config_get_cmd],
    ['set', -4, 'admin noscript loading stale nokeys', config_set_cmd],
    ['resetstat', 2, 'admin noscript loading stale nokeys', (c) => { c.srv.reset_stats(); c.reply.ok(); }],
    ['rewrite', 2, 'admin noscript loading stale nokeys', (c) => c.reply.error('The server is running without a config file')],
    ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'CONFIG')],
  ]),
  ['debug', -2, 'admin noscript loading stale protected nokeys', debug],
]);
