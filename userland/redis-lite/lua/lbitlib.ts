/**
 * LuaBitOp (the `bit` library Redis bundles): 32-bit operations on numbers, results as signed
 * 32-bit integers. https://bitop.luajit.org/api.html
 */
import { LuaTable } from './lobject.ts';
import { check_num, fn } from './lbaselib.ts';

/** tobit: the number modulo 2^32 as a signed 32-bit integer. */
const tobit = (x: number): number => Number(BigInt.asIntN(32, BigInt(Math.trunc(x % 4294967296))));

export function open_bit(g: LuaTable): LuaTable {
  const t = new LuaTable();
  const many = (name: string, op: (a: number, b: number) => number): void => t.set(name, fn(name, (a) => {
    let r = tobit(check_num(a, 1, name));
    for (let i = 2; i <= a.length; i++) r = op(r, tobit(check_num(a, i, name)));
    return [r | 0];
  }));
  const two = (name: string, op: (a: number, n: number) => number): void => t.set(name, fn(name, (a) => [op(tobit(check_num(a, 1, name)), tobit(check_num(a, 2, name)) & 31) | 0]));
  t.set('tobit', fn('tobit', (a) => [tobit(check_num(a, 1, 'tobit'))]));
  t.set('bnot', fn('bnot', (a) => [~tobit(check_num(a, 1, 'bnot'))]));
  many('band', (x, y) => x & y);
  many('bor', (x, y) => x | y);
  many('bxor', (x, y) => x ^ y);
  two('lshift', (x, n) => x << n);
  two('rshift', (x, n) => x >>> n);
  two('arshift', (x, n) => x >> n);
  two('rol', (x, n) => (x << n) | (x >>> (32 - n)));
  two('ror', (x, n) => (x >>> n) | (x << (32 - n)));
  t.set('bswap', fn('bswap', (a) => { const x = tobit(check_num(a, 1, 'bswap')); return [((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)]; }));
  t.set('tohex', fn('tohex', (a) => {
    let n = a[1] === undefined ? 8 : tobit(check_num(a, 2, 'tohex'));
    const upper = n < 0;
    if (upper) n = -n;
    const s = (tobit(check_num(a, 1, 'tohex')) >>> 0).toString(16).padStart(8, '0').slice(-Math.min(n, 8));
    return [upper ? s.toUpperCase() : s];
  }));
  g.set('bit', t);
  return t;
}
