/**
 * The emulated CPU: privilege level, the memory-protection switches (x86 SMAP/SMEP/CR0.WP,
 * arm64 PAN/PXN), page-table isolation, the current address space ("CR3"/"TTBR0"), the MMU
 * with its TLBs, and the cycle counter the cost model charges.
 */
import { PAGE_SIZE, type PhysMem } from '../mm/page_alloc.ts';
import { type PageTable, PERM_R, PERM_W, PERM_U, PERM_KX, PERM_UX, PERM_BOX, is_canonical } from '../mm/pgtable.ts';
import { Tlb } from '../mm/tlb.ts';
import { C, cost_table, COST_KEYS, type CostProfile } from '../time/cost.ts';
import type { Arch } from './arch.ts';

export const MODE_USER = 0;   // CPL3 / EL0
export const MODE_KERNEL = 1; // CPL0 / EL1
export const MODE_BOX = 2;    // PrivBox: CPL0 running sandboxed box code ("semi-privileged")

export const ACC_R = 0, ACC_W = 1, ACC_X = 2;

/** What the MMU needs of an address space: its tables and its TLB. */
export interface AddressSpace { readonly pt: PageTable; readonly tlb: Tlb }

export interface CpuFeatures {
  /** x86 SMAP / arm64 PAN: the kernel may not touch user pages outside uaccess windows. */
  smap: boolean;
  /** x86 SMEP / arm64 PXN on user pages: the kernel may not execute user pages. */
  smep: boolean;
  /** PrivBox's proposed SPAP: box code may not touch or execute kernel pages. */
  spap: boolean;
}

export class Cpu {
  mode = MODE_KERNEL;
  /** CR0.WP (x86) — kernel writes honour read-only pages while set. */
  wp = true;
  /** EFLAGS.AC set by STAC / PSTATE.PAN cleared: inside copy_{from,to}_user. */
  uaccess = false;
  /** Current address space (user half). */
  mm: AddressSpace | null = null;
  readonly ktlb = new Tlb();
  cycles = 0;
  readonly cost: Float64Array;
  /** Cycles charged per primitive (index: C.*), for the benchmarks' breakdowns. */
  readonly breakdown = new Float64Array(COST_KEYS.length);
  // The fault the last failed translate() saw.
  fault_addr = 0;
  fault_acc = 0;
  fault_present = false;
  private readonly need = new Int32Array(3);
  private readonly forbid = new Int32Array(3);

  constructor(readonly arch: Arch, readonly phys: PhysMem, readonly kpt: PageTable,
              readonly profile: CostProfile, readonly features: CpuFeatures) {
    this.cost = cost_table(profile);
    this.recompute();
  }

  get pti(): boolean { return this.profile.pti; }

  /** Charges one primitive from the profile. */
  charge(key: number): void {
    const c = this.cost[key];
    this.cycles += c;
    this.breakdown[key] += c;
  }

  /** Charges n units of one primitive (bytes copied, user ops). */
  charge_n(key: number, n: number): void {
    const c = this.cost[key] * n;
    this.cycles += c;
    this.breakdown[key] += c;
  }

  set_mode(mode: number): void {
    if (this.mode !== mode) { this.mode = mode; this.recompute(); }
  }

  set_uaccess(on: boolean): void {
    if (this.uaccess !== on) { this.uaccess = on; this.recompute(); }
  }

  set_wp(on: boolean): void {
    if (this.wp !== on) { this.wp = on; this.recompute(); }
  }

  set_features(f: Partial<CpuFeatures>): void {
    Object.assign(this.features, f);
    this.recompute();
  }

  /** Precomputes, for the current mode, which permission bits each access needs / forbids. */
  private recompute(): void {
    const { smap, spap } = this.features;
    if (this.mode === MODE_USER) {
      this.need[ACC_R] = PERM_R | PERM_U; this.need[ACC_W] = PERM_R | PERM_W | PERM_U;
      this.forbid[ACC_R] = this.forbid[ACC_W] = 0;
    } else if (this.mode === MODE_BOX) {
      // The artifact runs boxes with SMAP off: user pages are the box's own data.
      const u = spap ? PERM_U : 0;
      this.need[ACC_R] = PERM_R | u; this.need[ACC_W] = PERM_R | PERM_W | u;
      this.forbid[ACC_R] = this.forbid[ACC_W] = 0;
    } else {
      this.need[ACC_R] = PERM_R;
      this.need[ACC_W] = this.wp ? PERM_R | PERM_W : PERM_R;
      this.forbid[ACC_R] = this.forbid[ACC_W] = smap && !this.uaccess ? PERM_U : 0;
    }
  }

