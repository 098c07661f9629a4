/**
 * The cjson library Redis bundles (lua_cjson.c): encode and decode between JSON text and Lua
 * values. A table whose keys are exactly 1..n is an array, any other non-empty table an object
 * (number keys become strings); JSON null decodes to cjson.null. Strings are bytes: UTF-8 in
 * JSON text stays as its bytes, \u escapes become UTF-8.
 */
import { type LuaValue, LuaTable, fmt_g } from './lobject.ts';
import { rt_error } from './lvm.ts';
import { check_int, check_str, fn } from './lbaselib.ts';

/** cjson.null: a value of its own (a lightuserdata in Redis). */
export const JSON_NULL = new LuaTable();
JSON_NULL.readonly = true;

/** lua_cjson's configuration (per Lua state): nesting limits and invalid-number handling. */
const cfg = { encode_depth: 1000, decode_depth: 1000, invalid: false as boolean | 'null' };

const ESC: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function enc_string(s: string): string {
  let out = '"';
  for (const ch of s) {
    const e = ESC[ch];
    if (e) out += e;
    else if (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function is_array(t: LuaTable): boolean {
  if (t.hash.size === 0) return t.arr.length > 0;
  for (const k of t.hash.keys()) if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) return false;
  return true;
}

function encode(v: LuaValue, depth: number): string {
  if (depth > cfg.encode_depth) rt_error(`Cannot serialise, excessive nesting (${depth})`);
  if (v === undefined || v === JSON_NULL) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      if (cfg.invalid === 'null') return 'null';
      if (!cfg.invalid) rt_error('Cannot serialise number: must not be NaN or Inf');
      return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
    }
    return fmt_g(v, 14);
  }
  if (typeof v === 'string') return enc_string(v);
  if (!(v instanceof LuaTable)) return rt_error(`Cannot serialise function: type not supported`);
  if (depth + 1 > cfg.encode_depth) rt_error(`Cannot serialise, excessive nesting (${depth + 1})`);
  if (is_array(v)) {
    let max = v.arr.length;
    for (const k of v.hash.keys()) max = Math.max(max, k as number);
    const parts: string[] = [];
    for (let i = 1; i <= max; i++) parts.push(encode(v.get(i), depth + 1));
    return `[${parts.join(',')}]`;
  }
  const parts: string[] = [];
  for (let i = 0; i < v.arr.length; i++) if (v.arr[i] !== undefined) parts.push(`"${i + 1}":${encode(v.arr[i], depth + 1)}`);
  for (const [k, x] of v.hash) {
    if (typeof k === 'number') parts.push(`"${fmt_g(k, 14)}":${encode(x, depth + 1)}`);
    else if (typeof k === 'string') parts.push(`${enc_string(k)}:${encode(x, depth + 1)}`);
    else rt_error(`Cannot serialise ${typeof k === 'boolean' ? 'boolean' : 'table'}: table key must be a number or string`);
  }
  return `{${parts.join(',')}}`;
}

/** A JS string from JSON.parse (UTF-16) back to bytes: chars above 0xFF came from \u escapes. */
function to_bytes(s: string): string {
  if (!/[\u0100-\uffff]/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out += ch;
    else if (c < 0x800) out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out += String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function nesting(x: unknown): number {
  if (x === null || typeof x !== 'object') return 0;
  let d = 0;
  for (const v of Object.values(x as Record<string, unknown>)) d = Math.max(d, nesting(v));
  return d + 1;
}

function from_json(x: unknown): LuaValue {
  if (x === null) return JSON_NULL;
  if (typeof x === 'boolean' || typeof x === 'number') return x;
  if (typeof x === 'string') return to_bytes(x);
  const t = new LuaTable();
  if (Array.isArray(x)) { x.forEach((v, i) => t.set(i + 1, from_json(v))); return t; }
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) t.set(to_bytes(k), from_json(v));
  return t;
}

export function open_cjson(g: LuaTable): LuaTable {
  const t = new LuaTable();
  t.set('encode', fn('encode', (a) => [encode(a[0], 0)]));
  t.set('decode', fn('decode', (a) => {
    const s = check_str(a, 1, 'decode');
    let parsed: unknown;
    try { parsed = JSON.parse(s); } catch { return rt_error(`Expected value but found invalid token at character 1`); }
    const d = nesting(parsed);
    if (d > cfg.decode_depth) rt_error(`Found too many nested data structures (${cfg.decode_depth + 1}) at character 1`);
    return [from_json(parsed)];
  }));
  t.set('null', JSON_NULL);
  t.set('encode_keep_buffer', t.get('encode'));
  const depth = (k: 'encode_depth' | 'decode_depth') => (a: LuaValue[]): LuaValue[] => {
    if (a[0] !== undefined) cfg[k] = check_int(a, 1, k);
    return [cfg[k]];
  };
  t.set('encode_max_depth', fn('encode_max_depth', depth('encode_depth')));
  t.set('decode_max_depth', fn('decode_max_depth', depth('decode_depth')));
  t.set('encode_invalid_numbers', fn('encode_invalid_numbers', (a) => {
    if (a[0] !== undefined) cfg.invalid = a[0] === 'null' ? 'null' : a[0] === true || a[0] === 'on';
    return [cfg.invalid === 'null' ? 'null' : cfg.invalid];
  }));
  // Accepted for compatibility; redis-lite's decoder and precision are fixed.
  for (const k of ['decode_invalid_numbers', 'encode_number_precision', 'encode_sparse_array']) t.set(k, fn(k, (a) => a));
  g.set('cjson', t);
  return t;
}
