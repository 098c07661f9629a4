/**
 * The reply side of RESP2 (networking.c's addReply*): one growable byte buffer per client that
 * replies are appended to and the event loop writes out. Strings are latin1 (one char = byte).
 */
import { put_latin1 } from './bytes.ts';
import { d2string } from './util.ts';

export class ReplyBuf {
  buf = new Uint8Array(16 * 1024);
  len = 0;
  /** The protocol HELLO chose: RESP3 has its own null, map and double types. */
  resp = 2;
  /** Where error replies are counted (the server's INFO errorstats); null: not counted. */
  errors: ErrorSink | null = null;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  /** Drops the first n bytes (they were written to the socket). */
  consume(n: number): void {
    if (n >= this.len) { this.len = 0; if (this.buf.length > 64 * 1024) this.buf = new Uint8Array(16 * 1024); return; }
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
  }

  raw(s: string): void {
    this.room(s.length);
    this.len += put_latin1(this.buf, s, this.len);
  }

  private crlf(): void { this.buf[this.len] = 13; this.buf[this.len + 1] = 10; this.len += 2; }

  /** A prefix character, a decimal number and CRLF: the headers of every reply type. */
  private head(prefix: number, n: number | bigint): void {
    const s = String(n);
    this.room(s.length + 3);
    this.buf[this.len++] = prefix;
    this.len += put_latin1(this.buf, s, this.len);
    this.crlf();
  }

  status(s: string): void { this.room(s.length + 3); this.buf[this.len++] = 0x2b; this.len += put_latin1(this.buf, s, this.len); this.crlf(); }
  ok(): void { this.raw('+OK\r\n'); }
  /**
   * addReplyError: "-ERR msg" unless msg starts with '-' (its own code). CR/LF become spaces.
   * counted false: ERR_REPLY_FLAG_NO_STATS_UPDATE, for an error already counted where it arose.
   */
  error(msg: string, counted = true): void {
    const m = /[\r\n]/.test(msg) ? msg.replace(/[\r\n]/g, ' ') : msg;
    this.raw(m.charCodeAt(0) === 0x2d ? `${m}\r\n` : `-ERR ${m}\r\n`);
    if (this.errors !== null) { if (counted) this.errors.error_reply(m); else this.errors.error_reply_uncounted(); }
  }
  int(n: number | bigint): void { this.head(0x3a, n); }
  /** addReplyVerbatim: a "txt" verbatim string in RESP3, a bulk string in RESP2. */
  verbatim(s: string): void { if (this.resp === 3) this.raw(`=${s.length + 4}\r\ntxt:${s}\r\n`); else this.bulk(s); }
  bulk(s: string): void {
    this.head(0x24, s.length);
    this.room(s.length + 2);
    this.len += put_latin1(this.buf, s, this.len);
    this.crlf();
  }
  bulk_or_nil(s: string | undefined | null): void { if (s === undefined || s === null) this.nil(); else this.bulk(s); }
  nil(): void { this.raw(this.resp === 3 ? '_\r\n' : '$-1\r\n'); }
  nil_array(): void { this.raw(this.resp === 3 ? '_\r\n' : '*-1\r\n'); }
  array(n: number): void { this.head(0x2a, n); }
  /** An out-of-band message: a RESP3 push, an array in RESP2. */
  push(n: number): void { this.head(this.resp === 3 ? 0x3e : 0x2a, n); }
  /** RESP2 has no map type: a map of n pairs is an array of 2n. */
  map(n: number): void { if (this.resp === 3) this.head(0x25, n); else this.head(0x2a, n * 2); }
  double(v: number): void { if (this.resp === 3) this.raw(`,${d2string(v)}\r\n`); else this.bulk(d2string(v)); }
  bulks(items: Iterable<string>, n: number): void { this.array(n); for (const s of items) this.bulk(s); }
  /** Bytes not yet sent (for the output-buffer size INFO/CLIENT LIST show). */
  get pending(): number { return this.len; }
}

/** afterErrorReply's side: counts an error reply (userland/redis-lite/errorstats.ts). */
export interface ErrorSink { error_reply(msg: string): void; error_reply_uncounted(): void }

export const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_INT = 'value is not an integer or out of range';
export const NOT_FLOAT = 'value is not a valid float';
export const SYNTAX = 'syntax error';
