/**
 * hyperloglog.c's commands: PFADD, PFCOUNT (cached in the header, or the union of several
 * keys), PFMERGE, and the testing/debugging PFSELFTEST and PFDEBUG. The HLL is an ordinary
 * string value (hll.ts), checked by its header on every use as isHLLObjectOrReply does.
 */
import { from_latin1, latin1 } from './bytes.ts';
import { register } from './commands.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_STRING } from './notify.ts';
import { is_str, limits, RawStr, str_of } from './object.ts';
import { WRONGTYPE } from './resp.ts';
import {
  count_from_histo, dense_get, dense_set, histogram, Hll, hll_add, hll_create, hll_merge, HLL_DENSE,
  HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTERS, HLL_SPARSE, raw_histogram, sparse_decode, sparse_raise,
  sparse_to_dense,
} from './hll.ts';

const INVALID_HLL = '-INVALIDOBJ Corrupted HLL object detected';

/** isHLLObjectOrReply: the key's HLL (undefined if absent), or null after an error reply. */
function lookup_hll(c: Client, key: string, write: boolean): Hll | undefined | null {
  const o = write ? c.db.peek(key) : c.db.lookup(key);
  if (o === undefined) return undefined;
  if (!is_str(o)) { c.reply.error(WRONGTYPE); return null; }
  const s = str_of(o);
  const valid = s.length >= HLL_HDR_SIZE && s.startsWith('HYLL') && s.charCodeAt(4) <= HLL_SPARSE &&
    (s.charCodeAt(4) !== HLL_DENSE || s.length === HLL_DENSE_SIZE);
  // An int-encoded value is never an HLL (sdsEncodedObject); it is also shorter than a header.
  if (!valid) { c.reply.error('-WRONGTYPE Key is not a valid HyperLogLog string value.'); return null; }
  const b = from_latin1(s);
  return new Hll(b, b.length);
}

/** Stores the HLL's bytes back under key (same TTL), as the in-place sds update does. */
function store(c: Client, key: string, h: Hll): void {
  c.db.set(key, new RawStr(latin1(h.b, 0, h.len)), true);
}

function pfadd(c: Client): void {
  const key = c.argv[1];
  let h = lookup_hll(c, key, true);
  if (h === null) return;
  let updated = 0;
  if (!h) { h = hll_create(); updated++; }
  for (let j = 2; j < c.argv.length; j++) {
    const r = hll_add(h, from_latin1(c.argv[j]), limits.hll_sparse_max_bytes);
    if (r < 0) { c.reply.error(INVALID_HLL); return; }
    updated += r;
  }
  if (updated) {
    h.invalidate_cache();
    store(c, key, h);
    notify(c, NOTIFY_STRING, 'pfadd', key);
    c.srv.dirty += updated;
  }
  c.reply.int(updated ? 1 : 0);
}

/** max[i] over the keys' registers (missing keys are empty); null after an error reply. */
function union_registers(c: Client, keys: string[]): { max: Uint8Array; dense: boolean } | null {
  const max = new Uint8Array(HLL_REGISTERS);
  let dense = false;
  for (const k of keys) {
    const h = lookup_hll(c, k, false);
    if (h === null) return null;
    if (!h) continue;
    if (h.encoding === HLL_DENSE) dense = true;
    if (!hll_merge(max, h)) { c.reply.error(INVALID_HLL); return null; }
  }
  return { max, dense };
}

function pfcount(c: Client): void {
  if (c.argv.length > 2) {
    const u = union_registers(c, c.argv.slice(1));
    if (u) c.reply.int(count_from_histo(raw_histogram(u.max)));
    return;
  }
  const key = c.argv[1], h = lookup_hll(c, key, false);
  if (h === null) return;
  if (!h) { c.reply.int(0); return; }
  const b = h.b;
  // The cached cardinality, little-endian; bit 63 set means stale.
  if (!(b[15] & 0x80)) { let card = 0; for (let i = 14; i >= 8; i--) card = card * 256 + b[i]; c.reply.int(card); return; }
  const histo = histogram(h);
  if (!histo) { c.reply.error(INVALID_HLL); return; }
  let card = count_from_histo(histo);
  c.reply.int(card);
  for (let i = 8; i < 16; i++) { b[i] = card % 256; card = Math.floor(card / 256); }
  // Updating the cache writes the value, so it is propagated like a write.
  store(c, key, h);
  c.srv.dirty++;
}

