#!/usr/bin/env node
// The privos command: loads the TypeScript CLI through tsx (no build step needed). Both of tsx's
// hooks are on, so a host program.ts outside an ESM package (compiled as CommonJS) loads too.
import { register } from 'tsx/esm/api';
import { register as register_cjs } from 'tsx/cjs/api';
register();
register_cjs();
await import('../tools/privos.ts');
