/**
 * The PrivBox SFI compiler pass, on the TypeScript compiler API (the artifact's is an LLVM pass).
 * Input: the source of a user module meant to run in a box. Output: JavaScript in which
 * - every user-memory access through libc (POINTER_ARGS) gets its pointer masked (`__sfi.m`:
 *   bit 50 cleared, so a kernel-half address turns non-canonical and faults);
 * - every indirect call `libc.call(addr, …)` is masked, bundle-aligned and confined to the box
 *   text, and `libc.fnaddr(f)` hands out box-text addresses only;
 * - computed property keys are checked at run time (`__sfi.key`);
 * - every function the module creates is reported to the kernel (`__sfi_fn` → the runtime's
 *   mark), which is how the kernel knows code came from this pass.
 * Code that could reach kernel internals or host escape hatches is rejected at compile time
 * (kernel/privbox/sfi_policy.ts). Builds: 'full', 'branch' (branches only), 'none'.
 */
import type * as TS from 'typescript';
import { typescript } from '../typescript.ts';

/** The compiler, bound when the pass first runs (tools/typescript.ts). */
let ts: typeof TS;
import {
  ALLOWED_GLOBALS, BRANCH_METHODS, DOOR_POINTER_ARGS, FORBIDDEN_IDENTIFIERS, FORBIDDEN_PROPS, IMAGE_ALLOWED_PROPS, POINTER_ARGS,
  PRIVILEGED_PREFIX, RESERVED_PREFIX,
} from '../../kernel/privbox/sfi_policy.ts';
import type { SfiBuild } from '../../kernel/privbox/privbox.ts';

export type { SfiBuild };

export interface SfiOptions {
  build: SfiBuild;
  file_name?: string;
  /**
   * One file of a whole-image build (the linker's plugin, tools/sfi/link_plugin.ts): the file
   * imports the runtime module at `runtime`; its masks sit on the door's memory operations;
   * `trusted` files (libc) are instrumented but not held to the box policy.
   */
  image?: { trusted: boolean; runtime: string };
}

export interface SfiStats { masks: number; branches: number; keys: number; functions: number }

export interface SfiResult { code: string; build: SfiBuild; stats: SfiStats }

/** The pass refused the module; `diagnostics` says where and why (file:line:col message). */
export class SfiRejection extends Error {
  constructor(readonly diagnostics: string[]) { super(`SFI pass rejected the module:\n${diagnostics.join('\n')}`); }
}

const compiler_options = (): TS.CompilerOptions => ({
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, noLib: true, noResolve: true,
  types: [], allowJs: true, skipLibCheck: true, isolatedModules: true, sourceMap: false,
  verbatimModuleSyntax: false, removeComments: true,
});

/** A one-file program: the checker resolves the module's own scopes; globals stay unresolved. */
function make_program(file: string, source: string): { program: TS.Program; sf: TS.SourceFile } {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const host: TS.CompilerHost = {
    getSourceFile: (f) => (f === file ? sf : undefined),
    writeFile: () => undefined,
    getDefaultLibFileName: () => 'lib.d.ts',
    useCaseSensitiveFileNames: () => true,
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => '/',
    getNewLine: () => '\n',
    fileExists: (f) => f === file,
    readFile: (f) => (f === file ? source : undefined),
  };
  return { program: ts.createProgram([file], compiler_options(), host), sf };
}

const is_pointer_method = (n: string): boolean => Object.hasOwn(POINTER_ARGS, n);
const is_branch_method = (n: string): boolean => (BRANCH_METHODS as readonly string[]).includes(n);

/** Why a property name may not appear in box code, or null. */
function prop_violation(name: string, image = false): string | null {
  if (name.startsWith(PRIVILEGED_PREFIX)) return `privileged instruction '${name}'`;
  if (FORBIDDEN_PROPS.has(name) && !(image && IMAGE_ALLOWED_PROPS.has(name))) return `access to '${name}' (reaches kernel internals or reflection)`;
  if (name.startsWith(RESERVED_PREFIX)) return `reserved name '${name}'`;
  return null;
}

