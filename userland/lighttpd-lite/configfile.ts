/**
 * lighttpd's configuration language (configfile.c's tokenizer and configparser.y's grammar,
 * the subset lighttpd-lite supports): `key = value`, `+=`, `:=`, strings, integers, arrays
 * `( "a", "k" => "v" )`, `+` concatenation, `var.*` variables, comments, and conditional
 * blocks `$HTTP["url"] =~ "re" { ... }` (also ==, !=, !~; fields url, host, querystring),
 * nested. Errors read like lighttpd's: "source: FILE line: N pos: P parser failed somehow near here: TOKEN".
 */

export type Value = string | number | Value[] | KeyedArray;
/** An array with `"key" => value` entries (lighttpd's array of data_* with keys). */
export interface KeyedArray { keyed: true; entries: [string, Value][] }

export interface CondBlock {
  field: string;
  op: '==' | '!=' | '=~' | '!~';
  pattern: string;
  re: RegExp | null;
  parent: CondBlock | null;
  settings: Map<string, Value>;
  line: number;
}

export interface ParsedConfig { global: Map<string, Value>; conds: CondBlock[] }

type TokKind = 'EOL' | 'STRING' | 'INTEGER' | 'KEY' | 'OP' | 'EOF';
interface Token { kind: TokKind; text: string; line: number; pos: number }

export class ConfigError extends Error {}

const OPS = ['+=', ':=', '=>', '==', '!=', '=~', '!~', '=', '+', ',', '(', ')', '{', '}', '[', ']', '$'];

/** Splits the source into tokens; newlines inside ( ) are skipped, as lighttpd's tokenizer does. */
export function tokenize(src: string, file: string): Token[] {
  const toks: Token[] = [];
  let i = 0, line = 1, col = 0, depth = 0;
  const push = (kind: TokKind, text: string): void => { toks.push({ kind, text, line, pos: col }); };
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') { i++; line++; col = 0; if (depth === 0) push('EOL', '(EOL)'); continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; col++; continue; }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '"') { const [s, n] = read_string(src, i, file, line, col); i += n; col += n; push('STRING', s); continue; }
    if (c >= '0' && c <= '9') {
      const m = /^[0-9]+/.exec(src.slice(i, i + 32))![0];
      i += m.length; col += m.length; push('INTEGER', m); continue;
    }
    const key = /^[A-Za-z_][A-Za-z0-9_.\-]*/.exec(src.slice(i, i + 256));
    if (key) { i += key[0].length; col += key[0].length; push('KEY', key[0]); continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ConfigError(`source: ${file} line: ${line} pos: ${col} invalid character in variable name`);
    if (op === '(') depth++;
    if (op === ')') depth = Math.max(0, depth - 1);
    i += op.length; col += op.length; push('OP', op);
  }
  push('EOL', '(EOL)');
  toks.push({ kind: 'EOF', text: '(EOF)', line, pos: col });
  return toks;
}

/** A quoted string with \" and \\ escapes; [value, characters consumed]. */
function read_string(src: string, start: number, file: string, line: number, col: number): [string, number] {
  let s = '', i = start + 1;
  for (; i < src.length && src[i] !== '"'; i++) {
    if (src[i] === '\n') break;
    if (src[i] === '\\' && (src[i + 1] === '"' || src[i + 1] === '\\')) i++;
    s += src[i];
  }
  if (src[i] !== '"') throw new ConfigError(`source: ${file} line: ${line} pos: ${col} missing closing quote`);
  return [s, i + 1 - start];
}

/** The recursive-descent parser over the tokens. */
class Parser {
  private i = 0;
  readonly global = new Map<string, Value>();
  readonly conds: CondBlock[] = [];
  private readonly vars = new Map<string, Value>();

  constructor(private readonly toks: Token[], private readonly file: string) {}

  private peek(): Token { return this.toks[this.i]; }
  private next(): Token { return this.toks[this.i++]; }
  private fail(t: Token): never {
    throw new ConfigError(`source: ${this.file} line: ${t.line} pos: ${t.pos} parser failed somehow near here: ${t.text}`);
  }
  private expect_op(op: string): void { const t = this.next(); if (t.kind !== 'OP' || t.text !== op) this.fail(t); }

  parse(): ParsedConfig {
    this.block(this.global, null, true);
    return { global: this.global, conds: this.conds };
  }

