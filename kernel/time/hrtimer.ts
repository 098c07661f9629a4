/**
 * An expiring timer on one clock (the role of struct hrtimer plus hrtimer_forward): it holds
 * the next expiry and the period, and counts expirations lazily against the clock, so a
 * reader always sees how many periods have passed however late it looks. A host timer is
 * armed only to wake whoever waits for the next expiry (a sleeping reader, a poller, SIGALRM).
 */
import type { Task } from '../sched/task.ts';
import { clock_ns } from './posix-timers.ts';

export class KTimer {
  armed = false;
  /** The next expiry, in ns on the timer's clock. */
  next = 0;
  /** The period in ns (0: one-shot). */
  interval = 0;
  private host: NodeJS.Timeout | null = null;

  constructor(readonly clock: number) {}

  now(t: Task): number { return clock_ns(t, this.clock); }

  /** Arms at `value` ns from now (or at absolute `value` on the clock); a zero value disarms. */
  arm(t: Task, value: number, interval: number, abs: boolean): void {
    this.cancel_wake();
    this.interval = interval;
    this.armed = value !== 0;
    this.next = abs ? value : this.now(t) + value;
  }

  /** hrtimer_forward_now: the expirations up to now (advancing next past now, or disarming). */
  expire(t: Task): number {
    if (!this.armed) return 0;
    const now = this.now(t);
    if (now < this.next) return 0;
    if (!this.interval) { this.armed = false; return 1; }
    const n = 1 + Math.floor((now - this.next) / this.interval);
    this.next += n * this.interval;
    return n;
  }

  /** Time left to the next expiry (0 when disarmed). */
  remaining(t: Task): number {
    return this.armed ? Math.max(0, this.next - this.now(t)) : 0;
  }

  /** Calls fn (once) at the next expiry, replacing an earlier request. */
  wake_at(t: Task, fn: () => void): void {
    this.cancel_wake();
    if (!this.armed) return;
    const ms = Math.ceil(this.remaining(t) / 1e6);
    this.host = setTimeout(() => { this.host = null; fn(); }, Math.min(ms, 0x7fffffff));
  }

  cancel_wake(): void {
    if (this.host) { clearTimeout(this.host); this.host = null; }
  }
}
