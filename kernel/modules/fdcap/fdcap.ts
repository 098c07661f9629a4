/**
 * fdcap — capability-based access control on file descriptors with ARM Pointer Authentication
 * (seed 003, JKIISC 33(2):319, 2023), as a loadable module.
 *
 * /dev/fdcap (a misc device) takes the ioctls of include/uapi/fdcap.ts. The first
 * FDCAP_IOC_INIT overwrites sys_call_table to hook every syscall whose declaration says it uses
 * or hands out fds (./hooks.ts); module exit puts the original entries back. Processes that
 * never called init are passed straight through. Every process that called init holds a
 * reference on the module until its last task exits, so the module cannot be removed from
 * under a protected process (delete_module: EWOULDBLOCK, "in use").
 *
 * Parameters: policy=ebadf|kill (default for processes whose init does not choose),
 * max_failures=N (failed checks a family may make before it is killed; 0: no bound),
 * enter_nonce=0|1 (bind enter's signed call site to a per-enter nonce), soft_pac=1 to load on
 * x86_64, where there is no PAuth hardware: the same QARMA-64 code runs as a software MAC,
 * charged at the profile's pac_insn (skylake: a software estimate).
 */
import { pac_auth } from '../../arch/arm64/pointer_auth.ts';
import { addr_hex } from '../../arch/cpu.ts';
import { misc_deregister, misc_register, MISC_DYNAMIC_MINOR, type MiscDevice } from '../../fs/devfs/misc.ts';
import type { File, FileOperations } from '../../fs/fs_types.ts';
import { EBUSY, EFAULT, EINVAL, ENODEV, ENOTTY, EPERM } from '../../include/uapi/errno.ts';
import type { Kernel } from '../../kernel.ts';
import { copy_from_user, copy_to_user } from '../../mm/uaccess.ts';
import { KERN_INFO, KERN_WARNING } from '../../printk.ts';
import type { Task } from '../../sched/task.ts';
import { C } from '../../time/cost.ts';
import {
  MODULE_AUTHOR, MODULE_DESCRIPTION, MODULE_LICENSE, type Module, module_exit, module_init, module_param,
  module_put, try_module_get,
} from '../module.ts';
import { FdcapCtx, FdcapFamily, FdcapProc, random_modifier } from './context.ts';
import { OPS_ENTER, OPS_EXIT, OPS_IOCTL } from './cost.ts';
import { hook_spec, make_hook } from './hooks.ts';
import { type FdcapEnv, fdcap_fail } from './policy.ts';
import { find_sys_call_table, patch_sys_call_table, read_entry } from './sys_call_table.ts';
import {
  FDCAP_ENTER_SIZE, FDCAP_INIT_SIZE, FDCAP_IOC_CREATE, FDCAP_IOC_DESTROY, FDCAP_IOC_ENTER, FDCAP_IOC_EXIT,
  FDCAP_IOC_INIT, FDCAP_IOC_REVOKE, FDCAP_IOC_STATS, FDCAP_POLICY_EBADF, FDCAP_POLICY_KILL, FDCAP_STATS_SIZE,
} from '../../include/uapi/fdcap.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import { as_user_ptr, type UserPtr } from '../../include/linux/compiler_types.ts';

export const license = MODULE_LICENSE('GPL');
export const author = MODULE_AUTHOR('privos');
export const description = MODULE_DESCRIPTION('fd capabilities signed with ARM Pointer Authentication (seed 003)');
export const policy = module_param('policy', 'charp', 0o644, 'ebadf', 'what a failed check does: ebadf or kill');
export const max_failures = module_param('max_failures', 'uint', 0o444, 4, 'failed checks a family of processes may make before all of it is killed (0: no bound)');
export const enter_nonce = module_param('enter_nonce', 'bool', 0o444, true, "bind enter's signed call site to a per-enter nonce (0: a fixed modifier, replayable)");
export const soft_pac = module_param('soft_pac', 'bool', 0o444, false, 'allow x86_64: compute PACs in software (charged at the profile pac_insn)');

