/**
 * Lua 5.1's grammar (lparser.c) as a recursive-descent parser producing an AST; operator
 * precedence as in the manual (§2.5.6): or < and < comparison < .. (right) < + - < * / % <
 * unary (not # -) < ^ (right).
 */
import { Lexer, LuaSyntaxError, type Token } from './llex.ts';

export type Expr =
  | { k: 'nil' } | { k: 'true' } | { k: 'false' } | { k: 'vararg' }
  | { k: 'num'; v: number } | { k: 'str'; v: string }
  | { k: 'func'; f: FuncBody }
  | { k: 'name'; name: string; line: number }
  | { k: 'index'; obj: Expr; key: Expr; line: number }
  | { k: 'call'; fn: Expr; args: Expr[]; line: number }
  | { k: 'method'; obj: Expr; name: string; args: Expr[]; line: number }
  | { k: 'bin'; op: string; a: Expr; b: Expr; line: number }
  | { k: 'un'; op: string; a: Expr; line: number }
  | { k: 'and' | 'or'; a: Expr; b: Expr }
  | { k: 'table'; items: TableItem[]; line: number }
  | { k: 'paren'; e: Expr };

export type TableItem = { key: Expr | null; value: Expr };

export type Stat =
  | { k: 'local'; names: string[]; exprs: Expr[] }
  | { k: 'assign'; targets: Expr[]; exprs: Expr[]; line: number }
  | { k: 'callstat'; call: Expr }
  | { k: 'do'; body: Stat[] }
  | { k: 'while'; cond: Expr; body: Stat[] }
  | { k: 'repeat'; body: Stat[]; cond: Expr }
  | { k: 'if'; clauses: [Expr, Stat[]][]; else_: Stat[] | null }
  | { k: 'fornum'; v: string; start: Expr; stop: Expr; step: Expr | null; body: Stat[]; line: number }
  | { k: 'forin'; names: string[]; exprs: Expr[]; body: Stat[]; line: number }
  | { k: 'localfunction'; name: string; f: FuncBody }
  | { k: 'return'; exprs: Expr[] }
  | { k: 'break' };

export interface FuncBody { params: string[]; vararg: boolean; body: Stat[]; line: number }

const BINARY: Record<string, [left: number, right: number]> = {
  or: [1, 1], and: [2, 2], '<': [3, 3], '>': [3, 3], '<=': [3, 3], '>=': [3, 3], '~=': [3, 3], '==': [3, 3],
  '..': [5, 4], '+': [6, 6], '-': [6, 6], '*': [7, 7], '/': [7, 7], '%': [7, 7], '^': [10, 9],
};
const UNARY_PRIORITY = 8;

export class Parser {
  private lx: Lexer;
  private t: Token;
  private ahead: Token | null = null;

  constructor(src: string) { this.lx = new Lexer(src); this.t = this.lx.next(); }

  private advance(): Token {
    const cur = this.t;
    this.t = this.ahead ?? this.lx.next();
    this.ahead = null;
    return cur;
  }
  private peek(): Token { return (this.ahead ??= this.lx.next()); }
  private is(v: string): boolean { return this.t.kind === 'op' && this.t.value === v; }
  private accept(v: string): boolean { if (this.is(v)) { this.advance(); return true; } return false; }
  private err(msg: string): never { throw new LuaSyntaxError(this.t.line, `${msg} near '${this.t.text}'`); }
  /** check_match: `what` closing `who` opened at line; a different line is named in the error. */
  private match(what: string, who: string, line: number): void {
    if (this.accept(what)) return;
    this.err(line === this.t.line ? `'${what}' expected` : `'${what}' expected (to close '${who}' at line ${line})`);
  }
  private expect(v: string, what = `'${v}' expected`): void { if (!this.accept(v)) this.err(what); }
  private name(): string { if (this.t.kind !== 'name') this.err("'<name>' expected"); return this.advance().value; }

  chunk(): Stat[] {
    const body = this.block();
    if (this.t.kind !== 'eof') this.err("'<eof>' expected");
    return body;
  }

