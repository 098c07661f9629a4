/**
 * The privos side's printing helpers: the same lines the C prelude's macros print.
 * Strings and buffers passed to libc are marshalled by libc itself; `p.buf` is a 4 KiB
 * malloc'd buffer like the C side's `buf`.
 */
import { ERRNO_NAMES } from '../../kernel/include/uapi/errno.ts';
import type { Libc } from '../../libc/index.ts';
import { S_IFMT, S_IFLNK, S_IFREG } from '../../kernel/include/uapi/stat.ts';

type Ret = number | Promise<number>;

export function escape_bytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c >= 32 && c < 127 && c !== 34 && c !== 92 ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
  return s;
}

export class P {
  readonly buf: number;
  /** A struct stat / scratch area (256 bytes). */
  readonly st: number;
  constructor(readonly libc: Libc) {
    this.buf = libc.malloc(4096);
    this.st = libc.malloc(256);
  }

  line(s: string): void { this.libc.write(1, s + '\n'); }

  err(l: string): void { this.line(`${l}: -1 ${ERRNO_NAMES[this.libc.errno] ?? this.libc.errno}`); }

  /** R(label, expr): awaits a libc return (-1 + errno on failure). */
  async r(l: string, v: Ret): Promise<number> {
    const r = await v;
    if (r === -1) this.err(l); else this.line(`${l}: ${r}`);
    return r;
  }

  /** RD(label, expr, buf): a read's result and the bytes it produced at p.buf (or ptr). */
  async rd(l: string, v: Ret, ptr = this.buf): Promise<number> {
    const r = await v;
    if (r === -1) this.err(l); else this.line(`${l}: ${r} "${escape_bytes(this.libc.peek(ptr, r))}"`);
    return r;
  }

  /** S(label, call): call fills the struct stat at p.st. */
  async s(l: string, v: Ret): Promise<number> {
    const r = await v;
    if (r === -1) { this.err(l); return r; }
    const st = this.libc.parse_stat(this.st);
    const fmt = st.mode & S_IFMT;
    if (fmt === S_IFREG || fmt === S_IFLNK) this.line(`${l}: mode=${st.mode.toString(8)} size=${st.size} nlink=${st.nlink}`);
    else this.line(`${l}: mode=${st.mode.toString(8)} nlink=${st.nlink}`);
    return r;
  }

  /** LS(label, path): the sorted names getdents64 returns. */
  async ls(l: string, path: string): Promise<void> {
    const names = await this.libc.listdir(path);
    if (typeof names === 'number') { this.err(l); return; }
    this.line(`${l}: ${names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',')}`);
  }

  out(s: string): void { this.line(s); }
}
