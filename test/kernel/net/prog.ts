/** Inline test programs: a host function run as a process's main (tools/machine's harness path). */
import type { Libc } from '../../../libc/index.ts';

export type Body = (libc: Libc, argv: string[]) => Promise<number>;
