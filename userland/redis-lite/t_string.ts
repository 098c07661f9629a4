/**
 * t_string.c: SET with its options, GET/GETSET/GETDEL/GETEX, the SET variants, MSET/MGET,
 * APPEND/STRLEN/SETRANGE/GETRANGE, LCS and the INCR family (64-bit, overflow-checked).
 */
import { clamp_range, get_ll, lookup_string, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_GENERIC, NOTIFY_STRING } from './notify.ts';
import { is_str, max_string_len, RawStr } from './object.ts';
import { NOT_INT, SYNTAX } from './resp.ts';
import { LD_ZERO, ld_add, ld_human, ld_is_finite, string2ld } from './long_double.ts';
import { in_ll_range, norm, string2ll } from './util.ts';

const MAX_MS = 2 ** 63;

/**
 * An expire argument (unit: s or ms; absolute or relative) as an absolute ms time, or null
 * after the error reply Redis gives ("invalid expire time in 'set' command").
 */
export function parse_expire(c: Client, arg: string, ms: boolean, abs: boolean, cmd: string): number | null {
  const v = get_ll(c, arg);
  if (v === null) return null;
  const n = Number(v);
  const bad = (): null => { c.reply.error(`invalid expire time in '${cmd}' command`); return null; };
  if (n <= 0) return bad();
  const when_ms = ms ? n : n * 1000;
  if (!ms && n > MAX_MS / 1000) return bad();
  const out = abs ? when_ms : when_ms + c.srv.now;
  if (out >= MAX_MS) return bad();
  return out;
}

const F_NX = 1, F_XX = 2, F_GET = 4, F_KEEPTTL = 8, F_EX = 16, F_PX = 32, F_EXAT = 64, F_PXAT = 128, F_PERSIST = 256;
const EXPIRE_FLAGS = F_EX | F_PX | F_EXAT | F_PXAT;

/** parseExtendedStringArgumentsOrReply: flags and the expire argument's index, or null (syntax error sent). */
function parse_set_args(c: Client, from: number, getex: boolean): { flags: number; exp: number } | null {
  let flags = 0, exp = -1;
  const a = c.argv;
  for (let j = from; j < a.length; j++) {
    const o = a[j].toUpperCase(), has_next = j + 1 < a.length;
    // An option may repeat (a later EX overrides); it conflicts only with the others (parseExtendedStringArgumentsOrReply).
    const conflict = (bit: number): boolean => (flags & bit) !== 0;
    const ttl = o === 'EX' ? F_EX : o === 'PX' ? F_PX : o === 'EXAT' ? F_EXAT : o === 'PXAT' ? F_PXAT : 0;
    if (!getex && o === 'NX' && !conflict(F_XX)) flags |= F_NX;
    else if (!getex && o === 'XX' && !conflict(F_NX)) flags |= F_XX;
    else if (!getex && o === 'GET') flags |= F_GET;
    else if (!getex && o === 'KEEPTTL' && !conflict(EXPIRE_FLAGS | F_PERSIST)) flags |= F_KEEPTTL;
    else if (getex && o === 'PERSIST' && !conflict(EXPIRE_FLAGS | F_KEEPTTL)) flags |= F_PERSIST;
    else if (ttl && has_next && !conflict((EXPIRE_FLAGS & ~ttl) | F_KEEPTTL | F_PERSIST)) {
      flags |= ttl;
      exp = ++j;
    } else { c.reply.error(SYNTAX); return null; }
  }
  return { flags, exp };
}

function expire_from(c: Client, flags: number, exp: number, cmd: string): number | null | undefined {
  if (exp < 0) return undefined;
  return parse_expire(c, c.argv[exp], (flags & (F_PX | F_PXAT)) !== 0, (flags & (F_EXAT | F_PXAT)) !== 0, cmd);
}

/** setGenericCommand. */
function set_generic(c: Client, key: string, val: string, flags: number, when: number | undefined, cmd: string): void {
  const db = c.db;
  let old: string | undefined | null;
  if (flags & F_GET) { old = lookup_string(c, key); if (old === null) return; }
  const exists = flags & (F_NX | F_XX) ? db.peek(key) !== undefined : false;
  if ((flags & F_NX && exists) || (flags & F_XX && !exists)) {
    if (flags & F_GET) c.reply.bulk_or_nil(old); else c.reply.nil();
    return;
  }
  db.set(key, val, (flags & F_KEEPTTL) !== 0);
  c.srv.dirty++;
  notify(c, NOTIFY_STRING, 'set', key);
  if (when !== undefined) {
    db.set_expire(key, when);
    notify(c, NOTIFY_GENERIC, 'expire', key);
    c.prop = [['SET', key, val, 'PXAT', String(when)]];
  } else c.prop = [(flags & F_KEEPTTL) ? ['SET', key, val, 'KEEPTTL'] : ['SET', key, val]];
  if (flags & F_GET) c.reply.bulk_or_nil(old); else if (cmd !== 'setnx') c.reply.ok();
}

