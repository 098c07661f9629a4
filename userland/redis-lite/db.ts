/**
 * db.c's core: a numbered keyspace (key → value, key → absolute expire in ms) and the lookup
 * functions every command goes through. Lookups expire keys lazily; writes tell WATCH and the
 * blocked-client machinery which keys changed.
 */
import { lru_access, lru_clock, lru_new } from './evict.ts';
import { notify_event, NOTIFY_EXPIRED, NOTIFY_NEW } from './notify.ts';
import { Dict } from './dict.ts';
import { type RObj } from './object.ts';
import type { Server } from './server.ts';
import { invalidate_key } from './tracking.ts';
import { clients_paused } from './pause.ts';

export class Db {
  /** Keys and values, with each key's access time or LFU counter (robj.lru; evict.ts). */
  dict = new Dict();
  expires = new Map<string, number>();
  /** The active-expire cycle's position in `expires` (resumed each cron tick). */
  expire_cursor: Iterator<[string, number]> | null = null;

  constructor(readonly id: number, readonly srv: Server) {}

  /** expireIfNeeded: deletes (and propagates DEL of) a key whose time has passed. */
  expire_if_needed(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.srv.now) return false;
    if (clients_paused(this.srv)) return true; // logically expired, deleted once the pause ends
    this.srv.stat_expiredkeys++;
    this.delete(key);
    notify_event(this.srv, NOTIFY_EXPIRED, 'expired', key, this.id);
    this.srv.propagate(this, ['DEL', key]);
    return true;
  }

  lookup(key: string): RObj | undefined {
    const e = this.live_entry(key);
    if (e < 0) { this.srv.stat_keyspace_misses++; return undefined; }
    this.srv.stat_keyspace_hits++;
    this.accessed(e);
    return this.dict.value(e);
  }

  /** lookupKeyWrite: updates the access time but does not count as a hit or miss. */
  peek(key: string): RObj | undefined {
    const e = this.live_entry(key);
    if (e < 0) return undefined;
    this.accessed(e);
    return this.dict.value(e);
  }

  /** lookupKey's update of the key's access time (LRU) or counter (LFU). */
  private accessed(e: number): void {
    const d = this.dict;
    d.set_lru(e, this.srv.config.lfu ? lru_access(this.srv, d.lru(e)) : lru_clock(this.srv.now));
  }

  /** LOOKUP_NOTOUCH (TYPE, EXISTS, TTL, OBJECT): neither a hit nor an access. */
  peek_notouch(key: string): RObj | undefined {
    const e = this.live_entry(key);
    return e < 0 ? undefined : this.dict.value(e);
  }

  /** The key's dict entry unless it is missing or expires now; -1 if so. */
  private live_entry(key: string): number {
    const e = this.dict.find(key);
    if (e < 0 || this.expires.size === 0 || !this.expire_if_needed(key)) return e;
    return -1;
  }

  /** The key's robj.lru (LRU clock or LFU data), or undefined if it is not in the dict. */
  lru_of(key: string): number | undefined {
    const e = this.dict.find(key);
    return e < 0 ? undefined : this.dict.lru(e);
  }

  set_lru(key: string, lru: number): void {
    const e = this.dict.find(key);
    if (e >= 0) this.dict.set_lru(e, lru);
  }

  /** setKey: overwrite or create; the old TTL goes unless keepttl. */
  set(key: string, v: RObj, keepttl = false): void {
    const d = this.dict, e = d.find(key);
    if (e < 0) {
      notify_event(this.srv, NOTIFY_NEW, 'new', key, this.id);
      d.set_lru(d.add(key, v), lru_new(this.srv));
    } else {
      d.set_value(e, v);
      // A new object's lru, except that LFU keeps the overwritten key's counter (dbSetValue).
      if (!this.srv.config.lfu) d.set_lru(e, lru_new(this.srv));
    }
    if (!keepttl && this.expires.size > 0) this.expires.delete(key);
    this.touch(key);
    this.srv.signal_ready(this, key);
  }

  /** dbAdd for a new collection: also wakes clients blocked on the key. */
  add(key: string, v: RObj): void {
    notify_event(this.srv, NOTIFY_NEW, 'new', key, this.id);
    // dbAdd's callers made sure the key is absent; a present one is overwritten, never doubled.
    this.dict.set_lru(this.dict.upsert(key, v), lru_new(this.srv));
    this.touch(key);
    this.srv.signal_ready(this, key);
  }

  delete(key: string): boolean {
    if (!this.dict.delete(key)) return false;
    this.expires.delete(key);
    this.touch(key);
    // XREADGROUP clients blocked on a deleted stream are unblocked with an error.
    this.srv.signal_ready(this, key);
    return true;
  }

  /** signalModifiedKey: WATCHers of the key see their transaction fail. */
  touch(key: string): void {
    this.dict.account(key);
    if (this.srv.watched_keys.size > 0) this.srv.touch_watched(this, key);
    const t = this.srv.tracking;
    if (t.table.size || t.prefixes.size) invalidate_key(this.srv, key);
  }

  set_expire(key: string, when: number): void { this.expires.set(key, when); this.touch(key); }

  ttl_of(key: string): number | undefined { return this.expires.get(key); }

  /** rdbLoad's dbAdd: no notification, no WATCH. */
  load(key: string, v: RObj, expire: number): void {
    this.dict.set_lru(this.dict.upsert(key, v), lru_new(this.srv));
    if (expire >= 0) this.expires.set(key, expire);
  }

  /** SWAPDB's exchange of two keyspaces. */
  swap(o: Db): void {
    [this.dict, o.dict] = [o.dict, this.dict];
    [this.expires, o.expires] = [o.expires, this.expires];
    this.expire_cursor = o.expire_cursor = null;
  }

  clear(): number {
    const n = this.dict.size;
    // touchAllWatchedKeysInDb only: client-side caching hears of a flush once, as a null (tracking.ts).
    const watched = this.srv.watched_keys.size > 0;
    for (const k of this.dict.keys()) { if (watched) this.srv.touch_watched(this, k); this.srv.signal_ready(this, k); }
    this.dict = new Dict();
    this.expires = new Map();
    this.expire_cursor = null;
    return n;
  }
}
