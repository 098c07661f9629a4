/**
 * rdb.c: the RDB file (version 10) for SAVE/BGSAVE and loading at start. Values use the
 * plain encodings every Redis since 2.x loads (string, list, set, hash, zset2) rather than
 * listpacks; the trailing CRC64 is written as 0, which Redis reads as "checksum disabled".
 */
import { ByteWriter, latin1 } from './bytes.ts';
import type { Db } from './db.ts';
import { HashObj, hash_note_add, ListObj, RawStr, type RObj, SetObj, set_note_add, str_of } from './object.ts';
import { ZSet } from './t_zset_obj.ts';

const T_STRING = 0, T_LIST = 1, T_SET = 2, T_HASH = 4, T_ZSET2 = 5;
const OP_AUX = 0xfa, OP_RESIZEDB = 0xfb, OP_EXPIRETIME_MS = 0xfc, OP_SELECTDB = 0xfe, OP_EOF = 0xff;

class Writer extends ByteWriter {
  private readonly w8 = new Uint8Array(8);
  private readonly dv = new DataView(this.w8.buffer);
  len_(n: number): void {
    if (n < 64) this.byte(n);
    else if (n < 16384) { this.byte(0x40 | (n >> 8)); this.byte(n & 0xff); }
    else if (n < 2 ** 32) { this.byte(0x80); this.dv.setUint32(0, n); this.bytes(this.w8.subarray(0, 4)); }
    else { this.byte(0x81); this.dv.setBigUint64(0, BigInt(n)); this.bytes(this.w8); }
  }
  s(s: string): void { this.len_(s.length); this.str(s); }
  double(v: number): void { this.dv.setFloat64(0, v, true); this.bytes(this.w8); }
  u64le(v: number): void { this.dv.setBigUint64(0, BigInt(v), true); this.bytes(this.w8); }
}

function write_type(w: Writer, v: RObj): void {
  if (typeof v === 'string' || v instanceof RawStr) { w.byte(T_STRING); return; }
  if (v instanceof ListObj) w.byte(T_LIST);
  else if (v instanceof SetObj) w.byte(T_SET);
  else if (v instanceof HashObj) w.byte(T_HASH);
  else w.byte(T_ZSET2);
}

function write_body(w: Writer, v: RObj): void {
  if (typeof v === 'string' || v instanceof RawStr) { w.s(str_of(v)); return; }
  if (v instanceof ListObj) { w.len_(v.length); for (const x of v.toArray()) w.s(x); return; }
  if (v instanceof SetObj) { w.len_(v.size); for (const x of v) w.s(x); return; }
  if (v instanceof HashObj) { w.len_(v.size); for (const [f, x] of v) { w.s(f); w.s(x); } return; }
  const z = v as ZSet;
  w.len_(z.size);
  // Redis writes zsets from the tail so loading inserts at the head cheaply; order does not matter for correctness.
  for (const [m, s] of z.entries()) { w.s(m); w.double(s); }
}

/** The whole dataset as an RDB image (a synchronous snapshot of the moment it is called). */
export function rdb_dump(dbs: Db[], now: number): Uint8Array {
  const w = new Writer();
  w.str('REDIS0010');
  for (const [k, v] of [['redis-ver', '7.0.15'], ['redis-bits', '64'], ['ctime', String(Math.floor(now / 1000))], ['aof-base', '0']]) {
    w.byte(OP_AUX); w.s(k); w.s(v);
  }
  for (const db of dbs) {
    if (db.dict.size === 0) continue;
    w.byte(OP_SELECTDB); w.len_(db.id);
    w.byte(OP_RESIZEDB); w.len_(db.dict.size); w.len_(db.expires.size);
    for (const [k, v] of db.dict) {
      const when = db.expires.get(k);
      if (when !== undefined) { w.byte(OP_EXPIRETIME_MS); w.u64le(when); }
      write_type(w, v); w.s(k); write_body(w, v);
    }
  }
  w.byte(OP_EOF);
  w.u64le(0);
  return w.result();
}

class Reader {
  pos = 0;
  readonly dv: DataView;
  constructor(readonly b: Uint8Array) { this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength); }
  byte(): number { if (this.pos >= this.b.length) throw new Error('Short read'); return this.b[this.pos++]; }
  len(): { n: number; enc: number } {
    const t = this.byte(), kind = t >> 6;
    if (kind === 0) return { n: t & 0x3f, enc: -1 };
    if (kind === 1) return { n: ((t & 0x3f) << 8) | this.byte(), enc: -1 };
    if (kind === 3) return { n: 0, enc: t & 0x3f };
    if (t === 0x80) { const v = this.dv.getUint32(this.pos); this.pos += 4; return { n: v, enc: -1 }; }
    if (t === 0x81) { const v = Number(this.dv.getBigUint64(this.pos)); this.pos += 8; return { n: v, enc: -1 }; }
    throw new Error(`Unknown length encoding ${t}`);
  }
  str(): string {
    const { n, enc } = this.len();
    if (enc === 0) return String(this.dv.getInt8(this.pos++));
    if (enc === 1) { const v = this.dv.getInt16(this.pos, true); this.pos += 2; return String(v); }
    if (enc === 2) { const v = this.dv.getInt32(this.pos, true); this.pos += 4; return String(v); }
    if (enc >= 0) throw new Error('Unsupported string encoding (LZF)');
    if (this.pos + n > this.b.length) throw new Error('Short read');
    const s = latin1(this.b, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  double(): number { const v = this.dv.getFloat64(this.pos, true); this.pos += 8; return v; }
}

function read_value(r: Reader, type: number): RObj {
  if (type === T_STRING) return r.str();
  const n = r.len().n;
  if (type === T_LIST) { const l = new ListObj(); for (let i = 0; i < n; i++) l.push(r.str()); return l; }
  if (type === T_SET) { const s = new SetObj(); for (let i = 0; i < n; i++) { const m = r.str(); s.add(m); set_note_add(s, m); } return s; }
  if (type === T_HASH) { const h = new HashObj(); for (let i = 0; i < n; i++) { const f = r.str(), v = r.str(); h.set(f, v); hash_note_add(h, f, v); } return h; }
  if (type === T_ZSET2) { const z = new ZSet(); for (let i = 0; i < n; i++) { const m = r.str(); z.set(m, r.double()); } return z; }
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
      if (op === OP_EXPIRETIME_MS) { expire = Number(r.dv.getBigUint64(r.pos, true)); r.pos += 8; continue; }
      const key = r.str(), v = read_value(r, op);
      if (expire < 0 || expire > now) { db.dict.set(key, v); if (expire >= 0) db.expires.set(key, expire); keys++; }
      expire = -1;
    }
  } catch (e) {
    return `Short read or OOM loading DB. Unrecoverable error, aborting now. (${(e as Error).message})`;
  }
}
