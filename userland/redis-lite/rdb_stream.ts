/**
 * rdb.c's RDB_TYPE_STREAM_LISTPACKS_2: every node as its 128-bit big-endian master ID and
 * its listpack (master entry: count, deleted, fields, 0; then each entry: flags, ID deltas,
 * fields or values only when they match the master's, lp-count), then the stream's
 * metadata and its consumer groups with their PELs and consumers.
 */
import { ListpackWriter, lp_decode } from './listpack.ts';
import type { Reader, Writer } from './rdb.ts';
import { id_cmp, INVALID_READ, pel_insert, StreamCG, StreamConsumer, type StreamEntry, type StreamID, StreamNode, StreamObj, entry_bytes } from './stream.ts';

const F_DELETED = 1, F_SAMEFIELDS = 2;

/** rdbSaveLen of a 64-bit value. */
function len64(w: Writer, v: bigint | number): void {
  const b = BigInt.asUintN(64, BigInt(v));
  if (b < 2n ** 32n) { w.len_(Number(b)); return; }
  w.byte(0x81);
  for (let i = 56n; i >= 0n; i -= 8n) w.byte(Number((b >> i) & 0xffn));
}

function raw_id(w: Writer, id: StreamID): void {
  for (const part of [id.ms, id.seq]) for (let i = 56n; i >= 0n; i -= 8n) w.byte(Number((part >> i) & 0xffn));
}

function id_bytes(id: StreamID): Uint8Array {
  const b = new Uint8Array(16), dv = new DataView(b.buffer);
  dv.setBigUint64(0, id.ms); dv.setBigUint64(8, id.seq);
  return b;
}

function node_listpack(n: StreamNode): Uint8Array {
  const lp = new ListpackWriter();
  lp.append(String(n.valid)); lp.append(String(n.entries.length - n.valid));
  lp.append(String(n.master_fields.length));
  for (const f of n.master_fields) lp.append(f);
  lp.append('0');
  for (const e of n.entries) {
    const same = n.same_fields(e.fields);
    lp.append(String((e.deleted ? F_DELETED : 0) | (same ? F_SAMEFIELDS : 0)));
    lp.append(String(e.id.ms - n.master_id.ms)); lp.append(String(e.id.seq - n.master_id.seq));
    if (same) for (let i = 1; i < e.fields.length; i += 2) lp.append(e.fields[i]);
    else { lp.append(String(e.fields.length / 2)); for (const f of e.fields) lp.append(f); }
    lp.append(String(same ? e.fields.length / 2 + 3 : e.fields.length + 4));
  }
  return lp.finish();
}

