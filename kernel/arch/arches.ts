/** The two architecture descriptors. */
import type { Arch, ArchName } from './arch.ts';
import { ARCH_UAPI, SYSCALL_NAMES } from '../include/uapi/arch_uapi.ts';
import { x86_pte } from './x86/pgtable.ts';
import { arm64_pte } from './arm64/pgtable.ts';
import { ARM64_SIGFRAME, X86_64_SIGFRAME } from './sigframe_layout.ts';

export const x86_64: Arch = {
  name: 'x86_64', syscall_names: SYSCALL_NAMES.x86_64, sym_prefix: '__x64_sys_', uapi: ARCH_UAPI.x86_64, pte: x86_pte,
  clone_backwards: false, sigframe: X86_64_SIGFRAME, minsigstksz: 2048,
};

export const arm64: Arch = {
  name: 'arm64', syscall_names: SYSCALL_NAMES.arm64, sym_prefix: '__arm64_sys_', uapi: ARCH_UAPI.arm64, pte: arm64_pte,
  clone_backwards: true, sigframe: ARM64_SIGFRAME, minsigstksz: 5120,
};

export function arch_by_name(name: ArchName): Arch {
  return name === 'arm64' ? arm64 : x86_64;
}
