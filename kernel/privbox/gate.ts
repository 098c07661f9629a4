/**
 * kern_piot_gate (the artifact's arch/x86/kernel/piot_gate.S + do_kerncall_64): a box's
 * syscall. libc's stub, seeing CPL 0, does `call *kerncall_gate` instead of `syscall`. The gate
 * switches to the kernel stack, builds pt_regs, dispatches through sys_call_table in kernel
 * memory (so module hooks apply), runs the reduced exit work (signals stay deferred while boxed;
 * it may schedule), clears the MDS buffers (VERW) and returns with `ret`: no SWAPGS, no CR3
 * write, no SYSRET — the CPU stays in box mode. See docs/cost-model.md for each charge.
 */
import { MODE_BOX, MODE_KERNEL, MODE_USER } from '../arch/cpu.ts';
import { EFAULT } from '../include/uapi/errno.ts';
import type { SysRet } from '../fs/fs_types.ts';
import type { Kernel } from '../kernel.ts';
import { user_fault } from '../mm/usermem.ts';
import { KERN_WARNING } from '../printk.ts';
import { switch_to } from '../sched/core.ts';
import type { Task } from '../sched/task.ts';
import { do_syscall, syscall_exit_work } from '../syscalls/entry.ts';
import { C } from '../time/cost.ts';
import { type BoxTask, box_task } from './privbox.ts';

/** Lowest value a syscall may return that is not a kernel-half address: -MAX_ERRNO. */
const MAX_ERRNO = 4095;
/** sizeof(struct pt_regs) on x86-64: 21 words. */
export const PT_REGS_SIZE = 21 * 8;

export function kern_piot_gate(t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet {
  const k = t.kernel, cpu = k.cpu;
  if (k.current !== t) switch_to(t, MODE_BOX);
  cpu.charge(C.gate_call);                    // call *kerncall_gate (… and the final retq)
  // The fetch of the gate's first instruction, at box privilege (SPAP: only the gate page).
  const gate = box_task(t).pb.gate_addr;
  if (!cpu.check_exec(gate)) return user_fault(t, gate, false);
  cpu.set_mode(MODE_KERNEL);
  cpu.charge(C.gate_stack_switch);            // mov %rsp,%rcx; mov PER_CPU(cpu_current_top_of_stack),%rsp
  cpu.charge(C.entry_regs);                   // push ss/sp/flags/cs/ip/orig_ax + PUSH_NO_CLEAR_REGS
  const r = do_syscall(t, nr, a0, a1, a2, a3, a4, a5);
  if (typeof r === 'number') return gate_exit(t, r);
  return r.then((v) => gate_exit(t, v));
}

function gate_exit(t: Task, ret: number): SysRet {
  const r = syscall_exit_work(t, ret, kern_piot_gate);
  if (typeof r !== 'number') return r.then((v) => gate_ret(t, v));
  return gate_ret(t, r);
}

/** The tail: VERW, POP_REGS, restore %rsp, retq — plus privos's scrub. */
function gate_ret(t: Task, ret: number): number {
  const k = t.kernel, cpu = k.cpu;
  if (k.current !== t) switch_to(t, MODE_KERNEL);
  cpu.charge(C.mds_clear);   // mds_user_clear_cpu_buffers()
  cpu.charge(C.exit_regs);   // POP_REGS
  ret = gate_scrub(t, box_task(t), ret);
  // PIOT_IOCRET (served by this very call) ends the box: back to the saved user context.
  cpu.set_mode(t.in_box ? MODE_BOX : MODE_USER);
  return ret;
}

/**
 * What the box sees in its caller-saved registers and in %rax after the gate. The artifact's
 * gate clears nothing: the C dispatcher leaves kernel values in them — here, the address of
 * pt_regs on the kernel stack in %r11 and the stack top in %rcx, as POP_REGS leaves the scratch
 * registers it used (the review's criticism 5). With scrub on, privos zeroes them and refuses
 * to hand a kernel-half value back as a return value.
 */
export function gate_scrub(t: Task, b: BoxTask, ret: number): number {
  const c = b.clobber;
  if (!b.pb.config.scrub) {
    c[0] = b.kstack_top; c[7] = b.kstack_top - PT_REGS_SIZE;
    return ret;
  }
  // The eight XORs (CLOBBER_NAMES), as stores: fill() would be a builtin call per syscall.
  c[0] = 0; c[1] = 0; c[2] = 0; c[3] = 0; c[4] = 0; c[5] = 0; c[6] = 0; c[7] = 0;
  t.kernel.cpu.charge(C.gate_scrub);
  return ret < -MAX_ERRNO ? scrub_kernel_ret(t) : ret;
}

/** A kernel-half return value: the box gets -EFAULT instead (kept out of the hot path). */
function scrub_kernel_ret(t: Task): number {
  t.kernel.printk(KERN_WARNING, `privbox: ${t.comm}[${t.pid}]: syscall ${t.regs.nr} returned a kernel address; scrubbed`);
  return -EFAULT;
}

/** Registers the gate in its own kernel text page, which alone is box-callable (PERM_BOX). */
export function gate_init(k: Kernel, region: import('../mm/text.ts').TextRegion): number {
  return k.kallsyms.register(region, 'kern_piot_gate', kern_piot_gate);
}
