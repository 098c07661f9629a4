/**
 * Byte strings without Node's Buffer (a process's realm has only ECMAScript and libc): keys
 * and values are latin1 JS strings, one char per byte, converted to and from Uint8Array here.
 */

const fc = String.fromCharCode;

/**
 * The bytes [start, end) as a latin1 string, always a flat one up to 8 KiB: appending char by
 * char is cheap only below 13 chars (V8's ConsString::kMinLength; longer results become cons
 * strings, and a key kept in the keyspace would keep its cons cell and a flattened copy).
 */
export function latin1(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 4) return n === 1 ? fc(b[start]) : n === 2 ? fc(b[start], b[start + 1]) : n === 3 ? fc(b[start], b[start + 1], b[start + 2]) : fc(b[start], b[start + 1], b[start + 2], b[start + 3]);
  if (n < 13) {
    let s = '';
    for (let i = start; i < end; i++) s += fc(b[i]);
    return s;
  }
  let s = '';
  for (let i = start; i < end; i += 8192) s += fc.apply(null, b.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  return s;
}

/** Writes s's chars as bytes at off (the caller made room); the number written. */
export function put_latin1(b: Uint8Array, s: string, off: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) b[off + i] = s.charCodeAt(i);
  return n;
}

export function from_latin1(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  put_latin1(b, s, 0);
  return b;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

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
