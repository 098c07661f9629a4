/**
 * Fuzzer programs: sequences of syscalls whose arguments may name the results of earlier calls
 * (syzkaller's prog package, at privos's scale), and their text form, one call a line:
 *
 *   r0 = openat(0xffffffffffffff9c, &"/tmp/f0", 0x42, 0x1a4)
 *   r1 = pipe2(&[8], 0x80000)
 *   write(r1.1, &[16]{i64 0x41414141, i32 r0}, 0x10)
 *   mmap(0x0, 0x1000, 0x3, 0x22, r0, 0x0)
 *
 * Arguments: a number (hex, or -N); `rN` the return value of call N; `rN.0`/`rN.1` the fds call
 * N wrote to its int[2] argument (pipe2, socketpair); `&"…"` a NUL-terminated string in the
 * program's memory; `&[SIZE]{FIELDS}` a zeroed buffer of SIZE bytes whose leading fields (i8,
 * i16, i32, i64: a number or a result) are written just before the call.
 */

/** An argument of a call. */
export type Arg =
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'res'; readonly call: number; readonly sub: number }
  | { readonly t: 'str'; readonly s: string }
  | { readonly t: 'buf'; readonly size: number; readonly fields: readonly Field[] };

/** A value written into a buffer argument: `width` bytes, little-endian. */
export interface Field { readonly width: 1 | 2 | 4 | 8; readonly v: Arg }

export interface Call { readonly name: string; readonly args: readonly Arg[] }
export type Prog = readonly Call[];

/** `sub` of a result reference that names the return value (not an element of an int[2]). */
export const RET = -1;

export const num = (v: number): Arg => ({ t: 'num', v });
export const res = (call: number, sub = RET): Arg => ({ t: 'res', call, sub });

/** A number as the text form writes it: hex, 64-bit two's complement for negatives. */
function hex(v: number): string {
  if (v >= 0) return '0x' + v.toString(16);
  return '0x' + (BigInt.asUintN(64, BigInt(v))).toString(16);
}

function format_arg(a: Arg): string {
  switch (a.t) {
    case 'num': return hex(a.v);
    case 'res': return a.sub === RET ? `r${a.call}` : `r${a.call}.${a.sub}`;
    case 'str': return '&' + JSON.stringify(a.s);
    case 'buf': return `&[${a.size}]` + (a.fields.length ? `{${a.fields.map((f) => `i${f.width * 8} ${format_arg(f.v)}`).join(', ')}}` : '');
  }
}

/** The text form of a program (see the header). */
export function format_prog(p: Prog): string {
  return p.map((c, i) => `r${i} = ${c.name}(${c.args.map(format_arg).join(', ')})\n`).join('');
}

export class ProgSyntaxError extends Error {}

/** A tiny cursor over one line of program text. */
class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void { while (this.s[this.i] === ' ') this.i++; }
  eat(tok: string): boolean { this.ws(); if (!this.s.startsWith(tok, this.i)) return false; this.i += tok.length; return true; }
  need(tok: string): void { if (!this.eat(tok)) throw new ProgSyntaxError(`expected '${tok}' at column ${this.i + 1}: ${this.s}`); }
  match(re: RegExp): string {
    this.ws();
    const m = re.exec(this.s.slice(this.i));
    if (!m || m.index !== 0) throw new ProgSyntaxError(`unexpected text at column ${this.i + 1}: ${this.s}`);
    this.i += m[0].length;
    return m[0];
  }
}

/** A number of the text form: 64-bit two's complement folded back to a JS number. */
function parse_num(text: string): number {
  const neg = text.startsWith('-'), b = BigInt(neg ? text.slice(1) : text);
  const v = BigInt.asIntN(64, neg ? -b : b);
  return Number(v < -(2n ** 53n) ? BigInt.asUintN(64, v) : v);
}

function parse_arg(c: Cursor): Arg {
  if (c.eat('&"')) {
    c.i -= 1;
    return { t: 'str', s: JSON.parse(c.match(/"(?:[^"\\]|\\.)*"/)) as string };
  }
  if (c.eat('&[')) {
    const size = Number(c.match(/\d+/));
    c.need(']');
    const fields: Field[] = [];
    if (c.eat('{')) {
      do {
        const width = (Number(c.match(/i(8|16|32|64)/).slice(1)) / 8) as Field['width'];
        fields.push({ width, v: parse_arg(c) });
      } while (c.eat(','));
      c.need('}');
    }
    return { t: 'buf', size, fields };
  }
  const tok = c.match(/r\d+(\.\d+)?|-?0x[0-9a-f]+|-?\d+/i);
  if (tok.startsWith('r')) {
    const [call, sub] = tok.slice(1).split('.');
    return res(Number(call), sub === undefined ? RET : Number(sub));
  }
  return num(parse_num(tok));
}

/** Parses the text form; `#` starts a comment. Throws ProgSyntaxError. */
export function parse_prog(text: string): Call[] {
  const prog: Call[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const c = new Cursor(line);
    if (c.eat('r')) { c.match(/\d+/); c.need('='); } else c.i = 0;
    const name = c.match(/[a-z_0-9]+/);
    c.need('(');
    const args: Arg[] = [];
    if (!c.eat(')')) {
      do args.push(parse_arg(c)); while (c.eat(','));
      c.need(')');
    }
    prog.push({ name, args });
  }
  return prog;
}
