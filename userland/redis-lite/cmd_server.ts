/**
 * The connection and server commands (server.c, networking.c, config.c): PING/ECHO/QUIT/
 * RESET/HELLO/AUTH, CLIENT …, CONFIG …, TIME, SHUTDOWN, DEBUG (a few subcommands) and
 * FUNCTION FLUSH (so the test suite's per-test reset works; there is no scripting).
 */
import { client_reply, client_unblock, CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP_NEXT } from './client_reply.ts';
import { get_int, get_range, opt } from './cmdutil.ts';
import { container, register } from './commands.ts';
import { config_get, config_set } from './config.ts';
import { CLIENT_MONITOR, monitor_cmd, monitor_stop } from './monitor.ts';
import { type Client, CLIENT_CLOSE_AFTER_REPLY, CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC, CLIENT_MULTI, CLIENT_PUBSUB } from './networking.ts';
import { unwatch_all } from './multi.ts';
import { unsubscribe } from './pubsub.ts';
import { SYNTAX } from './resp.ts';
import { client_caching, client_getredir, client_tracking, client_trackinginfo, CLIENT_TRACKING, disable_tracking, tracking_flags } from './tracking.ts';
import { client_pause, client_unpause } from './pause.ts';

function ping(c: Client): void {
  if (c.argv.length > 2) { c.reply.error("wrong number of arguments for 'ping' command"); return; }
  if (c.flags & CLIENT_PUBSUB) { c.reply.array(2); c.reply.bulk('pong'); c.reply.bulk(c.argv[1] ?? ''); return; }
  if (c.argv.length === 2) c.reply.bulk(c.argv[1]); else c.reply.status('PONG');
}

function hello(c: Client): void {
  let i = 1;
  if (c.argv.length >= 2) {
    const v = get_int(c, c.argv[1], 'Protocol version is not an integer or out of range');
    if (v === null) return;
    if (v !== 2 && v !== 3) { c.reply.error('-NOPROTO unsupported protocol version'); return; }
    i = 2;
  }
  const proto = c.argv.length >= 2 ? Number(c.argv[1]) : c.resp;
  for (; i < c.argv.length; i++) {
    if (opt(c.argv[i], 'AUTH') && i + 2 < c.argv.length) i += 2;
    else if (opt(c.argv[i], 'SETNAME') && i + 1 < c.argv.length) { if (!set_name(c, c.argv[++i])) return; }
    else { c.reply.error(`Syntax error in HELLO option '${c.argv[i]}'`); return; }
  }
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

function set_name(c: Client, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) { c.reply.error('Client names cannot contain spaces, newlines or special characters.'); return false; }
  }
  c.name = name;
  return true;
}

