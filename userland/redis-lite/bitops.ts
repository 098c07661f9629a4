/**
 * bitops.c: SETBIT/GETBIT/BITCOUNT/BITPOS/BITOP on string values (bit 0 is the most
 * significant bit of byte 0, as in Redis).
 */
import { get_ll, lookup_string, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_GENERIC, NOTIFY_STRING } from './notify.ts';
import { max_string_len, RawStr } from './object.ts';
import { SYNTAX, WRONGTYPE } from './resp.ts';

const BIT_OFFSET_ERR = 'bit offset is not an integer or out of range';

/**
 * getBitOffsetFromArgument: a bit offset below proto-max-bulk-len bytes; with hash_bits
 * (BITFIELD) "#n" means n fields of that width.
 */
export function bit_offset(c: Client, s: string, hash_bits = 0): number | null {
  const hash = hash_bits > 0 && s[0] === '#';
  const v = get_ll(c, hash ? s.slice(1) : s, BIT_OFFSET_ERR);
  if (v === null) return null;
  const off = Number(v) * (hash ? hash_bits : 1);
  if (off < 0 || off >= max_string_len(c.srv.config.proto_max_bulk_len) * 8) { c.reply.error(BIT_OFFSET_ERR); return null; }
  return off;
}

function setbit(c: Client): void {
  const off = bit_offset(c, c.argv[2]);
  if (off === null) return;
  const b = c.argv[3];
  if (b !== '0' && b !== '1') { c.reply.error('bit is not an integer or out of range'); return; }
  const key = c.argv[1], v = lookup_string(c, key, true);
  if (v === null) return;
  const byte = off >> 3, mask = 0x80 >> (off & 7);
  let s = v ?? '';
  // A new or grown string, or a flipped bit, is a change; setting a bit to what it is is not.
  const grown = v === undefined || s.length <= byte;
  if (s.length <= byte) s += '\0'.repeat(byte + 1 - s.length);
  const old = s.charCodeAt(byte);
  const nv = b === '1' ? old | mask : old & ~mask;
  if (grown || nv !== old) {
    s = s.slice(0, byte) + String.fromCharCode(nv) + s.slice(byte + 1);
    c.db.set(key, new RawStr(s), true);
    notify(c, NOTIFY_STRING, 'setbit', key);
    c.srv.dirty++;
  }
  c.reply.int(old & mask ? 1 : 0);
}

function getbit(c: Client): void {
  const off = bit_offset(c, c.argv[2]);
  if (off === null) return;
  const v = lookup_string(c, c.argv[1]);
  if (v === null) return;
  const byte = off >> 3;
  c.reply.int(v !== undefined && byte < v.length && v.charCodeAt(byte) & (0x80 >> (off & 7)) ? 1 : 0);
}

/** start/end [BYTE|BIT] → a bit range [from, to] clamped to the string, or null if empty. */
function bit_range(c: Client, len: number, first: number, pos = false): [number, number] | null | undefined {
  if (c.argv.length === first) return [0, len * 8 - 1];
  // BITPOS may give a start alone (the end is the last byte); BITCOUNT needs both.
  const alone = pos && c.argv.length === first + 1;
  if (!alone && c.argv.length !== first + 2 && c.argv.length !== first + 3) { c.reply.error(SYNTAX); return undefined; }
  const s = get_ll(c, c.argv[first]), e = s === null ? null : alone ? -1 : get_ll(c, c.argv[first + 1]);
  if (s === null || e === null) return undefined;
  // BITCOUNT: two negative indexes the wrong way round count nothing (Redis 7.0.15).
  if (!pos && s < 0 && e < 0 && s > e) return null;
  let bit = false;
  if (c.argv.length === first + 3) {
    if (opt(c.argv[first + 2], 'BIT')) bit = true; else if (!opt(c.argv[first + 2], 'BYTE')) { c.reply.error(SYNTAX); return undefined; }
  }
  const total = bit ? len * 8 : len;
  let a = Number(s), b = Number(e);
  if (a < 0) a += total; if (b < 0) b += total;
  if (a < 0) a = 0; if (b < 0) b = 0;
  if (b >= total) b = total - 1;
  if (a > b || total === 0) return null;
  return bit ? [a, b] : [a * 8, b * 8 + 7];
}