function set_cmd(c: Client): void {
  const p = parse_set_args(c, 3, false);
  if (!p) return;
  const when = expire_from(c, p.flags, p.exp, 'set');
  if (when === null) return;
  set_generic(c, c.argv[1], c.argv[2], p.flags, when, 'set');
}

function setnx(c: Client): void {
  const exists = c.db.peek(c.argv[1]) !== undefined;
  if (!exists) { c.db.set(c.argv[1], c.argv[2]); notify(c, NOTIFY_STRING, 'set', c.argv[1]); c.srv.dirty++; }
  c.reply.int(exists ? 0 : 1);
}

function setex_generic(c: Client, ms: boolean, cmd: string): void {
  const when = parse_expire(c, c.argv[2], ms, false, cmd);
  if (when === null) return;
  set_generic(c, c.argv[1], c.argv[3], 0, when, cmd);
}

function get(c: Client): void {
  const v = lookup_string(c, c.argv[1]);
  if (v !== null) c.reply.bulk_or_nil(v);
}

function getset(c: Client): void {
  const v = lookup_string(c, c.argv[1]);
  if (v === null) return;
  c.db.set(c.argv[1], c.argv[2]);
  notify(c, NOTIFY_STRING, 'set', c.argv[1]);
  c.srv.dirty++;
  c.prop = [['SET', c.argv[1], c.argv[2]]];
  c.reply.bulk_or_nil(v);
}

function getdel(c: Client): void {
  const v = lookup_string(c, c.argv[1]);
  if (v === null) return;
  if (v !== undefined) { c.db.delete(c.argv[1]); notify(c, NOTIFY_GENERIC, 'del', c.argv[1]); c.srv.dirty++; c.prop = [['DEL', c.argv[1]]]; }
  c.reply.bulk_or_nil(v);
}

function getex(c: Client): void {
  const p = parse_set_args(c, 2, true);
  if (!p) return;
  // The options' syntax, then the key (missing: nil; WRONGTYPE), then the expire value (getexCommand).
  const key = c.argv[1], v = lookup_string(c, key);
  if (v === null) return;
  if (v === undefined) { c.reply.nil(); return; }
  const when = expire_from(c, p.flags, p.exp, 'getex');
  if (when === null) return;
  if (when !== undefined) {
    if (when <= c.srv.now) { c.db.delete(key); c.prop = [['DEL', key]]; } else { c.db.set_expire(key, when); c.prop = [['PEXPIREAT', key, String(when)]]; }
    notify(c, NOTIFY_GENERIC, when <= c.srv.now ? 'del' : 'expire', key);
    c.srv.dirty++;
  } else if (p.flags & F_PERSIST && c.db.expires.delete(key)) {
    c.db.touch(key); notify(c, NOTIFY_GENERIC, 'persist', key); c.srv.dirty++; c.prop = [['PERSIST', key]];
  }
  c.reply.bulk(v);
}

function mget(c: Client): void {
  c.reply.array(c.argv.length - 1);
  for (let i = 1; i < c.argv.length; i++) {
    const v = c.db.lookup(c.argv[i]);
    if (typeof v === 'string') c.reply.bulk(v); else if (v instanceof RawStr) c.reply.bulk(v.s); else c.reply.nil();
  }
}

function mset_generic(c: Client, nx: boolean): void {
  if (c.argv.length % 2 === 0) { c.reply.error(`wrong number of arguments for '${nx ? 'msetnx' : 'mset'}' command`); return; }
  if (nx) for (let i = 1; i < c.argv.length; i += 2) if (c.db.peek(c.argv[i]) !== undefined) { c.reply.int(0); return; }
  for (let i = 1; i < c.argv.length; i += 2) { c.db.set(c.argv[i], c.argv[i + 1]); notify(c, NOTIFY_STRING, 'set', c.argv[i]); }
  c.srv.dirty += (c.argv.length - 1) / 2;
  if (nx) c.reply.int(1); else c.reply.ok();
}

