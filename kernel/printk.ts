/**
 * The kernel log (kernel/printk/printk.c): a bounded ring of records with a level and a
 * timestamp, read by syslog(2), /dev/kmsg-style dumps and `privos dmesg`.
 */
export const KERN_EMERG = 0, KERN_ALERT = 1, KERN_CRIT = 2, KERN_ERR = 3;
export const KERN_WARNING = 4, KERN_NOTICE = 5, KERN_INFO = 6, KERN_DEBUG = 7;

/** One record; facility is syslog's (0 kernel, 1 user: /dev/kmsg writes). */
export interface LogRecord { readonly seq: number; readonly ts_ns: number; readonly level: number; readonly text: string; readonly facility?: number }

/** CONFIG_LOG_BUF_SHIFT=17: 128 KiB of text. */
export const LOG_BUF_LEN = 1 << 17;

export class LogBuffer {
  private readonly records: LogRecord[] = [];
  private bytes = 0;
  private seq = 0;
  /** Mirror of every record (e.g. the host's stderr with `privos run --dmesg`). */
  echo: ((line: string) => void) | null = null;
  /** Called after each new record (readers of /dev/kmsg wait on it). */
  readonly watchers = new Set<() => void>();

  constructor(private readonly now_ns: () => number) {}

  printk(level: number, text: string, facility = 0): void {
    for (const line of text.split('\n')) {
      const r: LogRecord = { seq: this.seq++, ts_ns: this.now_ns(), level, text: line, facility };
      this.records.push(r);
      this.bytes += line.length + 1;
      while (this.bytes > LOG_BUF_LEN) this.bytes -= this.records.shift()!.text.length + 1;
      this.echo?.(format_record(r));
    }
    for (const w of this.watchers) w();
  }

  /** The next sequence number to be written. */
  get next_seq(): number { return this.seq; }

  /** All records still in the ring, oldest first. */
  all(): readonly LogRecord[] { return this.records; }

  /** The ring as dmesg prints it. */
  text(): string { return this.records.map(format_record).join('\n') + (this.records.length ? '\n' : ''); }

  clear(): void { this.records.length = 0; this.bytes = 0; }
}

/** `[    1.234567] text`, as dmesg prints a record. */
export function format_record(r: LogRecord): string {
  const us = Math.floor(r.ts_ns / 1000);
  const s = Math.floor(us / 1e6).toString().padStart(5, ' ');
  return `[${s}.${(us % 1e6).toString().padStart(6, '0')}] ${r.text}`;
}
