/**
 * Lua 5.1's base library (lbaselib.c) as Redis scripts have it: no dofile/loadfile/print
 * to files; loadstring compiles in the script's environment.
 */
import { LuaError, LuaFunction, type LuaValue, LuaTable, num_to_str, str_to_num, type_name } from './lobject.ts';
import { call_value, getmetamethod, index, rt_error, tostr, where } from './lvm.ts';

export const fn = (name: string, f: (args: LuaValue[]) => LuaValue[]): LuaFunction => new LuaFunction(name, f);

export function arg_error(n: number, fname: string, msg: string): never { return rt_error(`bad argument #${n} to '${fname}' (${msg})`); }

/** What luaL_typerror names: "no value" past the last argument, else the value's type. */
/** What argument n is, for a "bad argument" message. */
export const got = (args: LuaValue[], n: number): string => (n > args.length ? 'no value' : type_name(args[n - 1]));

export function check_table(args: LuaValue[], n: number, fname: string): LuaTable {
  const v = args[n - 1];
  if (!(v instanceof LuaTable)) arg_error(n, fname, `table expected, got ${got(args, n)}`);
  return v as LuaTable;
}

export function check_num(args: LuaValue[], n: number, fname: string): number {
  const v = args[n - 1];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') { const x = str_to_num(v); if (!Number.isNaN(x)) return x; }
  return arg_error(n, fname, `number expected, got ${got(args, n)}`);
}

export function check_int(args: LuaValue[], n: number, fname: string): number { return Math.trunc(check_num(args, n, fname)); }

export function check_str(args: LuaValue[], n: number, fname: string): string {
  const s = tostr(args[n - 1]);
  if (s === null) arg_error(n, fname, `string expected, got ${got(args, n)}`);
  return s as string;
}

export function opt_int(args: LuaValue[], n: number, fname: string, d: number): number {
  return args[n - 1] === undefined ? d : check_int(args, n, fname);
}

/** tostring (luaB_tostring): __tostring, numbers as %.14g, tables and functions by identity. */
const ids = new WeakMap<object, number>();
let next_id = 0x10000;
export function tostring(v: LuaValue): string {
  const h = getmetamethod(v, '__tostring');
  if (h !== undefined) { const r = call_value(h, [v])[0]; if (typeof r !== 'string') rt_error("'__tostring' must return a string"); return r as string; }
  if (v === undefined) return 'nil';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return num_to_str(v);
  if (typeof v === 'string') return v;
  let id = ids.get(v);
  if (id === undefined) { id = next_id += 0x28; ids.set(v, id); }
  return `${type_name(v)}: 0x${id.toString(16).padStart(8, '0')}`;
}

function ipairs_iter(args: LuaValue[]): LuaValue[] {
  const i = (args[1] as number) + 1, v = index(args[0], i);
  return v === undefined ? [undefined] : [i, v];
}

/**
 * pairs: an iterator holding its place (array part, then the hash part's Map iterator), so a
 * traversal is linear; `next` alone must search the hash part for its key.
 */
function pairs(args: LuaValue[]): LuaValue[] {
  const t = check_table(args, 1, 'pairs');
  let i = 0, it: Iterator<[LuaValue, LuaValue]> | null = null;
  const step = fn('next', () => {
    while (i < t.arr.length) { const v = t.arr[i++]; if (v !== undefined) return [i, v]; }
    const n = (it ??= t.hash.entries()).next();
    return n.done ? [undefined] : n.value;
  });
  return [step, t, undefined];
}

const NEXT = fn('next', (args) => {
  const t = check_table(args, 1, 'next');
  const r = t.next(args[1]);
  if (r === 'bad') rt_error("invalid key to 'next'");
  return r === null ? [undefined] : r;
});

function select(args: LuaValue[]): LuaValue[] {
  const n = args[0];
  if (n === '#') return [args.length - 1];
  const i = check_int(args, 1, 'select');
  if (i < 0) { if (-i >= args.length) arg_error(1, 'select', 'index out of range'); return args.slice(args.length + i); }
  if (i === 0) arg_error(1, 'select', 'index out of range');
  return args.slice(i);
}