/** One CLIENT LIST line, with the fields Redis 7.0 prints. */
export function client_info(c: Client): string {
  const srv = c.srv, now = srv.now;
  let flags = '';
  if (c.flags & CLIENT_MONITOR) flags += 'O';
  if (c.flags & CLIENT_PUBSUB) flags += 'P';
  if (c.flags & CLIENT_MULTI) flags += 'x';
  if (c.bpop) flags += 'b';
  flags += tracking_flags(c);
  if (c.flags & CLIENT_CLOSE_AFTER_REPLY) flags += 'c';
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} age=${Math.floor((now - c.ctime) / 1000)} ` +
    `idle=${Math.floor((now - c.last_interaction) / 1000)} flags=${flags || 'N'} db=${c.db.id} sub=${c.channels.size} ` +
    `psub=${c.patterns.size} ssub=0 multi=${c.flags & CLIENT_MULTI ? c.mstate.length : -1} qbuf=${c.qlen} ` +
    `qbuf-free=${c.qbuf.length - c.qlen} argv-mem=0 multi-mem=0 rbs=${c.reply.buf.length} rbp=${c.reply.len} obl=${c.reply.len} ` +
    `oll=0 omem=0 tot-mem=${c.qbuf.length + c.reply.buf.length} events=r cmd=${c.last_cmd} user=default redir=${c.flags & CLIENT_TRACKING ? c.tracking_redir : -1} resp=${c.resp}`;
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
  let id = -1, addr: string | null = null, laddr: string | null = null, skipme = true, type: string | null = null;
  for (let i = 2; i < c.argv.length; i += 2) {
    const o = c.argv[i].toUpperCase(), v = c.argv[i + 1];
    if (o === 'ID') { const n = get_range(c, v, 1, Number.MAX_SAFE_INTEGER, 'client-id should be greater than 0'); if (n === null) return; id = n; }
    else if (o === 'ADDR') addr = v;
    else if (o === 'LADDR') laddr = v;
    else if (o === 'SKIPME') { if (!/^(yes|no)$/i.test(v)) { c.reply.error(SYNTAX); return; } skipme = v.toLowerCase() === 'yes'; }
    else if (o === 'TYPE') {
      type = v.toLowerCase();
      if (!CLIENT_TYPES.includes(type)) { c.reply.error(`Unknown client type '${v}'`); return; }
    } else if (o === 'USER') { if (v !== 'default') { c.reply.error(`No such user '${v}'`); return; } }
    else { c.reply.error(SYNTAX); return; }
  }
  let n = 0;
  for (const x of [...srv.clients.values()]) {
    if ((id >= 0 && x.id !== id) || (addr && x.addr !== addr) || (laddr && x.laddr !== laddr) || (skipme && x === c)) continue;
    if (type !== null && type !== (x.flags & CLIENT_PUBSUB ? 'pubsub' : 'normal')) continue;
    srv.kill_client(x); n++;
  }
  c.reply.int(n);
}

function config_get_cmd(c: Client): void {
  const pairs = config_get(c.srv.config, c.argv.slice(2));
  c.reply.map(pairs.length);
  for (const [k, v] of pairs) { c.reply.bulk(k); c.reply.bulk(v); }
}

function config_set_cmd(c: Client): void {
  if (c.argv.length % 2 !== 0) { c.reply.error("wrong number of arguments for 'config|set' command"); return; }
  const saved = c.argv.slice(2).map((_, i, a) => (i % 2 === 0 ? config_get(c.srv.config, [a[i]])[0] : null)).filter((x) => x) as [string, string][];
  for (let i = 2; i < c.argv.length; i += 2) {
    const err = config_set(c.srv.config, c.argv[i], c.argv[i + 1]);
    if (err) {
      for (const [k, v] of saved) config_set(c.srv.config, k, v);
      c.reply.error(err.startsWith('Unknown') ? err : `CONFIG SET failed (possibly related to argument '${c.argv[i]}') - ${err.replace(/^Invalid argument .* - /, '')}`);
      return;
    }
  }
  c.srv.config_changed();
  c.reply.ok();
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
  for (const ch of [...c.channels]) unsubscribe(c, 'channels', ch, false);
  for (const p of [...c.patterns]) unsubscribe(c, 'patterns', p, false);
  c.db = c.srv.dbs[0];
  c.name = '';
  c.reply.status('RESET');
}

function debug_sleep(c: Client): void {
  const s = Number(c.argv[2]);
  if (!Number.isFinite(s) || s < 0) { c.reply.error('value is not a valid float'); return; }
  c.srv.background.push(async () => { await c.srv.libc.nanosleep(Math.round(s * 1e9)); c.reply.ok(); c.srv.add_pending(c); return true; });
}

register('connection', [
  ['ping', -1, 'fast nokeys', ping],
  ['monitor', 1, 'admin noscript loading stale nokeys', monitor_cmd],
  ['echo', 2, 'fast nokeys', (c) => c.reply.bulk(c.argv[1])],
  ['quit', -1, 'allow_busy fast nokeys', (c) => { c.reply.ok(); c.flags |= CLIENT_CLOSE_AFTER_REPLY; }],
  ['reset', 1, 'noscript loading stale fast nokeys', reset],
  ['hello', -1, 'noscript loading stale fast nokeys', hello],
  ['auth', -2, 'noscript loading stale fast nokeys', (c) => {
    if (!c.srv.config.requirepass) c.reply.error('AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    else if (c.argv[c.argv.length - 1] === c.srv.config.requirepass) c.reply.ok();
    else c.reply.error('-WRONGPASS invalid username-password pair or user is disabled.');
  }],
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
    ['setinfo', 4, 'noscript loading stale nokeys', (c) => c.reply.ok()],
    ['tracking', -3, 'noscript loading stale nokeys', client_tracking],
    ['caching', 3, 'noscript loading stale nokeys', client_caching],
    ['getredir', 2, 'noscript loading stale nokeys', client_getredir],
    ['trackinginfo', 2, 'noscript loading stale nokeys', client_trackinginfo],
    ['no-evict', 3, 'admin noscript loading stale nokeys', (c) => c.reply.ok()],
    ['help', 2, 'loading stale nokeys', (c) => c.reply.bulks(['CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'GETNAME', 'ID', 'INFO', 'KILL <ip:port>', 'LIST', 'SETNAME <name>', 'HELP'], 8)],
  ]),
]);

register('server', [
  ['time', 1, 'loading stale fast nokeys', (c) => {
    const us = Math.floor(c.srv.libc.clock_ns(c.srv.libc.CLOCK_REALTIME) as number / 1000);
    c.reply.array(2); c.reply.bulk(String(Math.floor(us / 1e6))); c.reply.bulk(String(us % 1e6));
  }],
  ['shutdown', -1, 'admin noscript loading stale nokeys', shutdown],
  container('server', 'config', [
    ['get', -3, 'admin noscript loading stale nokeys', config_get_cmd],
    ['set', -4, 'admin noscript loading stale nokeys', config_set_cmd],
    ['resetstat', 2, 'admin noscript loading stale nokeys', (c) => { c.srv.reset_stats(); c.reply.ok(); }],
    ['rewrite', 2, 'admin noscript loading stale nokeys', (c) => c.reply.error('The server is running without a config file')],
    ['help', 2, 'loading stale nokeys', (c) => c.reply.bulks(['CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'GET <pattern>', 'SET <directive> <value>', 'RESETSTAT', 'HELP'], 5)],
  ]),
  container('server', 'debug', [
    ['sleep', 3, 'admin noscript loading stale nokeys', debug_sleep],
    ['set-active-expire', 3, 'admin noscript loading stale nokeys', (c) => { c.srv.active_expire = c.argv[2] !== '0'; c.reply.ok(); }],
  ]),
  container('scripting', 'function', [
    ['flush', -2, 'write noscript nokeys', (c) => c.reply.ok()],
    ['list', -2, 'noscript nokeys', (c) => c.reply.array(0)],
  ]),
]);
