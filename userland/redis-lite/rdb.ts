/**
 * rdb.c: the RDB file (version 10) for SAVE/BGSAVE and loading at start, and the value
 * serialisation DUMP/RESTORE share with it. Values are written in Redis 7.0's encodings
 * (int-encoded and LZF-compressed strings, quicklist of listpacks, intset, listpack hashes
 * and zsets, streams), so a value whose encoding agrees with redis-server's serialises to
 * the same bytes; the older plain encodings load too. The trailer is the CRC64 of the file.
 */
import { ByteWriter, from_latin1, latin1 } from './bytes.ts';
import { crc64_into } from './crc64.ts';
import type { Db } from './db.ts';
import { ListpackWriter, lp_decode } from './listpack.ts';
import { lzf_compress, lzf_decompress } from './lzf.ts';
import { HashObj, hash_note_add, is_str, ListObj, type RObj, SetObj, set_note_add, str_of } from './object.ts';
import { read_stream, write_stream } from './rdb_stream.ts';
import { StreamObj } from './stream.ts';
import { ZSet } from './t_zset_obj.ts';
import { d2string, string2ll } from './util.ts';

export const T_STRING = 0, T_LIST = 1, T_SET = 2, T_HASH = 4, T_ZSET2 = 5, T_SET_INTSET = 11, T_STREAM_LISTPACKS = 15,
  T_HASH_LISTPACK = 16, T_ZSET_LISTPACK = 17, T_LIST_QUICKLIST_2 = 18, T_STREAM_LISTPACKS_2 = 19;
export const RDB_VERSION = 10;
const OP_AUX = 0xfa, OP_RESIZEDB = 0xfb, OP_EXPIRETIME_MS = 0xfc, OP_SELECTDB = 0xfe, OP_EOF = 0xff;
const ENC_INT8 = 0, ENC_INT16 = 1, ENC_INT32 = 2, ENC_LZF = 3;
const QUICKLIST_NODE_PACKED = 2, LIST_NODE_MAX_BYTES = 8192, SIZE_ESTIMATE_OVERHEAD = 8;

export class Writer extends ByteWriter {
  private readonly w8 = new Uint8Array(8);
  private readonly dv = new DataView(this.w8.buffer);
  constructor(readonly compress = true) { super(); }
  len_(n: number): void {
    if (n < 64) this.byte(n);
    else if (n < 16384) { this.byte(0x40 | (n >> 8)); this.byte(n & 0xff); }
    else if (n < 2 ** 32) { this.byte(0x80); this.dv.setUint32(0, n); this.bytes(this.w8.subarray(0, 4)); }
    else { this.byte(0x81); this.dv.setBigUint64(0, BigInt(n)); this.bytes(this.w8); }
  }
  /** rdbSaveRawString: a small integer as INT8/16/32, a long string LZF-compressed if that saves 4+ bytes. */
  s(s: string): void {
    const n = s.length;
    if (n <= 11 && this.int_enc(s)) return;
    if (this.compress && n > 20 && this.lzf(from_latin1(s))) return;
    this.len_(n); this.str(s);
  }
  /** A binary blob (a listpack, an intset) through the same string rules. */
  blob(b: Uint8Array): void {
    if (this.compress && b.length > 20 && this.lzf(b)) return;
    this.len_(b.length); this.bytes(b);
  }
  double(v: number): void { this.dv.setFloat64(0, v, true); this.bytes(this.w8); }
  u64le(v: number): void { this.dv.setBigUint64(0, BigInt(v), true); this.bytes(this.w8); }

  private int_enc(s: string): boolean {
    const v = string2ll(s);
    if (typeof v !== 'number' || v < -2147483648 || v > 2147483647) return false;
    if (v >= -128 && v <= 127) { this.byte(0xc0 | ENC_INT8); this.byte(v & 0xff); }
    else if (v >= -32768 && v <= 32767) { this.byte(0xc0 | ENC_INT16); this.dv.setInt16(0, v, true); this.bytes(this.w8.subarray(0, 2)); }
    else { this.byte(0xc0 | ENC_INT32); this.dv.setInt32(0, v, true); this.bytes(this.w8.subarray(0, 4)); }
    return true;
  }

