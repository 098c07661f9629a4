import type { Libc } from '../../../libc/index.ts';
export default function main(libc: Libc): number { libc.poke_u8(0, 1); return 0; }
