/**
 * The trace-pc pass (what `-fsanitize-coverage=trace-pc` is to GCC and Clang): puts a call
 * `__sanitizer_cov_trace_pc(PC)` at the start of every basic block of one TypeScript source —
 * function entry, both arms of if/else (an if without else gets the fall-through arm), both
 * arms of ?:, the right operand of && || ?? (and of &&= ||= ??=), each switch case, each loop
 * body, each catch. Each block gets the next PC; its source position goes to the block table.
 * The pass edits the text (so lines and columns of everything else stay put) and changes no
 * behaviour: a wrapped expression `(trace(PC), e)` has e's value.
 */
import type * as TS from 'typescript';
import { typescript } from '../typescript.ts';

/** The TypeScript compiler, loaded when a build needs it (not by everyone who imports the machine). */
let ts: typeof TS;

/** The hook's name, as the compilers' runtime calls it. */
export const TRACE_FN = '__sanitizer_cov_trace_pc';

/** One basic block: its 1-based line and column in the source. */
export interface Block { line: number; col: number }

/** Text inserted at pos (replacing `del` characters there). */
interface Edit { pos: number; text: string; seq: number; close: boolean; del: number }

/** The comparison hooks by operator (kernel/kcov_trace.ts): each records, then compares. */
export const CMP_FNS: Record<string, string> = {
  '<': '__sanitizer_cov_trace_cmp_lt', '<=': '__sanitizer_cov_trace_cmp_le', '>': '__sanitizer_cov_trace_cmp_gt',
  '>=': '__sanitizer_cov_trace_cmp_ge', '===': '__sanitizer_cov_trace_cmp_eq', '!==': '__sanitizer_cov_trace_cmp_ne',
  '==': '__sanitizer_cov_trace_cmp_leq', '!=': '__sanitizer_cov_trace_cmp_lne',
};

/** A pass over one file: edits in source order, blocks numbered from `first_pc` up. */
class Pass {
  readonly edits: Edit[] = [];
  readonly blocks: Block[] = [];
  readonly cmps: Block[] = [];
  private seq = 0;
  constructor(readonly sf: TS.SourceFile, readonly pc_of: (index: number) => number,
              readonly cmp_pc_of: ((index: number) => number) | null) {}

  /** A new block starting at node: its hook call. */
  private call(node: TS.Node): string {
    const { line, character } = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    this.blocks.push({ line: line + 1, col: character + 1 });
    return `${TRACE_FN}(${this.pc_of(this.blocks.length - 1)})`;
  }

  private open(pos: number, text: string, del = 0): void { this.edits.push({ pos, text, seq: this.seq++, close: false, del }); }
  private close(pos: number, text: string): void { this.edits.push({ pos, text, seq: this.seq++, close: true, del: 0 }); }

  /**
   * A comparison `a OP b` (trace-cmp): `hook(a, b, PC, TYPE)`, which records the operands and
   * returns a OP b. TYPE is KCOV_CMP_CONST (1) when one side is a numeric literal.
   */
  cmp(n: TS.BinaryExpression, fn: string): void {
    if (!this.cmp_pc_of) return;
    const { line, character } = this.sf.getLineAndCharacterOfPosition(n.operatorToken.getStart(this.sf));
    this.cmps.push({ line: line + 1, col: character + 1 });
    const konst = ts.isNumericLiteral(n.left) || ts.isNumericLiteral(n.right) ? 1 : 0;
    this.open(n.getStart(this.sf), `${fn}(`);
    const op = n.operatorToken;
    this.open(op.getStart(this.sf), ',', op.end - op.getStart(this.sf));
    this.close(n.end, `, ${this.cmp_pc_of(this.cmps.length - 1)}, ${konst})`);
  }

  /** A statement that starts a block: the call goes first inside it (braces added if needed). */
  stmt(s: TS.Statement): void {
    if (ts.isBlock(s)) { this.open(s.getStart(this.sf) + 1, ` ${this.call(s)};`); return; }
    this.open(s.getStart(this.sf), `{ ${this.call(s)}; `);
    this.close(s.end, ' }');
  }

