/**
 * PC (of a block, or of a comparison site) → source position through the kcov build's table (what addr2line does with
 * vmlinux's DWARF line table), and the parsing of PCs as users write them.
 */
import type { KcovTable } from './build.ts';

/** A source position of a block. */
export interface SrcPos { file: string; line: number; col: number }

/** The block at pc, or null when pc is no block's PC (outside the table or between blocks). */
export function kcov_symbolize(table: KcovTable, pc: number): SrcPos | null {
  const cmp = pc - table.base >= table.cmp_offset;
  const i = (pc - table.base - (cmp ? table.cmp_offset : 0)) / table.step, b = cmp ? table.cmps : table.blocks;
  if (i >>> 0 !== i || i * 3 >= b.length) return null;
  return { file: table.files[b[i * 3]], line: b[i * 3 + 1], col: b[i * 3 + 2] };
}

/**
 * A PC as written on a command line (0xffffffff90001234, or decimal) or read from a buffer
 * word (a bigint): privos's sign-extended number. NaN for anything else.
 */
export function parse_pc(s: string | bigint): number {
  let v: bigint;
  try { v = typeof s === 'bigint' ? s : BigInt(s.trim()); } catch { return NaN; }
  return Number(BigInt.asIntN(64, v));
}

/** The PC as addr2line prints addresses: 0x and 16 hex digits. */
export function format_pc(pc: number): string {
  return '0x' + BigInt.asUintN(64, BigInt(pc)).toString(16).padStart(16, '0');
}
