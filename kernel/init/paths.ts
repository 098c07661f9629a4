/**
 * Where privos's files are. privos runs from its sources (tsx: kernel/init/paths.ts) or compiled
 * (the npm package's entry: dist/kernel/init/paths.js). Either way the package root holds the
 * sources the build system reads at run time (libc/ and userland/ for the linker, the root
 * image kernel/init/rootfs.json, box sources); the code root holds the running modules, which a
 * module image must name so that it shares this kernel's code (the compiled kernel cannot import
 * a .ts file: Node 20 has no type stripping).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Whether this kernel is the compiled package (dist/…/*.js) rather than its sources. */
export const COMPILED = import.meta.url.endsWith('.js');

/** The package root (the repository, or node_modules/privos). */
export const REPO_ROOT = resolve(HERE, COMPILED ? '../../..' : '../..');

/** Where the running code is: the package root from sources, its dist/ when compiled. */
export const CODE_ROOT = resolve(HERE, '../..');

/**
 * The URL of the running code for a package path: `kernel/modules/fdcap/fdcap.ts` is that file
 * from sources and `dist/kernel/modules/fdcap/fdcap.js` compiled.
 */
export function code_url(path: string): string {
  return pathToFileURL(COMPILED ? resolve(CODE_ROOT, path.replace(/\.ts$/, '.js')) : resolve(REPO_ROOT, path)).href;
}
