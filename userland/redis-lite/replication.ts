/**
 * replication.c's commands as a master with no replicas answers them (redis-lite does not
 * replicate): ROLE says master at offset 0; WAIT counts no acknowledging replicas, so it
 * answers at once when none were asked for and otherwise blocks until its timeout (or forever
 * with 0) and answers 0; FAILOVER needs replicas it does not have.
 */
import { block_for_keys } from './blocked.ts';
import { get_int, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import { type Client, CLIENT_MULTI } from './networking.ts';

function role(c: Client): void {
  c.reply.array(3); c.reply.bulk('master'); c.reply.int(0); c.reply.array(0);
}

/** waitCommand: numreplicas, then a timeout in milliseconds. */
function wait(c: Client): void {
  const n = get_int(c, c.argv[1]);
  if (n === null) return;
  const t = get_int(c, c.argv[2], 'timeout is not an integer or out of range');
  if (t === null) return;
  if (t < 0) { c.reply.error('timeout is negative'); return; }
  // No replica acknowledges anything: enough only when none were asked for; never blocks inside MULTI.
  if (n <= 0 || c.flags & CLIENT_MULTI) { c.reply.int(0); return; }
  block_for_keys(c, [], t > 0 ? c.srv.now + t : 0, () => null);
  c.bpop!.on_timeout = (x) => x.reply.int(0);
}

/** failoverCommand: its arguments are checked, then it needs a connected replica. */
function failover(c: Client): void {
  let abort = false;
  for (let j = 1; j < c.argv.length; j++) {
    const a = c.argv[j];
    if (opt(a, 'ABORT') && c.argv.length === 2) abort = true;
    else if (opt(a, 'TIMEOUT') && j + 1 < c.argv.length) { if (get_int(c, c.argv[++j]) === null) return; }
    else if (opt(a, 'TO') && j + 2 < c.argv.length) j += 2;
    else if (opt(a, 'FORCE')) continue;
    else { c.reply.error('syntax error'); return; }
  }
  c.reply.error(abort ? 'No failover in progress.' : 'FAILOVER requires connected replicas.');
}

register('server', [
  ['role', 1, 'noscript loading stale fast nokeys', role],
  ['failover', -1, 'admin noscript stale nokeys', failover],
]);
register('connection', [['wait', 3, 'noscript nokeys', wait]]);
