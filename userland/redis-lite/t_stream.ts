/**
 * t_stream.c's commands on the entries: XADD/XTRIM (MAXLEN/MINID, = and ~, LIMIT), XRANGE/
 * XREVRANGE, XLEN, XDEL, XSETID, and XREAD/XREADGROUP with their blocking forms. Consumer
 * group administration and the PEL commands are in t_stream_cg.ts.
 */
import { block_for_keys } from './blocked.ts';
import { get_ll, lookup_typed, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import { type Client, CLIENT_MULTI } from './networking.ts';
import { notify, NOTIFY_STREAM } from './notify.ts';
import { limits } from './object.ts';
import { SYNTAX } from './resp.ts';
import {
  ID_MAX, ID_ZERO, id_cmp, id_is_zero, id_next, id_prev, id_str, INVALID_READ, pel_find, pel_insert, pel_remove,
  type StreamCG, StreamConsumer, type StreamEntry, type StreamID, StreamObj, U64_MAX,
} from './stream.ts';
import { string2ll } from './util.ts';

export const BAD_ID = 'Invalid stream ID specified as stream command argument';

/** string2ull: an unsigned 64-bit decimal. */
function parse_u64(s: string): bigint | null {
  if (!/^\+?\d+$/.test(s.trim()) || s.length > 40) return null;
  const v = BigInt(s.trim());
  return v > U64_MAX ? null : v;
}

/**
 * streamGenericParseIDOrReply: "ms-seq", "ms" (seq = missing_seq), "-" and "+" (unless
 * strict); with seq_auto, "ms-*" returns seq -1n. null after replying the error.
 */
export function parse_id(c: Client | null, s: string, missing_seq = 0n, strict = false, seq_auto = false): StreamID | null {
  const bad = (): null => { c?.reply.error(BAD_ID); return null; };
  if (s.length > 127) return bad();
  if (s === '-' || s === '+') return strict ? bad() : s === '-' ? ID_ZERO : ID_MAX;
  const dash = s.indexOf('-');
  const ms = parse_u64(dash < 0 ? s : s.slice(0, dash));
  if (ms === null) return bad();
  if (dash < 0) return { ms, seq: missing_seq };
  const rest = s.slice(dash + 1);
  if (seq_auto && rest === '*') return { ms, seq: -1n };
  const seq = parse_u64(rest);
  return seq === null ? bad() : { ms, seq };
}

/** A range bound: "(" makes it exclusive (moved one ID inwards); null after replying. */
export function parse_bound(c: Client, s: string, start: boolean): StreamID | null {
  const ex = s.length > 1 && s[0] === '(';
  const id = parse_id(c, ex ? s.slice(1) : s, start ? 0n : U64_MAX, ex);
  if (!id || !ex) return id;
  const moved = start ? id_next(id) : id_prev(id);
  if (!moved) c.reply.error(`invalid ${start ? 'start' : 'end'} ID for the interval`);
  return moved;
}

export function reply_entry(c: Client, e: StreamEntry): void {
  c.reply.array(2);
  c.reply.bulk(id_str(e.id));
  c.reply.bulks(e.fields, e.fields.length);
}

export function reply_entries(c: Client, es: StreamEntry[]): void {
  c.reply.array(es.length);
  for (const e of es) reply_entry(c, e);
}

export function lookup_stream(c: Client, key: string, write = false): StreamObj | undefined | null {
  return lookup_typed(c, key, StreamObj, write);
}

interface TrimArgs { maxlen: number; minid: StreamID | null; approx: boolean; limit: number; strategy_idx: number; nomkstream: boolean; idpos: number }

/** streamParseAddOrTrimArgsOrReply: the options of XADD (up to the ID) or XTRIM; null after replying. */
function parse_trim_args(c: Client, xadd: boolean): TrimArgs | null {
  const a: TrimArgs = { maxlen: -1, minid: null, approx: false, limit: 0, strategy_idx: 0, nomkstream: false, idpos: -1 };
  const argv = c.argv;
  let limit_given = false, strategy = false, i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i, o = argv[i];
    if (xadd && o === '*') break;
    if ((opt(o, 'MAXLEN') || opt(o, 'MINID')) && more) {
      if (strategy) { c.reply.error('syntax error, MAXLEN and MINID options at the same time are not compatible'); return null; }
      a.approx = false;
      if (more >= 2 && argv[i + 1] === '~') { a.approx = true; i++; } else if (more >= 2 && argv[i + 1] === '=') i++;
      if (opt(o, 'MAXLEN')) {
        const v = get_ll(c, argv[i + 1]);
        if (v === null) return null;
        if (v < 0) { c.reply.error('The MAXLEN argument must be >= 0.'); return null; }
        a.maxlen = Number(v);
      } else {
        a.minid = parse_id(c, argv[i + 1], 0n, true);
        if (!a.minid) return null;
      }
      i++;
      strategy = true;
      a.strategy_idx = i;
    } else if (opt(o, 'LIMIT') && more) {
      const v = get_ll(c, argv[i + 1]);
      if (v === null) return null;
      if (v < 0) { c.reply.error('The LIMIT argument must be >= 0.'); return null; }
      a.limit = Number(v); limit_given = true; i++;
    } else if (xadd && opt(o, 'NOMKSTREAM')) a.nomkstream = true;
    else if (xadd) { if (!parse_id(c, o, 0n, true, true)) return null; break; } // the ID, read here as Redis does

    else { c.reply.error(SYNTAX); return null; }
  }
  a.idpos = i;
  if (a.limit && !strategy) { c.reply.error('syntax error, LIMIT cannot be used without specifying a trimming strategy'); return null; }
  if (!xadd && !strategy) { c.reply.error('syntax error, XTRIM must be called with a trimming strategy'); return null; }
  if (limit_given && !a.approx) { c.reply.error('syntax error, LIMIT cannot be used without the special ~ option'); return null; }
  if (!limit_given && a.approx) a.limit = Math.min(Math.max(100 * limits.stream_node_max_entries, 0) || 10000, 1000000);
  return a;
}

