/**
 * notify.c: keyspace events published over Pub/Sub, as `__keyspace@<db>__:<key> <event>`
 * (class K) and `__keyevent@<db>__:<event> <key>` (class E) for the event classes that
 * notify-keyspace-events enables. https://redis.io/docs/manual/keyspace-notifications/
 */
import type { Client } from './networking.ts';
import { publish } from './pubsub.ts';
import type { Server } from './server.ts';

export const NOTIFY_KEYSPACE = 1 << 0, NOTIFY_KEYEVENT = 1 << 1, NOTIFY_GENERIC = 1 << 2, NOTIFY_STRING = 1 << 3;
export const NOTIFY_LIST = 1 << 4, NOTIFY_SET = 1 << 5, NOTIFY_HASH = 1 << 6, NOTIFY_ZSET = 1 << 7;
export const NOTIFY_EXPIRED = 1 << 8, NOTIFY_EVICTED = 1 << 9, NOTIFY_STREAM = 1 << 10, NOTIFY_KEY_MISS = 1 << 11;
export const NOTIFY_MODULE = 1 << 13, NOTIFY_NEW = 1 << 14;
/** 'A': every class but key-miss and new-key events, which are too frequent to enable by default. */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET
  | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

/** Class characters in keyspaceEventsFlagsToString's order (A, K, E and m are handled apart). */
const CLASSES: [string, number][] = [
  ['g', NOTIFY_GENERIC], ['$', NOTIFY_STRING], ['l', NOTIFY_LIST], ['s', NOTIFY_SET], ['h', NOTIFY_HASH],
  ['z', NOTIFY_ZSET], ['x', NOTIFY_EXPIRED], ['e', NOTIFY_EVICTED], ['t', NOTIFY_STREAM], ['d', NOTIFY_MODULE],
  ['n', NOTIFY_NEW],
];
const FLAGS = new Map<string, number>([...CLASSES, ['A', NOTIFY_ALL], ['K', NOTIFY_KEYSPACE], ['E', NOTIFY_KEYEVENT], ['m', NOTIFY_KEY_MISS]]);

/** keyspaceEventsStringToFlags: -1 for a character that names no class. */
export function events_to_flags(s: string): number {
  let flags = 0;
  for (const ch of s) { const f = FLAGS.get(ch); if (f === undefined) return -1; flags |= f; }
  return flags;
}

/**
 * keyspaceEventsFlagsToString: the canonical spelling CONFIG GET reports ("KA" reads back
 * "AK"); as in Redis 7.0, 'A' stands alone, so "An" reads back "A".
 */
export function flags_to_events(flags: number): string {
  let s = (flags & NOTIFY_ALL) === NOTIFY_ALL ? 'A' : CLASSES.filter(([, f]) => flags & f).map(([ch]) => ch).join('');
  if (flags & NOTIFY_KEYSPACE) s += 'K';
  if (flags & NOTIFY_KEYEVENT) s += 'E';
  if (flags & NOTIFY_KEY_MISS) s += 'm';
  return s;
}

/** notifyKeyspaceEvent: publishes the event if its class is enabled. */
export function notify_event(srv: Server, type: number, event: string, key: string, dbid: number): void {
  const flags = srv.config.notify_keyspace_events;
  if (!(flags & type)) return;
  if (flags & NOTIFY_KEYSPACE) publish(srv, `__keyspace@${dbid}__:${key}`, event);
  if (flags & NOTIFY_KEYEVENT) publish(srv, `__keyevent@${dbid}__:${event}`, key);
}

/** The common case: an event on a key of the client's selected DB. */
export function notify(c: Client, type: number, event: string, key: string): void {
  notify_event(c.srv, type, event, key, c.db.id);
}
