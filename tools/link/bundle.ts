/**
 * The CLI bundle (`npm run build`): the privos command — kernel, libc, tools — as a few esbuild
 * chunks in dist/bundle/ instead of ~170 modules through Node's loader at every start
 * (docs/internals.md, startup). The TypeScript sources stay the source of truth: bin/privos.js
 * runs the bundle only while it is newer than every source.
 *
 * Entry points, each a file of its own so that code_url (kernel/init/paths.ts) finds it: the CLI,
 * the root image's kernel modules (a module load imports a fresh instance of its file, which
 * shares the running kernel's code through the common chunks — as a .ko links against the
 * running kernel) and the benchmark suites (imported by name).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { esbuild } from '../esbuild.ts';
import { dirname, join, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, bundle_entry_name } from '../../kernel/init/paths.ts';
import type { RootImage } from '../../kernel/init/initramfs.ts';
import { KERNEL_SPECIFIER } from './cjs_runtime.ts';

/** Where the bundle goes. */
export const BUNDLE_DIR = join(REPO_ROOT, 'dist', 'bundle');
/** The bundle's ES module CLI entry. */
export const BUNDLE_CLI = join(BUNDLE_DIR, bundle_entry_name('tools/privos.ts'));
/** The CLI as one CommonJS file in a bundle directory (bin/privos.js runs dist/bundle/privos.cjs). */
const BUNDLE_CJS_IN = (dir: string): string => join(dir, 'privos.cjs');

/** The package paths that become entry points. */
export function bundle_entries(): string[] {
  const img = JSON.parse(readFileSync(join(REPO_ROOT, 'kernel/init/rootfs.json'), 'utf8')) as RootImage;
  const modules = Object.entries(img.programs).filter(([g, src]) => g.endsWith('.ko') && !/^[a-z]+:/.test(src)).map(([, src]) => src);
  const benches = readdirSync(join(REPO_ROOT, 'tools/bench')).filter((f) => f.endsWith('.ts') && f !== 'harness.ts')
    .map((f) => `tools/bench/${f}`);
  return ['tools/privos.ts', ...modules, ...benches];
}

/**
 * bin/fresh.js stays itself: it finds the package by its own URL (the bench reports which
 * build runs), so the bundle imports it from beside bin/privos.js.
 */
const bin_external: Plugin = {
  name: 'bin-external',
  setup(b) {
    b.onResolve({ filter: /\/bin\/fresh\.js$/ }, () => ({ path: relative(BUNDLE_DIR, join(REPO_ROOT, 'bin/fresh.js')), external: true }));
  },
};

