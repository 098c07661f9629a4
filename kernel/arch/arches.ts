/** The two architecture descriptors. */
import type { Arch, ArchName } from './arch.ts';
import { SYSCALL_NAMES as X86_NAMES } from './x86/syscall_table.ts';
import { SYSCALL_NAMES as ARM64_NAMES } from './arm64/syscall_table.ts';
import { x86_pte } from './x86/pgtable.ts';
import { arm64_pte } from './arm64/pgtable.ts';
import { x86_uapi } from './x86/uapi.ts';
import { arm64_uapi } from './arm64/uapi.ts';

export const x86_64: Arch = {
  name: 'x86_64', syscall_names: X86_NAMES, sym_prefix: '__x64_sys_', uapi: x86_uapi, pte: x86_pte,
  clone_backwards: false,
};

export const arm64: Arch = {
  name: 'arm64', syscall_names: ARM64_NAMES, sym_prefix: '__arm64_sys_', uapi: arm64_uapi, pte: arm64_pte,
  clone_backwards: true,
};

export function arch_by_name(name: ArchName): Arch {
  return name === 'arm64' ? arm64 : x86_64;
}
