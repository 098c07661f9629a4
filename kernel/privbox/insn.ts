/**
 * Privileged instructions as user-level code reaches them: privos programs are JavaScript, so
 * "executing `mov %rax, %cr0`" is calling these (libc exposes them as inline-assembly helpers,
 * libc/kerncall.ts). Like the hardware, they check the current privilege level: at CPL 3 they
 * raise #GP (the process gets SIGSEGV); at CPL 0 — kernel or box mode — they take effect. The SFI
 * pass guarantees box code contains none (tools/sfi: the artifact's "no privileged instructions").
 */
import { MODE_USER } from '../arch/cpu.ts';
import { TRAP_GP, do_trap } from '../arch/traps.ts';
import type { Task } from '../sched/task.ts';
import { C } from '../time/cost.ts';

/** CR0 bits (arch/x86/include/uapi/asm/processor-flags.h). */
export const X86_CR0_PE = 1, X86_CR0_WP = 1 << 16, X86_CR0_PG = 2 ** 31;

/** #GP at CPL 3: "general protection fault" and SIGSEGV (do_general_protection). */
function gp_fault(t: Task, what: string): never {
  return do_trap(t, TRAP_GP, `general protection fault (${what})`);
}

export function native_read_cr0(t: Task): number {
  const cpu = t.kernel.cpu;
  if (cpu.mode === MODE_USER) return gp_fault(t, 'mov %cr0');
  return X86_CR0_PE + X86_CR0_PG + (cpu.wp ? X86_CR0_WP : 0);
}

export function native_write_cr0(t: Task, v: number): void {
  const cpu = t.kernel.cpu;
  if (cpu.mode === MODE_USER) gp_fault(t, 'mov to %cr0');
  cpu.charge(C.cr0_write);
  cpu.set_wp(Math.floor(v / X86_CR0_WP) % 2 === 1);
}
