#!/usr/bin/env node
// The privos command. It runs the CLI bundle (dist/bundle/privos.cjs, made by `npm run build`:
// the kernel, libc and tools as one CommonJS file, tools/link/bundle.ts) or else the compiled CLI
// (dist/tools/privos.js) while that build is newer than every source file (bin/fresh.js), and
// otherwise the TypeScript sources through tsx, so a checkout needs no build step and an edited
// source is never shadowed by a stale build (PRIVOS_FROM_SOURCE=1 forces the sources). A build
// runs without tsx's hooks (programs are linked by esbuild, not imported; they cost ~40 % of a
// start and ~100 MB): a module written in TypeScript registers them when it is loaded
// (kernel/modules/main.ts).
import { fresh_build } from './fresh.js';
import { load_cli_bundle } from './cli_bundle.js';

const build = fresh_build();
if (!build) {
  (await import('tsx/esm/api')).register();
  (await import('tsx/cjs/api')).register();
}
const cli = build?.pathname.endsWith('.cjs') ? load_cli_bundle(build) : await import(build ? build.href : '../tools/privos.ts');
await cli.done;
