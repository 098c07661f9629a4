/**
 * Checks that every syscall handler types its pointer parameters `UserPtr` (the `__user`
 * annotation, include/linux/compiler_types.ts) and nothing else: for each SyscallDef literal
 * `{ name, fn, args }` in the tree, the handler's parameter after the task is `UserPtr` exactly
 * when the declared argument's C type is 'pointer'. The type checker cannot see this by itself
 * (a handler taking `number` still accepts what the decoder passes), so this reads the source:
 * the parser only, no type checking, so it runs in a second.
 *
 * The handler is found where the definition names it: an inline function, a function or
 * `const` arrow of that name (in the file first, then anywhere in the tree), or a method
 * signature of that name in the file (`fn: forms.set`). A handler the script cannot find is
 * reported too, so a new form of definition cannot slip past.
 *
 * Usage: node --import tsx tools/user_ptr_check.ts   (prints the mismatches; exit 1 if any)
 */
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A handler's parameter type annotations after the task (undefined: not annotated). */
type Params = (string | undefined)[];

/** One SyscallDef literal: its name, the handler's parameters (null: not found), where it is. */
export interface DefSite { name: string; params: Params | null; where: string }

function ts_files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? ts_files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function params_of(fn: ts.SignatureDeclarationBase): Params {
  return fn.parameters.slice(1).map((p) => p.type?.getText());
}

/** Named functions, `const` arrows/functions and method signatures of a file, by name. */
function declarations(sf: ts.SourceFile): { fns: Map<string, Params>; methods: Map<string, Params> } {
  const fns = new Map<string, Params>(), methods = new Map<string, Params>();
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name) fns.set(n.name.text, params_of(n));
    else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer
      && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) fns.set(n.name.text, params_of(n.initializer));
    else if (ts.isMethodSignature(n) && ts.isIdentifier(n.name)) methods.set(n.name.text, params_of(n));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { fns, methods };
}

function prop(o: ts.ObjectLiteralExpression, key: string): ts.Expression | undefined {
  for (const p of o.properties) if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key) return p.initializer;
  return undefined;
}

/** The SyscallDef literals of some sources ({ path: text }), their handlers resolved. */
export function def_sites(sources: Map<string, string>): DefSite[] {
  const files = [...sources].map(([path, text]) => ({ path, sf: ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true) }));
  const decls = new Map(files.map((f) => [f.path, declarations(f.sf)]));
  const anywhere = (name: string): Params | undefined => {
    for (const d of decls.values()) { const p = d.fns.get(name); if (p) return p; }
    return undefined;
  };
  const out: DefSite[] = [];
  for (const { path, sf } of files) {
    const own = decls.get(path)!;
    const visit = (n: ts.Node): void => {
      const name = ts.isObjectLiteralExpression(n) ? prop(n, 'name') : undefined;
      const fn = ts.isObjectLiteralExpression(n) ? prop(n, 'fn') : undefined;
      if (name && ts.isStringLiteral(name) && fn && prop(n as ts.ObjectLiteralExpression, 'args')) {
        let params: Params | null = null;
        if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) params = params_of(fn);
        else if (ts.isIdentifier(fn)) params = own.fns.get(fn.text) ?? anywhere(fn.text) ?? null;
        else if (ts.isPropertyAccessExpression(fn)) params = own.methods.get(fn.name.text) ?? null;
        const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
        out.push({ name: name.text, params, where: `${path}:${line}` });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

/**
 * The mismatches between handlers and declarations: `pointer(name)` answers whether argument i
 * of a syscall is declared a pointer (undefined: past its declared arguments).
 */
export function user_ptr_mismatches(sites: readonly DefSite[], pointer: (name: string, i: number) => boolean | undefined): string[] {
  const bad: string[] = [];
  for (const s of sites) {
    if (s.params === null) { bad.push(`${s.where} ${s.name}: handler not found`); continue; }
    s.params.forEach((ty, i) => {
      const want = pointer(s.name, i);
      if (want === undefined) return;
      if (want && ty !== 'UserPtr') bad.push(`${s.where} ${s.name}: argument ${i} is declared a pointer but typed ${ty ?? '(none)'}`);
      if (!want && ty === 'UserPtr') bad.push(`${s.where} ${s.name}: argument ${i} is typed UserPtr but not declared a pointer`);
    });
  }
  return bad;
}

/** The sources of kernel/ (and any other directory), by path relative to the repository. */
export function tree_sources(dir = 'kernel'): Map<string, string> {
  return new Map(ts_files(resolve(ROOT, dir)).map((f) => [relative(ROOT, f), readFileSync(f, 'utf8')]));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ALL_SYSCALLS } = await import('../kernel/syscalls/registry.ts');
  const { arg_specs } = await import('../kernel/syscalls/decode.ts');
  const specs = new Map(ALL_SYSCALLS.map((d) => [d.name, arg_specs(d)]));
  const bad = user_ptr_mismatches(def_sites(tree_sources()), (n, i) => {
    const a = specs.get(n)?.[i];
    return a === undefined ? undefined : a.type === 'pointer';
  });
  for (const b of bad) console.log(b);
  process.exitCode = bad.length ? 1 : 0;
}
