/**
 * Request parsing (lighttpd's request.c): the request line, the header fields and the checks
 * lighttpd 1.4 makes on them. A malformed request yields the status lighttpd answers with (400,
 * 501, 505, ...); the connection is then closed after the answer, as lighttpd does.
 */
import { hexval } from './burl.ts';
import { from_latin1, latin1 } from '../../libc/latin1.ts';
import {
  HDR_CONNECTION, HDR_CONTENT_LENGTH, HDR_HOST, HDR_HTTP2_SETTINGS, HDR_IF_NONE_MATCH, HDR_ONCE, HDR_TRANSFER_ENCODING, HDR_UPGRADE, header_id, Headers,
} from './http_header.ts';

export interface Request {
  method: string;
  /** The request-target as sent ("%r" in the access log uses the whole line). */
  target: string;
  /** The path part before any '?', still percent-encoded. */
  raw_path: string;
  query: string;
  /** 1 for HTTP/1.1, 0 for HTTP/1.0. */
  minor: number;
  request_line: string;
  headers: Headers;
  host: string;
  content_length: number;
  /** Transfer-Encoding: chunked — a body of unknown length, which a static answer leaves unread. */
  chunked: boolean;
  keep_alive: boolean;
  /** The target holds a control character (raw or %-encoded) or a byte UTF-8 never has: 400, judged after the fields. */
  target_bad: boolean;
}

/** An empty request: a connection keeps one and parses each keep-alive request into it. */
export function request_new(): Request {
  return { method: '', target: '', raw_path: '', query: '', minor: 0, request_line: '', headers: new Headers(), host: '', content_length: 0, chunked: false, keep_alive: false, target_bad: false };
}

export interface ParseError { status: number; minor: number; line: string }

/** Methods lighttpd knows (http_method.c); anything else is "501 Not Implemented" with close. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'QUERY', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'ACL',
  'BASELINE-CONTROL', 'BIND', 'CHECKIN', 'CHECKOUT', 'COPY', 'LABEL', 'LINK', 'LOCK', 'MERGE', 'MKACTIVITY',
  'MKCALENDAR', 'MKCOL', 'MKREDIRECTREF', 'MKWORKSPACE', 'MOVE', 'ORDERPATCH', 'PATCH', 'PROPFIND', 'PROPPATCH',
  'REBIND', 'REPORT', 'SEARCH', 'UNBIND', 'UNCHECKOUT', 'UNLINK', 'UNLOCK', 'UPDATE', 'UPDATEREDIRECTREF',
  'VERSION-CONTROL', 'PRI']);

/**
 * lighttpd's default host policy (http-parseopts host-strict, host-normalize): a name of
 * letters, digits and '-' in non-empty labels not opening with '-' (one trailing dot allowed),
 * or a bracketed IPv6 address; then an optional port of 1-65535 without leading zeros.
 */
export function host_valid(h: string): boolean {
  let end = h.length;
  if (h[0] === '[') {
    const e = h.indexOf(']');
    if (e < 0 || !/^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/.test(h.slice(1, e))) return false;
    if (e + 1 < h.length && h[e + 1] !== ':') return false;
    end = e + 1;
  } else {
    const c = h.lastIndexOf(':');
    if (c >= 0) end = c;
    if (!labels_valid(h, end)) return false;
  }
  return end === h.length || port_valid(h, end + 1);
}

const is_alnum = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);

/** h[0, end) as dot-separated labels of letters, digits and '-', none empty or opening with '-'; one trailing dot allowed. */
function labels_valid(h: string, end: number): boolean {
  if (end === 0) return false;
  let start = 0;
  for (let i = 0; i < end; i++) {
    const c = h.charCodeAt(i);
    if (c === 46) {
      if (i === start) return false;
      start = i + 1;
    } else if (!(is_alnum(c) || (c === 45 && i !== start))) return false;
  }
  return start < end || end >= 2; // a trailing dot ends a name that had a label before it
}

/** h[from, end) as a port: 1-65535 without leading zeros (empty is no port). */
function port_valid(h: string, from: number): boolean {
  const n = h.length - from;
  if (n === 0) return true;
  if (n > 5 || h.charCodeAt(from) === 48) return false;
  let v = 0;
  for (let i = from; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    v = v * 10 + c - 48;
  }
  return v <= 65535;
}

function bad(status: number, minor: number, line: string): ParseError { return { status, minor, line }; }

/** Any char of s < 0x20 or 0x7f (a request line's). */
function has_ctl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** tchar (RFC 9110) by code. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/** Any byte of b[from, to) < 0x20 (but HTAB) or 0x7f: has_ctl for a field value. */
function value_has_ctl(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) { const c = b[i]; if ((c < 0x20 && c !== 9) || c === 0x7f) return true; }
  return false;
}

