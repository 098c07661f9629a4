/**
 * Lua 5.1's string library (lstrlib.c): len, sub, upper, lower, rep, reverse, byte, char,
 * format, find, match, gmatch, gsub. Strings are bytes (latin1 chars); positions are 1-based
 * and negative ones count from the end.
 */
import { LuaFunction, type LuaValue, LuaTable, fmt_g } from './lobject.ts';
import { call_value, index, rt_error, string_meta, tostr, truthy } from './lvm.ts';
import { arg_error, check_int, check_num, check_str, fn, got, opt_int, tostring } from './lbaselib.ts';
import { captures, do_match, get_capture, new_state } from './lpattern.ts';

const posrelat = (pos: number, len: number): number => (pos < 0 ? Math.max(0, len + pos + 1) : pos);

function sub(a: LuaValue[]): LuaValue[] {
  const s = check_str(a, 1, 'sub'), l = s.length;
  let i = posrelat(opt_int(a, 2, 'sub', 1), l), j = posrelat(opt_int(a, 3, 'sub', -1), l);
  if (i < 1) i = 1;
  if (j > l) j = l;
  return [i <= j ? s.slice(i - 1, j) : ''];
}

function byte(a: LuaValue[]): LuaValue[] {
  const s = check_str(a, 1, 'byte'), l = s.length;
  const i = posrelat(opt_int(a, 2, 'byte', 1), l), j = posrelat(a[2] === undefined ? i : check_int(a, 3, 'byte'), l);
  const out: LuaValue[] = [];
  for (let k = Math.max(i, 1); k <= Math.min(j, l); k++) out.push(s.charCodeAt(k - 1));
  return out;
}

function char(a: LuaValue[]): LuaValue[] {
  let s = '';
  for (let i = 1; i <= a.length; i++) {
    const c = check_int(a, i, 'char');
    if (c < 0 || c > 255) arg_error(i, 'char', 'invalid value');
    s += String.fromCharCode(c);
  }
  return [s];
}

function rep(a: LuaValue[]): LuaValue[] {
  const s = check_str(a, 1, 'rep'), n = check_int(a, 2, 'rep');
  if (n <= 0) return [''];
  if (s.length * n > 512 * 1024 * 1024) rt_error('resulting string too large');
  return [s.repeat(n)];
}

/** str_find_aux: find (find = true) or match. */
function find_aux(a: LuaValue[], find: boolean): LuaValue[] {
  const name = find ? 'find' : 'match';
  const s = check_str(a, 1, name), p = check_str(a, 2, name);
  let init = posrelat(opt_int(a, 3, name, 1), s.length) - 1;
  if (init < 0) init = 0; else if (init > s.length) return [undefined];
  if (find && (truthy(a[3]) || !/[\^$*+?.()[\]%-]/.test(p))) {
    const at = s.indexOf(p, init);
    return at < 0 ? [undefined] : [at + 1, at + p.length];
  }
  const anchor = p[0] === '^', ms = new_state(s, anchor ? p.slice(1) : p);
  for (let s1 = init; s1 <= s.length; s1++) {
    ms.level = 0;
    const e = do_match(ms, s1, 0);
    if (e !== -1) return find ? [s1 + 1, e, ...captures(ms, s1, e, false)] : captures(ms, s1, e, true);
    if (anchor) break;
  }
  return [undefined];
}

function gmatch(a: LuaValue[]): LuaValue[] {
  const s = check_str(a, 1, 'gmatch'), p = check_str(a, 2, 'gmatch');
  let pos = 0;
  return [fn('gmatch_iter', () => {
    const ms = new_state(s, p);
    for (; pos <= s.length; pos++) {
      ms.level = 0;
      const e = do_match(ms, pos, 0);
      if (e !== -1) {
        const start = pos;
        pos = e === pos ? e + 1 : e;
        return captures(ms, start, e, true);
      }
    }
    return [undefined];
  })];
}

function add_value(ms: ReturnType<typeof new_state>, s: number, e: number, repl: LuaValue): string {
  const whole = ms.src.slice(s, e);
  let v: LuaValue;
  if (typeof repl === 'string' || typeof repl === 'number') {
    const r = tostr(repl)!;
    let out = '';
    for (let i = 0; i < r.length; i++) {
      if (r[i] !== '%') { out += r[i]; continue; }
      i++;
      const d = r[i];
      if (d >= '0' && d <= '9') out += d === '0' ? whole : tostring(get_capture(ms, Number(d) - 1, s, e));
      else out += d;
    }
    return out;
  }
  const cap = get_capture(ms, 0, s, e);
  if (repl instanceof LuaTable) v = index(repl, cap);
  else v = call_value(repl, captures(ms, s, e, true))[0];
  if (v === undefined || v === false) return whole;
  const sv = tostr(v);
  if (sv === null) rt_error(`invalid replacement value (a ${typeof v === 'boolean' ? 'boolean' : 'table'})`);
  return sv as string;
}

function gsub(a: LuaValue[]): LuaValue[] {
  const src = check_str(a, 1, 'gsub'), p = check_str(a, 2, 'gsub'), repl = a[2];
  if (!(typeof repl === 'string' || typeof repl === 'number' || repl instanceof LuaTable || typeof repl === 'object')) {
    arg_error(3, 'gsub', 'string/function/table expected');
  }
  const max = a[3] === undefined ? Infinity : check_int(a, 4, 'gsub');
  const anchor = p[0] === '^', ms = new_state(src, anchor ? p.slice(1) : p);
  let s = 0, n = 0, out = '';
  while (n < max) {
    ms.level = 0;
    const e = do_match(ms, s, 0);
    if (e !== -1) { n++; out += add_value(ms, s, e, repl); }
    if (e !== -1 && e > s) s = e;
    else if (s < src.length) out += src[s++];
    else break;
    if (anchor) break;
  }
  return [out + src.slice(s), n];
}