/** Is this identifier a name (of a property, label, import) rather than a reference to a value? */
function is_name_position(id: TS.Identifier): boolean {
  const p = id.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (p as TS.PropertyAccessExpression).name === id) return true;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessor(p) ||
    ts.isSetAccessor(p) || ts.isPropertySignature(p) || ts.isMethodSignature(p) || ts.isEnumMember(p)) && p.name === id) return true;
  if (ts.isBindingElement(p) && p.propertyName === id) return true;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return true;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return true;
  return false;
}

function in_type_position(n: TS.Node): boolean {
  for (let p: TS.Node | undefined = n.parent; p; p = p.parent) {
    if (ts.isTypeNode(p) || ts.isInterfaceDeclaration(p) || ts.isTypeAliasDeclaration(p)) return true;
    if (ts.isExpressionStatement(p) || ts.isBlock(p) || ts.isSourceFile(p)) return false;
  }
  return false;
}

function is_type_only_import(d: TS.ImportDeclaration): boolean {
  const c = d.importClause;
  if (!c) return false; // `import 'x'` runs a module: not allowed
  if (c.isTypeOnly) return true;
  if (c.name) return false;
  const nb = c.namedBindings;
  return !!nb && ts.isNamedImports(nb) && nb.elements.every((e) => e.isTypeOnly);
}

/** The compile-time checks: the analogue of "the box contains no privileged instructions". */
function check(sf: TS.SourceFile, checker: TS.TypeChecker, image: boolean): string[] {
  const out: string[] = [];
  const bad = (n: TS.Node, msg: string): void => {
    const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    out.push(`${sf.fileName}:${line + 1}:${character + 1}: ${msg}`);
  };
  // In an image, imported bindings are modules the pass compiles too.
  const is_import = (d: TS.Declaration): boolean => !image && (ts.isImportSpecifier(d) || ts.isImportClause(d) || ts.isNamespaceImport(d));
  const declared_here = (s: TS.Symbol | undefined): boolean =>
    !!s && (s.declarations ?? []).some((d) => d.getSourceFile() === sf && !is_import(d));
  const visit = (n: TS.Node): void => {
    // In a whole-image build every module the linker includes goes through this pass too.
    if (ts.isImportDeclaration(n)) { if (!image && !is_type_only_import(n)) bad(n, 'import outside the allowed set (box code may only import types)'); return; }
    if (ts.isImportEqualsDeclaration(n)) { bad(n, 'import = require'); return; }
    if (ts.isExportDeclaration(n) && n.moduleSpecifier && !n.isTypeOnly && !image) { bad(n, 're-export from another module'); return; }
    if (ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) return;
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) bad(n, 'dynamic import()');
    if (ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.ImportKeyword) bad(n, 'import.meta');
    if (ts.isWithStatement(n)) bad(n, 'with statement');
    if (ts.isDecorator(n)) bad(n, 'decorator');
    if (ts.isIdentifier(n) && !in_type_position(n)) check_identifier(n);
    if (ts.isPropertyAccessExpression(n)) check_member(n, n.name.text);
    if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression)) {
      const name = n.argumentExpression.text;
      const v = prop_violation(name, image);
      if (v) bad(n, v);
      else if (!image && (is_pointer_method(name) || is_branch_method(name))) bad(n, `'${name}' accessed by computed name (not instrumentable)`);
    }
    if (ts.isBindingElement(n) && ts.isObjectBindingPattern(n.parent)) {
      const key = n.propertyName ?? n.name;
      if (ts.isIdentifier(key) || ts.isStringLiteralLike(key)) {
        const v = prop_violation(key.text, image);
        if (v) bad(n, v);
        else if (!image && (is_pointer_method(key.text) || is_branch_method(key.text))) bad(n, `'${key.text}' destructured (escapes instrumentation)`);
      } else if (ts.isComputedPropertyName(key)) bad(n, 'computed key in a destructuring pattern');
    }
    ts.forEachChild(n, visit);
  };
  const check_identifier = (id: TS.Identifier): void => {
    const name = id.text;
    if (name.startsWith(RESERVED_PREFIX)) { bad(id, `reserved name '${name}'`); return; }
    if (is_name_position(id)) return;
    if (FORBIDDEN_IDENTIFIERS.has(name)) { bad(id, `'${name}' (a host escape hatch)`); return; }
    const p = id.parent;
    const sym = ts.isShorthandPropertyAssignment(p) && p.name === id
      ? checker.getShorthandAssignmentValueSymbol(p) : checker.getSymbolAtLocation(id);
    if (!declared_here(sym) && !ALLOWED_GLOBALS.has(name)) bad(id, `free identifier '${name}' is not an allowed global`);
  };
  const check_member = (n: TS.PropertyAccessExpression, name: string): void => {
    const v = prop_violation(name, image);
    if (v) { bad(n, v); return; }
    if (image) return; // libc masks its own accesses: its methods may be values, spread, destructured
    const called = ts.isCallExpression(n.parent) && n.parent.expression === n;
    if ((is_pointer_method(name) || name === 'fnaddr') && !called) bad(n, `'${name}' used as a value (only direct calls are instrumented)`);
    if (called && (is_pointer_method(name) || is_branch_method(name)) &&
      (n.parent as TS.CallExpression).arguments.some((a) => ts.isSpreadElement(a))) bad(n, `spread arguments to '${name}'`);
  };
  visit(sf);
  return out;
}

