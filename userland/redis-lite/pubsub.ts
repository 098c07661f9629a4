/**
 * pubsub.c: channel and pattern subscriptions, PUBLISH and PUBSUB introspection (RESP2 push
 * messages as arrays). A client with subscriptions is in the Pub/Sub context (server.ts).
 */
import { container, register } from './commands.ts';
import { type Client, CLIENT_PUBSUB } from './networking.ts';
import type { Server } from './server.ts';
import { stringmatch } from './util.ts';

type Kind = 'channels' | 'patterns';

function sub_reply(c: Client, what: string, name: string | null): void {
  c.reply.array(3);
  c.reply.bulk(what);
  c.reply.bulk_or_nil(name);
  c.reply.int(c.subs);
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
  c.flags |= CLIENT_PUBSUB;
  sub_reply(c, kind === 'channels' ? 'subscribe' : 'psubscribe', name);
}

export function unsubscribe(c: Client, kind: Kind, name: string, notify: boolean): void {
  const mine = c[kind];
  if (mine.delete(name)) {
    const set = c.srv[kind].get(name);
    set?.delete(c);
    if (set && set.size === 0) c.srv[kind].delete(name);
  }
  if (c.subs === 0) c.flags &= ~CLIENT_PUBSUB;
  if (notify) sub_reply(c, kind === 'channels' ? 'unsubscribe' : 'punsubscribe', name);
}

function unsubscribe_cmd(c: Client, kind: Kind): void {
  const names = c.argv.length > 1 ? c.argv.slice(1) : [...c[kind]];
  if (names.length === 0) { sub_reply(c, kind === 'channels' ? 'unsubscribe' : 'punsubscribe', null); return; }
  for (const n of names) unsubscribe(c, kind, n, true);
}

/** pubsubPublishMessage: delivers to channel then pattern subscribers; the number of receivers. */
export function publish(srv: Server, channel: string, msg: string): number {
  let n = 0;
  for (const r of srv.channels.get(channel) ?? []) {
    r.reply.array(3); r.reply.bulk('message'); r.reply.bulk(channel); r.reply.bulk(msg);
    srv.add_pending(r); n++;
  }
  for (const [pat, set] of srv.patterns) {
    if (!stringmatch(pat, channel)) continue;
    for (const r of set) {
      r.reply.array(4); r.reply.bulk('pmessage'); r.reply.bulk(pat); r.reply.bulk(channel); r.reply.bulk(msg);
      srv.add_pending(r); n++;
    }
  }
  return n;
}

register('pubsub', [
  ['subscribe', -2, 'pubsub noscript loading stale nokeys', (c) => { for (const ch of c.argv.slice(1)) subscribe(c, 'channels', ch); }],
  ['psubscribe', -2, 'pubsub noscript loading stale nokeys', (c) => { for (const p of c.argv.slice(1)) subscribe(c, 'patterns', p); }],
  ['unsubscribe', -1, 'pubsub noscript loading stale nokeys', (c) => unsubscribe_cmd(c, 'channels')],
  ['punsubscribe', -1, 'pubsub noscript loading stale nokeys', (c) => unsubscribe_cmd(c, 'patterns')],
  ['publish', 3, 'pubsub loading stale fast may_replicate nokeys', (c) => c.reply.int(publish(c.srv, c.argv[1], c.argv[2]))],
  container('pubsub', 'pubsub', [
    ['channels', -2, 'pubsub loading stale nokeys', (c) => {
      const pat = c.argv[2];
      const out = [...c.srv.channels.keys()].filter((ch) => pat === undefined || stringmatch(pat, ch));
      c.reply.bulks(out, out.length);
    }],
    ['numsub', -2, 'pubsub loading stale nokeys', (c) => {
      c.reply.array((c.argv.length - 2) * 2);
      for (const ch of c.argv.slice(2)) { c.reply.bulk(ch); c.reply.int(c.srv.channels.get(ch)?.size ?? 0); }
    }],
    ['numpat', 2, 'pubsub loading stale nokeys', (c) => c.reply.int(c.srv.patterns.size)],
    ['help', 2, 'loading stale nokeys', (c) => c.reply.bulks(['PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'CHANNELS [<pattern>]', 'NUMPAT', 'NUMSUB [<channel> ...]', 'HELP'], 5)],
  ]),
]);
