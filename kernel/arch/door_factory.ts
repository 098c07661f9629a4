/**
 * The user side of the CPU door: builds the frozen CpuDoor a process's C library holds, from the
 * kernel's host functions for one task. This function is self-contained on purpose (it uses
 * only its argument and ECMAScript intrinsics it captures before any user code runs), so the same
 * source can be evaluated inside a process's own realm, where every function it returns belongs
 * to that realm.
 *
 * Conventions with the host side (kernel/arch/door.ts): a host function returns a number;
 * NaN means "the task ended under user code" (the door throws the unwind marker) and -Infinity
 * means "the task sleeps" (the door hands back a promise that `wait` settles).
 */
import type { CpuDoor, UserCode } from '../include/uapi/cpu_door.ts';
import type { ArchName } from '../include/uapi/arch_uapi.ts';

/** What the kernel provides for one task; every argument it receives is a number (or a bigint for PAC). */
export interface DoorHost {
  arch: ArchName;
  /** The syscall instruction; `ops` is the user ops the image counted since the last charge. */
  sys(nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, ops: number): number;
  /** Settles the last sleeping call: cb gets its value, or NaN if the task ended. */
  wait(cb: (v: number) => void): void;
  /** A direct call into kernel text (box code: the gate); `ops` as for `sys`. */
  kcall(addr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number, ops: number): number;
  entry_sp(): number;
  ld(addr: number, size: number): number;
  st(addr: number, v: number, size: number): number;
  /** Copies between user memory and bytes [off, off+len) of a Uint8Array; dir 0 = load, 1 = store. */
  copy(addr: number, buf: Uint8Array, off: number, len: number, dir: number): number;
  fnaddr(fn: UserCode): number;
  /** The function at addr, or null when the fetch faulted (the task is then ending). */
  text_at(addr: number): UserCode | null;
  cpl(): number;
  /** The counter instruction: its value, or NaN if the task ended. */
  rdtsc(): number;
  pac(op: number, key: number, ptr: bigint, modifier: bigint): bigint | null;
  cr0(write: number, v: number): number;
  box_reg(i: number): number;
  mm_id(): number;
  set_box_libc(lc: object): void;
  crash(what: string): void;
}

/**
 * What the kernel provides for the realm's op counter (tools/link/instrument.ts): the task
 * running the realm's code spent its budget. `tick(ops, may_yield)` charges the ops and answers
 * 0 (go on), NaN (the task is ending: unwind) or, only when may_yield, -Infinity (the task was
 * preempted: `wait` settles when it runs again, NaN if it ended meanwhile).
 */
export interface OpsHost {
  tick(ops: number, may_yield: number): number;
  wait(cb: (v: number) => void): void;
}

/**
 * What an instrumented image function receives (its `__po` parameter): the op counter (counts
 * down from a budget), the budget checks of sync code (`t`) and of async loops (`y`, which may
 * return a promise), the catch-clause check (`k`, rethrows the marker) and the marker.
 */
export interface ImageOps {
  readonly c: Int32Array;
  readonly t: () => void;
  readonly y: () => 0 | Promise<void>;
  readonly k: (e: unknown) => void;
  readonly m: object;
}

/** A realm's door maker, its op plumbing, and the marker its doors throw when a task ends under user code. */
export interface DoorRealm {
  readonly make: (host: DoorHost) => CpuDoor;
  readonly ops: (host: OpsHost) => ImageOps;
  readonly marker: object;
}

/**
 * Run once per realm, before any user code: captures the intrinsics the doors use, so nothing
 * user code later replaces in its realm can reach the host functions a door closes over.
 */
