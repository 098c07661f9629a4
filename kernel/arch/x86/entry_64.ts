/**
 * entry_SYSCALL_64 (arch/x86/entry/entry_64.S): the user → kernel → user round trip of the
 * `syscall` instruction, charging each hardware and mitigation step from the cost profile.
 */
import { MODE_KERNEL, MODE_USER } from '../cpu.ts';
import type { SysRet } from '../../fs/fs_types.ts';
import { account, switch_to } from '../../sched/core.ts';
import { TaskExit } from '../../sched/exit.ts';
import type { Task } from '../../sched/task.ts';
import { do_syscall, syscall_exit_work } from '../../syscalls/entry.ts';
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

export function entry_SYSCALL_64(t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet {
  const k = t.kernel, cpu = k.cpu;
  if (!t.alive) throw new TaskExit(t.pid);
  if (k.current !== t) switch_to(t, MODE_USER);
  account(t, true);
  cpu.charge_path(k.entry_paths.enter);
  cpu.set_mode(MODE_KERNEL);
  const r = do_syscall(t, nr, a0, a1, a2, a3, a4, a5);
  if (typeof r === 'number') return exit_to_user(t, r);
  return r.then((v) => exit_to_user(t, v));
}

function exit_to_user(t: Task, ret: number): SysRet {
  const r = syscall_exit_work(t, ret, () => entry_SYSCALL_64(t, t.regs.nr, t.regs.a0, t.regs.a1, t.regs.a2, t.regs.a3, t.regs.a4, t.regs.a5));
  if (typeof r !== 'number') return r.then((v) => sysret(t, v));
  return sysret(t, r);
}

function sysret(t: Task, ret: number): number {
  const k = t.kernel, cpu = k.cpu;
  if (k.current !== t) switch_to(t, MODE_KERNEL);
  cpu.charge_path(k.entry_paths.exit);
  account(t, false);
  cpu.set_mode(MODE_USER);
  return ret;
}
