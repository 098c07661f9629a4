/**
 * redis-lite's keyspace table (userland/redis-lite/dict.ts) against a JS Map as the model: any
 * sequence of adds, overwrites (arena values of every length, JS objects) and deletes leaves
 * the same key → value pairs, through growth, shrinking and arena compaction; SCAN's cursor
 * returns every key present for the whole scan however the table is resized in between.
 */
import test from 'ava';
import fc from 'fast-check';
import { Dict, EMBSTR_MAX } from '../../../userland/redis-lite/dict.ts';
import { ListObj, type RObj } from '../../../userland/redis-lite/object.ts';

type Op = { k: number; v: number | null; obj: boolean };

const op = fc.record({ k: fc.integer({ min: 0, max: 300 }), v: fc.option(fc.integer({ min: 0, max: EMBSTR_MAX + 8 })), obj: fc.boolean() });
const key = (k: number): string => `k\u00ff${k}`.repeat(1 + (k % 3));
const value = (k: number, n: number): string => String.fromCharCode(...Array.from({ length: n }, (_, i) => (k * 7 + i * 13) & 0xff));

function apply(d: Dict, m: Map<string, RObj>, o: Op): void {
  const k = key(o.k);
  if (o.v === null) { remove(d, m, k); return; }
  const v: RObj = o.obj ? Object.assign(new ListObj(), { tag: o.v }) : value(o.k, o.v);
  d.upsert(k, v);
  m.set(k, v);
}

function remove(d: Dict, m: Map<string, RObj>, k: string): void {
  if (d.delete(k) !== m.delete(k)) throw new Error(`delete(${k}) disagrees`);
}

function same(d: Dict, m: Map<string, RObj>): boolean {
  if (d.size !== m.size) return false;
  for (const [k, v] of m) if (d.get(k) !== v) return false;
  const keys = d.keys();
  return keys.length === m.size && keys.every((k) => m.has(k));
}

test('any sequence of upserts and deletes agrees with a Map', (t) => {
  fc.assert(fc.property(fc.array(op, { maxLength: 2000 }), (ops) => {
    const d = new Dict(), m = new Map<string, RObj>();
    for (const o of ops) apply(d, m, o);
    return same(d, m);
  }), { numRuns: 60 });
  t.pass();
});

test('many keys: growth, overwrites of other lengths (dead arena bytes) and compaction keep every pair', (t) => {
  const d = new Dict(), m = new Map<string, RObj>();
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 20000; i++) apply(d, m, { k: i, v: (i + round) % (EMBSTR_MAX + 3), obj: false });
  }
  for (let i = 0; i < 20000; i += 3) apply(d, m, { k: i, v: null, obj: false });
  t.true(same(d, m));
  // The model of INFO's used_memory falls as keys go (eviction depends on it).
  const before = d.bytes();
  for (let i = 1; i < 20000; i += 3) apply(d, m, { k: i, v: null, obj: false });
  t.true(d.bytes() < before);
  t.true(same(d, m));
});

test('SCAN returns every key present for the whole scan while the table grows and shrinks', (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 400 }), fc.array(op, { maxLength: 600 }), fc.integer({ min: 1, max: 20 }), (n, churn, per) => {
    const d = new Dict();
    for (let i = 0; i < n; i++) d.upsert(`stay${i}`, 'v');
    const seen = new Set<string>();
    let cursor = 0, step = 0;
    do {
      for (let i = 0; i < per; i++) cursor = d.scan(cursor, (k) => seen.add(k));
      // Churn between calls: adds and deletes of other keys resize the table.
      for (const o of churn.slice(step * 20, step * 20 + 20)) {
        if (o.v === null) d.delete(key(o.k)); else d.upsert(key(o.k), 'x');
      }
      step++;
    } while (cursor !== 0);
    for (let i = 0; i < n; i++) if (!seen.has(`stay${i}`)) return false;
    return true;
  }), { numRuns: 100 });
  t.pass();
});

test('random_key and some_keys return present keys; an emptied dict has none', (t) => {
  const d = new Dict();
  t.is(d.random_key(), undefined);
  for (let i = 0; i < 100; i++) d.upsert(`a${i}`, String(i));
  for (let i = 0; i < 50; i++) t.true(d.has(d.random_key()!));
  const some = d.some_keys(5);
  t.is(some.length, 5);
  t.true(some.every((k) => d.has(k)));
  t.is(d.some_keys(1000).length, 100);
  for (let i = 0; i < 100; i++) d.delete(`a${i}`);
  t.is(d.size, 0);
  t.is(d.random_key(), undefined);
  t.deepEqual(d.some_keys(5), []);
});
