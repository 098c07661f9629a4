/**
 * fdcap's syscall hooks, generic by argument position: a table says, for each syscall name,
 * which arguments are fds (consumed: authenticated, then replaced by the plain fd) and how the
 * call creates fds (its return value, or two ints written to a user array). The hooks wrap
 * whatever function sys_call_table pointed at when they were installed, calling it through
 * its address, so they work on any implementation of those syscalls.
 *
 * A consumed argument that names a protected fd must be a token that authenticates under the
 * current context and names an fd owned by that context; otherwise the real call does not run:
 * EBADF (policy "ebadf") or SIGKILL (policy "kill", like FEAT_FPAC ending the process at a
 * failed AUT). Negative values (AT_FDCWD, -1) and unprotected fds pass through unchanged.
 */
import { EBADF } from '../../include/uapi/errno.ts';
import { F_DUPFD, F_DUPFD_CLOEXEC } from '../../include/uapi/fcntl.ts';
import { MAP_ANONYMOUS } from '../../include/uapi/mman.ts';
import { SIGKILL } from '../../include/uapi/signal.ts';
import type { FilesStruct } from '../../fs/fdtable.ts';
import type { SysRet } from '../../fs/fs_types.ts';
import { get_user_u32, put_user_u32 } from '../../mm/uaccess.ts';
import { KERN_WARNING } from '../../printk.ts';
import { force_sig } from '../../sched/signal.ts';
import type { Task } from '../../sched/task.ts';
import { resolve_kernel_call } from '../../syscalls/entry.ts';
import type { SyscallFn } from '../../syscalls/syscall_def.ts';
import { C } from '../../time/cost.ts';
import {
  OPS_CLOSE_RET, OPS_CREATED, OPS_FCNTL_CMD, OPS_FD_ARG, OPS_HOOK_CALL, OPS_MMAP_FLAGS, OPS_OWNER_CHECK,
  OPS_RET_DISPATCH, OPS_STATE_LOOKUP, OPS_TOKEN_DECODE,
} from './cost.ts';
import { type FdcapProc, fd_fits, fdcap_auth, fdcap_sign } from './context.ts';
import { for_each_scm_fd } from './scm.ts';
import { FDCAP_FD_MASK, FDCAP_PAC_MASK, FDCAP_PAC_SHIFT, FDCAP_POLICY_KILL } from './uapi.ts';

/** How a syscall uses fds. `fds`: positions of fd arguments (at most two). */
export interface HookSpec {
  readonly fds: readonly number[];
  /** 'ret': the return value is a new fd; 'pair': two ints at the user pointer in `pair_arg`. */
  readonly creates?: 'ret' | 'pair';
  readonly pair_arg?: number;
  /** Special cases: mmap's fd only matters without MAP_ANONYMOUS; fcntl F_DUPFD* creates. */
  readonly kind?: 'mmap' | 'fcntl' | 'close' | 'sendmsg' | 'recvmsg';
}

const C0: HookSpec = { fds: [0] };
const RET: HookSpec = { fds: [], creates: 'ret' };
const RET0: HookSpec = { fds: [0], creates: 'ret' };
const AT02: HookSpec = { fds: [0, 2] };