/** Trims after XADD/XTRIM; an approximate trim is propagated as the exact one it became. */
function trim_and_rewrite(c: Client, s: StreamObj, a: TrimArgs, prop: string[]): number {
  const n = s.trim(a.maxlen, a.minid, a.approx, a.limit);
  if (a.approx) {
    prop[a.strategy_idx - 1] = '=';
    prop[a.strategy_idx] = a.minid ? id_str(s.edge_id(true) ?? ID_MAX) : String(s.length);
  }
  return n;
}

function xadd(c: Client): void {
  const a = parse_trim_args(c, true);
  if (!a) return;
  const argv = c.argv, idpos = a.idpos, nfields = argv.length - idpos - 1;
  // The ID is read with the options (streamParseAddOrTrimArgsOrReply), before the fields are counted.
  let use: StreamID | null = null;
  if (argv[idpos] !== '*') {
    use = parse_id(c, argv[idpos], 0n, true, true);
    if (!use) return;
  }
  if (nfields < 2 || nfields % 2 === 1) { c.reply.error("wrong number of arguments for 'xadd' command"); return; }
  if (use && use.seq === 0n && use.ms === 0n) { c.reply.error('The ID specified in XADD must be greater than 0-0'); return; }
  let s = lookup_stream(c, argv[1], true);
  if (s === null) return;
  if (s === undefined) {
    if (a.nomkstream) { c.reply.nil(); return; }
    s = new StreamObj();
    c.db.add(argv[1], s);
  }
  if (id_cmp(s.last_id, ID_MAX) === 0) { c.reply.error('The stream has exhausted the last possible ID, unable to add more items'); return; }
  const id = next_id(s, use, c.srv.now);
  if (!id || id_cmp(id, s.last_id) <= 0) { c.reply.error('The ID specified in XADD is equal or smaller than the target stream top item'); return; }
  s.append(id, argv.slice(idpos + 1));
  c.reply.bulk(id_str(id));
  c.db.touch(argv[1]);
  notify(c, NOTIFY_STREAM, 'xadd', argv[1]);
  c.srv.dirty++;
  const prop = argv.slice();
  if (a.minid || a.maxlen >= 0) trim_and_rewrite(c, s, a, prop);
  prop[idpos] = id_str(id);
  c.prop = [prop];
  c.srv.signal_ready(c.db, argv[1]);
}