  private lzf(b: Uint8Array): boolean {
    const out = new Uint8Array(b.length - 4);
    const n = lzf_compress(b, out);
    if (n === 0) return false;
    this.byte(0xc0 | ENC_LZF); this.len_(n); this.len_(b.length); this.bytes(out.subarray(0, n));
    return true;
  }
}

/** rdbSaveObjectType. */
export function rdb_type(v: RObj): number {
  if (is_str(v)) return T_STRING;
  if (v instanceof ListObj) return T_LIST_QUICKLIST_2;
  if (v instanceof SetObj) return v.enc === 'intset' ? T_SET_INTSET : T_SET;
  if (v instanceof HashObj) return v.enc === 'listpack' ? T_HASH_LISTPACK : T_HASH;
  if (v instanceof StreamObj) return T_STREAM_LISTPACKS_2;
  return (v as ZSet).enc === 'listpack' ? T_ZSET_LISTPACK : T_ZSET2;
}

/** rdbSaveObject: the value's body in the encoding rdb_type named. */
export function rdb_save_object(w: Writer, v: RObj): void {
  const t = rdb_type(v);
  if (t === T_STRING) w.s(str_of(v as string));
  else if (t === T_LIST_QUICKLIST_2) write_quicklist(w, v as ListObj);
  else if (t === T_SET_INTSET) w.blob(intset_encode(v as SetObj));
  else if (t === T_SET) { w.len_((v as SetObj).size); for (const x of v as SetObj) w.s(x); }
  else if (t === T_HASH_LISTPACK) { const lp = new ListpackWriter(); for (const [f, x] of v as HashObj) { lp.append(f); lp.append(x); } w.blob(lp.finish()); }
  else if (t === T_HASH) { w.len_((v as HashObj).size); for (const [f, x] of v as HashObj) { w.s(f); w.s(x); } }
  else if (t === T_ZSET_LISTPACK) { const lp = new ListpackWriter(); for (const [m, s] of (v as ZSet).entries()) { lp.append(m); lp.append(score_str(s)); } w.blob(lp.finish()); }
  else if (t === T_STREAM_LISTPACKS_2) write_stream(w, v as StreamObj);
  else write_zset2(w, v as ZSet);
}

/** zzlInsertAt: an integral score is stored as an integer, any other as %.17g. */
function score_str(s: number): string {
  return Number.isInteger(s) && Math.abs(s) < 2 ** 62 ? String(s === 0 ? 0 : s) : d2string(s);
}

/** The skiplist's elements from the greatest, as Redis writes them (loading then inserts at the head). */
function write_zset2(w: Writer, z: ZSet): void {
  w.len_(z.size);
  const all = [...z.entries()];
  for (let i = all.length - 1; i >= 0; i--) { w.s(all[i][0]); w.double(all[i][1]); }
}

/** quicklist nodes as list-max-listpack-size -2 fills them (8 KiB listpacks), appended in order. */
function write_quicklist(w: Writer, l: ListObj): void {
  const nodes: Uint8Array[] = [];
  let lp = new ListpackWriter();
  for (const x of l.toArray()) {
    if (lp.count > 0 && lp.size + x.length + SIZE_ESTIMATE_OVERHEAD > LIST_NODE_MAX_BYTES) { nodes.push(lp.finish()); lp = new ListpackWriter(); }
    lp.append(x);
  }
  if (lp.count > 0) nodes.push(lp.finish());
  w.len_(nodes.length);
  for (const n of nodes) { w.len_(QUICKLIST_NODE_PACKED); w.blob(n); }
}

/** intset.c's layout: encoding (2/4/8-byte members), count, members ascending, all little-endian. */
function intset_encode(s: SetObj): Uint8Array {
  const vals = [...s].map((m) => BigInt(m)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of vals) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const b = new Uint8Array(8 + vals.length * width), dv = new DataView(b.buffer);
  dv.setUint32(0, width, true); dv.setUint32(4, vals.length, true);
  vals.forEach((v, i) => {
    const off = 8 + i * width;
    if (width === 2) dv.setInt16(off, Number(v), true);
    else if (width === 4) dv.setInt32(off, Number(v), true);
    else dv.setBigInt64(off, v, true);
  });
  return b;
}

