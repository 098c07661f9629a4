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
  /** The free stack of frames given back (put_page); they hold old data. */
  private readonly free: Int32Array;
  private nr_freed = 0;
  /**
   * The next frame never handed out: frames from here up are as the host gave the buffer —
   * zero, and not yet touched, so not yet resident (a 128 MiB machine costs the host what it
   * uses, and boot builds no free list). Freed frames go first, as from the top of the stack.
   */
  private next_fresh = 1; // pfn 0 stays reserved so that 0 can never be a valid table pointer.
  /** NR_SHMEM: pages charged to tmpfs data (Shmem in /proc/meminfo). */
  nr_shmem = 0;

  constructor(bytes: number) {
    this.nr_pages = Math.floor(bytes / PAGE_SIZE);
    // An ArrayBuffer, not a SharedArrayBuffer: V8 copies between a shared store and anything
    // else with relaxed atomic moves, 2-3x slower than memcpy (10 KiB in ~750 ns against ~300),
    // and a server's every send and receive copies through here (lighttpd-lite's 10 KiB file:
    // ~15 % more requests/s with this, A/B on this machine). The price is at boot: V8 counts
    // the store as external memory, which brings two scavenges and an incremental mark-compact
    // forward (the startup bench: 114 ms against 121 with the shared store, within its noise).
    this.mem = new Uint8Array(new ArrayBuffer(this.nr_pages * PAGE_SIZE));
    this.dv = new DataView(this.mem.buffer);
    this.refcount = new Uint16Array(this.nr_pages);
    this.free = new Int32Array(this.nr_pages);
  }

  get free_pages(): number { return this.nr_freed + this.nr_pages - this.next_fresh; }

  /** Returns a zeroed frame, or -1 when memory is exhausted (the caller reports ENOMEM). */
  alloc_page(): number {
    let pfn: number;
    if (this.nr_freed !== 0) {
      pfn = this.free[--this.nr_freed];
      this.mem.fill(0, pfn * PAGE_SIZE, (pfn + 1) * PAGE_SIZE);
    } else if (this.next_fresh < this.nr_pages) pfn = this.next_fresh++;
    else return -1;
    this.refcount[pfn] = 1;
    return pfn;
  }

  get_page(pfn: number): void { this.refcount[pfn]++; }

  /** Drops one reference; the frame returns to the free stack at zero. */
  put_page(pfn: number): void {
    if (--this.refcount[pfn] === 0) this.free[this.nr_freed++] = pfn;
  }

  copy_page(dst: number, src: number): void {
    this.mem.copyWithin(dst * PAGE_SIZE, src * PAGE_SIZE, (src + 1) * PAGE_SIZE);
  }
}
