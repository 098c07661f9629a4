/**
 * The CPU as user code sees it: the one object a process's C library receives from the kernel.
 * Everything user code can do to the machine goes through here, as on hardware: the syscall
 * instruction, loads and stores through the MMU, calls through code addresses, PAC instructions
 * and privileged instructions (which trap at CPL 3). Arguments are registers: the door converts
 * each to a number once, so the kernel never sees anything else.
 *
 * A call that ends the task (exit, a fatal signal, a fault, a successful execve) does not return:
 * the door throws an unwind marker that unwinds user code; `is_unwind(e)` recognises it, so crt0
 * can let it pass and report any other uncaught value as a crash.
 */
import type { ArchName } from './arch_uapi.ts';

/** A user function, as code at an address in the process's text. */
export type UserCode = (...args: never[]) => unknown;

/** The value of a syscall: a number, or a promise that settles when the sleeping task runs again. */
export type SyscallResult = number | Promise<number>;
/** libc's name for it. */
export type SysRet = SyscallResult;

export interface CpuDoor {
  readonly arch: ArchName;
  /** The syscall instruction (svc #0 on arm64): -errno on failure, as the kernel returns it. */
  syscall(nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SyscallResult;
  /** The stack pointer the task entered user mode with (argc is there after execve). */
  entry_sp(): number;
  /** Loads of 1, 4 and 8 bytes (the 8-byte value as a number, exact below 2^53). */
  ld8(addr: number): number;
  ld32(addr: number): number;
  ld64(addr: number): number;
  st8(addr: number, v: number): void;
  st32(addr: number, v: number): void;
  st64(addr: number, v: number): void;
  /** len bytes at addr into dst[off..] (a block of loads); a bad address faults. */
  load(addr: number, dst: Uint8Array, off: number, len: number): void;
  /** len bytes of src[off..] to addr (a block of stores). */
  store(addr: number, src: Uint8Array, off: number, len: number): void;
  /** &fn: the address of a user function in the process's text. */
  fnaddr(fn: UserCode): number;
  /** An instruction fetch at addr: the user function there; a bad target faults (SIGSEGV). */
  text_at(addr: number): UserCode;
  /**
   * A call to kernel text (what PrivBox's box code does to reach the gate): allowed only at
   * CPL 0, a fault otherwise. The callee gets the current task and the seven registers.
   */
  kcall(addr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number): SyscallResult;
  /**
   * RDTSC (x86_64) / MRS CNTVCT_EL0 (arm64), allowed in user mode as Linux leaves them: the
   * time-stamp counter, ticking at COUNTER_HZ (kernel/include/vdso/datapage.ts). The vDSO's
   * clock reads use it with the [vvar] page instead of a syscall.
   */
  rdtsc(): number;
  /** The current privilege level of this task's code: 3 in user mode, 0 in a PrivBox. */
  cpl(): number;
  /** ARMv8.3 pointer authentication (PAC_* ops below, key index 0..4 = IA IB DA DB GA); #UD on x86_64. */
  pac(op: number, key: number, ptr: bigint, modifier: bigint): bigint;
  /** mov %cr0 (read / write): #GP at CPL 3. */
  read_cr0(): number;
  write_cr0(v: number): void;
  /** A caller-saved register as box code sees it after a gate call (PrivBox's scrub). */
  box_reg(i: number): number;
  /** An identity of the task's address space, for per-process state threads share (malloc, stdio). */
  mm_id(): number;
  /**
   * The C library instance PrivBox hands to box entry points of this task (kerncall_spawn's
   * fn(libc, arg)); the kernel keeps it without ever touching it.
   */
  set_box_libc(lc: object): void;
  /**
   * An exception nobody caught (crt0's last resort): the kernel logs `what` and the process dies
   * of SIGSEGV, as a crash. Does not return.
   */
  crash(what: string): never;
  /** Is e the marker thrown when the task ended under user code? */
  is_unwind(e: unknown): boolean;
}

/** pac() operations. */
export const PAC_SIGN = 0, PAC_AUTH = 1, PAC_STRIP_I = 2, PAC_STRIP_D = 3, PAC_GENERIC = 4;
/** pac() keys. */
export const PAC_KEY_IA = 0, PAC_KEY_IB = 1, PAC_KEY_DA = 2, PAC_KEY_DB = 3, PAC_KEY_GA = 4;

/**
 * How a task enters an image's entry point. ENTRY_BOX: an exec of an SFI image (box code), whose
 * main crt0 runs in a PrivBox (kerncall_spawn) after initialising libc in user mode.
 */
export const ENTRY_EXEC = 0, ENTRY_CLONE = 1, ENTRY_BOX = 2;

/** An image's entry point (_start, and the child side of its clone stub). */
export type UserEntry = (door: CpuDoor, how: number) => unknown;