/** Builds dist/bundle/ afresh: beside it, then swapped in (a running privos never sees half a bundle). */
export async function build_bundle(out = BUNDLE_DIR): Promise<void> {
  const tmp = `${out}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  await build_into(tmp);
  const kernel = new Set<string>();
  for (const m of module_entries()) await build_cjs_module(tmp, m, kernel);
  await build_cjs_cli(tmp, [...kernel].sort());
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
}

/** The kernel modules of the root image (package paths). */
function module_entries(): string[] {
  return bundle_entries().filter((p) => p.startsWith('kernel/modules/'));
}

/**
 * Options of the CommonJS files: each is one function expression over CommonJS's arguments
 * (what Node's own loader wraps a file in) and the loader's import() (host_import,
 * kernel/init/paths.ts), so that its loader can compile it with V8's code cache
 * (bin/cli_bundle.js) and coverage maps the file as it is on disk.
 */
const CJS_FILE = {
  bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error', keepNames: true, sourcemap: 'linked',
  // A third less to read at every start (names stay: keepNames; the map leads back to the sources).
  minifyWhitespace: true,
  define: { PRIVOS_BUNDLE: '"cjs"', 'import.meta.url': '__privos_url' },
  banner: { js: "(function (exports, require, module, __filename, __dirname, __privos_import) { const __privos_url = require('node:url').pathToFileURL(__filename).href;" },
  footer: { js: '})' },
} as const;

/**
 * A kernel module as a .cjs file: its own directory's files inside it, every other kernel file
 * named `privos-kernel:<path>` for the CLI bundle to link to its own (tools/link/cjs_runtime.ts).
 * The names it uses go into `kernel`.
 */
async function build_cjs_module(out: string, path: string, kernel: Set<string>): Promise<void> {
  const own = join(REPO_ROOT, dirname(path)) + '/';
  const link_kernel: Plugin = {
    name: 'link-kernel',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (a) => {
        const file = resolve(a.resolveDir, a.path);
        if (file.startsWith(own)) return undefined;
        const rel = relative(REPO_ROOT, file);
        kernel.add(rel);
        return { path: `${KERNEL_SPECIFIER}${rel}`, external: true };
      });
    },
  };
  await esbuild().build({ ...CJS_FILE, entryPoints: [join(REPO_ROOT, path)], outfile: join(out, bundle_entry_name(path, '.cjs')), plugins: [link_kernel] });
}

/**
 * The CLI as one CommonJS file (privos.cjs, what bin/privos.js runs): tools/privos.ts, after a
 * table of the kernel files that module files name (`kernel`), handed to the module loader.
 */
async function build_cjs_cli(out: string, kernel: string[]): Promise<void> {
  const table = 'privos:kernel-exports';
  const exports_table: Plugin = {
    name: 'kernel-exports',
    setup(b) {
      b.onResolve({ filter: /^privos:kernel-exports$/ }, () => ({ path: table, namespace: 'privos' }));
      b.onLoad({ filter: /.*/, namespace: 'privos' }, () => ({
        resolveDir: REPO_ROOT, loader: 'ts',
        contents: [
          "import { install_kernel_exports } from './tools/link/cjs_runtime.ts';",
          ...kernel.map((p, i) => `import * as k${i} from './${p}';`),
          `install_kernel_exports({ ${kernel.map((p, i) => `${JSON.stringify(p)}: k${i}`).join(', ')} });`,
        ].join('\n'),
      }));
    },
  };
  await esbuild().build({
    ...CJS_FILE, outfile: BUNDLE_CJS_IN(out), plugins: [exports_table, bin_external],
    external: ['esbuild', 'typescript', 'tsx', 'tsx/*', 'yargs', 'yargs/*'],
    // The table first: its module's body runs before the CLI's.
    stdin: { contents: `import '${table}';\nexport * from './tools/privos.ts';\n`, resolveDir: REPO_ROOT, sourcefile: 'privos-cli.ts', loader: 'ts' },
  });
}

async function build_into(out: string): Promise<void> {
  await esbuild().build({
    entryPoints: bundle_entries().map((p) => ({ in: join(REPO_ROOT, p), out: bundle_entry_name(p).slice(0, -3) })),
    outdir: out, chunkNames: 'chunk-[hash]', bundle: true, splitting: true, format: 'esm',
    platform: 'node', target: 'node20', logLevel: 'error',
    // Packages are bundled too (memfs's CommonJS files cost more to load one by one than the
    // kernel), but for the ones loaded on demand and the tools that must stay themselves.
    external: ['esbuild', 'typescript', 'tsx', 'tsx/*', 'yargs', 'yargs/*'],
    // Function names are kernel symbols (kallsyms) and appear in messages: keep them as written.
    keepNames: true,
    // Maps back to the sources (not read at run time): c8 credits the kernel's coverage to
    // kernel/*.ts in processes that run the bundle (the CLI tests), as it did with dist/'s maps.
    sourcemap: 'linked',
    define: { PRIVOS_BUNDLE: '"esm"' },
    plugins: [bin_external],
    // The bundled CommonJS packages require Node's built-ins: an ES module has no `require`.
    banner: { js: "import { createRequire as __privos_cr } from 'node:module'; const require = __privos_cr(import.meta.url);" },
  });
}

/**
 * The caches a start uses, made by the build: V8's code cache of the bundle
 * (dist/bundle/privos.cjs.v8, bin/cli_bundle.js) and of the programs' images
 * (kernel/fs/image_code_cache.ts), each written at the exit of a first run — so the build runs
 * `privos run /bin/hello`, plain and with --privbox, through bin/privos.js.
 */
export function warm_caches(): void {
  for (const args of [['run', '/bin/hello'], ['run', '--privbox', '/bin/hello']]) {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/privos.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', input: '' });
    if (r.status !== 0) throw new Error(`bundle: privos ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  }
}

// `node --import tsx tools/link/bundle.ts` (npm run build) builds it.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build_bundle();
  warm_caches();
}
