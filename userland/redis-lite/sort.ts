/**
 * sort.c: SORT and SORT_RO on lists, sets and sorted sets — numeric (strtod) or ALPHA order,
 * ASC/DESC, LIMIT, BY pattern (a constant pattern means "don't sort": the native order),
 * GET patterns (`#`, `key*`, `hash*->field`) and STORE into a list.
 * https://redis.io/commands/sort/
 */
import { get_ll } from './cmdutil.ts';
import { register } from './commands.ts';
import type { Db } from './db.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_GENERIC, NOTIFY_LIST } from './notify.ts';
import { HashObj, is_str, ListObj, type RObj, SetObj, str_of } from './object.ts';
import { SYNTAX, WRONGTYPE } from './resp.ts';
import { set_members } from './t_set.ts';
import { ZSet } from './t_zset_obj.ts';

/** One element to sort: the element, its numeric weight, or (ALPHA BY) the string it sorts by. */
interface SortItem { obj: string; score: number; cmp: string | null }

interface SortOpts {
  desc: boolean; alpha: boolean; start: number | bigint; count: number | bigint;
  by: string | null; dontsort: boolean; gets: string[]; store: string | null;
}

/** Parses the options after the key; null after replying the error. */
function parse_options(c: Client, readonly: boolean): SortOpts | null {
  const o: SortOpts = { desc: false, alpha: false, start: 0, count: -1, by: null, dontsort: false, gets: [], store: null };
  const argv = c.argv;
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j].toLowerCase(), left = argv.length - j - 1;
    if (a === 'asc') o.desc = false;
    else if (a === 'desc') o.desc = true;
    else if (a === 'alpha') o.alpha = true;
    else if (a === 'limit' && left >= 2) {
      const s = get_ll(c, argv[j + 1]); if (s === null) return null;
      const n = get_ll(c, argv[j + 2]); if (n === null) return null;
      o.start = s; o.count = n; j += 2;
    } else if (a === 'store' && left >= 1 && !readonly) o.store = argv[++j];
    else if (a === 'by' && left >= 1) { o.by = argv[++j]; o.dontsort = !o.by.includes('*'); }
    else if (a === 'get' && left >= 1) o.gets.push(argv[++j]);
    else { c.reply.error(SYNTAX); return null; }
  }
  return o;
}

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
 * element and the key read as a string, or with "->field" (not at the very end) as a hash field.
 * A pattern without '*', a missing key or a key of another type gives null.
 */
export function lookup_by_pattern(db: Db, pattern: string, subst: string): string | null {
  if (pattern === '#') return subst;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : null;
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, field === null ? pattern.length : arrow);
  const v = db.lookup(key);
  if (v === undefined) return null;
  if (field !== null) return v instanceof HashObj ? v.get(field) ?? null : null;
  return is_str(v) ? str_of(v) : null;
}

const clampn = (v: number | bigint, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : Number(v));

/** The LIMIT window over n elements as sort.c computes it: [start, end] (end < start if empty). */
function limit_window(o: SortOpts, n: number): [number, number] {
  let start = clampn(o.start, 0, n);
  const count = clampn(o.count, -1, n);
  let end = count < 0 ? n - 1 : start + count - 1;
  if (start >= n) { start = n - 1; end = n - 2; }
  if (end >= n) end = n - 1;
  return [start, end];
}

const item = (obj: string): SortItem => ({ obj, score: 0, cmp: null });

/** A list or sorted set in its native order (BY constant), only the LIMIT window, DESC from the tail. */
function native_window(v: ListObj | ZSet, desc: boolean, start: number, end: number): SortItem[] {
  const out: SortItem[] = [];
  if (v instanceof ListObj) {
    const n = v.length;
    for (let i = start; i <= end; i++) out.push(item(v.at(desc ? n - 1 - i : i)));
    return out;
  }
  let node = desc ? v.zsl.by_rank(v.size - start) : v.zsl.by_rank(start + 1);
  for (let i = start; i <= end && node; i++) { out.push(item(node.ele)); node = desc ? node.backward : node.forward[0]; }
  return out;
}

function all_elements(v: ListObj | SetObj | ZSet): SortItem[] {
  if (v instanceof ListObj) return v.toArray().map(item);
  if (v instanceof SetObj) return set_members(v).map(item);
  return [...v.dict.keys()].map(item);
}

