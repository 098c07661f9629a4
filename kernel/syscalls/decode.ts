/**
 * The argument decoding SYSCALL_DEFINE generates (include/linux/syscalls.h: __MAP, __SC_CAST;
 * arch/x86/include/asm/syscall_wrapper.h: the __x64_sys_* wrapper of a __se_sys_* that casts
 * each register to its declared type): made once per syscall when the table is built, from
 * SyscallDef.args, so that no handler converts its own argument widths.
 *
 * A register arrives as a JS number. An 'int' argument is its low 32 bits sign-extended
 * (`v | 0`), an 'unsigned int' one zero-extended (`v >>> 0`); 64-bit types and pointers pass as
 * they are. A syscall whose arguments are all 64-bit gets no wrapper at all; the others get one
 * closure made here, whose per-argument choices are constants of that closure (no allocation,
 * no closure, no BigInt per call).
 */
import type { SysRet } from '../fs/fs_types.ts';
import type { Task } from '../sched/task.ts';
import { type ArgDecl, type ArgFmt, type ArgSpec, type CType, DEFAULT_CTYPE, IMPLIED_FMT, type SyscallDef, type SyscallFn } from './syscall_def.ts';

/** One argument's declaration resolved: 'unsigned int fd', 'size_t' or 'fd'. */
export function arg_spec(d: ArgDecl): ArgSpec {
  if (d in IMPLIED_FMT) return { type: d as CType, fmt: IMPLIED_FMT[d as CType] };
  const sp = d.lastIndexOf(' ');
  if (sp > 0) return { type: d.slice(0, sp) as CType, fmt: d.slice(sp + 1) as ArgFmt };
  return { type: DEFAULT_CTYPE[d as ArgFmt], fmt: d as ArgFmt };
}

/** A definition's arguments, resolved (an unknown declaration fails at boot, in check_syscall_defs). */
export function arg_specs(def: SyscallDef): readonly ArgSpec[] {
  return (def.args ?? []).map(arg_spec);
}

/** The print formats of a definition's arguments, in order. */
export function arg_fmts(def: SyscallDef): readonly ArgFmt[] {
  return arg_specs(def).map((a) => a.fmt);
}

/** Whether a declaration names a known type and format (for the boot-time check). */
export function arg_decl_ok(d: string): boolean {
  if (d in IMPLIED_FMT || d in DEFAULT_CTYPE) return true;
  const sp = d.lastIndexOf(' ');
  return sp > 0 && d.slice(0, sp) in IMPLIED_FMT && d.slice(sp + 1) in DEFAULT_CTYPE;
}

const KEEP = 0, S32 = 1, U32 = 2;

function conv(type: CType | undefined): number {
  return type === 'int' ? S32 : type === 'unsigned int' ? U32 : KEEP;
}

/** __SC_CAST of one value: what a handler of that type sees for register value v (strace prints it). */
export function decode_arg(type: CType, v: number): number {
  const c = conv(type);
  return c === S32 ? v | 0 : c === U32 ? v >>> 0 : v;
}

/** The function the table holds for a definition: fn itself, or fn behind its decoder. */
export function syscall_decoder(def: SyscallDef, specs: readonly ArgSpec[]): SyscallFn {
  const c0 = conv(specs[0]?.type), c1 = conv(specs[1]?.type), c2 = conv(specs[2]?.type);
  const c3 = conv(specs[3]?.type), c4 = conv(specs[4]?.type), c5 = conv(specs[5]?.type);
  const h: SyscallFn = def.fn;
  if ((c0 | c1 | c2 | c3 | c4 | c5) === KEEP) return h;
  return (t: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet => h(t,
    c0 === S32 ? a0 | 0 : c0 === U32 ? a0 >>> 0 : a0,
    c1 === S32 ? a1 | 0 : c1 === U32 ? a1 >>> 0 : a1,
    c2 === S32 ? a2 | 0 : c2 === U32 ? a2 >>> 0 : a2,
    c3 === S32 ? a3 | 0 : c3 === U32 ? a3 >>> 0 : a3,
    c4 === S32 ? a4 | 0 : c4 === U32 ? a4 >>> 0 : a4,
    c5 === S32 ? a5 | 0 : c5 === U32 ? a5 >>> 0 : a5);
}
