/**
 * x86-64 page-table entry format (Intel SDM vol. 3A §4.5, Linux arch/x86/include/asm/pgtable_types.h):
 * bit 0 P, bit 1 RW, bit 2 US, bit 5 A, bit 6 D, bits 12..51 the frame, bit 63 NX.
 * An entry is kept as two little-endian 32-bit words.
 */
import { type PteFormat, PERM_R, PERM_W, PERM_U, PERM_UX, PERM_KX, PERM_BOX } from '../../mm/pgtable.ts';

const P = 1, RW = 2, US = 4, A = 0x20, D = 0x40;
/** AVL bit 9 (ignored by hardware, free for software): privos marks PrivBox text with it. */
const BOX = 0x200;
const NX_HI = 0x80000000;

export const x86_pte: PteFormat = {
  encode_leaf(pfn, perm, out) {
    // PROT_NONE keeps the frame with P clear (Linux's _PAGE_PROTNONE idea).
    out[0] = ((pfn & 0xfffff) * 4096 + (perm & PERM_R ? P : 0) + A + D + (perm & PERM_W ? RW : 0) + (perm & PERM_U ? US : 0) + (perm & PERM_BOX ? BOX : 0)) >>> 0;
    const exec = perm & PERM_U ? perm & PERM_UX : perm & PERM_KX;
    out[1] = ((pfn >>> 20) | (exec ? 0 : NX_HI)) >>> 0;
  },
  encode_table(pfn, out) {
    // Intermediate levels are permissive; the leaf decides (Linux's _PAGE_TABLE).
    out[0] = ((pfn & 0xfffff) * 4096 + P + RW + US + A) >>> 0;
    out[1] = pfn >>> 20;
  },
  present(lo) { return (lo & P) !== 0; },
  pfn(lo, hi) { return (lo >>> 12) + (hi & 0x7ffff) * 0x100000; },
  decode_perm(lo, hi) {
    if (!(lo & P)) return 0;
    let p = PERM_R;
    if (lo & RW) p |= PERM_W;
    if (lo & BOX) p |= PERM_BOX;
    const nx = (hi & NX_HI) !== 0;
    if (lo & US) { p |= PERM_U; if (!nx) p |= PERM_UX | PERM_KX; }
    else if (!nx) p |= PERM_KX;
    return p;
  },
};
