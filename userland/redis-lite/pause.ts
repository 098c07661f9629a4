/**
 * CLIENT PAUSE / CLIENT UNPAUSE (networking.c: pauseClients, unpauseClients,
 * checkClientPauseTimeoutAndReturnIfPaused). While paused, processCommand postpones (blocks,
 * BLOCKED_POSTPONE) every command (ALL) or the ones that may replicate (WRITE: write and
 * may_replicate commands, and an EXEC whose queue holds one); keys are not expired, lazily or
 * actively, though reads see them gone. When the pause ends (UNPAUSE, its time, or a less
 * restrictive one) the postponed clients run their commands again, in order.
 * https://github.com/redis/redis/blob/7.0/src/networking.c
 */
import { get_ll, opt } from './cmdutil.ts';
import { lookup_command, type Cmd, SCRIPT_MAY_REPLICATE, SCRIPT_WRITES } from './commands.ts';
import { type Client, CLIENT_BLOCKED, CLIENT_UNBLOCKED } from './networking.ts';
import type { Server } from './server.ts';

export const CLIENT_PAUSE_OFF = 0, CLIENT_PAUSE_WRITE = 1, CLIENT_PAUSE_ALL = 2;

/** PAUSE_BY_CLIENT_COMMAND's event (redis-lite has no other pause purpose: no failover). */
interface PauseState { type: number; end: number; postponed: Client[] }

const STATE = new WeakMap<Server, PauseState>();

function state(srv: Server): PauseState {
  let p = STATE.get(srv);
  if (!p) { p = { type: CLIENT_PAUSE_OFF, end: 0, postponed: [] }; STATE.set(srv, p); }
  return p;
}

/** checkClientPauseTimeoutAndReturnIfPaused: the pause type in force (ending one whose time passed). */
export function clients_paused(srv: Server): number {
  const p = STATE.get(srv);
  if (!p || p.type === CLIENT_PAUSE_OFF) return CLIENT_PAUSE_OFF;
  if (p.end < srv.now) set_pause(srv, p, CLIENT_PAUSE_OFF, 0);
  return p.type;
}

/** updateClientPauseTypeAndEndTime: a less restrictive pause reprocesses the postponed clients. */
function set_pause(srv: Server, p: PauseState, type: number, end: number): void {
  const old = p.type;
  p.type = type;
  p.end = end;
  if (type < old) for (const c of p.postponed.splice(0)) resume(srv, c);
}

/** processCommand's pause check: must this command wait for the pause to end? */
export function must_postpone(c: Client, cmd: Cmd): boolean {
  const type = clients_paused(c.srv);
  if (type === CLIENT_PAUSE_OFF) return false;
  return type === CLIENT_PAUSE_ALL || may_replicate(c, cmd, c.argv) || (cmd.name === 'exec' && c.mstate.some((argv) => queued_may_replicate(c, argv)));
}

function may_replicate(c: Client, cmd: Cmd, argv: string[]): boolean {
  return cmd.may_write_of ? (cmd.may_write_of(c, argv) & (SCRIPT_WRITES | SCRIPT_MAY_REPLICATE)) !== 0 : cmd.write || cmd.flags.includes('may_replicate');
}

function queued_may_replicate(c: Client, argv: string[]): boolean {
  const cmd = lookup_command(argv);
  return typeof cmd !== 'string' && may_replicate(c, cmd, argv);
}

/** blockClient(c, BLOCKED_POSTPONE): the command (c.argv) waits; so does the client's pipeline. */
export function postpone(c: Client): void {
  c.flags |= CLIENT_BLOCKED | CLIENT_POSTPONED;
  c.bpop = null;
  c.srv.blocked_clients.add(c);
  state(c.srv).postponed.push(c);
}

/** A postponed client whose command runs again in beforeSleep (processPendingCommandAndInputBuffer). */
export const CLIENT_POSTPONED = 1 << 20;

function resume(srv: Server, c: Client): void {
  c.flags = (c.flags & ~CLIENT_BLOCKED) | CLIENT_UNBLOCKED;
  srv.blocked_clients.delete(c);
  srv.unblocked.push(c);
}

/** A postponed client went away (freeClient → unblockClient). */
export function forget_postponed(c: Client): void {
  const p = STATE.get(c.srv);
  const i = p ? p.postponed.indexOf(c) : -1;
  if (i >= 0) p!.postponed.splice(i, 1);
}

/** CLIENT PAUSE timeout [WRITE|ALL]: the most restrictive type and the furthest end win. */
export function client_pause(c: Client): void {
  if (c.argv.length > 4) { c.reply.error(`unknown subcommand or wrong number of arguments for '${c.argv[1]}'. Try CLIENT HELP.`); return; }
  let type = CLIENT_PAUSE_ALL;
  if (c.argv.length === 4) {
    if (opt(c.argv[3], 'WRITE')) type = CLIENT_PAUSE_WRITE;
    else if (!opt(c.argv[3], 'ALL')) { c.reply.error('CLIENT PAUSE mode must be WRITE or ALL'); return; }
  }
  const end = pause_end(c, c.argv[2]);
  if (end === null) return;
  const p = state(c.srv);
  const was_on = clients_paused(c.srv) !== CLIENT_PAUSE_OFF;
  set_pause(c.srv, p, was_on ? Math.max(p.type, type) : type, was_on ? Math.max(p.end, end) : end);
  clients_paused(c.srv); // a 0 timeout (or one already past) ends at once
  c.reply.ok();
}

/** getTimeoutFromObjectOrReply(UNIT_MILLISECONDS): an absolute end in ms; null after an error. */
function pause_end(c: Client, arg: string): number | null {
  const ms = get_ll(c, arg, 'timeout is not an integer or out of range');
  if (ms === null) return null;
  if (ms < 0) { c.reply.error('timeout is negative'); return null; }
  if (typeof ms === 'bigint' || ms > Number.MAX_SAFE_INTEGER - c.srv.now) { c.reply.error('timeout is out of range'); return null; }
  return ms > 0 ? c.srv.now + ms : 0;
}

export function client_unpause(c: Client): void {
  const p = STATE.get(c.srv);
  if (p) set_pause(c.srv, p, CLIENT_PAUSE_OFF, 0);
  c.reply.ok();
}
