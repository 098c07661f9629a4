/**
 * The argument and lookup helpers command implementations share (object.c's
 * get*FromObjectOrReply, lookupKey*OrReply, checkType): each replies the error itself and
 * returns null, so a command body reads `const v = get_ll(c, c.argv[2]); if (v === null) return;`.
 */
import type { Client } from './networking.ts';
import { is_str, type RObj, str_of } from './object.ts';
import { NOT_FLOAT, NOT_INT, SYNTAX, WRONGTYPE } from './resp.ts';
import { string2d, string2ll } from './util.ts';

/** A 64-bit integer argument as a number (bigint only past 2^53), or null after replying. */
export function get_ll(c: Client, s: string, msg = NOT_INT): number | bigint | null {
  const v = string2ll(s);
  if (v === null) c.reply.error(msg);
  return v;
}

/** An integer argument that must fit a safe JS number (indexes, counts, timeouts). */
export function get_int(c: Client, s: string, msg = NOT_INT): number | null {
  const v = string2ll(s);
  if (v === null) { c.reply.error(msg); return null; }
  return typeof v === 'bigint' ? (v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER) : v;
}

/**
 * getIntFromObjectOrReply: an integer that fits a C int; a valid 64-bit one outside it gets
 * Redis's range message (unless the caller gives its own message for every failure).
 */
export function get_int32(c: Client, s: string, msg?: string): number | null {
  const v = string2ll(s);
  if (v === null) { c.reply.error(msg ?? NOT_INT); return null; }
  if (typeof v === 'bigint' || v < -2147483648 || v > 2147483647) { c.reply.error(msg ?? 'value is out of range, value must between -2147483648 and 2147483647'); return null; }
  return v;
}

/**
 * The count of SRANDMEMBER/HRANDFIELD/ZRANDMEMBER: getRangeLongFromObjectOrReply(-LONG_MAX,
 * LONG_MAX), and within ±LONG_MAX/2 when each element comes with a value (WITHVALUES,
 * WITHSCORES). Huge counts become ±MAX_SAFE_INTEGER (more than any collection holds).
 */
