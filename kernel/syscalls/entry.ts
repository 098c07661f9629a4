/**
 * The arch-neutral part of a syscall (kernel/entry/common.c, arch/x86/entry/common.c):
 * dispatch through sys_call_table in kernel memory, oops containment, and the exit work
 * (signals, restarts, rescheduling). The arch entry files charge the mode-switch costs around it.
 */
import { MODE_KERNEL, MODE_USER, addr_hex } from '../arch/cpu.ts';
import { ENOSYS, ERESTARTSYS, ERESTART_RESTARTBLOCK } from '../include/uapi/errno.ts';
import { SIGSEGV } from '../include/uapi/signal.ts';
import type { SysRet } from '../fs/fs_types.ts';
import { KERN_ALERT, KERN_EMERG } from '../printk.ts';
import { account, should_resched, switch_to, yield_cpu } from '../sched/core.ts';
import { TaskExit, UserUnwind, do_exit } from '../sched/exit.ts';
import { do_signal, restart_or_eintr } from '../sched/signal.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { C } from '../time/cost.ts';
import { fetch_ok } from '../mm/memory.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import { syscall_name } from './table.ts';
import type { SyscallFn } from './syscall_def.ts';

/** Thrown by kernel code that hits a bug on purpose (BUG()); also any JS exception is an oops. */
export class KernelBug extends Error {}

/**
 * An exception escaped kernel code while serving t: log it like an oops, kill the task with
 * SIGSEGV (make_task_dead), keep the kernel running.
 */
export function oops(t: Task, e: unknown, what: string): never {
  if (e instanceof UserUnwind) throw e;
  const k = t.kernel;
  const err = e instanceof Error ? e : new Error(String(e));
  k.printk(KERN_ALERT, `BUG: ${what}: ${err.message}`);
  k.printk(KERN_EMERG, `Oops: ${err.name} [#${++k.oops_count}] CPU: 0 PID: ${t.pid} Comm: ${t.comm}`);
  k.printk(KERN_EMERG, `Call Trace:\n${(err.stack ?? '').split('\n').slice(1, 12).map((l) => ' ' + l.trim()).join('\n')}`);
  do_exit(t, SIGSEGV);
}

/** Resolves a kernel call through a code address: MMU exec check, then the function. */
export function resolve_kernel_call(t: Task, addr: number): SyscallFn {
  const k = t.kernel;
  const fn = k.cpu.check_exec(addr) || (addr >= 0 && fetch_ok(t, addr))
    ? (addr < 0 ? k.kallsyms.function_at(addr) : t.mm?.text.at(addr))
    : undefined;
  if (!fn) {
    const why = k.cpu.fault_present ? 'kernel tried to execute a non-executable page' : 'unable to handle page fault';
    throw new KernelBug(`${why} for address ${addr_hex(addr)}`);
  }
  return fn as SyscallFn;
}

/**
 * resolve_kernel_call for one fixed address, remembered while nothing that decided the answer
 * changed — the kernel generation (page tables, TLB fills and flushes, CR0.WP, SMEP, module
 * text: kernel/syscalls/dispatch.ts) — and recorded only when the address's page is in the
 * kernel TLB, so a hit charges exactly what the uncached path would (fdcap's hooks call their
 * originals through it).
 */
export class KernelCallCache {
  private gen = -1;
  private fn: SyscallFn | null = null;
  constructor(readonly addr: number) {}

  resolve(t: Task): SyscallFn {
    const cpu = t.kernel.cpu;
    const plain = cpu.mode === MODE_KERNEL && !cpu.uaccess;
    if (plain && this.gen === cpu.kgen.n) return this.fn!;
    const fn = resolve_kernel_call(t, this.addr);
    if (plain && cpu.ktlb.has(Math.floor(this.addr / PAGE_SIZE))) { this.fn = fn; this.gen = cpu.kgen.n; }
    return fn;
  }
}