const is_digit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The status for a request line not ending in " HTTP/1.0" or " HTTP/1.1", as lighttpd 1.4's
 * http_request_parse_proto_loose() finds it: the protocol is all after the second space;
 * "HTTP/1.0" or "HTTP/1.1" with more after it is an incomplete line (400), any other
 * "HTTP/..." an unknown version (505), anything else an unknown protocol (400).
 */
function proto_loose(line: string, sp1: number): number {
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 < 0 || sp2 < 0) return 400;
  const p = line.slice(sp2 + 1);
  if (!p.startsWith('HTTP/')) return 400;
  return p.startsWith('HTTP/1.') && (p[7] === '0' || p[7] === '1') ? 400 : 505;
}

const is_ows = (c: number): boolean => c === 32 || c === 9;

/**
 * What lighttpd's URL normalization (burl.c, default http-parseopts) refuses anywhere in the
 * target, raw or %-encoded: control characters, and the bytes that never occur in UTF-8
 * (0xC0, 0xC1, 0xF5-0xFF). A malformed escape ("%zz") stays as it is.
 */
function target_rejected(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    let v = t.charCodeAt(i);
    if (v === 37 && i + 2 < t.length) {
      const h = hexval(t.charCodeAt(i + 1)), l = hexval(t.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) { v = (h << 4) | l; i += 2; }
    }
    if (v < 0x20 || v === 0x7f || v === 0xc0 || v === 0xc1 || v >= 0xf5) return true;
  }
  return false;
}

/** The target without a "#fragment", which a client must not send and lighttpd drops. */
function strip_fragment(t: string): string {
  const h = t.indexOf('#');
  return h < 0 ? t : t.slice(0, h);
}

/** The method as a constant string for the common ones (no slice per request). */
function method_of(line: string, sp: number): string {
  if (sp === 3 && line.startsWith('GET')) return 'GET';
  if (sp === 4 && line.startsWith('HEAD')) return 'HEAD';
  if (sp === 4 && line.startsWith('POST')) return 'POST';
  return line.slice(0, sp);
}

/**
 * The request target as http_request_parse_reqline_uri takes one that does not start with
 * "/": absolute-form "http(s)://host/…" (the host must be 1–1023 bytes and a "/" must follow
 * it), CONNECT's authority (":port" or a digit first), OPTIONS "*"; null for anything else.
 */
function reqline_uri(method: string, uri: string): { host: string; path_q: string } | null {
  const m = /^(https?):\/\//i.exec(uri), slash = m ? uri.indexOf('/', m[0].length) : -1;
  if (m && slash >= 0) {
    const host = uri.slice(m[0].length, slash);
    return host.length === 0 || host.length >= 1024 ? null : { host, path_q: uri.slice(slash) };
  }
  if (method === 'CONNECT' && /^[:0-9]/.test(uri)) return { host: '', path_q: uri };
  if (method === 'OPTIONS' && uri === '*') return { host: '', path_q: uri };
  return null;
}

/**
 * Parses "METHOD SP TARGET SP HTTP/x.y" into r in http_request_parse_reqline's order: the
 * line's length (with its end, eol bytes), the protocol at its end, the method (any unknown
 * one is 501, whatever its bytes), then the target.
 */
function parse_request_line(line: string, r: Request, eol: number): ParseError | null {
  if (line.length + eol < 13) return bad(400, 0, line); // shorter than "x x HTTP/1.0\n": the version is not read
  const minor = line.endsWith(' HTTP/1.1') ? 1 : line.endsWith(' HTTP/1.0') ? 0 : -1;
  const sp1 = line.indexOf(' ');
  if (minor < 0) return bad(has_ctl(line) ? 400 : proto_loose(line, sp1), 0, line);
  const p = line.length - 8; // where "HTTP/1.x" starts; the target ends before the space at p - 1
  const method = method_of(line, sp1);
  if (!KNOWN_METHODS.has(method)) return bad(501, minor, line);
  if (sp1 + 1 === p) return bad(400, minor, line); // no target
  const raw = line.slice(sp1 + 1, p - 1);
  let uri = raw, host = '';
  if (uri[0] !== '/') {
    const u = reqline_uri(method, uri);
    if (!u) return bad(400, minor, line);
    host = u.host; uri = u.path_q;
  }
  if (uri.length === 0) return bad(400, minor, line); // (a space inside is the target's: lighttpd then finds no such file)
  const target = strip_fragment(raw), path_q = uri === raw ? target : strip_fragment(uri);
  if (path_q === '*' && method !== 'OPTIONS') return bad(400, minor, line);
  // Control characters and bytes UTF-8 never has make a 400 that lighttpd gives only after the
  // fields (a Transfer-Encoding it cannot decode is 501 first). CONNECT's target is not normalized.
  r.target_bad = has_ctl(uri) || (method !== 'CONNECT' && target_rejected(path_q));
  const q = path_q.indexOf('?');
  r.method = method; r.target = target; r.minor = minor; r.request_line = line; r.host = host;
  r.raw_path = q < 0 ? path_q : path_q.slice(0, q); r.query = q < 0 ? '' : path_q.slice(q + 1);
  r.headers.clear(); r.content_length = 0; r.chunked = false; r.keep_alive = minor === 1;
  return null;
}

