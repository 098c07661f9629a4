/**
 * mod_accesslog with lighttpd's default format, the combined log with the virtual host:
 * %h %V %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i". One line per request, written with
 * one write(2) on an O_APPEND fd, as lighttpd does for a file log.
 */
import type { Libc } from '../../libc/index.ts';
import { clf_date } from './http_date.ts';

export interface LogEntry {
  peer: string; host: string; user: string; time: number; request_line: string;
  status: number; bytes: number; referer?: string; user_agent?: string;
}

/** Escapes '"', '\\' and non-printable bytes as lighttpd's accesslog_append_escaped does. */
function esc(s: string): string {
  let o = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) o += '\\' + s[i];
    else if (c < 0x20 || c >= 0x7f) o += '\\x' + c.toString(16).padStart(2, '0');
    else o += s[i];
  }
  return o;
}

export class AccessLog {
  private constructor(private readonly libc: Libc, private readonly fd: number) {}

  static async open(libc: Libc, path: string): Promise<AccessLog | number> {
    const fd = await libc.open(path, libc.O_WRONLY | libc.O_APPEND | libc.O_CREAT | libc.O_CLOEXEC, 0o644);
    return fd < 0 ? -libc.errno : new AccessLog(libc, fd);
  }

  log(e: LogEntry): void {
    const line = `${e.peer} ${e.host ? esc(e.host) : '-'} ${e.user || '-'} ${clf_date(e.time)} "${esc(e.request_line)}" ` +
      `${e.status} ${e.bytes} "${esc(e.referer ?? '-')}" "${esc(e.user_agent ?? '-')}"\n`;
    void this.libc.write(this.fd, line);
  }
}
