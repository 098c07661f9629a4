/**
 * Sleeping on wait queues (kernel/sched/wait.c). A sleeping task's syscall Promise stays pending;
 * wake_up runs each entry's wake function (include/linux/wait.ts), which makes the task runnable.
 */
import { WaitQueueHead, type WaitQueueEntry } from '../include/linux/wait.ts';

export { WaitQueueHead, type WaitQueueEntry };
import { MODE_KERNEL } from '../arch/cpu.ts';
import { ERESTARTSYS } from '../include/uapi/errno.ts';
import { switch_to } from './core.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import { TASK_INTERRUPTIBLE, TASK_RUNNING } from '../include/linux/sched.ts';
import type { Task } from './task.ts';

/** Sleeps t on every queue in wqs until woken (or the timeout in ms passes). */
export function sleep_on(t: Task, wqs: readonly WaitQueueHead[], timeout_ms = -1): Promise<void> {
  const k = t.kernel;
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const entry: WaitQueueEntry = {
      func() {
        if (t.sleeping !== entry) return;
        t.sleeping = null;
        if (timer) clearTimeout(timer);
        for (const wq of wqs) wq.remove(entry);
        t.state = TASK_RUNNING;
        k.nr_running++;
        resolve();
      },
    };
    for (const wq of wqs) wq.add(entry);
    t.sleeping = entry;
    t.state = TASK_INTERRUPTIBLE;
    k.nr_running--;
    // Host timers hold at most 2^31-1 ms; a longer sleep wakes early and its caller sleeps again.
    if (timeout_ms >= 0) timer = setTimeout(() => entry.func(), Math.min(timeout_ms, 0x7fffffff));
  }).then(() => switch_to(t, MODE_KERNEL));
}

/**
 * wait_event_interruptible(): sleeps until cond() holds. Resolves 0, or -ERESTARTSYS when a
 * signal arrived first (the syscall exit path turns it into EINTR or a restart).
 */
export async function wait_event_interruptible(t: Task, wq: WaitQueueHead | readonly WaitQueueHead[],
                                               cond: () => boolean): Promise<number> {
  const wqs = Array.isArray(wq) ? wq : [wq as WaitQueueHead];
  while (!cond()) {
    if (signal_pending(t)) return -ERESTARTSYS;
    await sleep_on(t, wqs);
  }
  return 0;
}

/** Wakes t if it sleeps interruptibly (signal_wake_up). */
export function wake_up_task(t: Task): void {
  t.sleeping?.func();
}

/**
 * The one continuation for a call that may sleep: fn runs on r now, or once the sleep ends —
 * back on t in kernel mode, so no continuation can forget to switch_to its task again.
 */
export function sys_then<T, R>(t: Task, r: T | Promise<T>, fn: (v: T) => R | Promise<R>): R | Promise<R> {
  return r instanceof Promise ? r.then((v: T) => { switch_to(t, MODE_KERNEL); return fn(v); }) : fn(r);
}
