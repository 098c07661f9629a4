#!/usr/bin/env node
// The privos command. It runs the CLI bundle (dist/bundle/, made by `npm run build`: the kernel,
// libc and tools as a few esbuild chunks, tools/link/bundle.ts) when that is newer than every
// source file; else the compiled CLI (dist/tools/privos.js, tsc's output) on the same rule; and
// otherwise the TypeScript sources through tsx, so a checkout needs no build step and an edited
// source is never shadowed by a stale build (PRIVOS_FROM_SOURCE=1 forces the sources). The
// compiled CLI runs without tsx's hooks (programs are linked by esbuild, not imported; they cost
// ~40 % of a start and ~100 MB): a module written in TypeScript registers them when it is
// loaded (kernel/modules/main.ts).
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const BUNDLE = new URL('dist/bundle/tools.privos.js', root);
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

/** The first build newer than every source, or null (then the sources run). */
function fresh_build() {
  if (process.env.PRIVOS_FROM_SOURCE) return null;
  const built = (u) => { try { return statSync(u).mtimeMs; } catch { return 0; } };
  const candidates = [BUNDLE, DIST].map((u) => [u, built(u)]).filter(([, t]) => t > 0);
  if (!candidates.length) return null;
  const sources = Math.max(...SOURCES.map((d) => newest(new URL(d, root).pathname)));
  return candidates.find(([, t]) => sources <= t)?.[0] ?? null;
}

const build = fresh_build();
if (!build) {
  (await import('tsx/esm/api')).register();
  (await import('tsx/cjs/api')).register();
}
await import(build ? build.href : '../tools/privos.ts');