export function door_realm(): DoorRealm {
  'use strict';
  // Bound once: this code runs in a realm, where a global name is a lookup through Node's vm
  // interceptor (~100–180 ns), and `Infinity` is one like any other (tools/link/link.ts).
  const N = Number, P = Promise, freeze = Object.freeze, asUintN = BigInt.asUintN, NEG_INF = -Infinity;
  const UNWIND = freeze({ unwind: true });
  /** A register: one conversion to a number; what is not a finite number reads as 0. */
  const reg = (v: unknown): number => {
    const n = typeof v === 'number' ? v : N(v);
    return n - n === 0 ? n : 0;
  };
  const check = (r: number): number => { if (r !== r) throw UNWIND; return r; };
  // The image's op counter counts down from BUDGET; the tick is called when it goes negative,
  // every 2^16 ops of user code (far below a time slice at any calibrated user_op cost),
  // syscalls or not: a syscall charges the ops since the last charge but leaves the countdown
  // running, so limits checked at ticks (RLIMIT_CPU) see a program that makes syscalls too.
  const BUDGET = 65536, C = new Int32Array(1);
  C[0] = BUDGET;
  let last = BUDGET;
  /** The ops counted since the last charge (at a syscall). */
  const spent = (): number => { const c = C[0], n = last - c; last = c; return n; };
  /** The same at a tick, and a new budget. */
  const spent_tick = (): number => { const n = last - C[0]; C[0] = last = BUDGET; return n; };
  const ops = (host: OpsHost): ImageOps => {
    const { tick, wait } = host;
    return freeze({
      c: C,
      t() { if (tick(spent_tick(), 0) !== 0) throw UNWIND; },
      y(): 0 | Promise<void> {
        const r = tick(spent_tick(), 1);
        if (r === 0) return 0;
        if (r !== NEG_INF) throw UNWIND;
        return new P<void>((res, rej) => wait((v) => { if (v === v) res(); else rej(UNWIND); }));
      },
      k(e: unknown) { if (e === UNWIND) throw e; },
      m: UNWIND,
    });
  };
  const make = (host: DoorHost): CpuDoor => {
    const { sys, kcall, ld, st, copy, wait } = host;
    const settle = (r: number): number | Promise<number> => {
      if (r > NEG_INF) return r;
      if (r !== r) throw UNWIND;
      return new P<number>((res, rej) => wait((v) => { if (v === v) res(v); else rej(UNWIND); }));
    };
    return freeze({
      arch: host.arch,
      syscall(nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number) {
        const r = sys(reg(nr), reg(a0), reg(a1), reg(a2), reg(a3), reg(a4), reg(a5), spent());
        return r > NEG_INF ? r : settle(r);
      },
      entry_sp: () => host.entry_sp(),
      ld8: (a: number) => check(ld(reg(a), 1)),
      ld32: (a: number) => check(ld(reg(a), 4)),
      ld64: (a: number) => check(ld(reg(a), 8)),
      st8(a: number, v: number) { check(st(reg(a), reg(v), 1)); },
      st32(a: number, v: number) { check(st(reg(a), reg(v), 4)); },
      st64(a: number, v: number) { check(st(reg(a), reg(v), 8)); },
      load(a: number, dst: Uint8Array, off: number, len: number) { check(copy(reg(a), dst, reg(off), reg(len), 0)); },
      store(a: number, src: Uint8Array, off: number, len: number) { check(copy(reg(a), src, reg(off), reg(len), 1)); },
      fnaddr: (fn: UserCode) => check(host.fnaddr(fn)),
      text_at(a: number): UserCode {
        const fn = host.text_at(reg(a));
        if (fn === null) throw UNWIND;
        return fn;
      },
      kcall(a: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number) {
        return settle(kcall(reg(a), reg(a0), reg(a1), reg(a2), reg(a3), reg(a4), reg(a5), reg(a6), spent()));
      },
      cpl: () => host.cpl(),
      rdtsc: () => check(host.rdtsc()),
      pac(op: number, key: number, ptr: bigint, modifier: bigint): bigint {
        const r = host.pac(reg(op), reg(key), asUintN(64, ptr), asUintN(64, modifier));
        if (r === null) throw UNWIND;
        return r;
      },
      read_cr0: () => check(host.cr0(0, 0)),
      write_cr0(v: number) { check(host.cr0(1, reg(v))); },
      box_reg: (i: number) => host.box_reg(reg(i)),
      mm_id: () => host.mm_id(),
      set_box_libc(lc: object) { host.set_box_libc(lc); },
      crash(what: string): never { host.crash(typeof what === 'string' ? what : '[exception]'); throw UNWIND; },
      is_unwind: (e: unknown) => e === UNWIND,
    });
  };
  return freeze({ make, ops, marker: UNWIND });
}
