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

/** getPositiveLongFromObjectOrReply / getRangeLong: an integer in [min, max]. */
export function get_range(c: Client, s: string, min: number, max: number, msg: string): number | null {
  const v = string2ll(s);
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

/** SINTERCARD/ZINTERCARD's arguments: numkeys key [key …] [LIMIT limit]; null after replying. */
export function intercard_args(c: Client): { keys: string[]; limit: number } | null {
  const numkeys = get_range(c, c.argv[1], 1, Number.MAX_SAFE_INTEGER, 'numkeys should be greater than 0');
  if (numkeys === null) return null;
  if (numkeys > c.argv.length - 2) { c.reply.error("Number of keys can't be greater than number of args"); return null; }
  let limit = 0;
  for (let j = 2 + numkeys; j < c.argv.length; j++) {
    if (opt(c.argv[j], 'LIMIT') && j + 1 < c.argv.length) {
      const n = get_range(c, c.argv[++j], 0, Number.MAX_SAFE_INTEGER, "LIMIT can't be negative");
      if (n === null) return null;
      limit = n;
    } else { c.reply.error(SYNTAX); return null; }
  }
  return { keys: c.argv.slice(2, 2 + numkeys), limit };
}
