/**
 * fdcap's syscall hooks, derived from the syscall table's declared argument types
 * (SyscallDef.args, kernel/syscalls/syscall_def.ts): every implemented syscall with an argument
 * that names fds — 'fd', 'atfd', 'fdrange', 'pollfds', 'fd_set', 'msghdr_in' — or through which
 * it hands out new ones — `ret_fd`, 'fdpair', 'msghdr_out', 'fcntl_cmd' — is hooked, so a
 * syscall is covered the day it is declared. The hooks wrap whatever function sys_call_table
 * pointed at when they were installed, calling it through its address.
 *
 * A used fd that names a protected fd must be a token that authenticates under the current
 * context and names an fd owned by that context; otherwise the real call does not run
 * (./policy.ts decides what else happens). Negative values (AT_FDCWD, -1) and unprotected fds
 * pass through unchanged. Where the fds sit in user memory (struct pollfd, SCM_RIGHTS), the
 * hook writes the plain fd over each token for the duration of the call and puts the tokens
 * back afterwards, as syscall-hooking modules must (the original reads them with
 * copy_from_user). An fd_set bit or a close_range range cannot carry a code: a protected fd
 * named there must belong to the current context (the deterministic check alone).
 */
import { EBADF } from '../../include/uapi/errno.ts';
import { F_DUPFD, F_DUPFD_CLOEXEC } from '../../include/uapi/fcntl.ts';
import { MAP_ANONYMOUS } from '../../include/uapi/mman.ts';
import type { SysRet } from '../../fs/fs_types.ts';
import { RLIMIT_NOFILE } from '../../fs/file_table.ts';
import { copy_from_user, get_user_u32, put_user_u32 } from '../../mm/uaccess.ts';
import type { Task } from '../../sched/task.ts';
import { KernelCallCache } from '../../syscalls/entry.ts';
import { arg_fmts } from '../../syscalls/decode.ts';
import { type ArgFmt, FD_NEW_ARGS, FD_USE_ARGS, type SyscallDef, type SyscallFn } from '../../syscalls/syscall_def.ts';
import { C } from '../../time/cost.ts';
import {
  OPS_CREATED, OPS_FCNTL_CMD, OPS_FD_ARG, OPS_HOOK_CALL, OPS_MMAP_FLAGS, OPS_OWNER_CHECK, OPS_RET_DISPATCH,
  OPS_STATE_LOOKUP, OPS_TOKEN_DECODE,
} from './cost.ts';
import { type FdcapProc, fd_fits, fdcap_auth, fdcap_sign } from './context.ts';
import { type FdcapEnv, fdcap_fail } from './policy.ts';
import { for_each_scm_fd } from './scm.ts';
import { FDCAP_FD_MASK, FDCAP_PAC_MASK, FDCAP_PAC_SHIFT } from '../../include/uapi/fdcap.ts';
import { sys_then } from '../../sched/wait.ts';
import { as_user_ptr, USER_NULL, user_ptr_add, type UserPtr } from '../../include/linux/compiler_types.ts';

/** How one syscall uses fds, read off its declaration. Positions are argument indexes, -1: none. */
export interface HookSpec {
  /** 'fd' and 'atfd' arguments: authenticated, then replaced by the plain fd. */
  readonly fds: readonly number[];
  /** 'fdrange': the first of two arguments [first, last]. */
  readonly range: number;
  /** 'pollfds' (its count is the next argument) and 'msghdr_in': fds in user memory. */
  readonly pollfds: number;
  readonly msg_in: number;
  /** 'fd_set' arguments (nfds is argument 0). */
  readonly fd_sets: readonly number[];
  /** 'mapflags': MAP_ANONYMOUS there means the 'fd' arguments are ignored. */
  readonly mapflags: number;
  /** New fds: the return value, an int[2], received SCM_RIGHTS, fcntl's F_DUPFD*. */
  readonly ret_fd: boolean;
  readonly fdpair: number;
  readonly msg_out: number;
  readonly fcntl_cmd: number;
}

