/**
 * Lua 5.1's lexer (llex.c): names, keywords, numbers (decimal, hex, exponents), strings with
 * escapes and long brackets, comments. Strings are latin1 JS strings, one char per byte.
 * https://www.lua.org/manual/5.1/manual.html#2.1
 */

export type TokKind = 'name' | 'number' | 'string' | 'op' | 'eof';
/** A token; `text` is how an error message shows it (txtToken: a string with its delimiters). */
export interface Token { kind: TokKind; value: string; num: number; line: number; text: string }

const KEYWORDS = new Set(['and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while']);
const OPS3 = ['...'];
const OPS2 = ['==', '~=', '<=', '>=', '..'];

export class LuaSyntaxError extends Error {
  constructor(readonly line: number, msg: string) { super(msg); }
}

/** luaX_token2str for a single character: control characters as char(N). */
export function char_token(c: string): string {
  const n = c.charCodeAt(0);
  return n < 32 || n === 127 ? `char(${n})` : c;
}

const is_digit = (c: string): boolean => c >= '0' && c <= '9';
const is_alpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';

export class Lexer {
  private i = 0;
  line = 1;
  constructor(private readonly src: string) {}

  /** The contents of a long bracket at i ("[[", "[==["), or null if there is none. */
  private long_bracket(): string | null {
    const s = this.src;
    let j = this.i + 1, level = 0;
    while (s[j] === '=') { level++; j++; }
    if (s[j] !== '[') return null;
    const close = `]${'='.repeat(level)}]`;
    let start = j + 1;
    if (s[start] === '\r') start++;
    if (s[start] === '\n') start++;
    const end = s.indexOf(close, start);
    if (end < 0) throw new LuaSyntaxError(this.line, 'unfinished long string');
    const body = s.slice(start, end);
    for (let k = this.i; k < end + close.length; k++) if (s[k] === '\n') this.line++;
    this.i = end + close.length;
    return body;
  }

  private skip_space_and_comments(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.i];
      if (c === '\n') { this.line++; this.i++; } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') this.i++;
      else if (c === '-' && s[this.i + 1] === '-') {
        this.i += 2;
        if (s[this.i] === '[' && this.long_bracket() !== null) continue;
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else return;
    }
  }

  next(): Token {
    this.skip_space_and_comments();
    const s = this.src, line = this.line, c = s[this.i];
    if (this.i >= s.length) return { kind: 'eof', value: '<eof>', num: 0, line, text: '<eof>' };
    if (is_alpha(c)) {
      let j = this.i + 1;
      while (j < s.length && (is_alpha(s[j]) || is_digit(s[j]))) j++;
      const w = s.slice(this.i, j);
      this.i = j;
      return { kind: KEYWORDS.has(w) ? 'op' : 'name', value: w, num: 0, line, text: w };
    }
    if (is_digit(c) || (c === '.' && is_digit(s[this.i + 1] ?? ''))) return this.number(line);
    if (c === '"' || c === "'") { const v = this.string(c); return { kind: 'string', value: v, num: 0, line, text: c + v + c }; }
    if (c === '[') {
      const start = this.i, body = this.long_bracket();
      if (body !== null) return { kind: 'string', value: body, num: 0, line, text: s.slice(start, this.i) };
    }
    for (const op of OPS3) if (s.startsWith(op, this.i)) { this.i += 3; return { kind: 'op', value: op, num: 0, line, text: op }; }
    for (const op of OPS2) if (s.startsWith(op, this.i)) { this.i += 2; return { kind: 'op', value: op, num: 0, line, text: op }; }
    // Any other character is a token of its own (the parser then finds it unexpected).
    this.i++;
    return { kind: 'op', value: c, num: 0, line, text: char_token(c) };
  }

  private number(line: number): Token {
    const s = this.src;
    const m = /^(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(s.slice(this.i, this.i + 400))!;
    let j = this.i + m[0].length;
    while (j < s.length && (is_alpha(s[j]) || is_digit(s[j]) || s[j] === '.')) j++;
    const text = s.slice(this.i, j);
    this.i = j;
    const num = text.length !== m[0].length ? NaN : /^0[xX]/.test(text) ? parseInt(text, 16) : Number(text);
    if (Number.isNaN(num)) throw new LuaSyntaxError(line, `malformed number near '${text}'`);
    return { kind: 'number', value: text, num, line, text };
  }

  private string(q: string): string {
    const s = this.src;
    let out = '';
    this.i++;
    for (;;) {
      const c = s[this.i];
      if (c === undefined) throw new LuaSyntaxError(this.line, "unfinished string near '<eof>'");
      if (c === '\n') throw new LuaSyntaxError(this.line, `unfinished string near '${q}${out}'`);
      this.i++;
      if (c === q) return out;
      if (c !== '\\') { out += c; continue; }
      out += this.escape();
    }
  }

  private escape(): string {
    const s = this.src, e = s[this.i++];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", '\n': '\n' };
    if (e in simple) { if (e === '\n') this.line++; return simple[e]; }
    if (is_digit(e)) {
      let d = e;
      while (d.length < 3 && is_digit(s[this.i])) d += s[this.i++];
      if (Number(d) > 255) throw new LuaSyntaxError(this.line, 'escape sequence too large');
      return String.fromCharCode(Number(d));
    }
    return e; // Lua 5.1 keeps an unknown escaped character as itself
  }
}
