/**
 * Where privos's files are. privos runs from its sources (tsx: kernel/init/paths.ts) or compiled
 * (the npm package's entry: dist/kernel/init/paths.js). Either way the package root holds the
 * sources the build system reads at run time (libc/ and userland/ for the linker, the root
 * image kernel/init/rootfs.json, box sources); the code root holds the running modules, which a
 * module image must name so that it shares this kernel's code (the compiled kernel cannot import
 * a .ts file: Node 20 has no type stripping). The CLI bundle (dist/bundle/, tools/link/bundle.ts)
 * is a third layout: one flat directory of esbuild chunks, its code root.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Defined by esbuild when it builds the bundle: 'esm' for its ES chunks, 'cjs' for the CLI's
 * one CommonJS file (privos.cjs, whose kernel modules are .cjs files); undeclared everywhere else.
 */
declare const PRIVOS_BUNDLE: 'esm' | 'cjs' | undefined;

/** Whether this code runs from the CLI bundle (dist/bundle/, every file in that one directory). */
export const BUNDLED = typeof PRIVOS_BUNDLE !== 'undefined';
/** Whether it is the bundle's CommonJS CLI. */
const BUNDLED_CJS = BUNDLED && PRIVOS_BUNDLE === 'cjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Whether this kernel is the compiled package (dist/…/*.js or the bundle) rather than its sources. */
export const COMPILED = BUNDLED || import.meta.url.endsWith('.js');

/** The package root (the repository, or node_modules/privos). */
export const REPO_ROOT = resolve(HERE, BUNDLED ? '../..' : COMPILED ? '../../..' : '../..');

/** Where the running code is: the package root from sources, its dist/ when compiled, dist/bundle/ bundled. */
export const CODE_ROOT = BUNDLED ? HERE : resolve(HERE, '../..');

/**
 * The bundle's file for a package path that is one of its entry points: tools/bench/fs.ts is
 * tools.bench.fs.js; a kernel module keeps its file name, which is its name (module_name_of).
 */
export function bundle_entry_name(path: string, ext = '.js'): string {
  const name = path.startsWith('kernel/modules/') ? path.slice(path.lastIndexOf('/') + 1) : path.replaceAll('/', '.');
  return name.replace(/\.ts$/, ext);
}

/**
 * The URL of the running code for a package path: `kernel/modules/fdcap/fdcap.ts` is that file
 * from sources, `dist/kernel/modules/fdcap/fdcap.js` compiled, and the bundle's entry point
 * `dist/bundle/fdcap.js` bundled (`fdcap.cjs` from the CommonJS CLI; benchmarks stay ES modules).
 */
export function code_url(path: string): string {
  if (BUNDLED) return pathToFileURL(resolve(CODE_ROOT, bundle_entry_name(path, BUNDLED_CJS && path.startsWith('kernel/modules/') ? '.cjs' : '.js'))).href;
  return pathToFileURL(COMPILED ? resolve(CODE_ROOT, path.replace(/\.ts$/, '.js')) : resolve(REPO_ROOT, path)).href;
}

/**
 * The loader of the bundle's CommonJS CLI passes its own import(): Node 20 loses a script's
 * dynamic-import hook when V8 compiles it from a code cache (bin/cli_bundle.js). Undeclared
 * everywhere else.
 */
declare const __privos_import: ((specifier: string) => Promise<unknown>) | undefined;

/** import() of an absolute URL or a package name, from whatever code privos runs as. */
export function host_import<T>(specifier: string): Promise<T> {
  return (BUNDLED_CJS ? __privos_import!(specifier) : import(specifier)) as Promise<T>;
}
