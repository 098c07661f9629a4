/**
 * SCAN, HSCAN, SSCAN, ZSCAN (db.c's scanGenericCommand). SCAN walks the keyspace's buckets with
 * Redis's reverse-binary cursor (dict.ts), stateless as Redis's is. A collection is a JS Map or
 * Set, which has no stable bucket cursor, so for HSCAN/SSCAN/ZSCAN cursor 0 takes a snapshot of
 * the element order and later cursors walk it: every element present for the whole scan is
 * returned, as Redis guarantees; elements deleted in between are skipped when reached. Small
 * ("listpack"/"intset") collections return all at once.
 */
import { get_int, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import type { Client } from './networking.ts';
import { HashObj, type RObj, SetObj, type_name } from './object.ts';
import { SYNTAX, WRONGTYPE } from './resp.ts';
import type { Server } from './server.ts';
import { ZSet } from './t_zset_obj.ts';
import { d2string, stringmatch } from './util.ts';

interface Snapshot { keys: string[]; pos: number }
const MAX_SNAPSHOTS = 256;
const snapshots = new WeakMap<Server, Map<number, Snapshot>>();
let next_cursor = 1;

function snaps(srv: Server): Map<number, Snapshot> {
  let m = snapshots.get(srv);
  if (!m) { m = new Map(); snapshots.set(srv, m); }
  return m;
}

/**
 * parseScanCursorOrReply: strtoul's reading (an empty cursor is 0, a sign is allowed, "-1" wraps to 2^64-1; out of
 * range or trailing junk is invalid). Only the low 32 bits select a bucket (tables are
 * smaller), as the low 64 do in Redis.
 */
function parse_cursor(cs: string): number | null {
  if (cs === '') return 0; // strtoul reads nothing, and nothing is left over
  if (!/^[+-]?\d+$/.test(cs)) return null;
  if (cs.length <= 9) return Number(cs) >>> 0;
  const v = BigInt(cs), mag = v < 0n ? -v : v;
  return mag > 0xffffffffffffffffn ? null : Number(BigInt.asUintN(32, v));
}

/** The cursor at argv[cur_i]; null after the error reply. */
function scan_cursor(c: Client, cur_i: number): number | null {
  const cursor = parse_cursor(c.argv[cur_i]);
  if (cursor === null) c.reply.error('invalid cursor');
  return cursor;
}

/** Parses the cursor and the options after it; null after an error reply. */
function scan_args(c: Client, cur_i: number, allow_type: boolean): { cursor: number; pat: string | null; count: number; type: string | null } | null {
  const cursor = scan_cursor(c, cur_i);
  if (cursor === null) return null;
  let pat: string | null = null, count = 10, type: string | null = null;
  for (let j = cur_i + 1; j < c.argv.length; j++) {
    const has = j + 1 < c.argv.length;
    if (opt(c.argv[j], 'COUNT') && has) {
      const n = get_int(c, c.argv[++j]);
      if (n === null) return null;
      if (n < 1) { c.reply.error(SYNTAX); return null; }
      count = n;
    } else if (opt(c.argv[j], 'MATCH') && has) { pat = c.argv[++j]; if (pat === '*') pat = null; }
    else if (allow_type && opt(c.argv[j], 'TYPE') && has) type = c.argv[++j].toLowerCase();
    else { c.reply.error(SYNTAX); return null; }
  }
  return { cursor, pat, count, type };
}

/** Walks `count` keys of the snapshot for `cursor` (0 starts one from `all`); [next cursor, keys]. */
function walk(srv: Server, cursor: number, count: number, all: () => string[]): [number, string[]] {
  const m = snaps(srv);
  let s = cursor === 0 ? undefined : m.get(cursor);
  if (cursor === 0) s = { keys: all(), pos: 0 };
  if (!s) return [0, []];
  m.delete(cursor);
  const out = s.keys.slice(s.pos, s.pos + count);
  s.pos += out.length;
  if (s.pos >= s.keys.length) return [0, out];
  if (m.size >= MAX_SNAPSHOTS) m.delete(m.keys().next().value!);
  const id = next_cursor++;
  m.set(id, s);
  return [id, out];
}

function reply_scan(c: Client, cursor: number, items: string[]): void {
  c.reply.array(2);
  c.reply.bulk(String(cursor));
  c.reply.bulks(items, items.length);
}

function scan(c: Client): void {
  const a = scan_args(c, 1, true);
  if (!a) return;
  const keys: string[] = [], push = (k: string): void => { keys.push(k); };
  let cursor = a.cursor;
  for (let max = a.count * 10; ;) {
    cursor = c.db.dict.scan(cursor, push);
    if (!cursor || !max-- || keys.length >= a.count) break;
  }
  const out = keys.filter((k) => {
    if (a.pat && !stringmatch(a.pat, k)) return false;
    const v = c.db.peek_notouch(k);
    return v !== undefined && (!a.type || type_name(v) === a.type);
  });
  reply_scan(c, cursor, out);
}

function small(v: RObj): boolean {
  return (v instanceof HashObj && v.enc === 'listpack') || (v instanceof SetObj && v.enc === 'intset') || (v instanceof ZSet && v.enc === 'listpack');
}

/** HSCAN/SSCAN/ZSCAN: the cursor, then the key (missing: an empty scan; WRONGTYPE), then the options, as hscanCommand orders them. */
function collection_scan(c: Client, cls: typeof HashObj | typeof SetObj | typeof ZSet): void {
  if (scan_cursor(c, 2) === null) return;
  const v = c.db.lookup(c.argv[1]);
  if (v !== undefined && !(v instanceof cls)) { c.reply.error(WRONGTYPE); return; }
  if (v === undefined) { reply_scan(c, 0, []); return; }
  const a = scan_args(c, 2, false);
  if (!a) return;
  const members = (): string[] => (v instanceof SetObj ? [...v] : v instanceof ZSet ? [...v.dict.keys()] : [...(v as HashObj).keys()]);
  const [next, keys] = small(v) && a.cursor === 0 ? [0, members()] : walk(c.srv, a.cursor, a.count, members);
  const out: string[] = [];
  for (const k of keys) {
    if (a.pat && !stringmatch(a.pat, k)) continue;
    if (v instanceof SetObj) { if (v.has(k)) out.push(k); }
    else if (v instanceof ZSet) { const s = v.dict.get(k); if (s !== undefined) out.push(k, d2string(s)); }
    else { const x = (v as HashObj).get(k); if (x !== undefined) out.push(k, x); }
  }
  reply_scan(c, next, out);
}

register('keyspace', [
  ['scan', -2, 'readonly nokeys', scan],
  ['hscan', -3, 'readonly', (c) => collection_scan(c, HashObj)],
  ['sscan', -3, 'readonly', (c) => collection_scan(c, SetObj)],
  ['zscan', -3, 'readonly', (c) => collection_scan(c, ZSet)],
]);