/** string.format's conversions with flags, width and precision (C's printf, as Lua calls it). */
function format(a: LuaValue[]): LuaValue[] {
  const f = check_str(a, 1, 'format');
  let out = '', arg = 1;
  for (let i = 0; i < f.length; i++) {
    if (f[i] !== '%') { out += f[i]; continue; }
    if (f[++i] === '%') { out += '%'; continue; }
    const m = /^([-+ #0]*)(\d*)(?:\.(\d*))?([a-zA-Z])/.exec(f.slice(i));
    if (!m) rt_error("invalid option to 'format'");
    i += m![0].length - 1;
    out += conv(m![1], m![2] ? Number(m![2]) : 0, m![3] === undefined ? -1 : Number(m![3] || 0), m![4], a, ++arg);
  }
  return [out];
}

function pad(s: string, flags: string, width: number, numeric: boolean): string {
  if (s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(s) ? s[0] : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

const sign = (flags: string, n: number, s: string): string => (n >= 0 && !s.startsWith('-') ? (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') : '') + s;

function conv(flags: string, width: number, prec: number, c: string, a: LuaValue[], n: number): string {
  switch (c) {
    case 'd': case 'i': { const v = Math.trunc(check_num(a, n, 'format')); let s = String(Math.abs(v)); if (prec >= 0) s = s.padStart(prec, '0'); return pad(sign(flags, v, v < 0 ? `-${s}` : s), flags, width, true); }
    case 'u': return pad(String(Math.trunc(check_num(a, n, 'format')) >>> 0), flags, width, true);
    case 'c': return pad(String.fromCharCode(check_int(a, n, 'format') & 255), flags, width, false);
    case 'x': case 'X': case 'o': {
      let v = Math.trunc(check_num(a, n, 'format'));
      if (v < 0) v = Number(BigInt.asUintN(64, BigInt(v)));
      let s = v.toString(c === 'o' ? 8 : 16);
      if (c === 'X') s = s.toUpperCase();
      return pad(s, flags, width, true);
    }
    case 'e': case 'E': { const v = check_num(a, n, 'format'); const [m, e] = v.toExponential(prec < 0 ? 6 : prec).split('e'); const s = `${m}e${e[0] === '-' ? '-' : '+'}${e.replace(/^[-+]/, '').padStart(2, '0')}`; return pad(sign(flags, v, c === 'E' ? s.toUpperCase() : s), flags, width, true); }
    case 'f': case 'F': { const v = check_num(a, n, 'format'); const s = Number.isFinite(v) ? v.toFixed(prec < 0 ? 6 : prec) : fmt_g(v, 6); return pad(sign(flags, v, s), flags, width, true); }
    case 'g': case 'G': { const v = check_num(a, n, 'format'); return pad(sign(flags, v, fmt_g(v, prec < 0 ? 6 : prec, c === 'G')), flags, width, true); }
    case 'q': return quote(check_str(a, n, 'format'));
    case 's': { let s = check_str(a, n, 'format'); if (prec >= 0) s = s.slice(0, prec); return pad(s, flags, width, false); }
    default: return rt_error(`invalid option '%${c}' to 'format'`);
  }
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\0') out += '\\000';
    else out += ch;
  }
  return `${out}"`;
}

/** A Lua 5.1 binary chunk's header (lundump.h: signature, version 5.1, format, little-endian, sizes of int, size_t, Instruction, lua_Number, floats). */
const DUMP_HEADER = '\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00';

/**
 * string.dump: a binary chunk of a Lua function. Departure: only its header is real — privos's
 * Lua compiles to closures, not bytecode — which is all a script can use of it, since Redis's
 * loadstring refuses binary chunks (it reads them as source, a syntax error at char(27)).
 */
function dump(a: LuaValue[]): LuaValue[] {
  const f = a[0];
  if (!(f instanceof LuaFunction)) arg_error(1, 'dump', `function expected, got ${got(a, 1)}`);
  if (!f.lua) rt_error('unable to dump given function');
  return [DUMP_HEADER];
}

export function open_string(g: LuaTable): LuaTable {
  const t = new LuaTable();
  const reg = (name: string, f: (args: LuaValue[]) => LuaValue[]): void => t.set(name, fn(name, f));
  reg('len', (a) => [check_str(a, 1, 'len').length]);
  reg('sub', sub);
  // toupper/tolower in the C locale: ASCII letters only (a latin1 byte must stay one byte).
  reg('upper', (a) => [check_str(a, 1, 'upper').replace(/[a-z]+/g, (m) => m.toUpperCase())]);
  reg('lower', (a) => [check_str(a, 1, 'lower').replace(/[A-Z]+/g, (m) => m.toLowerCase())]);
  reg('rep', rep);
  reg('reverse', (a) => [check_str(a, 1, 'reverse').split('').reverse().join('')]);
  reg('byte', byte);
  reg('char', char);
  reg('format', format);
  reg('find', (a) => find_aux(a, true));
  reg('match', (a) => find_aux(a, false));
  reg('gmatch', gmatch);
  reg('gsub', gsub);
  reg('dump', dump);
  string_meta.set('__index', t);
  g.set('string', t);
  return t;
}
