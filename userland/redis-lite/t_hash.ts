/**
 * t_hash.c: hashes on a Map that reports "listpack" until it outgrows
 * hash-max-listpack-entries/value, then "hashtable" (never back).
 */
import { get_ll, lookup_typed, opt, rand_count, RAND_REPEAT_MAX } from './cmdutil.ts';
import { register } from './commands.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_GENERIC, NOTIFY_HASH } from './notify.ts';
import { HashObj, hash_note_add } from './object.ts';
import { SYNTAX } from './resp.ts';
import { LD_ZERO, ld_add, ld_human, ld_is_finite, string2ld } from './long_double.ts';
import { in_ll_range, norm, rand_below, string2ll } from './util.ts';

/** The hash at argv[1] for a write, created if absent; null after WRONGTYPE. */
function hash_for_write(c: Client): HashObj | null {
  const key = c.argv[1];
  const h = lookup_typed(c, key, HashObj, true);
  if (h === null) return null;
  if (h) return h;
  const n = new HashObj();
  c.db.add(key, n);
  return n;
}

function hset_field(h: HashObj, f: string, v: string): boolean {
  const isnew = !h.has(f);
  h.set(f, v);
  hash_note_add(h, f, v);
  return isnew;
}

function hset(c: Client, hmset: boolean): void {
  if (c.argv.length % 2 === 1) { c.reply.error(`wrong number of arguments for '${hmset ? 'hmset' : 'hset'}' command`); return; }
  const h = hash_for_write(c);
  if (!h) return;
  let created = 0;
  for (let i = 2; i < c.argv.length; i += 2) if (hset_field(h, c.argv[i], c.argv[i + 1])) created++;
  c.db.touch(c.argv[1]);
  notify(c, NOTIFY_HASH, 'hset', c.argv[1]);
  c.srv.dirty += (c.argv.length - 2) / 2;
  if (hmset) c.reply.ok(); else c.reply.int(created);
}

function hsetnx(c: Client): void {
  const h = hash_for_write(c);
  if (!h) return;
  if (h.has(c.argv[2])) { c.reply.int(0); return; }
  hset_field(h, c.argv[2], c.argv[3]);
  c.db.touch(c.argv[1]);
  notify(c, NOTIFY_HASH, 'hset', c.argv[1]);
  c.srv.dirty++;
  c.reply.int(1);
}

function hget(c: Client): void {
  const h = lookup_typed(c, c.argv[1], HashObj);
  if (h !== null) c.reply.bulk_or_nil(h?.get(c.argv[2]));
}

function hmget(c: Client): void {
  const h = lookup_typed(c, c.argv[1], HashObj);
  if (h === null) return;
  c.reply.array(c.argv.length - 2);
  for (let i = 2; i < c.argv.length; i++) c.reply.bulk_or_nil(h?.get(c.argv[i]));
}

function hdel(c: Client): void {
  const key = c.argv[1], h = lookup_typed(c, key, HashObj, true);
  if (h === null) return;
  let n = 0;
  if (h) {
    for (let i = 2; i < c.argv.length; i++) if (h.delete(c.argv[i])) n++;
    if (n) notify(c, NOTIFY_HASH, 'hdel', key);
    if (h.size === 0) { c.db.delete(key); notify(c, NOTIFY_GENERIC, 'del', key); } else if (n) c.db.touch(key);
  }
  c.srv.dirty += n;
  c.reply.int(n);
}

function hlen(c: Client): void {
  const h = lookup_typed(c, c.argv[1], HashObj);
  if (h !== null) c.reply.int(h?.size ?? 0);
}

function hexists(c: Client): void {
  const h = lookup_typed(c, c.argv[1], HashObj);
  if (h !== null) c.reply.int(h?.has(c.argv[2]) ? 1 : 0);
}

function hgetall(c: Client, keys: boolean, vals: boolean): void {
  const h = lookup_typed(c, c.argv[1], HashObj);
  if (h === null) return;
  if (!h) { c.reply.array(0); return; }
  c.reply.array(h.size * (keys && vals ? 2 : 1));
  for (const [k, v] of h) { if (keys) c.reply.bulk(k); if (vals) c.reply.bulk(v); }
}

function hincrby(c: Client): void {
  const by = get_ll(c, c.argv[3]);
  if (by === null) return;
  const h = hash_for_write(c);
  if (!h) return;
  const old = h.get(c.argv[2]);
  const cur = old === undefined ? 0 : string2ll(old);
  if (cur === null) { c.reply.error('hash value is not an integer'); cleanup(c, h); return; }
  const b = BigInt(cur) + BigInt(by);
  if (!in_ll_range(b)) { c.reply.error('increment or decrement would overflow'); cleanup(c, h); return; }
  const res = norm(b);
  hset_field(h, c.argv[2], String(res));
  c.db.touch(c.argv[1]);
  notify(c, NOTIFY_HASH, 'hincrby', c.argv[1]);
  c.srv.dirty++;
  c.reply.int(res);
}