function too_big(c: Client, len: number): boolean {
  if (len <= max_string_len(c.srv.config.proto_max_bulk_len)) return false;
  c.reply.error('string exceeds maximum allowed size (proto-max-bulk-len)');
  return true;
}

function append(c: Client): void {
  const key = c.argv[1], v = lookup_string(c, key, true);
  if (v === null) return;
  if (too_big(c, (v?.length ?? 0) + c.argv[2].length)) return; // checked before the concatenation
  const nv = (v ?? '') + c.argv[2];
  c.db.set(key, v === undefined ? c.argv[2] : new RawStr(nv), true);
  notify(c, NOTIFY_STRING, 'append', key);
  c.srv.dirty++;
  c.reply.int(nv.length);
}

function strlen(c: Client): void {
  const v = lookup_string(c, c.argv[1]);
  if (v !== null) c.reply.int(v === undefined ? 0 : v.length);
}

function setrange(c: Client): void {
  const key = c.argv[1], val = c.argv[3];
  const off = get_ll(c, c.argv[2]);
  if (off === null) return;
  if (off < 0) { c.reply.error('offset is out of range'); return; }
  const v = lookup_string(c, key, true);
  if (v === null) return;
  if (val.length === 0) { c.reply.int(v?.length ?? 0); return; }
  if (too_big(c, Number(off) + val.length)) return;
  const o = Number(off), cur = v ?? '';
  const nv = (cur.length >= o ? cur.slice(0, o) : cur + '\0'.repeat(o - cur.length)) + val + cur.slice(o + val.length);
  c.db.set(key, new RawStr(nv), true);
  notify(c, NOTIFY_STRING, 'setrange', key);
  c.srv.dirty++;
  c.reply.int(nv.length);
}

function getrange(c: Client): void {
  const s = get_ll(c, c.argv[2]), e = s === null ? null : get_ll(c, c.argv[3]);
  if (s === null || e === null) return;
  const v = lookup_string(c, c.argv[1]);
  if (v === null) return;
  const str = v ?? '';
  const start = Number(s), end = Number(e);
  if (start < 0 && end < 0 && start > end) { c.reply.bulk(''); return; }
  const r = clamp_range(start, end, str.length);
  c.reply.bulk(r ? str.slice(r[0], r[1] + 1) : '');
}

/** incrDecrCommand: 64-bit arithmetic with Redis's overflow error. */
function incr_generic(c: Client, by: number | bigint): void {
  const key = c.argv[1], v = lookup_string(c, key, true);
  if (v === null) return;
  const cur = v === undefined ? 0 : string2ll(v);
  if (cur === null) { c.reply.error(NOT_INT); return; }
  let res: number | bigint;
  if (typeof cur === 'number' && typeof by === 'number' && Number.isSafeInteger(cur + by)) res = cur + by;
  else {
    const b = BigInt(cur) + BigInt(by);
    if (!in_ll_range(b)) { c.reply.error('increment or decrement would overflow'); return; }
    res = norm(b);
  }
  c.db.set(key, String(res), true);
  notify(c, NOTIFY_STRING, 'incrby', key);
  c.srv.dirty++;
  c.reply.int(res);
}

function incrby_arg(c: Client, neg: boolean): void {
  const by = get_ll(c, c.argv[2]);
  if (by === null) return;
  if (neg && by === -9223372036854775808n) { c.reply.error('decrement would overflow'); return; }
  incr_generic(c, neg ? (typeof by === 'bigint' ? -by : -by) : by);
}

