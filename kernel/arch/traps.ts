/**
 * Exceptions taken from user code (arch/x86/kernel/traps.c do_trap, arch/arm64/kernel/traps.c):
 * the one path by which an instruction the CPU refuses — #UD, #GP, an FPAC failure — becomes a
 * signal. The faulting instruction cannot be resumed in JavaScript, so the process dies of the
 * signal after any handler ran (see README "Departures").
 */
import { types } from 'node:util';
import { SIGILL, SIGSEGV } from '../include/uapi/signal.ts';
import { KERN_ERR, KERN_INFO } from '../printk.ts';
import { do_group_exit } from '../sched/exit.ts';
import { do_signal, force_sig } from '../sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { StateKey, state_set } from '../include/linux/ext_state.ts';

/** Trap kinds, with the signal each raises. */
export const TRAP_UD = SIGILL, TRAP_GP = SIGSEGV;

/** "traps: comm[pid] <what>", the signal forced, the process ended. */
export function do_trap(t: Task, sig: number, what: string): never {
  t.kernel.printk(KERN_INFO, `traps: ${t.comm}[${t.pid}] ${what}`);
  force_sig(t, sig);
  void do_signal(t);
  return do_group_exit(t, sig);
}

/** An own data property of an object, read without running any getter or proxy trap. */
function own_data(o: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(o, key);
  return d && 'value' in d ? d.value : undefined;
}

/**
 * What a value thrown by user code was, for the kernel log, without running any of its code
 * (no toString, no getter, no proxy trap): primitives as they print, errors by their stack or
 * message, anything else as its kind.
 */
export function describe_user_value(v: unknown): string {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return typeof v === 'string' ? v : String(v);
  if (types.isProxy(v)) return '[object Proxy]';
  if (types.isNativeError(v)) {
    const stack = own_data(v, 'stack'), msg = own_data(v, 'message');
    if (typeof stack === 'string') return stack;
    return typeof msg === 'string' ? `Error: ${msg}` : '[error]';
  }
  return typeof v === 'function' ? '[function]' : '[object]';
}

/** The first line of the uncaught exception a process died of (`privos run` shows it). */
export const UNCAUGHT = new StateKey<Task, string>('uncaught', () => '');

/** A process crashed in user code (an exception nobody caught): log it and end it with SIGSEGV. */
export function user_crash(t: Task, what: string): void {
  t.kernel.printk(KERN_ERR, `${t.comm}[${t.pid}]: uncaught exception in user code: ${what}`);
  state_set(t, UNCAUGHT, what.split('\n')[0]);
  try { do_group_exit(t, SIGSEGV); } catch { /* unwound */ }
}
