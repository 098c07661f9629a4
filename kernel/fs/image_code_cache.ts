/**
 * V8's code cache for image scripts, kept on the host beside the linker's image cache: what
 * V8 compiled of an image (its top level and every function that ran) is saved when the host
 * process exits and handed back to the next process that compiles the same text, so an exec of
 * /bin/hello parses and compiles libc once per image, not once per `privos run`. The kernel's
 * answer never depends on it: V8 checks a cache against the source, its version and its flags,
 * and one it rejects (or cannot read) only means compiling from the text, as without a cache.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { REPO_ROOT } from '../init/paths.ts';

/** Where the caches live: node_modules/.cache/privos/v8/<content hash>.bin. */
export const IMAGE_CODE_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'privos', 'v8');

/** Scripts compiled without an accepted cache in this host process, saved at its exit. */
const unsaved = new Map<string, vm.Script>();

/** A content hash names the cache file; anything else (a path, a stray dot) gets none. */
function cache_file(hash: string): string | null {
  return /^[0-9a-f]{16,128}$/.test(hash) ? join(IMAGE_CODE_CACHE_DIR, `${hash}.bin`) : null;
}

function read_cache(file: string): Buffer | undefined {
  try { return readFileSync(file); } catch { return undefined; }
}

/** Caches kept: every edit of libc or a program makes new image texts, so older ones go. */
export const IMAGE_CODE_CACHE_KEEP = 128;

/** Removes all but the IMAGE_CODE_CACHE_KEEP most recently written caches. */
function prune(): void {
  try {
    const bins = readdirSync(IMAGE_CODE_CACHE_DIR).filter((f) => f.endsWith('.bin'))
      .map((f) => ({ f: join(IMAGE_CODE_CACHE_DIR, f), m: statSync(join(IMAGE_CODE_CACHE_DIR, f)).mtimeMs }))
      .sort((a, b) => b.m - a.m);
    for (const { f } of bins.slice(IMAGE_CODE_CACHE_KEEP)) rmSync(f, { force: true });
  } catch { /* a cache that cannot be pruned is only larger */ }
}

/** Writes every script that had no usable cache (at exit: their functions that ran are compiled by then). */
export function image_code_cache_flush(): void {
  if (!unsaved.size) return;
  try { mkdirSync(IMAGE_CODE_CACHE_DIR, { recursive: true }); } catch { return; }
  for (const [file, s] of unsaved) {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, s.createCachedData());
      renameSync(tmp, file); // atomic: a concurrent exec never reads half a cache
    } catch { /* a read-only tree: compile from the text next time */ }
  }
  unsaved.clear();
  prune();
}

/**
 * The script of an image's code: compiled with the cache saved under its content hash when V8
 * accepts it, else from the text (and its cache saved when the host process exits).
 */
export function compile_cached(code: string, hash: string, filename: string, lineOffset: number): vm.Script {
  const file = cache_file(hash);
  const cachedData = file ? read_cache(file) : undefined;
  const s = new vm.Script(code, { filename, lineOffset, cachedData });
  if (file && (!cachedData || s.cachedDataRejected)) {
    if (!unsaved.size) process.once('exit', image_code_cache_flush);
    unsaved.set(file, s);
  }
  return s;
}
