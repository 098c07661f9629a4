/** The error log (lighttpd's log.c): "YYYY-MM-DD HH:MM:SS: (file) message" lines, to server.errorlog or stderr. */
import type { Libc } from '../../libc/index.ts';
import { log_date } from './http_date.ts';

export class ErrorLog {
  constructor(private readonly libc: Libc, private fd = 2) {}

  /** Opens server.errorlog for appending; -1 and errno on failure (the caller reports it). */
  async open(path: string): Promise<number> {
    const l = this.libc;
    const fd = await l.open(path, l.O_WRONLY | l.O_APPEND | l.O_CREAT | l.O_CLOEXEC, 0o644);
    if (fd >= 0) this.fd = fd;
    return fd;
  }

  write(where: string, msg: string): void {
    const l = this.libc;
    const sec = Math.floor((l.clock_ns(l.CLOCK_REALTIME) as number) / 1e9);
    void l.write(this.fd, `${log_date(sec)}: (${where}) ${msg}\n`);
  }
}
