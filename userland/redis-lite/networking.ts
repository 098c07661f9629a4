/**
 * networking.c: clients, the query buffer and its two request formats (RESP multibulk and
 * inline), with Redis's limits and its exact protocol errors, and writing replies back.
 * A protocol error is answered and then closes that connection only.
 */
import type { Libc } from '../../libc/index.ts';
import type { Db } from './db.ts';
import { latin1 } from './bytes.ts';
import { max_string_len } from './object.ts';
import { ReplyBuf } from './resp.ts';
import type { Server } from './server.ts';
import type { User } from './acl.ts';
import { splitargs } from './util.ts';

/** PROTO_INLINE_MAX_SIZE: the longest inline request or count line (64 KiB). */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** PROTO_IOBUF_LEN: what one read asks for (16 KiB, as Redis), unless a big argument needs more. */
export const PROTO_IOBUF_LEN = 16 * 1024;
/** The user-memory staging buffer for reads and writes (NET_MAX_WRITES_PER_EVENT, 64 KiB). */
export const NET_IOBUF_LEN = 64 * 1024;
/** PROTO_MBULK_BIG_ARG: an argument this long is read in one piece, without a 16 KiB cap. */
const PROTO_MBULK_BIG_ARG = 32 * 1024;
const REQ_INLINE = 1, REQ_MULTIBULK = 2;

export const CLIENT_CLOSE_AFTER_REPLY = 1, CLIENT_MULTI = 2, CLIENT_DIRTY_CAS = 4, CLIENT_DIRTY_EXEC = 8,
  CLIENT_PUBSUB = 16, CLIENT_BLOCKED = 32, CLIENT_CLOSE_ASAP = 64, CLIENT_PENDING_WRITE = 128, CLIENT_UNBLOCKED = 256;

/** proc serves a blocked client: true served, false stop serving this key, null not served (keep waiting). */
/** A blocked client's wait: its keys, deadline (0: none) and serving callback; on_timeout replies when it ends unserved (default: a nil array). */
export interface BlockState { keys: string[]; timeout: number; proc: (c: Client, key: string) => boolean | null; on_timeout?: (c: Client) => void }

export class Client {
  argv: string[] = [];
  reply = new ReplyBuf();
  qbuf = new Uint8Array(16 * 1024);
  /** querybuf_peak: the most the query buffer held (plus the read asked for) since the last cron resize. */
  qbuf_peak = 0;
  qlen = 0;
  qpos = 0;
  reqtype = 0;
  multibulklen = 0;
  bulklen = -1;
  flags = 0;
  name = '';
  resp = 2;
  /** CLIENT TRACKING's REDIRECT id (0: none) and BCAST prefixes (tracking.ts). */
  tracking_redir = 0;
  tracking_prefixes = new Set<string>();
  /** MULTI's queue; WATCHed keys as "db\0key". */
  mstate: string[][] = [];
  watched: string[] = [];
  channels = new Set<string>();
  patterns = new Set<string>();
  shard_channels = new Set<string>();
  bpop: BlockState | null = null;
  ctime: number;
  last_interaction: number;
  last_cmd = 'NULL';
  /** Set by a command to change what the AOF receives (e.g. EXPIRE → PEXPIREAT). */
  prop: string[][] | null = null;
  /** Bytes of the reply already written out (a partial write waits for EPOLLOUT). */
  out_watch = false;
  /** The ACL user it runs as, and whether it authenticated (clientSetDefaultAuth at accept). */
  user!: User;
  authenticated = false;
  /** For a script's client (eval.ts): the client that ran the script, for tracking's purposes. */
  script_caller: Client | null = null;

  constructor(readonly srv: Server, readonly id: number, readonly fd: number, public db: Db, readonly addr: string, readonly laddr: string) {
    this.ctime = this.last_interaction = Date.now();
    this.set_default_auth();
  }

  /** clientSetDefaultAuth: the default user, authenticated if it needs no password. */
  set_default_auth(): void {
    const d = this.srv.acl.default_user;
    this.user = d;
    this.authenticated = d.nopass && d.enabled;
  }

  /** Number of Pub/Sub subscriptions (the count SUBSCRIBE replies carry). */
  get subs(): number { return this.channels.size + this.patterns.size; }
}

