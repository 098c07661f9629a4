/**
 * Pointer authentication for tasks (arch/arm64/kernel/pointer_auth.c,
 * arch/arm64/include/asm/pointer_auth.h): the five user keys of a process (APIA, APIB, APDA,
 * APDB, APGA), drawn at exec (ptrauth_thread_init_user), inherited across clone (the task's
 * ext map is copied), redrawn by prctl(PR_PAC_RESET_KEYS); and the PAC instructions as the
 * CPU executes them — PACIA/PACIB/PACDA/PACDB, AUT*, XPACI/XPACD, PACGA — each charging one
 * `pac_insn` from the cost profile. The cipher and pointer layout are the pure functions of
 * ./pauth.ts.
 *
 * Translation regime: a 48-bit VA with TCR_EL1.TBI0 set (Linux enables top-byte-ignore for
 * EL0), so a user pointer's PAC field is bits 54..48 (7 bits). AUT failure without FEAT_FPAC
 * returns the poisoned pointer (error code in bits 54:53); with FEAT_FPAC a user-mode AUT
 * raises the exception that Linux delivers as SIGILL (do_el0_fpac). FEAT_FPAC is off by
 * default (Apple M1 predates it); `ptrauth_set_fpac` turns it on for experiments.
 *
 * On x86_64 there is no such hardware: the same functions serve the documented software
 * PAC (fdcap's `soft_pac=1`), charged at the skylake profile's `pac_insn` (a software MAC).
 */
import { randomFillSync } from 'node:crypto';
import { EINVAL } from '../../include/uapi/errno.ts';
import { SIGILL } from '../../include/uapi/signal.ts';
import type { Kernel } from '../../kernel.ts';
import { KERN_INFO } from '../../printk.ts';
import { do_group_exit } from '../../sched/exit.ts';
import { do_signal, force_sig } from '../../sched/signal.ts';
import type { Task } from '../../sched/task.ts';
import { C } from '../../time/cost.ts';
import { AddPAC, Auth, PACGA, type PauthConfig, Strip } from './pauth.ts';
import { StateKey, state_of, state_set } from '../../include/linux/ext_state.ts';

/** include/uapi/linux/prctl.h */
export const PR_PAC_RESET_KEYS = 54;
export const PR_PAC_APIAKEY = 1 << 0;
export const PR_PAC_APIBKEY = 1 << 1;
export const PR_PAC_APDAKEY = 1 << 2;
export const PR_PAC_APDBKEY = 1 << 3;
export const PR_PAC_APGAKEY = 1 << 4;
const PR_PAC_ALL = PR_PAC_APIAKEY | PR_PAC_APIBKEY | PR_PAC_APDAKEY | PR_PAC_APDBKEY | PR_PAC_APGAKEY;

/** struct ptrauth_key: the 128-bit key as its two system registers (…KeyHi_EL1, …KeyLo_EL1). */
export interface PtrauthKey { readonly hi: bigint; readonly lo: bigint }

/** struct ptrauth_keys_user (+ the generic key). A reset replaces the object, never mutates it. */
export interface PtrauthKeys {
  readonly apia: PtrauthKey; readonly apib: PtrauthKey;
  readonly apda: PtrauthKey; readonly apdb: PtrauthKey;
  readonly apga: PtrauthKey;
}

export type KeyName = 'apia' | 'apib' | 'apda' | 'apdb';


/** User pointers: 48-bit VA, TBI0 set, no FEAT_FPAC in the pure layer (the fault is raised here). */
export const USER_PAUTH: PauthConfig = Object.freeze({ tbi: true, fpac: false, vaBits: 48 });

function get_random_key(): PtrauthKey {
  const b = new BigUint64Array(2);
  randomFillSync(b);
  return { hi: b[0], lo: b[1] };
}

/** ptrauth_keys_init_user(): fresh random keys for all five. */
export function ptrauth_keys_init_user(): PtrauthKeys {
  return { apia: get_random_key(), apib: get_random_key(), apda: get_random_key(), apdb: get_random_key(), apga: get_random_key() };
}

interface PtrauthState { fpac: boolean; hooked: boolean }

const PTRAUTH_STATE = new StateKey<Kernel, PtrauthState>('ptrauth', () => ({ fpac: false, hooked: false }));
/** The task's five keys (thread_struct.keys_user). */
const PTRAUTH_KEYS = new StateKey<Task, PtrauthKeys>('ptrauth_keys', ptrauth_keys_init_user);
const state = (k: Kernel): PtrauthState => state_of(k, PTRAUTH_STATE);

/** FEAT_FPAC on or off for this machine (ID_AA64ISAR1_EL1.API >= 0b0100 on real parts). */
export function ptrauth_set_fpac(k: Kernel, on: boolean): void { state(k).fpac = on; }
export function ptrauth_has_fpac(k: Kernel): boolean { return state(k).fpac; }

/** The task's keys; a task that never exec'd (a kernel thread) gets keys on first use. */
export function task_ptrauth_keys(t: Task): PtrauthKeys {
  return state_of(t, PTRAUTH_KEYS);
}

/** ptrauth_thread_init_user(): new keys for the new image. Registered as an exec hook. */
export function ptrauth_thread_init_user(t: Task): void { state_set(t, PTRAUTH_KEYS, ptrauth_keys_init_user()); }

/** Installs the exec hook once per kernel (arch setup at boot). */
export function ptrauth_init(k: Kernel): void {
  const s = state(k);
  if (s.hooked) return;
  s.hooked = true;
  k.exec_hooks.push(ptrauth_thread_init_user);
}

