/** Signal inlines of include/linux/sched/signal.h. */
import { SIGKILL } from '../../uapi/signal.ts';
import type { Task } from '../../../sched/task.ts';

/** sigmask() of include/linux/signal.h, within the word (lo: 1–32, hi: 33–64) the signal lives in. */
export const sigmask = (sig: number): number => 1 << ((sig - 1) & 31);

/** Is an unblocked signal pending? */
export function signal_pending(t: Task): boolean {
  return (t.pending_lo & ~t.blocked_lo) !== 0 || (t.pending_hi & ~t.blocked_hi) !== 0 ||
    (t.pending_lo & sigmask(SIGKILL)) !== 0 || t.jobctl_stop_pending;
}
