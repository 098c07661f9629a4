/**
 * bitops.c's BITFIELD and BITFIELD_RO: GET/SET/INCRBY of signed (i1–i64) or unsigned
 * (u1–u63) integers at any bit offset of a string, big-endian bit order as SETBIT, with
 * OVERFLOW WRAP|SAT|FAIL. Values are bigints, so 64-bit arithmetic is exact; overflow is
 * detected on the exact result, which is what checkSignedBitfieldOverflow computes in C.
 */
import { bit_offset } from './bitops.ts';
import { latin1, put_latin1 } from './bytes.ts';
import { get_ll, lookup_string, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_STRING } from './notify.ts';
import { RawStr } from './object.ts';
import { SYNTAX } from './resp.ts';

type Overflow = 'wrap' | 'sat' | 'fail';
interface FieldType { signed: boolean; bits: number }
interface BitfieldOp { op: 'get' | 'set' | 'incrby'; type: FieldType; offset: number; value: bigint; overflow: Overflow }

const TYPE_ERR = 'Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** getBitfieldTypeFromArgument: u64 is refused because RESP integers are signed 64-bit. */
function field_type(c: Client, s: string): FieldType | null {
  const signed = s[0] === 'i';
  const bits = /^[iu]\d+$/.test(s) ? Number(s.slice(1)) : 0;
  if (bits < 1 || bits > (signed ? 64 : 63)) { c.reply.error(TYPE_ERR); return null; }
  return { signed, bits };
}

/** getUnsignedBitfield over bytes, reading zeros past the end. */
function get_bits(buf: Uint8Array, offset: number, bits: number): bigint {
  let v = 0n;
  for (let i = offset; i < offset + bits; i++) {
    const byte = i >> 3;
    v = (v << 1n) | BigInt(byte < buf.length ? (buf[byte] >> (7 - (i & 7))) & 1 : 0);
  }
  return v;
}

function set_bits(buf: Uint8Array, offset: number, bits: number, v: bigint): void {
  const u = BigInt.asUintN(bits, v);
  for (let j = 0; j < bits; j++) {
    const i = offset + j, mask = 0x80 >> (i & 7);
    if ((u >> BigInt(bits - 1 - j)) & 1n) buf[i >> 3] |= mask; else buf[i >> 3] &= ~mask;
  }
}

function read_field(buf: Uint8Array, o: BitfieldOp): bigint {
  const u = get_bits(buf, o.offset, o.type.bits);
  return o.type.signed ? BigInt.asIntN(o.type.bits, u) : u;
}

/** The value to store for `exact`, or null when OVERFLOW FAIL refuses it. */
function fit(exact: bigint, t: FieldType, overflow: Overflow): bigint | null {
  const max = t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
  const min = t.signed ? -max - 1n : 0n;
  if (exact >= min && exact <= max) return exact;
  if (overflow === 'fail') return null;
  if (overflow === 'sat') return exact > max ? max : min;
  return t.signed ? BigInt.asIntN(t.bits, exact) : BigInt.asUintN(t.bits, exact);
}

/** Parses every subcommand before running any, as bitfieldGeneric does; null after replying. */
function parse_ops(c: Client): BitfieldOp[] | null {
  const ops: BitfieldOp[] = [];
  let overflow: Overflow = 'wrap';
  for (let j = 2; j < c.argv.length; j++) {
    const sub = c.argv[j], left = c.argv.length - j - 1;
    if (opt(sub, 'OVERFLOW') && left >= 1) {
      const w = c.argv[++j].toLowerCase();
      if (w !== 'wrap' && w !== 'sat' && w !== 'fail') { c.reply.error('Invalid OVERFLOW type specified'); return null; }
      overflow = w;
      continue;
    }
    const op = opt(sub, 'GET') && left >= 2 ? 'get' : opt(sub, 'SET') && left >= 3 ? 'set' : opt(sub, 'INCRBY') && left >= 3 ? 'incrby' : null;
    if (!op) { c.reply.error(SYNTAX); return null; }
    const type = field_type(c, c.argv[j + 1]);
    if (!type) return null;
    const offset = bit_offset(c, c.argv[j + 2], type.bits);
    if (offset === null) return null;
    let value = 0n;
    if (op !== 'get') {
      const v = get_ll(c, c.argv[j + 3]);
      if (v === null) return null;
      value = BigInt(v);
    }
    ops.push({ op, type, offset, value, overflow });
    j += op === 'get' ? 2 : 3;
  }
  return ops;
}

function bitfield(c: Client, readonly: boolean): void {
  const ops = parse_ops(c);
  if (!ops) return;
  const writes = ops.some((o) => o.op !== 'get');
  if (writes && readonly) { c.reply.error('BITFIELD_RO only supports the GET subcommand'); return; }
  const key = c.argv[1], s = lookup_string(c, key, writes);
  if (s === null) return;
  // lookupStringForBitCommand: a write grows the string with zeros up to its farthest bit.
  const need = writes ? Math.max(...ops.filter((o) => o.op !== 'get').map((o) => (o.offset + o.type.bits + 7) >> 3)) : 0;
  const buf = new Uint8Array(Math.max(need, s?.length ?? 0));
  if (s) put_latin1(buf, s, 0);
  let changes = 0;
  const grown = writes && (s === undefined || need > s.length);
  c.reply.array(ops.length);
  for (const o of ops) {
    const old = read_field(buf, o);
    if (o.op === 'get') { c.reply.int(old); continue; }
    // SET of an unsigned field takes the value as C's uint64 cast would.
    const exact = o.op === 'incrby' ? old + o.value : o.type.signed ? o.value : BigInt.asUintN(64, o.value);
    const nv = fit(exact, o.type, o.overflow);
    if (nv === null) { c.reply.nil(); continue; }
    c.reply.int(o.op === 'set' ? old : nv);
    set_bits(buf, o.offset, o.type.bits, nv);
    if (grown || nv !== old) changes++;
  }
  if (!writes) return;
  // Growing (or creating) the key stores it even when every op failed, as Redis does.
  if (changes || grown) c.db.set(key, new RawStr(latin1(buf, 0, buf.length)), true);
  if (changes) { notify(c, NOTIFY_STRING, 'setbit', key); c.srv.dirty += changes; }
}

register('bitmap', [
  ['bitfield', -2, 'write denyoom', (c) => bitfield(c, false)],
  ['bitfield_ro', -2, 'readonly fast', (c) => bitfield(c, true)],
]);
