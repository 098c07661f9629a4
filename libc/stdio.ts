/**
 * stdio (glibc libio, reduced): FILE streams over fds with glibc's buffering rules — stderr
 * unbuffered, stdout line-buffered on a terminal and fully buffered (BUFSIZ) otherwise, decided
 * on first use with isatty() — printf-family formatting, and exit-time flushing.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import { ERRNO_TEXT } from '../kernel/include/uapi/errno.ts';
import { Libc } from './libc.ts';

export const BUFSIZ = 8192;
export const EOF = -1;
const TCGETS = 0x5401;

export class FILE {
  buf: number[] = [];
  /** 0 unbuffered, 1 line, 2 full; -1 until decided on first use. */
  mode = -1;
  eof = false;
  err = false;
  /** Bytes read ahead from the fd and not yet consumed. */
  rbuf: Uint8Array = new Uint8Array(0);
  constructor(readonly fd: number) {}
}

declare module './libc.ts' {
  interface Libc {
    stdin: FILE; stdout: FILE; stderr: FILE;
    printf(fmt: string, ...args: unknown[]): SysRet;
    fprintf(stream: FILE, fmt: string, ...args: unknown[]): SysRet;
    dprintf(fd: number, fmt: string, ...args: unknown[]): SysRet;
    /** sprintf into a JS string. */
    sprintf(fmt: string, ...args: unknown[]): string;
    /** snprintf(3) into user memory; returns the untruncated length. */
    snprintf(buf: number, size: number, fmt: string, ...args: unknown[]): number;
    puts(s: string): SysRet;
    fputs(s: string, stream: FILE): SysRet;
    putchar(c: number): SysRet;
    fwrite(data: Uint8Array | string, stream: FILE): SysRet;
    fflush(stream: FILE): SysRet;
    fflush_all(): Promise<void>;
    fdopen(fd: number): FILE;
    /** fgets: the next line including its newline, or null at end of file. */
    fgets(stream: FILE, max?: number): Promise<string | null>;
    isatty(fd: number): SysRet;
    strerror(errnum: number): string;
    perror(s: string): SysRet;
  }
}

const L = Libc.prototype;
const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * glibc rounds the exact binary value with ties to even; JS's toFixed/toExponential round ties
 * up. r is JS's rounding to prec digits after the point, exact the same number with 30 more.
 */
function tie_to_even(r: string, exact: string, prec: number): string {
  const dot = exact.indexOf('.');
  if (dot < 0 || !/^50*$/.test(exact.slice(dot + 1 + prec))) return r;
  const down = exact.slice(0, dot + 1 + prec).replace(/\.$/, '');
  return Number(down[down.length - 1]) % 2 === 0 ? down : r;
}

/** %f: x is finite and non-negative. */
function to_fixed_even(x: number, prec: number): string {
  const r = x.toFixed(prec);
  return !Number.isFinite(x) || prec > 70 ? r : tie_to_even(r, x.toFixed(Math.min(100, prec + 30)), prec);
}

/** %e's mantissa and exponent (JS's form, e+3), rounded as glibc does. */
function to_exp_even(x: number, prec: number): string {
  const r = x.toExponential(prec);
  if (!Number.isFinite(x) || prec > 70) return r;
  const exact = x.toExponential(Math.min(100, prec + 30)), e = exact.indexOf('e');
  const m = tie_to_even(r, exact.slice(0, e), prec);
  return m === r ? r : m + exact.slice(e);
}

/** printf's format language: %[flags][width][.prec][length]conv */
export function format(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|j|z|t|L)?([diouxXeEfFgGcsp%])/g,
    (_m, flags: string, w: string | undefined, p: string | undefined, _len, conv: string) => {
      if (conv === '%') return '%';
      const width = w === '*' ? Number(args[i++]) : w ? parseInt(w, 10) : 0;
      const prec = p === '*' ? Number(args[i++]) : p !== undefined ? parseInt(p, 10) : -1;
      const a = args[i++];
      let s: string;
      let sign = '';
      switch (conv) {
        case 'd': case 'i': {
          const n = typeof a === 'bigint' ? a : Math.trunc(Number(a));
          s = (n < 0 ? -n : n).toString();
          sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
          if (prec >= 0) s = s.padStart(prec, '0');
          break;
        }
        case 'u': s = (typeof a === 'bigint' ? a : Math.trunc(Number(a)) >>> 0 === Number(a) ? Number(a) : Math.trunc(Number(a))).toString(); break;
        case 'x': case 'X': case 'o': {
          let n = typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)));
          if (n < 0n) n += 1n << 64n;
          s = n.toString(conv === 'o' ? 8 : 16);
          if (conv === 'X') s = s.toUpperCase();
          if (flags.includes('#') && n !== 0n) s = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + s;
          if (prec >= 0) s = s.padStart(prec, '0');
          break;
        }
        case 'p': s = '0x' + (typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)))).toString(16); break;
        case 'c': s = typeof a === 'number' ? String.fromCharCode(a) : String(a)[0] ?? ''; break;
        case 's': s = String(a); if (prec >= 0) s = s.slice(0, prec); break;
        case 'e': case 'E': s = to_exp_even(Number(a), prec < 0 ? 6 : prec).replace(/e([+-])(\d)$/, 'e$10$2'); if (conv === 'E') s = s.toUpperCase(); break;
        case 'g': case 'G': {
          const n = Number(a);
          s = n === 0 ? '0' : Number(n.toPrecision(prec < 0 ? 6 : prec || 1)).toString();
          if (conv === 'G') s = s.toUpperCase();
          break;
        }
        default: {
          const n = Number(a);
          s = to_fixed_even(Math.abs(n), prec < 0 ? 6 : prec);
          sign = n < 0 || Object.is(n, -0) ? '-' : flags.includes('+') ? '+' : '';
        }
      }
      const body = sign + s;
      if (body.length >= width) return body;
      if (flags.includes('-')) return body.padEnd(width, ' ');
      // C: a precision turns the 0 flag off for the integer conversions only; floats keep it.
      if (flags.includes('0') && conv !== 's' && conv !== 'c' && (prec < 0 || 'eEfFgG'.includes(conv))) return sign + s.padStart(width - sign.length, '0');
      return body.padStart(width, ' ');
    });
}

