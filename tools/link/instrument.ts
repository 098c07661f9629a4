/**
 * The user-operation pass (issue 9, item 5): instruments a linked image so that a process's own
 * computation is counted, charged and preemptible. It runs on the whole image (program and libc)
 * after esbuild has bundled it, as the last step of `link_program`.
 *
 * What it inserts (names reserved to the linker: `__po*`):
 * - at every function entry and at the head of every loop body (for, while, do-while, for-in,
 *   for-of; a `continue`, labeled or not, comes back through the head, so each iteration and
 *   each call counts once) one op: `__po_b();`, the image's one bump function
 *   `if (--__po_c[0] < 0) __po_t();` — a decrement of a realm-local Int32Array and a compare;
 *   the door (`__po_t`, made by the realm's door maker) is called only when the budget is spent.
 *   One function, not the test inlined at each site: the optimising JIT inlines it anyway, and
 *   the door call then has one call site, whose type feedback the first tick fills; inlined at
 *   every site, each site's call has none until that site happens to be the one where the budget
 *   runs out, and optimised code reaching it is thrown away ("insufficient type feedback for
 *   call") and compiled again — in lighttpd-lite a tail of deopts and recompiles that lasted
 *   ~100,000 requests and took ~20 % of the CPU. In a loop whose nearest function is async, the
 *   budget check may yield: `{const __po_w=__po_a();if(__po_w!==0)await __po_w;}`, where the
 *   image's `__po_a` is `--__po_c[0] < 0 ? __po_y() : 0` (the same one-call-site shape; the task
 *   is preempted there when its modeled time slice is over);
 * - in every `catch` clause, first `__po_k(e)`: rethrows the realm's unwind marker (the task is
 *   ending: exit, a fatal signal, the SIGXCPU watchdog), so user code cannot swallow it;
 * - around every `finally` block a guard that rethrows the marker after the block if the marker
 *   was propagating, so a `return`/`break`/`throw` in the finally cannot swallow it either.
 *
 * Why the TypeScript compiler API and text insertions: TypeScript is already a dependency and
 * its parser gives exact positions; splicing text at those positions (rather than printing a
 * transformed tree) keeps esbuild's output byte for byte apart from the inserted code — no
 * newline is inserted, so line numbers of crash traces stay those of the linked bundle — and
 * costs one parse.
 */
import type * as TS from 'typescript';
import { typescript } from '../typescript.ts';

/** The compiler, bound when the pass first runs (tools/typescript.ts). */
let ts: typeof TS;
import { LinkError } from './link.ts';

/** The pass's version: part of the image's build tag (`ops=…`). */
export const INSTRUMENT_VERSION = 2;
/** PRIVOS_NO_OPS=1 links without the pass (measurements; showing that the tests need it). */
const DISABLED = process.env.PRIVOS_NO_OPS === '1';
/** The build tag an image linked by this process carries (part of the image cache's key). */
export const OPS_BUILD_TAG = DISABLED ? 'ops=none' : `ops=v${INSTRUMENT_VERSION}`;

const BUMP = '__po_b();';
const BUMP_ASYNC = '{const __po_w=__po_a();if(__po_w!==0)await __po_w;}';
const BUMP_EXPR = '(__po_b(),';
/** The image function's parameter and the names its prologue binds (see door_factory's ops). */
const PROLOGUE = 'const __po_c=__po.c,__po_t=__po.t,__po_y=__po.y,__po_k=__po.k,__po_m=__po.m,__po_b=()=>{if(--__po_c[0]<0)__po_t();},__po_a=()=>--__po_c[0]<0?__po_y():0;';
const RESERVED = /^__po/;

/** An identifier of the program used one of the linker's names. */
export class InstrumentError extends Error {}

interface Edit { pos: number; end: number; text: string; seq: number }

/** Is n an async function (so a loop head in its body may `await`)? */
function is_async(n: TS.Node): boolean {
  return ts.canHaveModifiers(n) && (ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false);
}

/** Where a function body's first statement may go: after its `{` and any directive prologue. */
function body_start(b: TS.Block, sf: TS.SourceFile): number {
  let pos = b.getStart(sf) + 1;
  for (const s of b.statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) break;
    pos = s.end;
  }
  return pos;
}

class Pass {
  readonly edits: Edit[] = [];
  private seq = 0;
  private tries = 0;
  constructor(readonly sf: TS.SourceFile) {}

  insert(pos: number, text: string): void { this.edits.push({ pos, end: pos, text, seq: this.seq++ }); }
  replace(pos: number, end: number, text: string): void { this.edits.push({ pos, end, text, seq: this.seq++ }); }

  /** A statement that must run first in `body` (a block, or a single statement to wrap). */
  at_head(body: TS.Statement, text: string): void {
    if (ts.isBlock(body)) { this.insert(body.getStart(this.sf) + 1, text); return; }
    this.insert(body.getStart(this.sf), `{${text}`);
    this.close(body.end, '}');
  }

  /** A closing insertion: at equal positions it lands after the insertions of inner nodes. */
  close(pos: number, text: string): void { this.edits.push({ pos, end: pos, text, seq: -this.seq++ }); }

