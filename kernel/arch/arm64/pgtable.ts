/**
 * arm64 stage-1 descriptor format, 4 KiB granule (Arm ARM D8.3; Linux
 * arch/arm64/include/asm/pgtable-hwdef.h): bits[1:0] = 0b11 for a table or page, AP[1] (bit 6)
 * grants EL0 access, AP[2] (bit 7) makes it read-only, AF bit 10, output address bits 47..12,
 * PXN bit 53 and UXN bit 54.
 */
import { type PteFormat, PERM_R, PERM_W, PERM_U, PERM_UX, PERM_KX, PERM_BOX } from '../../mm/pgtable.ts';

const VALID = 3, AP_EL0 = 1 << 6, AP_RO = 1 << 7, AF = 1 << 10;
const PXN_HI = 1 << 21, UXN_HI = 1 << 22;
/** Software bit 55 (reserved for software use): privos marks PrivBox text with it. */
const BOX_HI = 1 << 23;

export const arm64_pte: PteFormat = {
  encode_leaf(pfn, perm, out) {
    // PROT_NONE keeps the frame with the valid bits clear (Linux's PTE_PROT_NONE idea).
    let lo = (pfn & 0xfffff) * 4096 + (perm & PERM_R ? VALID : 0) + AF;
    if (!(perm & PERM_W)) lo += AP_RO;
    if (perm & PERM_U) lo += AP_EL0;
    out[0] = lo >>> 0;
    // Linux never maps user pages privileged-executable (PXN set on every user page).
    const uxn = !(perm & PERM_U) || !(perm & PERM_UX);
    const pxn = (perm & PERM_U) !== 0 || !(perm & PERM_KX);
    out[1] = ((pfn >>> 20) | (uxn ? UXN_HI : 0) | (pxn ? PXN_HI : 0) | (perm & PERM_BOX ? BOX_HI : 0)) >>> 0;
  },
  encode_table(pfn, out) {
    out[0] = ((pfn & 0xfffff) * 4096 + VALID) >>> 0;
    out[1] = pfn >>> 20;
  },
  present(lo) { return (lo & VALID) === VALID; },
  pfn(lo, hi) { return (lo >>> 12) + (hi & 0xfffff) * 0x100000; },
  decode_perm(lo, hi) {
    if ((lo & VALID) !== VALID) return 0;
    let p = PERM_R;
    if (!(lo & AP_RO)) p |= PERM_W;
    if (lo & AP_EL0) p |= PERM_U;
    if (!(hi & UXN_HI)) p |= PERM_UX;
    if (!(hi & PXN_HI)) p |= PERM_KX;
    if (hi & BOX_HI) p |= PERM_BOX;
    return p;
  },
};
