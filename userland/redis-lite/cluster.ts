/**
 * cluster.c's DUMP and RESTORE: a value serialised as rdb.c writes it (type byte and body),
 * then the RDB version (2 bytes) and the CRC64 of everything before (8 bytes), both
 * little-endian. Payloads are byte strings (latin1), so they travel in RESP unchanged.
 */
import { from_latin1, latin1 } from './bytes.ts';
import { get_ll, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import { crc64_into } from './crc64.ts';
import { lru_restore } from './evict.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_GENERIC } from './notify.ts';
import { Reader, rdb_load_object, rdb_save_object, rdb_type, RDB_VERSION, Writer } from './rdb.ts';
import { SYNTAX } from './resp.ts';

export function dump_payload(c: Client, v: NonNullable<ReturnType<Client['db']['peek']>>): string {
  const w = new Writer(c.srv.config.other.get('rdbcompression') !== 'no');
  w.byte(rdb_type(v));
  rdb_save_object(w, v);
  return seal_payload(w);
}

/** createDumpPayload's footer: the RDB version and the CRC64 of everything, as a byte string. */
export function seal_payload(w: Writer): string {
  w.byte(RDB_VERSION & 0xff); w.byte(RDB_VERSION >> 8);
  w.room(8);
  crc64_into(w.buf, w.len, w.buf, w.len);
  w.len += 8;
  return latin1(w.buf, 0, w.len);
}

/** verifyDumpPayload: a known RDB version and a matching CRC64. */
export function verify_payload(b: Uint8Array): boolean {
  const n = b.length;
  if (n < 10) return false;
  if ((b[n - 10] | (b[n - 9] << 8)) > RDB_VERSION) return false;
  const crc = new Uint8Array(8);
  crc64_into(b, n - 8, crc, 0);
  for (let i = 0; i < 8; i++) if (crc[i] !== b[n - 8 + i]) return false;
  return true;
}

function dump(c: Client): void {
  const v = c.db.lookup(c.argv[1]);
  if (v === undefined) c.reply.nil(); else c.reply.bulk(dump_payload(c, v));
}

interface RestoreOpts { replace: boolean; absttl: boolean; idle: number; freq: number }

function parse_restore_opts(c: Client): RestoreOpts | null {
  const o: RestoreOpts = { replace: false, absttl: false, idle: -1, freq: -1 };
  for (let j = 4; j < c.argv.length; j++) {
    const a = c.argv[j], more = j + 1 < c.argv.length;
    if (opt(a, 'REPLACE')) o.replace = true;
    else if (opt(a, 'ABSTTL')) o.absttl = true;
    else if (opt(a, 'IDLETIME') && more && o.freq === -1) {
      const v = get_ll(c, c.argv[++j]);
      if (v === null) return null;
      if (v < 0) { c.reply.error('Invalid IDLETIME value, must be >= 0'); return null; }
      o.idle = Number(v);
    } else if (opt(a, 'FREQ') && more && o.idle === -1) {
      const v = get_ll(c, c.argv[++j]);
      if (v === null) return null;
      if (v < 0 || v > 255) { c.reply.error('Invalid FREQ value, must be >= 0 and <= 255'); return null; }
      o.freq = Number(v);
    } else { c.reply.error(SYNTAX); return null; }
  }
  return o;
}

function restore(c: Client): void {
  const o = parse_restore_opts(c);
  if (!o) return;
  const key = c.argv[1];
  if (!o.replace && c.db.peek_notouch(key) !== undefined) { c.reply.error('-BUSYKEY Target key name already exists.'); return; }
  const t = get_ll(c, c.argv[2]);
  if (t === null) return;
  if (t < 0) { c.reply.error('Invalid TTL value, must be >= 0'); return; }
  let ttl = Number(t);
  const b = from_latin1(c.argv[3]);
  if (!verify_payload(b)) { c.reply.error('DUMP payload version or checksum are wrong'); return; }
  let v;
  try {
    const r = new Reader(b, b.length - 10);
    v = rdb_load_object(r, r.byte());
    if (r.pos !== b.length - 10) throw new Error('trailing bytes');
  } catch { c.reply.error('Bad data format'); return; }
  const deleted = o.replace && c.db.delete(key);
  if (ttl && !o.absttl) ttl += c.srv.now;
  if (ttl && ttl <= c.srv.now) {
    if (deleted) { c.prop = [['DEL', key]]; notify(c, NOTIFY_GENERIC, 'del', key); c.srv.dirty++; }
    c.reply.ok();
    return;
  }
  c.db.add(key, v);
  const lru = lru_restore(c.srv, o.idle, o.freq);
  if (lru !== null) c.db.set_lru(key, lru);
  if (ttl) {
    c.db.set_expire(key, ttl);
    if (!o.absttl) { const p = c.argv.slice(); p[2] = String(ttl); p.push('ABSTTL'); c.prop = [p]; }
  }
  notify(c, NOTIFY_GENERIC, 'restore', key);
  c.reply.ok();
  c.srv.dirty++;
}

register('keyspace', [
  ['dump', 2, 'readonly', dump],
  ['restore', -4, 'write denyoom', restore],
  // RESTORE as a cluster's MIGRATE sends it to a slot being imported (the ASKING flag); the same here.
  ['restore-asking', -4, 'write denyoom asking', restore],
]);
