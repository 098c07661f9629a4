/** The job table of an interactive shell (jobs, fg, bg, %N) and how a finished job is reported. */
import { SIGNAL_NAMES } from '../../kernel/include/uapi/signal.ts';

export interface Proc { pid: number; /** wait status once it changed (exited, killed, stopped) */ wstatus: number | null; stopped: boolean }

export class Job {
  id = 0;
  notified = false;
  constructor(public pgid: number, readonly procs: Proc[], readonly text: string) {}
  get done(): boolean { return this.procs.every((p) => p.wstatus !== null && !p.stopped); }
  get stopped(): boolean { return !this.done && this.procs.some((p) => p.stopped) && this.procs.every((p) => p.stopped || p.wstatus !== null); }
  /** The pipeline's status: its last command's (128+N for a death by signal N). */
  get status(): number { return shell_status(this.procs[this.procs.length - 1].wstatus ?? 0); }
}

export function shell_status(ws: number): number {
  if ((ws & 0xff) === 0x7f) return 128 + ((ws >> 8) & 0xff);
  return (ws & 0x7f) === 0 ? (ws >> 8) & 0xff : 128 + (ws & 0x7f);
}

/** strsignal(3)'s descriptions, for "Killed", "Terminated", … after a job. */
const SIG_TEXT: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted',
  7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1', 11: 'Segmentation fault',
  12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated', 19: 'Stopped (signal)',
  20: 'Stopped', 21: 'Stopped (tty input)', 22: 'Stopped (tty output)',
};
export const strsignal = (sig: number): string => SIG_TEXT[sig] ?? `Signal ${sig}`;

/** A signal by number or name (9, KILL, SIGKILL); -1 if unknown. */
export function signal_number(s: string): number {
  if (/^\d+$/.test(s)) { const n = Number(s); return n <= 64 ? n : -1; }
  const name = s.toUpperCase().replace(/^SIG/, '');
  return SIGNAL_NAMES.findIndex((n, i) => i > 0 && n === 'SIG' + name);
}

export const signal_names = (): string[] => SIGNAL_NAMES.slice(1).map((n) => n.slice(3));

/** "Running", "Stopped", "Done", "Done(3)", "Killed" … as jobs(1) prints the state. */
export function job_state(j: Job): string {
  if (j.stopped) { const p = j.procs.find((x) => x.stopped)!; return strsignal((p.wstatus! >> 8) & 0xff); }
  if (!j.done) return 'Running';
  const ws = j.procs[j.procs.length - 1].wstatus!;
  if ((ws & 0x7f) !== 0) return strsignal(ws & 0x7f);
  const code = (ws >> 8) & 0xff;
  return code ? `Done(${code})` : 'Done';
}
