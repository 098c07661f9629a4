/**
 * A software TLB: direct-mapped, tagged by virtual page number. One per address space for
 * the user half, one shared for the kernel half (kernel mappings are global, like x86 PTE.G).
 * Entries are filled by the page walk in Cpu.translate and dropped by flush_tlb_*.
 */
export const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;

export class Tlb {
  readonly vpn = new Float64Array(TLB_SIZE).fill(NaN);
  readonly pfn = new Int32Array(TLB_SIZE);
  readonly perm = new Uint8Array(TLB_SIZE);

  /** Hashes the page number so that regions aligned to large boundaries do not collide. */
  slot(vpn: number): number { return (vpn ^ (vpn >> 8) ^ (vpn >> 16)) & TLB_MASK; }

  fill(vpn: number, pfn: number, perm: number): void {
    const i = this.slot(vpn);
    this.vpn[i] = vpn; this.pfn[i] = pfn; this.perm[i] = perm;
  }

  /** flush_tlb_page */
  flush_page(vpn: number): void {
    const i = this.slot(vpn);
    if (this.vpn[i] === vpn) this.vpn[i] = NaN;
  }

  /** flush_tlb_mm */
  flush_all(): void { this.vpn.fill(NaN); }
}
