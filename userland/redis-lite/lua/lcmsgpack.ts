/**
 * The cmsgpack library Redis bundles (lua_cmsgpack.c): MessagePack encoding of Lua values
 * into byte strings and back. Integers take the smallest encoding, non-integers float32 when
 * exact else float64; a table with keys 1..n is an array, any other a map.
 * https://github.com/msgpack/msgpack/blob/master/spec.md
 */
import { type LuaValue, LuaTable } from './lobject.ts';
import { rt_error } from './lvm.ts';
import { check_int, check_str, fn } from './lbaselib.ts';

const f32 = new Float32Array(1), f64 = new Float64Array(1);
const b32 = new Uint8Array(f32.buffer), b64 = new Uint8Array(f64.buffer);

function be(n: number, bytes: number): string {
  let s = '';
  for (let i = bytes - 1; i >= 0; i--) s += String.fromCharCode(Number((BigInt(Math.trunc(n)) >> BigInt(8 * i)) & 0xffn));
  return s;
}

const rev = (b: Uint8Array): string => String.fromCharCode(...[...b].reverse());

function pack_int(n: number): string {
  if (n >= 0) {
    if (n < 128) return String.fromCharCode(n);
    if (n < 256) return '\xcc' + be(n, 1);
    if (n < 65536) return '\xcd' + be(n, 2);
    if (n < 4294967296) return '\xce' + be(n, 4);
    return '\xcf' + be(n, 8);
  }
  if (n >= -32) return String.fromCharCode(256 + n);
  if (n >= -128) return '\xd0' + be(n, 1);
  if (n >= -32768) return '\xd1' + be(n, 2);
  if (n >= -2147483648) return '\xd2' + be(n, 4);
  return '\xd3' + be(n, 8);
}

function pack_len(n: number, fix: number, fixmax: number, c8: number, c16: number, c32: number): string {
  if (n <= fixmax) return String.fromCharCode(fix | n);
  if (c8 && n < 256) return String.fromCharCode(c8) + be(n, 1);
  if (n < 65536) return String.fromCharCode(c16) + be(n, 2);
  return String.fromCharCode(c32) + be(n, 4);
}

function pack(v: LuaValue, depth: number): string {
  if (v === undefined) return '\xc0';
  if (typeof v === 'boolean') return v ? '\xc3' : '\xc2';
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return pack_int(v);
    f32[0] = v;
    if (f32[0] === v) return '\xca' + rev(b32);
    f64[0] = v;
    return '\xcb' + rev(b64);
  }
  if (typeof v === 'string') return pack_len(v.length, 0xa0, 31, 0xd9, 0xda, 0xdb) + v;
  if (!(v instanceof LuaTable) || depth >= 16) return '\xc0'; // LUACMSGPACK_MAX_NESTING
  const n = v.length();
  if (n > 0 && v.hash.size === 0) {
    let s = pack_len(n, 0x90, 15, 0, 0xdc, 0xdd);
    for (let i = 1; i <= n; i++) s += pack(v.get(i), depth + 1);
    return s;
  }
  const entries: [LuaValue, LuaValue][] = [];
  for (let i = 0; i < v.arr.length; i++) if (v.arr[i] !== undefined) entries.push([i + 1, v.arr[i]]);
  for (const e of v.hash) entries.push(e);
  let s = pack_len(entries.length, 0x80, 15, 0, 0xde, 0xdf);
  for (const [k, x] of entries) s += pack(k, depth + 1) + pack(x, depth + 1);
  return s;
}

interface Cur { s: string; p: number }

function uint(c: Cur, n: number): number {
  if (c.p + n > c.s.length) rt_error('Missing bytes in input.');
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + c.s.charCodeAt(c.p++);
  return v;
}

function int(c: Cur, n: number): number {
  const u = uint(c, n), top = 2 ** (8 * n);
  return u >= top / 2 ? u - top : u;
}

function float(c: Cur, n: 4 | 8): number {
  const b = n === 4 ? b32 : b64;
  for (let i = n - 1; i >= 0; i--) b[i] = uint(c, 1);
  return n === 4 ? f32[0] : f64[0];
}

function bytes(c: Cur, n: number): string {
  if (c.p + n > c.s.length) rt_error('Missing bytes in input.');
  const s = c.s.slice(c.p, c.p + n);
  c.p += n;
  return s;
}

function collection(c: Cur, n: number, map: boolean): LuaTable {
  const t = new LuaTable();
  for (let i = 0; i < n; i++) {
    if (map) { const k = unpack(c); t.set(k, unpack(c)); } else t.set(i + 1, unpack(c));
  }
  return t;
}

function unpack(c: Cur): LuaValue {
  const b = uint(c, 1);
  if (b < 0x80) return b;
  if (b >= 0xe0) return b - 256;
  if ((b & 0xe0) === 0xa0) return bytes(c, b & 31);
  if ((b & 0xf0) === 0x90) return collection(c, b & 15, false);
  if ((b & 0xf0) === 0x80) return collection(c, b & 15, true);
  switch (b) {
    case 0xc0: return undefined;
    case 0xc2: return false;
    case 0xc3: return true;
    case 0xca: return float(c, 4);
    case 0xcb: return float(c, 8);
    case 0xcc: return uint(c, 1);
    case 0xcd: return uint(c, 2);
    case 0xce: return uint(c, 4);
    case 0xcf: return uint(c, 8);
    case 0xd0: return int(c, 1);
    case 0xd1: return int(c, 2);
    case 0xd2: return int(c, 4);
    case 0xd3: return int(c, 8);
    case 0xd9: case 0xc4: return bytes(c, uint(c, 1));
    case 0xda: case 0xc5: return bytes(c, uint(c, 2));
    case 0xdb: case 0xc6: return bytes(c, uint(c, 4));
    case 0xdc: return collection(c, uint(c, 2), false);
    case 0xdd: return collection(c, uint(c, 4), false);
    case 0xde: return collection(c, uint(c, 2), true);
    case 0xdf: return collection(c, uint(c, 4), true);
    default: return rt_error('Bad data format in input.');
  }
}

/** unpack_full: up to `limit` values (0: all) from `offset`; with `offsets`, the next offset first (-1 at the end). */
function unpack_full(s: string, limit: number, offset: number, offsets: boolean): LuaValue[] {
  const c: Cur = { s, p: offset }, out: LuaValue[] = [];
  while (c.p < s.length && (limit === 0 || out.length < limit)) out.push(unpack(c));
  if (!offsets) return out;
  return [c.p >= s.length ? -1 : c.p, ...out];
}

export function open_cmsgpack(g: LuaTable): LuaTable {
  const t = new LuaTable();
  t.set('pack', fn('pack', (a) => { if (a.length === 0) rt_error('MessagePack pack needs input.'); return [a.map((v) => pack(v, 0)).join('')]; }));
  t.set('unpack', fn('unpack', (a) => unpack_full(check_str(a, 1, 'unpack'), 0, 0, false)));
  t.set('unpack_one', fn('unpack_one', (a) => unpack_full(check_str(a, 1, 'unpack_one'), 1, a[1] === undefined ? 0 : check_int(a, 2, 'unpack_one'), true)));
  t.set('unpack_limit', fn('unpack_limit', (a) => unpack_full(check_str(a, 1, 'unpack_limit'), check_int(a, 2, 'unpack_limit'), a[2] === undefined ? 0 : check_int(a, 3, 'unpack_limit'), true)));
  g.set('cmsgpack', t);
  return t;
}