/** The rewriting: masks, checked branches, checked keys, function marking. */
function transformer(opts: SfiOptions, stats: SfiStats): TS.TransformerFactory<TS.SourceFile> {
  const full = opts.build === 'full', instrument = opts.build !== 'none';
  const image = opts.image, check_keys = instrument && !image?.trusted;
  /** Where pointers sit in calls of this method: libc's accessors for a module, the door's operations for an image. */
  // (The door is libc's alone: box code cannot name it, and it is not enumerable on a libc.)
  const pointer_args = (name: string): readonly number[] | undefined => {
    if (image && !image.trusted) return undefined;
    const table = image ? DOOR_POINTER_ARGS : POINTER_ARGS;
    return Object.hasOwn(table, name) ? table[name] : undefined;
  };
  return (ctx) => {
    const f = ctx.factory;
    const rt = (m: string): TS.Expression => f.createPropertyAccessExpression(f.createIdentifier('__sfi'), m);
    const mark = (e: TS.Expression): TS.Expression => { stats.functions++; return f.createCallExpression(f.createIdentifier('__sfi_fn'), undefined, [e]); };
    const hoist_marks = (stmts: readonly TS.Statement[]): TS.Statement[] => {
      const names = stmts.filter(ts.isFunctionDeclaration).map((d) => d.name?.text ?? '__sfi_default');
      stats.functions += names.length;
      return names.map((n) => f.createExpressionStatement(f.createCallExpression(f.createIdentifier('__sfi_fn'), undefined, [f.createIdentifier(n)])));
    };
    const visit = (n: TS.Node): TS.Node | TS.Node[] => {
      // An anonymous default-exported function gets a name, so its mark can be hoisted.
      if (ts.isFunctionDeclaration(n) && !n.name && n.body) {
        n = f.updateFunctionDeclaration(n, n.modifiers, n.asteriskToken, f.createIdentifier('__sfi_default'), n.typeParameters, n.parameters, n.type, n.body);
      }
      if (ts.isExportAssignment(n) && !n.isExportEquals && n.parent && ts.isSourceFile(n.parent)) {
        const e = ts.visitNode(n.expression, visit) as TS.Expression;
        return [
          f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration('__sfi_default', undefined, undefined, e)], ts.NodeFlags.Const)),
          f.createExportAssignment(undefined, undefined, f.createIdentifier('__sfi_default')),
        ];
      }
      if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) {
        const v = ts.visitEachChild(n, visit, ctx) as TS.Node;
        const stmts = (v as unknown as { statements: TS.NodeArray<TS.Statement> }).statements;
        const marks = hoist_marks(stmts);
        if (!marks.length) return v;
        const all = [...marks, ...stmts];
        if (ts.isSourceFile(v)) return f.updateSourceFile(v, all);
        if (ts.isBlock(v)) return f.updateBlock(v, all);
        if (ts.isModuleBlock(v)) return f.updateModuleBlock(v, all);
        if (ts.isCaseClause(v)) return f.updateCaseClause(v, v.expression, all);
        return f.updateDefaultClause(v as TS.DefaultClause, all);
      }
      if (ts.isFunctionExpression(n) || ts.isArrowFunction(n)) return mark(ts.visitEachChild(n, visit, ctx) as TS.Expression);
      if (instrument && ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const name = n.expression.name.text;
        const recv = ts.visitNode(n.expression.expression, visit) as TS.Expression;
        const args = n.arguments.map((a) => ts.visitNode(a, visit) as TS.Expression);
        if (is_branch_method(name) && (image?.trusted || name !== 'text_at')) {
          stats.branches++;
          return f.createCallExpression(rt(name), undefined, [recv, ...args]);
        }
        const ptrs = full ? pointer_args(name) : undefined;
        if (ptrs) {
          for (const i of ptrs) {
            if (i < args.length) { args[i] = f.createCallExpression(rt('m'), undefined, [args[i]]); stats.masks++; }
          }
          return f.updateCallExpression(n, f.updatePropertyAccessExpression(n.expression, recv, n.expression.name), n.typeArguments, args);
        }
      }
      if (check_keys && ts.isElementAccessExpression(n) && !ts.isStringLiteralLike(n.argumentExpression) && !ts.isNumericLiteral(n.argumentExpression)) {
        stats.keys++;
        const obj = ts.visitNode(n.expression, visit) as TS.Expression;
        const key = ts.visitNode(n.argumentExpression, visit) as TS.Expression;
        return f.updateElementAccessExpression(n, obj, f.createCallExpression(rt('key'), undefined, [key]));
      }
      return ts.visitEachChild(n, visit, ctx);
    };
    return (sf) => visit(sf) as TS.SourceFile;
  };
}