/**
 * prctl(PR_PAC_RESET_KEYS, keys, 0, 0, 0) (ptrauth_prctl_reset_keys): keys = 0 means all;
 * unknown bits or non-zero trailing arguments are EINVAL. arm64 only (EINVAL elsewhere).
 */
export function ptrauth_prctl_reset_keys(t: Task, arg: number): number {
  if (t.kernel.arch.name !== 'arm64') return -EINVAL;
  if (arg >>> 0 !== arg || arg & ~PR_PAC_ALL) return -EINVAL;
  const mask = arg || PR_PAC_ALL;
  const old = task_ptrauth_keys(t);
  const pick = (bit: number, k: PtrauthKey): PtrauthKey => (mask & bit ? get_random_key() : k);
  state_set(t, PTRAUTH_KEYS, {
    apia: pick(PR_PAC_APIAKEY, old.apia), apib: pick(PR_PAC_APIBKEY, old.apib),
    apda: pick(PR_PAC_APDAKEY, old.apda), apdb: pick(PR_PAC_APDBKEY, old.apdb),
    apga: pick(PR_PAC_APGAKEY, old.apga),
  });
  return 0;
}

// ---- the instructions (each one pac_insn) ----

/** PACIA/PACIB/PACDA/PACDB Xd, Xn: signs ptr with the task's key and modifier. */
export function pac_sign(t: Task, key: KeyName, ptr: bigint, modifier: bigint): bigint {
  t.kernel.cpu.charge(C.pac_insn);
  const k = task_ptrauth_keys(t)[key];
  return AddPAC(ptr, modifier, k.hi, k.lo, key === 'apda' || key === 'apdb', USER_PAUTH);
}

/**
 * AUTIA/AUTIB/AUTDA/AUTDB without FEAT_FPAC semantics: the authenticated (stripped) pointer
 * on success, the poisoned one on failure, and `ok`. Kernel code uses this form and checks ok.
 */
export function pac_auth(t: Task, key: KeyName, ptr: bigint, modifier: bigint): { ptr: bigint; ok: boolean } {
  t.kernel.cpu.charge(C.pac_insn);
  const k = task_ptrauth_keys(t)[key];
  return Auth(ptr, modifier, k.hi, k.lo, key === 'apda' || key === 'apdb', key === 'apia' || key === 'apda' ? 0 : 1, USER_PAUTH);
}

/**
 * A memo of AUT* successes under one key and modifier, for pointers the caller encodes as small
 * integers — exact, since AUT is a pure function of key, modifier and pointer (a new key object,
 * from exec or PR_PAC_RESET_KEYS, or a new modifier empties it). A hit still charges pac_insn:
 * the modeled CPU runs the instruction all the same; only the host's QARMA-64 is skipped.
 */
export class AutMemo {
  private key: PtrauthKey | null = null;
  private modifier = 0n;
  private readonly ok = new Set<number>();

  /** Is AUT of pointer `id` under t's `key` and `modifier` known to succeed? (charged on a hit) */
  hit(t: Task, key: KeyName, modifier: bigint, id: number): boolean {
    const k = task_ptrauth_keys(t)[key];
    if (k !== this.key || modifier !== this.modifier) {
      this.ok.clear();
      this.key = k;
      this.modifier = modifier;
      return false;
    }
    if (!this.ok.has(id)) return false;
    t.kernel.cpu.charge(C.pac_insn);
    return true;
  }

  /** AUT of pointer `id` succeeded under the key and modifier of the last hit() (bounded). */
  remember(id: number): void {
    if (this.ok.size >= 4096) this.ok.clear();
    this.ok.add(id);
  }
}

/** XPACI / XPACD */
export function pac_strip(t: Task, data: boolean, ptr: bigint): bigint {
  t.kernel.cpu.charge(C.pac_insn);
  return Strip(ptr, data, USER_PAUTH);
}

/** PACGA Xd, Xn, Xm: the generic key's 32-bit code in bits 63..32. */
export function pac_generic(t: Task, x: bigint, modifier: bigint): bigint {
  t.kernel.cpu.charge(C.pac_insn);
  const k = task_ptrauth_keys(t).apga;
  return PACGA(x, modifier, k.hi, k.lo);
}

/**
 * A user-mode AUT* (libc's autia & co.): on failure with FEAT_FPAC the exception is delivered
 * as SIGILL (arch/arm64/kernel/traps.c do_el0_fpac → force_signal_inject(SIGILL, ILL_ILLOPN));
 * without it the poisoned pointer is returned and faults when used.
 */
export function user_aut(t: Task, key: KeyName, ptr: bigint, modifier: bigint): bigint {
  const r = pac_auth(t, key, ptr, modifier);
  if (!r.ok && ptrauth_has_fpac(t.kernel)) fpac_fault(t, ptr);
  return r.ptr;
}

/** The FPAC exception taken from EL0: the process gets SIGILL and cannot resume the instruction. */
export function fpac_fault(t: Task, ptr: bigint): never {
  const hex = BigInt.asUintN(64, ptr).toString(16).padStart(16, '0');
  t.kernel.printk(KERN_INFO, `${t.comm}[${t.pid}]: pointer authentication failure (FPAC) on ${hex}`);
  force_sig(t, SIGILL);
  void do_signal(t);
  return do_group_exit(t, SIGILL);
}