  /** May an instruction fetch from a page with these permission bits happen in this mode? */
  private may_exec(perm: number): boolean {
    if (!(perm & PERM_R)) return false;
    if (this.mode === MODE_USER) return (perm & (PERM_U | PERM_UX)) === (PERM_U | PERM_UX);
    if (this.mode === MODE_BOX) {
      if (perm & PERM_U) return (perm & PERM_BOX) !== 0;
      return !this.features.spap && (perm & PERM_KX) !== 0;
    }
    if (perm & PERM_U) return !this.features.smep && (perm & PERM_KX) !== 0;
    return (perm & PERM_KX) !== 0;
  }

  /** Permission bits of the page holding addr (walking on a TLB miss); 0 if unmapped. */
  page_perm(addr: number): number {
    const vpn = Math.floor(addr / PAGE_SIZE);
    const tlb = addr < 0 ? this.ktlb : this.mm?.tlb;
    if (!tlb) return 0;
    const i = tlb.slot(vpn);
    if (tlb.vpn[i] === vpn) return tlb.perm[i];
    if (!is_canonical(addr)) return 0;
    const pt = addr < 0 ? this.kpt : this.mm!.pt;
    const off = pt.lookup(addr);
    this.charge(C.tlb_miss);
    if (off < 0) return 0;
    const lo = this.phys.dv.getUint32(off, true), hi = this.phys.dv.getUint32(off + 4, true);
    const perm = pt.fmt.decode_perm(lo, hi);
    if (perm) tlb.fill(vpn, pt.fmt.pfn(lo, hi), perm);
    return perm;
  }

  /**
   * Translates a data access (ACC_R / ACC_W) to a byte offset in physical memory, or returns -1
   * and records the fault. The hot path is one TLB probe and two mask tests.
   */
  translate(addr: number, acc: number): number {
    const vpn = Math.floor(addr / PAGE_SIZE);
    const tlb = addr < 0 ? this.ktlb : this.mm?.tlb;
    if (tlb) {
      const i = tlb.slot(vpn);
      let perm = 0;
      if (tlb.vpn[i] === vpn) perm = tlb.perm[i];
      else perm = this.page_perm(addr);
      const need = this.need[acc];
      if ((perm & need) === need && (perm & this.forbid[acc]) === 0) {
        return tlb.pfn[i] * PAGE_SIZE + (addr - vpn * PAGE_SIZE);
      }
      this.fault_present = perm !== 0;
    } else {
      this.fault_present = false;
    }
    this.fault_addr = addr;
    this.fault_acc = acc;
    return -1;
  }

  /** Instruction fetch check for a call through a pointer. */
  check_exec(addr: number): boolean {
    const ok = this.may_exec(this.page_perm(addr));
    if (!ok) { this.fault_addr = addr; this.fault_acc = ACC_X; this.fault_present = this.page_perm(addr) !== 0; }
    return ok;
  }

  /** Loads an 8-byte value holding a canonical address; NaN on fault. */
  read_addr(addr: number): number {
    const p = this.translate(addr, ACC_R);
    if (p < 0 || (addr & 7) !== 0) return NaN;
    return this.phys.dv.getInt32(p + 4, true) * 0x100000000 + this.phys.dv.getUint32(p, true);
  }

  /** Stores an 8-byte canonical address; false on fault. */
  write_addr(addr: number, value: number): boolean {
    const p = this.translate(addr, ACC_W);
    if (p < 0 || (addr & 7) !== 0) return false;
    const hi = Math.floor(value / 0x100000000);
    this.phys.dv.setUint32(p, value - hi * 0x100000000, true);
    this.phys.dv.setInt32(p + 4, hi, true);
    return true;
  }
}

/** Formats a canonical address as the 64-bit hex a real kernel prints. */
export function addr_hex(addr: number): string {
  const v = addr < 0 ? (1n << 64n) + BigInt(addr) : BigInt(addr);
  return v.toString(16).padStart(16, '0');
}
