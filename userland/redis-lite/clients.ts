/**
 * freeClient (networking.c): a connection's teardown — out of every blocking queue, WATCH list
 * and subscription, out of epoll, its fd closed.
 */
import { AE_READABLE, AE_WRITABLE } from './ae.ts';
import { CLIENT_MONITOR, monitor_stop } from './monitor.ts';
import { unwatch_all } from './multi.ts';
import { CLIENT_BLOCKED, CLIENT_CLOSE_AFTER_REPLY, CLIENT_MULTI, CLIENT_PUBSUB, type Client } from './networking.ts';
import { unsubscribe_all } from './pubsub.ts';
import type { Server } from './server.ts';
import { CLIENT_TRACKING, disable_tracking, tracking_flags } from './tracking.ts';
import { forget_postponed } from './pause.ts';

export function free_client(srv: Server, c: Client): void {
  if (srv.clients.get(c.fd) !== c) return;
  if (c.flags & CLIENT_BLOCKED) {
    for (const k of c.bpop?.keys ?? []) {
      const id = `${c.db.id}\0${k}`, q = srv.blocking_keys.get(id);
      if (!q) continue;
      q.splice(q.indexOf(c), 1);
      if (!q.length) srv.blocking_keys.delete(id);
    }
    srv.blocked_clients.delete(c);
    c.bpop = null;
    forget_postponed(c);
  }
  unwatch_all(c);
  monitor_stop(c);
  disable_tracking(c);
  unsubscribe_all(c);
  srv.clients.delete(c.fd);
  srv.el?.delete_file_event(c.fd, AE_READABLE | AE_WRITABLE);
  srv.libc.close(c.fd);
}

/** One CLIENT LIST line, with the fields Redis 7.0 prints. */
export function client_info(c: Client): string {
  const srv = c.srv, now = srv.now;
  let flags = '';
  if (c.flags & CLIENT_MONITOR) flags += 'O';
  if (c.flags & CLIENT_PUBSUB) flags += 'P';
  if (c.flags & CLIENT_MULTI) flags += 'x';
  if (c.bpop) flags += 'b';
  flags += tracking_flags(c);
  if (c.flags & CLIENT_CLOSE_AFTER_REPLY) flags += 'c';
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} age=${Math.floor((now - c.ctime) / 1000)} ` +
    `idle=${Math.floor((now - c.last_interaction) / 1000)} flags=${flags || 'N'} db=${c.db.id} sub=${c.channels.size} ` +
    `psub=${c.patterns.size} ssub=${c.shard_channels.size} multi=${c.flags & CLIENT_MULTI ? c.mstate.length : -1} qbuf=${c.qlen} ` +
    `qbuf-free=${c.qbuf.length - c.qlen} argv-mem=0 multi-mem=0 rbs=${c.reply.buf.length} rbp=${c.reply.len} obl=${c.reply.len} ` +
    `oll=0 omem=0 tot-mem=${c.qbuf.length + c.reply.buf.length} events=r cmd=${c.last_cmd} user=${c.user.name} redir=${c.flags & CLIENT_TRACKING ? c.tracking_redir : -1} resp=${c.resp}`;
}