/** Every fd-creating and fd-consuming syscall fdcap hooks (names of the arch tables). */
export const FDCAP_HOOKS: Readonly<Record<string, HookSpec>> = {
  // creating
  open: RET, creat: RET, openat: RET0, openat2: RET0, dup: RET0,
  dup2: { fds: [0, 1], creates: 'ret' }, dup3: { fds: [0, 1], creates: 'ret' },
  accept: RET0, accept4: RET0, socket: RET, epoll_create: RET, epoll_create1: RET,
  eventfd: RET, eventfd2: RET, signalfd: RET0, signalfd4: RET0, timerfd_create: RET,
  memfd_create: RET, inotify_init: RET, inotify_init1: RET,
  pipe: { fds: [], creates: 'pair', pair_arg: 0 }, pipe2: { fds: [], creates: 'pair', pair_arg: 0 },
  socketpair: { fds: [], creates: 'pair', pair_arg: 3 },
  fcntl: { fds: [0], kind: 'fcntl' },
  // consuming
  read: C0, write: C0, pread64: C0, pwrite64: C0, readv: C0, writev: C0, preadv: C0, pwritev: C0,
  preadv2: C0, pwritev2: C0, lseek: C0, close: { fds: [0], kind: 'close' }, fstat: C0, newfstat: C0,
  ioctl: C0, getdents64: C0, getdents: C0, fsync: C0, fdatasync: C0, ftruncate: C0, fallocate: C0,
  fadvise64: C0, sendfile: { fds: [0, 1] }, sendfile64: { fds: [0, 1] }, mmap: { fds: [4], kind: 'mmap' },
  epoll_ctl: AT02, epoll_wait: C0, epoll_pwait: C0, epoll_pwait2: C0,
  sendto: C0, recvfrom: C0, sendmsg: { fds: [0], kind: 'sendmsg' }, recvmsg: { fds: [0], kind: 'recvmsg' }, sendmmsg: C0, recvmmsg: C0, bind: C0, listen: C0,
  connect: C0, shutdown: C0, getsockopt: C0, setsockopt: C0, getsockname: C0, getpeername: C0,
  fchdir: C0, fchmod: C0, fchown: C0, flock: C0, fstatfs: C0, syncfs: C0, sync_file_range: C0,
  splice: AT02, tee: { fds: [0, 1] }, copy_file_range: AT02, vmsplice: C0, timerfd_settime: C0,
  timerfd_gettime: C0, inotify_add_watch: C0, inotify_rm_watch: C0,
  // the *at calls (dirfd)
  mkdirat: C0, mknodat: C0, unlinkat: C0, renameat: AT02, renameat2: AT02, linkat: AT02, symlinkat: { fds: [1] },
  readlinkat: C0, fchmodat: C0, fchmodat2: C0, fchownat: C0, faccessat: C0, faccessat2: C0, utimensat: C0,
  futimesat: C0, newfstatat: C0, statx: C0, execveat: C0, name_to_handle_at: C0,
};

/** What the hooks share: per-process state, keyed by the fd table it protects. */
export interface HookEnv {
  readonly procs: WeakMap<FilesStruct, FdcapProc>;
}

/** A failed check: logged with pid, syscall and fd; EBADF, or SIGKILL under the kill policy. */
function deny(t: Task, p: FdcapProc, name: string, v: number, why: string): number {
  p.nr_failed++;
  const kill = p.policy === FDCAP_POLICY_KILL;
  t.kernel.printk(KERN_WARNING, `fdcap: pid ${t.pid} (${t.comm}) ${name}: fd ${v & FDCAP_FD_MASK} token 0x${(v >>> 0).toString(16)} ${why}${kill ? ', killing' : ''}`);
  if (kill) force_sig(t, SIGKILL);
  return -EBADF;
}

/**
 * The plain fd for argument value v, or NaN when the check fails (after deny). Values that do
 * not name a protected fd are returned unchanged.
 */
