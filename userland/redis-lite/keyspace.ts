/**
 * db.c's keyspace commands: DEL/UNLINK/EXISTS/TYPE/TOUCH, RENAME(NX), KEYS, RANDOMKEY,
 * DBSIZE, FLUSHDB/FLUSHALL, SELECT/MOVE/COPY/SWAPDB and OBJECT.
 */
import { free_effort, LAZYFREE_THRESHOLD, MEMORY_SAMPLES_DEFAULT, object_size } from './object_mem.ts';
import { reply_help } from './help.ts';
import { signal_db_keys } from './blocked.ts';
import { get_int, get_int32, opt } from './cmdutil.ts';
import { container, register } from './commands.ts';
import type { Db } from './db.ts';
import type { Client } from './networking.ts';
import { invalidate_all } from './tracking.ts';
import { notify, notify_event, NOTIFY_GENERIC } from './notify.ts';
import { idle_ms, lfu_counter, lru_new } from './evict.ts';
import { HashObj, ListObj, RawStr, type RObj, SetObj, str_encoding, type_name } from './object.ts';
import { SYNTAX } from './resp.ts';
import { StreamObj } from './stream.ts';
import { ZSet } from './t_zset_obj.ts';
import { stringmatch } from './util.ts';

/** A deep copy for COPY (strings are immutable and shared). */
export function dup(v: RObj): RObj {
  if (typeof v === 'string') return v;
  if (v instanceof RawStr) return new RawStr(v.s);
  if (v instanceof ListObj) { const l = new ListObj(); for (const x of v.toArray()) l.push(x); return l; }
  if (v instanceof HashObj) { const h = new HashObj(v); h.enc = v.enc; return h; }
  if (v instanceof SetObj) { const s = new SetObj(v); s.enc = v.enc; return s; }
  if (v instanceof StreamObj) return v.clone();
  return (v as ZSet).clone();
}

/**
 * DEL/UNLINK (delGenericCommand). UNLINK, or DEL with lazyfree-lazy-user-del, frees a value
 * costing more than LAZYFREE_THRESHOLD allocations "in the background" (dbAsyncDelete): here
 * at once as well, but counted in lazyfreed_objects as Redis counts it.
 */
function del(c: Client, lazy: boolean): void {
  let n = 0;
  for (let i = 1; i < c.argv.length; i++) {
    c.db.expire_if_needed(c.argv[i]);
    const v = lazy ? c.db.peek_notouch(c.argv[i]) : undefined;
    if (c.db.delete(c.argv[i])) {
      if (v !== undefined && free_effort(v) > LAZYFREE_THRESHOLD) c.srv.stat_lazyfreed_objects++;
      notify(c, NOTIFY_GENERIC, 'del', c.argv[i]);
      n++;
    }
  }
  c.srv.dirty += n;
  c.reply.int(n);
}

function exists(c: Client): void {
  let n = 0;
  for (let i = 1; i < c.argv.length; i++) if (c.db.peek_notouch(c.argv[i]) !== undefined) n++;
  c.reply.int(n);
}

function type(c: Client): void {
  const v = c.db.peek_notouch(c.argv[1]);
  c.reply.status(v === undefined ? 'none' : type_name(v));
}

function rename(c: Client, nx: boolean): void {
  const [, src, dst] = c.argv;
  const v = c.db.peek(src);
  if (v === undefined) { c.reply.error('no such key'); return; }
  if (src === dst) { if (nx) c.reply.int(0); else c.reply.ok(); return; }
  const ttl = c.db.ttl_of(src), lru = c.db.lru_of(src);
  if (c.db.peek(dst) !== undefined) {
    if (nx) { c.reply.int(0); return; }
    c.db.delete(dst);
  }
  c.db.delete(src);
  c.db.add(dst, v);
  if (lru !== undefined) c.db.set_lru(dst, lru);
  if (ttl !== undefined) c.db.set_expire(dst, ttl);
  notify(c, NOTIFY_GENERIC, 'rename_from', src);
  notify(c, NOTIFY_GENERIC, 'rename_to', dst);
  c.srv.dirty++;
  if (nx) c.reply.int(1); else c.reply.ok();
}

function keys(c: Client): void {
  const pat = c.argv[1], all = pat === '*';
  const out: string[] = [];
  for (const k of c.db.dict.keys()) {
    if (!all && !stringmatch(pat, k)) continue;
    const when = c.db.expires.get(k);
    if (when !== undefined && when <= c.srv.now) continue;
    out.push(k);
  }
  c.reply.bulks(out, out.length);
}

