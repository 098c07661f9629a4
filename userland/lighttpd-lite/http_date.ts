/** HTTP dates (lighttpd's http_date.c): IMF-fixdate out, the three RFC 7231 forms in, and the access-log time. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function p2(n: number): string { return n < 10 ? '0' + n : String(n); }

/** "Wed, 02 Dec 2026 07:48:39 GMT" for a time in seconds since the epoch. */
export function http_date(sec: number): string {
  const d = new Date(sec * 1000);
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`;
}

/** "[02/Dec/2026:07:49:44 +0000]" (the access log's %t, in UTC). */
export function clf_date(sec: number): string {
  const d = new Date(sec * 1000);
  return `[${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000]`;
}

/** "2026-12-02 07:48:39" (the error log's prefix). */
export function log_date(sec: number): string {
  const d = new Date(sec * 1000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

const RFC1123 = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;
const RFC850 = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d\d)-(\w{3})-(\d\d) (\d\d):(\d\d):(\d\d) GMT$/;
const ASCTIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\w{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})$/;

function mk(y: number, mon: string, d: number, h: number, mi: number, s: number): number | null {
  const m = MONTHS.indexOf(mon);
  if (m < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  return Date.UTC(y, m, d, h, mi, s) / 1000;
}

/** Seconds since the epoch for an HTTP date, or null when it is not one. */
export function http_date_parse(s: string): number | null {
  let m = RFC1123.exec(s);
  if (m) return mk(+m[3], m[2], +m[1], +m[4], +m[5], +m[6]);
  m = RFC850.exec(s);
  if (m) return mk(+m[3] + (+m[3] < 70 ? 2000 : 1900), m[2], +m[1], +m[4], +m[5], +m[6]);
  m = ASCTIME.exec(s);
  if (m) return mk(+m[6], m[1], +m[2].trim(), +m[3], +m[4], +m[5]);
  return null;
}
