/**
 * t_set.c: sets on a JS Set that reports "intset" while all members are integers and there
 * are at most set-max-intset-entries of them, then "hashtable"; the algebra commands check
 * every key's type before computing, as Redis 7.0 does.
 */
import { get_range, intercard_args, lookup_typed, rand_count, RAND_REPEAT_MAX } from './cmdutil.ts';
import { register } from './commands.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_GENERIC, NOTIFY_SET } from './notify.ts';
import { SetObj, set_note_add } from './object.ts';
import { SYNTAX, WRONGTYPE } from './resp.ts';
import { shuffle } from './t_hash.ts';
import { rand_below } from './util.ts';

function sadd(c: Client): void {
  const key = c.argv[1];
  let s = lookup_typed(c, key, SetObj, true);
  if (s === null) return;
  if (!s) { s = new SetObj(); c.db.add(key, s); }
  let added = 0;
  for (let i = 2; i < c.argv.length; i++) {
    const m = c.argv[i];
    if (s.has(m)) continue;
    s.add(m); set_note_add(s, m); added++;
  }
  if (added) { c.db.touch(key); notify(c, NOTIFY_SET, 'sadd', key); }
  c.srv.dirty += added;
  c.reply.int(added);
}

/** The last member went: the key goes, with a del event. */
function set_emptied(c: Client, key: string): void {
  c.db.delete(key);
  notify(c, NOTIFY_GENERIC, 'del', key);
}

function srem(c: Client): void {
  const key = c.argv[1], s = lookup_typed(c, key, SetObj, true);
  if (s === null) return;
  let n = 0;
  if (s) {
    for (let i = 2; i < c.argv.length; i++) if (s.delete(c.argv[i])) n++;
    if (n) notify(c, NOTIFY_SET, 'srem', key);
    if (s.size === 0) set_emptied(c, key); else if (n) c.db.touch(key);
  }
  c.srv.dirty += n;
  c.reply.int(n);
}

/** An intset replies in ascending order, as Redis's sorted intset does. */
export function set_members(s: SetObj): string[] {
  const a = [...s];
  return s.enc === 'intset' ? a.sort((x, y) => Number(BigInt(x) - BigInt(y) > 0n) - Number(BigInt(x) - BigInt(y) < 0n)) : a;
}

function smembers(c: Client): void {
  const s = lookup_typed(c, c.argv[1], SetObj);
  if (s === null) return;
  if (!s) { c.reply.array(0); return; }
  c.reply.bulks(set_members(s), s.size);
}

function sismember(c: Client): void {
  const s = lookup_typed(c, c.argv[1], SetObj);
  if (s !== null) c.reply.int(s?.has(c.argv[2]) ? 1 : 0);
}

function smismember(c: Client): void {
  const s = lookup_typed(c, c.argv[1], SetObj);
  if (s === null) return;
  c.reply.array(c.argv.length - 2);
  for (let i = 2; i < c.argv.length; i++) c.reply.int(s?.has(c.argv[i]) ? 1 : 0);
}

function scard(c: Client): void {
  const s = lookup_typed(c, c.argv[1], SetObj);
  if (s !== null) c.reply.int(s?.size ?? 0);
}

function spop(c: Client): void {
  const key = c.argv[1];
  let count = -1;
  if (c.argv.length === 3) {
    const n = get_range(c, c.argv[2], 0, Number.MAX_SAFE_INTEGER, 'value is out of range, must be positive');
    if (n === null) return;
    count = n;
  } else if (c.argv.length > 3) { c.reply.error(SYNTAX); return; }
  const s = lookup_typed(c, key, SetObj, true);
  if (s === null) return;
  if (!s) { if (count === -1) c.reply.nil(); else c.reply.array(0); return; }
  const pick = count === -1 ? [[...s][rand_below(s.size)]] : shuffle([...s]).slice(0, count);
  for (const m of pick) s.delete(m);
  if (pick.length) notify(c, NOTIFY_SET, 'spop', key);
  if (s.size === 0) set_emptied(c, key); else c.db.touch(key);
  c.srv.dirty += pick.length;
  c.prop = pick.length ? [['SREM', key, ...pick]] : [];
  if (count === -1) c.reply.bulk(pick[0]); else c.reply.bulks(pick, pick.length);
}

function srandmember(c: Client): void {
  let count: number | null = null;
  if (c.argv.length === 3) {
    const n = rand_count(c, c.argv[2], false);
    if (n === null) return;
    count = n;
  } else if (c.argv.length > 3) { c.reply.error(SYNTAX); return; }
  const s = lookup_typed(c, c.argv[1], SetObj);
  if (s === null) return;
  if (count === null) { if (!s) c.reply.nil(); else c.reply.bulk([...s][rand_below(s.size)]); return; }
  if (s && count < -RAND_REPEAT_MAX) { c.reply.error('value is out of range'); return; }
  if (!s || count === 0) { c.reply.array(0); return; }
  const all = [...s];
  const pick = count < 0 ? Array.from({ length: -count }, () => all[rand_below(all.length)]) : shuffle(all).slice(0, count);
  c.reply.bulks(pick, pick.length);
}

