/**
 * The kcov-instrumented kernel build (CONFIG_KCOV=y): every kernel source goes through the
 * trace-pc pass (instrument.ts), and the machine (tools/machine.ts with the kernel, libc and the
 * linker) is bundled into one CommonJS file, a module graph of its own that loads synchronously
 * beside the normal one. Its blocks' PCs and their source positions go to a table beside it
 * (the vmlinux that `privos addr2line` and `privos cover` read). Both are cached on disk under
 * node_modules/.cache/privos/kcov, keyed by the content of every source that goes in.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { REPO_ROOT } from '../link/link.ts';
import { KCOV_TEXT } from '../../kernel/mm/vmalloc.ts';
import { instrument_source, TRACE_FN } from './instrument.ts';

/** Bumped when the bundle's or the table's layout changes. */
const KCOV_BUILD_VERSION = 1;
/** Bytes between consecutive blocks' PCs (a call instruction's worth). */
export const KCOV_PC_STEP = 4;
const CACHE_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'privos', 'kcov');
/** The trees that go into the bundle; only kernel/ is instrumented. */
const TREES = ['kernel', 'libc', 'tools'];

/**
 * Kernel files left uninstrumented (Linux's KCOV_INSTRUMENT_x.o := n): the hook and the
 * device themselves, the door maker whose source is evaluated inside user realms, and the
 * uapi headers that user space shares.
 */
const NOT_INSTRUMENTED = [/^kernel\/kcov(_trace)?\.ts$/, /^kernel\/arch\/door_factory\.ts$/, /^kernel\/include\/uapi\//];

/** The block table: block i has PC base + i * step, and lies in files[blocks[3i]] at line:col. */
export interface KcovTable { version: number; base: number; step: number; files: string[]; blocks: number[] }

/** A built kernel: its bundle and table files. */
export interface KcovBuild { dir: string; bundle: string; table: string }

/** Every source of the trees, repository-relative, sorted (block numbering follows this order). */
function sources(): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(REPO_ROOT, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (/\.(ts|json)$/.test(e.name)) out.push(r);
    }
  };
  for (const t of TREES) walk(t);
  return out.sort();
}

/** The cache key: the pass's version and every input's name and bytes. */
function build_key(files: string[], texts: Map<string, string>): string {
  const h = createHash('sha256').update(`kcov ${KCOV_BUILD_VERSION}\0`);
  for (const f of files) h.update(f).update('\0').update(texts.get(f)!).update('\0');
  return h.digest('hex').slice(0, 24);
}

/** The source as the mirror holds it: import.meta.url pinned to the original file (CJS has none). */
function pin_meta(rel: string, src: string): string {
  return src.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(join(REPO_ROOT, rel)).href));
}

/** One kernel file through the pass, with the hook imported on its first line (lines stay put). */
function instrument_file(rel: string, src: string, table: KcovTable): string {
  const first = table.blocks.length / 3, file_idx = table.files.length;
  const { code, blocks } = instrument_source(rel, src, (i) => table.base + (first + i) * table.step);
  if (!blocks.length) return src;
  table.files.push(rel);
  for (const b of blocks) table.blocks.push(file_idx, b.line, b.col);
  let hook = relative(dirname(rel), 'kernel/kcov_trace.ts');
  if (!hook.startsWith('.')) hook = `./${hook}`;
  return `import { ${TRACE_FN} } from '${hook}'; ${code}`;
}

/** Writes the mirror tree: kernel files instrumented, kcov_build.ts saying so. */
function write_mirror(src_dir: string, files: string[], texts: Map<string, string>, table: KcovTable): void {
  for (const rel of files) {
    let text = texts.get(rel)!;
    if (rel.endsWith('.ts') && rel.startsWith('kernel/') && rel !== 'kernel/kcov_build.ts' &&
        !NOT_INSTRUMENTED.some((re) => re.test(rel))) text = instrument_file(rel, text, table);
    if (rel.endsWith('.ts')) text = pin_meta(rel, text);
    mkdirSync(dirname(join(src_dir, rel)), { recursive: true });
    writeFileSync(join(src_dir, rel), text);
  }
  writeFileSync(join(src_dir, 'kernel/kcov_build.ts'),
    `export const KCOV_INSTRUMENTED: boolean = true;\nexport const KCOV_NR_BLOCKS: number = ${table.blocks.length / 3};\n`);
}

/** Builds into `dir` (a fresh directory): mirror, bundle, table. */
function build_into(dir: string, files: string[], texts: Map<string, string>): void {
  const table: KcovTable = { version: KCOV_BUILD_VERSION, base: KCOV_TEXT, step: KCOV_PC_STEP, files: [], blocks: [] };
  const src_dir = join(dir, 'src');
  write_mirror(src_dir, files, texts, table);
  buildSync({
    entryPoints: [join(src_dir, 'tools/machine.ts')], outfile: join(dir, 'vmlinux.cjs'),
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', packages: 'external',
    keepNames: true, logLevel: 'error',
  });
  writeFileSync(join(dir, 'kcov.json'), JSON.stringify(table));
  rmSync(src_dir, { recursive: true, force: true });
}

/** The instrumented build of the current sources: from the cache, or built now (once a process). */
let built: KcovBuild | null = null;

export function kcov_build(): KcovBuild {
  if (built) return built;
  const files = sources(), texts = new Map<string, string>();
  for (const f of files) texts.set(f, readFileSync(join(REPO_ROOT, f), 'utf8'));
  const dir = join(CACHE_ROOT, build_key(files, texts));
  const out = { dir, bundle: join(dir, 'vmlinux.cjs'), table: join(dir, 'kcov.json') };
  if (!existsSync(out.table)) {
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    build_into(tmp, files, texts);
    try { renameSync(tmp, dir); } catch { rmSync(tmp, { recursive: true, force: true }); } // another process won
  }
  return (built = out);
}

const load = createRequire(import.meta.url);

/**
 * A fresh instance of the instrumented machine (tools/machine.ts of the kcov build): one per
 * booted kernel, so that each kernel's trace hook follows its own `current` even when several
 * machines run in one process (the hook's state is a module's, as kcov's is a CPU's).
 */
export function kcov_machine(): typeof import('../machine.ts') {
  const bundle = load.resolve(kcov_build().bundle);
  delete load.cache[bundle];
  return load(bundle) as typeof import('../machine.ts');
}

/** The block table of the current sources' build (or of the table file given). */
export function kcov_table(file?: string): KcovTable {
  return JSON.parse(readFileSync(file ?? kcov_build().table, 'utf8')) as KcovTable;
}
