/**
 * A user program whose body is a closure registered by the host (tests and benchmarks):
 * `run_inline(k, async (libc) => …)` runs the closure as the main of a real process.
 */
import type { Libc } from '../libc/index.ts';

export type InlineBody = (libc: Libc, argv: string[], envp: string[]) => Promise<number | void> | number | void;

export const INLINE = new Map<string, InlineBody>();

export default async function main(libc: Libc, argv: string[], envp: string[]): Promise<number> {
  const body = INLINE.get(argv[1] ?? '');
  if (!body) return 127;
  INLINE.delete(argv[1]);
  const r = await body(libc, argv.slice(2), envp);
  return typeof r === 'number' ? r : 0;
}
