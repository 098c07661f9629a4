/**
 * t_zset.c's commands over ZSet (dict + skiplist): ZADD with its flags, scores and ranks,
 * the ZRANGE family (by rank, score or lex; REV; LIMIT), pops (and blocking pops), the
 * union/intersection/difference family and the ZREMRANGEBY* commands.
 */
import { block_for_keys, parse_timeout } from './blocked.ts';
import { clamp_range, get_int, get_range, intercard_limit, lookup_typed, mpop_args, opt, rand_count, RAND_REPEAT_MAX } from './cmdutil.ts';
import { register } from './commands.ts';
import { type Client, CLIENT_MULTI } from './networking.ts';
import { notify, NOTIFY_GENERIC, NOTIFY_ZSET } from './notify.ts';
import { SetObj } from './object.ts';
import { NOT_FLOAT, SYNTAX, WRONGTYPE } from './resp.ts';
import { gte_min, type LexRange, lex_gte_min, lex_lte_max, lte_max, type ScoreRange } from './skiplist.ts';
import { shuffle } from './t_hash.ts';
import { ZSet } from './t_zset_obj.ts';
import { rand_below, string2d, strtod_all } from './util.ts';

/** zslParseRange's reading of one bound: "(" for open, then strtod of the rest, whole, not NaN. */
function parse_score_bound(s: string): { v: number; ex: boolean } | null {
  const ex = s.startsWith('(');
  const v = strtod_all(ex ? s.slice(1) : s);
  return v === null || Number.isNaN(v) ? null : { v, ex };
}

export function parse_score_range(c: Client, min: string, max: string): ScoreRange | null {
  const a = parse_score_bound(min), b = parse_score_bound(max);
  if (!a || !b) { c.reply.error('min or max is not a float'); return null; }
  return { min: a.v, minex: a.ex, max: b.v, maxex: b.ex };
}

export function parse_lex_range(c: Client, min: string, max: string): LexRange | null {
  const item = (s: string): { v: string | null; ex: boolean; inf: number } | null => {
    if (s === '+') return { v: null, ex: false, inf: 1 };
    if (s === '-') return { v: null, ex: false, inf: -1 };
    if (s[0] === '(' || s[0] === '[') return { v: s.slice(1), ex: s[0] === '(', inf: 0 };
    return null;
  };
  const a = item(min), b = item(max);
  if (!a || !b) { c.reply.error('min or max not valid string range item'); return null; }
  // "+" as min or "-" as max match nothing.
  return { min: a.inf === 1 ? null : a.v, minex: a.ex, mininf: a.inf === -1, max: b.inf === -1 ? null : b.v, maxex: b.ex, maxinf: b.inf === 1 };
}

export function zadd(c: Client, incr_cmd: boolean): void {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incr_cmd;
  let j = 2;
  // ZINCRBY shares ZADD's parser (zaddGenericCommand): its flags are read too, and leave a pair short.
  for (; j < c.argv.length; j++) {
    const o = c.argv[j].toUpperCase();
    if (o === 'NX') nx = true; else if (o === 'XX') xx = true; else if (o === 'GT') gt = true; else if (o === 'LT') lt = true;
    else if (o === 'CH') ch = true; else if (o === 'INCR') incr = true; else break;
  }
  const pairs = c.argv.length - j;
  if (pairs === 0 || pairs % 2 !== 0) { c.reply.error(SYNTAX); return; }
  if (nx && xx) { c.reply.error('XX and NX options at the same time are not compatible'); return; }
  if ((gt && nx) || (lt && nx) || (gt && lt)) { c.reply.error('GT, LT, and/or NX options at the same time are not compatible'); return; }
  if (incr && pairs > 2) { c.reply.error('INCR option supports a single increment-element pair'); return; }
  const scores: number[] = [];
  for (let i = j; i < c.argv.length; i += 2) {
    const s = string2d(c.argv[i]);
    if (s === null) { c.reply.error(NOT_FLOAT); return; }
    scores.push(s);
  }
  const key = c.argv[1];
  let z = lookup_typed(c, key, ZSet, true);
  if (z === null) return;
  if (!z) { if (xx) { if (incr) c.reply.nil(); else c.reply.int(0); return; } z = new ZSet(); c.db.add(key, z); }
  let added = 0, updated = 0, last: number | null = null;
  for (let i = 0; i < scores.length; i++) {
    const m = c.argv[j + i * 2 + 1], cur = z.dict.get(m);
    let s = scores[i];
    if (cur !== undefined) {
      if (nx) { last = null; continue; }
      if (incr) { s = cur + s; if (Number.isNaN(s)) { c.reply.error('resulting score is not a number (NaN)'); cleanup(c, key, z); return; } }
      if ((gt && s <= cur) || (lt && s >= cur)) { last = null; continue; }
      if (s !== cur) { z.set(m, s); updated++; }
      last = s;
    } else {
      if (xx) { last = null; continue; }
      z.set(m, s); added++; last = s;
    }
  }
  cleanup(c, key, z);
  if (added + updated) { c.db.touch(key); notify(c, NOTIFY_ZSET, incr ? 'zincr' : 'zadd', key); c.srv.dirty += added + updated; }
  if (incr) { if (last === null) c.reply.nil(); else c.reply.double(last); }
  else c.reply.int(ch ? added + updated : added);
}

