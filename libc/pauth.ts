/**
 * The ARMv8.3 pointer-authentication instructions for user programs (what a C program gets
 * from <arm_acle.h> / inline asm: __builtin_arm_pacia and friends), on BigInt 64-bit values,
 * executed with the process's own keys; and prctl(2), for PR_PAC_RESET_KEYS.
 *
 * Each instruction charges one pac_insn. On x86_64 they are undefined instructions: the
 * process gets SIGILL (#UD). A failed AUT* returns the poisoned pointer, or raises SIGILL
 * when the machine has FEAT_FPAC (ptrauth_set_fpac).
 */
import { pac_generic, pac_sign, pac_strip, user_aut, type KeyName } from '../kernel/arch/arm64/pointer_auth.ts';
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { SIGILL } from '../kernel/include/uapi/signal.ts';
import { KERN_INFO } from '../kernel/printk.ts';
import { do_group_exit } from '../kernel/sched/exit.ts';
import { force_sig } from '../kernel/sched/signal.ts';
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

/** #UD on a CPU without the instruction: SIGILL, the process cannot resume it. */
function need_pauth(lc: Libc): void {
  const t = lc.task;
  if (t.kernel.arch.name === 'arm64') return;
  t.kernel.printk(KERN_INFO, `traps: ${t.comm}[${t.pid}] trap invalid opcode (pointer authentication instruction on ${t.kernel.arch.name})`);
  force_sig(t, SIGILL);
  do_group_exit(t, SIGILL);
}

function sign(key: KeyName) {
  return function (this: Libc, ptr: bigint, modifier: bigint): bigint { need_pauth(this); return pac_sign(this.task, key, ptr, modifier); };
}
function aut(key: KeyName) {
  return function (this: Libc, ptr: bigint, modifier: bigint): bigint { need_pauth(this); return user_aut(this.task, key, ptr, modifier); };
}

L.pacia = sign('apia'); L.pacib = sign('apib'); L.pacda = sign('apda'); L.pacdb = sign('apdb');
L.autia = aut('apia'); L.autib = aut('apib'); L.autda = aut('apda'); L.autdb = aut('apdb');
L.xpaci = function (ptr) { need_pauth(this); return pac_strip(this.task, false, ptr); };
L.xpacd = function (ptr) { need_pauth(this); return pac_strip(this.task, true, ptr); };
L.pacga = function (x, modifier) { need_pauth(this); return pac_generic(this.task, x, modifier); };

L.prctl = function (option, a2 = 0, a3 = 0, a4 = 0, a5 = 0) { return this.ret(this.raw(this.SYS.prctl, option, a2, a3, a4, a5)); };
