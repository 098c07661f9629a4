/**
 * Code addresses. privos code is JavaScript, but every function that can be called through a
 * pointer (syscall handlers, module functions, user callbacks, PrivBox entry points) is given a
 * text address in a region of the emulated address space, 32-byte aligned like a bundle. A call
 * through a pointer goes through that address: the MMU checks execute permission (NX, SMEP,
 * PXN/UXN, PrivBox's box text) before the function at that slot runs.
 */
export const TEXT_SLOT = 32;
const INV_SLOT = 1 / TEXT_SLOT;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TextFn = (...args: any[]) => unknown;

export class TextRegion {
  private readonly fns: (TextFn | undefined)[] = [];
  private readonly names: string[] = [];
  private readonly addr_of = new Map<TextFn, number>();

  /** `on_new_page(addr)` maps a page of text the first time a slot lands in it. */
  constructor(readonly base: number, readonly limit: number,
              private readonly on_new_page: (page_addr: number) => void) {
    this.end = base;
  }

  /** Gives fn an address (the same one if it already has one). */
  add(fn: TextFn, name = fn.name || 'anon'): number {
    const known = this.addr_of.get(fn);
    if (known !== undefined) return known;
    const idx = this.fns.length;
    const addr = this.base + idx * TEXT_SLOT;
    if (addr + TEXT_SLOT > this.base + this.limit) throw new RangeError('text region full');
    if (idx * TEXT_SLOT % 4096 === 0) this.on_new_page(addr);
    this.fns.push(fn);
    this.end = addr + TEXT_SLOT;
    this.names.push(name);
    this.addr_of.set(fn, addr);
    return addr;
  }

  /** The function whose slot starts exactly at addr, or undefined (a jump into the middle). */
  at(addr: number): TextFn | undefined {
    const idx = (addr - this.base) * INV_SLOT;
    // Only exact slot starts are functions; a jump into the middle of one is not.
    return idx >>> 0 === idx && idx < this.fns.length ? this.fns[idx] : undefined;
  }

  address_of(fn: TextFn): number | undefined { return this.addr_of.get(fn); }

  name_at(addr: number): string | undefined {
    const off = addr - this.base;
    return off >= 0 && off % TEXT_SLOT === 0 ? this.names[off / TEXT_SLOT] : undefined;
  }

  contains(addr: number): boolean { return addr >= this.base && addr < this.end; }

  /** One past the last slot handed out. */
  private end = 0;

  /**
   * Removes a function; its slot stays reserved and now faults. Kernel text goes only with its
   * whole region (Kallsyms.remove_region, which caches of resolved calls watch).
   */
  remove(fn: TextFn): void {
    const addr = this.addr_of.get(fn);
    if (addr === undefined) return;
    this.fns[(addr - this.base) / TEXT_SLOT] = undefined;
    this.addr_of.delete(fn);
  }

  /** All (address, name) pairs, for kallsyms and /proc/PID/maps. */
  *entries(): Generator<[number, string]> {
    for (let i = 0; i < this.fns.length; i++) if (this.fns[i]) yield [this.base + i * TEXT_SLOT, this.names[i]];
  }
}