function smove(c: Client): void {
  const [, src, dst, m] = c.argv;
  const s = lookup_typed(c, src, SetObj, true);
  if (s === null) return;
  if (!s) { c.reply.int(0); return; } // a missing source answers 0 before the destination's type is checked
  const d = lookup_typed(c, dst, SetObj, true);
  if (d === null) return;
  if (!s.has(m)) { c.reply.int(0); return; }
  if (src === dst) { c.reply.int(1); return; }
  s.delete(m);
  notify(c, NOTIFY_SET, 'srem', src);
  if (s.size === 0) set_emptied(c, src); else c.db.touch(src);
  let t = d;
  if (!t) { t = new SetObj(); c.db.add(dst, t); }
  if (!t.has(m)) { t.add(m); set_note_add(t, m); c.db.touch(dst); notify(c, NOTIFY_SET, 'sadd', dst); }
  c.srv.dirty++;
  c.reply.int(1);
}

type Op = 'inter' | 'union' | 'diff';

/** The sets under keys (missing keys as null), or undefined after a WRONGTYPE reply. */
function sets_of(c: Client, keys: string[]): (SetObj | null)[] | undefined {
  const out: (SetObj | null)[] = [];
  for (const k of keys) {
    const v = c.db.lookup(k);
    if (v !== undefined && !(v instanceof SetObj)) { c.reply.error(WRONGTYPE); return undefined; }
    out.push(v ?? null);
  }
  return out;
}

function compute(op: Op, sets: (SetObj | null)[], limit = 0): string[] {
  if (op === 'inter') {
    if (sets.some((s) => !s)) return [];
    const sorted = [...(sets as SetObj[])].sort((a, b) => a.size - b.size);
    const out: string[] = [];
    for (const m of sorted[0]) {
      if (sorted.every((s) => s.has(m))) { out.push(m); if (limit && out.length >= limit) break; }
    }
    return out;
  }
  if (op === 'union') { const u = new Set<string>(); for (const s of sets) if (s) for (const m of s) u.add(m); return [...u]; }
  if (!sets[0]) return [];
  return [...sets[0]].filter((m) => !sets.slice(1).some((s) => s?.has(m)));
}

function setop(c: Client, op: Op, store: boolean): void {
  const keys = c.argv.slice(store ? 2 : 1);
  const sets = sets_of(c, keys);
  if (!sets) return;
  const res = compute(op, sets);
  if (!store) {
    const one = sets.length === 1 && sets[0];
    c.reply.bulks(one && op !== 'diff' ? set_members(one) : res, res.length);
    return;
  }
  const dst = c.argv[1];
  const had = c.db.delete(dst);
  if (res.length) {
    const s = new SetObj();
    for (const m of res) { s.add(m); set_note_add(s, m); }
    c.db.add(dst, s);
    notify(c, NOTIFY_SET, `s${op}store`, dst);
  } else if (had) notify(c, NOTIFY_GENERIC, 'del', dst);
  if (res.length || had) c.srv.dirty++;
  c.reply.int(res.length);
}

function sintercard(c: Client): void {
  const args = intercard_args(c);
  if (!args) return;
  const sets = sets_of(c, args.keys);
  if (sets) c.reply.int(compute('inter', sets, args.limit).length);
}

register('set', [
  ['sadd', -3, 'write denyoom fast', sadd],
  ['srem', -3, 'write fast', srem],
  ['smembers', 2, 'readonly', smembers],
  ['sismember', 3, 'readonly fast', sismember],
  ['smismember', -3, 'readonly fast', smismember],
  ['scard', 2, 'readonly fast', scard],
  ['spop', -2, 'write fast', spop],
  ['srandmember', -2, 'readonly', srandmember],
  ['smove', 4, 'write fast', smove, 1, 2, 1],
  ['sinter', -2, 'readonly', (c) => setop(c, 'inter', false), 1, -1, 1],
  ['sunion', -2, 'readonly', (c) => setop(c, 'union', false), 1, -1, 1],
  ['sdiff', -2, 'readonly', (c) => setop(c, 'diff', false), 1, -1, 1],
  ['sinterstore', -3, 'write denyoom', (c) => setop(c, 'inter', true), 1, -1, 1],
  ['sunionstore', -3, 'write denyoom', (c) => setop(c, 'union', true), 1, -1, 1],
  ['sdiffstore', -3, 'write denyoom', (c) => setop(c, 'diff', true), 1, -1, 1],
  ['sintercard', -3, 'readonly', sintercard, 0, 0, 0],
]);
