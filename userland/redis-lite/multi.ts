/**
 * multi.c: MULTI/EXEC/DISCARD and optimistic locking with WATCH/UNWATCH. Queued commands were
 * checked at queue time; EXEC runs them in one go (blocking commands do not block inside it)
 * and propagates their writes wrapped in MULTI … EXEC when there is more than one.
 */
import { ACL_DENIED_CHANNEL, ACL_DENIED_CMD, ACL_DENIED_KEY } from './acl.ts';
import { check_command } from './acl_check.ts';
import { acl_log } from './cmd_acl.ts';
import { type Cmd, lookup_command, register } from './commands.ts';
import { type Client, CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC, CLIENT_MULTI } from './networking.ts';

function multi(c: Client): void {
  if (c.flags & CLIENT_MULTI) { c.reply.error('MULTI calls can not be nested'); return; }
  c.flags |= CLIENT_MULTI;
  c.reply.ok();
}

/** discardTransaction. */
export function discard_state(c: Client): void {
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
      if (typeof cmd === 'string') c.reply.error(cmd);
      else if (!exec_permitted(c, cmd)) continue;
      else srv.call(c, cmd);
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

const EXEC_DENIED: Record<number, string> = {
  [ACL_DENIED_CMD]: 'no permission to execute the command or subcommand',
  [ACL_DENIED_KEY]: 'no permission to touch the specified keys',
  [ACL_DENIED_CHANNEL]: 'no permission to access one of the channels used as arguments',
};

/** execCommand's ACL re-check: the rules may have changed since the command was queued. */
function exec_permitted(c: Client, cmd: Cmd): boolean {
  if (c.user.unrestricted) return true;
  const r = check_command(c.user, cmd, c.argv);
  if (!r.code) return true;
  acl_log(c, r.code, r.object, c.user.name, 'multi');
  c.reply.error(`-NOPERM ACLs rules changed between the moment the transaction was accumulated and its execution. This command is no longer allowed for the following reason: ${EXEC_DENIED[r.code]}`);
  return false;
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
  ['multi', 1, 'noscript loading stale fast allow_busy nokeys', multi],
  ['exec', 1, 'noscript loading stale skip_slowlog nokeys', exec],
  ['discard', 1, 'noscript loading stale fast allow_busy nokeys', discard],
  ['watch', -2, 'noscript loading stale fast allow_busy', watch, 1, -1, 1],
  ['unwatch', 1, 'noscript loading stale fast allow_busy nokeys', (c) => { unwatch_all(c); c.reply.ok(); }],
]);
