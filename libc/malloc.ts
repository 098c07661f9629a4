/**
 * malloc(3) and friends over brk(2) and mmap(2), with the chunk headers in the process's own
 * memory as in dlmalloc: each chunk is preceded by a 16-byte header holding its size. Small
 * requests come from the brk heap (first fit over an address-ordered free list, coalescing on
 * free); requests of MMAP_THRESHOLD and more get their own mapping.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import { Libc } from './libc.ts';

export const MMAP_THRESHOLD = 128 * 1024;
const HDR = 16;
const IS_MMAPPED = 1;

declare module './libc.ts' {
  interface Libc {
    malloc(size: number): number;
    calloc(n: number, size: number): number;
    realloc(ptr: number, size: number): number;
    free(ptr: number): void;
    /** malloc_usable_size(3) */
    malloc_usable_size(ptr: number): number;
    /** Copies a JS string into a new malloc'd NUL-terminated string (strdup). */
    strdup(s: string | number): number;
    heap: Heap;
  }
}

/** The allocator's bookkeeping that a C malloc keeps in static data. */
export class Heap {
  /** Free chunks (header addresses) in address order, with their sizes. */
  free_list: { addr: number; size: number }[] = [];
  top = 0;
  end = 0;
}

const L = Libc.prototype;
const align16 = (n: number): number => Math.ceil(n / 16) * 16;

function grow(lc: Libc, need: number): boolean {
  const h = lc.heap;
  const incr = Math.max(align16(need), 256 * 1024);
  if ((lc.sbrk(incr) as number) < 0) return false;
  h.end += incr;
  return true;
}

L.malloc = function (size) {
  if (size < 0 || !Number.isFinite(size)) { this.errno = this.ENOMEM; return 0; }
  const need = align16(Math.max(size, 1)) + HDR;
  if (need >= MMAP_THRESHOLD) {
    const p = this.mmap(0, need, this.PROT_READ | this.PROT_WRITE, this.MAP_PRIVATE | this.MAP_ANONYMOUS, -1, 0) as number;
    if (p < 0) return 0;
    this.poke_u64(p, need); this.poke_u64(p + 8, IS_MMAPPED);
    return p + HDR;
  }
  const h = this.heap;
  for (let i = 0; i < h.free_list.length; i++) {
    const c = h.free_list[i];
    if (c.size < need) continue;
    if (c.size - need >= 64) { h.free_list[i] = { addr: c.addr + need, size: c.size - need }; this.poke_u64(c.addr + need, c.size - need); }
    else { h.free_list.splice(i, 1); }
    const sz = c.size - need >= 64 ? need : c.size;
    this.poke_u64(c.addr, sz); this.poke_u64(c.addr + 8, 0);
    return c.addr + HDR;
  }
  if (h.top + need > h.end && !grow(this, h.top + need - h.end)) { this.errno = this.ENOMEM; return 0; }
  const a = h.top;
  h.top += need;
  this.poke_u64(a, need); this.poke_u64(a + 8, 0);
  return a + HDR;
};

L.calloc = function (n, size) {
  const total = n * size;
  if (!Number.isSafeInteger(total)) { this.errno = this.ENOMEM; return 0; }
  const p = this.malloc(total);
  if (p) this.poke(p, new Uint8Array(total));
  return p;
};

L.malloc_usable_size = function (ptr) { return ptr ? this.peek_u64(ptr - HDR) - HDR : 0; };

L.free = function (ptr) {
  if (!ptr) return;
  const a = ptr - HDR;
  const size = this.peek_u64(a);
  if (this.peek_u64(a + 8) & IS_MMAPPED) { this.munmap(a, size); return; }
  const h = this.heap;
  let i = h.free_list.findIndex((c) => c.addr > a);
  if (i < 0) i = h.free_list.length;
  h.free_list.splice(i, 0, { addr: a, size });
  // Coalesce with the neighbours, then give the tail back to the top.
  const next = h.free_list[i + 1];
  if (next && a + size === next.addr) { h.free_list[i].size += next.size; h.free_list.splice(i + 1, 1); }
  const prev = h.free_list[i - 1];
  if (prev && prev.addr + prev.size === a) { prev.size += h.free_list[i].size; h.free_list.splice(i, 1); i--; }
  const last = h.free_list[h.free_list.length - 1];
  if (last && last.addr + last.size === h.top) { h.top = last.addr; h.free_list.pop(); }
};

L.realloc = function (ptr, size) {
  if (!ptr) return this.malloc(size);
  if (size === 0) { this.free(ptr); return 0; }
  const old = this.malloc_usable_size(ptr);
  if (size <= old) return ptr;
  const n = this.malloc(size);
  if (!n) return 0;
  this.poke(n, this.peek(ptr, old));
  this.free(ptr);
  return n;
};

L.strdup = function (s) {
  const str = typeof s === 'number' ? this.cstr(s) : s;
  const b = new TextEncoder().encode(str);
  const p = this.malloc(b.length + 1);
  if (!p) return 0;
  this.poke(p, b); this.poke_u8(p + b.length, 0);
  return p;
};

/** Sets up the heap at the current break (called by libc_init). */
export function malloc_init(lc: Libc): SysRet {
  lc.heap = new Heap();
  const cur = lc.sbrk(0) as number;
  lc.heap.top = lc.heap.end = cur;
  return 0;
}