/** li_restricted_strtoint64's Content-Length: digits only, at most 18. */
const CONTENT_LENGTH_RE = /^[0-9]{1,18}$/;

/** Adds the field b[from, to) ("Name: value"; a folded field's first line ends at first_end); lighttpd's rules for names, values, and duplicate Host / Content-Length. */
function add_header(r: Request, b: Uint8Array, from: number, to: number, first_end = to): number {
  // The name: tchars up to the first ':' (none, an empty name or any other byte before it is 400).
  let colon = from;
  while (colon < to && b[colon] !== 58) { if (!TCHAR[b[colon]]) return 400; colon++; }
  if (colon === to || colon === from) return 400;
  let i = colon + 1, j = to;
  // Leading blanks are skipped on the field's first line only (folds are joined afterwards).
  while (i < first_end && is_ows(b[i])) i++;
  while (j > i && is_ows(b[j - 1])) j--;
  if (value_has_ctl(b, i, j)) return 400;
  const id = header_id(b, from, colon);
  if (id < 0 || i === j) return 0; // lighttpd 1.4.69 ignores an empty value, even Host's or Content-Length's
  const value = latin1(b, i, j), prev = r.headers.by_id(id);
  // Transfer-Encoding is judged as its line is read (before a missing Host is noticed): a bad
  // HTTP/1.0 proxy (400), or a coding lighttpd does not decode (501).
  if (id === HDR_TRANSFER_ENCODING && (r.minor !== 1 || value.toLowerCase() !== 'chunked')) return r.minor !== 1 ? 400 : 501;
  if (id === HDR_CONTENT_LENGTH && prev === undefined && !CONTENT_LENGTH_RE.test(value)) return 400; // likewise a bad Content-Length
  // A Host matching the request line's authority is ignored; one that differs is a duplicate.
  if (id === HDR_HOST && r.host) return value.toLowerCase() === r.host.toLowerCase() ? 0 : 400;
  if (prev !== undefined && HDR_ONCE.has(id)) return prev.toLowerCase() === value.toLowerCase() ? 0 : 400;
  if (prev !== undefined && id === HDR_IF_NONE_MATCH) return 0;
  if (prev !== undefined && id === HDR_CONTENT_LENGTH) return 400; // a repeated Content-Length, even an equal one, as lighttpd 1.4.69
  r.headers.set_id(id, prev === undefined ? value : `${prev}, ${value}`);
  return 0;
}

/** Does the comma-separated list v hold token t (lowercase), ASCII case-insensitive? */
function has_list_token(v: string, t: string): boolean {
  for (let i = 0; i <= v.length;) {
    let e = v.indexOf(',', i);
    if (e < 0) e = v.length;
    let a = i, b = e;
    while (a < b && is_ows(v.charCodeAt(a))) a++;
    while (b > a && is_ows(v.charCodeAt(b - 1))) b--;
    if (b - a === t.length && header_token_eq(v, a, t)) return true;
    i = e + 1;
  }
  return false;
}

function header_token_eq(v: string, a: number, t: string): boolean {
  for (let k = 0; k < t.length; k++) {
    let c = v.charCodeAt(a + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== t.charCodeAt(k)) return false;
  }
  return true;
}

const get_or_head = (r: Request): boolean => r.method === 'GET' || r.method === 'HEAD';

/** Host, Content-Length and Connection semantics once all fields are in. */
function finish(r: Request): number {
  const h = r.headers.by_id(HDR_HOST);
  if (r.host && !host_valid(r.host)) return 400;
  if (h !== undefined) {
    if (!host_valid(h)) return 400;
    if (!r.host) r.host = h;
  } else if (r.minor === 1 && !r.host) return 400;
  // "invalid hop-by-hop header w/o HTTP/1.1 -> 400"
  if (r.minor !== 1 && (r.headers.by_id(HDR_UPGRADE) !== undefined || r.headers.by_id(HDR_HTTP2_SETTINGS) !== undefined)) return 400;
  const cl = r.headers.by_id(HDR_CONTENT_LENGTH);
  if (cl !== undefined) {
    r.content_length = Number(cl); // (checked as its line was read)
  }
  const te = r.headers.by_id(HDR_TRANSFER_ENCODING);
  if (te !== undefined) {
    // (HTTP/1.0 with it, and codings other than "chunked", were refused as its line was read.)
    if (cl !== undefined || get_or_head(r)) return 400;
    r.chunked = true;
  }
  // "GET/HEAD with content-length -> 400": lighttpd does not read a body it would ignore.
  if (r.content_length > 0 && get_or_head(r)) return 400;
  if (r.method === 'POST' && cl === undefined && !r.chunked) return 411;
  const conn = r.headers.by_id(HDR_CONNECTION);
  if (conn !== undefined && has_list_token(conn, 'close')) r.keep_alive = false;
  else if (conn !== undefined && has_list_token(conn, 'keep-alive')) r.keep_alive = true;
  return 0;
}