/** streamAppendItem's ID choice: explicit, "ms-*" (seq after the last in that ms), or the clock. */
function next_id(s: StreamObj, use: StreamID | null, now: number): StreamID | null {
  if (use && use.seq >= 0n) return use;
  if (use) {
    if (s.last_id.ms !== use.ms) return { ms: use.ms, seq: 0n };
    return s.last_id.seq === U64_MAX ? null : { ms: use.ms, seq: s.last_id.seq + 1n };
  }
  const ms = BigInt(now);
  return ms > s.last_id.ms ? { ms, seq: 0n } : id_next(s.last_id);
}

function xtrim(c: Client): void {
  const a = parse_trim_args(c, false);
  if (!a) return;
  const s = lookup_stream(c, c.argv[1], true);
  if (s === null) return;
  if (!s) { c.reply.int(0); return; }
  const prop = c.argv.slice();
  const n = trim_and_rewrite(c, s, a, prop);
  if (n) { c.db.touch(c.argv[1]); notify(c, NOTIFY_STREAM, 'xtrim', c.argv[1]); c.srv.dirty += n; }
  c.prop = [prop];
  c.reply.int(n);
}

function xrange(c: Client, rev: boolean): void {
  const start = parse_bound(c, c.argv[rev ? 3 : 2], true);
  if (!start) return;
  const end = parse_bound(c, c.argv[rev ? 2 : 3], false);
  if (!end) return;
  let count = -1;
  for (let j = 4; j < c.argv.length; j++) {
    if (opt(c.argv[j], 'COUNT') && j + 1 < c.argv.length) {
      const v = get_ll(c, c.argv[++j]);
      if (v === null) return;
      count = v < 0 ? 0 : Number(v);
    } else { c.reply.error(SYNTAX); return; }
  }
  const s = lookup_stream(c, c.argv[1]);
  if (s === null) return;
  if (!s) { c.reply.array(0); return; }
  if (count === 0) { c.reply.nil_array(); return; }
  reply_entries(c, rev ? s.range(start, end, count < 0 ? 0 : count, true) : s.range(start, end, count < 0 ? 0 : count, false));
}

function xlen(c: Client): void {
  const s = lookup_stream(c, c.argv[1]);
  if (s !== null) c.reply.int(s?.length ?? 0);
}

function xdel(c: Client): void {
  const s = lookup_stream(c, c.argv[1], true);
  if (s === null) return;
  if (!s) { c.reply.int(0); return; }
  const ids: StreamID[] = [];
  for (let j = 2; j < c.argv.length; j++) { const id = parse_id(c, c.argv[j], 0n, true); if (!id) return; ids.push(id); }
  let n = 0;
  for (const id of ids) if (s.delete(id)) n++;
  if (n) { s.refresh_first_id(); c.db.touch(c.argv[1]); notify(c, NOTIFY_STREAM, 'xdel', c.argv[1]); c.srv.dirty += n; }
  c.reply.int(n);
}

