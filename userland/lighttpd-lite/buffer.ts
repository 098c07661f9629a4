/**
 * A growable byte buffer (lighttpd's buffer.c), kept per connection and reused across
 * keep-alive requests: the bytes read from the socket and the response header being sent live
 * here, so a request does not make fresh arrays or strings for them. Content is [start, end).
 */
export class ByteBuf {
  b: Uint8Array;
  start = 0;
  end = 0;

  constructor(size: number) { this.b = new Uint8Array(size); }

  get length(): number { return this.end - this.start; }

  clear(): void { this.start = this.end = 0; }

  /** Drops n bytes from the front (all consumed: back to the start of the array). */
  consume(n: number): void {
    this.start += n;
    if (this.start >= this.end) this.start = this.end = 0;
  }

  /** Makes room for n more bytes after end: moves the content to the front, or grows. */
  reserve(n: number): void {
    if (this.end + n <= this.b.length) return;
    const len = this.end - this.start;
    if (len + n > this.b.length) {
      const nb = new Uint8Array(Math.max(this.b.length * 2, len + n));
      nb.set(this.b.subarray(this.start, this.end));
      this.b = nb;
    } else this.b.copyWithin(0, this.start, this.end);
    this.start = 0; this.end = len;
  }

  /** Appends a latin1 string (every header lighttpd-lite writes is ASCII). */
  put_str(s: string): void {
    this.reserve(s.length);
    const b = this.b;
    let e = this.end;
    for (let i = 0; i < s.length; i++) b[e++] = s.charCodeAt(i);
    this.end = e;
  }

  /** Appends a non-negative integer in decimal, without making its string. */
  put_uint(v: number): void {
    if (v > 0x7fffffff) { this.put_str(String(v)); return; }
    let digits = 1;
    for (let x = v; x >= 10; x = (x / 10) | 0) digits++; // small integers: int32 division, no doubles
    this.reserve(digits);
    const b = this.b;
    for (let i = this.end + digits - 1, x = v; i >= this.end; i--, x = (x / 10) | 0) b[i] = 48 + (x % 10);
    this.end += digits;
  }

  put_bytes(u: Uint8Array): void {
    this.reserve(u.length);
    this.b.set(u, this.end);
    this.end += u.length;
  }
}