/** head + two spaces + b[next, end): an obs-folded line joined as lighttpd joins it. */
function join_fold(head: Uint8Array, b: Uint8Array, next: number, end: number): Uint8Array {
  const n = head.length, out = new Uint8Array(n + 2 + end - next);
  out.set(head); out[n] = 32; out[n + 1] = 32;
  for (let i = next; i < end; i++) out[n + 2 + i - next] = b[i];
  return out;
}

/**
 * Parses a header block (the bytes before the blank line, b[start, end), lines ending in CRLF)
 * into r; null when r holds the request. The fields are read from the bytes: only the request
 * line and the values lighttpd-lite keeps become strings. lighttpd 1.4.69 wants CRLF after every
 * line (last_bare: the block's last line ended in a bare LF) but takes a bare LF for the blank
 * line that ends the block. A string (tests) is read as latin1.
 */
export function parse_request(block: string | Uint8Array, r: Request, last_bare = false, start = 0, end = block.length, lfs: LineFeeds | null = null): ParseError | null {
  const b = typeof block === 'string' ? from_latin1(block) : block;
  const feeds = lfs ?? line_feeds(b, start, end);
  // The lines (each one's CR), refusing a bare LF anywhere, before the request line is read.
  let nl = 0;
  for (let k = 0; k < feeds.n; k++) {
    const i = feeds.at[k];
    if (i === start || b[i - 1] !== 13) return bad(400, 0, latin1(b, start, i));
    line_ends = lfs_push(line_ends, nl++, i - 1);
  }
  if (last_bare && nl === 0) return bad(400, 0, latin1(b, start, end));
  const e = parse_request_line(latin1(b, start, nl ? line_ends[0] : end), r, nl ? 2 : last_bare ? 1 : 2);
  if (e) return e;
  if (last_bare) return bad(400, r.minor, r.request_line);
  for (let k = 1, from = nl ? line_ends[0] + 2 : end + 1; from < end + 1; k++) {
    const to = k < nl ? line_ends[k] : end;
    const c = from < end ? b[from] : -1;
    if (c === 32 || c === 9) return bad(400, r.minor, r.request_line); // whitespace in the first field's name
    // obs-fold: lines starting with SP/HTAB continue the field, their CRLF read as two spaces.
    let folded: Uint8Array | null = null, next = to + 2;
    while (next < end && (b[next] === 32 || b[next] === 9)) {
      const fe = ++k < nl ? line_ends[k] : end;
      folded = join_fold(folded ?? b.slice(from, to), b, next, fe);
      next = fe + 2;
    }
    const st = folded === null ? add_header(r, b, from, to) : add_header(r, folded, 0, folded.length, to - from);
    if (st) return bad(st, r.minor, r.request_line);
    from = next;
  }
  if (r.target_bad) return bad(400, r.minor, r.request_line);
  const st = finish(r);
  return st ? bad(st, r.minor, r.request_line) : null;
}

/** Where each line of the block being parsed ends (its CR), reused across requests. */
let line_ends: Int32Array = new Int32Array(64);

/** a with v stored at index n, grown when full. */
function lfs_push(a: Int32Array, n: number, v: number): Int32Array {
  if (n === a.length) { const grown = new Int32Array(n * 2); grown.set(a); a = grown; }
  a[n] = v;
  return a;
}

/**
 * The LFs inside a header block, as connections.ts's header_end finds them while it looks for
 * the blank line: parse_request then reads the lines without scanning the bytes again.
 */
export class LineFeeds {
  at: Int32Array = new Int32Array(64);
  n = 0;
  push(i: number): void { this.at = lfs_push(this.at, this.n++, i); }
}

/** The LFs of b[start, end), for a block parsed without header_end's (tests). */
function line_feeds(b: Uint8Array, start: number, end: number): LineFeeds {
  const f = new LineFeeds();
  for (let i = start; i < end; i++) if (b[i] === 10) f.push(i);
  return f;
}