/** The last member went: the key goes, with a del event. */
function cleanup(c: Client, key: string, z: ZSet): void { if (z.size === 0 && c.db.delete(key)) notify(c, NOTIFY_GENERIC, 'del', key); }

function zrem(c: Client): void {
  const key = c.argv[1], z = lookup_typed(c, key, ZSet, true);
  if (z === null) return;
  let n = 0;
  if (z) { for (let i = 2; i < c.argv.length; i++) if (z.delete(c.argv[i])) n++; if (n) { notify(c, NOTIFY_ZSET, 'zrem', key); cleanup(c, key, z); c.db.touch(key); } }
  c.srv.dirty += n;
  c.reply.int(n);
}

function zscore(c: Client, multi: boolean): void {
  const z = lookup_typed(c, c.argv[1], ZSet);
  if (z === null) return;
  if (!multi) { const s = z?.dict.get(c.argv[2]); if (s === undefined) c.reply.nil(); else c.reply.double(s); return; }
  c.reply.array(c.argv.length - 2);
  for (let i = 2; i < c.argv.length; i++) { const s = z?.dict.get(c.argv[i]); if (s === undefined) c.reply.nil(); else c.reply.double(s); }
}

function zcard(c: Client): void {
  const z = lookup_typed(c, c.argv[1], ZSet);
  if (z !== null) c.reply.int(z?.size ?? 0);
}

type By = 'rank' | 'score' | 'lex';
interface RangeSpec { by: By; rev: boolean; min: string; max: string; offset: number; count: number }

/** The elements a range selects, in reply order. null after an error reply. */
function select_range(c: Client, z: ZSet | undefined, r: RangeSpec): [string, number][] | null {
  const out: [string, number][] = [];
  if (r.by === 'rank') {
    const s = get_int(c, r.min), e = s === null ? null : get_int(c, r.max);
    if (s === null || e === null || !z) return s === null || e === null ? null : out;
    const rg = clamp_range(s, e, z.size);
    if (!rg) return out;
    const len = z.size;
    let n = z.zsl.by_rank(r.rev ? len - rg[0] : rg[0] + 1);
    for (let i = rg[0]; i <= rg[1] && n; i++) { out.push([n.ele, n.score]); n = r.rev ? n.backward : n.forward[0]; }
    return out;
  }
  const sr = r.by === 'score' ? parse_score_range(c, r.min, r.max) : null;
  const lr = r.by === 'lex' ? parse_lex_range(c, r.min, r.max) : null;
  if (!sr && !lr) return null;
  if (!z) return out;
  let n = sr ? (r.rev ? z.zsl.last_in_range(sr) : z.zsl.first_in_range(sr)) : (r.rev ? z.zsl.last_in_lex(lr!) : z.zsl.first_in_lex(lr!));
  let skip = r.offset;
  const inside = (x: { ele: string; score: number }): boolean => (sr ? gte_min(x.score, sr) && lte_max(x.score, sr) : lex_gte_min(x.ele, lr!) && lex_lte_max(x.ele, lr!));
  while (n && inside(n) && (r.count < 0 || out.length < r.count)) {
    if (skip > 0) skip--; else out.push([n.ele, n.score]);
    n = r.rev ? n.backward : n.forward[0];
  }
  return out;
}

/** Members (and scores): flat in RESP2; in RESP3 each member-score pair is its own array. */
function reply_range(c: Client, items: [string, number][], withscores: boolean, nested = withscores && c.resp > 2): void {
  c.reply.array(items.length * (withscores && !nested ? 2 : 1));
  for (const [m, s] of items) { if (nested) c.reply.array(2); c.reply.bulk(m); if (withscores) c.reply.double(s); }
}

