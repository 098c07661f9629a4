/**
 * dict.c for the keyspace: a chained hash table whose keys, and string values of up to
 * EMBSTR_MAX bytes, are bytes in one arena, with each entry's fields in typed arrays.
 *
 * Why not a JS Map<string, RObj>: a small key then costs two V8 strings (32 B each), a Map
 * entry and an LRU clock entry (~28 B each), ~120 B against native Redis's ~99 B; here it costs
 * its bytes plus 24 B of entry fields and bucket (README, "Memory"). Redis embeds a string of up
 * to 44 bytes in its robj's allocation (OBJ_ENCODING_EMBSTR_SIZE_LIMIT); the arena is that
 * idea. Longer strings and collections stay JS objects, in `objs`.
 *
 * One table, resized whole (Redis rehashes incrementally; a resize here is one pass), so SCAN's
 * reverse-binary cursor (dictScan) returns every key present for the whole scan, as Redis's
 * does. Hashing is a seeded FNV-1a with a murmur3 finaliser (Redis: SipHash-1-2, seeded).
 * https://github.com/redis/redis/blob/7.0/src/dict.c
 */
import { MEMORY_SAMPLES_DEFAULT, value_bytes } from './object_mem.ts';
import { latin1 } from './bytes.ts';
import type { RObj } from './object.ts';

/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT: string values up to this length live in the arena. */
export const EMBSTR_MAX = 44;
/** DICT_HT_INITIAL_SIZE. */
const INITIAL = 4;
/** HASHTABLE_MIN_FILL: below 10 % full the table shrinks (Redis does it from serverCron). */
const MIN_FILL = 10;
/** V8's longest Uint8Array: the arena's limit. */
const ARENA_MAX = 2 ** 32;
/** An entry whose value is a JS object in `objs`, not bytes in the arena. */
const NOT_INLINE = -1;