export function rand_count(c: Client, s: string, with_values: boolean): number | null {
  const v = string2ll(s);
  if (v === null) { c.reply.error(NOT_INT); return null; }
  if (typeof v === 'number') return v; // within ±2^53: inside both ranges
  const LONG_MAX = 9223372036854775807n;
  if (v < -LONG_MAX) { c.reply.error('value is out of range, value must between -9223372036854775807 and 9223372036854775807'); return null; }
  if (with_values && (v < -LONG_MAX / 2n || v > LONG_MAX / 2n)) { c.reply.error('value is out of range'); return null; }
  return v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

/** privos's bound on a negative random-element count (repeats allowed): Redis would emit that many, without end. */
export const RAND_REPEAT_MAX = 2 ** 32;

/**
 * getPositiveLongFromObjectOrReply / getRangeLongFromObjectOrReply: an integer in [min, max];
 * max = Number.MAX_SAFE_INTEGER stands for LONG_MAX, so values up to 2^63-1 are accepted and
 * come back as MAX_SAFE_INTEGER (more than any collection or argument list holds).
 */
export function get_range(c: Client, s: string, min: number, max: number, msg: string): number | null {
  const v = string2ll(s);
  if (typeof v === 'bigint' && v > 0n && max === Number.MAX_SAFE_INTEGER) return max;
  if (v === null || typeof v === 'bigint' || v < min || v > max) { c.reply.error(msg); return null; }
  return v;
}

export function get_double(c: Client, s: string, msg = NOT_FLOAT): number | null {
  const v = string2d(s);
  if (v === null) c.reply.error(msg);
  return v;
}

/** A value of class K under key (undefined if absent), or null after a WRONGTYPE reply. */
export function lookup_typed<K>(c: Client, key: string, cls: abstract new (...a: never[]) => K, write = false): K | undefined | null {
  const v: RObj | undefined = write ? c.db.peek(key) : c.db.lookup(key);
  if (v === undefined) return undefined;
  if (!(v instanceof cls)) { c.reply.error(WRONGTYPE); return null; }
  return v;
}

export function lookup_string(c: Client, key: string, write = false): string | undefined | null {
  const v = write ? c.db.peek(key) : c.db.lookup(key);
  if (v === undefined) return undefined;
  if (!is_str(v)) { c.reply.error(WRONGTYPE); return null; }
  return str_of(v);
}

/** Case-insensitive option match. */
export function opt(s: string, name: string): boolean {
  return s.length === name.length && s.toUpperCase() === name;
}

/** Clamps Redis-style start/end (negative from the end) to [0, len-1]; null if empty. */
export function clamp_range(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

/** SINTERCARD's numkeys: at least 1 and no more than the arguments left after it. */
function set_numkeys(c: Client, at: number): number | null {
  const n = get_range(c, c.argv[at], 1, Number.MAX_SAFE_INTEGER, 'numkeys should be greater than 0');
  if (n !== null && n > c.argv.length - at - 1) { c.reply.error("Number of keys can't be greater than number of args"); return null; }
  return n;
}

/**
 * SINTERCARD's arguments: numkeys key [key …] [LIMIT limit]; null after replying.
 */
export function intercard_args(c: Client): { keys: string[]; limit: number } | null {
  const numkeys = set_numkeys(c, 1);
  if (numkeys === null) return null;
  const limit = intercard_limit(c, 2 + numkeys);
  return limit === null ? null : { keys: c.argv.slice(2, 2 + numkeys), limit };
}

/** [LIMIT limit] from argv[from] on (0: none); null after replying. */
export function intercard_limit(c: Client, from: number): number | null {
  let limit = 0;
  for (let j = from; j < c.argv.length; j++) {
    if (opt(c.argv[j], 'LIMIT') && j + 1 < c.argv.length) {
      const n = get_range(c, c.argv[++j], 0, Number.MAX_SAFE_INTEGER, "LIMIT can't be negative");
      if (n === null) return null;
      limit = n;
    } else { c.reply.error(SYNTAX); return null; }
  }
  return limit;
}

export interface MpopArgs { keys: string[]; first: boolean; count: number; timeout: number | null }

/**
 * [B]LMPOP and [B]ZMPOP's arguments: numkeys key … WHERE [COUNT n], WHERE one of `sides`
 * (the first meaning the head: LEFT or MIN). `timeout` parses BLMPOP/BZMPOP's leading
 * timeout, after the rest as Redis does (so a bad COUNT is reported first). null after replying.
 */
export function mpop_args(c: Client, sides: [string, string], timeout?: (c: Client, s: string) => number | null): MpopArgs | null {
  const i = timeout ? 2 : 1;
  // numkeys may be up to LONG_MAX: past the arguments it is a syntax error, not a range error.
  const nk = string2ll(c.argv[i]);
  if (nk === null || nk < 1) { c.reply.error('numkeys should be greater than 0'); return null; }
  const numkeys = typeof nk === 'bigint' ? Number.MAX_SAFE_INTEGER : nk;
  let j = i + 1 + numkeys;
  if (j >= c.argv.length || (!opt(c.argv[j], sides[0]) && !opt(c.argv[j], sides[1]))) { c.reply.error(SYNTAX); return null; }
  const first = opt(c.argv[j++], sides[0]);
  let count = -1;
  for (; j < c.argv.length; j++) {
    if (opt(c.argv[j], 'COUNT') && count === -1 && j + 1 < c.argv.length) {
      const n = get_range(c, c.argv[++j], 1, Number.MAX_SAFE_INTEGER, 'count should be greater than 0');
      if (n === null) return null;
      count = n;
    } else { c.reply.error(SYNTAX); return null; }
  }
  const t = timeout ? timeout(c, c.argv[1]) : null;
  if (timeout && t === null) return null;
  return { keys: c.argv.slice(i + 1, i + 1 + numkeys), first, count: count === -1 ? 1 : count, timeout: t };
}