/** Reads what the socket has into the query buffer; false when the client must be freed. */
export function read_query(c: Client, libc: Libc, ubuf: number): boolean {
  const srv = c.srv, len = read_len(c);
  if (c.qlen + len > c.qbuf.length) grow_qbuf(c, len);
  if (c.qbuf_peak < c.qlen - c.qpos + len) c.qbuf_peak = c.qlen - c.qpos + len;
  const r = libc.read(c.fd, ubuf, len) as number;
  if (r === 0) return false;
  if (r < 0) return libc.errno === libc.EAGAIN || libc.errno === libc.EINTR;
  libc.peek_into(ubuf, c.qbuf, c.qlen, r);
  c.qlen += r;
  srv.stat_net_input_bytes += r;
  c.last_interaction = srv.now;
  if (c.qlen - c.qpos > srv.config.client_query_buffer_limit) {
    srv.log(`Closing client that reached max query buffer length: id=${c.id} addr=${c.addr} (qbuf initial bytes: ${JSON.stringify(latin1(c.qbuf, c.qpos, Math.min(c.qlen, c.qpos + 64)))})`);
    return false;
  }
  return true;
}

/** readQueryFromClient's readlen: 16 KiB, or the rest of a big argument (up to the staging buffer). */
function read_len(c: Client): number {
  if (c.bulklen < PROTO_MBULK_BIG_ARG) return PROTO_IOBUF_LEN;
  const remaining = c.bulklen + 2 - (c.qlen - c.qpos);
  return remaining > PROTO_IOBUF_LEN ? Math.min(remaining, NET_IOBUF_LEN) : PROTO_IOBUF_LEN;
}

function grow_qbuf(c: Client, need: number): void {
  const live = c.qlen - c.qpos;
  // A buffer the cron freed (size 0) starts again at the read size.
  let size = Math.max(c.qbuf.length, PROTO_IOBUF_LEN);
  while (size < live + need) size *= 2;
  // Compacting first keeps a long-lived pipelined client's buffer from creeping.
  if (size === c.qbuf.length) c.qbuf.copyWithin(0, c.qpos, c.qlen);
  else { const b = new Uint8Array(size); b.set(c.qbuf.subarray(c.qpos, c.qlen)); c.qbuf = b; }
  c.qlen = live; c.qpos = 0;
}

/** processInputBuffer: runs every complete request in the buffer, in order. */
export function process_input(c: Client, exec: (c: Client) => void): void {
  while (c.qpos < c.qlen) {
    if (c.flags & (CLIENT_BLOCKED | CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP)) break;
    if (c.reqtype === 0) c.reqtype = c.qbuf[c.qpos] === 0x2a ? REQ_MULTIBULK : REQ_INLINE;
    const ok = c.reqtype === REQ_INLINE ? process_inline(c) : process_multibulk(c);
    if (!ok) break;
    if (c.argv.length === 0) { reset_client(c); continue; }
    exec(c);
    if (!(c.flags & CLIENT_BLOCKED)) reset_client(c);
  }
  if (c.qpos === c.qlen) { c.qpos = c.qlen = 0; if (c.qbuf.length > 1 << 20) c.qbuf = new Uint8Array(16 * 1024); }
}

/** What argv is between requests: parsing a request always starts a fresh array (MULTI keeps argvs). */
const NO_ARGV: string[] = [];

export function reset_client(c: Client): void {
  c.argv = NO_ARGV;
  c.reqtype = 0;
  c.multibulklen = 0;
  c.bulklen = -1;
}

function protocol_error(c: Client, msg: string): false {
  c.reply.error(`Protocol error: ${msg}`);
  c.flags |= CLIENT_CLOSE_AFTER_REPLY;
  c.srv.stat_protocol_errors++;
  return false;
}

/** strchr over the query buffer: like C's, it stops at a NUL byte (Redis's sds is a C string). */
function find(c: Client, byte: number, from: number): number {
  let i = c.qbuf.indexOf(byte, from);
  if (i >= c.qlen) i = -1;
  const end = i < 0 ? c.qlen : i;
  for (let j = from; j < end; j++) if (c.qbuf[j] === 0) return -1;
  return i;
}

function process_inline(c: Client): boolean {
  let nl = find(c, 0x0a, c.qpos);
  if (nl < 0) {
    if (c.qlen - c.qpos > PROTO_INLINE_MAX_SIZE) return protocol_error(c, 'too big inline request');
    return false;
  }
  const next = nl + 1;
  if (nl !== c.qpos && c.qbuf[nl - 1] === 0x0d) nl--;
  const argv = splitargs(latin1(c.qbuf, c.qpos, nl));
  if (argv === null) return protocol_error(c, 'unbalanced quotes in request');
  c.qpos = next;
  c.argv = argv;
  return true;
}

