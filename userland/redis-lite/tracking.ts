/**
 * tracking.c: client-side caching. A tracking client's reads remember, per key, the ids of the
 * clients that may cache it; a write to the key sends each of them one invalidation (a RESP3
 * push, or a message on __redis__:invalidate to the client it redirects to) and forgets them.
 * In BCAST mode clients subscribe to key prefixes instead, and get the keys changed under them
 * once per event-loop iteration. Keys are global, not per DB, as in Redis.
 */
import { get_ll, opt } from './cmdutil.ts';
import { type Cmd, command_keys } from './commands.ts';
import type { Client } from './networking.ts';
import { SYNTAX } from './resp.ts';
import type { Server } from './server.ts';

/** Client flags of their own (client_reply.ts and monitor.ts use the bits below). */
export const CLIENT_TRACKING = 1 << 16, CLIENT_TRACKING_BROKEN_REDIR = 1 << 17, CLIENT_TRACKING_BCAST = 1 << 18;
export const CLIENT_TRACKING_OPTIN = 1 << 19, CLIENT_TRACKING_OPTOUT = 1 << 20, CLIENT_TRACKING_CACHING = 1 << 21;
export const CLIENT_TRACKING_NOLOOP = 1 << 22;
const MODE_FLAGS = CLIENT_TRACKING_BROKEN_REDIR | CLIENT_TRACKING_BCAST | CLIENT_TRACKING_OPTIN | CLIENT_TRACKING_OPTOUT | CLIENT_TRACKING_NOLOOP;

/** A BCAST prefix: its clients, and the keys changed under it since the last broadcast (with who changed them). */
interface BcastState { clients: Set<Client>; keys: Map<string, Client | null> }

export class TrackingState {
  /** key → ids of the clients that may hold it (TrackingTable). */
  table = new Map<string, Set<number>>();
  prefixes = new Map<string, BcastState>();
  clients = 0;
  /** Invalidations for the running client, sent after its reply (null: "everything", after a flush). */
  pending: (string | null)[] = [];
  /** trackingLimitUsedSlots' effort grows with each call that stays over the limit. */
  over_limit_runs = 0;
}

export function disable_tracking(c: Client): void {
  const t = c.srv.tracking;
  for (const p of c.tracking_prefixes) {
    const bs = t.prefixes.get(p);
    bs?.clients.delete(c);
    if (bs && bs.clients.size === 0) t.prefixes.delete(p);
  }
  c.tracking_prefixes.clear();
  if (c.flags & CLIENT_TRACKING) {
    t.clients--;
    c.flags &= ~(CLIENT_TRACKING | MODE_FLAGS | CLIENT_TRACKING_CACHING);
  }
}

export function enable_tracking(c: Client, redirect: number, options: number, prefixes: string[]): void {
  const t = c.srv.tracking;
  if (!(c.flags & CLIENT_TRACKING)) t.clients++;
  c.flags = (c.flags | CLIENT_TRACKING) & ~MODE_FLAGS;
  c.tracking_redir = redirect;
  if (options & CLIENT_TRACKING_BCAST) {
    c.flags |= CLIENT_TRACKING_BCAST;
    for (const p of prefixes.length ? prefixes : ['']) {
      let bs = t.prefixes.get(p);
      if (!bs) { bs = { clients: new Set(), keys: new Map() }; t.prefixes.set(p, bs); }
      bs.clients.add(c);
      c.tracking_prefixes.add(p);
    }
  }
  c.flags |= options & (CLIENT_TRACKING_OPTIN | CLIENT_TRACKING_OPTOUT | CLIENT_TRACKING_NOLOOP);
}

/** checkPrefixCollisionsOrReply: BCAST prefixes of one client must not overlap. */
export function prefix_collision(c: Client, prefixes: string[]): string | null {
  const overlap = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);
  for (let i = 0; i < prefixes.length; i++) {
    for (const p of c.tracking_prefixes) {
      if (overlap(p, prefixes[i])) return `Prefix '${prefixes[i]}' overlaps with an existing prefix '${p}'. Prefixes for a single client must not overlap.`;
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlap(prefixes[i], prefixes[j])) return `Prefix '${prefixes[i]}' overlaps with another provided prefix '${prefixes[j]}'. Prefixes for a single client must not overlap.`;
    }
  }
  return null;
}

/** trackingRememberKeys: after a read-only command of a (non-BCAST) tracking client. */
export function remember_keys(c: Client, cmd: Cmd): void {
  const optin = c.flags & CLIENT_TRACKING_OPTIN, optout = c.flags & CLIENT_TRACKING_OPTOUT, caching = c.flags & CLIENT_TRACKING_CACHING;
  if ((optin && !caching) || (optout && caching) || cmd.group === 'pubsub') return;
  const table = c.srv.tracking.table;
  for (const k of command_keys(cmd, c.argv)) {
    let ids = table.get(k);
    if (!ids) { ids = new Set(); table.set(k, ids); }
    ids.add(c.id);
  }
}

