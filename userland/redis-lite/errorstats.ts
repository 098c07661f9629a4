/**
 * The error counters of server.c/networking.c: every error reply a client gets is counted in
 * total_error_replies and under its code in INFO errorstats ("-WRONGTYPE …" under WRONGTYPE,
 * a message without its own code under ERR), as afterErrorReply does; call() and
 * rejectCommand turn "an error happened during this command" into failed_calls/rejected_calls.
 */
import type { ErrorSink } from './resp.ts';

export class ErrorStats implements ErrorSink {
  total = 0;
  /** error code → count (incrementErrorCount's rax). */
  codes = new Map<string, number>();
  /** incrCommandStatsOnError's prev_err_count: `total` when the last command's stats were settled. */
  settled = 0;

  error_reply(msg: string): void {
    this.total++;
    // The code is the first word of a "-CODE msg" reply, looked for in its first 32 bytes.
    let code = 'ERR';
    if (msg.charCodeAt(0) === 0x2d) {
      const sp = msg.indexOf(' ');
      if (sp > 0 && sp < 32) code = msg.slice(1, sp);
    }
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
  }

  /**
   * An error reply already counted where it arose (ERR_REPLY_FLAG_NO_STATS_UPDATE): not counted
   * again, but the command replying it still failed (afterErrorReply's realcmd->failed_calls++).
   */
  uncounted = false;
  error_reply_uncounted(): void { this.uncounted = true; }

  /** True if an error was replied since the last settle (and settles): incrCommandStatsOnError's prev_err_count. */
  settle(): boolean {
    const more = this.total > this.settled || this.uncounted;
    this.settled = this.total;
    this.uncounted = false;
    return more;
  }

  reset(): void { this.total = this.settled = 0; this.uncounted = false; this.codes = new Map(); }

  /** INFO errorstats lines, in the rax's (byte) order. */
  lines(): [string, string][] {
    return [...this.codes.keys()].sort().map((k) => [`errorstat_${k}`, `count=${this.codes.get(k)}`]);
  }
}
