/** The poll_table (include/linux/poll.h); the event bits are uapi (include/uapi/poll.ts). */
import type { WaitQueueHead } from '../sched/wait.ts';

export * from '../include/uapi/poll.ts';

/** poll_wait() target: a file's poll method registers each of its wait queues here. */
export interface PollTable {
  wait(wq: WaitQueueHead): void;
}

export function poll_wait(pt: PollTable | null, wq: WaitQueueHead): void {
  if (pt) pt.wait(wq);
}
