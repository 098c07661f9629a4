/**
 * Loads and stores by user code (the CPU executing a user instruction): checked in user mode
 * (or PrivBox's box mode) against the page tables, faults offered to handle_mm_fault, and an
 * unresolvable fault delivered as SIGSEGV (SIGBUS for a file page past EOF), exactly as a real
 * load or store would.
 */
import { ACC_R, ACC_W, MODE_BOX, MODE_USER } from '../arch/cpu.ts';
import { SIGBUS, SIGSEGV } from '../include/uapi/signal.ts';
import { switch_to } from '../sched/core.ts';
import { do_group_exit } from '../sched/exit.ts';
import { do_signal, force_sig } from '../sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { KERN_INFO } from '../printk.ts';
import { BUS_ADRERR, SEGV_ACCERR, SEGV_MAPERR, SigInfo } from '../sched/siginfo.ts';
import { addr_hex } from '../arch/cpu.ts';
import { __handle_mm_fault } from './memory.ts';
import { VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV } from './mm_types.ts';
import { PAGE_SIZE } from './page_alloc.ts';
import { phys_copy } from './uaccess.ts';
import { C } from '../time/cost.ts';

/**
 * A user-mode memory fault that could not be resolved: deliver SIGSEGV now, or SIGBUS for a
 * mapped file page past EOF (mm_fault_error's VM_FAULT_SIGBUS → do_sigbus).
 */
export function user_fault(t: Task, addr: number, write: boolean, sig = SIGSEGV): never {
  const k = t.kernel;
  const what = sig === SIGBUS ? 'bus error' : 'segfault';
  k.printk(KERN_INFO, `${t.comm}[${t.pid}]: ${what} at ${addr_hex(addr)} ${write ? 'write' : 'read'} in user code`);
  // si_code: no mapping there (SEGV_MAPERR) or one that forbids the access (SEGV_ACCERR).
  const code = sig === SIGBUS ? BUS_ADRERR : t.mm?.vma_at(addr) ? SEGV_ACCERR : SEGV_MAPERR;
  force_sig(t, sig, SigInfo.fault(sig, code, addr));
  const r = do_signal(t); // a handler runs here; returning from it would re-run the faulting access
  void r;
  // The faulting instruction cannot be resumed in JavaScript: the process dies of the signal.
  return do_group_exit(t, sig);
}

/** The physical address of a user access, or minus the signal it faults with (SIGBUS for a file page past EOF). */
function translate_user(t: Task, addr: number, acc: number): number {
  const cpu = t.kernel.cpu;
  const p = cpu.translate(addr, acc);
  if (p >= 0) return p;
  const r = t.mm ? __handle_mm_fault(cpu, t.mm, addr, acc) : VM_FAULT_SIGSEGV;
  if (r !== 0) return r & VM_FAULT_SIGBUS ? -SIGBUS : -SIGSEGV;
  const q = cpu.translate(addr, acc);
  return q >= 0 ? q : -SIGSEGV;
}

/**
 * User code of t is about to execute: make sure the CPU runs t in user (or box) mode. Other
 * tasks' code may have run since t last did (JS interleaves them at every await).
 */
export function user_mode(t: Task): void {
  const k = t.kernel;
  if (k.current !== t || (k.cpu.mode !== MODE_USER && !t.in_box)) switch_to(t, t.in_box ? MODE_BOX : MODE_USER);
  if (t.in_box && k.cpu.features.spap) k.cpu.charge(C.spap_check); // SPAP's page-table check on a box access
}

/**
 * n bytes between user memory at addr and buf[off..], as user loads (acc = ACC_R) or stores
 * (ACC_W), page by page; an access that cannot be satisfied delivers SIGSEGV.
 */
function user_access(t: Task, addr: number, buf: Uint8Array, off: number, n: number, acc: number): void {
  user_mode(t);
  const mem = t.kernel.cpu.phys.mem;
  let done = 0;
  while (done < n) {
    const a = addr + done;
    const p = translate_user(t, a, acc);
    if (p < 0) user_fault(t, a, acc === ACC_W, -p);
    const chunk = Math.min(n - done, PAGE_SIZE - (((a % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE));
    phys_copy(mem, p, buf, off + done, chunk, acc === ACC_W);
    done += chunk;
  }
}

/** Copies n bytes of user memory at addr into dst[off..] as user loads. */
export function user_load(t: Task, addr: number, dst: Uint8Array, off: number, n: number): void {
  user_access(t, addr, dst, off, n, ACC_R);
}

/** Stores n bytes from src[off..] at user address addr as user stores. */
export function user_store(t: Task, addr: number, src: Uint8Array, off: number, n: number): void {
  user_access(t, addr, src, off, n, ACC_W);
}
