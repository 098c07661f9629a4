/**
 * Syscall descriptions for the fuzzer, derived from the running kernel's table: each call's
 * argument kinds are its SyscallDef's declared `args` (the types strace and fdcap already use),
 * and the resources it produces follow from `ret_fd`, `ret_hex` and an 'fdpair' argument — no
 * hand list per call (syzkaller writes descriptions by hand; privos's table already has them).
 */
import type { Kernel } from '../../kernel/kernel.ts';
import type { ArgFmt, SyscallDef } from '../../kernel/syscalls/syscall_def.ts';
import { arg_fmts } from '../../kernel/syscalls/decode.ts';
import { RET } from './prog.ts';

/** What a result can stand for when a later call consumes it. */
export type ResKind = 'fd' | 'addr' | 'pid';

/** Calls the fuzzer never makes: they end or replace the process, multiply it, or stop it. */
export const SKIP: ReadonlySet<string> = new Set(['exit', 'exit_group', 'execve', 'execveat', 'clone', 'clone3', 'fork',
  'vfork', 'rt_sigreturn', 'kill', 'tkill', 'tgkill', 'reboot', 'pause', 'rt_sigsuspend']);

/** Calls whose return value is a process or group id (they take no arguments). */
const PID_RETURNING = /^(get(p?pid|tid|pgrp)|setsid)$/;

/** A result a call produces: its return value (sub RET) or element `sub` of its int[2]. */
export interface Produced { readonly kind: ResKind; readonly sub: number }

export interface CallDesc {
  readonly name: string;
  readonly nr: number;
  /** Declared argument kinds; a call that declares none gets three generic ones. */
  readonly args: readonly ArgFmt[];
  readonly produces: readonly Produced[];
}

const GENERIC: readonly ArgFmt[] = ['int', 'int', 'int'];

function produces(def: SyscallDef): Produced[] {
  if (def.ret_fd) return [{ kind: 'fd', sub: RET }];
  if (def.ret_hex) return [{ kind: 'addr', sub: RET }];
  if (arg_fmts(def).includes('fdpair')) return [{ kind: 'fd', sub: 0 }, { kind: 'fd', sub: 1 }];
  if (PID_RETURNING.test(def.name)) return [{ kind: 'pid', sub: RET }];
  return [];
}

/** The descriptions of every implemented, fuzzable syscall of kernel `k`'s architecture. */
export function describe_syscalls(k: Kernel): CallDesc[] {
  const out: CallDesc[] = [];
  k.syscall_defs.forEach((def, nr) => {
    if (!def || SKIP.has(def.name) || k.arch.syscall_names[nr] !== def.name) return;
    out.push({ name: def.name, nr, args: def.args ? arg_fmts(def) : GENERIC, produces: produces(def) });
  });
  return out;
}

/** name → description. */
export function desc_index(descs: readonly CallDesc[]): ReadonlyMap<string, CallDesc> {
  return new Map(descs.map((d) => [d.name, d]));
}