  private block_end(): boolean {
    return this.t.kind === 'eof' || (this.t.kind === 'op' && ['end', 'else', 'elseif', 'until'].includes(this.t.value));
  }

  private block(): Stat[] {
    const out: Stat[] = [];
    while (!this.block_end()) {
      if (this.is('return')) {
        this.advance();
        const exprs = this.block_end() || this.is(';') ? [] : this.exprlist();
        this.accept(';');
        out.push({ k: 'return', exprs });
        break; // the last statement: what encloses the block checks what follows
      }
      if (this.is('break')) { this.advance(); this.accept(';'); out.push({ k: 'break' }); break; }
      out.push(this.statement());
      this.accept(';');
    }
    return out;
  }

  private statement(): Stat {
    const line = this.t.line;
    if (this.accept('do')) { const body = this.block(); this.match('end', 'do', line); return { k: 'do', body }; }
    if (this.accept('while')) { const cond = this.expr(); this.expect('do'); const body = this.block(); this.match('end', 'while', line); return { k: 'while', cond, body }; }
    if (this.accept('repeat')) { const body = this.block(); this.match('until', 'repeat', line); return { k: 'repeat', body, cond: this.expr() }; }
    if (this.accept('if')) return this.if_stat(line);
    if (this.accept('for')) return this.for_stat(line);
    if (this.accept('function')) return this.function_stat(line);
    if (this.accept('local')) {
      if (this.accept('function')) { const name = this.name(); return { k: 'localfunction', name, f: this.funcbody(line) }; }
      const names = [this.name()];
      while (this.accept(',')) names.push(this.name());
      return { k: 'local', names, exprs: this.accept('=') ? this.exprlist() : [] };
    }
    return this.expr_stat(line);
  }

  private if_stat(line: number): Stat {
    const clauses: [Expr, Stat[]][] = [];
    let cond = this.expr();
    this.expect('then');
    clauses.push([cond, this.block()]);
    let else_: Stat[] | null = null;
    for (;;) {
      if (this.accept('elseif')) { cond = this.expr(); this.expect('then'); clauses.push([cond, this.block()]); continue; }
      if (this.accept('else')) else_ = this.block();
      this.match('end', 'if', line);
      return { k: 'if', clauses, else_ };
    }
  }

  private for_stat(line: number): Stat {
    const first = this.name();
    if (this.accept('=')) {
      const start = this.expr(); this.expect(',');
      const stop = this.expr();
      const step = this.accept(',') ? this.expr() : null;
      this.expect('do');
      const body = this.block(); this.match('end', 'for', line);
      return { k: 'fornum', v: first, start, stop, step, body, line };
    }
    const names = [first];
    while (this.accept(',')) names.push(this.name());
    this.expect('in');
    const exprs = this.exprlist();
    this.expect('do');
    const body = this.block(); this.match('end', 'for', line);
    return { k: 'forin', names, exprs, body, line };
  }

  /** function a.b.c:m() … end: an assignment of the function to the path. */
  private function_stat(line: number): Stat {
    let target: Expr = { k: 'name', name: this.name(), line };
    let method = false;
    while (this.is('.') || this.is(':')) {
      method = this.advance().value === ':';
      target = { k: 'index', obj: target, key: { k: 'str', v: this.name() }, line };
      if (method) break;
    }
    const f = this.funcbody(line, method);
    return { k: 'assign', targets: [target], exprs: [{ k: 'func', f }], line };
  }

  private funcbody(line: number, method = false): FuncBody {
    this.expect('(');
    const params = method ? ['self'] : [];
    let vararg = false;
    if (!this.is(')')) {
      do {
        if (this.accept('...')) { vararg = true; break; }
        params.push(this.name());
      } while (this.accept(','));
    }
    this.expect(')');
    const body = this.block();
    this.match('end', 'function', line);
    return { params, vararg, body, line };
  }

