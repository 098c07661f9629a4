/**
 * t_list.c: lists on a deque (Redis 7.0 reports every list as "quicklist"), the pops with a
 * count, LPOS/LINSERT/LREM/LTRIM/LSET, LMOVE/RPOPLPUSH/LMPOP and their blocking forms.
 */
import { block_for_keys, parse_timeout } from './blocked.ts';
import { clamp_range, get_int, get_ll, get_range, lookup_typed, mpop_args, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import { type Client, CLIENT_MULTI } from './networking.ts';
import { notify, NOTIFY_GENERIC, NOTIFY_LIST } from './notify.ts';
import { ListObj } from './object.ts';
import { SYNTAX, WRONGTYPE } from './resp.ts';

const LEFT = true, RIGHT = false;

function push_generic(c: Client, left: boolean, xx: boolean): void {
  const key = c.argv[1];
  let l = lookup_typed(c, key, ListObj, true);
  if (l === null) return;
  if (l === undefined) {
    if (xx) { c.reply.int(0); return; }
    l = new ListObj();
    for (let i = 2; i < c.argv.length; i++) if (left) l.unshift(c.argv[i]); else l.push(c.argv[i]);
    c.db.add(key, l);
  } else {
    for (let i = 2; i < c.argv.length; i++) if (left) l.unshift(c.argv[i]); else l.push(c.argv[i]);
    c.db.touch(key);
  }
  notify(c, NOTIFY_LIST, left ? 'lpush' : 'rpush', key);
  c.srv.dirty += c.argv.length - 2;
  c.reply.int(l.length);
}

/** Pops n elements (one lpop/rpop event for them all), deleting the key when the list empties. */
export function list_pop(c: Client, key: string, l: ListObj, left: boolean, n = 1): string[] {
  const out: string[] = [];
  while (out.length < n && l.length) out.push((left ? l.shift() : l.pop())!);
  notify(c, NOTIFY_LIST, left ? 'lpop' : 'rpop', key);
  if (l.length === 0) list_emptied(c, key); else c.db.touch(key);
  c.srv.dirty += out.length;
  return out;
}

/** A write left the list empty: the key goes, with a del event. */
function list_emptied(c: Client, key: string): void {
  c.db.delete(key);
  notify(c, NOTIFY_GENERIC, 'del', key);
}

function pop_generic(c: Client, left: boolean): void {
  if (c.argv.length > 3) { c.reply.error(`wrong number of arguments for '${left ? 'lpop' : 'rpop'}' command`); return; }
  let count = -1;
  if (c.argv.length === 3) {
    const n = get_range(c, c.argv[2], 0, Number.MAX_SAFE_INTEGER, 'value is out of range, must be positive');
    if (n === null) return;
    count = n;
  }
  const key = c.argv[1], l = lookup_typed(c, key, ListObj, true);
  if (l === null) return;
  if (l === undefined) { if (count === -1) c.reply.nil(); else c.reply.nil_array(); return; }
  if (count === -1) { c.reply.bulk(list_pop(c, key, l, left)[0]); return; }
  const items = list_pop(c, key, l, left, count);
  c.reply.bulks(items, items.length);
}

function llen(c: Client): void {
  const l = lookup_typed(c, c.argv[1], ListObj);
  if (l !== null) c.reply.int(l?.length ?? 0);
}

function lrange(c: Client): void {
  const s = get_int(c, c.argv[2]), e = s === null ? null : get_int(c, c.argv[3]);
  if (s === null || e === null) return;
  const l = lookup_typed(c, c.argv[1], ListObj);
  if (l === null) return;
  const r = l ? clamp_range(s, e, l.length) : null;
  if (!l || !r) { c.reply.array(0); return; }
  c.reply.array(r[1] - r[0] + 1);
  for (let i = r[0]; i <= r[1]; i++) c.reply.bulk(l.at(i));
}

/** LINDEX: a missing key is nil before the index is read. */
function lindex(c: Client): void {
  const l = lookup_typed(c, c.argv[1], ListObj);
  if (l === null) return;
  if (!l) { c.reply.nil(); return; }
  const i = get_int(c, c.argv[2]);
  if (i === null) return;
  const idx = i < 0 ? l.length + i : i;
  c.reply.bulk_or_nil(idx >= 0 && idx < l.length ? l.at(idx) : undefined);
}

/** LSET: a missing key is "no such key" before the index is read. */
function lset(c: Client): void {
  const l = lookup_typed(c, c.argv[1], ListObj, true);
  if (l === null) return;
  if (!l) { c.reply.error('no such key'); return; }
  const i = get_int(c, c.argv[2]);
  if (i === null) return;
  const idx = i < 0 ? l.length + i : i;
  if (idx < 0 || idx >= l.length) { c.reply.error('index out of range'); return; }
  l.set(idx, c.argv[3]);
  c.db.touch(c.argv[1]);
  notify(c, NOTIFY_LIST, 'lset', c.argv[1]);
  c.srv.dirty++;
  c.reply.ok();
}

function lrem(c: Client): void {
  const n = get_int(c, c.argv[2]);
  if (n === null) return;
  const key = c.argv[1], l = lookup_typed(c, key, ListObj, true);
  if (l === null) return;
  if (!l) { c.reply.int(0); return; }
  const items = l.toArray(), v = c.argv[3];
  let removed = 0;
  const keep = new Array<boolean>(items.length).fill(true);
  const order = n < 0 ? items.map((_, i) => items.length - 1 - i) : items.map((_, i) => i);
  for (const i of order) {
    if (items[i] === v && (n === 0 || removed < Math.abs(n))) { keep[i] = false; removed++; }
  }
  if (removed) {
    l.reset(items.filter((_, i) => keep[i]));
    notify(c, NOTIFY_LIST, 'lrem', key);
    if (l.length === 0) list_emptied(c, key); else c.db.touch(key);
    c.srv.dirty += removed;
  }
  c.reply.int(removed);
}

function ltrim(c: Client): void {
  const s = get_int(c, c.argv[2]), e = s === null ? null : get_int(c, c.argv[3]);
  if (s === null || e === null) return;
  const key = c.argv[1], l = lookup_typed(c, key, ListObj, true);
  if (l === null) return;
  if (l) {
    const r = clamp_range(s, e, l.length);
    notify(c, NOTIFY_LIST, 'ltrim', key);
    if (!r) list_emptied(c, key);
    else { l.reset(l.slice(r[0], r[1])); c.db.touch(key); }
    c.srv.dirty++;
  }
  c.reply.ok();
}

function linsert(c: Client): void {
  const where = c.argv[2].toUpperCase();
  if (where !== 'BEFORE' && where !== 'AFTER') { c.reply.error(SYNTAX); return; }
  const key = c.argv[1], l = lookup_typed(c, key, ListObj, true);
  if (l === null) return;
  if (!l) { c.reply.int(0); return; }
  const items = l.toArray(), i = items.indexOf(c.argv[3]);
  if (i < 0) { c.reply.int(-1); return; }
  items.splice(where === 'AFTER' ? i + 1 : i, 0, c.argv[4]);
  l.reset(items);
  c.db.touch(key);
  notify(c, NOTIFY_LIST, 'linsert', key);
  c.srv.dirty++;
  c.reply.int(l.length);
}

function lpos(c: Client): void {
  let rank = 1, count = -1, maxlen = 0, rank_min = false;
  for (let j = 3; j < c.argv.length; j++) {
    const o = c.argv[j], has = j + 1 < c.argv.length;
    if (opt(o, 'RANK') && has) {
      const r = get_ll(c, c.argv[++j]);
      if (r === null) return;
      // RANK LONG_MIN: 7.0.15 negates it in place (it stays LONG_MIN), so every match from the
      // tail is past the rank and COUNT's stop test overflows: all matches, from the tail.
      rank_min = r === -9223372036854775808n;
      if (r === 0) { c.reply.error("RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"); return; }
      rank = Number(r);
    } else if (opt(o, 'COUNT') && has) {
      const n = get_range(c, c.argv[++j], 0, Number.MAX_SAFE_INTEGER, "COUNT can't be negative"); if (n === null) return; count = n;
    } else if (opt(o, 'MAXLEN') && has) {
      const n = get_range(c, c.argv[++j], 0, Number.MAX_SAFE_INTEGER, "MAXLEN can't be negative"); if (n === null) return; maxlen = n;
    } else { c.reply.error(SYNTAX); return; }
  }
  const l = lookup_typed(c, c.argv[1], ListObj);
  if (l === null) return;
  const found: number[] = [];
  if (l) {
    const want = count === -1 ? 1 : count === 0 || rank_min ? Infinity : count;
    let skip = rank_min ? 0 : Math.abs(rank) - 1;
    const n = l.length, limit = maxlen === 0 ? n : Math.min(n, maxlen);
    for (let k = 0; k < limit && found.length < want; k++) {
      const i = rank > 0 ? k : n - 1 - k;
      if (l.at(i) !== c.argv[2]) continue;
      if (skip > 0) { skip--; continue; }
      found.push(i);
    }
  }
  if (count === -1) { if (found.length) c.reply.int(found[0]); else c.reply.nil(); return; }
  c.reply.array(found.length);
  for (const i of found) c.reply.int(i);
}

function side(s: string): boolean | null {
  const u = s.toUpperCase();
  return u === 'LEFT' ? LEFT : u === 'RIGHT' ? RIGHT : null;
}

/** lmoveHandlePush: pushes onto dst (creating it), replying the element. */
export function lmove_push(c: Client, dst: string, v: string, to_left: boolean): void {
  let d = c.db.peek(dst);
  if (d === undefined) { d = new ListObj(); (to_left ? d.unshift(v) : d.push(v)); c.db.add(dst, d); }
  else { const l = d as ListObj; if (to_left) l.unshift(v); else l.push(v); c.db.touch(dst); c.srv.signal_ready(c.db, dst); }
  notify(c, NOTIFY_LIST, to_left ? 'lpush' : 'rpush', dst);
  c.srv.dirty++;
  c.reply.bulk(v);
}

/** The LMOVE core: null if src is empty/missing, false after a WRONGTYPE reply, true when moved. */
export function lmove_generic(c: Client, src: string, dst: string, from_left: boolean, to_left: boolean): boolean | null {
  const s = lookup_typed(c, src, ListObj, true);
  if (s === null) return false;
  if (!s) return null;
  const d = lookup_typed(c, dst, ListObj, true);
  if (d === null) return false;
  const [v] = list_pop(c, src, s, from_left);
  lmove_push(c, dst, v, to_left);
  c.prop = [['LMOVE', src, dst, from_left ? 'LEFT' : 'RIGHT', to_left ? 'LEFT' : 'RIGHT']];
  return true;
}

function lmove(c: Client, from: boolean | null, to: boolean | null, blocking_timeout: number | null): void {
  if (from === null || to === null) { c.reply.error(SYNTAX); return; }
  const r = lmove_generic(c, c.argv[1], c.argv[2], from, to);
  if (r !== null) return;
  if (blocking_timeout === null || c.flags & CLIENT_MULTI || c.srv.in_exec) { c.reply.nil(); return; }
  const src = c.argv[1], dst = c.argv[2];
  block_for_keys(c, [src], blocking_timeout, (bc, key) => {
    const s = bc.db.peek(key);
    if (!(s instanceof ListObj)) return false;
    const d = bc.db.peek(dst);
    if (d !== undefined && !(d instanceof ListObj)) { bc.reply.error(WRONGTYPE); return true; }
    lmove_push(bc, dst, list_pop(bc, key, s, from)[0], to);
    bc.srv.propagate(bc.db, ['LMOVE', key, dst, from ? 'LEFT' : 'RIGHT', to ? 'LEFT' : 'RIGHT']);
    return true;
  });
}

/** Serves a pop for BLPOP/BRPOP/BLMPOP: [key, value] or [key, [values…]]. */
function serve_pop(c: Client, key: string, l: ListObj, left: boolean, count: number, mpop: boolean): void {
  const n = Math.min(count, l.length);
  c.reply.array(2);
  c.reply.bulk(key);
  if (!mpop) { c.reply.bulk(list_pop(c, key, l, left)[0]); c.prop = [[left ? 'LPOP' : 'RPOP', key]]; return; }
  c.reply.bulks(list_pop(c, key, l, left, n), n);
  c.prop = [[left ? 'LPOP' : 'RPOP', key, String(n)]];
}

/** BLPOP/BRPOP/LMPOP/BLMPOP over keys: the first non-empty list, else block (or nil). */
function mpop_generic(c: Client, keys: string[], left: boolean, count: number, mpop: boolean, timeout: number | null): void {
  for (const key of keys) {
    const l = lookup_typed(c, key, ListObj, true);
    if (l === null) return;
    if (l) { serve_pop(c, key, l, left, count, mpop); return; }
  }
  if (timeout === null || c.flags & CLIENT_MULTI || c.srv.in_exec) { c.reply.nil_array(); return; }
  block_for_keys(c, keys, timeout, (bc, key) => {
    const l = bc.db.peek(key);
    if (!(l instanceof ListObj)) return false;
    serve_pop(bc, key, l, left, count, mpop);
    if (bc.prop) bc.srv.propagate(bc.db, bc.prop[0]);
    return true;
  });
}

function bpop(c: Client, left: boolean): void {
  const t = parse_timeout(c, c.argv[c.argv.length - 1]);
  if (t === null) return;
  mpop_generic(c, c.argv.slice(1, -1), left, 1, false, t);
}

/** [B]LMPOP [timeout] numkeys key… LEFT|RIGHT [COUNT n]. */
function lmpop(c: Client, blocking: boolean): void {
  const a = mpop_args(c, ['LEFT', 'RIGHT'], blocking ? parse_timeout : undefined);
  if (a) mpop_generic(c, a.keys, a.first, a.count, true, a.timeout);
}

register('list', [
  ['lpush', -3, 'write denyoom fast', (c) => push_generic(c, LEFT, false)],
  ['rpush', -3, 'write denyoom fast', (c) => push_generic(c, RIGHT, false)],
  ['lpushx', -3, 'write denyoom fast', (c) => push_generic(c, LEFT, true)],
  ['rpushx', -3, 'write denyoom fast', (c) => push_generic(c, RIGHT, true)],
  ['lpop', -2, 'write fast', (c) => pop_generic(c, LEFT)],
  ['rpop', -2, 'write fast', (c) => pop_generic(c, RIGHT)],
  ['llen', 2, 'readonly fast', llen],
  ['lrange', 4, 'readonly', lrange],
  ['lindex', 3, 'readonly', lindex],
  ['lset', 4, 'write denyoom', lset],
  ['lrem', 4, 'write', lrem],
  ['ltrim', 4, 'write', ltrim],
  ['linsert', 5, 'write denyoom', linsert],
  ['lpos', -3, 'readonly', lpos],
  ['lmove', 5, 'write denyoom', (c) => lmove(c, side(c.argv[3]), side(c.argv[4]), null), 1, 2, 1],
  ['rpoplpush', 3, 'write denyoom', (c) => lmove(c, RIGHT, LEFT, null), 1, 2, 1],
  ['lmpop', -4, 'write', (c) => lmpop(c, false), 0, 0, 0],
  ['blpop', -3, 'write noscript blocking', (c) => bpop(c, LEFT), 1, -2, 1],
  ['brpop', -3, 'write noscript blocking', (c) => bpop(c, RIGHT), 1, -2, 1],
  ['blmove', 6, 'write denyoom noscript blocking', (c) => {
    // The directions are read before the timeout (blmoveCommand).
    const from = side(c.argv[3]), to = side(c.argv[4]);
    if (from === null || to === null) { c.reply.error(SYNTAX); return; }
    const t = parse_timeout(c, c.argv[5]);
    if (t !== null) lmove(c, from, to, t);
  }, 1, 2, 1],
  ['brpoplpush', 4, 'write denyoom noscript blocking', (c) => {
    const t = parse_timeout(c, c.argv[3]);
    if (t !== null) lmove(c, RIGHT, LEFT, t);
  }, 1, 2, 1],
  ['blmpop', -5, 'write blocking', (c) => lmpop(c, true), 0, 0, 0],
]);
