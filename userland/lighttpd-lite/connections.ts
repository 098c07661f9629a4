/**
 * Connections (lighttpd's connections.c): the per-connection state machine over non-blocking
 * sockets — read the header block, read (and discard) any body, answer, write with writev(2)
 * and sendfile(2), then keep-alive (serving pipelined requests already buffered) or close.
 * Malformed input gets its status and the connection closes; the header block is bounded by
 * server.max-request-field-size (431), the body by server.max-request-size (413).
 */
import type { Server } from './base.ts';
import { conf_int, RequestConfig } from './configfile_glue.ts';
import { http_response_prepare, is_promise, type Prepared } from './response_prepare.ts';
import { LineFeeds, parse_request, request_new, type Request } from './request.ts';
import { body_length, type FileChunk, response_header, response_new, set_error, type Response } from './response.ts';
import { ByteBuf } from './buffer.ts';
import { latin1 } from '../../libc/latin1.ts';
import { stat_cache_release } from './stat_cache.ts';

export type ConnState = 'read' | 'body' | 'write' | 'closed';

export class Connection {
  /** Bytes read and not yet consumed; reused across keep-alive requests. */
  readonly rbuf = new ByteBuf(4096);
  state: ConnState = 'read';
  req: Request | null = null;
  /** The request object every keep-alive request on this connection is parsed into. */
  readonly request = request_new();
  body_left = 0;
  requests = 0;
  /** Last activity, in seconds. */
  active: number;
  eof = false;
  close_after = false;
  /** Unsent header (and in-memory body) bytes, reused across responses; the file range still to send. */
  readonly out_hdr = new ByteBuf(1024);
  out_file: FileChunk | null = null;
  /** The file body is large enough to go with sendfile(2) (SENDFILE_MIN). */
  out_sendfile = false;
  log_status = 0;
  log_bytes = 0;
  log_user = '';
  want_out = false;
  /** A CRLF after the last request may be skipped (skip_crlf). */
  skip_crlf = false;
  /** Failed credentials: the answer waits until this second (auth.delay-invalid-creds). */
  delay_until = 0;

  constructor(readonly fd: number, readonly peer: string, now: number) { this.active = now; }
}

/** The user-memory buffers one server shares across connections (one request is handled at a time). */
export interface IoBufs {
  rbuf: number; rsize: number; hdr: number; hsize: number; body: number; bsize: number; iov: number; off: number;
  /** The iov_base each of the two iovec slots holds now (it rarely changes: only its length is written per response). */
  iov_base: [number, number];
}

/** Sets iovec slot i of io.iov to (base, len), writing the base only when it changed. */
function iov_set(h: ConnHost, i: number, base: number, len: number): void {
  const l = h.srv.libc, io = h.io, at = io.iov + i * 16;
  if (io.iov_base[i] !== base) { l.poke_u64(at, base); io.iov_base[i] = base; }
  l.poke_u64(at + 8, len);
}

export interface ConnHost {
  srv: Server;
  io: IoBufs;
  /** Switches the fd's epoll interest between EPOLLIN and EPOLLOUT. */
  watch(c: Connection, out: boolean): void;
  close(c: Connection): void;
}

/** Reads what the socket holds (up to 64 KiB per call); sets eof on end of stream or error. */
export function conn_read(h: ConnHost, c: Connection): void {
  const l = h.srv.libc;
  for (let round = 0; round < 4; round++) {
    const n = l.read(c.fd, h.io.rbuf, h.io.rsize) as number;
    if (n > 0) {
      c.rbuf.reserve(n);
      l.peek_into(h.io.rbuf, c.rbuf.b, c.rbuf.end, n);
      c.rbuf.end += n;
      c.active = h.srv.now;
      if (n < h.io.rsize) return;
      continue;
    }
    if (n === 0 || l.errno !== l.EAGAIN) c.eof = true;
    return;
  }
}

/** Where the block's terminator ends and whether its last line ended in a bare LF (set by header_end: no tuple per request). */
let block_next = 0, block_last_bare = false;
/** The LFs inside the block header_end found last (parse_request reads its lines from them). */
const lfs = new LineFeeds();

/** The end of the header block in rb (its last line's CR or LF), or -1 while incomplete; the blank line may be a bare LF. */
function header_end(rb: ByteBuf): number {
  const b = rb.b;
  lfs.n = 0;
  for (let i = rb.start; i + 1 < rb.end; i++) {
    if (b[i] !== 10) continue;
    const next = b[i + 1] === 10 ? i + 2 : b[i + 1] === 13 && i + 2 < rb.end && b[i + 2] === 10 ? i + 3 : 0;
    if (next === 0) { lfs.push(i); continue; } // a line of the block ends here
    block_next = next;
    block_last_bare = !(i > rb.start && b[i - 1] === 13);
    return block_last_bare ? i : i - 1;
  }
  return -1;
}

