/**
 * console for a process's realm, which has none of the host's: console.log/info/debug write a
 * line to fd 1 and console.error/warn to fd 2, through write(2) like any output of the program.
 */
import type { Libc } from './libc.ts';

/** One argument as console.log shows it (strings as they are, the rest as JSON where it can). */
function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return String(v.stack ?? v);
  try { const j = JSON.stringify(v); return j === undefined ? String(v) : j; } catch { return String(v); }
}

function line(lc: Libc, fd: number, args: unknown[]): void {
  const r = lc.write(fd, args.map(show).join(' ') + '\n');
  if (typeof r !== 'number') r.then(undefined, () => undefined); // an exit while it blocks: nothing to report
}

/**
 * Installs console in a process's own realm (V8 gives every context a console whose output goes
 * nowhere); the host realm of the test harness keeps the host's.
 */
export function install_console(lc: Libc, g: Record<string, unknown>): void {
  if (typeof g.process === 'object') return;
  const out = (...a: unknown[]): void => line(lc, 1, a), err = (...a: unknown[]): void => line(lc, 2, a);
  g.console = Object.freeze({ log: out, info: out, debug: out, error: err, warn: err });
}
