/**
 * strsignal(3): glibc's description of each signal (sys_siglist), the words a shell prints when
 * a job dies of one ("Segmentation fault", "Killed").
 */
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    strsignal(sig: number): string;
  }
}

/** glibc's sys_siglist, indexed by signal number. */
export const SIGNAL_TEXT: readonly string[] = [
  'Unknown signal 0', 'Hangup', 'Interrupt', 'Quit', 'Illegal instruction', 'Trace/breakpoint trap',
  'Aborted', 'Bus error', 'Floating point exception', 'Killed', 'User defined signal 1',
  'Segmentation fault', 'User defined signal 2', 'Broken pipe', 'Alarm clock', 'Terminated',
  'Stack fault', 'Child exited', 'Continued', 'Stopped (signal)', 'Stopped', 'Stopped (tty input)',
  'Stopped (tty output)', 'Urgent I/O condition', 'CPU time limit exceeded', 'File size limit exceeded',
  'Virtual timer expired', 'Profiling timer expired', 'Window changed', 'I/O possible', 'Power failure',
  'Bad system call',
];

export function strsignal(sig: number): string {
  if (sig >= 34 && sig <= 64) return `Real-time signal ${sig - 34}`;
  return SIGNAL_TEXT[sig] ?? `Unknown signal ${sig}`;
}

Libc.prototype.strsignal = (sig) => strsignal(sig);
