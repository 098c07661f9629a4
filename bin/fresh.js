// Which build of privos is current: the CLI bundle (dist/bundle/privos.cjs, `npm run build`), else the
// compiled CLI (dist/tools/privos.js), each only while it is newer than every source file under
// kernel/, libc/ and tools/ — so an edited source is never shadowed by a stale build. Used by
// bin/privos.js (and the tests that check it runs the bundle).
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
export const BUNDLE = new URL('dist/bundle/privos.cjs', root);
export const DIST = new URL('dist/tools/privos.js', root);
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

function mtime(u) {
  try { return statSync(u).mtimeMs; } catch { return 0; }
}

/** The URL of the first build newer than every source, or null (then the sources run). */
export function fresh_build() {
  if (process.env.PRIVOS_FROM_SOURCE) return null;
  const builds = [BUNDLE, DIST].map((u) => [u, mtime(u)]).filter(([, t]) => t > 0);
  if (!builds.length) return null;
  const sources = Math.max(...SOURCES.map((d) => newest(new URL(d, root).pathname)));
  return builds.find(([, t]) => sources <= t)?.[0] ?? null;
}