/** The hook a syscall needs, from its declaration; null when it neither uses nor makes fds. */
export function hook_spec(def: SyscallDef): HookSpec | null {
  const args = arg_fmts(def);
  if (!def.ret_fd && !args.some((a) => FD_USE_ARGS.includes(a) || FD_NEW_ARGS.includes(a))) return null;
  const where = (...kinds: ArgFmt[]): number[] => args.flatMap((a, i) => (kinds.includes(a) ? [i] : []));
  const one = (kind: ArgFmt): number => args.indexOf(kind);
  return {
    fds: where('fd', 'atfd'), range: one('fdrange'), pollfds: one('pollfds'), msg_in: one('msghdr_in'),
    fd_sets: where('fd_set'), mapflags: one('mapflags'), ret_fd: def.ret_fd === true, fdpair: one('fdpair'),
    msg_out: one('msghdr_out'), fcntl_cmd: one('fcntl_cmd'),
  };
}

/** A failed check of fd argument v: logged, counted, the policy applied. */
function deny(t: Task, env: FdcapEnv, p: FdcapProc, name: string, v: number, why: string): void {
  fdcap_fail(t, env, p, `${name}: fd ${v & FDCAP_FD_MASK} token 0x${(v >>> 0).toString(16)} ${why}`);
}

/**
 * The plain fd for argument value v, or NaN when the check fails (after deny). Values that do
 * not name a protected fd are returned unchanged.
 */
function check_fd(t: Task, env: FdcapEnv, p: FdcapProc, name: string, v: number): number {
  const cpu = t.kernel.cpu;
  cpu.charge_n(C.kernel_op, OPS_FD_ARG);
  if (v < 0) return v;
  const fd = v & FDCAP_FD_MASK;
  const owner = p.owner_of(t, fd);
  if (owner === null) return v;
  cpu.charge_n(C.kernel_op, OPS_TOKEN_DECODE);
  const ctx = p.current;
  if (ctx === null) { deny(t, env, p, name, v, 'outside any context'); return NaN; }
  if (!fdcap_auth(t, fd, (v >>> FDCAP_PAC_SHIFT) & FDCAP_PAC_MASK, ctx)) { deny(t, env, p, name, v, 'failed authentication'); return NaN; }
  cpu.charge_n(C.kernel_op, OPS_OWNER_CHECK);
  if (owner !== ctx) { deny(t, env, p, name, v, `belongs to context ${owner.id}, not ${ctx.id}`); return NaN; }
  p.nr_verified++;
  return fd;
}

/** A protected fd named without a token (fd_set bit, close_range): it must be the current context's. */
function check_owned(t: Task, env: FdcapEnv, p: FdcapProc, name: string, fd: number): boolean {
  t.kernel.cpu.charge_n(C.kernel_op, OPS_FD_ARG);
  const owner = p.owner_of(t, fd);
  if (owner === null || owner === p.current) return true;
  deny(t, env, p, name, fd, p.current === null ? 'outside any context' : `belongs to context ${owner.id}, not ${p.current.id}`);
  return false;
}

/** close_range(first, last): every protected fd in the range must belong to the current context. */
function check_range(t: Task, env: FdcapEnv, p: FdcapProc, name: string, first: number, last: number): boolean {
  const end = Math.min(last >>> 0, p.owner.length - 1);
  for (let fd = first >>> 0; fd <= end; fd++) if (!check_owned(t, env, p, name, fd)) return false;
  return true;
}

/** select's fd_set at uset (nfds bits): every set bit naming a protected fd must be the context's. */
function check_fd_set(t: Task, env: FdcapEnv, p: FdcapProc, name: string, nfds: number, uset: UserPtr): boolean {
  if (!uset) return true;
  const bit = new Uint8Array(1);
  const end = Math.min(nfds | 0, p.owner.length);
  for (let fd = 0; fd < end; fd++) {
    if (!p.owner[fd]) continue;
    if (copy_from_user(t, bit, 0, user_ptr_add(uset, (fd >> 3)), 1)) return true; // the original reports EFAULT
    if (bit[0] & (1 << (fd & 7)) && !check_owned(t, env, p, name, fd)) return false;
  }
  return true;
}