function xsetid(c: Client): void {
  const id = parse_id(c, c.argv[2], 0n, true);
  if (!id) return;
  let added = -1, max_xdel = ID_ZERO;
  for (let i = 3; i < c.argv.length; i += 2) {
    const o = c.argv[i], more = i + 1 < c.argv.length;
    if (opt(o, 'ENTRIESADDED') && more) {
      const v = get_ll(c, c.argv[i + 1]);
      if (v === null) return;
      if (v < 0) { c.reply.error('entries_added must be positive'); return; }
      added = Number(v);
    } else if (opt(o, 'MAXDELETEDID') && more) {
      const m = parse_id(c, c.argv[i + 1], 0n, true);
      if (!m) return;
      if (id_cmp(id, m) < 0) { c.reply.error('The ID specified in XSETID is smaller than the provided max_deleted_entry_id'); return; }
      max_xdel = m;
    } else { c.reply.error(SYNTAX); return; }
  }
  const s = lookup_stream(c, c.argv[1], true);
  if (s === null) return;
  if (!s) { c.reply.error('no such key'); return; }
  if (s.length > 0) {
    if (id_cmp(id, s.range(ID_ZERO, ID_MAX, 1, true)[0].id) < 0) { c.reply.error('The ID specified in XSETID is smaller than the target stream top item'); return; }
    if (added !== -1 && s.length > added) { c.reply.error('The entries_added specified in XSETID is smaller than the target stream length'); return; }
  }
  s.last_id = id;
  if (added !== -1) s.entries_added = added;
  if (!id_is_zero(max_xdel)) s.max_deleted_entry_id = max_xdel;
  notify(c, NOTIFY_STREAM, 'xsetid', c.argv[1]);
  c.srv.dirty++;
  c.reply.ok();
}

/** streamLookupConsumer (refreshing seen-time) or streamCreateConsumer, which has its event. */
export function consumer_get(c: Client, key: string, cg: StreamCG, name: string): { consumer: StreamConsumer; created: boolean } {
  let consumer = cg.consumers.get(name);
  if (consumer) { consumer.seen_time = c.srv.now; return { consumer, created: false }; }
  consumer = new StreamConsumer(name, c.srv.now);
  cg.consumers.set(name, consumer);
  notify(c, NOTIFY_STREAM, 'xgroup-createconsumer', key);
  return { consumer, created: true };
}

export function xclaim_prop(key: string, group: string, cg: StreamCG, id: StreamID, n: { delivery_time: number; delivery_count: number; consumer: StreamConsumer }): string[] {
  return ['XCLAIM', key, group, n.consumer.name, '0', id_str(id), 'TIME', String(n.delivery_time), 'RETRYCOUNT', String(n.delivery_count), 'FORCE', 'JUSTID', 'LASTID', id_str(cg.last_id)];
}

export function setid_prop(key: string, group: string, cg: StreamCG): string[] {
  return ['XGROUP', 'SETID', key, group, id_str(cg.last_id), 'ENTRIESREAD', String(cg.entries_read)];
}

interface GroupRead { name: string; cg: StreamCG; consumer: StreamConsumer; noack: boolean }

