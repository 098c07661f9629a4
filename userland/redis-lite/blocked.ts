/**
 * blocked.c: clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, …). A blocked client waits in
 * FIFO order per key; after every command the keys that received data are served in order,
 * each client by the callback its command left; timeouts are checked before each sleep.
 */
import { get_double } from './cmdutil.ts';
import { lookup_command } from './commands.ts';
import { type Client, CLIENT_BLOCKED, CLIENT_UNBLOCKED } from './networking.ts';
import type { Server } from './server.ts';
import { slowlog_push } from './slowlog.ts';
import { flush_pending } from './tracking.ts';

/**
 * getTimeoutFromObjectOrReply: seconds (a float) → absolute ms, 0 for "forever"; null after an
 * error. The milliseconds are `(long long)(ftval * 1000.0)`: truncated toward zero (so under a
 * millisecond means forever), and past the range x86's conversion gives LLONG_MIN (negative).
 */
export function parse_timeout(c: Client, arg: string): number | null {
  const t = get_double(c, arg, 'timeout is not a float or out of range');
  if (t === null) return null;
  const ms = t * 1000, tval = Number.isNaN(ms) || Math.abs(ms) >= 2 ** 63 ? -1 : Math.trunc(ms);
  if (tval < 0) { c.reply.error('timeout is negative'); return null; }
  if (tval > 2 ** 63 - c.srv.now) { c.reply.error('timeout is out of range'); return null; }
  return tval > 0 ? c.srv.now + tval : 0;
}

export function block_for_keys(c: Client, keys: string[], timeout: number, proc: (c: Client, key: string) => boolean | null): void {
  c.flags |= CLIENT_BLOCKED;
  c.bpop = { keys: [...new Set(keys)], timeout, proc };
  for (const k of c.bpop.keys) {
    const id = `${c.db.id}\0${k}`;
    const q = c.srv.blocking_keys.get(id);
    if (q) q.push(c); else c.srv.blocking_keys.set(id, [c]);
  }
  c.srv.blocked_clients.add(c);
}

/** Removes the client from every key's queue; its pipelined input is processed next. */
export function unblock(c: Client): void {
  const srv = c.srv;
  for (const k of c.bpop?.keys ?? []) {
    const id = `${c.db.id}\0${k}`, q = srv.blocking_keys.get(id);
    if (!q) continue;
    const i = q.indexOf(c);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) srv.blocking_keys.delete(id);
  }
  c.bpop = null;
  c.flags = (c.flags & ~CLIENT_BLOCKED) | CLIENT_UNBLOCKED;
  srv.blocked_clients.delete(c);
  srv.unblocked.push(c);
  srv.add_pending(c);
}

export function handle_clients_blocked_on_keys(srv: Server): void {
  while (srv.ready_keys.length) {
    const ready = srv.ready_keys;
    srv.ready_keys = [];
    for (const [db, key] of ready) {
      const q = srv.blocking_keys.get(`${db.id}\0${key}`);
      if (!q) continue;
      for (const c of [...q]) {
        if (!c.bpop || c.db !== db) continue;
        const dirty = srv.dirty;
        c.prop = null;
        srv.errstats.settle();
        // The served client is the current one: invalidations of keys it changes follow its reply.
        const outer = srv.current_client;
        srv.current_client = c;
        const served = c.bpop.proc(c, key);
        srv.current_client = outer;
        flush_pending(srv, c);
        const failed = srv.errstats.settle();
        if (served === null) continue;
        if (!served) break;
        stats_on_unblock(c, failed);
        if (srv.dirty === dirty) srv.dirty++;
        unblock(c);
      }
    }
  }
}

/** The blocking command (still the client's argv) failed: CLIENT UNBLOCK … ERROR, or an error when served. */
export function blocked_command_failed(c: Client): void {
  const cmd = lookup_command(c.argv);
  if (typeof cmd !== 'string') cmd.failed_calls++;
}

/**
 * updateStatsOnUnblock, which Redis 7.0 calls when a blocked client is served (not on a timeout
 * or CLIENT UNBLOCK): the command was counted when it blocked; its failure and its slow-log
 * entry come now. Logged with a duration of 0: neither run is timed (Redis adds up both).
 */
function stats_on_unblock(c: Client, failed: boolean): void {
  if (failed) blocked_command_failed(c);
  slowlog_push(c, c.argv, 0);
}

/** replyToBlockedClientTimedOut: every blocking command redis-lite has times out with a null array. */
export function reply_timed_out(c: Client): void { if (c.bpop?.on_timeout) c.bpop.on_timeout(c); else c.reply.nil_array(); }

/** Replies nil to clients whose timeout passed; returns ms to the next deadline (-1: none). */
export function handle_blocked_timeouts(srv: Server): number {
  let next = -1;
  for (const c of srv.blocked_clients) {
    const t = c.bpop?.timeout ?? 0;
    if (t === 0) continue;
    if (t <= srv.now) { reply_timed_out(c); unblock(c); continue; }
    if (next < 0 || t - srv.now < next) next = t - srv.now;
  }
  return next;
}

/** SWAPDB/MOVE/… : clients blocked on keys that now exist in db get a chance to be served. */
export function signal_db_keys(srv: Server, dbid: number): void {
  for (const id of srv.blocking_keys.keys()) {
    const [d, key] = [Number(id.slice(0, id.indexOf('\0'))), id.slice(id.indexOf('\0') + 1)];
    if (d === dbid && srv.dbs[d].peek_notouch(key) !== undefined) srv.ready_keys.push([srv.dbs[d], key]);
  }
}