/**
 * Checks every fd slot of a struct pollfd array (or of SCM_RIGHTS cmsgs) and writes the plain fd
 * over each token. Returns the (address, token) pairs to put back after the call, or null when a
 * check failed (denied, and the buffer restored already).
 */
function rewrite_fds(t: Task, env: FdcapEnv, p: FdcapProc, name: string, walk: (fn: (addr: UserPtr, v: number) => boolean) => void): number[] | null {
  const undo: number[] = [];
  let ok = true;
  walk((addr, v) => {
    const d = check_fd(t, env, p, name, v);
    if (d !== d) { ok = false; return false; }
    if (d !== v) { put_user_u32(t, addr, d); undo.push(addr, v); }
    return true;
  });
  if (!ok) restore_fds(t, undo);
  return ok ? undo : null;
}

function restore_fds(t: Task, undo: number[]): void {
  for (let i = 0; i < undo.length; i += 2) put_user_u32(t, as_user_ptr(undo[i]), undo[i + 1]); // addresses rewrite_fds wrote
}

/** The fd slots of nfds struct pollfd at ufds (stops at a fault or past RLIMIT_NOFILE: the original fails). */
function for_each_pollfd(t: Task, ufds: UserPtr, nfds: number, fn: (addr: UserPtr, v: number) => boolean): void {
  if (nfds >>> 0 > t.rlim[RLIMIT_NOFILE].cur) return;
  for (let i = 0; i < nfds >>> 0; i++) {
    if (get_user_u32(t, user_ptr_add(ufds, i * 8)) || !fn(user_ptr_add(ufds, i * 8), t.cpu.uval | 0)) return;
  }
}

/** A new fd from the real call: protected and returned as a token inside a context. */
function created(t: Task, p: FdcapProc, fd: number): number {
  t.kernel.cpu.charge_n(C.kernel_op, OPS_CREATED);
  if (fd < 0) return fd;
  const ctx = p.current;
  if (ctx === null || !fd_fits(fd)) { p.protect(t, fd, null); return fd; }
  p.protect(t, fd, ctx);
  return fdcap_sign(t, p, fd, ctx);
}

/** New fds the real call wrote to user memory (int[2], SCM_RIGHTS): each becomes a token in place. */
function created_in_memory(t: Task, p: FdcapProc, addr: UserPtr, fd: number): boolean {
  const tok = created(t, p, fd);
  if (tok !== fd) put_user_u32(t, addr, tok);
  return true;
}

function created_pair(t: Task, p: FdcapProc, uptr: UserPtr): void {
  for (let i = 0; i < 2; i++) {
    if (get_user_u32(t, user_ptr_add(uptr, i * 4))) return;
    created_in_memory(t, p, user_ptr_add(uptr, i * 4), t.cpu.uval | 0);
  }
}

const arg = (i: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): number =>
  i === 0 ? a0 : i === 1 ? a1 : i === 2 ? a2 : i === 3 ? a3 : i === 4 ? a4 : a5;
/** A pointer argument: the hook sits in sys_call_table, before the decoder, so it reads the raw register. */
const uarg = (i: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): UserPtr =>
  as_user_ptr(arg(i, a0, a1, a2, a3, a4, a5));

/** Does the call hand out new fds (cmd: the 'fcntl_cmd' argument, if it has one)? */
function makes_fds(spec: HookSpec, cmd: number): boolean {
  if (spec.ret_fd || spec.fdpair >= 0 || spec.msg_out >= 0) return true;
  return spec.fcntl_cmd >= 0 && (cmd >>> 0 === F_DUPFD || cmd >>> 0 === F_DUPFD_CLOEXEC);
}

/** The fds in user memory (struct pollfd[count] or a msghdr's SCM_RIGHTS at ptr), rewritten. */
function memory_fds(t: Task, env: FdcapEnv, p: FdcapProc, name: string, spec: HookSpec, ptr: UserPtr, count: number): number[] | null {
  return spec.pollfds >= 0
    ? rewrite_fds(t, env, p, name, (fn) => for_each_pollfd(t, ptr, count, fn))
    : rewrite_fds(t, env, p, name, (fn) => { for_each_scm_fd(t, ptr, fn); });
}

