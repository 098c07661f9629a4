/**
 * t_stream.c's data structure: a stream is a sequence of nodes (Redis's rax of listpacks,
 * keyed by each node's master ID) holding entries in ID order. A node is closed once it
 * holds stream-node-max-entries entries (deleted ones included) or its listpack would reach
 * stream-node-max-bytes, because approximate trimming (~) removes whole nodes only and
 * clients observe those boundaries. XDEL marks an entry deleted in its node, as Redis does;
 * a node whose entries are all deleted goes. IDs are 64-bit ms and seq (bigint).
 */
import { lp_int_size, lp_str_size } from './listpack.ts';
import { limits } from './object.ts';

export interface StreamID { ms: bigint; seq: bigint }

export const U64_MAX = 0xffffffffffffffffn;
export const ID_ZERO: StreamID = { ms: 0n, seq: 0n };
export const ID_MAX: StreamID = { ms: U64_MAX, seq: U64_MAX };
/** SCG_INVALID_ENTRIES_READ: a group whose read counter cannot be known. */
export const INVALID_READ = -1;

export function id_cmp(a: StreamID, b: StreamID): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}
export function id_str(id: StreamID): string { return `${id.ms}-${id.seq}`; }
export function id_is_zero(id: StreamID): boolean { return id.ms === 0n && id.seq === 0n; }
/** streamIncrID: the next ID (null past the maximum). */
export function id_next(id: StreamID): StreamID | null {
  if (id.seq !== U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  return id.ms === U64_MAX ? null : { ms: id.ms + 1n, seq: 0n };
}
export function id_prev(id: StreamID): StreamID | null {
  if (id.seq !== 0n) return { ms: id.ms, seq: id.seq - 1n };
  return id.ms === 0n ? null : { ms: id.ms - 1n, seq: U64_MAX };
}

export interface StreamEntry { id: StreamID; fields: string[]; deleted: boolean }

export class StreamNode {
  entries: StreamEntry[] = [];
  valid = 0;
  /** lpBytes of the node as Redis would lay it out, less the two counters. */
  bytes: number;
  constructor(readonly master_id: StreamID, readonly master_fields: string[]) {
    let b = 6 + 1 + lp_int_size(master_fields.length) + lp_int_size(0);
    for (const f of master_fields) b += lp_str_size(f);
    this.bytes = b;
  }
  get lp_bytes(): number { return this.bytes + lp_int_size(this.valid) + lp_int_size(this.entries.length - this.valid); }
  same_fields(fields: string[]): boolean {
    const m = this.master_fields;
    if (m.length * 2 !== fields.length) return false;
    for (let i = 0; i < m.length; i++) if (m[i] !== fields[2 * i]) return false;
    return true;
  }
  last_id(): StreamID { return this.entries[this.entries.length - 1].id; }
}

/** The listpack bytes one entry adds to its node (flags, ID deltas, fields, lp-count). */
export function entry_bytes(node: StreamNode, id: StreamID, fields: string[]): number {
  const same = node.same_fields(fields);
  let b = lp_int_size(same ? 2 : 0) + lp_int_size(id.ms - node.master_id.ms) + lp_int_size(id.seq - node.master_id.seq);
  if (same) { for (let i = 1; i < fields.length; i += 2) b += lp_str_size(fields[i]); }
  else { b += lp_int_size(fields.length / 2); for (const f of fields) b += lp_str_size(f); }
  return b + lp_int_size(same ? fields.length / 2 + 3 : fields.length + 4);
}

export interface StreamNACK { id: StreamID; delivery_time: number; delivery_count: number; consumer: StreamConsumer }

export class StreamConsumer {
  /** PEL entries owned, in ID order (the same NACK objects as the group's PEL). */
  pel: StreamNACK[] = [];
  constructor(readonly name: string, public seen_time: number) {}
}

export class StreamCG {
  pel: StreamNACK[] = [];
  consumers = new Map<string, StreamConsumer>();
  constructor(public last_id: StreamID, public entries_read: number) {}
}

/** The index of the first item whose id is >= id in a list sorted by id. */
export function lower_bound(items: { id: StreamID }[], id: StreamID): number {
  let lo = 0, hi = items.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (id_cmp(items[mid].id, id) < 0) lo = mid + 1; else hi = mid; }
  return lo;
}