/** BITCOUNT: a missing key counts 0 before its range is read (lookupKeyReadOrReply first). */
function bitcount(c: Client): void {
  const v = lookup_string(c, c.argv[1]);
  if (v === null) return;
  if (v === undefined) { c.reply.int(0); return; }
  const r = bit_range(c, v.length, 2);
  if (r === undefined) return;
  if (!r) { c.reply.int(0); return; }
  let n = 0;
  for (let i = r[0]; i <= r[1]; i++) if (v.charCodeAt(i >> 3) & (0x80 >> (i & 7))) n++;
  c.reply.int(n);
}

/** BITPOS: the bit (an integer, then 0 or 1), the key (missing: all zeros), then the range, as bitposCommand reads them. */
function bitpos(c: Client): void {
  const bit = get_ll(c, c.argv[2]);
  if (bit === null) return;
  if (bit !== 0 && bit !== 1) { c.reply.error('The bit argument must be 1 or 0.'); return; }
  const v = lookup_string(c, c.argv[1]);
  if (v === null) return;
  if (v === undefined) { c.reply.int(bit === 1 ? -1 : 0); return; }
  const explicit_end = c.argv.length >= 5;
  const r = bit_range(c, v.length, 3, true);
  if (r === undefined) return;
  if (!r) { c.reply.int(-1); return; }
  const want = bit;
  for (let i = r[0]; i <= r[1]; i++) if ((v.charCodeAt(i >> 3) & (0x80 >> (i & 7)) ? 1 : 0) === want) { c.reply.int(i); return; }
  // Looking for a clear bit with no explicit end: the string is padded with zeros on the right.
  c.reply.int(want === 0 && !explicit_end ? r[1] + 1 : -1);
}

function bitop(c: Client): void {
  const op = c.argv[1].toUpperCase();
  if (!['AND', 'OR', 'XOR', 'NOT'].includes(op)) { c.reply.error(SYNTAX); return; }
  if (op === 'NOT' && c.argv.length !== 4) { c.reply.error('BITOP NOT must be called with a single source key.'); return; }
  const srcs: string[] = [];
  for (const k of c.argv.slice(3)) {
    const v = c.db.lookup(k);
    if (v === undefined) { srcs.push(''); continue; }
    if (typeof v !== 'string' && !(v instanceof RawStr)) { c.reply.error(WRONGTYPE); return; }
    srcs.push(typeof v === 'string' ? v : v.s);
  }
  const len = Math.max(0, ...srcs.map((s) => s.length));
  let out = '';
  for (let i = 0; i < len; i++) {
    let acc = i < srcs[0].length ? srcs[0].charCodeAt(i) : 0;
    if (op === 'NOT') acc = ~acc & 0xff;
    for (let j = 1; j < srcs.length; j++) {
      const x = i < srcs[j].length ? srcs[j].charCodeAt(i) : 0;
      acc = op === 'AND' ? acc & x : op === 'OR' ? acc | x : acc ^ x;
    }
    out += String.fromCharCode(acc);
  }
  const dst = c.argv[2];
  if (len === 0) { if (c.db.delete(dst)) notify(c, NOTIFY_GENERIC, 'del', dst); } else { c.db.set(dst, new RawStr(out)); notify(c, NOTIFY_STRING, 'set', dst); }
  c.srv.dirty++;
  c.reply.int(len);
}

register('bitmap', [
  ['setbit', 4, 'write denyoom', setbit],
  ['getbit', 3, 'readonly fast', getbit],
  ['bitcount', -2, 'readonly', bitcount],
  ['bitpos', -3, 'readonly', bitpos],
  ['bitop', -4, 'write denyoom', bitop, 2, -1, 1],
]);
