/**
 * Lua 5.1's table and math libraries (ltablib.c, lmathlib.c). math.random is Redis's: a
 * deterministic generator reseeded before every script (redisLrand48, seed 0), so scripts
 * replicate identically.
 */
import { type LuaValue, LuaTable } from './lobject.ts';
import { call_value, less, rt_error, tostr, truthy } from './lvm.ts';
import { arg_error, check_int, check_num, check_table, fn, opt_int } from './lbaselib.ts';

function insert(a: LuaValue[]): LuaValue[] {
  const t = check_table(a, 1, 'insert'), n = t.length();
  if (a.length === 2) { t.set(n + 1, a[1]); return []; }
  if (a.length !== 3) rt_error("wrong number of arguments to 'insert'");
  const pos = check_int(a, 2, 'insert');
  for (let i = n; i >= pos; i--) t.set(i + 1, t.get(i));
  t.set(pos, a[2]);
  return [];
}

function remove(a: LuaValue[]): LuaValue[] {
  const t = check_table(a, 1, 'remove'), n = t.length();
  if (n === 0) return [undefined];
  const pos = opt_int(a, 2, 'remove', n), v = t.get(pos);
  for (let i = pos; i < n; i++) t.set(i, t.get(i + 1));
  t.set(n, undefined);
  return [v];
}

function concat(a: LuaValue[]): LuaValue[] {
  const t = check_table(a, 1, 'concat'), sep = a[1] === undefined ? '' : tostr(a[1]);
  if (sep === null) arg_error(2, 'concat', 'string expected');
  const i = opt_int(a, 3, 'concat', 1), j = a[3] === undefined ? t.length() : check_int(a, 4, 'concat');
  const parts: string[] = [];
  for (let k = i; k <= j; k++) {
    const s = tostr(t.get(k));
    if (s === null) rt_error(`invalid value (at index ${k}) in table for 'concat'`);
    parts.push(s as string);
  }
  return [parts.join(sep as string)];
}

function sort(a: LuaValue[]): LuaValue[] {
  const t = check_table(a, 1, 'sort'), cmp = a[1];
  const n = t.length(), items: LuaValue[] = [];
  for (let i = 1; i <= n; i++) items.push(t.get(i));
  const lt = cmp === undefined ? (x: LuaValue, y: LuaValue): boolean => less(x, y, false) : (x: LuaValue, y: LuaValue): boolean => truthy(call_value(cmp, [x, y])[0]);
  items.sort((x, y) => (lt(x, y) ? -1 : lt(y, x) ? 1 : 0));
  for (let i = 0; i < n; i++) t.set(i + 1, items[i]);
  return [];
}

export function open_table(g: LuaTable): void {
  const t = new LuaTable();
  t.set('insert', fn('insert', insert));
  t.set('remove', fn('remove', remove));
  t.set('concat', fn('concat', concat));
  t.set('sort', fn('sort', sort));
  t.set('getn', fn('getn', (a) => [check_table(a, 1, 'getn').length()]));
  t.set('maxn', fn('maxn', (a) => { const tb = check_table(a, 1, 'maxn'); let m = tb.length(); for (const k of tb.hash.keys()) if (typeof k === 'number' && k > m) m = k; return [m]; }));
  g.set('table', t);
}

/** redisLrand48: the 48-bit linear congruential generator of rand48, reseeded to 0 per script. */
export class Rand48 {
  private x = 0x1234abcd330e;
  seed(s: number): void { this.x = (s & 0xffffffff) * 0x10000 + 0x330e; }
  next(): number {
    this.x = (this.x * 0x5deece66d + 0xb) % 2 ** 48;
    return Math.floor(this.x / 2 ** 17);
  }
}

export function open_math(g: LuaTable, rand: Rand48): void {
  const t = new LuaTable();
  const one = (name: string, f: (x: number) => number): void => t.set(name, fn(name, (a) => [f(check_num(a, 1, name))]));
  for (const [n, f] of [['abs', Math.abs], ['ceil', Math.ceil], ['floor', Math.floor], ['sqrt', Math.sqrt], ['sin', Math.sin], ['cos', Math.cos],
    ['tan', Math.tan], ['asin', Math.asin], ['acos', Math.acos], ['atan', Math.atan], ['exp', Math.exp], ['log10', Math.log10],
    ['sinh', Math.sinh], ['cosh', Math.cosh], ['tanh', Math.tanh]] as [string, (x: number) => number][]) one(n, f);
  t.set('log', fn('log', (a) => [Math.log(check_num(a, 1, 'log'))]));
  t.set('pow', fn('pow', (a) => [Math.pow(check_num(a, 1, 'pow'), check_num(a, 2, 'pow'))]));
  t.set('fmod', fn('fmod', (a) => [check_num(a, 1, 'fmod') % check_num(a, 2, 'fmod')]));
  t.set('atan2', fn('atan2', (a) => [Math.atan2(check_num(a, 1, 'atan2'), check_num(a, 2, 'atan2'))]));
  t.set('modf', fn('modf', (a) => { const x = check_num(a, 1, 'modf'), i = Math.trunc(x); return [i, x - i]; }));
  t.set('max', fn('max', (a) => { let m = check_num(a, 1, 'max'); for (let i = 2; i <= a.length; i++) m = Math.max(m, check_num(a, i, 'max')); return [m]; }));
  t.set('min', fn('min', (a) => { let m = check_num(a, 1, 'min'); for (let i = 2; i <= a.length; i++) m = Math.min(m, check_num(a, i, 'min')); return [m]; }));
  t.set('huge', Infinity);
  t.set('pi', Math.PI);
  t.set('random', fn('random', (a) => {
    const r = (rand.next() % 2147483647) / 2147483647;
    if (a.length === 0) return [r];
    const lo = a.length === 1 ? 1 : check_int(a, 1, 'random'), hi = check_int(a, a.length === 1 ? 1 : 2, 'random');
    if (lo > hi) arg_error(a.length === 1 ? 1 : 2, 'random', 'interval is empty');
    return [Math.floor(r * (hi - lo + 1)) + lo];
  }));
  t.set('randomseed', fn('randomseed', (a) => { rand.seed(check_int(a, 1, 'randomseed')); return []; }));
  g.set('math', t);
}
