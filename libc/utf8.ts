/**
 * UTF-8 text encoding for a process's realm, which holds only the ECMAScript intrinsics: the
 * WHATWG TextEncoder/TextDecoder a program expects (utf-8 only; invalid input decodes to U+FFFD,
 * as the standard's decoder does without `fatal`). The host's classes never enter a realm.
 */
import { latin1 } from './latin1.ts';

/** UTF-8 bytes of a string (lone surrogates encode as U+FFFD, as TextEncoder does). */
export function utf8_encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) { out[n++] = c; continue; }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
      else c = 0xfffd;
    }
    if (c < 0x800) { out[n++] = 0xc0 | (c >> 6); out[n++] = 0x80 | (c & 63); }
    else if (c < 0x10000) { out[n++] = 0xe0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
    else { out[n++] = 0xf0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 63); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
  }
  return out.slice(0, n);
}

/** The length of the sequence a lead byte starts and its payload bits; 0 for an invalid lead. */
function lead(b: number): [number, number] {
  if (b >= 0xc2 && b <= 0xdf) return [2, b & 0x1f];
  if (b >= 0xe0 && b <= 0xef) return [3, b & 0x0f];
  if (b >= 0xf0 && b <= 0xf4) return [4, b & 0x07];
  return [0, 0];
}

/** Decodes UTF-8 (WHATWG's decoder: each maximal invalid subpart becomes one U+FFFD). */
export function utf8_decode(b: Uint8Array): string {
  let k = 0;
  while (k < b.length && b[k] < 0x80) k++;
  if (k === b.length) return latin1(b, 0, b.length); // the common case: no multi-byte sequence at all
  let s = '';
  const parts: string[] = [];
  for (let i = 0; i < b.length;) {
    const x = b[i];
    if (x < 0x80) { s += String.fromCharCode(x); i++; }
    else {
      const [len, bits] = lead(x);
      let c = bits, j = 1;
      for (; j < len && i + j < b.length; j++) {
        const y = b[i + j];
        // The second byte's range narrows for E0, ED, F0 and F4 (no overlongs, no surrogates).
        const lo = j === 1 && x === 0xe0 ? 0xa0 : j === 1 && x === 0xf0 ? 0x90 : 0x80;
        const hi = j === 1 && x === 0xed ? 0x9f : j === 1 && x === 0xf4 ? 0x8f : 0xbf;
        if (y < lo || y > hi) break;
        c = (c << 6) | (y & 63);
      }
      if (len === 0 || j < len) { s += '\ufffd'; i += Math.max(1, j); }
      else { s += String.fromCodePoint(c); i += len; }
    }
    if (s.length > 8192) { parts.push(s); s = ''; }
  }
  parts.push(s);
  return parts.join('');
}

/** Bytes of any BufferSource. */
function bytes_of(input: ArrayBuffer | ArrayBufferView | undefined): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

export class RealmTextEncoder {
  readonly encoding = 'utf-8';
  encode(s = ''): Uint8Array { return utf8_encode(String(s)); }
  encodeInto(s: string, dst: Uint8Array): { read: number; written: number } {
    const b = utf8_encode(s);
    const n = Math.min(b.length, dst.length);
    dst.set(b.subarray(0, n));
    return { read: s.length, written: n };
  }
}

export class RealmTextDecoder {
  readonly encoding = 'utf-8';
  constructor(label = 'utf-8') {
    if (!/^(utf-?8|unicode-1-1-utf-8)$/i.test(label.trim())) throw new RangeError(`The "${label}" encoding is not supported`);
  }
  decode(input?: ArrayBuffer | ArrayBufferView): string { return utf8_decode(bytes_of(input)); }
}

/** Installs TextEncoder/TextDecoder where the realm has none (a process's own realm). */
export function install_text_codecs(g: Record<string, unknown>): void {
  if (typeof g.TextEncoder !== 'function') g.TextEncoder = RealmTextEncoder;
  if (typeof g.TextDecoder !== 'function') g.TextDecoder = RealmTextDecoder;
}

install_text_codecs(globalThis as unknown as Record<string, unknown>);