function fmix32(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Reverses the bits of a 32-bit cursor (dictScan's rev()). */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

function grown(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

export class Dict {
  size = 0;
  /** Bucket → first entry + 1 (0: empty). */
  private table: Int32Array = new Int32Array(INITIAL);
  private mask = INITIAL - 1;
  /** Entry → next entry in its chain + 1; for a free entry, the next free one + 1. */
  private next: Int32Array = new Int32Array(INITIAL);
  /** Entry → arena offset of its key; an inline value's bytes follow the key's (an arena holds up to 4 GiB). */
  private off = new Uint32Array(INITIAL);
  private klen: Int32Array = new Int32Array(INITIAL);
  /** Entry → inline value length, or NOT_INLINE. */
  private vlen: Int32Array = new Int32Array(INITIAL);
  /** Entry → robj.lru: the LRU clock or LFU data (evict.ts). */
  private lrus = new Uint32Array(INITIAL);
  private objs = new Map<number, RObj>();
  private arena = new Uint8Array(4096);
  private top = 0;
  /** Arena bytes no entry uses any more: compacted away once they are half the arena. */
  private dead = 0;
  private free = 0;
  /** Entries ever handed out (the rest of the arrays is unused). */
  private used = 0;
  private readonly seed = (Math.random() * 0x100000000) | 0;
  /**
   * The last key found or added and its entry: a command that reads then writes a key (INCR,
   * APPEND, SET … GET) hashes it once. The server forgets it at each command's start, so every
   * request pays a real lookup (as Redis's dictFind) even when a benchmark repeats one key.
   */
  private hint_key: string | null = null;
  private hint_e = -1;

  forget(): void { this.hint_key = null; }

  /* The loops below go four chars at a time: each loop iteration is also one user op (a
     budget check, tools/link/instrument.ts), which doubled the cost of a char-at-a-time loop. */

  private hash(key: string): number {
    const n = key.length, n4 = n & ~3;
    let h = this.seed ^ 0x811c9dc5, i = 0;
    for (; i < n4; i += 4) {
      h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ key.charCodeAt(i + 1), 0x01000193);
      h = Math.imul(h ^ key.charCodeAt(i + 2), 0x01000193);
      h = Math.imul(h ^ key.charCodeAt(i + 3), 0x01000193);
    }
    for (; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return fmix32(h);
  }

  /** hash() of entry e's key, from its bytes (the same function: a resize moves entries by it). */
  private hash_at(e: number): number {
    const a = this.arena, o = this.off[e], end = o + this.klen[e];
    let h = this.seed ^ 0x811c9dc5;
    for (let i = o; i < end; i++) h = Math.imul(h ^ a[i], 0x01000193);
    return fmix32(h);
  }

  private key_is(e: number, key: string): boolean {
    const a = this.arena, o = this.off[e], n = key.length, n4 = n & ~3;
    if (this.klen[e] !== n) return false;
    let i = 0;
    for (; i < n4; i += 4) {
      if (a[o + i] !== key.charCodeAt(i) || a[o + i + 1] !== key.charCodeAt(i + 1) ||
        a[o + i + 2] !== key.charCodeAt(i + 2) || a[o + i + 3] !== key.charCodeAt(i + 3)) return false;
    }
    for (; i < n; i++) if (a[o + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** The entry holding key, or -1. */
  find(key: string): number {
    if (key === this.hint_key) return this.hint_e;
    let e = this.table[this.hash(key) & this.mask] - 1;
    while (e >= 0 && !this.key_is(e, key)) e = this.next[e] - 1;
    if (e >= 0) { this.hint_key = key; this.hint_e = e; }
    return e;
  }

  has(key: string): boolean { return this.find(key) >= 0; }

  get(key: string): RObj | undefined {
    const e = this.find(key);
    return e < 0 ? undefined : this.value(e);
  }

  key(e: number): string { return latin1(this.arena, this.off[e], this.off[e] + this.klen[e]); }

  value(e: number): RObj {
    const n = this.vlen[e];
    if (n === NOT_INLINE) return this.objs.get(e)!;
    const o = this.off[e] + this.klen[e];
    return latin1(this.arena, o, o + n);
  }

  lru(e: number): number { return this.lrus[e]; }
  set_lru(e: number, v: number): void { this.lrus[e] = v; }

  /** Adds key (absent) with value v; its entry. */
  /**
   * The modelled bytes of each object value (object_mem.ts, sampled), by entry, and their sum:
   * updated when a value is set or deleted, and by `account` after a command changed one in
   * place (Db.touch), so used_memory follows collections as they grow and shrink.
   */
  private obj_mem = new Map<number, number>();
  private obj_sum = 0;

  private account_entry(e: number, v: RObj | null): void {
    const old = this.obj_mem.get(e) ?? 0, now = v === null ? 0 : value_bytes(v, MEMORY_SAMPLES_DEFAULT);
    if (v === null) this.obj_mem.delete(e); else this.obj_mem.set(e, now);
    this.obj_sum += now - old;
  }

  /** After an in-place change of key's value (a collection grew or shrank). */
  account(key: string): void {
    const e = this.find(key);
    if (e >= 0 && this.vlen[e] === NOT_INLINE) this.account_entry(e, this.objs.get(e)!);
  }

  add(key: string, v: RObj): number {
    if (this.size >= this.table.length) this.resize(this.table.length * 2);
    const e = this.alloc_entry();
    const inline = typeof v === 'string' && v.length <= EMBSTR_MAX;
    this.off[e] = this.put(key, inline ? v : '');
    this.klen[e] = key.length;
    this.vlen[e] = inline ? v.length : NOT_INLINE;
    if (!inline) { this.objs.set(e, v); this.account_entry(e, v); }
    this.lrus[e] = 0;
    const b = this.hash(key) & this.mask;
    this.next[e] = this.table[b];
    this.table[b] = e + 1;
    this.size++;
    this.hint_key = key;
    this.hint_e = e;
    return e;
  }

  /** Sets key's value, adding the key if absent; its entry. */
  upsert(key: string, v: RObj): number {
    const e = this.find(key);
    if (e < 0) return this.add(key, v);
    this.set_value(e, v);
    return e;
  }

  /** Replaces entry e's value. */
  set_value(e: number, v: RObj): void {
    const old = this.vlen[e], inline = typeof v === 'string' && v.length <= EMBSTR_MAX;
    if (!inline) {
      if (old !== NOT_INLINE) { this.dead += old; this.vlen[e] = NOT_INLINE; }
      this.objs.set(e, v);
      this.account_entry(e, v);
      return;
    }
    const s = v as string;
    if (old === NOT_INLINE) { this.objs.delete(e); this.account_entry(e, null); }
    if (old === s.length) { this.write(s, this.off[e] + this.klen[e]); return; }
    // A new record for key and value (reserve may compact, moving the old one): the old becomes dead bytes.
    const kl = this.klen[e];
    this.reserve(kl + s.length);
    const o = this.off[e];
    this.dead += kl + (old === NOT_INLINE ? 0 : old);
    this.arena.copyWithin(this.top, o, o + kl);
    this.off[e] = this.top;
    this.write(s, this.top + kl);
    this.vlen[e] = s.length;
    this.top += kl + s.length;
  }

  delete(key: string): boolean {
    const b = this.hash(key) & this.mask;
    let prev = -1, e = this.table[b] - 1;
    while (e >= 0 && !this.key_is(e, key)) { prev = e; e = this.next[e] - 1; }
    if (e < 0) return false;
    this.hint_key = null;
    if (prev < 0) this.table[b] = this.next[e]; else this.next[prev] = this.next[e];
    const vl = this.vlen[e];
    this.dead += this.klen[e] + (vl === NOT_INLINE ? 0 : vl);
    if (vl === NOT_INLINE) { this.objs.delete(e); this.account_entry(e, null); }
    this.next[e] = this.free;
    this.free = e + 1;
    this.size--;
    if (this.size === 0) { this.top = this.dead = 0; }
    if (this.table.length > INITIAL && this.size * 100 < this.table.length * MIN_FILL) this.resize(this.table.length / 2);
    return true;
  }

  /** dictScan: visits the keys of the bucket under cursor (and its expansions); the next cursor. */
  scan(cursor: number, fn: (key: string) => void): number {
    const m = this.mask;
    let v = cursor >>> 0;
    for (let e = this.table[v & m] - 1; e >= 0; e = this.next[e] - 1) fn(this.key(e));
    v = (v | ~m) >>> 0;
    v = rev32(v);
    v = (v + 1) >>> 0;
    return rev32(v);
  }

  /** dictGetFairRandomKey's simple form: a random non-empty bucket, then a random link of it. */
  random_key(): string | undefined {
    if (this.size === 0) return undefined;
    let e = -1;
    while (e < 0) e = this.table[Math.floor(Math.random() * this.table.length)] - 1;
    let len = 0;
    for (let x = e; x >= 0; x = this.next[x] - 1) len++;
    for (let i = Math.floor(Math.random() * len); i > 0; i--) e = this.next[e] - 1;
    return this.key(e);
  }

  /** dictGetSomeKeys: up to n keys from consecutive buckets after a random one (eviction's sample). */
  some_keys(n: number): string[] {
    const out: string[] = [];
    if (this.size === 0) return out;
    let b = Math.floor(Math.random() * this.table.length);
    for (let steps = 0; out.length < n && out.length < this.size && steps < n * 10 + this.table.length; steps++) {
      for (let e = this.table[b] - 1; e >= 0 && out.length < n; e = this.next[e] - 1) out.push(this.key(e));
      b = (b + 1) & this.mask;
    }
    return out;
  }

  /** The keys, in table order (a copy: the caller may change the dict while using it). */
  keys(): string[] {
    const out: string[] = new Array(this.size);
    let i = 0;
    this.each((e) => { out[i++] = this.key(e); });
    return out;
  }

  /** Key/value pairs in table order; the dict must not change during the walk. */
  *entries(): Generator<[string, RObj]> {
    for (let b = 0; b < this.table.length; b++) {
      for (let e = this.table[b] - 1; e >= 0; e = this.next[e] - 1) yield [this.key(e), this.value(e)];
    }
  }

  /**
   * INFO's used_memory model: per key its entry fields and bucket (24 B), live arena bytes, and
   * the modelled bytes of object values. Not capacity: eviction frees keys until this fits
   * maxmemory, so it must fall as keys go.
   */
  bytes(): number { return this.size * 24 + this.top - this.dead + this.obj_sum; }

  private each(fn: (e: number) => void): void {
    for (let b = 0; b < this.table.length; b++) for (let e = this.table[b] - 1; e >= 0; e = this.next[e] - 1) fn(e);
  }

  private alloc_entry(): number {
    if (this.free) { const e = this.free - 1; this.free = this.next[e]; return e; }
    if (this.used === this.next.length) this.grow_entries(this.used * 2);
    return this.used++;
  }

  private grow_entries(n: number): void {
    this.next = grown(this.next, n);
    const o = new Uint32Array(n);
    o.set(this.off);
    this.off = o;
    this.klen = grown(this.klen, n);
    this.vlen = grown(this.vlen, n);
    const l = new Uint32Array(n);
    l.set(this.lrus);
    this.lrus = l;
  }

  /** Relinks every entry into a table of n buckets (a power of two). */
  private resize(n: number): void {
    const t = new Int32Array(n), m = n - 1;
    for (let b = 0; b < this.table.length; b++) {
      let e = this.table[b] - 1;
      while (e >= 0) {
        const nx = this.next[e] - 1, nb = this.hash_at(e) & m;
        this.next[e] = t[nb];
        t[nb] = e + 1;
        e = nx;
      }
    }
    this.table = t;
    this.mask = m;
  }

  /** Copies key and value bytes to the arena's top; their offset. */
  private put(key: string, val: string): number {
    this.reserve(key.length + val.length);
    const o = this.top;
    this.write(key, o);
    this.write(val, o + key.length);
    this.top += key.length + val.length;
    return o;
  }

  private write(s: string, o: number): void {
    const a = this.arena;
    for (let i = 0; i < s.length; i++) a[o + i] = s.charCodeAt(i);
  }

  /** Makes room for n more bytes at top: compacts if half the arena is dead, else grows it. */
  private reserve(n: number): void {
    if (this.top + n <= this.arena.length) return;
    const live = this.top - this.dead;
    let cap = this.arena.length;
    while (cap < 2 * (live + n) && cap < ARENA_MAX) cap *= 2;
    if (live + n > cap) throw new RangeError('keyspace arena full (4 GiB of keys and short values in one DB)');
    const a = new Uint8Array(cap);
    if (this.dead * 2 >= this.top) this.compact_into(a);
    else a.set(this.arena.subarray(0, this.top));
    this.arena = a;
  }

  /** Moves every live record to the start of a, in table order. */
  private compact_into(a: Uint8Array): void {
    let top = 0;
    this.each((e) => {
      const n = this.klen[e] + Math.max(this.vlen[e], 0), o = this.off[e];
      a.set(this.arena.subarray(o, o + n), top);
      this.off[e] = top;
      top += n;
    });
    this.top = top;
    this.dead = 0;
  }
}