export function pel_find(pel: StreamNACK[], id: StreamID): StreamNACK | undefined {
  const i = lower_bound(pel, id);
  return i < pel.length && id_cmp(pel[i].id, id) === 0 ? pel[i] : undefined;
}
export function pel_insert(pel: StreamNACK[], n: StreamNACK): void { pel.splice(lower_bound(pel, n.id), 0, n); }
export function pel_remove(pel: StreamNACK[], id: StreamID): void {
  const i = lower_bound(pel, id);
  if (i < pel.length && id_cmp(pel[i].id, id) === 0) pel.splice(i, 1);
}

export class StreamObj {
  nodes: StreamNode[] = [];
  length = 0;
  last_id: StreamID = ID_ZERO;
  first_id: StreamID = ID_ZERO;
  max_deleted_entry_id: StreamID = ID_ZERO;
  entries_added = 0;
  cgroups = new Map<string, StreamCG>();

  /** streamAppendItem's storage part: the ID was already checked to be greater than last_id. */
  append(id: StreamID, fields: string[]): void {
    let node = this.nodes.length ? this.nodes[this.nodes.length - 1] : null;
    if (node) {
      let total = 0;
      for (const f of fields) total += f.length;
      const max_bytes = limits.stream_node_max_bytes || 0x40000000;
      if (node.lp_bytes + total >= max_bytes || (limits.stream_node_max_entries && node.entries.length >= limits.stream_node_max_entries)) node = null;
    }
    if (!node) {
      const mf: string[] = [];
      for (let i = 0; i < fields.length; i += 2) mf.push(fields[i]);
      node = new StreamNode(id, mf);
      this.nodes.push(node);
    }
    node.bytes += entry_bytes(node, id, fields);
    node.entries.push({ id, fields, deleted: false });
    node.valid++;
    this.length++;
    this.entries_added++;
    this.last_id = id;
    if (this.length === 1) this.first_id = id;
  }

