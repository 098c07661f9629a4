/**
 * MONITOR (replication.c's replicationFeedMonitors): every executed command, after it ran, is
 * sent to the monitoring clients as `+<unix time.usec> [<db> <ip:port>] "cmd" "arg" …`, quoted
 * as sdscatrepr does. Rejected commands, and admin commands (CONFIG, CLIENT LIST, …), are not.
 */
import type { Cmd } from './commands.ts';
import type { Client } from './networking.ts';

/** The client flag of a monitor (networking.ts and client_reply.ts use the bits below). */
export const CLIENT_MONITOR = 1 << 15;

/** sdscatrepr: a double-quoted string, escapes for \\ " \n \r \t \a \b and \xHH for the rest. */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i], code = s.charCodeAt(i);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code < 32 || code > 126) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

export function monitor_cmd(c: Client): void {
  // Already a monitor: ignored, with no reply, as monitorCommand does.
  if (c.flags & CLIENT_MONITOR) return;
  c.flags |= CLIENT_MONITOR;
  c.srv.monitors.add(c);
  c.reply.ok();
}

export function monitor_stop(c: Client): void {
  c.flags &= ~CLIENT_MONITOR;
  c.srv.monitors.delete(c);
}

/** Feeds a command the client ran (its argv as received) to every monitor. */
export function feed_monitors(c: Client, cmd: Cmd, argv: string[]): void {
  if (c.srv.monitors.size === 0 || cmd.flags.includes('admin') || cmd.flags.includes('skip_monitor')) return;
  feed_monitors_argv(c, argv);
}

/** replicationFeedMonitors itself: EVAL and FCALL (skip_monitor) show their line before their commands'. */
export function feed_monitors_argv(c: Client, argv: string[]): void {
  const srv = c.srv;
  if (srv.monitors.size === 0) return;
  const ms = srv.now, line = `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')} [${c.db.id} ${c.addr}] ${argv.map(repr).join(' ')}`;
  for (const m of srv.monitors) { m.reply.status(line); srv.add_pending(m); }
}