/** Queues a response: the header (and an in-memory body) as bytes, a file body as a range. */
function queue(h: ConnHost, c: Connection, r: Response, minor: number, keep_alive: boolean): void {
  const srv = h.srv;
  c.out_hdr.clear();
  response_header(c.out_hdr, r, minor, keep_alive, srv.headers, srv.now);
  const send_body = !r.head_only && r.status !== 304;
  if (send_body && r.body) c.out_hdr.put_bytes(r.body);
  if (r.file && !send_body) { stat_cache_release(srv, r.file.sce); r.file = null; }
  c.out_file = r.file;
  c.out_sendfile = r.file !== null && r.file.len >= SENDFILE_MIN;
  c.log_status = r.status;
  c.log_bytes = send_body ? body_length(r) : 0;
  c.close_after = !keep_alive;
  c.skip_crlf = keep_alive;
  c.state = 'write';
}

/** Answers a request that could not be parsed (or exceeded a limit) and closes afterwards. */
function queue_error(h: ConnHost, c: Connection, status: number, minor: number, line: string): void {
  h.srv.errorlog && status === 431 && h.srv.errorlog.write('connections.ts', 'oversized request-header -> sending Status 431');
  c.req = request_new();
  c.req.minor = minor; c.req.request_line = line;
  queue(h, c, set_error(response_new(), status), minor, false);
}

/**
 * lighttpd skips one CRLF (or LF) after a request, as a client may send after a POST body; a
 * blank line opening a connection, or a second one, is an empty request line (400).
 * False while a lone CR waits for its LF.
 */
function skip_crlf(c: Connection): boolean {
  const rb = c.rbuf, b = rb.b, s = rb.start;
  if (rb.length === 0) return true;
  if (b[s] === 13 && rb.length < 2) return false;
  if (b[s] === 10) rb.consume(1);
  else if (b[s] === 13 && b[s + 1] === 10) rb.consume(2);
  c.skip_crlf = false;
  return true;
}

/** Parses the next request out of rbuf; false while more bytes are needed. */
function next_request(h: ConnHost, c: Connection): boolean {
  const srv = h.srv;
  const rb = c.rbuf;
  if (c.skip_crlf && !skip_crlf(c)) return false;
  const end = header_end(rb);
  if (end < 0) {
    if (rb.length > srv.max_request_field_size) { queue_error(h, c, 431, 0, ''); return true; }
    return false;
  }
  const start = rb.start, block_len = end - start;
  if (block_len > srv.max_request_field_size) {
    const line = latin1(rb.b, start, end).split('\r\n')[0];
    rb.consume(block_next - start);
    queue_error(h, c, 431, 0, line);
    return true;
  }
  // Parsed in place, then consumed (the strings it keeps are copies).
  const req = c.request, e = parse_request(rb.b, req, block_last_bare, start, end, lfs);
  rb.consume(block_next - start);
  if (e) { queue_error(h, c, e.status, e.minor, e.line); return true; }
  // server.max-request-size (KiB) matters only for a request with a body.
  const max_kb = req.content_length === 0 ? 0
    : conf_int(RequestConfig.for(srv.config, { url: req.raw_path, host: req.host, querystring: req.query, method: req.method, useragent: '', referer: '', remoteip: c.peer }), 'server.max-request-size', 0);
  if (max_kb > 0 && req.content_length > max_kb * 1024) {
    srv.errorlog.write('connections.ts', `request-size too long: ${req.content_length} -> 413`);
    queue_error(h, c, 413, req.minor, req.request_line);
    return true;
  }
  c.req = req;
  c.body_left = req.content_length;
  c.state = 'body';
  return true;
}

/** Discards body bytes as they arrive; true once the whole body is in. */
function drain_body(c: Connection): boolean {
  const take = Math.min(c.body_left, c.rbuf.length);
  c.rbuf.consume(take);
  c.body_left -= take;
  return c.body_left === 0;
}

/** Prepares and queues the answer; a promise only when preparing it has to wait for a syscall. */
function answer(h: ConnHost, c: Connection): Promise<void> | undefined {
  const req = c.req!;
  c.requests++;
  const p = http_response_prepare(h.srv, req, c.peer);
  if (is_promise(p)) return p.then((x) => answered(h, c, req, x));
  answered(h, c, req, p);
  return undefined;
}

function answered(h: ConnHost, c: Connection, req: Request, p: Prepared): void {
  c.log_user = p.user;
  if (p.delay) c.delay_until = h.srv.now + 1;
  // lighttpd answers static requests without reading their body, and then cannot keep the connection.
  const ka = req.keep_alive && !p.close && req.content_length === 0 && !req.chunked && c.requests < h.srv.max_keep_alive_requests && !c.eof;
  queue(h, c, p.resp, req.minor, ka);
}

