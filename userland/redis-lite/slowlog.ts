/**
 * slowlog.c: commands that ran for slowlog-log-slower-than microseconds or more, newest first,
 * at most slowlog-max-len of them, each with its id, unix time, duration, arguments (32 at
 * most, each cut at 128 bytes), client address and name. https://redis.io/commands/slowlog/
 *
 * A clock read costs ~150 ns of host time in privos (the vDSO's two CPU-door crossings; ~20 ns
 * natively), so every call is timed only while the threshold is below Redis's 10 ms default; at the default and above, the calls server.ts times
 * for commandstats (one in 64) are the ones that can be logged. That is the one departure.
 * (While latency tracking is on, Redis's default, server.ts times every call anyway; latency.ts.)
 */
import { reply_help } from './help.ts';
import { get_range } from './cmdutil.ts';
import { container, register } from './commands.ts';
import type { Client } from './networking.ts';

const MAX_ARGC = 32, MAX_STRING = 128;
export const SLOWLOG_DEFAULT_US = 10000;

export interface SlowlogEntry { id: number; time: number; duration: number; argv: string[]; peer: string; name: string }

/** slowlogCreateEntry's argument list: the last of 32 says how many more there were; long strings are cut. */
function entry_args(argv: string[]): string[] {
  const n = Math.min(argv.length, MAX_ARGC);
  return argv.slice(0, n).map((a, j) => {
    if (n !== argv.length && j === n - 1) return `... (${argv.length - n + 1} more arguments)`;
    return a.length > MAX_STRING ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)` : a;
  });
}

/** Whether every call must be timed for the slowlog (see the header). */
export function slowlog_times_every_call(c: Client): boolean {
  const t = c.srv.config.slowlog_log_slower_than;
  return t >= 0 && t < SLOWLOG_DEFAULT_US;
}

/** slowlogPushEntryIfNeeded with the command's original argv; duration in µs. */
export function slowlog_push(c: Client, argv: string[], duration: number): void {
  const srv = c.srv, cfg = srv.config;
  if (cfg.slowlog_log_slower_than < 0 || cfg.slowlog_max_len === 0 || duration < cfg.slowlog_log_slower_than) return;
  srv.slowlog.unshift({ id: srv.slowlog_next_id++, time: Math.floor(srv.now / 1000), duration, argv: entry_args(argv), peer: c.addr, name: c.name });
  if (srv.slowlog.length > cfg.slowlog_max_len) srv.slowlog.length = cfg.slowlog_max_len;
}

function slowlog_get(c: Client): void {
  let count = 10;
  if (c.argv.length === 3) {
    const n = get_range(c, c.argv[2], -1, Number.MAX_SAFE_INTEGER, 'count should be greater than or equal to -1');
    if (n === null) return;
    count = n === -1 ? c.srv.slowlog.length : n;
  }
  const out = c.srv.slowlog.slice(0, count);
  c.reply.array(out.length);
  for (const e of out) {
    c.reply.array(6);
    c.reply.int(e.id); c.reply.int(e.time); c.reply.int(e.duration);
    c.reply.bulks(e.argv, e.argv.length);
    c.reply.bulk(e.peer); c.reply.bulk(e.name);
  }
}


register('server', [
  container('server', 'slowlog', [
    ['get', -2, 'admin loading stale nokeys', slowlog_get],
    ['len', 2, 'admin loading stale nokeys', (c) => c.reply.int(c.srv.slowlog.length)],
    ['reset', 2, 'admin loading stale nokeys', (c) => { c.srv.slowlog.length = 0; c.reply.ok(); }],
    ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'SLOWLOG')],
  ]),
]);
