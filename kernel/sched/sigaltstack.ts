/**
 * The alternate signal stack (kernel/signal.c do_sigaltstack, include/linux/sched/signal.h
 * on_sig_stack / sas_ss_flags; sigaltstack(2)). A handler installed with SA_ONSTACK gets its
 * frame at the top of this stack unless the task already runs on it.
 */
import { EFAULT, EINVAL, ENOMEM, EPERM } from '../include/uapi/errno.ts';
import { SS_AUTODISARM, SS_DISABLE, SS_ONSTACK } from '../include/uapi/signal.ts';
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { Task } from './task.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

const SS_FLAG_BITS = SS_AUTODISARM;
/** sizeof(stack_t): ss_sp (8), ss_flags (int, padded to 8), ss_size (8). */
export const STACK_T_SIZE = 24;

/** The user stack pointer: inside a handler its frame, else where the task entered user mode. */
export function current_user_stack_pointer(t: Task): number {
  return t.sig_sp || t.user_sp;
}

/** on_sig_stack(): is sp within the alternate stack (never, with SS_AUTODISARM)? */
export function on_sig_stack(t: Task, sp: number): boolean {
  if (t.sas_ss_flags & SS_AUTODISARM) return false;
  return sp > t.sas_ss_sp && sp - t.sas_ss_sp <= t.sas_ss_size;
}

/** sas_ss_flags(): SS_DISABLE without a stack, SS_ONSTACK when sp is on it, else 0. */
export function sas_ss_flags(t: Task, sp: number): number {
  if (!t.sas_ss_size) return SS_DISABLE;
  return on_sig_stack(t, sp) ? SS_ONSTACK : 0;
}

/** sas_ss_reset(): no alternate stack (execve, CLONE_VM threads, SS_AUTODISARM on delivery). */
export function sas_ss_reset(t: Task): void {
  t.sas_ss_sp = 0; t.sas_ss_size = 0; t.sas_ss_flags = SS_DISABLE;
}

const ss_buf = new Uint8Array(STACK_T_SIZE);
const ss_dv = new DataView(ss_buf.buffer);

function get_u64(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;
}
function put_u64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v % 2 ** 32, true); dv.setUint32(off + 4, Math.floor(v / 2 ** 32), true);
}

/** Writes t's alternate stack as a stack_t into dv (__save_altstack's fields, do_sigaltstack's oss). */
export function fill_stack_t(t: Task, dv: DataView, off: number, flags: number): void {
  put_u64(dv, off, t.sas_ss_sp); dv.setInt32(off + 8, flags, true); dv.setInt32(off + 12, 0, true); put_u64(dv, off + 16, t.sas_ss_size);
}

/**
 * do_sigaltstack() with the new stack_t already read into dv at off: EPERM while running on
 * the current stack, EINVAL for an unknown mode, ENOMEM below MINSIGSTKSZ.
 */
export function do_sigaltstack(t: Task, dv: DataView, off: number, sp: number): number {
  let ss_sp = get_u64(dv, off), ss_size = get_u64(dv, off + 16);
  const ss_flags = dv.getUint32(off + 8, true);
  if (on_sig_stack(t, sp)) return -EPERM;
  const mode = (ss_flags & ~SS_FLAG_BITS) >>> 0;
  if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -EINVAL;
  if (mode === SS_DISABLE) { ss_size = 0; ss_sp = 0; }
  else if (ss_size < t.kernel.arch.minsigstksz) return -ENOMEM;
  t.sas_ss_sp = ss_sp; t.sas_ss_size = ss_size; t.sas_ss_flags = ss_flags;
  return 0;
}

const oss_buf = new Uint8Array(STACK_T_SIZE);
const oss_dv = new DataView(oss_buf.buffer);

/** sigaltstack(2): the new stack is set before the old one is copied out (a fault there still changed it). */
export function sys_sigaltstack(t: Task, uss: UserPtr, uoss: UserPtr): number {
  const sp = current_user_stack_pointer(t);
  fill_stack_t(t, oss_dv, 0, sas_ss_flags(t, sp) | (t.sas_ss_flags & SS_FLAG_BITS));
  if (uss) {
    if (copy_from_user(t, ss_buf, 0, uss, STACK_T_SIZE)) return -EFAULT;
    const err = do_sigaltstack(t, ss_dv, 0, sp);
    if (err) return err;
  }
  return uoss && copy_to_user(t, uoss, oss_buf, 0, STACK_T_SIZE) ? -EFAULT : 0;
}

export const sigaltstack_syscalls: readonly SyscallDef[] = [
  { name: 'sigaltstack', fn: sys_sigaltstack, args: ['ptr', 'ptr'] },
];
