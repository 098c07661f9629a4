/**
 * Emulated physical memory and the page allocator (Linux mm/page_alloc.c, greatly simplified:
 * one zone, order-0 pages, a free stack). Frames live in one ArrayBuffer; a frame number (pfn)
 * times PAGE_SIZE is the byte offset of the frame in `mem`.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;

export class PhysMem {
  readonly mem: Uint8Array;
  readonly dv: DataView;
  readonly nr_pages: number;
  /** Reference counts, for pages shared copy-on-write between address spaces. */
  readonly refcount: Uint16Array;
  private readonly free: Int32Array;
  private nr_free: number;
  /**
   * The highest pfn ever handed out. Frames above it are still as the host gave the buffer —
   * zero, and not yet touched, so not yet resident (a 128 MiB machine costs the host only
   * what it uses) — and the free stack hands them out in ascending order, so only a pfn at or
   * below it can hold old data and needs clearing.
   */
  private high = 0;
  /** NR_SHMEM: pages charged to tmpfs data (Shmem in /proc/meminfo). */
  nr_shmem = 0;

  constructor(bytes: number) {
    this.nr_pages = Math.floor(bytes / PAGE_SIZE);
    this.mem = new Uint8Array(this.nr_pages * PAGE_SIZE);
    this.dv = new DataView(this.mem.buffer);
    this.refcount = new Uint16Array(this.nr_pages);
    this.free = new Int32Array(this.nr_pages);
    // pfn 0 stays reserved so that 0 can never be a valid table pointer.
    for (let i = 0; i < this.nr_pages - 1; i++) this.free[i] = this.nr_pages - 1 - i;
    this.nr_free = this.nr_pages - 1;
  }

  get free_pages(): number { return this.nr_free; }

  /** Returns a zeroed frame, or -1 when memory is exhausted (the caller reports ENOMEM). */
  alloc_page(): number {
    if (this.nr_free === 0) return -1;
    const pfn = this.free[--this.nr_free];
    this.refcount[pfn] = 1;
    if (pfn <= this.high) this.mem.fill(0, pfn * PAGE_SIZE, (pfn + 1) * PAGE_SIZE);
    else this.high = pfn;
    return pfn;
  }

  get_page(pfn: number): void { this.refcount[pfn]++; }

  /** Drops one reference; the frame returns to the free stack at zero. */
  put_page(pfn: number): void {
    if (--this.refcount[pfn] === 0) this.free[this.nr_free++] = pfn;
  }

  copy_page(dst: number, src: number): void {
    this.mem.copyWithin(dst * PAGE_SIZE, src * PAGE_SIZE, (src + 1) * PAGE_SIZE);
  }
}
