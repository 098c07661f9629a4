/**
 * mod_staticfile (with http-header-glue.c's http_response_send_file): a regular file as the
 * body, with Content-Type from mimetype.assign, ETag, Last-Modified, conditional requests
 * (If-None-Match, then If-Modified-Since → 304) and Range (206, multipart/byteranges for several, 416).
 */
import type { Server } from './base.ts';
import { conf_bool, conf_pairs, type RequestConfig } from './configfile_glue.ts';
import { etag_create, etag_matches } from './etag.ts';
import { http_date_parse } from './http_date.ts';
import { http_range_parse } from './http_range.ts';
import type { Request } from './request.ts';
import { ByteBuf } from './buffer.ts';
import { field_lines, set_error, type Response } from './response.ts';
import { stat_cache_open, stat_cache_release, type StatCacheEntry } from './stat_cache.ts';

/** mimetype.assign: the longest matching suffix wins; application/octet-stream otherwise. */
export function mimetype(rc: RequestConfig, path: string): string {
  let best = '', type = 'application/octet-stream';
  for (const [suffix, t] of conf_pairs(rc, 'mimetype.assign')) {
    if (typeof t === 'string' && path.endsWith(suffix) && suffix.length >= best.length) { best = suffix; type = t; }
  }
  return type;
}

/**
 * http_response_handle_cachable: a matching If-None-Match is 304 for GET/HEAD and 412 for any
 * other method; without it, If-Modified-Since (GET/HEAD only) may give 304. 0: serve.
 */
function cachable_status(req: Request, etag: string, mtime: number, lm: string): number {
  const get_head = req.method === 'GET' || req.method === 'HEAD';
  const inm = req.headers.get('if-none-match');
  if (inm !== undefined) return etag_matches(etag, inm, true) ? (get_head ? 304 : 412) : 0;
  const ims = req.headers.get('if-modified-since');
  if (!get_head || ims === undefined) return 0;
  if (ims === lm) return 304;
  const t = http_date_parse(ims);
  return t !== null && mtime <= t ? 304 : 0;
}

/** If-Range: the range applies only while the validator still names this file. */
function if_range_ok(req: Request, etag: string, lm: string): boolean {
  const ir = req.headers.get('if-range');
  return ir === undefined || ir === etag || ir === lm;
}

/** The entry's ETag under this request's etag.use-* flags (cached in the entry), or ''. */
function etag_of(rc: RequestConfig, sce: StatCacheEntry): string {
  if (!conf_bool(rc, 'static-file.etags', true)) return '';
  const inode = conf_bool(rc, 'etag.use-inode', true), mtime = conf_bool(rc, 'etag.use-mtime', true), size = conf_bool(rc, 'etag.use-size', true);
  const flags = (inode ? 1 : 0) | (mtime ? 2 : 0) | (size ? 4 : 0);
  if (sce.etag_flags !== flags) { sce.etag = etag_create(sce.st, { inode, mtime, size }); sce.etag_flags = flags; }
  return sce.etag;
}

/** A file's Content-Type, ETag (when there is one) and Last-Modified lines, in lighttpd's order. */
function file_fields(type: string, etag: string, lm: string): Uint8Array {
  return field_lines(etag ? ['Content-Type', type, 'ETag', etag, 'Last-Modified', lm] : ['Content-Type', type, 'Last-Modified', lm]);
}

/** file_fields for the entry, encoded once (and again if the type or ETag differ). */
function static_fields(sce: StatCacheEntry, type: string, etag: string): Uint8Array {
  if (sce.fields === null || sce.fields_type !== type || sce.fields_etag !== etag) {
    sce.fields = file_fields(type, etag, sce.lm);
    sce.fields_type = type; sce.fields_etag = etag;
  }
  return sce.fields;
}

/** The response for a regular file; at once when the stat cache holds the file open. */
export function mod_staticfile(srv: Server, rc: RequestConfig, req: Request, r: Response, path: string, sce: StatCacheEntry): Response | Promise<Response> {
  const fd = stat_cache_open(srv, sce);
  return typeof fd === 'number' ? send_file(srv, rc, req, r, path, sce, fd) : fd.then((n) => send_file(srv, rc, req, r, path, sce, n));
}

function send_file(srv: Server, rc: RequestConfig, req: Request, r: Response, path: string, sce: StatCacheEntry, fd: number): Response | Promise<Response> {
  const l = srv.libc, st = sce.st;
  if (fd < 0) return set_error(r, l.errno === l.EACCES ? 403 : 404);
  const mtime = Math.floor(st.mtime_ns / 1e9), lm = sce.lm, etag = etag_of(rc, sce), type = mimetype(rc, path);
  r.pre = static_fields(sce, type, etag);
  const cached = cachable_status(req, etag, mtime, lm);
  if (cached === 412) { stat_cache_release(srv, sce); return set_error(r, 412); }
  if (cached === 304) {
    stat_cache_release(srv, sce);
    r.status = 304; r.no_length = true;
    return r;
  }
  r.file = { sce, fd, off: 0, len: st.size };
  if (req.minor === 1 && req.method !== 'POST') r.late.push('Accept-Ranges', 'bytes');
  const range = req.headers.get('range');
  if (range === undefined || req.method !== 'GET' || req.minor !== 1 || !if_range_ok(req, etag, lm)) return r;
  const spans = http_range_parse(range, st.size);
  if (spans === null) return r;
  if (spans.length === 0) { stat_cache_release(srv, sce); return set_error(r, 416); }
  r.status = 206;
  if (spans.length > 2) return multipart(srv, r, sce, fd, spans, type, etag);
  r.file = { sce, fd, off: spans[0], len: spans[1] - spans[0] + 1 };
  r.late.push('Content-Range', `bytes ${spans[0]}-${spans[1]}/${st.size}`);
  return r;
}

/** http_range_multi's fixed boundary. */
const BOUNDARY = 'fkj49sn38dcn3';

/**
 * Several ranges: a multipart/byteranges body (http_range_multi), each part with the file's
 * Content-Type and its Content-Range, in the order the client gave them. The parts are read
 * into memory (they total at most the file's size: overlapping ranges coalesced).
 */
async function multipart(srv: Server, r: Response, sce: StatCacheEntry, fd: number, spans: number[], type: string, etag: string): Promise<Response> {
  const size = sce.st.size, body = new ByteBuf(1024);
  for (let i = 0; i < spans.length; i += 2) {
    body.put_str(`${i ? '\r\n' : ''}--${BOUNDARY}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${spans[i]}-${spans[i + 1]}/${size}\r\n\r\n`);
    const data = await read_range(srv, fd, spans[i], spans[i + 1] - spans[i] + 1);
    if (!data) { stat_cache_release(srv, sce); return set_error(r, 500); }
    body.put_bytes(data);
  }
  body.put_str(`\r\n--${BOUNDARY}--\r\n`);
  stat_cache_release(srv, sce);
  // Content-Type gives way to the multipart type where it stood; no Content-Range on the whole.
  r.pre = file_fields(`multipart/byteranges; boundary=${BOUNDARY}`, etag, sce.lm);
  r.file = null;
  r.body = body.b.subarray(0, body.end);
  return r;
}

/** len bytes of fd from off (pread until done), or null on an error or a file that shrank. */
async function read_range(srv: Server, fd: number, off: number, len: number): Promise<Uint8Array | null> {
  const l = srv.libc, buf = l.malloc(len);
  try {
    for (let got = 0; got < len;) {
      const n = await l.pread(fd, buf + got, len - got, off + got);
      if (n <= 0) return null;
      got += n;
    }
    return l.peek(buf, len);
  } finally { l.free(buf); }
}
