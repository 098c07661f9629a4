/**
 * Signal frames in user memory (arch/x86/kernel/signal.c get_sigframe / setup_rt_frame /
 * rt_sigreturn, arch/arm64/kernel/signal.c): before a handler runs, the kernel writes its
 * siginfo and ucontext (the mask to restore, the alternate stack) below the interrupted stack
 * pointer, or at the top of the alternate stack for an SA_ONSTACK handler; the handler gets
 * their addresses and reads them with loads. rt_sigreturn reads the mask and stack_t back.
 */
import { SA_ONSTACK, SS_AUTODISARM } from '../include/uapi/signal.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import { put_siginfo, type SigInfo } from './siginfo.ts';
import { current_user_stack_pointer, do_sigaltstack, fill_stack_t, sas_ss_flags, sas_ss_reset, STACK_T_SIZE } from './sigaltstack.ts';
import type { SigAction, Task } from './task.ts';
import { as_user_ptr, USER_NULL, user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

/** The largest frame of the two architectures (arm64's, with sigcontext's 4 KiB __reserved). */
const FRAME_MAX = 8192;
const frame = new Uint8Array(FRAME_MAX);
const fdv = new DataView(frame.buffer);

function put_u64(off: number, v: number): void {
  fdv.setUint32(off, v % 2 ** 32, true); fdv.setUint32(off + 4, Math.floor(v / 2 ** 32), true);
}

/**
 * get_sigframe(): below the red zone of the interrupted stack, or at the top of the alternate
 * stack when the handler asks for it (SA_ONSTACK) and the task is not already on it.
 */
function get_sigframe(t: Task, a: SigAction, sp: number): number {
  const l = t.kernel.arch.sigframe;
  sp -= l.redzone;
  if (a.flags & SA_ONSTACK && sas_ss_flags(t, sp) === 0) sp = t.sas_ss_sp + t.sas_ss_size;
  return Math.floor((sp - l.size) / 16) * 16 - l.align_bias;
}

/**
 * setup_rt_frame(): writes the frame (siginfo, ucontext with the mask old_lo/old_hi to restore
 * and the alternate stack as it was) and returns its address, or 0 if it cannot be written
 * (the caller forces SIGSEGV, as force_sigsegv does).
 */
export function setup_rt_frame(t: Task, info: SigInfo, a: SigAction, old_lo: number, old_hi: number): UserPtr {
  const l = t.kernel.arch.sigframe;
  const sp = current_user_stack_pointer(t);
  const addr = as_user_ptr(get_sigframe(t, a, sp)); // the frame goes on the user stack
  frame.fill(0, 0, l.size);
  if (l.pretcode >= 0) put_u64(l.pretcode, a.restorer);
  put_siginfo(frame, fdv, l.info, info);
  put_u64(l.uc, l.uc_flags_value);
  // __save_altstack(): the task's stack_t, then SS_AUTODISARM disarms it for the handler.
  fill_stack_t(t, fdv, l.uc + l.uc_stack, t.sas_ss_flags);
  if (t.sas_ss_flags & SS_AUTODISARM) sas_ss_reset(t);
  fdv.setUint32(l.uc + l.uc_sigmask, old_lo >>> 0, true); fdv.setUint32(l.uc + l.uc_sigmask + 4, old_hi >>> 0, true);
  put_u64(l.uc + l.mc_sp, sp);
  if (addr <= 0 || copy_to_user(t, addr, frame, 0, l.size)) return USER_NULL;
  return addr;
}

const rs = new Uint8Array(8 + STACK_T_SIZE);
const rdv = new DataView(rs.buffer);

/**
 * rt_sigreturn(): the mask from the frame's uc_sigmask, and the alternate stack from uc_stack
 * (restore_altstack: errors other than EFAULT ignored, so a handler on the alternate stack
 * cannot change it). Returns [lo, hi], or null when the frame cannot be read (SIGSEGV).
 */
export function restore_sigframe(t: Task, addr: UserPtr): [number, number] | null {
  const l = t.kernel.arch.sigframe;
  if (copy_from_user(t, rs, 0, user_ptr_add(addr, l.uc + l.uc_sigmask), 8)) return null;
  if (copy_from_user(t, rs, 8, user_ptr_add(addr, l.uc + l.uc_stack), STACK_T_SIZE)) return null;
  do_sigaltstack(t, rdv, 8, addr);
  return [rdv.getUint32(0, true), rdv.getUint32(4, true)];
}

/** Where a handler finds its siginfo and ucontext in the frame at addr. */
export function frame_info(t: Task, addr: number): number { return addr + t.kernel.arch.sigframe.info; }
export function frame_uc(t: Task, addr: number): number { return addr + t.kernel.arch.sigframe.uc; }