  /** The node index and entry index of the first entry (deleted or not) with ID >= id. */
  seek(id: StreamID): [number, number] {
    let lo = 0, hi = this.nodes.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (id_cmp(this.nodes[mid].last_id(), id) < 0) lo = mid + 1; else hi = mid; }
    if (lo === this.nodes.length) return [lo, 0];
    return [lo, lower_bound(this.nodes[lo].entries, id)];
  }

  /** The live entries with start <= ID <= end, in order (reversed if rev), at most count (0: all). */
  range(start: StreamID, end: StreamID, count: number, rev: boolean): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (id_cmp(start, end) > 0) return out;
    if (!rev) {
      let [ni, ei] = this.seek(start);
      for (; ni < this.nodes.length; ni++, ei = 0) {
        const es = this.nodes[ni].entries;
        for (; ei < es.length; ei++) {
          const e = es[ei];
          if (id_cmp(e.id, end) > 0) return out;
          if (e.deleted) continue;
          out.push(e);
          if (count && out.length === count) return out;
        }
      }
      return out;
    }
    let [ni, ei] = this.seek(end);
    if (ni < this.nodes.length && ei < this.nodes[ni].entries.length && id_cmp(this.nodes[ni].entries[ei].id, end) > 0) ei--;
    if (ni === this.nodes.length) { ni--; ei = ni >= 0 ? this.nodes[ni].entries.length - 1 : 0; }
    for (; ni >= 0; ni--, ei = ni >= 0 ? this.nodes[ni].entries.length - 1 : 0) {
      const es = this.nodes[ni].entries;
      for (; ei >= 0; ei--) {
        const e = es[ei];
        if (id_cmp(e.id, start) < 0) return out;
        if (e.deleted) continue;
        out.push(e);
        if (count && out.length === count) return out;
      }
    }
    return out;
  }

  find(id: StreamID): StreamEntry | undefined {
    const [ni, ei] = this.seek(id);
    const e = this.nodes[ni]?.entries[ei];
    return e && !e.deleted && id_cmp(e.id, id) === 0 ? e : undefined;
  }

  /** XDEL of one ID: true if a live entry was deleted. */
  delete(id: StreamID): boolean {
    const [ni, ei] = this.seek(id);
    const node = this.nodes[ni], e = node?.entries[ei];
    if (!e || e.deleted || id_cmp(e.id, id) !== 0) return false;
    e.deleted = true;
    node.valid--;
    this.length--;
    if (node.valid === 0) this.nodes.splice(ni, 1);
    if (id_cmp(id, this.max_deleted_entry_id) > 0) this.max_deleted_entry_id = id;
    return true;
  }

  /** The first live entry's ID, or 0-0 when empty (s->first_id after XDEL/trim). */
  refresh_first_id(): void {
    const e = this.range(ID_ZERO, ID_MAX, 1, false)[0];
    this.first_id = e ? e.id : ID_ZERO;
  }

  /** streamGetEdgeID with tombstones: the first (or last) entry's ID, deleted or not; null if none. */
  edge_id(first: boolean): StreamID | null {
    if (!this.nodes.length) return null;
    const n = first ? this.nodes[0] : this.nodes[this.nodes.length - 1];
    return first ? n.entries[0].id : n.last_id();
  }

  /** streamTrim: removes entries from the head by MAXLEN or MINID; the number removed. */
  trim(maxlen: number, minid: StreamID | null, approx: boolean, limit: number): number {
    let deleted = 0;
    while (this.nodes.length) {
      if (minid === null && this.length <= maxlen) break;
      const node = this.nodes[0];
      if (limit && deleted + node.valid > limit) break;
      const remove = minid === null ? this.length - node.valid >= maxlen : id_cmp(node.last_id(), minid) < 0;
      if (remove) { this.nodes.shift(); this.length -= node.valid; deleted += node.valid; continue; }
      if (approx) break;
      for (const e of node.entries) {
        if (minid === null ? this.length <= maxlen : id_cmp(e.id, minid) >= 0) break;
        if (e.deleted) continue;
        e.deleted = true; node.valid--; this.length--; deleted++;
      }
      break;
    }
    if (deleted) this.refresh_first_id();
    return deleted;
  }

  /** streamRangeHasTombstones from start to the end of the stream. */
  has_tombstones_from(start: StreamID): boolean {
    if (!this.length || id_is_zero(this.max_deleted_entry_id)) return false;
    if (id_cmp(this.first_id, this.max_deleted_entry_id) > 0) return false;
    return id_cmp(start, this.max_deleted_entry_id) <= 0;
  }

  /** streamEstimateDistanceFromFirstEverEntry: the entries-read counter at id, or INVALID_READ. */
  estimate_read(id: StreamID): number {
    if (!this.entries_added) return 0;
    if (!this.length && id_cmp(id, this.last_id) < 1) return this.entries_added;
    const cmp_last = id_cmp(id, this.last_id);
    if (cmp_last === 0) return this.entries_added;
    if (cmp_last > 0) return INVALID_READ;
    const cmp_first = id_cmp(id, this.first_id);
    if (id_is_zero(this.max_deleted_entry_id) || id_cmp(this.max_deleted_entry_id, this.first_id) < 0) {
      if (cmp_first < 0) return this.entries_added - this.length;
      if (cmp_first === 0) return this.entries_added - this.length + 1;
    }
    return INVALID_READ;
  }

  /** XINFO's lag of a group (null when it cannot be known). */
  lag(cg: StreamCG): number | null {
    if (!this.entries_added) return 0;
    if (cg.entries_read !== INVALID_READ && !this.has_tombstones_from(cg.last_id)) return this.entries_added - cg.entries_read;
    const r = this.estimate_read(cg.last_id);
    return r === INVALID_READ ? null : this.entries_added - r;
  }

  /** A deep copy (COPY): entries are immutable, so nodes copy their arrays. */
  clone(): StreamObj {
    const s = new StreamObj();
    for (const n of this.nodes) {
      const m = new StreamNode(n.master_id, n.master_fields);
      m.entries = n.entries.map((e) => ({ ...e })); m.valid = n.valid; m.bytes = n.bytes;
      s.nodes.push(m);
    }
    s.length = this.length; s.last_id = this.last_id; s.first_id = this.first_id;
    s.max_deleted_entry_id = this.max_deleted_entry_id; s.entries_added = this.entries_added;
    for (const [name, g] of this.cgroups) {
      const ng = new StreamCG(g.last_id, g.entries_read);
      for (const [cn, c] of g.consumers) ng.consumers.set(cn, new StreamConsumer(cn, c.seen_time));
      for (const n of g.pel) {
        const cons = ng.consumers.get(n.consumer.name)!;
        const nn: StreamNACK = { id: n.id, delivery_time: n.delivery_time, delivery_count: n.delivery_count, consumer: cons };
        ng.pel.push(nn); cons.pel.push(nn);
      }
      s.cgroups.set(name, ng);
    }
    return s;
  }
}
