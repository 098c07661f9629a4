/**
 * db.c's core: a numbered keyspace (key → value, key → absolute expire in ms) and the lookup
 * functions every command goes through. Lookups expire keys lazily; writes tell WATCH and the
 * blocked-client machinery which keys changed.
 */
import { lru_access, lru_clock, lru_new } from './evict.ts';
import { notify_event, NOTIFY_EXPIRED, NOTIFY_NEW } from './notify.ts';
import { type RObj } from './object.ts';
import type { Server } from './server.ts';
import { invalidate_key } from './tracking.ts';

export class Db {
  dict = new Map<string, RObj>();
  expires = new Map<string, number>();
  /** Per-key access time or LFU counter (robj.lru; evict.ts): a small number per key. */
  lru = new Map<string, number>();
  /** The active-expire cycle's position in `expires` (resumed each cron tick). */
  expire_cursor: Iterator<[string, number]> | null = null;

  constructor(readonly id: number, readonly srv: Server) {}

  /** expireIfNeeded: deletes (and propagates DEL of) a key whose time has passed. */
  expire_if_needed(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.srv.now) return false;
    this.srv.stat_expiredkeys++;
    this.delete(key);
    notify_event(this.srv, NOTIFY_EXPIRED, 'expired', key, this.id);
    this.srv.propagate(this, ['DEL', key]);
    return true;
  }

  lookup(key: string): RObj | undefined {
    const v = this.dict.get(key);
    if (v === undefined) { this.srv.stat_keyspace_misses++; return undefined; }
    if (this.expires.size > 0 && this.expire_if_needed(key)) { this.srv.stat_keyspace_misses++; return undefined; }
    this.srv.stat_keyspace_hits++;
    this.accessed(key);
    return v;
  }

  /** lookupKeyWrite: updates the access time but does not count as a hit or miss. */
  peek(key: string): RObj | undefined {
    const v = this.peek_notouch(key);
    if (v !== undefined) this.accessed(key);
    return v;
  }

  /** lookupKey's update of the key's access time (LRU) or counter (LFU). */
  private accessed(key: string): void {
    this.lru.set(key, this.srv.config.lfu ? lru_access(this.srv, this.lru.get(key)) : lru_clock(this.srv.now));
  }

  /** LOOKUP_NOTOUCH (TYPE, EXISTS, TTL, OBJECT): neither a hit nor an access. */
  peek_notouch(key: string): RObj | undefined {
    const v = this.dict.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size > 0 && this.expire_if_needed(key)) return undefined;
    return v;
  }

  /** setKey: overwrite or create; the old TTL goes unless keepttl. */
  set(key: string, v: RObj, keepttl = false): void {
    if (!this.dict.has(key)) notify_event(this.srv, NOTIFY_NEW, 'new', key, this.id);
    this.dict.set(key, v);
    // A new object's lru, except that LFU keeps the overwritten key's counter (dbSetValue).
    if (!this.srv.config.lfu || !this.lru.has(key)) this.lru.set(key, lru_new(this.srv));
    if (!keepttl && this.expires.size > 0) this.expires.delete(key);
    this.touch(key);
    this.srv.signal_ready(this, key);
  }

  /** dbAdd for a new collection: also wakes clients blocked on the key. */
  add(key: string, v: RObj): void {
    notify_event(this.srv, NOTIFY_NEW, 'new', key, this.id);
    this.dict.set(key, v);
    this.lru.set(key, lru_new(this.srv));
    this.touch(key);
    this.srv.signal_ready(this, key);
  }

  delete(key: string): boolean {
    if (!this.dict.delete(key)) return false;
    this.expires.delete(key);
    this.lru.delete(key);
    this.touch(key);
    // XREADGROUP clients blocked on a deleted stream are unblocked with an error.
    this.srv.signal_ready(this, key);
    return true;
  }

  /** signalModifiedKey: WATCHers of the key see their transaction fail. */
  touch(key: string): void {
    if (this.srv.watched_keys.size > 0) this.srv.touch_watched(this, key);
    const t = this.srv.tracking;
    if (t.table.size || t.prefixes.size) invalidate_key(this.srv, key);
  }

  set_expire(key: string, when: number): void { this.expires.set(key, when); this.touch(key); }

  ttl_of(key: string): number | undefined { return this.expires.get(key); }

  clear(): number {
    const n = this.dict.size;
    // touchAllWatchedKeysInDb only: client-side caching hears of a flush once, as a null (tracking.ts).
    const watched = this.srv.watched_keys.size > 0;
    for (const k of this.dict.keys()) { if (watched) this.srv.touch_watched(this, k); this.srv.signal_ready(this, k); }
    this.dict = new Map();
    this.expires = new Map();
    this.lru = new Map();
    this.expire_cursor = null;
    return n;
  }
}
