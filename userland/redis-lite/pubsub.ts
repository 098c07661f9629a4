/**
 * pubsub.c: channel, pattern and shard-channel subscriptions, PUBLISH/SPUBLISH and PUBSUB
 * introspection (messages are RESP3 pushes, arrays in RESP2). A client with subscriptions is
 * in the Pub/Sub context (server.ts). Standalone, shard channels are a namespace of their own.
 */
import { reply_help } from './help.ts';
import { container, register } from './commands.ts';
import { type Client, CLIENT_PUBSUB } from './networking.ts';
import type { Server } from './server.ts';
import { stringmatch } from './util.ts';

type Kind = 'channels' | 'patterns' | 'shard_channels';

const VERB: Record<Kind, [sub: string, unsub: string]> = {
  channels: ['subscribe', 'unsubscribe'], patterns: ['psubscribe', 'punsubscribe'], shard_channels: ['ssubscribe', 'sunsubscribe'],
};

/** The reply to (un)subscribing: a shard subscription counts shard channels, the others the rest. */
function sub_reply(c: Client, kind: Kind, unsub: boolean, name: string | null): void {
  c.reply.push(3);
  c.reply.bulk(VERB[kind][unsub ? 1 : 0]);
  c.reply.bulk_or_nil(name);
  c.reply.int(kind === 'shard_channels' ? c.shard_channels.size : c.subs);
}

function update_pubsub_flag(c: Client): void {
  if (c.subs + c.shard_channels.size === 0) c.flags &= ~CLIENT_PUBSUB; else c.flags |= CLIENT_PUBSUB;
}

function subscribe(c: Client, kind: Kind, name: string): void {
  const mine = c[kind];
  if (!mine.has(name)) {
    mine.add(name);
    const all = c.srv[kind];
    let set = all.get(name);
    if (!set) { set = new Set(); all.set(name, set); }
    set.add(c);
  }
  update_pubsub_flag(c);
  sub_reply(c, kind, false, name);
}

export function unsubscribe(c: Client, kind: Kind, name: string, notify: boolean): void {
  const mine = c[kind];
  if (mine.delete(name)) {
    const set = c.srv[kind].get(name);
    set?.delete(c);
    if (set && set.size === 0) c.srv[kind].delete(name);
  }
  update_pubsub_flag(c);
  if (notify) sub_reply(c, kind, true, name);
}

/** pubsubUnsubscribeAll*: a client leaving (or RESET) drops every subscription silently. */
export function unsubscribe_all(c: Client): void {
  for (const kind of ['channels', 'patterns', 'shard_channels'] as const) for (const n of [...c[kind]]) unsubscribe(c, kind, n, false);
}

function unsubscribe_cmd(c: Client, kind: Kind): void {
  const names = c.argv.length > 1 ? c.argv.slice(1) : [...c[kind]];
  if (names.length === 0) { sub_reply(c, kind, true, null); return; }
  for (const n of names) unsubscribe(c, kind, n, true);
}

/** pubsubPublishMessage: delivers to channel then pattern subscribers; the number of receivers. */
export function publish(srv: Server, channel: string, msg: string): number {
  let n = 0;
  for (const r of srv.channels.get(channel) ?? []) {
    r.reply.push(3); r.reply.bulk('message'); r.reply.bulk(channel); r.reply.bulk(msg);
    srv.add_pending(r); n++;
  }
  for (const [pat, set] of srv.patterns) {
    if (!stringmatch(pat, channel)) continue;
    for (const r of set) {
      r.reply.push(4); r.reply.bulk('pmessage'); r.reply.bulk(pat); r.reply.bulk(channel); r.reply.bulk(msg);
      srv.add_pending(r); n++;
    }
  }
  return n;
}

/** SPUBLISH: to the shard channel's subscribers only. */
function spublish(srv: Server, channel: string, msg: string): number {
  const set = srv.shard_channels.get(channel);
  for (const r of set ?? []) {
    r.reply.push(3); r.reply.bulk('smessage'); r.reply.bulk(channel); r.reply.bulk(msg);
    srv.add_pending(r);
  }
  return set?.size ?? 0;
}

function channels_matching(c: Client, all: Map<string, Set<Client>>): void {
  const pat = c.argv[2];
  const out = [...all.keys()].filter((ch) => pat === undefined || stringmatch(pat, ch));
  c.reply.bulks(out, out.length);
}

function numsub(c: Client, all: Map<string, Set<Client>>): void {
  c.reply.array((c.argv.length - 2) * 2);
  for (const ch of c.argv.slice(2)) { c.reply.bulk(ch); c.reply.int(all.get(ch)?.size ?? 0); }
}


register('pubsub', [
  ['subscribe', -2, 'pubsub noscript loading stale nokeys', (c) => { for (const ch of c.argv.slice(1)) subscribe(c, 'channels', ch); }],
  ['psubscribe', -2, 'pubsub noscript loading stale nokeys', (c) => { for (const p of c.argv.slice(1)) subscribe(c, 'patterns', p); }],
  ['unsubscribe', -1, 'pubsub noscript loading stale nokeys', (c) => unsubscribe_cmd(c, 'channels')],
  ['punsubscribe', -1, 'pubsub noscript loading stale nokeys', (c) => unsubscribe_cmd(c, 'patterns')],
  ['publish', 3, 'pubsub loading stale fast may_replicate nokeys', (c) => c.reply.int(publish(c.srv, c.argv[1], c.argv[2]))],
  ['ssubscribe', -2, 'pubsub noscript loading stale nokeys', (c) => { for (const ch of c.argv.slice(1)) subscribe(c, 'shard_channels', ch); }],
  ['sunsubscribe', -1, 'pubsub noscript loading stale nokeys', (c) => unsubscribe_cmd(c, 'shard_channels')],
  ['spublish', 3, 'pubsub loading stale fast nokeys', (c) => c.reply.int(spublish(c.srv, c.argv[1], c.argv[2]))],
  container('pubsub', 'pubsub', [
    ['channels', -2, 'pubsub loading stale nokeys', (c) => channels_matching(c, c.srv.channels)],
    ['numsub', -2, 'pubsub loading stale nokeys', (c) => numsub(c, c.srv.channels)],
    ['shardchannels', -2, 'pubsub loading stale nokeys', (c) => channels_matching(c, c.srv.shard_channels)],
    ['shardnumsub', -2, 'pubsub loading stale nokeys', (c) => numsub(c, c.srv.shard_channels)],
    ['numpat', 2, 'pubsub loading stale nokeys', (c) => c.reply.int(c.srv.patterns.size)],
    ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'PUBSUB')],
  ]),
]);