function unpack(args: LuaValue[]): LuaValue[] {
  const t = check_table(args, 1, 'unpack');
  const i = opt_int(args, 2, 'unpack', 1), j = args[2] === undefined ? t.length() : check_int(args, 3, 'unpack');
  if (j - i >= 8000) rt_error('too many results to unpack');
  const out: LuaValue[] = [];
  for (let k = i; k <= j; k++) out.push(t.get(k));
  return out;
}

function tonumber(args: LuaValue[]): LuaValue[] {
  const base = args[1] === undefined ? 10 : check_int(args, 2, 'tonumber');
  if (base !== 10) { if (base < 2 || base > 36) arg_error(2, 'tonumber', 'base out of range'); const n = str_to_num(check_str(args, 1, 'tonumber'), base); return [Number.isNaN(n) ? undefined : n]; }
  const v = args[0];
  if (typeof v === 'number') return [v];
  if (typeof v === 'string') { const n = str_to_num(v); return [Number.isNaN(n) ? undefined : n]; }
  return [undefined];
}

/** error(msg [, level]): a string gets the caller's position at level 1 (the default). */
function error(args: LuaValue[]): LuaValue[] {
  const v = args[0], level = args[1] === undefined ? 1 : Number(args[1]);
  if (typeof v === 'string' && level > 0) throw new LuaError(`${where.chunk}:${where.line}: ${v}`);
  throw new LuaError(v);
}

export function pcall_value(f: LuaValue, args: LuaValue[]): LuaValue[] {
  try { return [true, ...call_value(f, args)]; } catch (e) {
    if (e instanceof LuaError) return [false, e.value];
    if (e instanceof RangeError) return [false, 'stack overflow'];
    throw e;
  }
}

function setmetatable(args: LuaValue[]): LuaValue[] {
  const t = check_table(args, 1, 'setmetatable'), m = args[1];
  if (m !== undefined && !(m instanceof LuaTable)) arg_error(2, 'setmetatable', 'nil or table expected');
  if (t.readonly) rt_error('Attempt to modify a readonly table');
  if (t.meta && t.meta.get('__metatable') !== undefined) rt_error('cannot change a protected metatable');
  t.meta = (m as LuaTable | undefined) ?? null;
  return [t];
}

function getmetatable(args: LuaValue[]): LuaValue[] {
  const v = args[0];
  if (!(v instanceof LuaTable) || !v.meta) return [undefined];
  const protect = v.meta.get('__metatable');
  return [protect !== undefined ? protect : v.meta];
}

export function open_base(g: LuaTable, load: (src: string, name: string) => LuaValue[]): void {
  const reg = (name: string, f: (args: LuaValue[]) => LuaValue[]): void => g.set(name, fn(name, f));
  reg('type', (a) => { if (a.length === 0) arg_error(1, 'type', 'value expected'); return [type_name(a[0])]; });
  reg('tostring', (a) => [tostring(a[0])]);
  reg('tonumber', tonumber);
  reg('ipairs', (a) => [fn('ipairs_iter', ipairs_iter), check_table(a, 1, 'ipairs'), 0]);
  reg('pairs', pairs);
  g.set('next', NEXT);
  reg('select', select);
  reg('unpack', unpack);
  reg('error', error);
  reg('assert', (a) => { if (a[0] === undefined || a[0] === false) throw new LuaError(a[1] === undefined ? `${where.chunk}:${where.line}: assertion failed!` : a[1]); return a; });
  reg('pcall', (a) => pcall_value(a[0], a.slice(1)));
  reg('xpcall', (a) => { const r = pcall_value(a[0], []); return r[0] ? r : [false, ...call_value(a[1], [r[1]])]; });
  reg('setmetatable', setmetatable);
  reg('getmetatable', getmetatable);
  reg('rawget', (a) => [check_table(a, 1, 'rawget').get(a[1])]);
  reg('rawset', (a) => { const t = check_table(a, 1, 'rawset'); if (t.readonly) rt_error('Attempt to modify a readonly table'); t.set(a[1], a[2]); return [t]; });
  reg('rawequal', (a) => [a[0] === a[1]]);
  reg('loadstring', (a) => { const s = check_str(a, 1, 'loadstring'); return load(s, typeof a[1] === 'string' ? a[1] : s); });
  reg('gcinfo', () => [0]);
  reg('collectgarbage', () => [0]);
}