function by_name<T>(m: Map<string, T>): [string, T][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function write_stream(w: Writer, s: StreamObj): void {
  w.len_(s.nodes.length);
  for (const n of s.nodes) { w.blob(id_bytes(n.master_id)); w.blob(node_listpack(n)); }
  len64(w, s.length);
  for (const id of [s.last_id, s.first_id, s.max_deleted_entry_id]) { len64(w, id.ms); len64(w, id.seq); }
  len64(w, s.entries_added);
  w.len_(s.cgroups.size);
  for (const [name, cg] of by_name(s.cgroups)) {
    w.s(name);
    len64(w, cg.last_id.ms); len64(w, cg.last_id.seq);
    len64(w, cg.entries_read);
    w.len_(cg.pel.length);
    for (const n of cg.pel) { raw_id(w, n.id); w.u64le(n.delivery_time); w.len_(n.delivery_count); }
    w.len_(cg.consumers.size);
    for (const [cname, k] of by_name(cg.consumers)) {
      w.s(cname); w.u64le(k.seen_time);
      w.len_(k.pel.length);
      for (const n of k.pel) raw_id(w, n.id);
    }
  }
}

/** rdbLoadLen of a 64-bit value, exact. */
function read64(r: Reader): bigint {
  if (r.b[r.pos] !== 0x81) return BigInt(r.n());
  r.pos++; r.need(8);
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(r.b[r.pos++]);
  return v;
}

function read_raw_id(r: Reader): StreamID {
  r.need(16);
  const dv = new DataView(r.b.buffer, r.b.byteOffset + r.pos, 16);
  r.pos += 16;
  return { ms: dv.getBigUint64(0), seq: dv.getBigUint64(8) };
}

function read_node(key: Uint8Array, lp: Uint8Array): StreamNode {
  if (key.length !== 16) throw new Error('Stream node key entry is not the size of a stream ID');
  const dv = new DataView(key.buffer, key.byteOffset, 16);
  const master: StreamID = { ms: dv.getBigUint64(0), seq: dv.getBigUint64(8) };
  const items = lp_decode(lp);
  if (!items || items.length < 4) throw new Error('Stream listpack integrity check failed');
  let p = 2;
  const nmf = Number(items[p++]);
  const mf = items.slice(p, p + nmf);
  p += nmf + 1;
  const node = new StreamNode(master, mf);
  while (p < items.length) {
    const flags = Number(items[p++]);
    const id = { ms: master.ms + BigInt(items[p++]), seq: master.seq + BigInt(items[p++]) };
    let fields: string[];
    if (flags & F_SAMEFIELDS) { fields = []; for (let i = 0; i < nmf; i++) fields.push(mf[i], items[p++]); }
    else { const nf = Number(items[p++]); fields = items.slice(p, p + 2 * nf); p += 2 * nf; }
    p++; // lp-count
    if (fields.some((f) => f === undefined)) throw new Error('Stream listpack integrity check failed');
    const e: StreamEntry = { id, fields, deleted: (flags & F_DELETED) !== 0 };
    node.bytes += entry_bytes(node, id, fields);
    node.entries.push(e);
    if (!e.deleted) node.valid++;
  }
  if (!node.entries.length) throw new Error('Empty listpack inside stream');
  return node;
}

/** RDB_TYPE_STREAM_LISTPACKS_2, or (v1) the Redis ≤ 6.2 layout without first/max-deleted IDs and read counters. */
export function read_stream(r: Reader, v1 = false): StreamObj {
  const s = new StreamObj();
  const nn = r.n();
  for (let i = 0; i < nn; i++) {
    const key = r.blob().slice(), node = read_node(key, r.blob());
    if (node.valid) s.nodes.push(node);
  }
  s.length = Number(read64(r));
  s.last_id = { ms: read64(r), seq: read64(r) };
  if (v1) { s.refresh_first_id(); s.entries_added = s.length; }
  else {
    s.first_id = { ms: read64(r), seq: read64(r) };
    s.max_deleted_entry_id = { ms: read64(r), seq: read64(r) };
    s.entries_added = Number(read64(r));
  }
  const ng = r.n();
  for (let i = 0; i < ng; i++) {
    const name = r.str(), last = { ms: read64(r), seq: read64(r) };
    const er = v1 ? BigInt(s.estimate_read(last)) : read64(r);
    const cg = new StreamCG(last, er === 2n ** 64n - 1n || er < 0n ? INVALID_READ : Number(er));
    const npel = r.n();
    const pending = new Map<string, { id: StreamID; t: number; n: number }>();
    for (let j = 0; j < npel; j++) {
      const id = read_raw_id(r), t = Number(r.u64le()), n = r.n();
      pending.set(`${id.ms}-${id.seq}`, { id, t, n });
    }
    const nc = r.n();
    for (let j = 0; j < nc; j++) {
      const k = new StreamConsumer(r.str(), Number(r.u64le()));
      cg.consumers.set(k.name, k);
      const kp = r.n();
      for (let q = 0; q < kp; q++) {
        const id = read_raw_id(r), p = pending.get(`${id.ms}-${id.seq}`);
        if (!p) throw new Error('Consumer entry not found in group global PEL');
        const nack = { id, delivery_time: p.t, delivery_count: p.n, consumer: k };
        pel_insert(cg.pel, nack); pel_insert(k.pel, nack);
      }
    }
    if (cg.pel.length !== pending.size) throw new Error('Group PEL entry without a consumer');
    s.cgroups.set(name, cg);
  }
  if (s.nodes.length && id_cmp(s.nodes[s.nodes.length - 1].last_id(), s.last_id) > 0) throw new Error('Stream last ID is smaller than its entries');
  return s;
}
