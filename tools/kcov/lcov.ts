/**
 * Block hit counts → an lcov tracefile (geninfo(1)'s format: SF, DA, LF, LH per source file),
 * the form genhtml, c8's reporters and the coverage services read.
 */
import { join } from 'node:path';
import type { KcovTable } from './build.ts';

/** Totals over the whole kernel. */
export interface CoverSummary { blocks: number; blocks_hit: number; lines: number; lines_hit: number; files: number; files_hit: number }

/** Per file, per line: the most hits of any block starting on the line. */
function line_hits(table: KcovTable, counts: Uint32Array): Map<number, Map<number, number>> {
  const per_file = new Map<number, Map<number, number>>();
  const b = table.blocks;
  for (let i = 0; i * 3 < b.length; i++) {
    const f = b[i * 3], line = b[i * 3 + 1];
    let lines = per_file.get(f);
    if (!lines) per_file.set(f, lines = new Map());
    lines.set(line, Math.max(lines.get(line) ?? 0, counts[i] ?? 0));
  }
  return per_file;
}

/** The tracefile (source paths made absolute under root) and the totals. */
export function kcov_lcov(table: KcovTable, counts: Uint32Array, root: string): { text: string; summary: CoverSummary } {
  const s: CoverSummary = { blocks: table.blocks.length / 3, blocks_hit: 0, lines: 0, lines_hit: 0, files: 0, files_hit: 0 };
  for (let i = 0; i < s.blocks; i++) if (counts[i]) s.blocks_hit++;
  const out: string[] = ['TN:kcov'];
  for (const [f, lines] of line_hits(table, counts)) {
    let hit = 0;
    out.push(`SF:${join(root, table.files[f])}`);
    for (const [line, n] of [...lines].sort((a, b) => a[0] - b[0])) { out.push(`DA:${line},${n}`); if (n) hit++; }
    out.push(`LF:${lines.size}`, `LH:${hit}`, 'end_of_record');
    s.files++; s.lines += lines.size; s.lines_hit += hit;
    if (hit) s.files_hit++;
  }
  return { text: out.join('\n') + '\n', summary: s };
}

const pct = (a: number, b: number): string => (b ? (100 * a / b).toFixed(1) : '0.0') + '%';

/** The one-line summary `privos cover` prints. */
export function format_summary(s: CoverSummary, out: string): string {
  return `kcov: ${s.blocks_hit}/${s.blocks} basic blocks hit (${pct(s.blocks_hit, s.blocks)}), ` +
    `${s.lines_hit}/${s.lines} lines in ${s.files_hit}/${s.files} files; lcov written to ${out}`;
}