function client_by_id(srv: Server, id: number): Client | undefined {
  for (const x of srv.clients.values()) if (x.id === id) return x;
  return undefined;
}

/**
 * sendTrackingMessage: `keys` is the invalidated key names, or null for "all keys" (a flush).
 * RESP3 gets a push; a RESP2 client can only get them through a redirect to a subscriber.
 */
function send_invalidation(c: Client, keys: string[] | null): void {
  let to = c;
  if (c.tracking_redir) {
    const redir = client_by_id(c.srv, c.tracking_redir);
    if (!redir) {
      c.flags |= CLIENT_TRACKING_BROKEN_REDIR;
      if (c.resp > 2) { c.reply.raw('>2\r\n'); c.reply.bulk('tracking-redir-broken'); c.reply.int(c.tracking_redir); c.srv.add_pending(c); }
      return;
    }
    to = redir;
  }
  const r = to.reply;
  if (to.resp > 2) { r.raw('>2\r\n'); r.bulk('invalidate'); }
  else if (to !== c && to.channels.has('__redis__:invalidate')) { r.array(3); r.bulk('message'); r.bulk('__redis__:invalidate'); }
  else return;
  if (keys) r.bulks(keys, keys.length); else r.nil();
  c.srv.add_pending(to);
}

/** trackingInvalidateKey: called for every modified key (signalModifiedKey). */
export function invalidate_key(srv: Server, key: string, bcast = true): void {
  const t = srv.tracking;
  if (bcast && t.prefixes.size) {
    for (const [p, bs] of t.prefixes) if (key.startsWith(p)) bs.keys.set(key, srv.current_client);
  }
  const ids = t.table.get(key);
  if (!ids) return;
  t.table.delete(key);
  for (const id of ids) {
    const target = client_by_id(srv, id);
    if (!target || !(target.flags & CLIENT_TRACKING) || target.flags & CLIENT_TRACKING_BCAST) continue;
    if (target === srv.current_client) {
      if (target.flags & CLIENT_TRACKING_NOLOOP) continue;
      // Its own write: the invalidation follows the command's reply.
      t.pending.push(key);
    } else send_invalidation(target, [key]);
  }
}

/** trackingInvalidateKeysOnFlush: every tracking client is told "all keys" (a null). */
export function invalidate_all(srv: Server): void {
  const t = srv.tracking;
  for (const c of srv.clients.values()) {
    if (!(c.flags & CLIENT_TRACKING)) continue;
    if (c === srv.current_client) t.pending.push(null); else send_invalidation(c, null);
  }
  t.table.clear();
}

/** trackingHandlePendingKeyInvalidations: after the running command replied. */
export function flush_pending(srv: Server, c: Client): void {
  const t = srv.tracking;
  if (!t.pending.length) return;
  for (const k of t.pending) send_invalidation(c, k === null ? null : [k]);
  t.pending = [];
}

/** trackingBroadcastInvalidationMessages: once per event-loop iteration. */
export function broadcast_invalidations(srv: Server): void {
  const t = srv.tracking;
  if (!t.clients) return;
  for (const bs of t.prefixes.values()) {
    if (!bs.keys.size) continue;
    for (const c of bs.clients) {
      // NOLOOP: keys this client changed last are left out.
      const keys = [...bs.keys].filter(([, by]) => !(c.flags & CLIENT_TRACKING_NOLOOP) || by !== c).map(([k]) => k);
      if (keys.length) send_invalidation(c, keys);
    }
    bs.keys = new Map();
  }
}

/** trackingLimitUsedSlots: over tracking-table-max-keys, forget keys (telling their clients). */
export function limit_used_slots(srv: Server): void {
  const t = srv.tracking, max = srv.config.tracking_table_max_keys;
  if (max === 0 || t.table.size <= max) { t.over_limit_runs = 0; return; }
  let effort = 100 * (t.over_limit_runs + 1);
  for (const key of [...t.table.keys()]) {
    if (effort-- <= 0) break;
    invalidate_key(srv, key, false);
    if (t.table.size <= max) { t.over_limit_runs = 0; return; }
  }
  t.over_limit_runs++;
}

