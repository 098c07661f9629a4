/**
 * The emulated CPU: privilege level, the memory-protection switches (x86 SMAP/SMEP/CR0.WP,
 * arm64 PAN/PXN), page-table isolation, the current address space ("CR3"/"TTBR0"), the MMU
 * with its TLBs, and the cycle counter the cost model charges.
 */
import { PAGE_SIZE, type PhysMem } from '../mm/page_alloc.ts';
import { type PageTable, PERM_R, PERM_W, PERM_U, PERM_KX, PERM_UX, PERM_BOX, is_canonical } from '../mm/pgtable.ts';
import { Tlb } from '../mm/tlb.ts';
import type { Generation } from '../include/linux/generation.ts';
import { C, cost_table, COST_KEYS, CostPath, type CostProfile } from '../time/cost.ts';
import type { Arch } from './arch.ts';

export const MODE_USER = 0;   // CPL3 / EL0
export const MODE_KERNEL = 1; // CPL0 / EL1
export const MODE_BOX = 2;    // PrivBox: CPL0 running sandboxed box code ("semi-privileged")

export const ACC_R = 0, ACC_W = 1, ACC_X = 2;
/** 1/PAGE_SIZE: multiplying by a power of two is exact and cheaper than dividing. */
const INV_PAGE = 1 / 4096;

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
  readonly ktlb: Tlb;
  cycles = 0;
  readonly cost: Float64Array;
  /** Cycles charged per primitive one at a time (index: C.*); see `breakdown`. */
  private readonly bd = new Float64Array(COST_KEYS.length);
  private readonly paths: CostPath[] = [];
  // The fault the last failed translate() saw.
  fault_addr = 0;
  fault_acc = 0;
  fault_present = false;
  /**
   * The value the last get_user_u32/u64 (kernel/mm/uaccess.ts) read: the register
   * arch/x86/lib/getuser.S returns it in (%rdx; the error is the function's result), so that
   * get_user can answer 0/-EFAULT without allocating. Valid until the next get_user.
   */
  uval = 0;
  /**
   * need/forbid masks per (mode, uaccess, access), precomputed when a feature or CR0.WP
   * changes so that a mode switch is one index update: index (mode*2 + uaccess)*3 + acc.
   */
  private readonly need = new Int32Array(18);
  /** Word views of physical memory (little-endian hosts only, checked at boot). */
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;
  private readonly forbid = new Int32Array(18);
  private base = 0;
  /**
   * The kernel-half generation: bumped whenever a kernel-half translation, permission check or
   * exec check could answer differently — the permission rules change (CR0.WP, SMAP/SMEP/SPAP),
   * a kernel page-table leaf is written, the kernel TLB is filled or flushed — and when kernel
   * text comes or goes (Kallsyms shares it). The kernel page table's own counter, shared.
   */
  readonly kgen: Generation;

  constructor(readonly arch: Arch, readonly phys: PhysMem, readonly kpt: PageTable,
              readonly profile: CostProfile, readonly features: CpuFeatures) {
    this.kgen = kpt.gen;
    this.ktlb = new Tlb(this.kgen);
    this.cost = cost_table(profile);
    this.u32 = new Uint32Array(phys.mem.buffer);
    this.i32 = new Int32Array(phys.mem.buffer);
    if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('privos needs a little-endian host');
    this.recompute();
  }

  get pti(): boolean { return this.profile.pti; }

  /** Charges one primitive from the profile. */
  charge(key: number): void {
    const c = this.cost[key];
    this.cycles += c;
    this.bd[key] += c;
  }

  /** Charges n units of one primitive (bytes copied, user ops). */
  charge_n(key: number, n: number): void {
    const c = this.cost[key] * n;
    this.cycles += c;
    this.bd[key] += c;
  }

  /** A path of primitives charged together (its total is summed from the profile once). */
  make_path(keys: readonly number[]): CostPath {
    const p = new CostPath(keys, keys.reduce((s, k) => s + this.cost[k], 0));
    this.paths.push(p);
    return p;
  }

  charge_path(p: CostPath): void {
    this.cycles += p.total;
    p.count++;
  }

  /** Cycles charged per primitive so far (index: C.*), paths folded in. A fresh array. */
  get breakdown(): Float64Array {
    const b = Float64Array.from(this.bd);
    for (const p of this.paths) for (const k of p.keys) b[k] += this.cost[k] * p.count;
    return b;
  }

  set_mode(mode: number): void {
    this.mode = mode;
    this.base = (mode * 2 + (this.uaccess ? 1 : 0)) * 3;
  }

  set_uaccess(on: boolean): void {
    this.uaccess = on;
    this.base = (this.mode * 2 + (on ? 1 : 0)) * 3;
  }

  set_wp(on: boolean): void { this.wp = on; this.recompute(); }

  set_features(f: Partial<CpuFeatures>): void {
    Object.assign(this.features, f);
    this.recompute();
  }

  private recompute(): void {
    this.kgen.n++;
    const { smap, spap } = this.features;
    for (let mode = 0; mode < 3; mode++) {
      for (let ua = 0; ua < 2; ua++) {
        const b = (mode * 2 + ua) * 3;
        if (mode === MODE_USER) {
          this.need[b + ACC_R] = PERM_R | PERM_U; this.need[b + ACC_W] = PERM_R | PERM_W | PERM_U;
          this.forbid[b + ACC_R] = this.forbid[b + ACC_W] = 0;
        } else if (mode === MODE_BOX) {
          // The artifact runs boxes with SMAP off: user pages are the box's own data.
          // Box code runs at CPL 0, so CR0.WP governs its writes to read-only pages as the kernel's.
          const u = spap ? PERM_U : 0;
          this.need[b + ACC_R] = PERM_R | u; this.need[b + ACC_W] = (this.wp ? PERM_R | PERM_W : PERM_R) | u;
          this.forbid[b + ACC_R] = this.forbid[b + ACC_W] = 0;
        } else {
          this.need[b + ACC_R] = PERM_R;
          this.need[b + ACC_W] = this.wp ? PERM_R | PERM_W : PERM_R;
          this.forbid[b + ACC_R] = this.forbid[b + ACC_W] = smap && !ua ? PERM_U : 0;
        }
      }
    }
  }

  /** May an instruction fetch from a page with these permission bits happen in this mode? */
  private may_exec(perm: number): boolean {
    if (!(perm & PERM_R)) return false;
    if (this.mode === MODE_USER) return (perm & (PERM_U | PERM_UX)) === (PERM_U | PERM_UX);
    if (this.mode === MODE_BOX) {
      if (perm & PERM_U) return (perm & PERM_BOX) !== 0;
      // Under SPAP only kernel pages marked PERM_BOX (the PrivBox gate's page) stay callable.
      return (perm & PERM_KX) !== 0 && (!this.features.spap || (perm & PERM_BOX) !== 0);
    }
    if (perm & PERM_U) return !this.features.smep && (perm & PERM_KX) !== 0;
    return (perm & PERM_KX) !== 0;
  }

  /** Permission bits of the page holding addr (walking on a TLB miss); 0 if unmapped. */
  page_perm(addr: number): number {
    const vpn = Math.floor(addr * INV_PAGE);
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
    const vpn = Math.floor(addr * INV_PAGE);
    const tlb = addr < 0 ? this.ktlb : this.mm?.tlb;
    if (tlb) {
      const i = tlb.slot(vpn);
      let perm = 0;
      if (tlb.vpn[i] === vpn) perm = tlb.perm[i];
      else perm = this.page_perm(addr);
      const need = this.need[this.base + acc];
      if ((perm & need) === need && (perm & this.forbid[this.base + acc]) === 0) {
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
    return this.i32[(p >> 2) + 1] * 0x100000000 + this.u32[p >> 2];
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