function check_fd(t: Task, p: FdcapProc, name: string, v: number): number {
  const cpu = t.kernel.cpu;
  cpu.charge_n(C.kernel_op, OPS_FD_ARG);
  if (v < 0) return v;
  const fd = v & FDCAP_FD_MASK;
  const owner = p.owner_of(t, fd);
  if (owner === null) return v;
  cpu.charge_n(C.kernel_op, OPS_TOKEN_DECODE);
  const ctx = p.current;
  if (ctx === null) { deny(t, p, name, v, 'outside any context'); return NaN; }
  if (!fdcap_auth(t, fd, (v >>> FDCAP_PAC_SHIFT) & FDCAP_PAC_MASK, ctx)) { deny(t, p, name, v, 'failed authentication'); return NaN; }
  cpu.charge_n(C.kernel_op, OPS_OWNER_CHECK);
  if (owner !== ctx) { deny(t, p, name, v, `belongs to context ${owner.id}, not ${ctx.id}`); return NaN; }
  p.nr_verified++;
  return fd;
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

/** pipe2/socketpair: rewrites the two fds the real call stored at uptr. */
function created_pair(t: Task, p: FdcapProc, ret: number, uptr: number): number {
  if (ret < 0) return ret;
  for (let i = 0; i < 2; i++) {
    const fd = get_user_u32(t, uptr + i * 4);
    if (fd === undefined) return ret;
    const tok = created(t, p, fd | 0);
    if (tok !== fd) put_user_u32(t, uptr + i * 4, tok);
  }
  return ret;
}

/**
 * sendmsg: checks every SCM_RIGHTS fd and writes the plain fd over each token in the user's
 * control buffer. Returns the (address, token) pairs to put back after the call, or null
 * when a check failed (denied and logged already).
 */
function scm_check(t: Task, p: FdcapProc, umsg: number): number[] | null {
  const undo: number[] = [];
  let ok = true;
  for_each_scm_fd(t, umsg, (addr, v) => {
    const d = check_fd(t, p, 'sendmsg', v);
    if (d !== d) { ok = false; return false; }
    if (d !== v) { put_user_u32(t, addr, d); undo.push(addr, v); }
    return true;
  });
  if (!ok) scm_restore(t, undo);
  return ok ? undo : null;
}

function scm_restore(t: Task, undo: number[]): void {
  for (let i = 0; i < undo.length; i += 2) put_user_u32(t, undo[i], undo[i + 1]);
}

/** recvmsg: the fds the original installed become tokens inside a context. */
function scm_created(t: Task, p: FdcapProc, umsg: number, r: number): number {
  if (r < 0) return r;
  for_each_scm_fd(t, umsg, (addr, fd) => {
    const tok = created(t, p, fd);
    if (tok !== fd) put_user_u32(t, addr, tok);
    return true;
  });
  return r;
}

/** After the original: puts tokens back (sendmsg) or signs received fds (recvmsg). */
function scm_after(t: Task, p: FdcapProc, kind: 'sendmsg' | 'recvmsg', umsg: number, undo: number[] | null, r: SysRet): SysRet {
  const fin = (v: number): number => {
    if (kind === 'sendmsg') { if (undo) scm_restore(t, undo); return v; }
    return scm_created(t, p, umsg, v);
  };
  return typeof r === 'number' ? fin(r) : r.then(fin);
}

const arg = (i: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): number =>
  i === 0 ? a0 : i === 1 ? a1 : i === 2 ? a2 : i === 3 ? a3 : i === 4 ? a4 : a5;

/** Builds the hook for one syscall around the original entry at orig_addr. */
export function make_hook(env: HookEnv, name: string, spec: HookSpec, orig_addr: number): SyscallFn {
  const p0 = spec.fds.length > 0 ? spec.fds[0] : -1;
  const p1 = spec.fds.length > 1 ? spec.fds[1] : -1;
  const creates = spec.creates, kind = spec.kind, pair_arg = spec.pair_arg ?? 0;
  return function fdcap_hook(t: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet {
    const cpu = t.kernel.cpu;
    cpu.charge_n(C.kernel_op, OPS_HOOK_CALL + OPS_STATE_LOOKUP);
    const orig = resolve_kernel_call(t, orig_addr);
    const p = env.procs.get(t.files);
    if (p === undefined) return orig(t, a0, a1, a2, a3, a4, a5);
    if (kind === 'mmap') cpu.charge_n(C.kernel_op, OPS_MMAP_FLAGS);
    for (let k = 0; k < 2; k++) {
      const pos = k === 0 ? p0 : p1;
      if (pos < 0) break;
      if (kind === 'mmap' && a3 & MAP_ANONYMOUS) break;
      const v = arg(pos, a0, a1, a2, a3, a4, a5) | 0;
      const d = check_fd(t, p, name, v);
      if (d !== d) return -EBADF;
      if (pos === 0) a0 = d; else if (pos === 1) a1 = d; else if (pos === 2) a2 = d; else if (pos === 4) a4 = d; else a3 = d;
    }
    if (kind === 'sendmsg' || kind === 'recvmsg') {
      const undo = kind === 'sendmsg' ? scm_check(t, p, a1) : null;
      if (kind === 'sendmsg' && undo === null) return -EBADF;
      cpu.charge_n(C.kernel_op, OPS_RET_DISPATCH);
      return scm_after(t, p, kind, a1, undo, orig(t, a0, a1, a2, a3, a4, a5));
    }
    const r = orig(t, a0, a1, a2, a3, a4, a5);
    cpu.charge_n(C.kernel_op, OPS_RET_DISPATCH + (kind === 'fcntl' ? OPS_FCNTL_CMD : kind === 'close' ? OPS_CLOSE_RET : 0));
    const makes = creates ?? (kind === 'fcntl' && (a1 >>> 0 === F_DUPFD || a1 >>> 0 === F_DUPFD_CLOEXEC) ? 'ret' : undefined);
    if (makes === undefined) {
      if (kind === 'close' && r === 0) p.protect(t, a0, null);
      return r;
    }
    const uptr = arg(pair_arg, a0, a1, a2, a3, a4, a5);
    if (typeof r === 'number') return makes === 'ret' ? created(t, p, r) : created_pair(t, p, r, uptr);
    return r.then((v) => (makes === 'ret' ? created(t, p, v) : created_pair(t, p, v, uptr)));
  };
}
