/**
 * PrivBox's per-kernel and per-task state (Kuznetsov & Morrison, USENIX ATC'22; the artifact's
 * arch/x86/kernel/piot*.c). The kernel keeps: the gate's text address, the registry of code the
 * SFI pass produced (what spawn accepts), and the policy switches the attack suite flips.
 */
import type { Kernel } from '../kernel.ts';
import type { MmStruct } from '../mm/mm_types.ts';
import type { TextFn, TextRegion } from '../mm/text.ts';
import type { Task } from '../sched/task.ts';

/** The three builds of the artifact's LLVM pass: every access + branch, branches only, nothing. */
export type SfiBuild = 'full' | 'branch' | 'none';

export interface PrivboxConfig {
  /**
   * Spawn code the SFI pass did not produce (or produced with build 'none'). Off by default;
   * the attack suite sets it to show what an uninstrumented box can do.
   */
  unsafe: boolean;
  /**
   * Which user pages box code may execute. 'box' (privos): only the box's own text, marked
   * PERM_BOX. 'all-user' (the artifact: NX clear on the user half, SMEP off): every user text page.
   */
  exec_policy: 'box' | 'all-user';
  /**
   * Scrub on the way out of the gate (criticism 5): clobbered registers are zeroed and a
   * kernel-half return value becomes -EFAULT. false reproduces the artifact's gate, which
   * restores the pushed registers but clears nothing else.
   */
  scrub: boolean;
  /** The build PIOT_IOCLOAD instruments with (default: 'full', or 'branch' under SPAP). */
  load_build: SfiBuild | null;
  /**
   * Freeze the intrinsics of an SFI image's realm before its code runs (kernel/privbox/lockdown.ts).
   * false shows what box code can do to libc and the SFI runtime without it.
   */
  frozen_intrinsics: boolean;
}

import { CLOBBER_NAMES, type ClobberName } from '../include/uapi/piot.ts';
import { StateKey, state_of } from '../include/linux/ext_state.ts';
import { USER_NULL } from '../include/linux/compiler_types.ts';
export { CLOBBER_NAMES, type ClobberName };

/** The box text of one address space: a TextRegion on pages marked PERM_BOX. */
export interface BoxMm { readonly text: TextRegion }

/** Per-task box state: the user registers saved at spawn, the kernel stack, the gate's clobbers. */
export class BoxTask {
  constructor(readonly pb: PrivboxState) {}
  /** User registers saved by PIOT_IOCSPAWN and restored by PIOT_IOCRET. */
  saved_nr = 0; saved_a = new Float64Array(6); saved_sp = 0;
  /** Top of this task's kernel stack (vmalloc'd at first spawn); pt_regs sit just below it. */
  kstack_top = 0;
  readonly clobber = new Float64Array(CLOBBER_NAMES.length);
  /** Set by PIOT_IOCRET: the box asked to return with this value. */
  ret_value = 0;
  /** Address of the running spawn's struct piot_iocspawn (the return value is written back there). */
  spawn_uarg = USER_NULL;
  /**
   * A box whose entry is still running asynchronously in its process's realm (its result is a
   * promise of that realm, which the kernel never awaits): the spawn ioctl sleeps until the
   * box's PIOT_IOCRET, which settles the spawn through this.
   */
  finish: ((r: number) => void) | null = null;
}

export class PrivboxState {
  gate_addr = 0;
  /** Functions produced by the SFI pass, with their build. Only the kernel's loader adds to it. */
  readonly registry = new WeakMap<TextFn, SfiBuild>();
  readonly box_mm = new WeakMap<MmStruct, BoxMm>();
  readonly config: PrivboxConfig = { unsafe: false, exec_policy: 'box', scrub: true, load_build: null, frozen_intrinsics: true };
  /** pid → address of its struct cred image in kernel memory (cred_page.ts). */
  readonly cred_pages = new Map<number, number>();
  constructor(readonly k: Kernel) {}
}

const PRIVBOX_OF_STATE = new StateKey<Kernel, PrivboxState>('privbox', (k) => new PrivboxState(k));
export function privbox_of(k: Kernel): PrivboxState { return state_of(k, PRIVBOX_OF_STATE); }

/**
 * The task whose box runs (set by spawn, cleared when the box ends) and its state, so that the
 * gate finds them without a Map lookup per call. Only a hint: any other task takes the lookup.
 */
let running_task: Task | null = null;
let running_box: BoxTask | null = null;

const BOX_TASK = new StateKey<Task, BoxTask>('privbox', (t) => new BoxTask(privbox_of(t.kernel)));

export function box_task(t: Task): BoxTask {
  if (t === running_task) return running_box!;
  return state_of(t, BOX_TASK);
}

/** Spawn entered t's box (running) or it left it (not). */
export function box_running(t: Task, b: BoxTask, running: boolean): void {
  if (running) { running_task = t; running_box = b; } else if (running_task === t) { running_task = null; running_box = null; }
}
