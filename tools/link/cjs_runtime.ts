/**
 * The CommonJS bundle's side of module loading (tools/link/bundle.ts). The CLI runs as one
 * CommonJS file (V8 caches its code; Node 20 caches no ES module's), so a kernel module cannot
 * share the kernel's code through common ES chunks. Its `.cjs` file instead names every kernel
 * file it uses as `privos-kernel:<path>`, and the bundle links those names to the running
 * kernel's own module namespaces — as a .ko's undefined symbols resolve against the running
 * kernel. Each load evaluates the file afresh: a module instance's statics are its own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { set_module_linker } from '../../kernel/modules/main.ts';

/** How a module file names a file of the running kernel. */
export const KERNEL_SPECIFIER = 'privos-kernel:';

/** A bundle file's code: a function expression over CommonJS's module arguments. */
type CjsWrapper = (exports: object, require: (id: string) => unknown, module: { exports: object }, filename: string, dirname: string) => void;

/** Evaluates a module file (its URL may carry a load query) with kernel names resolved in `kernel`. */
function link(url: string, kernel: Readonly<Record<string, object>>): Record<string, unknown> {
  const file = fileURLToPath(url.split('?')[0]);
  const host = createRequire(file);
  const req = (id: string): unknown => {
    if (!id.startsWith(KERNEL_SPECIFIER)) return host(id);
    const ns = kernel[id.slice(KERNEL_SPECIFIER.length)];
    if (!ns) throw new Error(`${url}: unknown kernel file ${id}`);
    return ns;
  };
  const m = { exports: {} };
  (new vm.Script(readFileSync(file, 'utf8'), { filename: url }).runInThisContext() as CjsWrapper)(m.exports, req, m, file, dirname(file));
  return m.exports as Record<string, unknown>;
}

/** Called by the bundle before the CLI runs, with the namespaces module files may name. */
export function install_kernel_exports(kernel: Readonly<Record<string, object>>): void {
  set_module_linker((url) => link(url, kernel));
}
