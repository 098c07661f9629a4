/**
 * redis-lite's byte strings: keys and values are latin1 JS strings, one char per byte
 * (libc/latin1.ts converts them), and a growable writer for replies and files.
 */
import { put_latin1 } from '../../libc/latin1.ts';

export { concat, from_latin1, latin1, put_latin1 } from '../../libc/latin1.ts';

/** A growable byte buffer: append strings/bytes, take the result. */
export class ByteWriter {
  buf = new Uint8Array(64 * 1024);
  len = 0;

  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  str(s: string): void { this.room(s.length); this.len += put_latin1(this.buf, s, this.len); }
  bytes(b: Uint8Array): void { this.room(b.length); this.buf.set(b, this.len); this.len += b.length; }
  byte(v: number): void { this.room(1); this.buf[this.len++] = v; }
  result(): Uint8Array { return this.buf.subarray(0, this.len); }
}
