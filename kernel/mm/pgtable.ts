/**
 * 4-level page tables stored in emulated physical frames (Linux mm/pgtable-generic.c and
 * include/linux/pgtable.h). The entry format is the architecture's (PteFormat); the walk is
 * shared. Addresses are canonical 48-bit values held as JS numbers, sign-extended: the user half
 * is [0, 2^47), the kernel half [-2^47, 0). See docs/addresses.md.
 */
import { Generation } from '../include/linux/generation.ts';
import { PAGE_SIZE, type PhysMem } from './page_alloc.ts';

/** Decoded permissions of a leaf entry (arch-neutral). */
export const PERM_R = 1;   // present, readable
export const PERM_W = 2;   // writable
export const PERM_U = 4;   // user accessible (x86 US, arm64 AP[1])
export const PERM_UX = 8;  // executable at user privilege
export const PERM_KX = 16; // executable at kernel privilege
export const PERM_BOX = 32; // PrivBox text: executable by semi-privileged box code

export interface PteFormat {
  /** Writes [lo, hi] of a leaf entry mapping `pfn` with `perm`. */
  encode_leaf(pfn: number, perm: number, out: Uint32Array): void;
  /** Writes [lo, hi] of an entry pointing at the next-level table `pfn`. */
  encode_table(pfn: number, out: Uint32Array): void;
  present(lo: number): boolean;
  pfn(lo: number, hi: number): number;
  /** PERM_* bits of a leaf, 0 when not present. */
  decode_perm(lo: number, hi: number): number;
}

export const TWO_47 = 2 ** 47;
const TWO_48 = 2 ** 48;
const SHIFTS: readonly number[] = [2 ** 39, 2 ** 30, 2 ** 21, 2 ** 12];

/** True for an address the MMU can translate at all (x86: otherwise #GP). */
export function is_canonical(addr: number): boolean {
  return addr >= -TWO_47 && addr < TWO_47 && Number.isInteger(addr);
}

function index(addr: number, level: number): number {
  const a = addr < 0 ? addr + TWO_48 : addr;
  return Math.floor(a / SHIFTS[level]) % 512;
}

const scratch = new Uint32Array(2);

export class PageTable {
  /**
   * `gen` is bumped by every leaf write (map, protect, unmap): what lookups return changes only
   * then. The kernel's table shares its counter with the kernel TLB and the CPU (Cpu.kgen).
   */
  constructor(readonly phys: PhysMem, readonly fmt: PteFormat, readonly root: number,
              readonly gen: Generation = new Generation()) {}

  /** Byte offset in physical memory of the leaf entry for `addr`, or -1 if a table is missing. */
  lookup(addr: number): number {
    const { dv } = this.phys;
    let table = this.root;
    for (let level = 0; level < 3; level++) {
      const off = table * PAGE_SIZE + index(addr, level) * 8;
      const lo = dv.getUint32(off, true);
      if (!this.fmt.present(lo)) return -1;
      table = this.fmt.pfn(lo, dv.getUint32(off + 4, true));
    }
    return table * PAGE_SIZE + index(addr, 3) * 8;
  }

  /**
   * Like lookup, allocating missing intermediate tables; -1 when out of memory. With `levels`
   * < 3 it stops there and returns the table made at that depth's entry offset (boot fills only
   * the kernel half's top-level slots, as Linux preallocates the kernel's PGD-level tables).
   */
  ensure(addr: number, levels = 3): number {
    const { dv } = this.phys;
    let table = this.root;
    for (let level = 0; level < levels; level++) {
      const off = table * PAGE_SIZE + index(addr, level) * 8;
      const lo = dv.getUint32(off, true);
      if (this.fmt.present(lo)) {
        table = this.fmt.pfn(lo, dv.getUint32(off + 4, true));
        continue;
      }
      const next = this.phys.alloc_page();
      if (next < 0) return -1;
      this.fmt.encode_table(next, scratch);
      dv.setUint32(off, scratch[0], true);
      dv.setUint32(off + 4, scratch[1], true);
      table = next;
    }
    return table * PAGE_SIZE + index(addr, levels) * 8;
  }