/** streamReplyWithRange for a group: new entries advance last_id/entries_read and enter the PEL. */
function reply_group_new(c: Client, key: string, s: StreamObj, start: StreamID, count: number, g: GroupRead): void {
  const es = s.range(start, ID_MAX, count, false), now = c.srv.now, cg = g.cg;
  let prop_last = false;
  c.reply.array(es.length);
  for (const e of es) {
    if (id_cmp(e.id, cg.last_id) > 0) {
      if (cg.entries_read !== INVALID_READ && !s.has_tombstones_from(e.id)) cg.entries_read++;
      else if (s.entries_added) cg.entries_read = s.estimate_read(e.id);
      cg.last_id = e.id;
      if (g.noack) prop_last = true;
    }
    reply_entry(c, e);
    if (g.noack) continue;
    let n = pel_find(cg.pel, e.id);
    if (n) { pel_remove(n.consumer.pel, e.id); n.consumer = g.consumer; n.delivery_time = now; n.delivery_count = 1; }
    else { n = { id: e.id, delivery_time: now, delivery_count: 1, consumer: g.consumer }; pel_insert(cg.pel, n); }
    pel_insert(g.consumer.pel, n);
    (c.prop ??= []).push(xclaim_prop(key, g.name, cg, e.id, n));
  }
  if (prop_last) (c.prop ??= []).push(setid_prop(key, g.name, cg));
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from start (nil fields if deleted). */
function reply_group_history(c: Client, s: StreamObj, start: StreamID, count: number, consumer: StreamConsumer): void {
  const pel = consumer.pel;
  let i = 0;
  while (i < pel.length && id_cmp(pel[i].id, start) < 0) i++;
  const end = count ? Math.min(pel.length, i + count) : pel.length;
  c.reply.array(end - i);
  for (; i < end; i++) {
    const n = pel[i], e = s.find(n.id);
    if (e) { n.delivery_time = c.srv.now; n.delivery_count++; reply_entry(c, e); }
    else { c.reply.array(2); c.reply.bulk(id_str(n.id)); c.reply.nil_array(); }
  }
}

interface ReadArgs { count: number; timeout: number; keys: string[]; ids: StreamID[]; group: string | null; consumer: string; noack: boolean; gs: (StreamCG | null)[] }

function parse_read_args(c: Client, xreadgroup: boolean): ReadArgs | null {
  const argv = c.argv, a: ReadArgs = { count: 0, timeout: -1, keys: [], ids: [], group: null, consumer: '', noack: false, gs: [] };
  let streams = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1, o = argv[i];
    if (opt(o, 'BLOCK') && more) {
      const t = string2ll(argv[++i]);
      if (t === null) { c.reply.error('timeout is not an integer or out of range'); return null; }
      if (t < 0) { c.reply.error('timeout is negative'); return null; }
      a.timeout = t > 0 ? c.srv.now + Number(t) : 0;
    } else if (opt(o, 'COUNT') && more) {
      const v = get_ll(c, argv[++i]);
      if (v === null) return null;
      a.count = v < 0 ? 0 : Number(v);
    } else if (opt(o, 'STREAMS') && more) {
      streams = i + 1;
      if ((argv.length - streams) % 2) { c.reply.error("Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."); return null; }
      break;
    } else if (opt(o, 'GROUP') && more >= 2) {
      if (!xreadgroup) { c.reply.error('The GROUP option is only supported by XREADGROUP. You called XREAD instead.'); return null; }
      a.group = argv[i + 1]; a.consumer = argv[i + 2]; i += 2;
    } else if (opt(o, 'NOACK')) {
      if (!xreadgroup) { c.reply.error('The NOACK option is only supported by XREADGROUP. You called XREAD instead.'); return null; }
      a.noack = true;
    } else { c.reply.error(SYNTAX); return null; }
  }
  if (!streams) { c.reply.error(SYNTAX); return null; }
  if (xreadgroup && a.group === null) { c.reply.error('Missing GROUP option for XREADGROUP'); return null; }
  const n = (argv.length - streams) / 2;
  a.keys = argv.slice(streams, streams + n);
  for (let i = 0; i < n; i++) if (!parse_read_id(c, a, i, argv[streams + n + i])) return null;
  // A script cannot wait: XREAD/XREADGROUP with BLOCK is refused from one (xreadCommand).
  if (a.timeout !== -1 && c.script_caller) { c.reply.error(`${xreadgroup ? 'xreadgroup' : 'xread'} command is not allowed with BLOCK option from scripts`); return null; }
  return a;
}

function parse_read_id(c: Client, a: ReadArgs, i: number, arg: string): boolean {
  const s = lookup_stream(c, a.keys[i]);
  if (s === null) return false;
  if (a.group !== null) {
    const cg = s?.cgroups.get(a.group);
    if (!cg) { c.reply.error(`-NOGROUP No such key '${a.keys[i]}' or consumer group '${a.group}' in XREADGROUP with GROUP option`); return false; }
    a.gs.push(cg);
  }
  if (arg === '$') {
    if (a.group !== null) { c.reply.error('The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.'); return false; }
    a.ids.push(s ? s.last_id : ID_ZERO);
    return true;
  }
  if (arg === '>') {
    if (a.group === null) { c.reply.error('The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.'); return false; }
    a.ids.push(ID_MAX);
    return true;
  }
  const id = parse_id(c, arg, 0n, true);
  if (id) a.ids.push(id);
  return id !== null;
}

/** XREAD's outer reply: an array of [key, entries] pairs in RESP2, a map in RESP3. */
function reply_streams_len(c: Client, n: number): void {
  if (c.resp === 2) c.reply.array(n); else c.reply.map(n);
}

