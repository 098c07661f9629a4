/**
 * The ARMv8.3 pointer-authentication instructions for user programs (what a C program gets
 * from <arm_acle.h> / inline asm: __builtin_arm_pacia and friends), on BigInt 64-bit values,
 * executed with the process's own keys; and prctl(2), for PR_PAC_RESET_KEYS.
 *
 * Each instruction charges one pac_insn. On x86_64 they are undefined instructions: the
 * process gets SIGILL (#UD). A failed AUT* returns the poisoned pointer, or raises SIGILL
 * when the machine has FEAT_FPAC (ptrauth_set_fpac).
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import {
  PAC_AUTH, PAC_GENERIC, PAC_KEY_DA, PAC_KEY_DB, PAC_KEY_GA, PAC_KEY_IA, PAC_KEY_IB, PAC_SIGN, PAC_STRIP_D, PAC_STRIP_I,
} from '../kernel/include/uapi/cpu_door.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    pacia(ptr: bigint, modifier: bigint): bigint; pacib(ptr: bigint, modifier: bigint): bigint;
    pacda(ptr: bigint, modifier: bigint): bigint; pacdb(ptr: bigint, modifier: bigint): bigint;
    autia(ptr: bigint, modifier: bigint): bigint; autib(ptr: bigint, modifier: bigint): bigint;
    autda(ptr: bigint, modifier: bigint): bigint; autdb(ptr: bigint, modifier: bigint): bigint;
    xpaci(ptr: bigint): bigint; xpacd(ptr: bigint): bigint;
    pacga(x: bigint, modifier: bigint): bigint;
    /** prctl(2): int prctl(int option, unsigned long arg2, …). */
    prctl(option: number, a2?: number, a3?: number, a4?: number, a5?: number): SysRet;
  }
}

const L = Libc.prototype;

// Each is one instruction of the CPU (the door): #UD (SIGILL) on x86_64, as on hardware.
function sign(key: number) {
  return function (this: Libc, ptr: bigint, modifier: bigint): bigint { return this.door.pac(PAC_SIGN, key, ptr, modifier); };
}
function aut(key: number) {
  return function (this: Libc, ptr: bigint, modifier: bigint): bigint { return this.door.pac(PAC_AUTH, key, ptr, modifier); };
}

L.pacia = sign(PAC_KEY_IA); L.pacib = sign(PAC_KEY_IB); L.pacda = sign(PAC_KEY_DA); L.pacdb = sign(PAC_KEY_DB);
L.autia = aut(PAC_KEY_IA); L.autib = aut(PAC_KEY_IB); L.autda = aut(PAC_KEY_DA); L.autdb = aut(PAC_KEY_DB);
L.xpaci = function (ptr) { return this.door.pac(PAC_STRIP_I, 0, ptr, 0n); };
L.xpacd = function (ptr) { return this.door.pac(PAC_STRIP_D, 0, ptr, 0n); };
L.pacga = function (x, modifier) { return this.door.pac(PAC_GENERIC, PAC_KEY_GA, x, modifier); };

L.prctl = function (option, a2 = 0, a3 = 0, a4 = 0, a5 = 0) { return this.ret(this.raw(this.SYS.prctl, option, a2, a3, a4, a5)); };
