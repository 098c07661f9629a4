/**
 * el0_svc (arch/arm64/kernel/entry.S, entry-common.c, syscall.c): the `svc #0` round trip. The
 * round trip is arch-neutral (syscall_from_user); arm64's part is what it charges. With KPTI
 * the trampoline's TTBR switch is charged both ways.
 */
import { syscall_from_user } from '../../syscalls/entry.ts';
import { C } from '../../time/cost.ts';

/** What el0_svc charges on the way in and out, in order (entry.S, entry-common.c). */
export function arm64_entry_keys(pti: boolean): { enter: number[]; exit: number[] } {
  const kpti = pti ? [C.cr3_write] : [];
  return {
    // exception entry to EL1, tramp_map_kernel, kernel_entry 0, Spectre-BHB/SSBD work
    enter: [C.syscall_insn, ...kpti, C.entry_regs, C.spectre_entry],
    // kernel_exit 0, tramp_unmap_kernel, eret
    exit: [C.exit_regs, ...kpti, C.sysret_insn],
  };
}

export const el0_svc = syscall_from_user;
