/** tail(1): see head.ts. */
import type { Libc } from '../../libc/index.ts';
import { head_tail } from './head.ts';

export default function main(libc: Libc, argv: string[]): Promise<number> { return head_tail(libc, argv, true); }
