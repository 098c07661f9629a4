/**
 * Byte strings without Node's Buffer (a process's realm has only ECMAScript and libc): bytes
 * held as latin1 JS strings, one char per byte, converted to and from Uint8Array here. Shared
 * by the programs that keep byte strings (redis-lite's keys and values, lighttpd-lite's header
 * fields) and by utf8_decode's ASCII path.
 */

const fc = String.fromCharCode;

/**
 * The bytes [start, end) as a latin1 string, always a flat one. Up to 16 bytes one
 * String.fromCharCode call with as many arguments (appending char by char would copy the
 * string at each step, and apply() over a subarray allocates a view and an argument list:
 * together ~7 % of redis-lite's CPU under redis-benchmark, whose keys are 16 bytes); longer
 * ones through apply, in 8 KiB chunks (concatenating chunks of 13+ chars makes cons strings,
 * and a key kept in a JS Map would keep its cons cell and a flattened copy).
 */
export function latin1(b: Uint8Array, start: number, end: number): string {
  const n = end - start, s = start;
  if (n <= 0) return '';
  if (n <= 16) return short_latin1(b, s, n);
  let out = '';
  for (let i = start; i < end; i += 8192) out += fc.apply(null, b.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  return out;
}

function short_latin1(b: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 1: return fc(b[s]);
    case 2: return fc(b[s], b[s + 1]);
    case 3: return fc(b[s], b[s + 1], b[s + 2]);
    case 4: return fc(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9]);
    case 11: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10]);
    case 12: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11]);
    case 13: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12]);
    case 14: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13]);
    case 15: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14]);
    default: return fc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
  }
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
