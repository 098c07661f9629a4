/**
 * esbuild, loaded on first use (as tools/typescript.ts loads the compiler): a `privos run`
 * whose images all come from the linker's cache links nothing and never needs it.
 */
import { createRequire } from 'node:module';
import type * as Esbuild from 'esbuild';

let mod: typeof Esbuild | null = null;

export function esbuild(): typeof Esbuild {
  return (mod ??= createRequire(import.meta.url)('esbuild') as typeof Esbuild);
}
