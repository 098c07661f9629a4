/**
 * The TypeScript compiler, loaded on first use. Through `require`, not `import`: Node's ESM
 * import of its ~9 MB CommonJS file first runs the CJS export lexer over it (about a third of
 * a `privos run` start, when every image is already cached and no pass runs at all).
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

let mod: typeof TS | null = null;

export function typescript(): typeof TS {
  return (mod ??= createRequire(import.meta.url)('typescript') as typeof TS);
}
