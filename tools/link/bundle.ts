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
import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { esbuild } from '../esbuild.ts';
import { join, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, bundle_entry_name } from '../../kernel/init/paths.ts';
import type { RootImage } from '../../kernel/init/initramfs.ts';

/** Where the bundle goes. */
export const BUNDLE_DIR = join(REPO_ROOT, 'dist', 'bundle');
/** The bundle's CLI entry (bin/privos.js runs it). */
export const BUNDLE_CLI = join(BUNDLE_DIR, bundle_entry_name('tools/privos.ts'));

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
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
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
    define: { PRIVOS_BUNDLE: 'true' },
    plugins: [bin_external],
    // The bundled CommonJS packages require Node's built-ins: an ES module has no `require`.
    banner: { js: "import { createRequire as __privos_cr } from 'node:module'; const require = __privos_cr(import.meta.url);" },
  });
}

// `node --import tsx tools/link/bundle.ts` (npm run build) builds it.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await build_bundle();