/** One load's state (what the .ko's statics would hold), kept on its Module. */
interface FdcapState extends FdcapEnv {
  readonly mod: Module;
  /** Original entries of the hooked syscalls (nr → address), once the table is hooked. */
  readonly saved: Map<number, number>;
  table: number;
  readonly dev: MiscDevice;
  readonly on_fork: (p: Task, c: Task) => void;
  readonly on_exit: (t: Task) => void;
  readonly on_exec: (t: Task) => void;
}

/** Overwrites sys_call_table with a hook for every syscall whose declaration involves fds (first init). */
function hook_table(k: Kernel, s: FdcapState): void {
  s.table = find_sys_call_table(k);
  if (!s.table) throw new Error('fdcap: sys_call_table not found');
  const entries = new Map<number, number>();
  const names = k.arch.syscall_names;
  k.syscall_defs.forEach((def, nr) => {
    const spec = def ? hook_spec(def) : null;
    if (!spec) return;
    const orig = read_entry(k, s.table, nr);
    entries.set(nr, s.mod.text(make_hook(s, names[nr]!, spec, orig), `fdcap_hook_${names[nr]}`));
    s.saved.set(nr, orig);
  });
  patch_sys_call_table(k, s.table, entries);
  k.printk(KERN_INFO, `fdcap: hooked ${entries.size} syscalls in sys_call_table at ${addr_hex(s.table)}`);
}

function unhook_table(k: Kernel, s: FdcapState): void {
  if (!s.saved.size) return;
  patch_sys_call_table(k, s.table, s.saved);
  k.printk(KERN_INFO, `fdcap: restored ${s.saved.size} sys_call_table entries`);
  s.saved.clear();
}

const u64 = (dv: DataView, o: number): number => dv.getUint32(o + 4, true) * 2 ** 32 + dv.getUint32(o, true);

/** Draws the next enter nonce (0 with enter_nonce=0) and publishes it at the address init registered. */
function next_nonce(t: Task, p: FdcapProc): void {
  p.nonce = enter_nonce.value ? random_modifier() : 0n;
  if (!p.nonce_addr) return;
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, p.nonce, true);
  copy_to_user(t, as_user_ptr(p.nonce_addr), b, 0, 8); // the address FDCAP_IOC_INIT registered
}

/** A process's state comes into being: it holds a reference on the module while it lives. */
function attach(s: FdcapState, t: Task, p: FdcapProc): boolean {
  if (!try_module_get(s.mod)) return false;
  s.procs.set(t.files, p);
  return true;
}

function fdcap_init_ioctl(s: FdcapState, t: Task, arg: UserPtr): number {
  const b = new Uint8Array(FDCAP_INIT_SIZE), dv = new DataView(b.buffer);
  if (copy_from_user(t, b, 0, arg, FDCAP_INIT_SIZE)) return -EFAULT;
  const site = u64(dv, 0), flags = dv.getUint32(8, true);
  if (!site || flags > FDCAP_POLICY_KILL) return -EINVAL;
  const old = s.procs.get(t.files);
  if (old && old.site) return -EBUSY;
  const p = old ?? new FdcapProc(new FdcapFamily());
  if (!old && !attach(s, t, p)) return -ENODEV;
  if (!s.saved.size) hook_table(t.kernel, s);
  p.site = site;
  p.policy = flags === FDCAP_POLICY_KILL || policy.value === 'kill' ? FDCAP_POLICY_KILL : FDCAP_POLICY_EBADF;
  p.nonce_addr = u64(dv, 16);
  next_nonce(t, p);
  return 0;
}

/**
 * The CFI check of enter: the signed return site must authenticate under the nonce published
 * for this enter (with enter_nonce=0 the nonce stays 0: a fixed modifier) and equal the
 * registered one.
 */