/** Writes all of bytes to fd, looping over short writes. */
async function write_all(lc: Libc, fd: number, bytes: Uint8Array): Promise<number> {
  let off = 0;
  while (off < bytes.length) {
    const r = await lc.write(fd, bytes.subarray(off), bytes.length - off);
    if (r < 0) return -1;
    off += r;
  }
  return bytes.length;
}

function write_all_sync_or_async(lc: Libc, fd: number, bytes: Uint8Array): SysRet {
  const r = lc.write(fd, bytes, bytes.length);
  if (typeof r === 'number' && (r < 0 || r === bytes.length)) return r;
  return (async () => { const first = await r; if (first < 0) return -1; const rest = await write_all(lc, fd, bytes.subarray(first)); return rest < 0 ? -1 : bytes.length; })();
}

L.isatty = function (fd) {
  return this.with_scratch(() => {
    const p = this.scratch_push(64);
    const r = this.raw(this.SYS.ioctl, fd, TCGETS, p);
    if (typeof r !== 'number') return r.then((v) => (v < 0 ? (this.errno = -v, 0) : 1));
    if (r < 0) { this.errno = -r; return 0; }
    return 1;
  });
};

function decide_mode(lc: Libc, s: FILE): void {
  if (s.mode >= 0) return;
  if (s === lc.stderr) { s.mode = 0; return; }
  const tty = lc.isatty(s.fd);
  s.mode = tty === 1 ? 1 : 2;
}

L.fwrite = function (data, stream) {
  decide_mode(this, stream);
  const bytes = typeof data === 'string' ? enc.encode(data) : data;
  if (stream.mode === 0) return write_all_sync_or_async(this, stream.fd, bytes);
  for (const b of bytes) stream.buf.push(b);
  const flush = stream.mode === 1 ? bytes.includes(10) : stream.buf.length >= BUFSIZ;
  if (!flush) return bytes.length;
  const r = this.fflush(stream);
  return typeof r === 'number' ? (r < 0 ? -1 : bytes.length) : r.then((v) => (v < 0 ? -1 : bytes.length));
};

L.fflush = function (stream) {
  if (!stream.buf.length) return 0;
  const bytes = Uint8Array.from(stream.buf);
  stream.buf = [];
  const r = write_all_sync_or_async(this, stream.fd, bytes);
  return typeof r === 'number' ? (r < 0 ? EOF : 0) : r.then((v) => (v < 0 ? EOF : 0));
};

L.fflush_all = async function () {
  for (const s of [this.stdout, this.stderr]) if (s) await this.fflush(s);
};

L.printf = function (fmt, ...args) { return this.fwrite(format(fmt, args), this.stdout); };
L.fprintf = function (stream, fmt, ...args) { return this.fwrite(format(fmt, args), stream); };
L.dprintf = function (fd, fmt, ...args) { return write_all_sync_or_async(this, fd, enc.encode(format(fmt, args))); };
L.sprintf = (fmt, ...args) => format(fmt, args);
L.snprintf = function (buf, size, fmt, ...args) {
  const b = enc.encode(format(fmt, args));
  if (size > 0) { const n = Math.min(b.length, size - 1); this.poke(buf, b.subarray(0, n)); this.poke_u8(buf + n, 0); }
  return b.length;
};
L.puts = function (s) { return this.fwrite(s + '\n', this.stdout); };
L.fputs = function (s, stream) { return this.fwrite(s, stream); };
L.putchar = function (c) { return this.fwrite(new Uint8Array([c]), this.stdout); };
L.fdopen = (fd) => new FILE(fd);
L.strerror = (e) => ERRNO_TEXT[e] ?? `Unknown error ${e}`;
L.perror = function (s) { return this.fputs(`${s ? s + ': ' : ''}${this.strerror(this.errno)}\n`, this.stderr); };

L.fgets = async function (stream, max = 1 << 20) {
  const chunks: number[] = [];
  for (;;) {
    const nl = stream.rbuf.indexOf(10);
    if (nl >= 0 || stream.rbuf.length >= max) {
      const n = nl >= 0 ? Math.min(nl + 1, max) : max;
      chunks.push(...stream.rbuf.subarray(0, n));
      stream.rbuf = stream.rbuf.subarray(n);
      return dec.decode(Uint8Array.from(chunks));
    }
    chunks.push(...stream.rbuf);
    stream.rbuf = new Uint8Array(0);
    const b = new Uint8Array(4096);
    const r = await this.read(stream.fd, b, b.length);
    if (r <= 0) { stream.eof = r === 0; stream.err = r < 0; return chunks.length ? dec.decode(Uint8Array.from(chunks)) : null; }
    stream.rbuf = b.subarray(0, r);
  }
};

export function stdio_init(lc: Libc): void {
  lc.stdin = new FILE(0);
  lc.stdout = new FILE(1);
  lc.stderr = new FILE(2);
}