/** ZRANGE and its legacy forms; `store` is ZRANGESTORE's destination. */
function zrange_generic(c: Client, by: By, rev: boolean, first: number, legacy: boolean, store: string | null): void {
  const key = c.argv[first], spec: RangeSpec = { by, rev, min: c.argv[first + 1], max: c.argv[first + 2], offset: 0, count: -1 };
  let withscores = false, limit = false;
  for (let j = first + 3; j < c.argv.length; j++) {
    const o = c.argv[j];
    if (opt(o, 'WITHSCORES') && !store) withscores = true;
    else if (opt(o, 'LIMIT') && j + 2 < c.argv.length) {
      const off = get_int(c, c.argv[j + 1]), cnt = off === null ? null : get_int(c, c.argv[j + 2]);
      if (off === null || cnt === null) return;
      spec.offset = off; spec.count = cnt; limit = true; j += 2;
    } else if (!legacy && !spec.rev && opt(o, 'REV')) spec.rev = true; // once: a second REV is a syntax error
    else if (!legacy && opt(o, 'BYSCORE') && spec.by === 'rank') spec.by = 'score';
    else if (!legacy && opt(o, 'BYLEX') && spec.by === 'rank') spec.by = 'lex';
    else { c.reply.error(SYNTAX); return; }
  }
  if (limit && spec.by === 'rank') { c.reply.error('syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'); return; }
  if (withscores && spec.by === 'lex') { c.reply.error('syntax error, WITHSCORES not supported in combination with BYLEX'); return; }
  // Reverse score/lex ranges are written max first.
  if (spec.rev && spec.by !== 'rank') [spec.min, spec.max] = [spec.max, spec.min];
  // The range is parsed before the key is looked up (a bad range beats WRONGTYPE), as zrangeGenericCommand does.
  if (!select_range(c, undefined, spec)) return;
  const z = lookup_typed(c, key, ZSet);
  if (z === null) return;
  const items = spec.offset < 0 ? [] : select_range(c, z, spec);
  if (!items) return;
  if (!store) { reply_range(c, items, withscores); return; }
  store_zset(c, store, items, 'zrangestore');
}

function store_zset(c: Client, dst: string, items: Iterable<[string, number]>, event: string): void {
  const z = new ZSet();
  for (const [m, s] of items) z.set(m, s);
  const had = c.db.delete(dst);
  if (z.size) { c.db.add(dst, z); notify(c, NOTIFY_ZSET, event, dst); } else if (had) notify(c, NOTIFY_GENERIC, 'del', dst);
  if (z.size || had) c.srv.dirty++;
  c.reply.int(z.size);
}

/** ZCOUNT/ZLEXCOUNT: the range is read before the key. */
function zcount(c: Client, lex: boolean): void {
  const spec: RangeSpec = { by: lex ? 'lex' : 'score', rev: false, min: c.argv[2], max: c.argv[3], offset: 0, count: -1 };
  if (!select_range(c, undefined, spec)) return;
  const z = lookup_typed(c, c.argv[1], ZSet);
  if (z === null) return;
  const items = select_range(c, z ?? undefined, spec);
  if (items) c.reply.int(items.length);
}


function zrank(c: Client, rev: boolean): void {
  const z = lookup_typed(c, c.argv[1], ZSet);
  if (z === null) return;
  const s = z?.dict.get(c.argv[2]);
  if (!z || s === undefined) { c.reply.nil(); return; }
  const r = z.zsl.rank(s, c.argv[2]);
  c.reply.int(rev ? z.size - r : r - 1);
}

