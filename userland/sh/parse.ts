/**
 * The shell grammar (POSIX XCU 2.10, reduced): tokens, here-documents, and a recursive-descent
 * parser for lists, and-or lists, pipelines, simple commands with assignments and redirections,
 * subshells, brace groups, if, while, until, for, case, and function definitions. Words keep their
 * quotes; expand.ts interprets them.
 */

export interface Redir { fd: number; op: string; word: string; heredoc?: { body: string; quoted: boolean } }
export interface Simple { kind: 'simple'; assigns: string[]; words: string[]; redirs: Redir[]; line: number }
export interface Subshell { kind: 'subshell'; body: List; redirs: Redir[] }
export interface Group { kind: 'group'; body: List; redirs: Redir[] }
export interface If { kind: 'if'; arms: { cond: List; body: List }[]; else_: List | null; redirs: Redir[] }
export interface Loop { kind: 'while' | 'until'; cond: List; body: List; redirs: Redir[] }
export interface For { kind: 'for'; name: string; items: string[] | null; body: List; redirs: Redir[] }
export interface FuncDef { kind: 'func'; name: string; body: Command }
/** case WORD in PAT|PAT) LIST ;; … esac (XCU 2.9.4.3); a body may be empty. */
export interface Case { kind: 'case'; word: string; arms: { pats: string[]; body: List }[]; redirs: Redir[] }
export type Command = Simple | Subshell | Group | If | Loop | For | Case | FuncDef;
export interface Pipeline { bang: boolean; cmds: Command[]; text: string }
export interface AndOr { first: Pipeline; rest: { op: '&&' | '||'; p: Pipeline }[]; background: boolean; text: string }
export type List = AndOr[];

/** Thrown on a syntax error; `incomplete` when more input could complete the command (PS2). */
export class SyntaxError_ extends Error {
  constructor(msg: string, readonly incomplete: boolean, readonly line: number) { super(msg); }
}

type Tok = { t: 'word' | 'op' | 'nl' | 'eof' | 'io'; v: string; pos: number; line: number };

const OPS = ['&&', '||', ';;', '<<-', '<<', '>>', '<&', '>&', '<>', '>|', ';', '&', '|', '(', ')', '<', '>'];
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', '{', '}', '!', 'case', 'esac']);

/** Tokenizer; collects here-document bodies at the newline after their operator. */
class Lexer {
  pos = 0;
  line = 1;
  pending: Redir[] = [];
  constructor(readonly src: string) {}

  private incomplete(what: string): never { throw new SyntaxError_(`Syntax error: ${what}`, true, this.line); }

  /** Skips a quoted or nested construct starting at i; returns the index after it. */
  private skip(i: number): number {
    const s = this.src, c = s[i];
    if (c === '\\') return i + 2;
    if (c === "'") { const j = s.indexOf("'", i + 1); if (j < 0) this.incomplete('Unterminated quoted string'); return j + 1; }
    if (c === '"') {
      for (let j = i + 1; j < s.length;) {
        if (s[j] === '"') return j + 1;
        j = s[j] === '\\' ? j + 2 : s[j] === '$' || s[j] === '`' ? this.skip(j) : j + 1;
      }
      this.incomplete('Unterminated quoted string');
    }
    if (c === '`') {
      for (let j = i + 1; j < s.length; j++) { if (s[j] === '\\') j++; else if (s[j] === '`') return j + 1; }
      this.incomplete('Unterminated backquote');
    }
    if (c === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
      const open = s[i + 1], close = open === '(' ? ')' : '}';
      let depth = 0;
      for (let j = i + 1; j < s.length;) {
        if (s[j] === open) { depth++; j++; } else if (s[j] === close) { if (--depth === 0) return j + 1; j++; }
        else if (s[j] === '\\' || s[j] === "'" || s[j] === '"' || s[j] === '`' || (s[j] === '$' && (s[j + 1] === '(' || s[j + 1] === '{'))) j = this.skip(j);
        else j++;
      }
      this.incomplete(`Missing '${close}'`);
    }
    return i + 1;
  }