/** One stream's part of an XREAD(GROUP) reply: [key, entries]. */
function serve_key(c: Client, a: ReadArgs, key: string, s: StreamObj, gt: StreamID, cg: StreamCG | null, history: boolean): void {
  if (c.resp === 2) c.reply.array(2);
  c.reply.bulk(key);
  const start = id_next(gt) ?? ID_MAX;
  if (!cg || a.group === null) { reply_entries(c, s.range(start, ID_MAX, a.count, false)); return; }
  const { consumer, created } = consumer_get(c, key, cg, a.consumer);
  if (created && a.noack) (c.prop ??= []).push(['XGROUP', 'CREATECONSUMER', key, a.group, a.consumer]);
  if (history) reply_group_history(c, s, start, a.count, consumer);
  else reply_group_new(c, key, s, start, a.count, { name: a.group, cg, consumer, noack: a.noack });
}

function xread(c: Client, xreadgroup: boolean): void {
  const a = parse_read_args(c, xreadgroup);
  c.prop = [];
  if (!a) return;
  const ready: number[] = [];
  for (let i = 0; i < a.keys.length; i++) {
    const s = c.db.peek(a.keys[i]);
    if (!(s instanceof StreamObj)) continue;
    const cg = a.gs[i] ?? null, gt = a.ids[i];
    if (cg && id_cmp(gt, ID_MAX) !== 0) ready.push(i);
    else if (s.length && id_cmp(s.range(ID_ZERO, ID_MAX, 1, true)[0].id, cg ? cg.last_id : gt) > 0) ready.push(i);
  }
  if (ready.length) {
    reply_streams_len(c, ready.length);
    for (const i of ready) {
      const cg = a.gs[i] ?? null, history = cg !== null && id_cmp(a.ids[i], ID_MAX) !== 0;
      serve_key(c, a, a.keys[i], c.db.peek(a.keys[i]) as StreamObj, cg && !history ? cg.last_id : a.ids[i], cg, history);
    }
    if (xreadgroup) c.srv.dirty++;
    return;
  }
  if (a.timeout < 0 || c.flags & CLIENT_MULTI || c.srv.in_exec) { c.reply.nil_array(); return; }
  const ids = new Map(a.keys.map((k, i) => [k, a.ids[i]]));
  block_for_keys(c, a.keys, a.timeout, (bc, key) => serve_blocked(bc, a, key, ids.get(key)!));
}

/** serveClientsBlockedOnStreamKey: new data past the client's ID, or an error for a vanished group. */
function serve_blocked(c: Client, a: ReadArgs, key: string, gt: StreamID): boolean | null {
  const s = c.db.peek(key);
  if (!(s instanceof StreamObj)) {
    if (a.group === null) return null;
    c.reply.error('-UNBLOCKED the stream key no longer exists');
    return true;
  }
  let cg: StreamCG | null = null;
  if (a.group !== null) {
    cg = s.cgroups.get(a.group) ?? null;
    if (!cg) { c.reply.error('-NOGROUP the consumer group this client was blocked on no longer exists'); return true; }
  }
  const from = cg ? cg.last_id : gt;
  if (id_cmp(s.last_id, from) <= 0) return null;
  c.prop = [];
  reply_streams_len(c, 1);
  serve_key(c, { ...a, count: a.count || 1000 }, key, s, from, cg, false);
  for (const p of c.prop) c.srv.propagate(c.db, p);
  return true;
}

register('stream', [
  ['xadd', -5, 'write denyoom fast', xadd],
  ['xtrim', -4, 'write', xtrim],
  ['xrange', -4, 'readonly', (c) => xrange(c, false)],
  ['xrevrange', -4, 'readonly', (c) => xrange(c, true)],
  ['xlen', 2, 'readonly fast', xlen],
  ['xdel', -3, 'write fast', xdel],
  ['xsetid', -3, 'write denyoom fast', xsetid],
  ['xread', -4, 'readonly blocking', (c) => xread(c, false), 0, 0, 0],
  ['xreadgroup', -7, 'write blocking', (c) => xread(c, true), 0, 0, 0],
]);
