/**
 * object.c: the value types. A string is a latin1 JS string (or RawStr once APPEND/SETRANGE
 * made it "raw", as Redis's sds does); lists, hashes, sets and sorted sets are classes that
 * remember the encoding Redis would report (conversions only go one way, as in Redis).
 */
import { Deque } from './deque.ts';
import { string2ll } from './util.ts';
import type { StreamObj } from './stream.ts';
import type { ZSet } from './t_zset_obj.ts';

export class RawStr { constructor(public s: string) {} }

export class ListObj extends Deque<string> {}

export class HashObj extends Map<string, string> { enc: 'listpack' | 'hashtable' = 'listpack'; }

export class SetObj extends Set<string> { enc: 'intset' | 'hashtable' = 'intset'; }

export type RObj = string | RawStr | ListObj | HashObj | SetObj | ZSet | StreamObj;

/**
 * V8's longest string (String::kMaxLength, 64-bit): a redis-lite string value is a JS string, so
 * none can be longer, whatever proto-max-bulk-len allows (Redis itself would allocate it).
 */
export const JS_STRING_MAX = 2 ** 29 - 24;

/** The longest string value a command may make: proto-max-bulk-len, within JS_STRING_MAX. */
export function max_string_len(proto_max_bulk_len: number): number {
  return Math.min(proto_max_bulk_len, JS_STRING_MAX);
}

/** The limits Redis 7.0 converts encodings at (config names; CONFIG SET changes them). */
export const limits = {
  hash_max_listpack_entries: 128, hash_max_listpack_value: 64,
  set_max_intset_entries: 512,
  zset_max_listpack_entries: 128, zset_max_listpack_value: 64,
  stream_node_max_bytes: 4096, stream_node_max_entries: 100,
  hll_sparse_max_bytes: 3000,
};

export function is_str(o: RObj): o is string | RawStr { return typeof o === 'string' || o instanceof RawStr; }
export function str_of(o: string | RawStr): string { return typeof o === 'string' ? o : o.s; }

export function type_name(o: RObj): string {
  if (is_str(o)) return 'string';
  if (o instanceof ListObj) return 'list';
  if (o instanceof HashObj) return 'hash';
  if (o instanceof SetObj) return 'set';
  return 'cgroups' in o ? 'stream' : 'zset';
}

export function str_encoding(o: string | RawStr): string {
  if (typeof o !== 'string') return 'raw';
  if (o.length <= 20 && typeof string2ll(o) === 'number') return 'int';
  return o.length <= 44 ? 'embstr' : 'raw';
}

/** Sets stay intsets while every member is an integer and they are small enough. */
export function set_note_add(s: SetObj, member: string): void {
  if (s.enc === 'intset' && (string2ll(member) === null || s.size > limits.set_max_intset_entries)) s.enc = 'hashtable';
}

export function hash_note_add(h: HashObj, field: string, value: string): void {
  if (h.enc === 'listpack' && (h.size > limits.hash_max_listpack_entries ||
    field.length > limits.hash_max_listpack_value || value.length > limits.hash_max_listpack_value)) h.enc = 'hashtable';
}
