/**
 * Value-import cycles in a source tree: the strongly connected components of the graph of
 * `import`/`export … from` edges that carry values (type-only imports vanish at run time and do
 * not order module evaluation, so they are left out). Linux has one such knot by nature
 * (kernel/exit.c ↔ kernel/signal.c); every other cycle is a layering bug that include/ should
 * break.
 *
 * Usage: node --import tsx tools/import_cycles.ts [DIR]   (default: kernel)
 */
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function ts_files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? ts_files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** True when an import or re-export brings in at least one value. */
function carries_value(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return false;
    const c = node.exportClause;
    return !c || !ts.isNamedExports(c) || c.elements.some((e) => !e.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return true; // a side-effect import
  if (clause.isTypeOnly) return false;
  if (clause.name) return true;
  const b = clause.namedBindings;
  return !b || ts.isNamespaceImport(b) || b.elements.length === 0 || b.elements.some((e) => !e.isTypeOnly);
}

/** The relative module specifiers a file imports values from, resolved to paths. */
export function value_imports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const out: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
    const spec = st.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    if (carries_value(st)) out.push(resolve(dirname(file), spec.text));
  }
  return out;
}

/** The import graph of DIR: file → the files it imports values from (all paths relative to the repo). */
export function import_graph(dir: string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of ts_files(resolve(ROOT, dir))) {
    g.set(relative(ROOT, f), value_imports(f).map((p) => relative(ROOT, p)));
  }
  return g;
}

/** Tarjan's strongly connected components with more than one file (or a file importing itself). */
export function import_cycles(g: Map<string, string[]>): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>(), out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => b.length - a.length);
}

/** Files under include/ that import from outside include/ (the layer must stand alone). */
export function include_leaks(g: Map<string, string[]>, include = 'kernel/include/'): string[] {
  return [...g].flatMap(([f, deps]) => f.startsWith(include)
    ? deps.filter((d) => !d.startsWith(include)).map((d) => `${f} → ${d}`) : []);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const g = import_graph(process.argv[2] ?? 'kernel');
  const cycles = import_cycles(g);
  console.log(`${g.size} files, ${cycles.length} value-import cycle(s)`);
  for (const c of cycles) console.log(`  ${c.length} files: ${c.join(' ')}`);
  for (const l of include_leaks(g)) console.log(`  include/ leak: ${l}`);
}
