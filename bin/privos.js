#!/usr/bin/env node
// The privos command. It runs the compiled CLI (dist/, made by `npm run build`) when that build is
// newer than every source file, and otherwise the TypeScript sources through tsx, so a checkout
// needs no build step and an edited source is never shadowed by a stale build
// (PRIVOS_FROM_SOURCE=1 forces the sources). The compiled CLI runs without tsx's hooks (programs
// are linked by esbuild, not imported; they cost ~40 % of a start and ~100 MB): a module written
// in TypeScript registers them when it is loaded (kernel/modules/main.ts).
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const DIST = new URL('dist/tools/privos.js', root);
const SOURCES = ['kernel', 'libc', 'tools'];

/** The newest modification time of the .ts files under dir (0 if none). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function compiled_is_fresh() {
  if (process.env.PRIVOS_FROM_SOURCE) return false;
  let built;
  try { built = statSync(DIST).mtimeMs; } catch { return false; }
  return SOURCES.every((d) => newest(new URL(d, root).pathname) <= built);
}

const fresh = compiled_is_fresh();
if (!fresh) {
  (await import('tsx/esm/api')).register();
  (await import('tsx/cjs/api')).register();
}
await import(fresh ? DIST.href : '../tools/privos.ts');
