/**
 * Values that break kernels, shared by the random fuzzer and the guided one, and the fixed data
 * area a fuzzer program's buffers live in (syzkaller's executor maps its data at 0x20000000 too,
 * so a reproducer's pointers mean the same thing on every run).
 */

/** The program's data area: buffers are laid out here, in order, before each call. */
export const ARENA = 0x20000000;
export const ARENA_SIZE = 1 << 20;

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rnd = () => number;

export function pick<T>(rnd: Rnd, xs: readonly T[]): T { return xs[Math.floor(rnd() * xs.length)]; }

/**
 * Hostile numbers: 0, -1, small fds, the edges of the address halves, a kernel address, valid
 * and just-invalid user buffers, huge sizes, and register widths (an int argument is the low 32
 * bits, so 2^32+k is k; a size_t is unsigned, so negative is huge).
 */
export function hostile_values(kernel_addr: number): number[] {
  return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -100, 4096, 0x7fffffff, 0xffffffff, 2 ** 47 - 1, 2 ** 47, -(2 ** 47),
    kernel_addr, ARENA, ARENA + 4095, ARENA + 8192, 64, 255, 0o777, 0x40000, 2 ** 53 - 1,
    2 ** 32, 2 ** 32 + 1, 2 ** 32 + 3, 2 ** 32 - 100, 2 ** 31, -(2 ** 31), -(2 ** 32) + 3, -(2 ** 53) + 1];
}

/** A hostile value 70% of the time, else a random 16-bit number (sometimes negative). */
export function hostile(rnd: Rnd, values: readonly number[]): number {
  return rnd() < 0.7 ? pick(rnd, values) : Math.floor(rnd() * 2 ** 16) * (rnd() < 0.2 ? -1 : 1);
}
