/**
 * listpack.c's byte format, for RDB files and DUMP payloads (the in-memory values are JS
 * collections): a 6-byte header (total bytes, element count), entries that are integers in
 * the smallest of 7 encodings or strings with a 6/12/32-bit length, each followed by its
 * length written backwards, and a 0xff terminator.
 */
import { ByteWriter, latin1 } from './bytes.ts';
import { string2ll } from './util.ts';

const EOF_BYTE = 0xff;

export class ListpackWriter extends ByteWriter {
  count = 0;
  constructor() { super(); this.buf = new Uint8Array(256); this.len = 6; }

  /** lpAppend: a string that reads as a 64-bit integer is stored as one. */
  append(s: string): void {
    const start = this.len;
    const v = s.length <= 20 ? string2ll(s) : null;
    if (v !== null) this.int(v); else this.string(s);
    this.backlen(this.len - start);
    this.count++;
  }

  /** The size the listpack would have with its terminator (quicklist's node size). */
  get size(): number { return this.len + 1; }

  finish(): Uint8Array {
    this.byte(EOF_BYTE);
    const b = this.buf, n = this.len;
    b[0] = n & 0xff; b[1] = (n >>> 8) & 0xff; b[2] = (n >>> 16) & 0xff; b[3] = (n >>> 24) & 0xff;
    const c = Math.min(this.count, 65535);
    b[4] = c & 0xff; b[5] = c >> 8;
    return this.result();
  }

  private string(s: string): void {
    const n = s.length;
    if (n < 64) this.byte(0x80 | n);
    else if (n < 4096) { this.byte(0xe0 | (n >> 8)); this.byte(n & 0xff); }
    else { this.byte(0xf0); this.le(n, 4); }
    this.str(s);
  }

  private int(v: number | bigint): void {
    if (typeof v === 'bigint' || v < -2147483648 || v > 2147483647) {
      const b = BigInt(v);
      this.byte(0xf4);
      for (let i = 0n; i < 64n; i += 8n) this.byte(Number((b >> i) & 0xffn));
      return;
    }
    if (v >= 0 && v <= 127) this.byte(v);
    else if (v >= -4096 && v <= 4095) { const u = v < 0 ? (1 << 13) + v : v; this.byte(0xc0 | (u >> 8)); this.byte(u & 0xff); }
    else if (v >= -32768 && v <= 32767) { this.byte(0xf1); this.le(v, 2); }
    else if (v >= -8388608 && v <= 8388607) { this.byte(0xf2); this.le(v, 3); }
    else { this.byte(0xf3); this.le(v, 4); }
  }

  /** n ≤ 4 bytes of v little-endian (two's complement for negatives). */
  private le(v: number, n: number): void {
    let x = v < 0 ? 2 ** (8 * n) + v : v;
    for (let i = 0; i < n; i++) { this.byte(x % 256); x = Math.floor(x / 256); }
  }

  /** lpEncodeBacklen: the entry's length, most significant 7-bit group first. */
  private backlen(l: number): void {
    const n = backlen_size(l);
    for (let i = n - 1; i >= 0; i--) this.byte(i === n - 1 ? Math.floor(l / 128 ** i) : (Math.floor(l / 128 ** i) & 127) | 128);
  }
}

/** The elements of a listpack as strings (integers in decimal); null if it is malformed. */
export function lp_decode(b: Uint8Array): string[] | null {
  if (b.length < 7 || b[b.length - 1] !== EOF_BYTE) return null;
  const total = (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 2 ** 24;
  if (total !== b.length) return null;
  const out: string[] = [];
  let p = 6;
  while (p < b.length - 1) {
    const e = entry(b, p);
    if (e === null) return null;
    out.push(e.v);
    p = e.end + backlen_size(e.end - p);
  }
  return p === b.length - 1 ? out : null;
}

function backlen_size(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function sint(b: Uint8Array, p: number, n: number): number {
  let x = 0;
  for (let i = n - 1; i >= 0; i--) x = x * 256 + b[p + i];
  return x >= 2 ** (8 * n - 1) ? x - 2 ** (8 * n) : x;
}

function entry(b: Uint8Array, p: number): { v: string; end: number } | null {
  const t = b[p];
  const str = (start: number, n: number): { v: string; end: number } | null => (start + n > b.length ? null : { v: latin1(b, start, start + n), end: start + n });
  if (t < 0x80) return { v: String(t), end: p + 1 };
  if ((t & 0xc0) === 0x80) return str(p + 1, t & 0x3f);
  if ((t & 0xe0) === 0xc0) { const u = ((t & 0x1f) << 8) | b[p + 1]; return { v: String(u >= 4096 ? u - 8192 : u), end: p + 2 }; }
  if ((t & 0xf0) === 0xe0) return str(p + 2, ((t & 0x0f) << 8) | b[p + 1]);
  if (t === 0xf0) return str(p + 5, sint(b, p + 1, 4) >>> 0);
  if (t === 0xf1) return { v: String(sint(b, p + 1, 2)), end: p + 3 };
  if (t === 0xf2) return { v: String(sint(b, p + 1, 3)), end: p + 4 };
  if (t === 0xf3) return { v: String(sint(b, p + 1, 4)), end: p + 5 };
  if (t === 0xf4) {
    if (p + 9 > b.length) return null;
    let x = 0n;
    for (let i = 7; i >= 0; i--) x = (x << 8n) | BigInt(b[p + 1 + i]);
    return { v: String(BigInt.asIntN(64, x)), end: p + 9 };
  }
  return null;
}

/** The bytes an integer element takes (encoding, payload and backlen). */
export function lp_int_size(v: number | bigint): number {
  const n = typeof v === 'bigint' ? (v >= -2147483648n && v <= 2147483647n ? Number(v) : 2 ** 40) : v;
  const enc = n >= 0 && n <= 127 ? 1 : n >= -4096 && n <= 4095 ? 2 : n >= -32768 && n <= 32767 ? 3 :
    n >= -8388608 && n <= 8388607 ? 4 : n >= -2147483648 && n <= 2147483647 ? 5 : 9;
  return enc + 1;
}

/** The bytes a string element takes (stored as an integer when it reads as one). */
export function lp_str_size(s: string): number {
  const v = s.length <= 20 ? string2ll(s) : null;
  if (v !== null) return lp_int_size(v);
  const n = s.length, enc = (n < 64 ? 1 : n < 4096 ? 2 : 5) + n;
  return enc + backlen_size(enc);
}