function enter_site_ok(t: Task, p: FdcapProc, site: bigint): boolean {
  if (t.kernel.arch.name !== 'arm64') return site === BigInt(p.site); // software PAC: no user PACIA to check
  const r = pac_auth(t, 'apia', site, p.nonce);
  return r.ok && r.ptr === BigInt(p.site);
}

function fdcap_enter_ioctl(s: FdcapState, t: Task, p: FdcapProc, arg: UserPtr): number {
  const b = new Uint8Array(FDCAP_ENTER_SIZE);
  if (copy_from_user(t, b, 0, arg, FDCAP_ENTER_SIZE)) return -EFAULT;
  const dv = new DataView(b.buffer);
  t.kernel.cpu.charge_n(C.kernel_op, OPS_ENTER);
  const ctx = p.contexts.get(dv.getUint32(0, true));
  if (!ctx) return -EINVAL;
  const site = dv.getBigUint64(8, true);
  const ok = enter_site_ok(t, p, site);
  if (enter_nonce.value) next_nonce(t, p); // one signature, one enter (good or not)
  if (!ok) {
    fdcap_fail(t, s, p, `enter: call site 0x${site.toString(16)} is not the registered one`);
    return -EPERM;
  }
  p.current = ctx;
  return 0;
}

function fdcap_stats_ioctl(t: Task, p: FdcapProc, arg: UserPtr): number {
  const b = new Uint8Array(FDCAP_STATS_SIZE), dv = new DataView(b.buffer);
  [p.nr_signed, p.nr_verified, p.nr_failed, p.contexts.size, p.current?.id ?? 0, p.nr_revoked]
    .forEach((v, i) => dv.setBigUint64(i * 8, BigInt(v), true));
  return copy_to_user(t, arg, b, 0, FDCAP_STATS_SIZE) ? -EFAULT : 0;
}

/** The calling process's context arg (an id), or null. */
const ctx_arg = (p: FdcapProc, arg: number): FdcapCtx | null => p.contexts.get(arg >>> 0) ?? null;

function fdcap_revoke_ioctl(p: FdcapProc, arg: number): number {
  const ctx = ctx_arg(p, arg);
  if (!ctx) return -EINVAL;
  ctx.modifier = random_modifier();
  ctx.generation++;
  p.nr_revoked++;
  return 0;
}

function fdcap_destroy_ioctl(p: FdcapProc, arg: number): number {
  const ctx = ctx_arg(p, arg);
  if (!ctx) return -EINVAL;
  p.contexts.delete(ctx.id);
  if (p.current === ctx) p.current = null;
  return 0;
}

/** unlocked_ioctl of /dev/fdcap. */
function fdcap_ioctl(s: FdcapState, t: Task, cmd: number, arg: number): number {
  t.kernel.cpu.charge_n(C.kernel_op, OPS_IOCTL);
  if (cmd === FDCAP_IOC_INIT) return fdcap_init_ioctl(s, t, as_user_ptr(arg));
  if (cmd !== FDCAP_IOC_CREATE && cmd !== FDCAP_IOC_ENTER && cmd !== FDCAP_IOC_EXIT && cmd !== FDCAP_IOC_REVOKE &&
      cmd !== FDCAP_IOC_DESTROY && cmd !== FDCAP_IOC_STATS) return -ENOTTY;
  const p = s.procs.get(t.files);
  if (!p || !p.site) return -EINVAL; // init first
  switch (cmd) {
    case FDCAP_IOC_CREATE: {
      const ctx = new FdcapCtx(p.next_id++, random_modifier());
      p.contexts.set(ctx.id, ctx);
      return ctx.id;
    }
    case FDCAP_IOC_ENTER: return fdcap_enter_ioctl(s, t, p, as_user_ptr(arg));
    case FDCAP_IOC_EXIT: t.kernel.cpu.charge_n(C.kernel_op, OPS_EXIT); p.current = null; return 0;
    case FDCAP_IOC_REVOKE: return fdcap_revoke_ioctl(p, arg);
    case FDCAP_IOC_DESTROY: return fdcap_destroy_ioctl(p, arg);
    default: return fdcap_stats_ioctl(t, p, as_user_ptr(arg));
  }
}

