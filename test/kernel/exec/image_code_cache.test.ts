/**
 * V8's code cache for image scripts (kernel/fs/image_code_cache.ts): saved under the code's
 * content hash, taken by the next compile of the same text, and a cache V8 rejects (here a
 * damaged file) changes nothing but the compile: the script still runs, from its text. Each
 * compile names another file: V8 would otherwise answer from the isolate's own compilation
 * cache (same text, same origin) and never look at the one offered.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_CODE_CACHE_DIR, IMAGE_CODE_CACHE_KEEP, compile_cached, image_code_cache_flush } from '../../../kernel/fs/image_code_cache.ts';

/** A script no other test compiles (its hash names a cache file of its own). */
function fresh_code(): { code: string; hash: string; file: string } {
  const code = `(function () { const f = (x) => x * 6; return f(${process.pid}) + f(7); })()`;
  const hash = createHash('sha256').update(code).digest('hex');
  return { code, hash, file: join(IMAGE_CODE_CACHE_DIR, `${hash}.bin`) };
}

test.serial('a compile saves its cache under the content hash; the next compile takes it', (t) => {
  const { code, hash, file } = fresh_code();
  rmSync(file, { force: true });
  const first = compile_cached(code, hash, '/bin/probe', 0);
  t.is(first.cachedDataRejected, undefined, 'no cache to offer the first time');
  t.is(first.runInThisContext(), process.pid * 6 + 42);
  image_code_cache_flush();
  t.true(existsSync(file));
  const second = compile_cached(code, hash, '/bin/probe-2', 0);
  t.is(second.cachedDataRejected, false, 'V8 took the saved cache');
  t.is(second.runInThisContext(), process.pid * 6 + 42);
  rmSync(file, { force: true });
});

test.serial('a damaged cache is rejected silently: the script runs from its text and is saved again', (t) => {
  const { code, hash, file } = fresh_code();
  image_code_cache_flush();
  writeFileSync(file, Buffer.from('not a code cache'));
  const s = compile_cached(code, hash, '/bin/probe-3', 0);
  t.true(s.cachedDataRejected);
  t.is(s.runInThisContext(), process.pid * 6 + 42);
  image_code_cache_flush();
  t.is(compile_cached(code, hash, '/bin/probe-4', 0).cachedDataRejected, false, 'rewritten after the rejection');
  rmSync(file, { force: true });
});

test('no cache file for a hash that is not one (an unhashed image compiles from its text)', (t) => {
  const s = compile_cached('1 + 1', '', '/bin/probe', 0);
  t.is(s.cachedDataRejected, undefined);
  t.is(s.runInThisContext(), 2);
});

test.serial('a flush keeps only the most recently written caches', (t) => {
  const { code, hash, file } = fresh_code();
  image_code_cache_flush();
  // Older than anything a test process writes now, and more of them than are kept.
  const old = Array.from({ length: IMAGE_CODE_CACHE_KEEP + 1 }, (_, i) => join(IMAGE_CODE_CACHE_DIR, `${'0'.repeat(56)}${String(i).padStart(8, '0')}.bin`));
  for (const f of old) { writeFileSync(f, 'stale'); utimesSync(f, 1, 1); }
  compile_cached(code, hash, '/bin/probe-5', 0);
  image_code_cache_flush();
  t.true(existsSync(file), 'the one just written stays');
  t.true(readdirSync(IMAGE_CODE_CACHE_DIR).filter((f) => f.endsWith('.bin')).length <= IMAGE_CODE_CACHE_KEEP);
  t.true(old.some((f) => !existsSync(f)), 'old ones went');
  for (const f of old) rmSync(f, { force: true });
  rmSync(file, { force: true });
});