/** Byte order of latin1 strings (memcmp, as compareStringObjects). */
const bytecmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const SPACE = /^[ \t\n\v\f\r]*/;
const FLOAT = /^[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

/**
 * strtod(3) as sort.c checks it: leading space skipped, the whole rest must be the number
 * (an empty string is 0: nothing left to check), and NaN or ERANGE (overflow, underflow to
 * 0/denormal) is an error. (sort.c reads a stale errno; a fresh one is assumed here.)
 */
export function sort_strtod(s: string): number | null {
  if (s === '') return 0;
  const t = s.slice(SPACE.exec(s)![0].length);
  if (!FLOAT.test(t)) return null;
  const neg = t[0] === '-', body = t.replace(/^[+-]/, '').toLowerCase();
  if (body === 'nan') return null;
  if (body.startsWith('inf')) return neg ? -Infinity : Infinity;
  const v = body.startsWith('0x') ? hex_float(body) : Number(body);
  if (!Number.isFinite(v)) return null;
  if (Math.abs(v) < 2.2250738585072014e-308 && /[1-9a-f]/.test(body.replace(/^0x/, '').replace(/[ep].*$/, ''))) return null;
  return neg ? -v : v;
}

/** A C99 hexadecimal float ("0x1.8p3"). */
function hex_float(body: string): number {
  const m = /^0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/.exec(body)!;
  const mant = parseInt(m[1] + m[2] || '0', 16) / 16 ** m[2].length;
  return mant * 2 ** Number(m[3] ?? 0);
}

/** Loads each element's weight; false if one is not a double. */
function load_weights(db: Db, v: SortItem[], o: SortOpts): boolean {
  let ok = true;
  for (const it of v) {
    const by = o.by !== null ? lookup_by_pattern(db, o.by, it.obj) : it.obj;
    if (by === null) continue;
    if (o.alpha) { if (o.by !== null) it.cmp = by; continue; }
    const d = sort_strtod(by);
    if (d === null) ok = false; else it.score = d;
  }
  return ok;
}

function compare(o: SortOpts): (a: SortItem, b: SortItem) => number {
  const sign = o.desc ? -1 : 1;
  if (!o.alpha) return (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : bytecmp(a.obj, b.obj));
  if (o.by === null) return (a, b) => sign * bytecmp(a.obj, b.obj);
  // A missing BY value sorts before every present one.
  return (a, b) => sign * (a.cmp === null || b.cmp === null ? (a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1) : bytecmp(a.cmp, b.cmp));
}

/** The output rows: the element itself, or one value per GET pattern (null if missing). */
function outputs(db: Db, v: SortItem[], start: number, end: number, gets: string[]): (string | null)[] {
  const out: (string | null)[] = [];
  for (let j = start; j <= end; j++) {
    if (gets.length === 0) out.push(v[j].obj);
    for (const g of gets) out.push(lookup_by_pattern(db, g, v[j].obj));
  }
  return out;
}

function store_result(c: Client, key: string, rows: (string | null)[]): void {
  if (rows.length) {
    const l = new ListObj();
    for (const r of rows) l.push(r ?? '');
    c.db.set(key, l);
    notify(c, NOTIFY_LIST, 'sortstore', key);
    c.srv.dirty += rows.length;
  } else if (c.db.delete(key)) { notify(c, NOTIFY_GENERIC, 'del', key); c.srv.dirty++; }
  c.reply.int(rows.length);
}

function sort_generic(c: Client, readonly: boolean): void {
  const o = parse_options(c, readonly);
  if (!o) return;
  const found: RObj | undefined = c.db.lookup(c.argv[1]);
  if (found !== undefined && !(found instanceof ListObj || found instanceof SetObj || found instanceof ZSet)) { c.reply.error(WRONGTYPE); return; }
  const val = found ?? new ListObj();
  // A set has no native order: with STORE, or for a script, it is sorted ALPHA so the result is deterministic.
  if (o.dontsort && val instanceof SetObj && (o.store !== null || c.script_caller)) { o.dontsort = false; o.alpha = true; o.by = null; }
  if (val instanceof ZSet) val.enc = 'skiplist';
  let [start, end] = limit_window(o, val instanceof ListObj ? val.length : val.size);
  let v: SortItem[];
  if (o.dontsort && !(val instanceof SetObj)) {
    v = end >= start ? native_window(val, o.desc, start, end) : [];
    end -= start; start = 0;
  } else v = all_elements(val);
  if (!o.dontsort) {
    if (!load_weights(c.db, v, o)) { c.reply.error("One or more scores can't be converted into double"); return; }
    v.sort(compare(o));
  }
  const rows = outputs(c.db, v, start, end, o.gets);
  if (o.store !== null) { store_result(c, o.store, rows); return; }
  c.reply.array(rows.length);
  for (const r of rows) c.reply.bulk_or_nil(r);
}

/** sortGetKeys: the key, and the last STORE's key (LIMIT takes two arguments, GET/BY one). */
export function sort_getkeys(argv: string[]): string[] {
  let store: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'limit') i += 2;
    else if (a === 'get' || a === 'by') i += 1;
    // The key after STORE is not skipped (db.c sortGetKeys): "STORE STORE k" reports k.
    else if (a === 'store' && i + 1 < argv.length) store = argv[i + 1];
  }
  return store === null ? [argv[1]] : [argv[1], store];
}

register('list', [
  ['sort', -2, 'write denyoom movablekeys', (c) => sort_generic(c, false)],
  ['sort_ro', -2, 'readonly movablekeys', (c) => sort_generic(c, true)],
]);