/** fork: the child's copy of the fd table carries its own copy of the protection (same family). */
function fdcap_fork(s: FdcapState, p: Task, c: Task): void {
  if (c.files === p.files) return;
  const st = s.procs.get(p.files);
  if (!st) return;
  const copy = st.clone();
  if (!attach(s, c, copy)) c.kernel.printk(KERN_WARNING, `fdcap: pid ${c.pid}: module going away, child left unprotected`);
}

/** exit: the last task of an fd table drops the protection and its module reference. */
function fdcap_task_exit(s: FdcapState, t: Task): void {
  if (!s.procs.has(t.files)) return;
  for (const x of t.kernel.tasks.values()) if (x !== t && x.alive && x.files === t.files) return;
  s.procs.delete(t.files);
  module_put(s.mod);
}

/**
 * exec: the registered site and the nonce cell were addresses of the old image, and the keys
 * are redrawn (so no old token authenticates): the new image starts outside any context and
 * must fdcap_init again. The protection of the fds it keeps, the contexts and the family stay.
 */
function fdcap_exec(s: FdcapState, t: Task): void {
  const p = s.procs.get(t.files);
  if (!p) return;
  p.site = 0; p.current = null; p.nonce = 0n; p.nonce_addr = 0;
}

function new_state(mod: Module): FdcapState {
  const s: FdcapState = {
    mod, procs: new WeakMap(), max_failures: max_failures.value, saved: new Map(), table: 0,
    dev: {
      minor: MISC_DYNAMIC_MINOR, name: 'fdcap', mode: 0o666, owner: mod,
      fops: { unlocked_ioctl: (_f: File, t: Task, cmd: number, arg: number) => fdcap_ioctl(s, t, cmd, arg) } satisfies FileOperations,
    },
    on_fork: (p, c) => fdcap_fork(s, p, c),
    on_exit: (t) => fdcap_task_exit(s, t),
    on_exec: (t) => fdcap_exec(s, t),
  };
  return s;
}

/** The loaded module's state (set by fdcap_init; the module's other entry points run after it). */
const FDCAP_STATE = new StateKey<Module, FdcapState>('fdcap', new_state);
const fdcap_state = (mod: Module): FdcapState => state_of(mod, FDCAP_STATE);

export function fdcap_init(mod: Module): number {
  const k = mod.kernel;
  if (k.arch.name !== 'arm64' && !soft_pac.value) {
    k.printk(KERN_WARNING, 'fdcap: no pointer authentication on this CPU (load with soft_pac=1 for the software PAC)');
    return -ENODEV;
  }
  if (policy.value !== 'ebadf' && policy.value !== 'kill') return -EINVAL;
  const s = fdcap_state(mod);
  const err = misc_register(k, s.dev);
  if (err) return err;
  k.fork_hooks.push(s.on_fork);
  k.exit_hooks.push(s.on_exit);
  k.exec_hooks.push(s.on_exec);
  k.printk(KERN_INFO, `fdcap: /dev/fdcap ready (${k.arch.name === 'arm64' ? 'PAuth' : 'software PAC'}, policy ${policy.value}, max_failures ${max_failures.value}, enter_nonce ${enter_nonce.value ? 1 : 0})`);
  return 0;
}

/** Removes a hook function from a kernel hook list. */
function remove_hook<T>(list: T[], fn: T): void {
  const i = list.indexOf(fn);
  if (i >= 0) list.splice(i, 1);
}

export function fdcap_exit(mod: Module): void {
  const k = mod.kernel, s = fdcap_state(mod);
  unhook_table(k, s);
  remove_hook(k.fork_hooks, s.on_fork);
  remove_hook(k.exit_hooks, s.on_exit);
  remove_hook(k.exec_hooks, s.on_exec);
  misc_deregister(k, s.dev);
}

export const __init = module_init(fdcap_init);
export const __exit = module_exit(fdcap_exit);
