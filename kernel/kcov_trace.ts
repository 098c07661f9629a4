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

/** Points the hook at a buffer (or at none, with null). */
export function kcov_set_area(m: Uint32Array | null, p: Int32Array | null, n: number): void {
  mem = m; pages = p; size = n;
}

/**
 * Appends pc to the running task's buffer: word 0 is the count (read back from the buffer
 * each time, since user space resets it), then the PCs as 64-bit values; a full buffer drops
 * the PC, as kcov.c does. 512 entries per 4 KiB page.
 */
export function __sanitizer_cov_trace_pc(pc: number): void {
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
