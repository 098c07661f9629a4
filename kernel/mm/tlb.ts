/**
 * A software TLB: direct-mapped, tagged by virtual page number. One per address space for
 * the user half, one shared for the kernel half (kernel mappings are global, like x86 PTE.G).
 * Entries are filled by the page walk in Cpu.translate and dropped by flush_tlb_*.
 */
import { Generation } from '../include/linux/generation.ts';
import { PAGE_SIZE } from './page_alloc.ts';

export const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;

export class Tlb {
  readonly vpn = new Float64Array(TLB_SIZE).fill(NaN);
  readonly pfn = new Int32Array(TLB_SIZE);
  readonly perm = new Uint8Array(TLB_SIZE);
  /** Bumped by every fill and flush: while it stands still, every entry stays as it was. */
  constructor(readonly gen: Generation = new Generation()) {}

  /** Hashes the page number so that regions aligned to large boundaries do not collide. */
  slot(vpn: number): number { return (vpn ^ (vpn >> 8) ^ (vpn >> 16)) & TLB_MASK; }

  fill(vpn: number, pfn: number, perm: number): void {
    const i = this.slot(vpn);
    this.vpn[i] = vpn; this.pfn[i] = pfn; this.perm[i] = perm;
    this.gen.n++;
  }

  /** Is vpn's translation cached (a probe that changes nothing and charges nothing)? */
  has(vpn: number): boolean { return this.vpn[this.slot(vpn)] === vpn; }

  /** The physical byte offset of addr through a cached entry for its page (check has() first). */
  phys(addr: number): number {
    const vpn = Math.floor(addr / PAGE_SIZE);
    return this.pfn[this.slot(vpn)] * PAGE_SIZE + (addr - vpn * PAGE_SIZE);
  }

  /** flush_tlb_page */
  flush_page(vpn: number): void {
    const i = this.slot(vpn);
    if (this.vpn[i] === vpn) this.vpn[i] = NaN;
    this.gen.n++;
  }

  /** flush_tlb_mm */
  flush_all(): void { this.vpn.fill(NaN); this.gen.n++; }
}
