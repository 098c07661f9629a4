/**
 * The kcov-instrumented kernel build (CONFIG_KCOV=y): every kernel source goes through the
 * trace-pc pass (instrument.ts), and the machine (tools/machine.ts with the kernel, libc and the
 * linker) is bundled into one CommonJS file, a module graph of its own that loads synchronously
 * beside the normal one. Its blocks' PCs and their source positions go to a table beside it
 * (the vmlinux that `privos addr2line` and `privos cover` read). Both are cached on disk under
 * node_modules/.cache/privos/kcov, keyed by the content of every source that goes in.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esbuild } from '../esbuild.ts';
import { REPO_ROOT } from '../link/link.ts';
import { KCOV_TEXT } from '../../kernel/mm/vmalloc.ts';
import { CMP_FNS, instrument_source, TRACE_FN } from './instrument.ts';

/** Bumped when the bundle's or the table's layout changes. */
const KCOV_BUILD_VERSION = 2;
/** Bytes between consecutive blocks' PCs (a call instruction's worth). */
export const KCOV_PC_STEP = 4;
const CACHE_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'privos', 'kcov');
/** The trees that go into the bundle; only kernel/ is instrumented. */
const TREES = ['kernel', 'libc', 'tools'];

/**
 * Kernel files left uninstrumented (Linux's KCOV_INSTRUMENT_x.o := n): the hook and the device
 * themselves; the door maker, whose source is evaluated inside user realms; the uapi headers
 * user space shares; and the emulated hardware — the CPU and its door (user instructions),
 * the TLB, user-mode loads and stores, the PAC unit, the page-table entry formats and the
 * cost tables — which on Linux is silicon, not kernel code. What the hardware calls into
 * (handle_mm_fault, the syscall entry, the trap handlers) stays instrumented.
 */
const NOT_INSTRUMENTED = [
  /^kernel\/kcov(_trace)?\.ts$/, /^kernel\/include\/uapi\//,
  /^kernel\/arch\/(cpu|door|door_factory)\.ts$/, /^kernel\/arch\/arm64\/pauth\.ts$/, /^kernel\/arch\/(x86|arm64)\/(pgtable|profile_\w+)\.ts$/,
  /^kernel\/mm\/(tlb|usermem)\.ts$/, /^kernel\/time\/cost\.ts$/,
];

/**
 * The block table: block i has PC base + i * step, and lies in files[blocks[3i]] at line:col;
 * comparison site j (trace-cmp) has PC base + cmp_offset + j * step, at cmps[3j..3j+2].
 */
export interface KcovTable { version: number; base: number; step: number; files: string[]; blocks: number[]; cmp_offset: number; cmps: number[] }

/** Where comparison sites' PCs start, past the blocks' (128 MiB into the kcov text range). */
const KCOV_CMP_OFFSET = 128 << 20;

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
  const first = table.blocks.length / 3, first_cmp = table.cmps.length / 3, file_idx = table.files.length;
  const { code, blocks, cmps } = instrument_source(rel, src, (i) => table.base + (first + i) * table.step,
    (j) => table.base + table.cmp_offset + (first_cmp + j) * table.step);
  if (!blocks.length && !cmps.length) return src;
  table.files.push(rel);
  for (const b of blocks) table.blocks.push(file_idx, b.line, b.col);
  for (const c of cmps) table.cmps.push(file_idx, c.line, c.col);
  let hook = relative(dirname(rel), 'kernel/kcov_trace.ts');
  if (!hook.startsWith('.')) hook = `./${hook}`;
  return `import { ${[TRACE_FN, ...Object.values(CMP_FNS)].join(', ')} } from '${hook}'; ${code}`;
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
  const table: KcovTable = { version: KCOV_BUILD_VERSION, base: KCOV_TEXT, step: KCOV_PC_STEP, files: [], blocks: [], cmp_offset: KCOV_CMP_OFFSET, cmps: [] };
  const src_dir = join(dir, 'src');
  write_mirror(src_dir, files, texts, table);
  esbuild().buildSync({
    entryPoints: [join(src_dir, 'tools/machine.ts')], outfile: join(dir, 'vmlinux.cjs'),
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', packages: 'external',
    keepNames: true, logLevel: 'error',
  });
  writeFileSync(join(dir, 'kcov.json'), JSON.stringify(table));
  rmSync(src_dir, { recursive: true, force: true });
}

/** Builds kept in the cache (other worktrees and branches share it); older ones go. */
const KEEP_BUILDS = 8;

/** Removes all but the KEEP_BUILDS most recent builds. */
function prune(): void {
  try {
    const dirs = readdirSync(CACHE_ROOT).filter((d) => /^[0-9a-f]{24}$/.test(d))
      .map((d) => ({ d, m: statSync(join(CACHE_ROOT, d)).mtimeMs })).sort((a, b) => b.m - a.m);
    for (const { d } of dirs.slice(KEEP_BUILDS)) rmSync(join(CACHE_ROOT, d), { recursive: true, force: true });
  } catch { /* a cache that cannot be pruned is only larger */ }
}

/** A build of the current sources into `dir`, bypassing the cache (the bench times it). */
export function kcov_build_uncached(dir: string): void {
  const files = sources(), texts = new Map<string, string>();
  for (const f of files) texts.set(f, readFileSync(join(REPO_ROOT, f), 'utf8'));
  build_into(dir, files, texts);
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
    prune();
  }
  return (built = out);
}

/**
 * The instrumented machine (tools/machine.ts of the kcov build), loaded once: every kcov
 * machine of the process shares its code (and the JIT's work); kernel/kcov.ts keeps the
 * trace hook on the machine whose code runs.
 */
let machine: typeof import('../machine.ts') | null = null;

export function kcov_machine(): typeof import('../machine.ts') {
  machine ??= createRequire(import.meta.url)(kcov_build().bundle) as typeof import('../machine.ts');
  return machine;
}

/** Tables read so far, by file (a build's table never changes). */
const tables = new Map<string, KcovTable>();

/** The block table of the current sources' build (or of the table file given). */
export function kcov_table(file?: string): KcovTable {
  const f = file ?? kcov_build().table;
  let t = tables.get(f);
  if (!t) tables.set(f, t = JSON.parse(readFileSync(f, 'utf8')) as KcovTable);
  return t;
}
