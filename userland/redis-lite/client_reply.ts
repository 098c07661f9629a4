/**
 * CLIENT REPLY ON|OFF|SKIP and CLIENT UNBLOCK (networking.c's clientCommand):
 * a client that turned replies off (or skips the next one) still runs its commands, only what
 * they reply is dropped; CLIENT UNBLOCK ends another client's blocking command as its timeout
 * would, or with an -UNBLOCKED error. https://redis.io/commands/client-reply/
 */
import { blocked_command_failed, reply_timed_out, unblock } from './blocked.ts';
import { get_ll, opt } from './cmdutil.ts';
import { type Client, CLIENT_BLOCKED } from './networking.ts';
import { SYNTAX } from './resp.ts';
import { CLIENT_POSTPONED } from './pause.ts';

/** Client flags of their own (networking.ts's CLIENT_* use the bits below 4096). */
export const CLIENT_REPLY_OFF = 1 << 12, CLIENT_REPLY_SKIP = 1 << 13, CLIENT_REPLY_SKIP_NEXT = 1 << 14;

/** (Un)subscribe confirmations are pushes (CLIENT_PUSHING, in RESP2 too), which CLIENT REPLY OFF does not silence. */
const PUSHES = new Set(['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']);

export function client_reply(c: Client): void {
  const a = c.argv[2];
  if (opt(a, 'ON')) { c.flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP); c.reply.ok(); }
  else if (opt(a, 'OFF')) c.flags |= CLIENT_REPLY_OFF;
  else if (opt(a, 'SKIP')) { if (!(c.flags & CLIENT_REPLY_OFF)) c.flags |= CLIENT_REPLY_SKIP_NEXT; }
  else c.reply.error(SYNTAX);
}

/**
 * After each command (commandProcessed): drops what it replied if replies are off or skipped,
 * and turns a pending SKIP into "skip the next one". `mark` is the reply length before it ran.
 */
export function after_command_reply(c: Client, mark: number): void {
  if (c.flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP) && !PUSHES.has(c.argv[0].toLowerCase())) c.reply.len = mark;
  c.flags &= ~CLIENT_REPLY_SKIP;
  if (c.flags & CLIENT_REPLY_SKIP_NEXT) c.flags = (c.flags & ~CLIENT_REPLY_SKIP_NEXT) | CLIENT_REPLY_SKIP;
}

export function client_unblock(c: Client): void {
  let error = false;
  if (c.argv.length === 4) {
    if (opt(c.argv[3], 'ERROR')) error = true;
    else if (!opt(c.argv[3], 'TIMEOUT')) { c.reply.error('CLIENT UNBLOCK reason should be TIMEOUT or ERROR'); return; }
  }
  const id = get_ll(c, c.argv[2]);
  if (id === null) return;
  let target: Client | undefined;
  for (const x of c.srv.clients.values()) if (x.id === id) target = x;
  // A client postponed by CLIENT PAUSE waits for the pause (Redis 7.0 would reach a panic here);
  // one held by a command finishing asynchronously (Server.block_on) is not blocked in Redis's sense.
  if (!target || !(target.flags & CLIENT_BLOCKED) || target.flags & CLIENT_POSTPONED || !target.bpop) { c.reply.int(0); return; }
  if (error) {
    target.reply.error('-UNBLOCKED client unblocked via CLIENT UNBLOCK');
    blocked_command_failed(target);
  } else reply_timed_out(target);
  unblock(target);
  c.reply.int(1);
}