function incrbyfloat(c: Client): void {
  const key = c.argv[1], v = lookup_string(c, key, true);
  if (v === null) return;
  // In long double, as Redis computes it (long_double.ts).
  const cur = v === undefined ? LD_ZERO : string2ld(v);
  const by = cur === null ? null : string2ld(c.argv[2]);
  if (cur === null || by === null) { c.reply.error('value is not a valid float'); return; }
  const res = ld_add(cur, by);
  if (!ld_is_finite(res)) { c.reply.error('increment would produce NaN or Infinity'); return; }
  const s = ld_human(res);
  c.db.set(key, s, true);
  notify(c, NOTIFY_STRING, 'incrbyfloat', key);
  c.srv.dirty++;
  c.prop = [['SET', key, s, 'KEEPTTL']];
  c.reply.bulk(s);
}

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]. */
function lcs(c: Client): void {
  // Both keys are looked up and type-checked first, with LCS's own message (lcsCommand).
  const va = c.db.lookup(c.argv[1]), vb = c.db.lookup(c.argv[2]);
  if ((va !== undefined && !is_str(va)) || (vb !== undefined && !is_str(vb))) { c.reply.error('The specified keys must contain string values'); return; }
  let len_only = false, idx = false, minlen = 0, withlen = false;
  for (let j = 3; j < c.argv.length; j++) {
    const o = c.argv[j];
    if (opt(o, 'LEN')) len_only = true;
    else if (opt(o, 'IDX')) idx = true;
    else if (opt(o, 'WITHMATCHLEN')) withlen = true;
    else if (opt(o, 'MINMATCHLEN') && j + 1 < c.argv.length) { const m = get_ll(c, c.argv[++j]); if (m === null) return; minlen = Math.max(0, Number(m)); }
    else { c.reply.error(SYNTAX); return; }
  }
  const a = lookup_string(c, c.argv[1]), b = a === null ? null : lookup_string(c, c.argv[2]);
  if (a === null || b === null) return;
  if (len_only && idx) { c.reply.error('If you want both the length and indexes, please just use IDX.'); return; }
  const A = a ?? '', B = b ?? '';
  const w = B.length + 1, dp = new Uint32Array((A.length + 1) * w);
  for (let i = 1; i <= A.length; i++) for (let j = 1; j <= B.length; j++) {
    dp[i * w + j] = A[i - 1] === B[j - 1] ? dp[(i - 1) * w + j - 1] + 1 : Math.max(dp[(i - 1) * w + j], dp[i * w + j - 1]);
  }
  const total = dp[A.length * w + B.length];
  if (len_only) { c.reply.int(total); return; }
  let i = A.length, j = B.length, out = '';
  const matches: [number, number, number, number][] = [];
  let cur: [number, number, number, number] | null = null;
  while (i > 0 && j > 0) {
    if (A[i - 1] === B[j - 1]) {
      out = A[i - 1] + out;
      if (cur && cur[0] === i && cur[2] === j) { cur[0] = i - 1; cur[2] = j - 1; }
      else { if (cur) matches.push(cur); cur = [i - 1, i - 1, j - 1, j - 1]; }
      i--; j--;
    } else if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) i--; else j--;
  }
  if (cur) matches.push(cur);
  if (!idx) { c.reply.bulk(out); return; }
  const kept = matches.filter((m) => m[1] - m[0] + 1 >= minlen);
  c.reply.map(2);
  c.reply.bulk('matches');
  c.reply.array(kept.length);
  for (const m of kept) {
    c.reply.array(withlen ? 3 : 2);
    c.reply.array(2); c.reply.int(m[0]); c.reply.int(m[1]);
    c.reply.array(2); c.reply.int(m[2]); c.reply.int(m[3]);
    if (withlen) c.reply.int(m[1] - m[0] + 1);
  }
  c.reply.bulk('len');
  c.reply.int(total);
}

register('string', [
  ['get', 2, 'readonly fast', get],
  ['set', -3, 'write denyoom', set_cmd],
  ['setnx', 3, 'write denyoom fast', setnx],
  ['setex', 4, 'write denyoom', (c) => setex_generic(c, false, 'setex')],
  ['psetex', 4, 'write denyoom', (c) => setex_generic(c, true, 'psetex')],
  ['getset', 3, 'write denyoom fast', getset],
  ['getdel', 2, 'write fast', getdel],
  ['getex', -2, 'write fast', getex],
  ['mget', -2, 'readonly fast', mget, 1, -1, 1],
  ['mset', -3, 'write denyoom', (c) => mset_generic(c, false), 1, -1, 2],
  ['msetnx', -3, 'write denyoom', (c) => mset_generic(c, true), 1, -1, 2],
  ['append', 3, 'write denyoom fast', append],
  ['strlen', 2, 'readonly fast', strlen],
  ['setrange', 4, 'write denyoom', setrange],
  ['getrange', 4, 'readonly', getrange],
  ['substr', 4, 'readonly', getrange],
  ['incr', 2, 'write denyoom fast', (c) => incr_generic(c, 1)],
  ['decr', 2, 'write denyoom fast', (c) => incr_generic(c, -1)],
  ['incrby', 3, 'write denyoom fast', (c) => incrby_arg(c, false)],
  ['decrby', 3, 'write denyoom fast', (c) => incrby_arg(c, true)],
  ['incrbyfloat', 3, 'write denyoom fast', incrbyfloat],
  ['lcs', -3, 'readonly', lcs, 1, 2, 1],
]);