  /** An expression that starts a block: `(call, e)`. */
  expr(e: TS.Expression): void {
    this.open(e.getStart(this.sf), `(${this.call(e)}, `);
    this.close(e.end, ')');
  }

  /** The implicit else of an if: the fall-through block. */
  fallthrough(s: TS.IfStatement): void {
    this.close(s.thenStatement.end, ` else ${this.call(s)};`);
  }

  /** A case clause: the call before its first statement (or where that would be). */
  clause(c: TS.CaseOrDefaultClause): void {
    const colon = c.statements.length ? c.statements[0].getStart(this.sf) : c.end;
    this.open(colon, ` ${this.call(c)}; `);
  }

  /** The edits applied: closings at one place innermost first, openings outermost first. */
  apply(src: string): string {
    const sorted = this.edits.slice().sort((a, b) => a.pos - b.pos ||
      (a.close === b.close ? (a.close ? b.seq - a.seq : a.seq - b.seq) : a.close ? -1 : 1));
    let out = '', at = 0;
    for (const e of sorted) { out += src.slice(at, e.pos) + e.text; at = e.pos + e.del; }
    return out + src.slice(at);
  }
}

/** && || ?? and their assignments: the right operand runs only sometimes. */
function is_logical(op: TS.SyntaxKind): boolean {
  const K = ts.SyntaxKind;
  return op === K.AmpersandAmpersandToken || op === K.BarBarToken || op === K.QuestionQuestionToken ||
    op === K.AmpersandAmpersandEqualsToken || op === K.BarBarEqualsToken || op === K.QuestionQuestionEqualsToken;
}

/** The body of a function-like node that has one (not an overload or a declare). */
function body_of(n: TS.Node): TS.ConciseBody | undefined {
  return ts.isFunctionLike(n) ? (n as { body?: TS.ConciseBody }).body : undefined;
}

/** Decides, for one node, which blocks start in it (its children are visited apart). */
function visit_node(p: Pass, n: TS.Node): void {
  const body = body_of(n);
  if (body) { if (ts.isBlock(body)) p.stmt(body); else p.expr(body); }
  if (ts.isIfStatement(n)) {
    // The fall-through's " else …" is recorded first so that it lands after the then arm's "}".
    if (!n.elseStatement) p.fallthrough(n);
    p.stmt(n.thenStatement);
    if (n.elseStatement) p.stmt(n.elseStatement);
  } else if (ts.isConditionalExpression(n)) {
    p.expr(n.whenTrue); p.expr(n.whenFalse);
  } else if (ts.isBinaryExpression(n) && is_logical(n.operatorToken.kind)) {
    p.expr(n.right);
  } else if (ts.isBinaryExpression(n) && CMP_FNS[n.operatorToken.getText(p.sf)]) {
    p.cmp(n, CMP_FNS[n.operatorToken.getText(p.sf)]);
  } else if (ts.isCaseClause(n) || ts.isDefaultClause(n)) {
    p.clause(n);
  } else if (ts.isIterationStatement(n, false)) {
    p.stmt(n.statement);
  } else if (ts.isCatchClause(n)) {
    p.stmt(n.block);
  }
}

/**
 * Instruments one file's source. `pc_of(i)` is the PC of the file's i-th block; with
 * `cmp_pc_of`, comparisons are traced too (trace-cmp), the i-th at cmp_pc_of(i). Returns the
 * new source, the blocks and the comparison sites, each in PC order.
 */
export function instrument_source(file: string, src: string, pc_of: (index: number) => number,
  cmp_pc_of: ((index: number) => number) | null = null): { code: string; blocks: Block[]; cmps: Block[] } {
  ts = typescript();
  const sf = ts.createSourceFile(file, src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const p = new Pass(sf, pc_of, cmp_pc_of);
  const walk = (n: TS.Node): void => { visit_node(p, n); ts.forEachChild(n, walk); };
  walk(sf);
  if (!p.blocks.length && !p.cmps.length) return { code: src, blocks: [], cmps: [] };
  return { code: p.apply(src), blocks: p.blocks, cmps: p.cmps };
}
