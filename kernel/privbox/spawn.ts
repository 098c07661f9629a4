/**
 * PIOT_IOCSPAWN and PIOT_IOCRET (the artifact's piot_ioctl_spawn / piot_ioctl_ret): spawn saves
 * the caller's user registers, marks the task boxed (signals deferred), switches the CPU to box
 * mode and enters the box at `ip` through the MMU's instruction-fetch check; the box leaves with
 * PIOT_IOCRET, which restores the saved registers. Code the SFI pass did not produce is refused.
 */
import { MODE_BOX, MODE_KERNEL } from '../arch/cpu.ts';
import { EBUSY, EFAULT, EINVAL, ENOMEM, EPERM } from '../include/uapi/errno.ts';
import type { SysRet } from '../fs/fs_types.ts';
import type { TextFn } from '../mm/text.ts';
import { get_user_u64, put_user_u64 } from '../mm/uaccess.ts';
import { user_fault } from '../mm/usermem.ts';
import { KERN_WARNING } from '../printk.ts';
import { switch_to } from '../sched/core.ts';
import { UserUnwind } from '../sched/exit.ts';
import type { Task } from '../sched/task.ts';
import { apply_exec_policy, box_mm } from './box_mm.ts';
import { cred_page_sync } from './cred_page.ts';
import { type SfiBuild, box_running, box_task, privbox_of } from './privbox.ts';
import { user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

export const KSTACK_SIZE = 16384; // THREAD_SIZE on x86-64

/** A box entry point: called as entry(libc, arg); its value is what kerncall_spawn returns. */
export type BoxEntry = (libc: unknown, arg: number) => unknown;

/** PIOT_IOCRET unwinds the box's JS stack back to the spawn that entered it. */
export class BoxReturn extends UserUnwind {
  constructor(readonly pid: number) { super(`box of task ${pid} returned`); }
}

/** May code of this build run as a box on this machine? */
export function build_allowed(t: Task, build: SfiBuild | undefined): boolean {
  const pb = privbox_of(t.kernel);
  if (pb.config.unsafe) return true;
  if (build === 'full') return true;
  return build === 'branch' && t.kernel.cpu.features.spap; // SPAP covers the accesses
}

/** The build fn was compiled with: a PIOT_IOCLOAD module's, or its image's (an SFI image's code is all instrumented). */
function fn_build(t: Task, fn: TextFn): SfiBuild | undefined {
  const realm = t.mm?.realm;
  return privbox_of(t.kernel).registry.get(fn) ?? (realm && realm.sfi !== 'none' ? realm.sfi : undefined);
}

/** Finds the box function for ip: in the box text, or (if allowed) moved there from user text. */
function resolve_entry(t: Task, ip: number): { fn: TextFn; ip: number } | number {
  const pb = privbox_of(t.kernel), box = box_mm(t);
  let fn = box.text.at(ip);
  if (!fn) {
    const user = t.mm!.text.at(ip);
    if (!user) return -EFAULT;
    if (!build_allowed(t, fn_build(t, user))) return -EPERM;
    fn = user;
    ip = box.text.add(user); // the loader maps box code into the box area (PIOT_IOCLOAD's job)
  }
  if (!build_allowed(t, fn_build(t, fn))) return -EPERM;
  return { fn, ip };
}

/** PIOT_IOCSPAWN: struct piot_iocspawn { unsigned long ip, arg; } at uarg. */
export function piot_spawn(t: Task, uarg: UserPtr): SysRet {
  const k = t.kernel, pb = privbox_of(k);
  if (get_user_u64(t, uarg)) return -EFAULT;
  const ip0 = t.cpu.uval;
  if (get_user_u64(t, user_ptr_add(uarg, 8))) return -EFAULT;
  const arg = t.cpu.uval;
  if (t.in_box) return -EBUSY;
  const e = resolve_entry(t, ip0);
  if (typeof e === 'number') return e;
  const b = box_task(t);
  if (!b.kstack_top) {
    const ks = k.kvm.vmalloc(KSTACK_SIZE);
    if (ks !== ks) return -ENOMEM;
    b.kstack_top = ks + KSTACK_SIZE;
  }
  if (!pb.config.unsafe && fn_build(t, e.fn) === undefined) return -EPERM;
  apply_exec_policy(t, t.mm!);
  cred_page_sync(t);
  // Save the user context (the syscall's pt_regs) and enter the box.
  const r = t.regs;
  b.saved_nr = r.nr; b.saved_a.set([r.a0, r.a1, r.a2, r.a3, r.a4, r.a5]); b.saved_sp = t.user_sp;
  b.spawn_uarg = uarg; b.ret_value = 0;
  t.in_box = true;
  box_running(t, b, true);
  k.cpu.set_mode(MODE_BOX);
  if (!k.cpu.check_exec(e.ip)) { box_leave(t); return user_fault(t, e.ip, false); }
  let v: unknown;
  try {
    v = (e.fn as BoxEntry)(t.libc, arg);
  } catch (err) {
    return box_finish(t, err);
  }
  if (v instanceof Promise) return v.then((x) => box_finish(t, undefined, x), (err) => box_finish(t, err));
  if (typeof v === 'number' || v === undefined) return box_finish(t, undefined, v);
  // Anything else is the entry's own business (a promise of the process's realm): the box
  // goes on running, and the spawn returns when the box does PIOT_IOCRET (libc's stub does).
  return new Promise<number>((resolve) => { b.finish = resolve; });
}

/**
 * The box ended: by PIOT_IOCRET (a BoxReturn unwind), by returning from its entry (privos's
 * libc wrapper does IOCRET for it; this is the same path), or by dying (the unwind goes on).
 */
function box_finish(t: Task, err: unknown, v?: unknown): number {
  const b = box_task(t);
  // PIOT_IOCRET unwinds the kernel with BoxReturn and the box's code with its door's marker.
  const returned = err instanceof BoxReturn || (t.door !== null && t.door.is_unwind(err));
  if (err !== undefined && !returned) { box_leave(t); throw err; }
  if (err === undefined) b.ret_value = typeof v === 'number' ? v : 0;
  box_leave(t);
  const ret = scrub_value(t, b.ret_value);
  if (put_user_u64(t, user_ptr_add(b.spawn_uarg, 8), ret)) return -EFAULT;
  return 0;
}

/** A value about to reach user code: kernel-half addresses never do while scrubbing is on. */
export function scrub_value(t: Task, v: number): number {
  const pb = privbox_of(t.kernel);
  if (!pb.config.scrub || !(v < 0 && v >= -(2 ** 47) && v < -4095)) return v;
  t.kernel.printk(KERN_WARNING, `privbox: ${t.comm}[${t.pid}]: box returned a kernel address; scrubbed`);
  return 0;
}

/** Restores the saved user context: leaves box mode (IOCRET's register restore). */
function box_leave(t: Task): void {
  const b = box_task(t), r = t.regs;
  t.in_box = false;
  box_running(t, b, false);
  r.nr = b.saved_nr;
  [r.a0, r.a1, r.a2, r.a3, r.a4, r.a5] = b.saved_a;
  t.user_sp = b.saved_sp;
  b.clobber.fill(0);
  switch_to(t, MODE_KERNEL); // back in the PIOT_IOCSPAWN ioctl, which returns to user mode
}

/**
 * An execve from inside a box (an exec hook): the new image starts in user mode, as execve
 * returns to a fresh user context; the spawn that entered the old box never returns.
 */
export function box_exec(t: Task): void {
  if (!t.in_box) return;
  const b = box_task(t);
  t.in_box = false;
  box_running(t, b, false);
  b.finish = null;
  b.clobber.fill(0);
}

/** PIOT_IOCRET, called from the box through the gate: `arg` is the box's return value. */
export function piot_ret(t: Task, arg: number): number {
  if (!t.in_box) return -EINVAL;
  const b = box_task(t);
  b.ret_value = arg;
  const finish = b.finish;
  if (finish) { b.finish = null; finish(box_finish(t, new BoxReturn(t.pid))); }
  throw new BoxReturn(t.pid);
}