/** The number on a "*N\r\n" or "$N\r\n" line, or null if it is not a valid long long. */
function line_ll(c: Client, from: number, to: number): number | null {
  const n = to - from;
  if (n <= 0 || n > 20) return null;
  let i = from, neg = false;
  if (c.qbuf[i] === 0x2d) { neg = true; i++; if (i === to) return null; }
  if (c.qbuf[i] === 0x30) return to - i === 1 ? 0 : null;
  let v = 0;
  for (; i < to; i++) {
    const d = c.qbuf[i] - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  // Beyond 2^53 the exact value no longer matters: every such length is out of range anyway.
  return neg ? -v : v;
}

function process_multibulk(c: Client): boolean {
  if (c.multibulklen === 0) {
    const cr = find(c, 0x0d, c.qpos);
    if (cr < 0) {
      if (c.qlen - c.qpos > PROTO_INLINE_MAX_SIZE) return protocol_error(c, 'too big mbulk count string');
      return false;
    }
    if (cr + 1 >= c.qlen) return false;
    const ll = line_ll(c, c.qpos + 1, cr);
    if (ll === null || ll > 2147483647) return protocol_error(c, 'invalid multibulk length');
    c.qpos = cr + 2;
    if (ll <= 0) return true;
    c.multibulklen = ll;
    c.argv = [];
  }
  while (c.multibulklen > 0) {
    if (c.bulklen === -1) {
      const cr = find(c, 0x0d, c.qpos);
      if (cr < 0) {
        if (c.qlen - c.qpos > PROTO_INLINE_MAX_SIZE) return protocol_error(c, 'too big bulk count string');
        return false;
      }
      if (cr + 1 >= c.qlen) return false;
      if (c.qbuf[c.qpos] !== 0x24) return protocol_error(c, `expected '$', got '${String.fromCharCode(c.qbuf[c.qpos])}'`);
      const ll = line_ll(c, c.qpos + 1, cr);
      if (ll === null || ll < 0 || ll > max_string_len(c.srv.config.proto_max_bulk_len)) return protocol_error(c, 'invalid bulk length');
      c.qpos = cr + 2;
      c.bulklen = ll;
      // A big argument: make room for it now (up to 4 MiB; beyond, the buffer grows as data
      // actually arrives, so a huge declared length alone costs no memory).
      const want = Math.min(ll + 2, 4 << 20);
      if (ll >= PROTO_MBULK_BIG_ARG && c.qbuf.length - c.qpos < want) grow_qbuf(c, want - (c.qlen - c.qpos));
    }
    if (c.qlen - c.qpos < c.bulklen + 2) return false;
    c.argv.push(latin1(c.qbuf, c.qpos, c.qpos + c.bulklen));
    c.qpos += c.bulklen + 2;
    c.bulklen = -1;
    c.multibulklen--;
  }
  return true;
}

/** writeToClient: as much of the reply as the socket takes; true when all of it went. */
export function write_to_client(c: Client, libc: Libc, ubuf: number, ulen: number): boolean | null {
  const r = c.reply;
  while (r.len > 0) {
    const n = Math.min(r.len, ulen);
    libc.poke(ubuf, r.buf.subarray(0, n));
    const w = libc.write(c.fd, ubuf, n) as number;
    if (w < 0) return libc.errno === libc.EAGAIN ? false : null;
    c.srv.stat_net_output_bytes += w;
    r.consume(w);
    if (w < n) return false;
  }
  return true;
}

const PROTO_RESIZE_THRESHOLD = 32 * 1024;

/**
 * clientsCronResizeQueryBuffer: a buffer wasting more than 4 KiB is trimmed to what it holds
 * when the client has been idle over 2 s, or, past 32 KiB, down to the recent peak when that is
 * under half of it. The peak then restarts from what is buffered now.
 */
export function resize_query_buffer(c: Client): void {
  const live = c.qlen - c.qpos, size = c.qbuf.length;
  if (size - live > 4 * 1024) {
    let want = -1;
    if (Math.floor(c.srv.now / 1000) - Math.floor(c.last_interaction / 1000) > 2) want = live;
    else if (size > PROTO_RESIZE_THRESHOLD && size / 2 > c.qbuf_peak) want = Math.max(live, c.qbuf_peak, c.bulklen);
    if (want >= 0) {
      const b = new Uint8Array(want);
      b.set(c.qbuf.subarray(c.qpos, c.qlen));
      c.qbuf = b; c.qlen = live; c.qpos = 0;
    }
  }
  c.qbuf_peak = Math.max(live, c.bulklen);
}
