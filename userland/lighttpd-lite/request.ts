/**
 * Request parsing (lighttpd's request.c): the request line, the header fields and the checks
 * lighttpd 1.4 makes on them. A malformed request yields the status lighttpd answers with (400,
 * 501, 505, ...); the connection is then closed after the answer, as lighttpd does.
 */

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
  headers: Map<string, string>;
  host: string;
  content_length: number;
  keep_alive: boolean;
}

export interface ParseError { status: number; minor: number; line: string }

/** Methods lighttpd knows (http_method.c); anything else is "501 Not Implemented" with close. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'QUERY', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'ACL',
  'BASELINE-CONTROL', 'BIND', 'CHECKIN', 'CHECKOUT', 'COPY', 'LABEL', 'LINK', 'LOCK', 'MERGE', 'MKACTIVITY',
  'MKCALENDAR', 'MKCOL', 'MKREDIRECTREF', 'MKWORKSPACE', 'MOVE', 'ORDERPATCH', 'PATCH', 'PROPFIND', 'PROPPATCH',
  'REBIND', 'REPORT', 'SEARCH', 'UNBIND', 'UNCHECKOUT', 'UNLINK', 'UNLOCK', 'UPDATE', 'UPDATEREDIRECTREF',
  'VERSION-CONTROL', 'PRI']);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

function bad(status: number, minor: number, line: string): ParseError { return { status, minor, line }; }

/** Any byte < 0x20 (but HTAB where allowed) or 0x7f. */
function has_ctl(s: string, allow_tab: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && !(allow_tab && c === 9)) || c === 0x7f) return true;
  }
  return false;
}

const is_digit = (c: number): boolean => c >= 48 && c <= 57;

/** "HTTP/d.d" → 10 * major + minor; -1 for anything else. */
function http_version(p: string): number {
  if (p.length !== 8 || !p.startsWith('HTTP/') || p.charCodeAt(6) !== 46) return -1;
  const a = p.charCodeAt(5), b = p.charCodeAt(7);
  return is_digit(a) && is_digit(b) ? (a - 48) * 10 + (b - 48) : -1;
}

/** s without leading and trailing SP / HTAB (OWS). */
function trim_ows(s: string): string {
  let i = 0, j = s.length;
  while (i < j && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  while (j > i && (s.charCodeAt(j - 1) === 32 || s.charCodeAt(j - 1) === 9)) j--;
  return i === 0 && j === s.length ? s : s.slice(i, j);
}

/** Parses "METHOD SP TARGET SP HTTP/x.y". */
function parse_request_line(line: string): Request | ParseError {
  const guess = line.endsWith(' HTTP/1.1') ? 1 : 0;
  if (line.endsWith('\r') || has_ctl(line, false)) return bad(400, guess, line);
  const parts = line.split(' ');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return bad(400, guess, line);
  const [method, target, proto] = parts;
  const ver = http_version(proto);
  if (ver < 0) return bad(400, 0, line);
  if (ver !== 10 && ver !== 11) return bad(505, 0, line);
  const minor = ver - 10;
  // Every known method is a token: the regex runs only for the others.
  if (!KNOWN_METHODS.has(method)) return bad(TOKEN.test(method) ? 501 : 400, minor, line);
  let path_q = target, host = '';
  const abs = target[0] === '/' ? null : /^https?:\/\/([^/?#]*)(.*)$/i.exec(target);
  if (abs) { host = abs[1]; path_q = abs[2] || '/'; }
  else if (target === '*') { if (method !== 'OPTIONS') return bad(400, minor, line); }
  else if (target[0] !== '/') return bad(400, minor, line);
  const q = path_q.indexOf('?');
  return {
    method, target, raw_path: q < 0 ? path_q : path_q.slice(0, q), query: q < 0 ? '' : path_q.slice(q + 1), minor,
    request_line: line, headers: new Map(), host, content_length: 0, keep_alive: minor === 1,
  };
}

/** Adds one "Name: value" field; lighttpd's rules for names, values, and duplicate Host / Content-Length. */
function add_header(r: Request, line: string): number {
  const colon = line.indexOf(':');
  if (colon <= 0) return 400;
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) return 400;
  const value = trim_ows(line.slice(colon + 1));
  if (has_ctl(value, true)) return 400;
  const key = name.toLowerCase();
  const prev = r.headers.get(key);
  if (key === 'host' || key === 'content-length') {
    if (prev !== undefined && (key === 'host' || prev !== value)) return 400;
  }
  r.headers.set(key, prev === undefined ? value : key === 'cookie' ? `${prev}; ${value}` : `${prev}, ${value}`);
  return 0;
}

/** Host, Content-Length and Connection semantics once all fields are in. */
function finish(r: Request): number {
  const h = r.headers.get('host');
  if (h !== undefined) {
    if (!HOST.test(h) || h === '') return 400;
    if (!r.host) r.host = h;
  } else if (r.minor === 1 && !r.host) return 400;
  const cl = r.headers.get('content-length');
  if (cl !== undefined) {
    if (!/^[0-9]{1,18}$/.test(cl)) return 400;
    r.content_length = Number(cl);
  }
  if (r.headers.has('transfer-encoding')) return r.minor === 1 ? 501 : 400;
  const hdr = r.headers.get('connection');
  const conn = hdr === undefined ? null : hdr.toLowerCase().split(',').map((s) => s.trim());
  if (conn?.includes('close')) r.keep_alive = false;
  else if (conn?.includes('keep-alive')) r.keep_alive = true;
  return 0;
}

/** Parses a header block (the text before the blank line, lines split on CRLF). */
export function parse_request(block: string): Request | ParseError {
  const lines = block.split('\r\n');
  for (const l of lines) if (l.includes('\n')) return bad(400, 0, lines[0].split('\n')[0]);
  const r = parse_request_line(lines[0]);
  if ('status' in r) return r;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i][0] === ' ' || lines[i][0] === '\t') return bad(400, r.minor, r.request_line);
    const st = add_header(r, lines[i]);
    if (st) return bad(st, r.minor, r.request_line);
  }
  const st = finish(r);
  return st ? bad(st, r.minor, r.request_line) : r;
}