/** The glue every instrumented module carries: the mark queue and the kernel's link point. */
const PROLOGUE = `let __sfi = null; const __sfi_q = [];
function __sfi_fn(f) { if (__sfi) __sfi.mark(f); else __sfi_q.push(f); return f; }
export function __sfi_link(rt) { if (__sfi) return false; __sfi = rt; for (const f of __sfi_q) rt.mark(f); __sfi_q.length = 0; return true; }
`;

/** Runs the pass: throws SfiRejection when the module contains what a box may not. */
export function sfi_compile(source: string, opts: SfiOptions): SfiResult {
  ts = typescript();
  const file = opts.file_name ?? '/box.ts';
  const { program, sf } = make_program(file, source);
  const syntax = program.getSyntacticDiagnostics(sf);
  if (syntax.length) throw new SfiRejection(syntax.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')));
  if (opts.build !== 'none' && !opts.image?.trusted) {
    const problems = check(sf, program.getTypeChecker(), !!opts.image);
    if (problems.length) throw new SfiRejection(problems);
  }
  const stats: SfiStats = { masks: 0, branches: 0, keys: 0, functions: 0 };
  let code = '';
  program.emit(sf, (_f, text) => { code = text; }, undefined, false, { before: [transformer(opts, stats)] });
  const prologue = opts.image ? `import { __sfi, __sfi_fn } from ${JSON.stringify(opts.image.runtime)};\n` : PROLOGUE;
  return { code: prologue + code, build: opts.build, stats };
}