  /**
   * The first page address in [addr, end) whose leaf entry is in use (what pfn_of reports: a
   * present page or a PROT_NONE one still holding its frame), or `end` when there is none.
   * Absent tables are skipped whole — 512 GiB, 1 GiB or 2 MiB at a time — and a leaf table is
   * scanned in place, so a walk costs what is mapped, not the size of the range
   * (walk_page_range's pmd/pte skipping). addr and end are page aligned, in one half.
   */
  next_mapped(addr: number, end: number): number {
    const { dv } = this.phys;
    while (addr < end) {
      let table = this.root, level = 0;
      for (; level < 3; level++) {
        const off = table * PAGE_SIZE + index(addr, level) * 8;
        const lo = dv.getUint32(off, true);
        if (!this.fmt.present(lo)) break;
        table = this.fmt.pfn(lo, dv.getUint32(off + 4, true));
      }
      if (level < 3) { addr = (Math.floor(addr / SHIFTS[level]) + 1) * SHIFTS[level]; continue; }
      const base = table * PAGE_SIZE;
      for (let i = index(addr, 3); i < 512 && addr < end; i++, addr += PAGE_SIZE) {
        if (dv.getUint32(base + i * 8, true) !== 0 || dv.getUint32(base + i * 8 + 4, true) !== 0) return addr;
      }
    }
    return end;
  }

  /** Perm bits of the leaf for addr (0: not mapped). */
  perm(addr: number): number {
    const off = this.lookup(addr);
    if (off < 0) return 0;
    const { dv } = this.phys;
    return this.fmt.decode_perm(dv.getUint32(off, true), dv.getUint32(off + 4, true));
  }

  /** Frame mapped at addr, or -1. */
  pfn_of(addr: number): number {
    const off = this.lookup(addr);
    if (off < 0) return -1;
    const { dv } = this.phys;
    const lo = dv.getUint32(off, true), hi = dv.getUint32(off + 4, true);
    // A leaf that is not present may still hold a frame (PROT_NONE); a cleared leaf is 0.
    return lo === 0 && hi === 0 ? -1 : this.fmt.pfn(lo, hi);
  }

  /** Installs a leaf entry; false when a table could not be allocated. */
  map(addr: number, pfn: number, perm: number): boolean {
    const off = this.ensure(addr);
    if (off < 0) return false;
    this.fmt.encode_leaf(pfn, perm, scratch);
    this.gen.n++;
    this.phys.dv.setUint32(off, scratch[0], true);
    this.phys.dv.setUint32(off + 4, scratch[1], true);
    return true;
  }

  /** Rewrites the permissions of an existing leaf; false if none. */
  protect(addr: number, perm: number): boolean {
    const pfn = this.pfn_of(addr);
    return pfn >= 0 && this.map(addr, pfn, perm);
  }

  /** Clears the leaf entry and returns the frame it mapped (-1 if none); the caller puts it. */
  unmap(addr: number): number {
    const pfn = this.pfn_of(addr);
    if (pfn < 0) return -1;
    const off = this.lookup(addr);
    this.gen.n++;
    this.phys.dv.setUint32(off, 0, true);
    this.phys.dv.setUint32(off + 4, 0, true);
    return pfn;
  }

  /** Copies the kernel half (entries 256..511 of the top level) from another root. */
  share_kernel_half(from: PageTable): void {
    const src = from.root * PAGE_SIZE + 256 * 8, dst = this.root * PAGE_SIZE + 256 * 8;
    this.phys.mem.copyWithin(dst, src, src + 256 * 8);
  }

  /** Frees the tables of the user half (not the frames they map); the root stays. */
  free_user_tables(): void {
    const free_level = (table: number, level: number, first: number, last: number): void => {
      for (let i = first; i < last; i++) {
        const off = table * PAGE_SIZE + i * 8;
        const lo = this.phys.dv.getUint32(off, true);
        if (!this.fmt.present(lo)) continue;
        const next = this.fmt.pfn(lo, this.phys.dv.getUint32(off + 4, true));
        if (level < 2) free_level(next, level + 1, 0, 512);
        this.phys.put_page(next);
        this.phys.dv.setUint32(off, 0, true);
        this.phys.dv.setUint32(off + 4, 0, true);
      }
    };
    free_level(this.root, 0, 0, 256);
  }
}
