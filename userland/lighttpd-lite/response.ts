/**
 * Responses (lighttpd's response.c, http_kv.c and http-header-glue.c): the status line, the
 * header order lighttpd emits, the built-in error page, and the body source — bytes in memory
 * or a range of an open file, which connections.ts sends with writev(2) or sendfile(2).
 */
import { ByteBuf } from './buffer.ts';
import { http_date } from './http_date.ts';
import { from_latin1 } from '../../libc/latin1.ts';
import type { StatCacheEntry } from './stat_cache.ts';

const REASONS: Record<number, string> = {
  200: 'OK', 206: 'Partial Content', 301: 'Moved Permanently', 304: 'Not Modified', 400: 'Bad Request',
  401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  411: 'Length Required', 412: 'Precondition Failed', 413: 'Payload Too Large', 414: 'URI Too Long', 416: 'Range Not Satisfiable',
  417: 'Expectation Failed', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
  501: 'Not Implemented', 503: 'Service Unavailable', 505: 'HTTP Version Not Supported',
};

export function reason(status: number): string { return REASONS[status] ?? 'Unknown'; }

export interface Response {
  status: number;
  /** Header lines a handler keeps encoded (a static file's Content-Type, ETag, Last-Modified), sent first. */
  pre: Uint8Array | null;
  /** Headers set by handlers, in order (Allow, Location, WWW-Authenticate, ...): name, value, name, value... */
  headers: string[];
  /** Headers lighttpd emits after Content-Length (Accept-Ranges, Content-Range), flat as headers. */
  late: string[];
  body: Uint8Array | null;
  /** A file range to send: the stat cache's fd (released by the connection), offset, length. */
  file: FileChunk | null;
  /** HEAD: the headers describe the body, which is not sent. */
  head_only: boolean;
  /** No Content-Length at all (304). */
  no_length: boolean;
}

export interface FileChunk { sce: StatCacheEntry; fd: number; off: number; len: number }

export function response_new(status = 200): Response {
  return { status, pre: null, headers: [], late: [], body: null, file: null, head_only: false, no_length: false };
}

const enc = new TextEncoder();

/** The built-in error page (http_response_body_error / the static error document). */
export function error_page(status: number): Uint8Array {
  const title = `${status} ${reason(status)}`;
  return enc.encode(`<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
         "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>${title}</title>
 </head>
 <body>
  <h1>${title}</h1>
 </body>
</html>
`);
}

/** Turns r into an error response: text/html error page, earlier handler headers kept (WWW-Authenticate). */
export function set_error(r: Response, status: number): Response {
  r.status = status;
  r.pre = null;
  const auth = r.headers.indexOf('WWW-Authenticate');
  r.headers = auth >= 0 ? r.headers.slice(auth, auth + 2) : [];
  r.late = [];
  r.headers.push('Content-Type', 'text/html');
  r.body = error_page(status);
  r.file = null;
  r.no_length = false;
  return r;
}

/** Does this status carry the error page? (4xx/5xx.) */
export function is_error(status: number): boolean { return status >= 400; }

/** The body length a client is told in Content-Length. */
export function body_length(r: Response): number {
  return r.file ? r.file.len : r.body ? r.body.length : 0;
}

function put_fields(out: ByteBuf, kv: string[]): void {
  for (let i = 0; i < kv.length; i += 2) { out.put_str(kv[i]); out.put_str(': '); out.put_str(kv[i + 1]); out.put_str('\r\n'); }
}

/** "Name: value\r\n" lines for the pairs in kv, as bytes (latin1). */
export function field_lines(kv: string[]): Uint8Array {
  const out = new ByteBuf(256);
  put_fields(out, kv);
  return out.b.slice(0, out.end);
}

/** Encoded lines that change at most once a second or never: the status line by (minor, status), Date, Server. */
export class HeaderCache {
  private readonly status = new Map<number, Uint8Array>();
  private date_at = -1;
  private date_line: Uint8Array = new Uint8Array(0);
  readonly server_line: Uint8Array;

  constructor(server_tag: string) { this.server_line = server_tag ? field_lines(['Server', server_tag]) : new Uint8Array(0); }

  status_line(minor: number, status: number): Uint8Array {
    const key = status * 2 + minor;
    let b = this.status.get(key);
    if (!b) {
      const out = new ByteBuf(64);
      out.put_str(minor ? 'HTTP/1.1 ' : 'HTTP/1.0 '); out.put_uint(status); out.put_str(' '); out.put_str(reason(status)); out.put_str('\r\n');
      b = out.b.slice(0, out.end);
      this.status.set(key, b);
    }
    return b;
  }

  /** "Date: …" for the second now (made once per second, as lighttpd caches its date string). */
  date(now: number): Uint8Array {
    if (this.date_at !== now) { this.date_at = now; this.date_line = field_lines(['Date', http_date(now)]); }
    return this.date_line;
  }
}

const CONTENT_LENGTH = from_latin1('Content-Length: '), CLOSE = from_latin1('Connection: close\r\n'), KEEP_ALIVE = from_latin1('Connection: keep-alive\r\n');

/** Appends the status line and headers, in lighttpd's order, ending in CRLFCRLF, to out. */
export function response_header(out: ByteBuf, r: Response, minor: number, keep_alive: boolean, hc: HeaderCache, now: number): void {
  out.put_bytes(hc.status_line(minor, r.status));
  if (r.pre) out.put_bytes(r.pre);
  put_fields(out, r.headers);
  if (!r.no_length) { out.put_bytes(CONTENT_LENGTH); out.put_uint(body_length(r)); out.put_str('\r\n'); }
  put_fields(out, r.late);
  if (!keep_alive) out.put_bytes(CLOSE);
  else if (minor === 0) out.put_bytes(KEEP_ALIVE);
  out.put_bytes(hc.date(now));
  out.put_bytes(hc.server_line);
  out.put_str('\r\n');
}
