/**
 * multi.c: MULTI/EXEC/DISCARD and optimistic locking with WATCH/UNWATCH. Queued commands were
 * checked at queue time; EXEC runs them in one go (blocking commands do not block inside it)
 * and propagates their writes wrapped in MULTI … EXEC when there is more than one.
 */
import { lookup_command } from './commands.ts';
import { register } from './commands.ts';
import { type Client, CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC, CLIENT_MULTI } from './networking.ts';

function multi(c: Client): void {
  if (c.flags & CLIENT_MULTI) { c.reply.error('MULTI calls can not be nested'); return; }
  c.flags |= CLIENT_MULTI;
  c.reply.ok();
}

function discard_state(c: Client): void {
  c.mstate = [];
  c.flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
  unwatch_all(c);
}

function discard(c: Client): void {
  if (!(c.flags & CLIENT_MULTI)) { c.reply.error('DISCARD without MULTI'); return; }
  discard_state(c);
  c.reply.ok();
}

function exec(c: Client): void {
  if (!(c.flags & CLIENT_MULTI)) { c.reply.error('EXEC without MULTI'); return; }
  if (c.flags & CLIENT_DIRTY_EXEC) { discard_state(c); c.reply.error('-EXECABORT Transaction discarded because of previous errors.'); return; }
  if (c.flags & CLIENT_DIRTY_CAS) { discard_state(c); c.reply.nil_array(); return; }
  const queue = c.mstate, srv = c.srv, orig = c.argv;
  discard_state(c);
  c.reply.array(queue.length);
  srv.in_exec = true;
  srv.exec_prop = [];
  try {
    for (const argv of queue) {
      c.argv = argv;
      const cmd = lookup_command(argv);
      if (typeof cmd === 'string') c.reply.error(cmd); else srv.call(c, cmd);
    }
  } finally {
    srv.in_exec = false;
    c.argv = orig;
  }
  const props = srv.exec_prop;
  srv.exec_prop = [];
  if (props.length > 1) srv.propagate(props[0][0], ['MULTI']);
  for (const [db, argv] of props) srv.propagate(db, argv);
  if (props.length > 1) srv.propagate(props[props.length - 1][0], ['EXEC']);
}

function watch(c: Client): void {
  if (c.flags & CLIENT_MULTI) { c.reply.error('WATCH inside MULTI is not allowed'); return; }
  for (let i = 1; i < c.argv.length; i++) {
    const id = `${c.db.id}\0${c.argv[i]}`;
    if (c.watched.includes(id)) continue;
    c.watched.push(id);
    let set = c.srv.watched_keys.get(id);
    if (!set) { set = new Set(); c.srv.watched_keys.set(id, set); }
    set.add(c);
  }
  c.reply.ok();
}

export function unwatch_all(c: Client): void {
  for (const id of c.watched) {
    const set = c.srv.watched_keys.get(id);
    if (!set) continue;
    set.delete(c);
    if (set.size === 0) c.srv.watched_keys.delete(id);
  }
  c.watched = [];
  c.flags &= ~CLIENT_DIRTY_CAS;
}

register('transactions', [
  ['multi', 1, 'noscript loading stale fast nokeys', multi],
  ['exec', 1, 'noscript loading stale skip_slowlog nokeys', exec],
  ['discard', 1, 'noscript loading stale fast nokeys', discard],
  ['watch', -2, 'noscript loading stale fast', watch, 1, -1, 1],
  ['unwatch', 1, 'noscript loading stale fast nokeys', (c) => { unwatch_all(c); c.reply.ok(); }],
]);
