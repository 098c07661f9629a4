/**
 * The support matrix (as gVisor's `runsc syscalls`): every number of an architecture's table,
 * its name, and whether privos implements it fully, partially (with a note) or not (ENOSYS).
 */
import type { Arch } from '../arch/arch.ts';
import type { SyscallDef } from './syscall_def.ts';

export interface MatrixRow { nr: number; name: string; support: 'full' | 'partial' | 'ENOSYS'; note: string }

export function support_matrix(arch: Arch, defs: readonly SyscallDef[]): MatrixRow[] {
  const by_name = new Map(defs.map((d) => [d.name, d]));
  const rows: MatrixRow[] = [];
  arch.syscall_names.forEach((name, nr) => {
    if (!name) return;
    const d = by_name.get(name);
    rows.push({ nr, name, support: d ? d.support ?? 'full' : 'ENOSYS', note: d?.note ?? (d ? '' : 'not implemented') });
  });
  return rows;
}

export function format_matrix(arch: Arch, rows: MatrixRow[]): string {
  const n = { full: 0, partial: 0, ENOSYS: 0 };
  for (const r of rows) n[r.support]++;
  const lines = rows.map((r) => `${String(r.nr).padStart(4)}  ${r.name.padEnd(24)} ${r.support.padEnd(8)} ${r.note}`);
  return [`privos syscall support matrix — ${arch.name}: ${rows.length} syscalls, ${n.full} full, ${n.partial} partial, ${n.ENOSYS} ENOSYS`,
    `${'NR'.padStart(4)}  ${'NAME'.padEnd(24)} ${'SUPPORT'.padEnd(8)} NOTE`, ...lines].join('\n') + '\n';
}