/** The whole dataset as an RDB image (a synchronous snapshot of the moment it is called). */
export function rdb_dump(dbs: Db[], now: number, compress = true): Uint8Array {
  const w = new Writer(compress);
  w.str(`REDIS00${RDB_VERSION}`);
  for (const [k, v] of [['redis-ver', '7.0.15'], ['redis-bits', '64'], ['ctime', String(Math.floor(now / 1000))], ['aof-base', '0']]) {
    w.byte(OP_AUX); w.s(k); w.s(v);
  }
  for (const db of dbs) {
    if (db.dict.size === 0) continue;
    w.byte(OP_SELECTDB); w.len_(db.id);
    w.byte(OP_RESIZEDB); w.len_(db.dict.size); w.len_(db.expires.size);
    for (const [k, v] of db.dict.entries()) {
      const when = db.expires.get(k);
      if (when !== undefined) { w.byte(OP_EXPIRETIME_MS); w.u64le(when); }
      w.byte(rdb_type(v)); w.s(k); rdb_save_object(w, v);
    }
  }
  w.byte(OP_EOF);
  w.room(8);
  crc64_into(w.buf, w.len, w.buf, w.len);
  w.len += 8;
  return w.result();
}

export class Reader {
  pos = 0;
  readonly dv: DataView;
  constructor(readonly b: Uint8Array, readonly end = b.length) { this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength); }
  byte(): number { if (this.pos >= this.end) throw new Error('Short read'); return this.b[this.pos++]; }
  need(n: number): void { if (this.pos + n > this.end) throw new Error('Short read'); }
  len(): { n: number; enc: number } {
    const t = this.byte(), kind = t >> 6;
    if (kind === 0) return { n: t & 0x3f, enc: -1 };
    if (kind === 1) return { n: ((t & 0x3f) << 8) | this.byte(), enc: -1 };
    if (kind === 3) return { n: 0, enc: t & 0x3f };
    if (t === 0x80) { this.need(4); const v = this.dv.getUint32(this.pos); this.pos += 4; return { n: v, enc: -1 }; }
    if (t === 0x81) { this.need(8); const v = Number(this.dv.getBigUint64(this.pos)); this.pos += 8; return { n: v, enc: -1 }; }
    throw new Error(`Unknown length encoding ${t}`);
  }
  n(): number { const l = this.len(); if (l.enc >= 0) throw new Error('Bad length'); return l.n; }
  /** rdbGenericLoadStringObject as bytes. */
  blob(): Uint8Array {
    const { n, enc } = this.len();
    if (enc === ENC_INT8 || enc === ENC_INT16 || enc === ENC_INT32) return from_latin1(this.int_str(enc));
    if (enc === ENC_LZF) {
      const clen = this.n(), ulen = this.n();
      this.need(clen);
      const out = lzf_decompress(this.b.subarray(this.pos, this.pos + clen), ulen);
      this.pos += clen;
      if (!out) throw new Error('Invalid LZF compressed string');
      return out;
    }
    if (enc >= 0) throw new Error(`Unknown RDB string encoding type ${enc}`);
    this.need(n);
    this.pos += n;
    return this.b.subarray(this.pos - n, this.pos);
  }
  str(): string {
    const t = this.b[this.pos];
    if (t >> 6 === 3 && (t & 0x3f) <= ENC_INT32) { this.pos++; return this.int_str(t & 0x3f); }
    const b = this.blob();
    return latin1(b, 0, b.length);
  }
  double(): number { this.need(8); const v = this.dv.getFloat64(this.pos, true); this.pos += 8; return v; }
  u64le(): bigint { this.need(8); const v = this.dv.getBigUint64(this.pos, true); this.pos += 8; return v; }
  private int_str(enc: number): string {
    const w = enc === ENC_INT8 ? 1 : enc === ENC_INT16 ? 2 : 4;
    this.need(w);
    const v = w === 1 ? this.dv.getInt8(this.pos) : w === 2 ? this.dv.getInt16(this.pos, true) : this.dv.getInt32(this.pos, true);
    this.pos += w;
    return String(v);
  }
}

function lp_or_throw(b: Uint8Array): string[] {
  const v = lp_decode(b);
  if (!v) throw new Error('Listpack integrity check failed');
  return v;
}