function randomkey(c: Client): void {
  const db = c.db;
  for (let tries = 0; db.dict.size > 0 && tries < 100; tries++) {
    const key = db.dict.random_key()!;
    if (db.peek_notouch(key) !== undefined) { c.reply.bulk(key); return; }
  }
  c.reply.nil();
}

/** FLUSHDB/FLUSHALL [ASYNC|SYNC]: an async flush (emptyDbAsync) counts every key it drops as lazily freed. */
function flush(c: Client, all: boolean): void {
  if (c.argv.length > 2 || (c.argv.length === 2 && !opt(c.argv[1], 'ASYNC') && !opt(c.argv[1], 'SYNC'))) { c.reply.error(SYNTAX); return; }
  const lazy = c.argv.length === 2 ? opt(c.argv[1], 'ASYNC') : c.srv.config.other.get('lazyfree-lazy-user-flush') === 'yes';
  let n = 0;
  for (const db of all ? c.srv.dbs : [c.db]) n += db.clear();
  if (lazy) c.srv.stat_lazyfreed_objects += n;
  invalidate_all(c.srv);
  c.srv.dirty += n + 1;
  c.reply.ok();
}

function select_db(c: Client, arg: string): Db | null {
  if (get_int32(c, arg) === null) return null;
  const db = c.srv.db_at(arg);
  if (!db) c.reply.error('DB index is out of range');
  return db;
}

function select(c: Client): void {
  const db = select_db(c, c.argv[1]);
  if (!db) return;
  c.db = db;
  c.reply.ok();
}

function move(c: Client): void {
  const key = c.argv[1];
  const dst = select_db(c, c.argv[2]);
  if (!dst) return;
  if (dst === c.db) { c.reply.error('source and destination objects are the same'); return; }
  const v = c.db.peek(key);
  if (v === undefined || dst.peek(key) !== undefined) { c.reply.int(0); return; }
  const ttl = c.db.ttl_of(key), lru = c.db.lru_of(key);
  c.db.delete(key);
  dst.add(key, v);
  if (lru !== undefined) dst.set_lru(key, lru);
  if (ttl !== undefined) dst.set_expire(key, ttl);
  notify(c, NOTIFY_GENERIC, 'move_from', key);
  notify_event(c.srv, NOTIFY_GENERIC, 'move_to', key, dst.id);
  c.srv.dirty++;
  c.reply.int(1);
}

function copy(c: Client): void {
  const [, src, dstkey] = c.argv;
  let dst = c.db, replace = false;
  for (let j = 3; j < c.argv.length; j++) {
    if (opt(c.argv[j], 'REPLACE')) replace = true;
    else if (opt(c.argv[j], 'DB') && j + 1 < c.argv.length) { const d = select_db(c, c.argv[++j]); if (!d) return; dst = d; }
    else { c.reply.error(SYNTAX); return; }
  }
  if (src === dstkey && dst === c.db) { c.reply.error('source and destination objects are the same'); return; }
  const v = c.db.peek(src);
  if (v === undefined) { c.reply.int(0); return; }
  if (dst.peek(dstkey) !== undefined) { if (!replace) { c.reply.int(0); return; } dst.delete(dstkey); }
  const ttl = c.db.ttl_of(src);
  dst.add(dstkey, dup(v));
  if (ttl !== undefined) dst.set_expire(dstkey, ttl);
  notify_event(c.srv, NOTIFY_GENERIC, 'copy_to', dstkey, dst.id);
  c.srv.dirty++;
  c.reply.int(1);
}

function swapdb(c: Client): void {
  if (get_int32(c, c.argv[1], 'invalid first DB index') === null) return;
  if (get_int32(c, c.argv[2], 'invalid second DB index') === null) return;
  const a = c.srv.db_at(c.argv[1]), b = c.srv.db_at(c.argv[2]);
  if (!a || !b) { c.reply.error('DB index is out of range'); return; }
  if (a !== b) {
    a.swap(b);
    c.srv.touch_all_watched();
    signal_db_keys(c.srv, a.id); signal_db_keys(c.srv, b.id);
  }
  c.srv.dirty++;
  c.reply.ok();
}