export function total_items(t: TrackingState): number {
  let n = 0;
  for (const ids of t.table.values()) n += ids.size;
  return n;
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p …] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
export function client_tracking(c: Client): void {
  let redir = 0, options = 0;
  const prefixes: string[] = [];
  for (let j = 3; j < c.argv.length; j++) {
    const a = c.argv[j], more = j + 1 < c.argv.length;
    if (opt(a, 'REDIRECT') && more) {
      if (redir) { c.reply.error('A client can only redirect to a single other client'); return; }
      const id = get_ll(c, c.argv[++j]);
      if (id === null) return;
      if (!client_by_id(c.srv, Number(id))) { c.reply.error('The client ID you want redirect to does not exist'); return; }
      redir = Number(id);
    } else if (opt(a, 'BCAST')) options |= CLIENT_TRACKING_BCAST;
    else if (opt(a, 'OPTIN')) options |= CLIENT_TRACKING_OPTIN;
    else if (opt(a, 'OPTOUT')) options |= CLIENT_TRACKING_OPTOUT;
    else if (opt(a, 'NOLOOP')) options |= CLIENT_TRACKING_NOLOOP;
    else if (opt(a, 'PREFIX') && more) prefixes.push(c.argv[++j]);
    else { c.reply.error(SYNTAX); return; }
  }
  if (opt(c.argv[2], 'OFF')) { disable_tracking(c); c.reply.ok(); return; }
  if (!opt(c.argv[2], 'ON')) { c.reply.error(SYNTAX); return; }
  const err = tracking_on_error(c, options, prefixes);
  if (err) { c.reply.error(err); return; }
  enable_tracking(c, redir, options, prefixes);
  c.reply.ok();
}

/** The checks CLIENT TRACKING ON makes before changing anything. */
function tracking_on_error(c: Client, options: number, prefixes: string[]): string | null {
  const bcast = options & CLIENT_TRACKING_BCAST, optin = options & CLIENT_TRACKING_OPTIN, optout = options & CLIENT_TRACKING_OPTOUT;
  if (!bcast && prefixes.length) return 'PREFIX option requires BCAST mode to be enabled';
  if (c.flags & CLIENT_TRACKING && !!(c.flags & CLIENT_TRACKING_BCAST) !== !!bcast) {
    return "You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
  }
  if (bcast && (optin || optout)) return 'OPTIN and OPTOUT are not compatible with BCAST';
  if (optin && optout) return "You can't specify both OPTIN mode and OPTOUT mode";
  if ((optin && c.flags & CLIENT_TRACKING_OPTOUT) || (optout && c.flags & CLIENT_TRACKING_OPTIN)) {
    return "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
  }
  return bcast ? prefix_collision(c, prefixes) : null;
}

/** CLIENT CACHING YES|NO: the next command's keys are (OPTIN) or are not (OPTOUT) tracked. */
export function client_caching(c: Client): void {
  if (!(c.flags & CLIENT_TRACKING)) { c.reply.error('CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled'); return; }
  const yes = opt(c.argv[2], 'YES');
  if (!yes && !opt(c.argv[2], 'NO')) { c.reply.error(SYNTAX); return; }
  if (!(c.flags & (yes ? CLIENT_TRACKING_OPTIN : CLIENT_TRACKING_OPTOUT))) {
    c.reply.error(`CLIENT CACHING ${yes ? 'YES' : 'NO'} is only valid when tracking is enabled in ${yes ? 'OPTIN' : 'OPTOUT'} mode.`);
    return;
  }
  c.flags |= CLIENT_TRACKING_CACHING;
  c.reply.ok();
}

export function client_getredir(c: Client): void { c.reply.int(c.flags & CLIENT_TRACKING ? c.tracking_redir : -1); }

/** CLIENT TRACKINGINFO: flags (a set), redirect, prefixes. */
export function client_trackinginfo(c: Client): void {
  const f = c.flags, flags = [f & CLIENT_TRACKING ? 'on' : 'off'];
  if (f & CLIENT_TRACKING_BCAST) flags.push('bcast');
  if (f & CLIENT_TRACKING_OPTIN) { flags.push('optin'); if (f & CLIENT_TRACKING_CACHING) flags.push('caching-yes'); }
  if (f & CLIENT_TRACKING_OPTOUT) { flags.push('optout'); if (f & CLIENT_TRACKING_CACHING) flags.push('caching-no'); }
  if (f & CLIENT_TRACKING_NOLOOP) flags.push('noloop');
  if (f & CLIENT_TRACKING_BROKEN_REDIR) flags.push('broken_redirect');
  c.reply.map(3);
  c.reply.bulk('flags');
  if (c.resp > 2) { c.reply.raw(`~${flags.length}\r\n`); for (const x of flags) c.reply.bulk(x); } else c.reply.bulks(flags, flags.length);
  c.reply.bulk('redirect');
  c.reply.int(f & CLIENT_TRACKING ? c.tracking_redir : -1);
  c.reply.bulk('prefixes');
  const ps = [...c.tracking_prefixes].sort();
  c.reply.bulks(ps, ps.length);
}

/** CLIENT LIST's tracking flags, in catClientInfoString's order after b. */
export function tracking_flags(c: Client): string {
  return (c.flags & CLIENT_TRACKING ? 't' : '') + (c.flags & CLIENT_TRACKING_BROKEN_REDIR ? 'R' : '') + (c.flags & CLIENT_TRACKING_BCAST ? 'B' : '');
}
