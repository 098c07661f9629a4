/**
 * t_stream.c's consumer-group side: XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO.
 * Groups and consumers are listed in name order (Redis keeps them in a rax); claims are
 * propagated to the AOF as the XCLAIM … FORCE JUSTID form Redis propagates.
 */
import { reply_help } from './help.ts';
import { get_ll, get_range, opt } from './cmdutil.ts';
import { container, register } from './commands.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_STREAM } from './notify.ts';
import { SYNTAX } from './resp.ts';
import {
  ID_MAX, ID_ZERO, id_cmp, id_str, INVALID_READ, lower_bound, pel_find, pel_insert, pel_remove,
  StreamCG, type StreamConsumer, type StreamID, type StreamNACK, StreamObj,
} from './stream.ts';
import { consumer_get, lookup_stream, parse_bound, parse_id, reply_entry, setid_prop, xclaim_prop } from './t_stream.ts';

function sorted<T>(m: Map<string, T>): [string, T][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function nogroup(c: Client, key: string, group: string): void {
  c.reply.error(`-NOGROUP No such key '${key}' or consumer group '${group}'`);
}

const XGROUP_NEEDS_KEY = 'The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.';

/** XGROUP's shared prologue: options, the stream and the group; null after replying. */
function xgroup_target(c: Client, sub: string): { s: StreamObj | undefined; cg: StreamCG | undefined; mkstream: boolean; entries_read: number } | null {
  let mkstream = false, entries_read = INVALID_READ;
  for (let i = 5; i < c.argv.length;) {
    if (sub === 'create' && opt(c.argv[i], 'MKSTREAM')) { mkstream = true; i++; }
    else if ((sub === 'create' || sub === 'setid') && opt(c.argv[i], 'ENTRIESREAD') && i + 1 < c.argv.length) {
      const v = get_ll(c, c.argv[i + 1]);
      if (v === null) return null;
      if (v < 0 && v !== INVALID_READ) { c.reply.error('value for ENTRIESREAD must be positive or -1'); return null; }
      entries_read = Number(v); i += 2;
    } else { c.reply.error(`unknown subcommand or wrong number of arguments for '${sub}'. Try XGROUP HELP.`); return null; }
  }
  const s = lookup_stream(c, c.argv[2], true);
  if (s === null) return null;
  const cg = s?.cgroups.get(c.argv[3]);
  if (!mkstream) {
    if (!s) { c.reply.error(XGROUP_NEEDS_KEY); return null; }
    if (!cg && sub !== 'create' && sub !== 'destroy') { c.reply.error(`-NOGROUP No such consumer group '${c.argv[3]}' for key name '${c.argv[2]}'`); return null; }
  }
  return { s, cg, mkstream, entries_read };
}

function xgroup_create(c: Client): void {
  if (c.argv.length > 8) { c.reply.error("unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP."); return; }
  const t = xgroup_target(c, 'create');
  if (!t) return;
  let s = t.s;
  const id = c.argv[4] === '$' ? (s ? s.last_id : ID_ZERO) : parse_id(c, c.argv[4], 0n, true);
  if (!id) return;
  if (!s) { s = new StreamObj(); c.db.add(c.argv[2], s); }
  if (s.cgroups.has(c.argv[3])) { c.reply.error('-BUSYGROUP Consumer Group name already exists'); return; }
  s.cgroups.set(c.argv[3], new StreamCG(id, t.entries_read));
  notify(c, NOTIFY_STREAM, 'xgroup-create', c.argv[2]);
  c.srv.dirty++;
  c.reply.ok();
}

function xgroup_setid(c: Client): void {
  if (c.argv.length !== 5 && c.argv.length !== 7) { c.reply.error("unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP."); return; }
  const t = xgroup_target(c, 'setid');
  if (!t) return;
  const id = c.argv[4] === '$' ? t.s!.last_id : parse_id(c, c.argv[4]);
  if (!id) return;
  t.cg!.last_id = id;
  t.cg!.entries_read = t.entries_read;
  notify(c, NOTIFY_STREAM, 'xgroup-setid', c.argv[2]);
  c.srv.dirty++;
  c.reply.ok();
}

function xgroup_destroy(c: Client): void {
  const t = xgroup_target(c, 'destroy');
  if (!t) return;
  if (!t.cg) { c.reply.int(0); return; }
  t.s!.cgroups.delete(c.argv[3]);
  notify(c, NOTIFY_STREAM, 'xgroup-destroy', c.argv[2]);
  c.srv.dirty++;
  c.reply.int(1);
  c.srv.signal_ready(c.db, c.argv[2]);
}

function xgroup_createconsumer(c: Client): void {
  const t = xgroup_target(c, 'createconsumer');
  if (!t) return;
  const { created } = consumer_get(c, c.argv[2], t.cg!, c.argv[4]);
  if (created) c.srv.dirty++;
  c.reply.int(created ? 1 : 0);
}

function xgroup_delconsumer(c: Client): void {
  const t = xgroup_target(c, 'delconsumer');
  if (!t) return;
  const cg = t.cg!, consumer = cg.consumers.get(c.argv[4]);
  if (!consumer) { c.reply.int(0); return; }
  for (const n of consumer.pel) pel_remove(cg.pel, n.id);
  cg.consumers.delete(c.argv[4]);
  notify(c, NOTIFY_STREAM, 'xgroup-delconsumer', c.argv[2]);
  c.srv.dirty++;
  c.reply.int(consumer.pel.length);
}

/** The group a PEL command works on, or null after replying (WRONGTYPE or NOGROUP). */
function group_of(c: Client, write: boolean): { s: StreamObj; cg: StreamCG } | null {
  const s = lookup_stream(c, c.argv[1], write);
  if (s === null) return null;
  const cg = s?.cgroups.get(c.argv[2]);
  if (!s || !cg) { nogroup(c, c.argv[1], c.argv[2]); return null; }
  return { s, cg };
}

function xack(c: Client): void {
  const s = lookup_stream(c, c.argv[1], true);
  if (s === null) return;
  const cg = s?.cgroups.get(c.argv[2]);
  if (!cg) { c.reply.int(0); return; } // no key or group: nothing to ack, before the IDs are read (xackCommand)
  const ids: StreamID[] = [];
  for (let j = 3; j < c.argv.length; j++) { const id = parse_id(c, c.argv[j], 0n, true); if (!id) return; ids.push(id); }
  let n = 0;
  for (const id of ids) {
    const nack = pel_find(cg.pel, id);
    if (!nack) continue;
    pel_remove(cg.pel, id); pel_remove(nack.consumer.pel, id);
    n++;
  }
  c.srv.dirty += n;
  c.reply.int(n);
}

function xpending(c: Client): void {
  const argc = c.argv.length;
  if (argc !== 3 && (argc < 6 || argc > 9)) { c.reply.error(SYNTAX); return; }
  let start = ID_ZERO, end = ID_MAX, count = 0, minidle = 0, consumer_name: string | null = null;
  if (argc >= 6) {
    let si = 3;
    if (opt(c.argv[3], 'IDLE')) {
      const v = get_ll(c, c.argv[4]);
      if (v === null) return;
      if (argc < 8) { c.reply.error(SYNTAX); return; }
      minidle = Number(v); si += 2;
    }
    const n = get_ll(c, c.argv[si + 2]);
    if (n === null) return;
    count = n < 0 ? 0 : Number(n);
    const a = parse_bound(c, c.argv[si], true);
    if (!a) return;
    const b = parse_bound(c, c.argv[si + 1], false);
    if (!b) return;
    start = a; end = b;
    if (si + 3 < argc) consumer_name = c.argv[si + 3];
  }
  const g = group_of(c, false);
  if (!g) return;
  if (argc === 3) { pending_summary(c, g.cg); return; }
  let pel = g.cg.pel;
  if (consumer_name !== null) {
    const cons = g.cg.consumers.get(consumer_name);
    if (!cons) { c.reply.array(0); return; }
    pel = cons.pel;
  }
  const out: StreamNACK[] = [];
  for (let i = lower_bound(pel, start); count && i < pel.length && id_cmp(pel[i].id, end) <= 0; i++) {
    if (minidle && c.srv.now - pel[i].delivery_time < minidle) continue;
    out.push(pel[i]); count--;
  }
  c.reply.array(out.length);
  for (const n of out) {
    c.reply.array(4);
    c.reply.bulk(id_str(n.id)); c.reply.bulk(n.consumer.name);
    c.reply.int(Math.max(0, c.srv.now - n.delivery_time)); c.reply.int(n.delivery_count);
  }
}

function pending_summary(c: Client, cg: StreamCG): void {
  c.reply.array(4);
  c.reply.int(cg.pel.length);
  if (!cg.pel.length) { c.reply.nil(); c.reply.nil(); c.reply.nil_array(); return; }
  c.reply.bulk(id_str(cg.pel[0].id));
  c.reply.bulk(id_str(cg.pel[cg.pel.length - 1].id));
  const busy = sorted(cg.consumers).filter(([, k]) => k.pel.length);
  c.reply.array(busy.length);
  for (const [name, k] of busy) { c.reply.array(2); c.reply.bulk(name); c.reply.bulk(String(k.pel.length)); }
}

/** Moves a NACK to consumer (both PELs) with a new delivery time. */
function reassign(n: StreamNACK, consumer: StreamConsumer, time: number): void {
  if (n.consumer !== consumer) { pel_remove(n.consumer.pel, n.id); n.consumer = consumer; pel_insert(consumer.pel, n); }
  n.delivery_time = time;
}

/** A PEL entry whose stream entry is gone: dropped and propagated as such. */
function drop_nack(c: Client, cg: StreamCG, n: StreamNACK): void {
  (c.prop ??= []).push(xclaim_prop(c.argv[1], c.argv[2], cg, n.id, n));
  pel_remove(cg.pel, n.id);
  pel_remove(n.consumer.pel, n.id);
  c.srv.dirty++;
}

interface ClaimOpts { force: boolean; justid: boolean; time: number; retry: number; last: StreamID }

function parse_claim_opts(c: Client, from: number): ClaimOpts | null {
  const o: ClaimOpts = { force: false, justid: false, time: -1, retry: -1, last: ID_ZERO }, argv = c.argv, now = c.srv.now;
  for (let j = from; j < argv.length; j++) {
    const a = argv[j], more = j + 1 < argv.length;
    if (opt(a, 'FORCE')) o.force = true;
    else if (opt(a, 'JUSTID')) o.justid = true;
    else if ((opt(a, 'IDLE') || opt(a, 'TIME') || opt(a, 'RETRYCOUNT')) && more) {
      const v = get_ll(c, argv[++j], `Invalid ${a.toUpperCase()} option argument for XCLAIM`);
      if (v === null) return null;
      if (opt(a, 'IDLE')) o.time = now - Number(v); else if (opt(a, 'TIME')) o.time = Number(v); else o.retry = Number(v);
    } else if (opt(a, 'LASTID') && more) {
      const id = parse_id(c, argv[++j], 0n, true);
      if (!id) return null;
      o.last = id;
    } else { c.reply.error(`Unrecognized XCLAIM option '${a}'`); return null; }
  }
  if (o.time === -1 || o.time < 0 || o.time > now) o.time = now;
  return o;
}

function xclaim(c: Client): void {
  const g = group_of(c, true);
  if (!g) return;
  const { s, cg } = g, now = c.srv.now;
  const minidle_v = get_ll(c, c.argv[4], 'Invalid min-idle-time argument for XCLAIM');
  if (minidle_v === null) return;
  const minidle = Math.max(0, Number(minidle_v));
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < c.argv.length; j++) { const id = parse_id(null, c.argv[j], 0n, true); if (!id) break; ids.push(id); }
  const o = parse_claim_opts(c, j);
  if (!o) return;
  c.prop = [];
  let prop_last = false;
  if (id_cmp(o.last, cg.last_id) > 0) { cg.last_id = o.last; prop_last = true; }
  let consumer: StreamConsumer | null = null;
  const out: [StreamID, ReturnType<StreamObj['find']>][] = [];
  for (const id of ids) {
    let n = pel_find(cg.pel, id);
    const e = s.find(id);
    if (!e) { if (n) { drop_nack(c, cg, n); prop_last = false; } continue; }
    consumer ??= consumer_get(c, c.argv[1], cg, c.argv[3]).consumer;
    if (o.force && !n) { n = { id, delivery_time: now, delivery_count: 0, consumer }; pel_insert(cg.pel, n); pel_insert(consumer.pel, n); }
    if (!n) continue;
    if (minidle && now - n.delivery_time < minidle) continue;
    reassign(n, consumer, o.time);
    if (o.retry >= 0) n.delivery_count = o.retry; else if (!o.justid) n.delivery_count++;
    out.push([id, e]);
    c.prop.push(xclaim_prop(c.argv[1], c.argv[2], cg, id, n));
    prop_last = false;
    c.srv.dirty++;
  }
  if (prop_last) { c.prop.push(setid_prop(c.argv[1], c.argv[2], cg)); c.srv.dirty++; }
  c.reply.array(out.length);
  for (const [id, e] of out) if (o.justid) c.reply.bulk(id_str(id)); else reply_entry(c, e!);
}