function encoding(v: RObj): string {
  if (typeof v === 'string' || v instanceof RawStr) return str_encoding(v);
  if (v instanceof ListObj) return 'quicklist';
  if (v instanceof HashObj || v instanceof SetObj) return v.enc;
  if (v instanceof StreamObj) return 'stream';
  return (v as ZSet).encoding();
}

const POLICY_NOTE = 'Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

/** OBJECT …: looked up without touching the key (LOOKUP_NOTOUCH), as object.c does. */
function object_sub(c: Client, what: 'encoding' | 'refcount' | 'idletime' | 'freq'): void {
  const key = c.argv[2], v = c.db.peek_notouch(key), srv = c.srv;
  if (v === undefined) { c.reply.nil(); return; }
  const lru = c.db.lru_of(key) ?? lru_new(srv);
  if (what === 'encoding') c.reply.bulk(encoding(v));
  else if (what === 'refcount') c.reply.int(typeof v === 'string' && str_encoding(v) === 'int' && Number(v) >= 0 && Number(v) < 10000 ? 2147483647 : 1);
  else if (what === 'idletime') {
    if (srv.config.lfu) c.reply.error(`An LFU maxmemory policy is selected, idle time not tracked. ${POLICY_NOTE}`);
    else c.reply.int(Math.floor(idle_ms(srv, lru) / 1000));
  } else if (!srv.config.lfu) c.reply.error(`An LFU maxmemory policy is not selected, access frequency not tracked. ${POLICY_NOTE}`);
  else c.reply.int(lfu_counter(srv, lru));
}

/** MEMORY USAGE key [SAMPLES n] (registered with the rest of MEMORY in memory.ts). */
export function memory_usage(c: Client): void {
  let samples = MEMORY_SAMPLES_DEFAULT;
  for (let j = 3; j < c.argv.length; j++) {
    if (opt(c.argv[j], 'SAMPLES') && j + 1 < c.argv.length) { const n = get_int(c, c.argv[++j]); if (n === null) return; samples = n; }
    else { c.reply.error(SYNTAX); return; }
  }
  const v = c.db.peek_notouch(c.argv[2]);
  if (v === undefined) c.reply.nil(); else c.reply.int(object_size(c.argv[2], v, samples));
}

/** TOUCH reads each key (lookupKeyRead: an access, and a hit or miss). */
function touch(c: Client): void {
  let n = 0;
  for (let i = 1; i < c.argv.length; i++) if (c.db.lookup(c.argv[i]) !== undefined) n++;
  c.reply.int(n);
}

register('keyspace', [
  ['del', -2, 'write', (c) => del(c, c.srv.config.other.get('lazyfree-lazy-user-del') === 'yes'), 1, -1, 1],
  ['unlink', -2, 'write fast', (c) => del(c, true), 1, -1, 1],
  ['exists', -2, 'readonly fast', exists, 1, -1, 1],
  ['touch', -2, 'readonly fast', touch, 1, -1, 1],
  ['type', 2, 'readonly fast', type],
  ['rename', 3, 'write', (c) => rename(c, false), 1, 2, 1],
  ['renamenx', 3, 'write fast', (c) => rename(c, true), 1, 2, 1],
  ['keys', 2, 'readonly nokeys', keys],
  ['randomkey', 1, 'readonly nokeys', randomkey],
  ['dbsize', 1, 'readonly fast nokeys', (c) => c.reply.int(c.db.dict.size)],
  ['flushdb', -1, 'write nokeys', (c) => flush(c, false)],
  ['flushall', -1, 'write nokeys', (c) => flush(c, true)],
  ['select', 2, 'loading stale fast nokeys', select],
  ['move', 3, 'write fast', move],
  ['copy', -3, 'write denyoom', copy, 1, 2, 1],
  ['swapdb', 3, 'write fast nokeys', swapdb],
  container('keyspace', 'object', [
    ['encoding', 3, 'readonly', (c) => object_sub(c, 'encoding'), 2, 2, 1],
    ['refcount', 3, 'readonly', (c) => object_sub(c, 'refcount'), 2, 2, 1],
    ['idletime', 3, 'readonly', (c) => object_sub(c, 'idletime'), 2, 2, 1],
    ['freq', 3, 'readonly', (c) => object_sub(c, 'freq'), 2, 2, 1],
    ['help', 2, 'loading stale', (c) => reply_help(c, 'OBJECT'), 0, 0, 0],
  ]),
]);