function read_intset(b: Uint8Array): SetObj {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 8) throw new Error('Intset integrity check failed');
  const width = dv.getUint32(0, true), n = dv.getUint32(4, true);
  if ((width !== 2 && width !== 4 && width !== 8) || 8 + n * width !== b.length) throw new Error('Intset integrity check failed');
  const s = new SetObj();
  for (let i = 0; i < n; i++) {
    const off = 8 + i * width;
    s.add(String(width === 2 ? dv.getInt16(off, true) : width === 4 ? dv.getInt32(off, true) : dv.getBigInt64(off, true)));
  }
  set_note_add(s, '0');
  return s;
}

function pairs_into(items: string[], each: (a: string, b: string) => void): void {
  if (items.length % 2) throw new Error('odd listpack');
  for (let i = 0; i < items.length; i += 2) each(items[i], items[i + 1]);
}

/** rdbLoadObject. Throws on malformed input (the caller reports it as Redis does). */
export function rdb_load_object(r: Reader, type: number): RObj {
  if (type === T_STRING) return r.str();
  if (type === T_LIST || type === T_LIST_QUICKLIST_2) {
    const l = new ListObj(), n = r.n();
    for (let i = 0; i < n; i++) {
      if (type === T_LIST) { l.push(r.str()); continue; }
      const container = r.n(), b = r.blob();
      if (container === QUICKLIST_NODE_PACKED) for (const x of lp_or_throw(b)) l.push(x);
      else l.push(latin1(b, 0, b.length));
    }
    if (l.length === 0) throw new Error('empty list');
    return l;
  }
  if (type === T_SET) { const s = new SetObj(), n = r.n(); for (let i = 0; i < n; i++) { const m = r.str(); s.add(m); set_note_add(s, m); } return s; }
  if (type === T_SET_INTSET) return read_intset(r.blob());
  if (type === T_HASH) { const h = new HashObj(), n = r.n(); for (let i = 0; i < n; i++) { const f = r.str(), v = r.str(); h.set(f, v); hash_note_add(h, f, v); } return h; }
  if (type === T_HASH_LISTPACK) {
    const h = new HashObj();
    pairs_into(lp_or_throw(r.blob()), (f, v) => { if (h.has(f)) throw new Error('duplicate field'); h.set(f, v); hash_note_add(h, f, v); });
    if (h.size === 0) throw new Error('empty hash');
    return h;
  }
  if (type === T_ZSET2) { const z = new ZSet(), n = r.n(); for (let i = 0; i < n; i++) { const m = r.str(); z.set(m, r.double()); } return z; }
  if (type === T_ZSET_LISTPACK) {
    const z = new ZSet();
    pairs_into(lp_or_throw(r.blob()), (m, s) => { const d = Number(s); if (Number.isNaN(d)) throw new Error('bad score'); z.set(m, d); });
    if (z.size === 0) throw new Error('empty zset');
    return z;
  }
  if (type === T_STREAM_LISTPACKS_2 || type === T_STREAM_LISTPACKS) return read_stream(r, type === T_STREAM_LISTPACKS);
  throw new Error(`Unsupported object type ${type}`);
}

/** Loads an RDB image into dbs; the number of keys, or an error message. */
export function rdb_load(buf: Uint8Array, dbs: Db[], now: number): number | string {
  if (latin1(buf, 0, 5) !== 'REDIS') return 'Wrong signature trying to load DB from file';
  const r = new Reader(buf);
  r.pos = 9;
  let db = dbs[0], keys = 0, expire = -1;
  try {
    for (;;) {
      const op = r.byte();
      if (op === OP_EOF) return keys;
      if (op === OP_AUX) { r.str(); r.str(); continue; }
      if (op === OP_SELECTDB) { const id = r.len().n; if (id >= dbs.length) return `FATAL: Data file was created with a Redis server configured to handle more than ${dbs.length} databases.`; db = dbs[id]; continue; }
      if (op === OP_RESIZEDB) { r.len(); r.len(); continue; }
      if (op === OP_EXPIRETIME_MS) { expire = Number(r.u64le()); continue; }
      const key = r.str(), v = rdb_load_object(r, op);
      if (expire < 0 || expire > now) { db.load(key, v, expire); keys++; }
      expire = -1;
    }
  } catch (e) {
    return `Short read or OOM loading DB. Unrecoverable error, aborting now. (${(e as Error).message})`;
  }
}