/**
 * lighttpd 1.4.69's choice on this machine (strace of network_write.c's writers): a file body
 * under 16 KiB is pread into memory and leaves with the header in one writev(2); a larger one
 * leaves after the header through sendfile(2) (network_write_file_chunk_sendfile).
 */
export const SENDFILE_MIN = 16384;

/**
 * Sends queued bytes: the header (with a small file body, pread, in the same writev), then a
 * large file body with sendfile. 'done', 'again' (socket full: wait for EPOLLOUT) or 'error'.
 */
export function conn_write(h: ConnHost, c: Connection): 'done' | 'again' | 'error' {
  for (;;) {
    const hl = c.out_hdr.length, f = c.out_file;
    if (!hl && (!f || f.len === 0)) return 'done';
    const r = hl || !c.out_sendfile ? write_vec(h, c) : write_sendfile(h, c, f!);
    if (r !== 'done') return r;
  }
}

/** One writev(2): header bytes and, for a small file body, up to one buffer of it. */
function write_vec(h: ConnHost, c: Connection): 'done' | 'again' | 'error' {
  const l = h.srv.libc, io = h.io, f = c.out_file;
  let hl = 0, bl = 0, cnt = 0;
  if (c.out_hdr.length) {
    hl = Math.min(c.out_hdr.length, io.hsize);
    l.poke_from(io.hdr, c.out_hdr.b, c.out_hdr.start, hl);
    iov_set(h, 0, io.hdr, hl); cnt = 1;
  }
  if (f && f.len > 0 && !c.out_sendfile && hl < io.hsize) {
    const n = l.pread(f.fd, io.body, Math.min(f.len, io.bsize), f.off) as number;
    if (n <= 0) return 'error';
    bl = n;
    iov_set(h, cnt, io.body, bl); cnt++;
  }
  const w = l.writev(c.fd, io.iov, cnt) as number;
  if (w < 0) return l.errno === l.EAGAIN ? 'again' : 'error';
  c.active = h.srv.now;
  const from_hdr = Math.min(w, hl);
  if (from_hdr) c.out_hdr.consume(from_hdr);
  if (f && w > hl) { f.off += w - hl; f.len -= w - hl; }
  return w < hl + bl ? 'again' : 'done';
}

/** sendfile(2) of the rest of the file range; the kernel advances the offset it is given. */
function write_sendfile(h: ConnHost, c: Connection, f: FileChunk): 'done' | 'again' | 'error' {
  const l = h.srv.libc, io = h.io;
  l.poke_u64(io.off, f.off);
  const w = l.sendfile(c.fd, f.fd, io.off, f.len) as number;
  if (w < 0) return l.errno === l.EAGAIN ? 'again' : 'error';
  if (w === 0) return 'error'; // the file shrank under us: the promised length cannot be sent
  c.active = h.srv.now;
  f.off += w; f.len -= w;
  return f.len > 0 ? 'again' : 'done';
}

/** After a response went out: log it, then keep the connection for the next request or close it. */
function finish(h: ConnHost, c: Connection): boolean {
  const srv = h.srv, req = c.req!;
  if (c.out_file) { stat_cache_release(srv, c.out_file.sce); c.out_file = null; }
  srv.accesslog?.log({
    peer: c.peer, host: req.host, user: c.log_user, time: srv.now, request_line: req.request_line, status: c.log_status,
    bytes: c.log_bytes, referer: req.headers.get('referer'), user_agent: req.headers.get('user-agent'),
  });
  c.req = null; c.log_user = '';
  if (c.close_after) { h.close(c); return false; }
  c.state = 'read';
  return true;
}

/** Drives one connection as far as it can go without blocking; a promise while an answer waits for a syscall. */
export function conn_process(h: ConnHost, c: Connection): Promise<void> | undefined {
  for (;;) {
    if (c.state === 'closed') return;
    if (c.state === 'write') {
      if (c.delay_until > h.srv.now) return;
      const r = conn_write(h, c);
      if (r === 'error') { h.close(c); return; }
      if (r === 'again') { if (!c.want_out) { c.want_out = true; h.watch(c, true); } return; }
      if (c.want_out) { c.want_out = false; h.watch(c, false); }
      if (!finish(h, c)) return;
      continue;
    }
    if (c.state === 'read' && !next_request(h, c)) { if (c.eof) h.close(c); return; }
    if (c.state === 'body') {
      if (!drain_body(c)) { if (c.eof) h.close(c); return; }
      const a = answer(h, c);
      if (a) return a.then(() => conn_process(h, c));
    }
  }
}