  fn(n: TS.SignatureDeclaration & { body?: TS.ConciseBody }, outer: boolean): void {
    const b = n.body;
    if (!b) return;
    if (outer && ts.isBlock(b)) {
      // The image function itself: it receives the realm's op counter and door functions. It
      // becomes an arrow function, so that no `arguments` of the image's top-level code (which
      // esbuild puts in arrow functions) can reach its parameter.
      this.replace(n.getStart(this.sf), b.getStart(this.sf), '(__po)=>');
      this.insert(body_start(b, this.sf), PROLOGUE);
      return;
    }
    if (ts.isBlock(b)) this.insert(body_start(b, this.sf), BUMP);
    else { this.insert(b.getStart(this.sf), BUMP_EXPR); this.close(b.end, ')'); }
  }

  loop(n: TS.IterationStatement, in_async: boolean): void {
    this.at_head(n.statement, in_async ? BUMP_ASYNC : BUMP);
  }

  catch_clause(c: TS.CatchClause): void {
    const d = c.variableDeclaration;
    const open = c.block.getStart(this.sf) + 1;
    if (!d) { this.replace(c.getStart(this.sf), c.block.getStart(this.sf), 'catch(__po_e)'); this.insert(open, '__po_k(__po_e);'); return; }
    if (ts.isIdentifier(d.name)) { this.insert(open, `__po_k(${d.name.text});`); return; }
    // catch ({ a, b }): check the value before the pattern is destructured.
    const pat = d.name.getText(this.sf);
    this.replace(d.getStart(this.sf), d.end, '__po_e');
    this.insert(open, `__po_k(__po_e);let ${pat}=__po_e;`);
  }

  /**
   * try A [catch (e) B] finally C  →
   * {let u=0; try A [catch (e) B] catch($e){if($e===marker)u=1;throw $e} finally {try C finally {if(u)throw marker}}}
   * (with a catch clause, `try A catch B` is nested in a try of its own). The marker keeps
   * propagating whatever C completes with.
   */
  try_finally(n: TS.TryStatement): void {
    const f = n.finallyBlock!;
    const u = `__po_u${this.tries++}`;
    const start = n.getStart(this.sf);
    const before_finally = n.catchClause ? n.catchClause.end : n.tryBlock.end;
    this.insert(start, n.catchClause ? `{let ${u}=0;try{` : `{let ${u}=0;`);
    this.replace(before_finally, f.getStart(this.sf),
      `${n.catchClause ? '}' : ''}catch(__po_e){if(__po_e===__po_m)${u}=1;throw __po_e}finally{try`);
    this.close(f.end, `finally{if(${u})throw __po_m}}}`);
  }

  /** `in_async`: the nearest enclosing function (or class initialiser, never async) is async. */
  visit(n: TS.Node, outer: boolean, in_async: boolean): void {
    if (ts.isIdentifier(n) && RESERVED.test(n.text)) {
      const { line, character } = this.sf.getLineAndCharacterOfPosition(n.getStart(this.sf));
      throw new InstrumentError(`${this.sf.fileName}:${line + 1}:${character + 1}: error: '${n.text}' is reserved by the linker`);
    }
    let inner_outer = false, inner_async = in_async;
    if (ts.isFunctionLike(n) && 'body' in n) {
      this.fn(n as TS.FunctionLikeDeclaration, outer);
      inner_async = is_async(n);
    } else if (ts.isClassStaticBlockDeclaration(n) || ts.isPropertyDeclaration(n)) {
      inner_async = false;
    } else if (ts.isIterationStatement(n, false)) {
      this.loop(n, in_async);
    } else if (ts.isCatchClause(n)) {
      this.catch_clause(n);
    } else if (ts.isTryStatement(n) && n.finallyBlock) {
      this.try_finally(n);
    } else if (outer) {
      inner_outer = true; // still looking for the image function (the script's expression)
    }
    ts.forEachChild(n, (c) => this.visit(c, inner_outer, inner_async));
  }
}

/** Applies edits (sorted by position; at one position, openings outer-first, closings inner-first). */
function apply(code: string, edits: Edit[]): string {
  edits.sort((a, b) => {
    if (a.pos !== b.pos) return a.pos - b.pos;
    const ca = a.seq < 0, cb = b.seq < 0;
    if (ca !== cb) return ca ? -1 : 1; // what closes here goes before what opens here
    return a.seq - b.seq; // closings: inner (visited later, more negative) first; openings: outer first
  });
  const out: string[] = [];
  let at = 0;
  for (const e of edits) {
    out.push(code.slice(at, e.pos), e.text);
    at = Math.max(at, e.end);
  }
  out.push(code.slice(at));
  return out.join('');
}

/**
 * Instruments an image's code: a script whose one expression is the image function
 * `(function () { … return _start; })`. Throws InstrumentError when the program uses a name
 * reserved to the pass.
 */
export function instrument(code: string, file = '<image>'): string {
  ts = typescript();
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const p = new Pass(sf);
  p.visit(sf, true, false);
  return apply(code, p.edits);
}

/** The pass as the linker runs it (link.ts); a reserved name is a link error. */
export function instrument_image(code: string, file: string): string {
  if (DISABLED) return code;
  try { return instrument(code, file); } catch (e) {
    if (e instanceof InstrumentError) throw new LinkError([e.message]);
    throw e;
  }
}