  private block(into: Map<string, Value>, cond: CondBlock | null, top: boolean): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'EOF') { if (top) return; this.fail(this.toks[this.i - 1]); }
      if (t.kind === 'EOL') { this.i++; continue; }
      if (t.kind === 'OP' && t.text === '}' && !top) { this.i++; return; }
      if (t.kind === 'OP' && t.text === '$') { this.condition(cond); continue; }
      if (t.kind !== 'KEY') this.fail(t);
      this.assignment(into);
    }
  }

  private assignment(into: Map<string, Value>): void {
    const key = this.next().text;
    const op = this.next();
    if (op.kind !== 'OP' || !['=', '+=', ':='].includes(op.text)) this.fail(op);
    const v = this.expression();
    const end = this.peek();
    if (end.kind !== 'EOL' && !(end.kind === 'OP' && end.text === '}')) this.fail(end);
    const store = key.startsWith('var.') ? this.vars : into;
    if (op.text === '+=') {
      const old = store.get(key) ?? this.global.get(key);
      store.set(key, old === undefined ? v : concat(old, v, () => this.fail(op)));
    } else store.set(key, v);
  }

  private expression(): Value {
    let v = this.value();
    while (this.peek().kind === 'OP' && this.peek().text === '+') {
      const plus = this.next();
      v = concat(v, this.value(), () => this.fail(plus));
    }
    return v;
  }

  private value(): Value {
    const t = this.next();
    if (t.kind === 'STRING') return t.text;
    if (t.kind === 'INTEGER') return Number(t.text);
    if (t.kind === 'KEY') {
      const v = this.vars.get(t.text) ?? this.global.get(t.text);
      if (v === undefined) throw new ConfigError(`source: ${this.file} line: ${t.line} pos: ${t.pos} Undefined config variable: ${t.text}`);
      return v;
    }
    if (t.kind === 'OP' && t.text === '(') return this.array();
    return this.fail(t);
  }

  private array(): Value {
    const plain: Value[] = [], keyed: [string, Value][] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'OP' && t.text === ')') { this.i++; break; }
      const v = this.expression();
      const arrow = this.peek();
      if (arrow.kind === 'OP' && arrow.text === '=>') {
        this.i++;
        if (typeof v !== 'string' || plain.length) this.fail(arrow);
        keyed.push([v, this.expression()]);
      } else { if (keyed.length) this.fail(arrow); plain.push(v); }
      const sep = this.peek();
      if (sep.kind === 'OP' && sep.text === ',') { this.i++; continue; }
      if (!(sep.kind === 'OP' && sep.text === ')')) this.fail(sep);
    }
    return keyed.length ? { keyed: true, entries: keyed } : plain;
  }

  private condition(parent: CondBlock | null): void {
    this.expect_op('$');
    const scope = this.next();
    if (scope.kind !== 'KEY' || !['HTTP', 'SERVER'].includes(scope.text)) this.fail(scope);
    this.expect_op('[');
    const field = this.next();
    if (field.kind !== 'STRING') this.fail(field);
    this.expect_op(']');
    const op = this.next();
    if (op.kind !== 'OP' || !['==', '!=', '=~', '!~'].includes(op.text)) this.fail(op);
    const pat = this.next();
    if (pat.kind !== 'STRING') this.fail(pat);
    if (!['url', 'host', 'querystring', 'request-method', 'useragent', 'referer', 'remoteip'].includes(field.text)) {
      throw new ConfigError(`source: ${this.file} line: ${scope.line} pos: ${scope.pos} unknown/unsupported condition: $${scope.text}["${field.text}"]`);
    }
    const cond: CondBlock = { field: field.text, op: op.text as CondBlock['op'], pattern: pat.text, re: null, parent, settings: new Map(), line: scope.line };
    if (op.text === '=~' || op.text === '!~') cond.re = compile_regex(pat.text, this.file, pat);
    while (this.peek().kind === 'EOL') this.i++;
    this.expect_op('{');
    this.conds.push(cond);
    this.block(cond.settings, cond, false);
  }
}

function compile_regex(p: string, file: string, t: Token): RegExp {
  try { return new RegExp(p); } catch {
    throw new ConfigError(`source: ${file} line: ${t.line} pos: ${t.pos} pcre2_compile: invalid regex: ${p}`);
  }
}

/** `a + b`: strings and integers concatenate, arrays append (configparser.y's merge rules). */
function concat(a: Value, b: Value, fail: () => never): Value {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (is_keyed(a) && is_keyed(b)) return { keyed: true, entries: [...a.entries, ...b.entries] };
  if ((typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number')) {
    return typeof a === 'number' && typeof b === 'number' ? a + b : String(a) + String(b);
  }
  return fail();
}

export function is_keyed(v: Value | undefined): v is KeyedArray {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as KeyedArray).keyed === true;
}

/** Parses a whole configuration file's text; throws ConfigError with lighttpd's message. */
export function config_parse(src: string, file: string): ParsedConfig {
  return new Parser(tokenize(src, file), file).parse();
}
