/**
 * evict.c: the per-key access data (robj.lru: an LRU clock in seconds, or with an LFU
 * maxmemory-policy the last-decrement minute and a logarithmic access counter, packed as
 * (minutes << 8) | counter), how lookups update it, OBJECT IDLETIME/FREQ's view of it, and
 * maxmemory eviction by policy. https://redis.io/docs/reference/eviction/
 *
 * Memory here is INFO's used_memory estimate (Server.used_memory): the dataset lives in the
 * JavaScript heap, so eviction frees keys against that model, not against bytes the heap gives back.
 */
import type { Db } from './db.ts';
import { notify_event, NOTIFY_EVICTED } from './notify.ts';
import type { Server } from './server.ts';

export const POLICIES = ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] as const;
export type Policy = typeof POLICIES[number];

const LRU_CLOCK_MAX = (1 << 24) - 1;
const LFU_INIT_VAL = 5;

export const lru_clock = (now_ms: number): number => Math.floor(now_ms / 1000) & LRU_CLOCK_MAX;
const lfu_minutes = (now_ms: number): number => Math.floor(now_ms / 60000) & 0xffff;
export const is_lfu = (p: Policy): boolean => p.endsWith('-lfu');

/** createObject's lru: the clock now, or a fresh LFU counter (LFU_INIT_VAL). */
export function lru_new(srv: Server): number {
  return srv.config.lfu ? (lfu_minutes(srv.now) << 8) | LFU_INIT_VAL : lru_clock(srv.now);
}

/** LFUDecrAndReturn: the counter less one per lfu-decay-time minutes since its last decrement. */
export function lfu_counter(srv: Server, lru: number): number {
  const ldt = lru >>> 8, counter = lru & 255, now = lfu_minutes(srv.now);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = srv.config.lfu_decay_time ? Math.floor(elapsed / srv.config.lfu_decay_time) : 0;
  return periods > counter ? 0 : counter - periods;
}

/** lookupKey's update: the LRU clock, or (LFU) decay then LFULogIncr's probabilistic increment. */
export function lru_access(srv: Server, old: number | undefined): number {
  if (!srv.config.lfu) return lru_clock(srv.now);
  let counter = lfu_counter(srv, old ?? lru_new(srv));
  if (counter < 255) {
    const base = Math.max(counter - LFU_INIT_VAL, 0);
    if (Math.random() < 1 / (base * srv.config.lfu_log_factor + 1)) counter++;
  }
  return (lfu_minutes(srv.now) << 8) | counter;
}

/** estimateObjectIdleTime, in milliseconds (the 24-bit clock wraps every 194 days). */
export function idle_ms(srv: Server, lru: number): number {
  const now = lru_clock(srv.now);
  return (now >= lru ? now - lru : LRU_CLOCK_MAX - lru + now) * 1000;
}

/** Where each DB's sampling of its expires resumes: [the map it walks, its key iterator]. */
const cursors = new WeakMap<Db, [Map<string, unknown>, Iterator<string>]>();

/**
 * Eviction's sample of `n` keys: dictGetSomeKeys on the keyspace, or the next `n` keys of the
 * expires map in a rotating walk.
 */
function sample(db: Db, volatile: boolean, n: number): string[] {
  if (!volatile) return db.dict.some_keys(n);
  const map: Map<string, unknown> = db.expires;
  let cur = cursors.get(db);
  if (!cur || cur[0] !== map) { cur = [map, map.keys()]; cursors.set(db, cur); }
  const out: string[] = [];
  for (let wrapped = false; out.length < n && map.size > 0;) {
    const r = cur[1].next();
    if (r.done) { if (wrapped) break; wrapped = true; cur[1] = map.keys(); continue; }
    if (db.dict.has(r.value)) out.push(r.value);
  }
  return out;
}

/** How evictable a key is under the policy: larger goes first (idle time, 255 - freq, -ttl). */
function badness(srv: Server, db: Db, key: string, p: Policy): number {
  if (p === 'volatile-ttl') return -(db.expires.get(key) ?? Infinity);
  const lru = db.lru_of(key) ?? lru_new(srv);
  return is_lfu(p) ? 255 - lfu_counter(srv, lru) : idle_ms(srv, lru);
}

/** EVPOOL_SIZE: the best candidates seen so far, worst first, kept across evictions. */
const POOL_SIZE = 16;
interface Candidate { db: Db; key: string; score: number }
const pools = new WeakMap<Server, { policy: Policy; pool: Candidate[] }>();

/** evictionPoolPopulate: samples each DB and keeps the POOL_SIZE most evictable keys. */
function populate(srv: Server, p: Policy, pool: Candidate[]): void {
  const volatile = p.startsWith('volatile-');
  for (const db of srv.dbs) {
    for (const key of sample(db, volatile, srv.config.maxmemory_samples)) {
      if (pool.some((x) => x.db === db && x.key === key)) continue;
      const score = badness(srv, db, key, p);
      if (pool.length >= POOL_SIZE && score <= pool[0].score) continue;
      pool.push({ db, key, score });
      pool.sort((a, b) => a.score - b.score);
      if (pool.length > POOL_SIZE) pool.shift();
    }
  }
}

/** One victim across the DBs, or null if the policy finds none. */
function pick(srv: Server, p: Policy): [Db, string] | null {
  if (p.endsWith('-random')) {
    const volatile = p.startsWith('volatile-');
    const dbs = srv.dbs.filter((db) => (volatile ? db.expires : db.dict).size > 0);
    if (!dbs.length) return null;
    const db = dbs[Math.floor(Math.random() * dbs.length)], key = sample(db, volatile, 1)[0];
    return key === undefined ? null : [db, key];
  }
  let entry = pools.get(srv);
  // Scores of another policy do not compare: a policy change starts a new pool.
  if (!entry || entry.policy !== p) { entry = { policy: p, pool: [] }; pools.set(srv, entry); }
  const pool = entry.pool;
  populate(srv, p, pool);
  while (pool.length) {
    const best = pool.pop()!;
    // A pooled key may have been deleted (or expired out of a volatile policy's reach) since.
    if (best.db.dict.has(best.key) && (!p.startsWith('volatile-') || best.db.expires.has(best.key))) return [best.db, best.key];
  }
  return null;
}

/** performEvictions: frees keys until used_memory fits maxmemory; false if it cannot (OOM). */
export function perform_evictions(srv: Server): boolean {
  const max = srv.config.maxmemory;
  if (max <= 0 || srv.used_memory() <= max) return true;
  const p = srv.config.maxmemory_policy;
  if (p === 'noeviction') return false;
  while (srv.used_memory() > max) {
    const victim = pick(srv, p);
    if (!victim) return false;
    const [db, key] = victim;
    db.delete(key);
    notify_event(srv, NOTIFY_EVICTED, 'evicted', key, db.id);
    srv.propagate(db, ['DEL', key]);
    srv.stat_evictedkeys++;
  }
  return true;
}

export const OOM = "-OOM command not allowed when used memory > 'maxmemory'.";

/** objectSetLRUOrLFU (RESTORE … IDLETIME s | FREQ n): the lru to set, or null to keep the new one. */
export function lru_restore(srv: Server, idle_s: number, freq: number): number | null {
  if (srv.config.lfu) return freq >= 0 ? (lfu_minutes(srv.now) << 8) | freq : null;
  if (idle_s < 0) return null;
  const now = lru_clock(srv.now), abs = now - idle_s;
  // Underflow of the wrapping clock: half-way round, so the idle time stays large.
  return abs >= 0 ? abs : (now + (LRU_CLOCK_MAX >>> 1)) % LRU_CLOCK_MAX;
}
