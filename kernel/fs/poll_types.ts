/** poll(2) event bits (include/uapi/asm-generic/poll.h) and the poll_table (include/linux/poll.h). */
import type { WaitQueueHead } from '../sched/wait.ts';

export const POLLIN = 0x001, POLLPRI = 0x002, POLLOUT = 0x004, POLLERR = 0x008;
export const POLLHUP = 0x010, POLLNVAL = 0x020, POLLRDNORM = 0x040, POLLRDBAND = 0x080;
export const POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLMSG = 0x400, POLLRDHUP = 0x2000;

/** poll_wait() target: a file's poll method registers each of its wait queues here. */
export interface PollTable {
  wait(wq: WaitQueueHead): void;
}

export function poll_wait(pt: PollTable | null, wq: WaitQueueHead): void {
  if (pt) pt.wait(wq);
}