/** ZPOPMIN/ZPOPMAX core: pops up to count; the popped pairs. */
function pop_n(c: Client, key: string, z: ZSet, max: boolean, count: number): [string, number][] {
  const out: [string, number][] = [];
  while (out.length < count && z.size) {
    const n = max ? z.zsl.tail! : z.zsl.header.forward[0]!;
    out.push([n.ele, n.score]);
    z.delete(n.ele);
  }
  if (out.length) notify(c, NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', key);
  if (z.size === 0) cleanup(c, key, z); else c.db.touch(key);
  c.srv.dirty += out.length;
  return out;
}

function zpop(c: Client, max: boolean): void {
  let count = 1;
  if (c.argv.length === 3) { const n = get_range(c, c.argv[2], 0, Number.MAX_SAFE_INTEGER, 'value is out of range, must be positive'); if (n === null) return; count = n; }
  else if (c.argv.length > 3) { c.reply.error(SYNTAX); return; }
  const key = c.argv[1], z = lookup_typed(c, key, ZSet, true);
  if (z === null) return;
  if (!z) { c.reply.array(0); return; }
  // A single pop (no count) stays flat in RESP3 too.
  reply_range(c, pop_n(c, key, z, max, count), true, c.resp > 2 && c.argv.length === 3);
}

type ZServe = (c: Client, key: string, z: ZSet) => void;

/**
 * blockingGenericZpopCommand: serves the first non-empty sorted set among keys, else blocks
 * until one is written (timeout null: ZMPOP, which replies a null array instead).
 */
function zpop_or_block(c: Client, keys: string[], timeout: number | null, serve: ZServe): void {
  for (const key of keys) {
    const z = lookup_typed(c, key, ZSet, true);
    if (z === null) return;
    if (z) { serve(c, key, z); return; }
  }
  if (timeout === null || c.flags & CLIENT_MULTI || c.srv.in_exec) { c.reply.nil_array(); return; }
  block_for_keys(c, keys, timeout, (bc, key) => {
    const z = bc.db.peek(key);
    if (!(z instanceof ZSet)) return false;
    serve(bc, key, z);
    bc.srv.propagate(bc.db, bc.prop![0]);
    return true;
  });
}

/** BZPOPMIN/BZPOPMAX key … timeout: [key, member, score]. */
function bzpop(c: Client, max: boolean): void {
  const t = parse_timeout(c, c.argv[c.argv.length - 1]);
  if (t === null) return;
  zpop_or_block(c, c.argv.slice(1, -1), t, (bc, key, z) => {
    const [[m, s]] = pop_n(bc, key, z, max, 1);
    bc.reply.array(3); bc.reply.bulk(key); bc.reply.bulk(m); bc.reply.double(s);
    bc.prop = [[max ? 'ZPOPMAX' : 'ZPOPMIN', key]];
  });
}

/** [B]ZMPOP [timeout] numkeys key … MIN|MAX [COUNT n]: [key, [[member, score] …]], replicated as ZPOPMIN/MAX key n. */
function zmpop(c: Client, blocking: boolean): void {
  const a = mpop_args(c, ['MIN', 'MAX'], blocking ? parse_timeout : undefined);
  if (!a) return;
  zpop_or_block(c, a.keys, a.timeout, (bc, key, z) => {
    const items = pop_n(bc, key, z, !a.first, a.count);
    bc.reply.array(2); bc.reply.bulk(key);
    reply_range(bc, items, true, true);
    bc.prop = [[a.first ? 'ZPOPMIN' : 'ZPOPMAX', key, String(items.length)]];
  });
}

type Agg = 'sum' | 'min' | 'max';

/** ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE and ZUNION/ZINTER/ZDIFF: numkeys, keys, WEIGHTS, AGGREGATE. */
function zsetop(c: Client, op: 'union' | 'inter' | 'diff', store: boolean): void {
  const base = store ? 2 : 1;
  const numkeys = zset_numkeys(c, base);
  if (numkeys === null) return;
  const keys = c.argv.slice(base + 1, base + 1 + numkeys);
  // The inputs are looked up (and type-checked) before the options are read (zunionInterDiffGenericCommand).
  const inputs = zset_inputs(c, keys);
  if (!inputs) return;
  const weights = keys.map(() => 1);
  let agg: Agg = 'sum', withscores = false;
  for (let j = base + 1 + numkeys; j < c.argv.length; j++) {
    const o = c.argv[j];
    if (op !== 'diff' && opt(o, 'WEIGHTS') && j + numkeys < c.argv.length) {
      for (let k = 0; k < numkeys; k++) { const w = string2d(c.argv[++j]); if (w === null) { c.reply.error('weight value is not a float'); return; } weights[k] = w; }
    } else if (op !== 'diff' && opt(o, 'AGGREGATE') && j + 1 < c.argv.length) {
      const a = c.argv[++j].toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') { c.reply.error(SYNTAX); return; }
      agg = a;
    } else if (!store && opt(o, 'WITHSCORES')) withscores = true;
    else { c.reply.error(SYNTAX); return; }
  }
  const res = combine(op, inputs, weights, agg);
  if (store) { store_zset(c, c.argv[1], res, `z${op}store`); return; }
  const z = new ZSet();
  for (const [m, s] of res) z.set(m, s);
  reply_range(c, [...z.entries()], withscores);
}

/** zunionInterDiffGenericCommand's numkeys: at least 1, and no more than the arguments after it. */
function zset_numkeys(c: Client, at: number): number | null {
  const n = get_int(c, c.argv[at]);
  if (n === null) return null;
  if (n < 1) { c.reply.error(`at least 1 input key is needed for '${c.argv[0].toLowerCase()}' command`); return null; }
  if (n > c.argv.length - at - 1) { c.reply.error(SYNTAX); return null; }
  return n;
}

/** The inputs of a set operation: sorted sets, or plain sets with score 1; null after WRONGTYPE. */
function zset_inputs(c: Client, keys: string[]): (Map<string, number> | null)[] | null {
  const inputs: (Map<string, number> | null)[] = [];
  for (const k of keys) {
    const v = c.db.lookup(k);
    if (v === undefined) inputs.push(null);
    else if (v instanceof ZSet) inputs.push(v.dict);
    else if (v instanceof SetObj) inputs.push(new Map([...v].map((m) => [m, 1])));
    else { c.reply.error(WRONGTYPE); return null; }
  }
  return inputs;
}

/** ZINTERCARD numkeys key … [LIMIT n]: the intersection's size, counting stops at n (0: no limit). */
/** ZINTERCARD: numkeys, the inputs (type-checked), then LIMIT — zunionInterDiffGenericCommand's order. */
function zintercard(c: Client): void {
  const numkeys = zset_numkeys(c, 1);
  if (numkeys === null) return;
  const keys = c.argv.slice(2, 2 + numkeys), inputs = zset_inputs(c, keys);
  if (!inputs) return;
  const limit = intercard_limit(c, 2 + numkeys);
  if (limit === null) return;
  const n = combine('inter', inputs, keys.map(() => 1), 'sum').size;
  c.reply.int(limit ? Math.min(n, limit) : n);
}

function aggregate(a: number, b: number, agg: Agg): number {
  if (agg === 'min') return Math.min(a, b);
  if (agg === 'max') return Math.max(a, b);
  const s = a + b;
  return Number.isNaN(s) ? 0 : s;
}

function combine(op: 'union' | 'inter' | 'diff', inputs: (Map<string, number> | null)[], w: number[], agg: Agg): Map<string, number> {
  const out = new Map<string, number>();
  const weigh = (s: number, i: number): number => { const v = s * w[i]; return Number.isNaN(v) ? 0 : v; };
  if (op === 'diff') {
    if (!inputs[0]) return out;
    for (const [m, s] of inputs[0]) if (!inputs.slice(1).some((x) => x?.has(m))) out.set(m, s);
    return out;
  }
  if (op === 'inter') {
    if (inputs.some((x) => !x)) return out;
    for (const [m, s] of inputs[0]!) {
      if (!inputs.every((x) => x!.has(m))) continue;
      let acc = weigh(s, 0);
      for (let i = 1; i < inputs.length; i++) acc = aggregate(acc, weigh(inputs[i]!.get(m)!, i), agg);
      out.set(m, acc);
    }
    return out;
  }
  inputs.forEach((x, i) => {
    if (!x) return;
    for (const [m, s] of x) { const v = weigh(s, i), cur = out.get(m); out.set(m, cur === undefined ? v : aggregate(cur, v, agg)); }
  });
  return out;
}

function zremrange(c: Client, by: By): void {
  const spec: RangeSpec = { by, rev: false, min: c.argv[2], max: c.argv[3], offset: 0, count: -1 };
  if (!select_range(c, undefined, spec)) return; // the range is checked before the key (zremrangeGenericCommand)
  const key = c.argv[1], z = lookup_typed(c, key, ZSet, true);
  if (z === null) return;
  const items = select_range(c, z ?? undefined, spec);
  if (!items) return;
  if (z && items.length) {
    for (const [m] of items) z.delete(m);
    notify(c, NOTIFY_ZSET, `zremrangeby${by}`, key);
    cleanup(c, key, z); c.db.touch(key); c.srv.dirty += items.length;
  }
  c.reply.int(items.length);
}

function zrandmember(c: Client): void {
  let count: number | null = null, withscores = false;
  if (c.argv.length >= 3) {
    const n = rand_count(c, c.argv[2], c.argv.length === 4 && opt(c.argv[3], 'WITHSCORES'));
    if (n === null) return;
    if (c.argv.length === 4 && opt(c.argv[3], 'WITHSCORES')) withscores = true;
    else if (c.argv.length > 3) { c.reply.error(SYNTAX); return; }
    count = n;
  }
  const z = lookup_typed(c, c.argv[1], ZSet);
  if (z === null) return;
  if (count === null) { if (!z) c.reply.nil(); else c.reply.bulk([...z.dict.keys()][rand_below(z.size)]); return; }
  if (!z || count === 0) { c.reply.array(0); return; }
  if (count < -RAND_REPEAT_MAX) { c.reply.error('value is out of range'); return; }
  const all = [...z.dict];
  const pick = count < 0 ? Array.from({ length: -count }, () => all[rand_below(all.length)]) : shuffle(all).slice(0, count);
  reply_range(c, pick, withscores);
}

register('sorted-set', [
  ['zadd', -4, 'write denyoom fast', (c) => zadd(c, false)],
  ['zincrby', 4, 'write denyoom fast', (c) => zadd(c, true)],
  ['zrem', -3, 'write fast', zrem],
  ['zscore', 3, 'readonly fast', (c) => zscore(c, false)],
  ['zmscore', -3, 'readonly fast', (c) => zscore(c, true)],
  ['zcard', 2, 'readonly fast', zcard],
  ['zcount', 4, 'readonly fast', (c) => zcount(c, false)],
  ['zlexcount', 4, 'readonly fast', (c) => zcount(c, true)],
  ['zrange', -4, 'readonly', (c) => zrange_generic(c, 'rank', false, 1, false, null)],
  ['zrangestore', -5, 'write denyoom', (c) => zrange_generic(c, 'rank', false, 2, false, c.argv[1]), 1, 2, 1],
  ['zrevrange', -4, 'readonly', (c) => zrange_generic(c, 'rank', true, 1, true, null)],
  ['zrangebyscore', -4, 'readonly', (c) => zrange_generic(c, 'score', false, 1, true, null)],
  ['zrevrangebyscore', -4, 'readonly', (c) => zrange_generic(c, 'score', true, 1, true, null)],
  ['zrangebylex', -4, 'readonly', (c) => zrange_generic(c, 'lex', false, 1, true, null)],
  ['zrevrangebylex', -4, 'readonly', (c) => zrange_generic(c, 'lex', true, 1, true, null)],
  ['zrank', 3, 'readonly fast', (c) => zrank(c, false)],
  ['zrevrank', 3, 'readonly fast', (c) => zrank(c, true)],
  ['zpopmin', -2, 'write fast', (c) => zpop(c, false)],
  ['zpopmax', -2, 'write fast', (c) => zpop(c, true)],
  ['bzpopmin', -3, 'write noscript fast blocking', (c) => bzpop(c, false), 1, -2, 1],
  ['bzpopmax', -3, 'write noscript fast blocking', (c) => bzpop(c, true), 1, -2, 1],
  ['zmpop', -4, 'write', (c) => zmpop(c, false), 0, 0, 0],
  ['bzmpop', -5, 'write blocking', (c) => zmpop(c, true), 0, 0, 0],
  ['zunionstore', -4, 'write denyoom', (c) => zsetop(c, 'union', true), 1, 1, 1],
  ['zinterstore', -4, 'write denyoom', (c) => zsetop(c, 'inter', true), 1, 1, 1],
  ['zdiffstore', -4, 'write denyoom', (c) => zsetop(c, 'diff', true), 1, 1, 1],
  ['zunion', -3, 'readonly', (c) => zsetop(c, 'union', false), 0, 0, 0],
  ['zinter', -3, 'readonly', (c) => zsetop(c, 'inter', false), 0, 0, 0],
  ['zintercard', -3, 'readonly', zintercard, 0, 0, 0],
  ['zdiff', -3, 'readonly', (c) => zsetop(c, 'diff', false), 0, 0, 0],
  ['zremrangebyscore', 4, 'write', (c) => zremrange(c, 'score')],
  ['zremrangebyrank', 4, 'write', (c) => zremrange(c, 'rank')],
  ['zremrangebylex', 4, 'write', (c) => zremrange(c, 'lex')],
  ['zrandmember', -2, 'readonly', zrandmember],
]);