/** do_syscall_64 / invoke_syscall: table lookup, the call, tracing, oops containment. */
export function do_syscall(t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet {
  const k = t.kernel, cpu = k.cpu, regs = t.regs;
  regs.nr = nr; regs.a0 = a0; regs.a1 = a1; regs.a2 = a2; regs.a3 = a3; regs.a4 = a4; regs.a5 = a5;
  cpu.charge(C.syscall_dispatch);
  if (k.tracer) k.tracer.enter(t, nr, a0, a1, a2, a3, a4, a5);
  let ret: SysRet = -ENOSYS; // regs->ax = -ENOSYS before dispatch, as entry_64.S does
  // Numbers past the table never reach it (do_syscall_x64's bounds check).
  if (nr >>> 0 === nr && nr < k.nr_syscalls) {
    try {
      let fn = k.dispatch.lookup(k, nr);
      if (fn === undefined) fn = dispatch_slow(t, nr);
      else cpu.charge(C.handler_trivial);
      ret = fn(t, a0, a1, a2, a3, a4, a5);
    } catch (e) {
      return syscall_oops(t, nr, e);
    }
  }
  if (typeof ret !== 'number') return finish_blocked(t, nr, ret);
  if (k.tracer) k.tracer.exit(t, nr, ret);
  return ret;
}

// The cold parts of do_syscall live apart so that its hot path stays small enough for V8 to
// inline into the entry paths.

/**
 * The uncached dispatch: the entry read from sys_call_table through the MMU, the exec check of
 * the address it holds, the function at that address; the answer goes to the dispatch cache.
 */
function dispatch_slow(t: Task, nr: number): SyscallFn {
  const k = t.kernel, cpu = k.cpu;
  const slot = k.sys_call_table + nr * 8;
  const addr = cpu.read_addr(slot);
  if (addr !== addr) throw new KernelBug('unable to handle page fault reading sys_call_table');
  cpu.charge(C.handler_trivial);
  const fn = resolve_kernel_call(t, addr);
  k.dispatch.fill(k, nr, slot, addr, fn);
  return fn;
}

function syscall_oops(t: Task, nr: number, e: unknown): never {
  return oops(t, e, `in ${syscall_name(t.kernel, nr)}`);
}

/** A handler that blocked: when it completes, the task runs again and the tracer sees the result. */
function finish_blocked(t: Task, nr: number, ret: Promise<number>): Promise<number> {
  return ret.then((r) => {
    switch_to(t, MODE_KERNEL);
    if (t.kernel.tracer) t.kernel.tracer.exit(t, nr, r);
    return r;
  }, (e) => { switch_to(t, MODE_KERNEL); return syscall_oops(t, nr, e); });
}

/** An entry into the kernel for one syscall (the syscall instruction path, or PrivBox's gate). */
export type SyscallEntryFn = (t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number) => SysRet;

/**
 * syscall_exit_to_user_mode's work: signal delivery (turning -ERESTARTSYS into EINTR or a
 * restart), and giving up the CPU when the slice is spent. A restart re-enters through `entry`
 * with the saved registers.
 */
export function syscall_exit_work(t: Task, ret: number, entry: SyscallEntryFn): SysRet {
  const cpu = t.kernel.cpu;
  cpu.charge(C.exit_work);
  if (!t.alive) throw new TaskExit(t.pid);
  if ((ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK) || (!t.in_box && ((t.pending_lo | t.pending_hi) !== 0 || t.jobctl_stop_pending) && signal_pending(t))) {
    const r = restart_or_eintr(t, ret);
    const d = t.in_box ? undefined : signal_deliver(t);
    if (r === -ERESTARTSYS) return d ? d.then(() => restart(t, entry)) : restart(t, entry);
    if (r === -ERESTART_RESTARTBLOCK) return d ? d.then(() => restart_block(t, entry)) : restart_block(t, entry);
    if (d) return d.then(() => r);
    ret = r;
  }
  if (should_resched(t)) return yield_cpu(t).then(() => ret);
  return ret;
}

/** do_signal(), then the mask rt_sigsuspend replaced comes back (restore_saved_sigmask). */
function signal_deliver(t: Task): void | Promise<void> {
  const d = do_signal(t);
  if (!t.saved_sigmask) return d;
  const restore = (): void => {
    const m = t.saved_sigmask;
    if (m) { t.blocked_lo = m[0]; t.blocked_hi = m[1]; t.saved_sigmask = null; }
  };
  return d ? d.then(restore) : restore();
}

function restart(t: Task, entry: SyscallEntryFn): SysRet {
  const r = t.regs;
  return entry(t, r.nr, r.a0, r.a1, r.a2, r.a3, r.a4, r.a5);
}

/** The restart through restart_syscall(2): what the arch does by loading __NR_restart_syscall. */
function restart_block(t: Task, entry: SyscallEntryFn): SysRet {
  const r = t.regs;
  return entry(t, t.kernel.arch.syscall_names.indexOf('restart_syscall'), r.a0, r.a1, r.a2, r.a3, r.a4, r.a5);
}

/**
 * The user → kernel → user round trip of the syscall instruction (entry_SYSCALL_64 on x86,
 * el0_svc on arm64). What each direction charges is the architecture's entry path
 * (kernel/arch/{x86/entry_64,arm64/entry}.ts), set up at boot.
 */
export function syscall_from_user(t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet {
  const k = t.kernel, cpu = k.cpu;
  if (!t.alive) throw new TaskExit(t.pid);
  if (k.current !== t) switch_to(t, MODE_USER);
  account(t, true);
  cpu.charge_path(k.entry_paths.enter);
  cpu.set_mode(MODE_KERNEL);
  const r = do_syscall(t, nr, a0, a1, a2, a3, a4, a5);
  if (typeof r === 'number') return exit_to_user_mode(t, r);
  return r.then((v) => exit_to_user_mode(t, v));
}

function exit_to_user_mode(t: Task, ret: number): SysRet {
  const r = syscall_exit_work(t, ret, syscall_from_user);
  if (typeof r !== 'number') return r.then((v) => return_to_user(t, v));
  return return_to_user(t, r);
}

/** The way out: restore registers, switch back (SYSRET / ERET). */
function return_to_user(t: Task, ret: number): number {
  const k = t.kernel, cpu = k.cpu;
  if (k.current !== t) switch_to(t, MODE_KERNEL);
  cpu.charge_path(k.entry_paths.exit);
  account(t, false);
  cpu.set_mode(MODE_USER);
  return ret;
}