function hincrbyfloat(c: Client): void {
  // In long double, as Redis computes it (long_double.ts).
  const by = string2ld(c.argv[3]);
  if (by === null) { c.reply.error('value is not a valid float'); return; }
  if (!ld_is_finite(by)) { c.reply.error('value is NaN or Infinity'); return; }
  const h = hash_for_write(c);
  if (!h) return;
  const old = h.get(c.argv[2]);
  const cur = old === undefined ? LD_ZERO : string2ld(old);
  if (cur === null) { c.reply.error('hash value is not a float'); cleanup(c, h); return; }
  const res = ld_add(cur, by);
  if (!ld_is_finite(res)) { c.reply.error('increment would produce NaN or Infinity'); cleanup(c, h); return; }
  const s = ld_human(res);
  hset_field(h, c.argv[2], s);
  c.db.touch(c.argv[1]);
  notify(c, NOTIFY_HASH, 'hincrbyfloat', c.argv[1]);
  c.srv.dirty++;
  c.prop = [['HSET', c.argv[1], c.argv[2], s]];
  c.reply.bulk(s);
}

/** A hash created for a write that then failed must not stay behind empty. */
function cleanup(c: Client, h: HashObj): void { if (h.size === 0) c.db.delete(c.argv[1]); }

function hstrlen(c: Client): void {
  const h = lookup_typed(c, c.argv[1], HashObj);
  if (h !== null) c.reply.int(h?.get(c.argv[2])?.length ?? 0);
}

/** HRANDFIELD key [count [WITHVALUES]]: distinct fields for count > 0, repeats allowed for < 0. */
function hrandfield(c: Client): void {
  let count: number | null = null, withvalues = false;
  if (c.argv.length >= 3) {
    const n = rand_count(c, c.argv[2], c.argv.length === 4 && opt(c.argv[3], 'WITHVALUES'));
    if (n === null) return;
    if (c.argv.length === 4) { if (!opt(c.argv[3], 'WITHVALUES')) { c.reply.error(SYNTAX); return; } withvalues = true; }
    else if (c.argv.length > 4) { c.reply.error(SYNTAX); return; }
    count = n;
  }
  const h = lookup_typed(c, c.argv[1], HashObj);
  if (h === null) return;
  if (count === null) { if (!h) c.reply.nil(); else c.reply.bulk([...h.keys()][rand_below(h.size)]); return; }
  if (!h || count === 0) { c.reply.array(0); return; }
  if (count < -RAND_REPEAT_MAX) { c.reply.error('value is out of range'); return; }
  const entries = [...h];
  let pick: [string, string][];
  if (count < 0) pick = Array.from({ length: -count }, () => entries[rand_below(entries.length)]);
  else pick = shuffle(entries).slice(0, count);
  // RESP3 replies field-value pairs as two-element arrays.
  const pairs = withvalues && c.resp === 3;
  c.reply.array(pick.length * (withvalues && !pairs ? 2 : 1));
  for (const [k, v] of pick) { if (pairs) c.reply.array(2); c.reply.bulk(k); if (withvalues) c.reply.bulk(v); }
}

export function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) { const j = rand_below(i + 1); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

register('hash', [
  ['hset', -4, 'write denyoom fast', (c) => hset(c, false)],
  ['hmset', -4, 'write denyoom fast', (c) => hset(c, true)],
  ['hsetnx', 4, 'write denyoom fast', hsetnx],
  ['hget', 3, 'readonly fast', hget],
  ['hmget', -3, 'readonly fast', hmget],
  ['hdel', -3, 'write fast', hdel],
  ['hlen', 2, 'readonly fast', hlen],
  ['hexists', 3, 'readonly fast', hexists],
  ['hgetall', 2, 'readonly', (c) => hgetall(c, true, true)],
  ['hkeys', 2, 'readonly', (c) => hgetall(c, true, false)],
  ['hvals', 2, 'readonly', (c) => hgetall(c, false, true)],
  ['hincrby', 4, 'write denyoom fast', hincrby],
  ['hincrbyfloat', 4, 'write denyoom fast', hincrbyfloat],
  ['hstrlen', 3, 'readonly fast', hstrlen],
  ['hrandfield', -2, 'readonly', hrandfield],
]);