function xautoclaim(c: Client): void {
  const minidle_v = get_ll(c, c.argv[4], 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (minidle_v === null) return;
  const minidle = Math.max(0, Number(minidle_v));
  const start = parse_bound(c, c.argv[5], true);
  if (!start) return;
  let count = 100, justid = false;
  for (let j = 6; j < c.argv.length; j++) {
    if (opt(c.argv[j], 'COUNT') && j + 1 < c.argv.length) {
      const v = get_range(c, c.argv[++j], 1, Math.floor(2 ** 63 / 16), 'COUNT must be > 0');
      if (v === null) return;
      count = v;
    } else if (opt(c.argv[j], 'JUSTID')) justid = true;
    else { c.reply.error(SYNTAX); return; }
  }
  const g = group_of(c, true);
  if (!g) return;
  const { s, cg } = g, now = c.srv.now, claimed: StreamNACK[] = [], deleted: StreamID[] = [];
  c.prop = [];
  let attempts = count * 10, i = lower_bound(cg.pel, start), consumer: StreamConsumer | null = null;
  for (; attempts-- > 0 && count && i < cg.pel.length;) {
    const n = cg.pel[i];
    if (!s.find(n.id)) { drop_nack(c, cg, n); deleted.push(n.id); count--; continue; }
    i++;
    if (minidle && now - n.delivery_time < minidle) continue;
    consumer ??= consumer_get(c, c.argv[1], cg, c.argv[3]).consumer;
    reassign(n, consumer, now);
    if (!justid) n.delivery_count++;
    claimed.push(n); count--;
    c.prop.push(xclaim_prop(c.argv[1], c.argv[2], cg, n.id, n));
    c.srv.dirty++;
  }
  c.reply.array(3);
  c.reply.bulk(id_str(i < cg.pel.length ? cg.pel[i].id : ID_ZERO));
  c.reply.array(claimed.length);
  for (const n of claimed) if (justid) c.reply.bulk(id_str(n.id)); else reply_entry(c, s.find(n.id)!);
  c.reply.bulks(deleted.map(id_str), deleted.length);
}

function reply_lag(c: Client, s: StreamObj, cg: StreamCG): void {
  const lag = s.lag(cg);
  if (lag === null) c.reply.nil(); else c.reply.int(lag);
}

function reply_entries_read(c: Client, cg: StreamCG): void {
  if (cg.entries_read === INVALID_READ) c.reply.nil(); else c.reply.int(cg.entries_read);
}

/** The stream at argv[2] for XINFO (an error reply for a missing key, as Redis). */
function xinfo_stream_of(c: Client): StreamObj | null {
  const s = lookup_stream(c, c.argv[2]);
  if (s === undefined) c.reply.error('no such key');
  return s ?? null;
}

function xinfo_stream(c: Client): void {
  const optc = c.argv.length - 3;
  let full = false, count = 10;
  if (optc) {
    if ((optc !== 1 && optc !== 3) || !opt(c.argv[3], 'FULL') || (optc === 3 && !opt(c.argv[4], 'COUNT'))) {
      c.reply.error("unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP."); return;
    }
    full = true;
    if (optc === 3) { const v = get_ll(c, c.argv[5]); if (v === null) return; count = v < 0 ? 10 : Number(v); }
  }
  const s = xinfo_stream_of(c);
  if (!s) return;
  c.reply.map(full ? 9 : 10);
  c.reply.bulk('length'); c.reply.int(s.length);
  c.reply.bulk('radix-tree-keys'); c.reply.int(s.nodes.length);
  c.reply.bulk('radix-tree-nodes'); c.reply.int(s.nodes.length ? s.nodes.length + 1 : 1);
  c.reply.bulk('last-generated-id'); c.reply.bulk(id_str(s.last_id));
  c.reply.bulk('max-deleted-entry-id'); c.reply.bulk(id_str(s.max_deleted_entry_id));
  c.reply.bulk('entries-added'); c.reply.int(s.entries_added);
  c.reply.bulk('recorded-first-entry-id'); c.reply.bulk(id_str(s.first_id));
  if (!full) {
    c.reply.bulk('groups'); c.reply.int(s.cgroups.size);
    for (const [name, rev] of [['first-entry', false], ['last-entry', true]] as const) {
      c.reply.bulk(name);
      const e = s.range(ID_ZERO, ID_MAX, 1, rev)[0];
      if (e) reply_entry(c, e); else c.reply.nil();
    }
    return;
  }
  c.reply.bulk('entries');
  const es = s.range(ID_ZERO, ID_MAX, count, false);
  c.reply.array(es.length);
  for (const e of es) reply_entry(c, e);
  c.reply.bulk('groups');
  c.reply.array(s.cgroups.size);
  for (const [name, cg] of sorted(s.cgroups)) xinfo_full_group(c, s, name, cg, count);
}

function xinfo_full_group(c: Client, s: StreamObj, name: string, cg: StreamCG, count: number): void {
  c.reply.map(7);
  c.reply.bulk('name'); c.reply.bulk(name);
  c.reply.bulk('last-delivered-id'); c.reply.bulk(id_str(cg.last_id));
  c.reply.bulk('entries-read'); reply_entries_read(c, cg);
  c.reply.bulk('lag'); reply_lag(c, s, cg);
  c.reply.bulk('pel-count'); c.reply.int(cg.pel.length);
  c.reply.bulk('pending');
  const pel = count ? cg.pel.slice(0, count) : cg.pel;
  c.reply.array(pel.length);
  for (const n of pel) { c.reply.array(4); c.reply.bulk(id_str(n.id)); c.reply.bulk(n.consumer.name); c.reply.int(n.delivery_time); c.reply.int(n.delivery_count); }
  c.reply.bulk('consumers');
  c.reply.array(cg.consumers.size);
  for (const [cname, k] of sorted(cg.consumers)) {
    c.reply.map(4);
    c.reply.bulk('name'); c.reply.bulk(cname);
    c.reply.bulk('seen-time'); c.reply.int(k.seen_time);
    c.reply.bulk('pel-count'); c.reply.int(k.pel.length);
    c.reply.bulk('pending');
    const kp = count ? k.pel.slice(0, count) : k.pel;
    c.reply.array(kp.length);
    for (const n of kp) { c.reply.array(3); c.reply.bulk(id_str(n.id)); c.reply.int(n.delivery_time); c.reply.int(n.delivery_count); }
  }
}

function xinfo_groups(c: Client): void {
  const s = xinfo_stream_of(c);
  if (!s) return;
  c.reply.array(s.cgroups.size);
  for (const [name, cg] of sorted(s.cgroups)) {
    c.reply.map(6);
    c.reply.bulk('name'); c.reply.bulk(name);
    c.reply.bulk('consumers'); c.reply.int(cg.consumers.size);
    c.reply.bulk('pending'); c.reply.int(cg.pel.length);
    c.reply.bulk('last-delivered-id'); c.reply.bulk(id_str(cg.last_id));
    c.reply.bulk('entries-read'); reply_entries_read(c, cg);
    c.reply.bulk('lag'); reply_lag(c, s, cg);
  }
}

function xinfo_consumers(c: Client): void {
  const s = xinfo_stream_of(c);
  if (!s) return;
  const cg = s.cgroups.get(c.argv[3]);
  if (!cg) { c.reply.error(`-NOGROUP No such consumer group '${c.argv[3]}' for key name '${c.argv[2]}'`); return; }
  c.reply.array(cg.consumers.size);
  for (const [name, k] of sorted(cg.consumers)) {
    c.reply.map(3);
    c.reply.bulk('name'); c.reply.bulk(name);
    c.reply.bulk('pending'); c.reply.int(k.pel.length);
    c.reply.bulk('idle'); c.reply.int(Math.max(0, c.srv.now - k.seen_time));
  }
}



register('stream', [
  ['xack', -4, 'write fast', xack],
  ['xpending', -3, 'readonly', xpending],
  ['xclaim', -6, 'write fast', xclaim],
  ['xautoclaim', -6, 'write fast', xautoclaim],
  container('stream', 'xgroup', [
    ['create', -5, 'write denyoom', xgroup_create, 2, 2, 1],
    ['setid', -5, 'write', xgroup_setid, 2, 2, 1],
    ['destroy', 4, 'write', xgroup_destroy, 2, 2, 1],
    ['createconsumer', 5, 'write denyoom', xgroup_createconsumer, 2, 2, 1],
    ['delconsumer', 5, 'write', xgroup_delconsumer, 2, 2, 1],
    ['help', 2, 'loading stale', (c) => reply_help(c, 'XGROUP'), 0, 0, 0],
  ]),
  container('stream', 'xinfo', [
    ['stream', -3, 'readonly', xinfo_stream, 2, 2, 1],
    ['groups', 3, 'readonly', xinfo_groups, 2, 2, 1],
    ['consumers', 4, 'readonly', xinfo_consumers, 2, 2, 1],
    ['help', 2, 'loading stale', (c) => reply_help(c, 'XINFO'), 0, 0, 0],
  ]),
]);
