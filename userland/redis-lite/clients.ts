/**
 * freeClient (networking.c): a connection's teardown — out of every blocking queue, WATCH list
 * and subscription, out of epoll, its fd closed.
 */
import { AE_READABLE, AE_WRITABLE } from './ae.ts';
import { monitor_stop } from './monitor.ts';
import { unwatch_all } from './multi.ts';
import { CLIENT_BLOCKED, type Client } from './networking.ts';
import { unsubscribe } from './pubsub.ts';
import type { Server } from './server.ts';
import { disable_tracking } from './tracking.ts';
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
  for (const ch of [...c.channels]) unsubscribe(c, 'channels', ch, false);
  for (const p of [...c.patterns]) unsubscribe(c, 'patterns', p, false);
  srv.clients.delete(c.fd);
  srv.el?.delete_file_event(c.fd, AE_READABLE | AE_WRITABLE);
  srv.libc.close(c.fd);
}
