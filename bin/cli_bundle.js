// Runs the CLI bundle (dist/bundle/privos.cjs) as Node's loader runs a CommonJS file, but with
// V8's code cache: Node 20 caches the code of no module, and compiling the bundle's megabyte of
// JavaScript is a third of a start. The cache (privos.cjs.v8) is what V8 compiled by the end of
// the first run after a build — the bundle's top level and every function that ran — written at
// that process's exit; each later start hands it back. It lives in the bundle's directory, which
// every build replaces, and V8 checks it against the source, its version and its flags: a cache
// it rejects, or none, only means compiling from the text (and writing a new one at exit).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * The V8 flag the kernel sets when it makes its first user realm (kernel/fs/binfmt_image.ts,
 * harden_host). A code cache records the flags of the process that made it, so it is set here
 * first: the cache written at exit then matches the next start's flags.
 */
const KERNEL_V8_FLAG = '--enable-experimental-regexp-engine-on-excessive-backtracks';

function read(file) {
  try { return readFileSync(file); } catch { return undefined; }
}

/** Writes the script's cache beside the bundle (atomically; a read-only tree keeps none). */
function save_cache(script, file) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
  } catch { /* no cache: the next start compiles from the text */ }
}

/** Loads the bundle at url (a file: URL) as a CommonJS module; its exports. */
export function load_cli_bundle(url) {
  const file = fileURLToPath(url), cache = `${file}.v8`;
  v8.setFlagsFromString(KERNEL_V8_FLAG);
  const cachedData = read(cache);
  // No importModuleDynamically: Node 20 loses it when V8 compiles from a cache; the bundle's
  // dynamic imports go through the import() passed below (host_import, kernel/init/paths.ts).
  const script = new vm.Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => save_cache(script, cache));
  const m = new Module(file);
  m.filename = file;
  m.paths = Module._nodeModulePaths(dirname(file));
  Module._cache[file] = m;
  script.runInThisContext()(m.exports, Module.createRequire(file), m, file, dirname(file), (specifier) => import(specifier));
  m.loaded = true;
  return m.exports;
}
