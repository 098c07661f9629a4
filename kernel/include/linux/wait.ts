/**
 * Wait queue heads (include/linux/wait.h): what a sleeper hangs on and a waker wakes. The
 * sleeping itself (sleep_on, wait_event_interruptible) is kernel/sched/wait.ts.
 */
export interface WaitQueueEntry {
  /** Called by wake_up; for a sleeping task it resolves the sleep. */
  func(): void;
}

export class WaitQueueHead {
  private readonly entries = new Set<WaitQueueEntry>();

  add(e: WaitQueueEntry): void { this.entries.add(e); }
  remove(e: WaitQueueEntry): void { this.entries.delete(e); }
  get active(): boolean { return this.entries.size > 0; }

  /** wake_up(): wakes every waiter (they re-check their condition). */
  wake_up(): void {
    const n = this.entries.size;
    if (n === 0) return;
    if (n === 1) { for (const e of this.entries) { e.func(); return; } }
    // Waking may remove entries (and add new ones): walk a snapshot.
    for (const e of [...this.entries]) e.func();
  }
}