/** After the real call: tokens put back, new fds signed. */
function after_call(t: Task, p: FdcapProc, spec: HookSpec, undo: number[] | null, makes: boolean, r: number, uptr: UserPtr): number {
  if (undo !== null) restore_fds(t, undo);
  if (!makes || r < 0) return r;
  if (spec.fdpair >= 0) { created_pair(t, p, uptr); return r; }
  if (spec.msg_out >= 0) { for_each_scm_fd(t, uptr, (addr, fd) => created_in_memory(t, p, addr, fd)); return r; }
  return created(t, p, r);
}


/**
 * Builds the hook for one syscall around the original entry at orig_addr. The hook itself
 * creates no closure (a0..a5 stay in registers): the common case, fd arguments only, allocates
 * nothing.
 */
export function make_hook(env: FdcapEnv, name: string, spec: HookSpec, orig_addr: number): SyscallFn {
  const fds = spec.fds, nfds = fds.length, sets = spec.fd_sets;
  const mem = spec.pollfds >= 0 ? spec.pollfds : spec.msg_in;
  const out_arg = spec.fdpair >= 0 ? spec.fdpair : spec.msg_out;
  const orig_call = new KernelCallCache(orig_addr);
  return function fdcap_hook(t: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet {
    const cpu = t.kernel.cpu;
    cpu.charge_n(C.kernel_op, OPS_HOOK_CALL + OPS_STATE_LOOKUP);
    const orig = orig_call.resolve(t);
    const p = env.procs.get(t.files);
    if (p === undefined) return orig(t, a0, a1, a2, a3, a4, a5);
    if (spec.mapflags >= 0) cpu.charge_n(C.kernel_op, OPS_MMAP_FLAGS);
    const anon = spec.mapflags >= 0 && (arg(spec.mapflags, a0, a1, a2, a3, a4, a5) & MAP_ANONYMOUS) !== 0;
    for (let i = 0; i < nfds && !anon; i++) {
      const pos = fds[i];
      const d = check_fd(t, env, p, name, arg(pos, a0, a1, a2, a3, a4, a5) | 0);
      if (d !== d) return -EBADF;
      if (pos === 0) a0 = d; else if (pos === 1) a1 = d; else if (pos === 2) a2 = d;
      else if (pos === 3) a3 = d; else if (pos === 4) a4 = d; else a5 = d;
    }
    if (spec.range >= 0 && !check_range(t, env, p, name, arg(spec.range, a0, a1, a2, a3, a4, a5), arg(spec.range + 1, a0, a1, a2, a3, a4, a5))) return -EBADF;
    for (let i = 0; i < sets.length; i++) if (!check_fd_set(t, env, p, name, a0, uarg(sets[i], a0, a1, a2, a3, a4, a5))) return -EBADF;
    let undo: number[] | null = null;
    if (mem >= 0) {
      undo = memory_fds(t, env, p, name, spec, uarg(mem, a0, a1, a2, a3, a4, a5), arg(mem + 1, a0, a1, a2, a3, a4, a5));
      if (undo === null) return -EBADF;
    }
    const makes = makes_fds(spec, spec.fcntl_cmd >= 0 ? arg(spec.fcntl_cmd, a0, a1, a2, a3, a4, a5) : 0);
    const r = orig(t, a0, a1, a2, a3, a4, a5);
    cpu.charge_n(C.kernel_op, OPS_RET_DISPATCH + (spec.fcntl_cmd >= 0 ? OPS_FCNTL_CMD : 0));
    if (undo === null && !makes) return r;
    const uptr = out_arg >= 0 ? uarg(out_arg, a0, a1, a2, a3, a4, a5) : USER_NULL;
    // No closure on the common, synchronous path (the hook runs on every fd-taking syscall).
    return typeof r === 'number' ? after_call(t, p, spec, undo, makes, r, uptr) : sys_then(t, r, (v) => after_call(t, p, spec, undo, makes, v, uptr));
  };
}
