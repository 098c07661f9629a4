/**
 * The runtime the SFI pass's instrumented code calls (the artifact inlines `lea; btr` and
 * `btr; and; jmp` instead). Each masked operation charges its cost-model key, so benchmarks see
 * what the instrumentation costs from the operations actually executed.
 */
import { SIGSEGV } from '../include/uapi/signal.ts';
import type { Kernel } from '../kernel.ts';
import { TEXT_SLOT, type TextFn } from '../mm/text.ts';
import { user_fault } from '../mm/usermem.ts';
import { KERN_INFO } from '../printk.ts';
import { do_group_exit } from '../sched/exit.ts';
import { force_sig } from '../sched/signal.ts';
import type { Task } from '../sched/task.ts';
import { C } from '../time/cost.ts';
import { box_mm } from './box_mm.ts';
import { type SfiBuild, privbox_of } from './privbox.ts';
import { key_allowed } from './sfi_policy.ts';

/** Bit 50: the artifact's default mask bit (`btr $50`). */
export const SFI_BIT = 2 ** 50;

/**
 * Clears bit 50 of a 64-bit address held as a sign-extended number: a user address is unchanged,
 * a kernel-half address becomes non-canonical (below -2^47), so using it faults.
 */
export function sfi_mask(a: number): number { return a < 0 ? a - SFI_BIT : a; }

/** The bundle an indirect branch may land on: masked, aligned down to TEXT_SLOT (32 bytes). */
export function sfi_bundle(a: number): number {
  const m = sfi_mask(a);
  return m - (((m % TEXT_SLOT) + TEXT_SLOT) % TEXT_SLOT);
}

export interface SfiRuntime {
  /** Masks a data pointer (other values — JS strings and buffers libc marshals — pass through). */
  m<T>(p: T): T;
  /** `libc.call(addr, …args)`: masked, aligned and confined to the box text. */
  call(lc: unknown, addr: number, ...args: unknown[]): unknown;
  /** `libc.fnaddr(f)`: f's address in the box text (only functions the pass produced). */
  fnaddr(lc: unknown, f: TextFn): number;
  /** A computed property key, checked against the policy. */
  key(k: unknown): number | symbol | string;
  /** Records a function the pass produced (the instrumented module calls it for each one). */
  mark(f: TextFn): TextFn;
}

/** A run-time SFI violation (the artifact's `ud2` traps): the process dies of SIGSEGV. */
function sfi_trap(t: Task, why: string): never {
  t.kernel.printk(KERN_INFO, `privbox: ${t.comm}[${t.pid}]: SFI violation: ${why}`);
  force_sig(t, SIGSEGV);
  return do_group_exit(t, SIGSEGV);
}

/** The runtime for modules of one build loaded into kernel k. */
export function sfi_runtime(k: Kernel, build: SfiBuild): SfiRuntime {
  const cpu = k.cpu, pb = privbox_of(k);
  return {
    m<T>(p: T): T {
      if (typeof p !== 'number') return p;
      cpu.charge(C.sfi_mask);
      return sfi_mask(p) as T;
    },
    call(lc, addr, ...args) {
      const t = k.current!;
      if (lc !== t.libc) return (lc as { call: (...a: unknown[]) => unknown }).call(addr, ...args); // Function.prototype.call & co.
      cpu.charge(C.sfi_branch);
      const a = sfi_bundle(addr);
      const text = box_mm(t).text;
      if (!text.contains(a)) return user_fault(t, a, false);
      const fn = cpu.check_exec(a) ? text.at(a) : undefined;
      if (!fn) return user_fault(t, a, false);
      return fn(...args);
    },
    fnaddr(lc, f) {
      const t = k.current!;
      if (lc !== t.libc) return (lc as { fnaddr: (f: TextFn) => number }).fnaddr(f);
      if (pb.registry.get(f) === undefined) return sfi_trap(t, 'address of a function the SFI pass did not produce');
      return box_mm(t).text.add(f);
    },
    key(key: unknown): number | symbol | string {
      if (typeof key === 'number' || typeof key === 'symbol') return key;
      const s = String(key); // once: an object's toString cannot answer differently later
      if (!key_allowed(s)) return sfi_trap(k.current!, `computed access to '${s}'`);
      return s;
    },
    mark(f) { pb.registry.set(f, build); return f; },
  };
}
