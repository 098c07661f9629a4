/**
 * __sanitizer_cov_trace_pc (kernel/kcov.c): the call the instrumented build puts at the start
 * of every basic block of the kernel (tools/kcov/instrument.ts). Like kcov.c it is not itself
 * instrumented, and it imports nothing, so it is evaluated before any module that calls it.
 *
 * The running task's trace buffer is described by three variables that kernel/kcov.ts sets
 * whenever the running task changes (the role of current->kcov_area / kcov_size / kcov_mode):
 * the u32 view of physical memory, the u32 index of each page of the buffer, and its size in
 * entries. `pages` null: the running task collects nothing (the common case: one load).
 */
let mem: Uint32Array | null = null;
let pages: Int32Array | null = null;
let size = 0;
/** Hits per block, whatever task runs (`privos cover`); block i's PC is counts_base + 4i. */
let counts: Uint32Array | null = null;
let counts_base = 0;

/** Points the hook at a buffer (or at none, with null). */
export function kcov_set_area(m: Uint32Array | null, p: Int32Array | null, n: number): void {
  mem = m; pages = p; size = n;
}

/** Counts every block hit from now on into c (block i at PC base + 4i); null stops. */
export function kcov_set_counts(c: Uint32Array | null, base: number): void {
  counts = c; counts_base = base;
}

/**
 * Appends pc to the running task's buffer: word 0 is the count (read back from the buffer
 * each time, since user space resets it), then the PCs as 64-bit values; a full buffer drops
 * the PC, as kcov.c does. 512 entries per 4 KiB page.
 */
export function __sanitizer_cov_trace_pc(pc: number): void {
  const c = counts;
  if (c !== null) c[(pc - counts_base) >>> 2]++;
  const p = pages;
  if (p === null) return;
  const m = mem!, head = p[0];
  const pos = m[head] + 1;
  if (pos >= size) return;
  m[head] = pos;
  const w = p[pos >>> 9] + ((pos & 511) << 1);
  const lo = pc >>> 0;
  m[w] = lo;
  m[w + 1] = (pc - lo) / 4294967296;
}

/** The running task's KCOV_TRACE_CMP buffer (its u32 view, page indexes, size in entries). */
let cmp_mem: Uint32Array | null = null;
let cmp_pages: Int32Array | null = null;
let cmp_size = 0;

/** Points the comparison hooks at a buffer (or at none, with null). */
export function kcov_set_cmp_area(m: Uint32Array | null, p: Int32Array | null, n: number): void {
  cmp_mem = m; cmp_pages = p; cmp_size = n;
}

/** KCOV_CMP_SIZE(3): the operands are recorded as 8-byte values. */
const KCOV_CMP_SIZE8 = 3 << 1;

/** Writes a 64-bit entry (an integer-valued number) at entry index e of the buffer. */
function put64(m: Uint32Array, p: Int32Array, e: number, v: number): void {
  const w = p[e >>> 9] + ((e & 511) << 1), lo = v >>> 0;
  m[w] = lo;
  m[w + 1] = (v - lo) / 4294967296;
}

/**
 * write_comp_data(): appends (type, arg1, arg2, pc) when both operands are integers (what a
 * cmp instruction compares); word 0 counts records, as in kcov.c.
 */
function write_comp_data(a: unknown, b: unknown, pc: number, konst: number): void {
  const p = cmp_pages!;
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return;
  const m = cmp_mem!, count = m[p[0]], start = 1 + count * 4;
  if (start + 4 > cmp_size) return;
  m[p[0]] = count + 1;
  put64(m, p, start, KCOV_CMP_SIZE8 | konst);
  put64(m, p, start + 1, a);
  put64(m, p, start + 2, b);
  put64(m, p, start + 3, pc);
}

// The comparison hooks the trace-cmp pass calls in place of `a OP b`: record, then compare.
/** What a relational operator compares (its operands at run time: numbers, bigints, strings). */
type Ord = number | bigint | string;
type Rel = <T extends Ord>(a: T, b: T, pc: number, konst: number) => boolean;
type Eq = (a: unknown, b: unknown, pc: number, konst: number) => boolean;
export const __sanitizer_cov_trace_cmp_lt: Rel = (a, b, pc, k) => { if (cmp_pages !== null) write_comp_data(a, b, pc, k); return a < b; };
export const __sanitizer_cov_trace_cmp_le: Rel = (a, b, pc, k) => { if (cmp_pages !== null) write_comp_data(a, b, pc, k); return a <= b; };
export const __sanitizer_cov_trace_cmp_gt: Rel = (a, b, pc, k) => { if (cmp_pages !== null) write_comp_data(a, b, pc, k); return a > b; };
export const __sanitizer_cov_trace_cmp_ge: Rel = (a, b, pc, k) => { if (cmp_pages !== null) write_comp_data(a, b, pc, k); return a >= b; };
export const __sanitizer_cov_trace_cmp_eq: Eq = (a, b, pc, k) => { if (cmp_pages !== null) write_comp_data(a, b, pc, k); return a === b; };
export const __sanitizer_cov_trace_cmp_ne: Eq = (a, b, pc, k) => { if (cmp_pages !== null) write_comp_data(a, b, pc, k); return a !== b; };
// eslint-disable-next-line eqeqeq
export const __sanitizer_cov_trace_cmp_leq: Eq = (a, b, pc, k) => { if (cmp_pages !== null) write_comp_data(a, b, pc, k); return a == b; };
// eslint-disable-next-line eqeqeq
export const __sanitizer_cov_trace_cmp_lne: Eq = (a, b, pc, k) => { if (cmp_pages !== null) write_comp_data(a, b, pc, k); return a != b; };
