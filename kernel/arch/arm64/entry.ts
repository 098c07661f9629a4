/**
 * el0_svc (arch/arm64/kernel/entry.S, entry-common.c, syscall.c): the `svc #0` round trip,
 * charging each step from the cost profile. With KPTI the TTBR switch is charged both ways.
 */
import { MODE_KERNEL, MODE_USER } from '../cpu.ts';
import type { SysRet } from '../../fs/fs_types.ts';
import { account, switch_to } from '../../sched/core.ts';
import { TaskExit } from '../../sched/exit.ts';
import type { Task } from '../../sched/task.ts';
import { do_syscall, syscall_exit_work } from '../../syscalls/entry.ts';
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

export function el0_svc(t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet {
  const k = t.kernel, cpu = k.cpu;
  if (!t.alive) throw new TaskExit(t.pid);
  if (k.current !== t) switch_to(t, MODE_USER);
  account(t, true);
  cpu.charge_path(k.entry_paths.enter);
  cpu.set_mode(MODE_KERNEL);
  const r = do_syscall(t, nr, a0, a1, a2, a3, a4, a5);
  if (typeof r === 'number') return ret_to_user(t, r);
  return r.then((v) => ret_to_user(t, v));
}

function ret_to_user(t: Task, ret: number): SysRet {
  const r = syscall_exit_work(t, ret, () => el0_svc(t, t.regs.nr, t.regs.a0, t.regs.a1, t.regs.a2, t.regs.a3, t.regs.a4, t.regs.a5));
  if (typeof r !== 'number') return r.then((v) => eret(t, v));
  return eret(t, r);
}

function eret(t: Task, ret: number): number {
  const k = t.kernel, cpu = k.cpu;
  if (k.current !== t) switch_to(t, MODE_KERNEL);
  cpu.charge_path(k.entry_paths.exit);
  account(t, false);
  cpu.set_mode(MODE_USER);
  return ret;
}
