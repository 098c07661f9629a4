/**
 * entry_SYSCALL_64 (arch/x86/entry/entry_64.S): the `syscall` instruction's round trip. The
 * round trip itself is arch-neutral (syscall_from_user); what is x86's is the sequence of
 * hardware and mitigation steps it charges on the way in and out, listed here.
 */
import { syscall_from_user } from '../../syscalls/entry.ts';
import { C } from '../../time/cost.ts';

/** What entry_SYSCALL_64 charges on the way in and out, in order (entry_64.S). */
export function x86_entry_keys(pti: boolean): { enter: number[]; exit: number[] } {
  const cr3 = pti ? [C.cr3_write] : [];
  return {
    // SYSCALL, SWAPGS, SWITCH_TO_KERNEL_CR3, PUSH_AND_CLEAR_REGS, IBRS_ENTER / UNTRAIN_RET
    enter: [C.syscall_insn, C.swapgs, ...cr3, C.entry_regs, C.spectre_entry],
    // CLEAR_CPU_BUFFERS (VERW), POP_REGS, SWITCH_TO_USER_CR3, SWAPGS, SYSRET
    exit: [C.mds_clear, C.exit_regs, ...cr3, C.swapgs, C.sysret_insn],
  };
}

export const entry_SYSCALL_64 = syscall_from_user;