  /** Reads the here-document bodies owed at this newline. */
  private heredocs(): void {
    for (const r of this.pending) {
      const strip = r.op === '<<-';
      const quoted = /['"\\]/.test(r.word);
      const delim = r.word.replace(/\\(.)/g, '$1').replace(/['"]/g, '');
      const lines: string[] = [];
      for (;;) {
        if (this.pos >= this.src.length) this.incomplete(`end of file unexpected (expecting "${delim}")`);
        let end = this.src.indexOf('\n', this.pos);
        if (end < 0) end = this.src.length;
        let l = this.src.slice(this.pos, end);
        this.pos = end + 1; this.line++;
        if (strip) l = l.replace(/^\t+/, '');
        if (l === delim) break;
        lines.push(l);
      }
      r.heredoc = { body: lines.length ? lines.join('\n') + '\n' : '', quoted };
    }
    this.pending = [];
  }

  next(): Tok {
    const s = this.src;
    for (;;) {
      while (s[this.pos] === ' ' || s[this.pos] === '\t') this.pos++;
      if (s[this.pos] === '\\' && s[this.pos + 1] === '\n') { this.pos += 2; this.line++; continue; }
      if (s[this.pos] === '#') { while (this.pos < s.length && s[this.pos] !== '\n') this.pos++; }
      break;
    }
    const start = this.pos, line = this.line;
    if (this.pos >= s.length) return { t: 'eof', v: '', pos: start, line };
    if (s[this.pos] === '\n') {
      this.pos++; this.line++;
      if (this.pending.length) this.heredocs();
      return { t: 'nl', v: '\n', pos: start, line };
    }
    for (const op of OPS) if (s.startsWith(op, this.pos)) { this.pos += op.length; return { t: 'op', v: op, pos: start, line }; }
    let i = this.pos;
    while (i < s.length && !' \t\n;&|()<>'.includes(s[i])) i = this.skip(i);
    const v = s.slice(this.pos, i);
    this.pos = i;
    if (/^\d+$/.test(v) && (s[i] === '<' || s[i] === '>')) return { t: 'io', v, pos: start, line };
    return { t: 'word', v, pos: start, line };
  }
}

export class Parser {
  private readonly lx: Lexer;
  private tok: Tok;
  constructor(readonly src: string) { this.lx = new Lexer(src); this.tok = this.lx.next(); }

  private advance(): Tok { const t = this.tok; this.tok = this.lx.next(); return t; }
  /** The current token (a method, so that checks after advance() are not narrowed away). */
  private cur(): Tok { return this.tok; }
  private fail(): never {
    const t = this.tok;
    if (t.t === 'eof') throw new SyntaxError_('Syntax error: end of file unexpected', true, t.line);
    throw new SyntaxError_(`Syntax error: "${t.t === 'nl' ? 'newline' : t.v}" unexpected`, false, t.line);
  }
  private is_op(v: string): boolean { return this.tok.t === 'op' && this.tok.v === v; }
  private is_word(v: string): boolean { return this.tok.t === 'word' && this.tok.v === v; }
  private expect_word(v: string): void { if (!this.is_word(v)) this.fail(); this.advance(); }
  private linebreak(): void { while (this.tok.t === 'nl') this.advance(); }

  /** The whole program; complete commands separated by newlines. */
  program(): List {
    const out: List = [];
    this.linebreak();
    while (this.tok.t !== 'eof') { out.push(...this.list(new Set())); this.linebreak(); }
    return out;
  }

  /** Parses the next complete command (a line's worth); null at end of input. */
  next_command(): List | null {
    this.linebreak();
    if (this.tok.t === 'eof') return null;
    const l = this.list(new Set());
    const c = this.cur();
    if (c.t !== 'nl' && c.t !== 'eof') this.fail();
    return l;
  }

  /** A compound_list: and-or lists up to one of the closing words. */
  private list(until: Set<string>, may_be_empty = false): List {
    const out: List = [];
    for (;;) {
      this.linebreak();
      const c = this.cur();
      if (c.t === 'eof' || (c.t === 'word' && until.has(c.v)) || this.is_op(')') || this.is_op(';;')) break;
      const start = this.tok.pos;
      const ao = this.and_or();
      ao.text = this.src.slice(start, this.tok.pos).trim();
      out.push(ao);
      if (this.is_op('&')) { ao.background = true; this.advance(); }
      else if (this.is_op(';')) this.advance();
      else if (this.tok.t !== 'nl') break;
      if (until.size === 0 && this.tok.t === 'nl') break;
    }
    if (until.size && !out.length && !may_be_empty) this.fail(); // a compound list may not be empty
    return out;
  }

  private and_or(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    while (this.is_op('&&') || this.is_op('||')) {
      const op = this.advance().v as '&&' | '||';
      this.linebreak();
      rest.push({ op, p: this.pipeline() });
    }
    return { first, rest, background: false, text: '' };
  }

  private pipeline(): Pipeline {
    const start = this.tok.pos;
    let bang = false;
    if (this.is_word('!')) { bang = true; this.advance(); }
    const cmds = [this.command()];
    while (this.is_op('|')) { this.advance(); this.linebreak(); cmds.push(this.command()); }
    return { bang, cmds, text: this.src.slice(start, this.tok.pos).trim() };
  }

  private redirs(into: Redir[]): void {
    for (;;) {
      let fd = -1;
      if (this.tok.t === 'io') fd = Number(this.advance().v);
      const c = this.cur();
      if (c.t !== 'op' || !/^(<|>|>>|<<|<<-|<&|>&|<>|>\|)$/.test(c.v)) { if (fd >= 0) this.fail(); return; }
      const op = this.advance().v;
      if (this.cur().t !== 'word') this.fail();
      const r: Redir = { fd: fd >= 0 ? fd : op[0] === '<' ? 0 : 1, op, word: this.tok.v };
      // Owed before the lexer reads on: the body starts after the next newline token.
      if (op === '<<' || op === '<<-') this.lx.pending.push(r);
      this.advance();
      into.push(r);
    }
  }

  private command(): Command {
    const t = this.tok;
    let c: Command;
    if (this.is_op('(')) {
      this.advance();
      const body = this.list(new Set([')']));
      if (!this.is_op(')')) this.fail();
      this.advance();
      c = { kind: 'subshell', body, redirs: [] };
    } else if (t.t === 'word' && t.v === '{') {
      this.advance();
      const body = this.list(new Set(['}']));
      this.expect_word('}');
      c = { kind: 'group', body, redirs: [] };
    } else if (t.t === 'word' && t.v === 'if') c = this.if_();
    else if (t.t === 'word' && (t.v === 'while' || t.v === 'until')) c = this.loop(t.v);
    else if (t.t === 'word' && t.v === 'for') c = this.for_();
    else if (t.t === 'word' && t.v === 'case') c = this.case_();
    else return this.simple();
    this.redirs(c.redirs);
    return c;
  }

  private if_(): If {
    this.advance();
    const arms: If['arms'] = [];
    let else_: List | null = null;
    for (;;) {
      const cond = this.list(new Set(['then']));
      this.expect_word('then');
      const body = this.list(new Set(['elif', 'else', 'fi']));
      arms.push({ cond, body });
      if (this.is_word('elif')) { this.advance(); continue; }
      if (this.is_word('else')) { this.advance(); else_ = this.list(new Set(['fi'])); }
      this.expect_word('fi');
      return { kind: 'if', arms, else_, redirs: [] };
    }
  }

  private loop(kind: 'while' | 'until'): Loop {
    this.advance();
    const cond = this.list(new Set(['do']));
    this.expect_word('do');
    const body = this.list(new Set(['done']));
    this.expect_word('done');
    return { kind, cond, body, redirs: [] };
  }

  private for_(): For {
    this.advance();
    if (this.tok.t !== 'word' || !/^[A-Za-z_]\w*$/.test(this.tok.v)) this.fail();
    const name = this.advance().v;
    this.linebreak();
    let items: string[] | null = null;
    if (this.is_word('in')) {
      this.advance();
      items = [];
      while (this.tok.t === 'word') items.push(this.advance().v);
      if (!this.is_op(';') && this.tok.t !== 'nl') this.fail();
      this.advance();
    } else if (this.is_op(';')) this.advance();
    this.linebreak();
    this.expect_word('do');
    const body = this.list(new Set(['done']));
    this.expect_word('done');
    return { kind: 'for', name, items, body, redirs: [] };
  }

  private case_(): Case {
    this.advance();
    if (this.tok.t !== 'word') this.fail();
    const word = this.advance().v;
    this.linebreak();
    this.expect_word('in');
    const arms: Case['arms'] = [];
    for (this.linebreak(); !this.is_word('esac'); this.linebreak()) {
      if (this.is_op('(')) this.advance();
      const pats: string[] = [];
      for (;;) {
        if (this.tok.t !== 'word') this.fail();
        pats.push(this.advance().v);
        if (!this.is_op('|')) break;
        this.advance();
      }
      if (!this.is_op(')')) this.fail();
      this.advance();
      arms.push({ pats, body: this.list(new Set(['esac']), true) });
      if (!this.is_op(';;')) break; // the last arm may omit ;;
      this.advance();
    }
    this.linebreak();
    this.expect_word('esac');
    return { kind: 'case', word, arms, redirs: [] };
  }

  private simple(): Command {
    const c: Simple = { kind: 'simple', assigns: [], words: [], redirs: [], line: this.tok.line };
    for (;;) {
      this.redirs(c.redirs);
      if (this.tok.t !== 'word') break;
      const v = this.tok.v;
      if (c.words.length === 0 && /^[A-Za-z_]\w*=/.test(v)) { c.assigns.push(this.advance().v); continue; }
      if (c.words.length === 0 && c.assigns.length === 0 && RESERVED.has(v) && v !== '{' && v !== '!') this.fail();
      c.words.push(this.advance().v);
      if (c.words.length === 1 && c.assigns.length === 0 && this.is_op('(') && /^[A-Za-z_][\w-]*$/.test(v)) return this.funcdef(v);
    }
    if (!c.words.length && !c.assigns.length && !c.redirs.length) this.fail();
    return c;
  }

  private funcdef(name: string): FuncDef {
    this.advance();
    if (!this.is_op(')')) this.fail();
    this.advance();
    this.linebreak();
    return { kind: 'func', name, body: this.command() };
  }
}