function pfmerge(c: Client): void {
  const u = union_registers(c, c.argv.slice(1));
  if (!u) return;
  const key = c.argv[1];
  // The destination was type-checked as a source above.
  const cur = lookup_hll(c, key, true);
  if (cur === null) return;
  const h = cur ?? hll_create();
  if (u.dense && !sparse_to_dense(h)) { c.reply.error(INVALID_HLL); return; }
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (u.max[j] === 0) continue;
    if (h.encoding === HLL_DENSE) { if (u.max[j] > dense_get(h.b, HLL_HDR_SIZE, j)) dense_set(h.b, HLL_HDR_SIZE, j, u.max[j]); }
    else sparse_raise(h, j, u.max[j], limits.hll_sparse_max_bytes);
  }
  h.invalidate_cache();
  store(c, key, h);
  notify(c, NOTIFY_STRING, 'pfadd', key);
  c.srv.dirty++;
  c.reply.ok();
}

/**
 * PFSELFTEST's checks: dense register packing, then dense and sparse estimates agreeing and
 * within 6 sigma up to 10^7 elements. async so its loops are preemption points: a synchronous
 * run this long would trip privos's watchdog. The error text, or null when it passes.
 */
async function selftest(): Promise<string | null> {
  const d = new Uint8Array(HLL_DENSE_SIZE), bytes = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < 1000; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) { bytes[i] = Math.floor(Math.random() * 64); dense_set(d, HLL_HDR_SIZE, i, bytes[i]); }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = dense_get(d, HLL_HDR_SIZE, i);
      if (v !== bytes[i]) return `TESTFAILED Register ${i} should be ${bytes[i]} but is ${v}`;
    }
  }
  d.fill(0);
  d.set([0x48, 0x59, 0x4c, 0x4c, HLL_DENSE]);
  const dense = new Hll(d, d.length), sparse = hll_create();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seed = [Math.floor(Math.random() * 2 ** 32), Math.floor(Math.random() * 2 ** 32)];
  const ele = new Uint8Array(8), view = new DataView(ele.buffer);
  for (let j = 1, checkpoint = 1; j <= 10_000_000; j++) {
    // ele = j ^ seed as a little-endian uint64.
    view.setUint32(0, (j ^ seed[0]) >>> 0, true); view.setUint32(4, seed[1], true);
    hll_add(dense, ele, limits.hll_sparse_max_bytes);
    hll_add(sparse, ele, limits.hll_sparse_max_bytes);
    if (j !== checkpoint) continue;
    if (j < limits.hll_sparse_max_bytes / 2 && sparse.encoding !== HLL_SPARSE) return 'TESTFAILED sparse encoding not used';
    const card = count_from_histo(histogram(dense)!);
    if (card !== count_from_histo(histogram(sparse)!)) return 'TESTFAILED dense/sparse disagree';
    const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint), abserr = Math.abs(checkpoint - card);
    if (abserr > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`;
    checkpoint *= 10;
  }
  return null;
}

/** PFSELFTEST runs as a background job (as DEBUG SLEEP does), replying when done. */
function pfselftest(c: Client): void {
  c.srv.block_on(c, async () => {
    const err = await selftest();
    if (err) c.reply.error(err); else c.reply.ok();
  });
}

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. */
function pfdebug(c: Client): void {
  const sub = c.argv[1], key = c.argv[2];
  const h = c.db.peek(key) === undefined ? undefined : lookup_hll(c, key, true);
  if (h === null) return;
  if (!h) { c.reply.error('The specified key does not exist'); return; }
  const op = sub.toLowerCase();
  if (!['getreg', 'decode', 'encoding', 'todense'].includes(op)) { c.reply.error(`Unknown PFDEBUG subcommand '${sub}'`); return; }
  if (c.argv.length !== 3) { c.reply.error(`Wrong number of arguments for the '${sub}' subcommand`); return; }
  if (op === 'encoding') { c.reply.status(h.encoding === HLL_DENSE ? 'dense' : 'sparse'); return; }
  if (op === 'decode') { if (h.encoding !== HLL_SPARSE) c.reply.error('HLL encoding is not sparse'); else c.reply.bulk(sparse_decode(h)); return; }
  const conv = h.encoding === HLL_SPARSE;
  if (conv) {
    if (!sparse_to_dense(h)) { c.reply.error(INVALID_HLL); return; }
    // An encoding change is a write, propagated as one.
    store(c, key, h);
    c.srv.dirty++;
  }
  if (op === 'todense') { c.reply.int(conv ? 1 : 0); return; }
  c.reply.array(HLL_REGISTERS);
  for (let j = 0; j < HLL_REGISTERS; j++) c.reply.int(dense_get(h.b, HLL_HDR_SIZE, j));
}

register('hyperloglog', [
  ['pfadd', -2, 'write denyoom fast', pfadd],
  ['pfcount', -2, 'readonly may_replicate', pfcount, 1, -1, 1],
  ['pfmerge', -2, 'write denyoom', pfmerge, 1, -1, 1],
  ['pfselftest', 1, 'admin', pfselftest, 0, 0, 0],
  ['pfdebug', 3, 'write denyoom admin', pfdebug, 2, 2, 1],
]);