  /** exprstat: a call, or else an assignment (each target a variable, then '='). */
  private expr_stat(line: number): Stat {
    const e = this.suffixedexp();
    if (e.k === 'call' || e.k === 'method') return { k: 'callstat', call: e };
    const targets: Expr[] = [e];
    for (;;) {
      const tg = targets[targets.length - 1];
      if (tg.k !== 'name' && tg.k !== 'index') this.err('syntax error');
      if (!this.accept(',')) break;
      targets.push(this.suffixedexp());
    }
    this.expect('=');
    return { k: 'assign', targets, exprs: this.exprlist(), line };
  }

  private exprlist(): Expr[] {
    const out = [this.expr()];
    while (this.accept(',')) out.push(this.expr());
    return out;
  }

  private primaryexp(): Expr {
    const line = this.t.line;
    if (this.t.kind === 'name') return { k: 'name', name: this.advance().value, line };
    if (this.accept('(')) { const e = this.expr(); this.match(')', '(', line); return { k: 'paren', e }; }
    return this.err('unexpected symbol');
  }

  private suffixedexp(): Expr {
    let e = this.primaryexp();
    for (;;) {
      const line = this.t.line;
      if (this.accept('.')) e = { k: 'index', obj: e, key: { k: 'str', v: this.name() }, line };
      else if (this.accept('[')) { const key = this.expr(); this.expect(']'); e = { k: 'index', obj: e, key, line }; }
      else if (this.accept(':')) { const name = this.name(); e = { k: 'method', obj: e, name, args: this.callargs(), line }; }
      else if (this.is('(') || this.is('{') || this.t.kind === 'string') e = { k: 'call', fn: e, args: this.callargs(), line };
      else return e;
    }
  }

  private callargs(): Expr[] {
    const line = this.t.line;
    if (this.t.kind === 'string') return [{ k: 'str', v: this.advance().value }];
    if (this.is('{')) return [this.table()];
    this.expect('(', 'function arguments expected');
    if (this.accept(')')) return [];
    const args = this.exprlist();
    this.match(')', '(', line);
    return args;
  }

  private table(): Expr {
    const line = this.t.line;
    this.expect('{');
    const items: TableItem[] = [];
    while (!this.is('}')) {
      if (this.accept('[')) { const key = this.expr(); this.expect(']'); this.expect('='); items.push({ key, value: this.expr() }); }
      else if (this.t.kind === 'name' && this.peek().kind === 'op' && this.peek().value === '=') {
        const key: Expr = { k: 'str', v: this.advance().value };
        this.advance();
        items.push({ key, value: this.expr() });
      } else items.push({ key: null, value: this.expr() });
      if (!this.accept(',') && !this.accept(';')) break;
    }
    this.match('}', '{', line);
    return { k: 'table', items, line };
  }

  private simpleexp(): Expr {
    const t = this.t;
    if (t.kind === 'number') { this.advance(); return { k: 'num', v: t.num }; }
    if (t.kind === 'string') { this.advance(); return { k: 'str', v: t.value }; }
    if (this.accept('nil')) return { k: 'nil' };
    if (this.accept('true')) return { k: 'true' };
    if (this.accept('false')) return { k: 'false' };
    if (this.accept('...')) return { k: 'vararg' };
    if (this.is('{')) return this.table();
    if (this.accept('function')) return { k: 'func', f: this.funcbody(t.line) };
    return this.suffixedexp();
  }

  expr(limit = 0): Expr {
    let e: Expr;
    const line = this.t.line;
    if (this.is('not') || this.is('-') || this.is('#')) {
      const op = this.advance().value;
      e = { k: 'un', op, a: this.expr(UNARY_PRIORITY), line };
    } else e = this.simpleexp();
    for (;;) {
      const op = this.t.kind === 'op' ? this.t.value : '';
      const pr = BINARY[op];
      if (!pr || pr[0] <= limit) return e;
      const oline = this.t.line;
      this.advance();
      const b = this.expr(pr[1]);
      e = op === 'and' || op === 'or' ? { k: op, a: e, b } : { k: 'bin', op, a: e, b, line: oline };
    }
  }
}

export function parse(src: string): Stat[] { return new Parser(src).chunk(); }
