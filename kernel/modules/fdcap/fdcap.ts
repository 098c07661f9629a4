/**
 * fdcap — capability-based access control on file descriptors with ARM Pointer Authentication
 * (seed 003, JKIISC 33(2):319, 2023), as a loadable module.
 *
 * /dev/fdcap (a misc device) takes the ioctls of ./uapi.ts. The first FDCAP_IOC_INIT overwrites
 * sys_call_table to hook every fd-creating and fd-consuming syscall (./hooks.ts); module exit
 * puts the original entries back. Processes that never called init are passed straight through.
 *
 * Parameters: policy=ebadf|kill (default for processes whose init does not choose),
 * soft_pac=1 to load on x86_64, where there is no PAuth hardware: the same QARMA-64 code runs
 * as a software MAC, charged at the profile's pac_insn (skylake: a software estimate).
 */
import { pac_auth } from '../../arch/arm64/pointer_auth.ts';
import { addr_hex } from '../../arch/cpu.ts';
import { misc_deregister, misc_register, MISC_DYNAMIC_MINOR, type MiscDevice } from '../../fs/devfs/misc.ts';
import type { FilesStruct } from '../../fs/fdtable.ts';
import type { File, FileOperations } from '../../fs/fs_types.ts';
import { EBUSY, EFAULT, EINVAL, ENODEV, ENOTTY, EPERM } from '../../include/uapi/errno.ts';
import { SIGKILL } from '../../include/uapi/signal.ts';
import type { Kernel } from '../../kernel.ts';
import { copy_from_user, copy_to_user } from '../../mm/uaccess.ts';
import { KERN_INFO, KERN_WARNING } from '../../printk.ts';
import { force_sig } from '../../sched/signal.ts';
import type { Task } from '../../sched/task.ts';
import { C } from '../../time/cost.ts';
import {
  MODULE_AUTHOR, MODULE_DESCRIPTION, MODULE_LICENSE, type Module, module_exit, module_init, module_param,
} from '../module.ts';
import { FdcapCtx, FdcapProc, random_modifier } from './context.ts';
import { OPS_ENTER, OPS_EXIT, OPS_IOCTL } from './cost.ts';
import { FDCAP_HOOKS, make_hook, type HookEnv } from './hooks.ts';
import { find_sys_call_table, patch_sys_call_table, read_entry } from './sys_call_table.ts';
import {
  FDCAP_ENTER_SIZE, FDCAP_INIT_SIZE, FDCAP_IOC_CREATE, FDCAP_IOC_DESTROY, FDCAP_IOC_ENTER, FDCAP_IOC_EXIT,
  FDCAP_IOC_INIT, FDCAP_IOC_REVOKE, FDCAP_IOC_STATS, FDCAP_POLICY_EBADF, FDCAP_POLICY_KILL, FDCAP_STATS_SIZE,
} from './uapi.ts';

export const license = MODULE_LICENSE('GPL');
export const author = MODULE_AUTHOR('privos');
export const description = MODULE_DESCRIPTION('fd capabilities signed with ARM Pointer Authentication (seed 003)');
export const policy = module_param('policy', 'charp', 0o644, 'ebadf', 'what a failed check does: ebadf or kill');
export const soft_pac = module_param('soft_pac', 'bool', 0o444, false, 'allow x86_64: compute PACs in software (charged at the profile pac_insn)');

/** The module's statics. */
let THIS: Module | null = null;
const env: HookEnv = { procs: new WeakMap<FilesStruct, FdcapProc>() };
/** Original entries of the hooked syscalls (nr → address), once the table is hooked. */
const saved = new Map<number, number>();
let table = 0;

/** Overwrites sys_call_table with the hooks (first init). */
function hook_table(k: Kernel, mod: Module): void {
  table = find_sys_call_table(k);
  if (!table) throw new Error('fdcap: sys_call_table not found');
  const entries = new Map<number, number>();
  const names = k.arch.syscall_names;
  for (let nr = 0; nr < names.length; nr++) {
    const name = names[nr];
    const spec = name ? FDCAP_HOOKS[name] : undefined;
    if (!spec) continue;
    const orig = read_entry(k, table, nr);
    entries.set(nr, mod.text(make_hook(env, name!, spec, orig), `fdcap_hook_${name}`));
    saved.set(nr, orig);
  }
  patch_sys_call_table(k, table, entries);
  k.printk(KERN_INFO, `fdcap: hooked ${entries.size} syscalls in sys_call_table at ${addr_hex(table)}`);
}

function unhook_table(k: Kernel): void {
  if (!saved.size) return;
  patch_sys_call_table(k, table, saved);
  k.printk(KERN_INFO, `fdcap: restored ${saved.size} sys_call_table entries`);
  saved.clear();
}

const u64 = (b: Uint8Array, o: number): number => new DataView(b.buffer).getUint32(o + 4, true) * 2 ** 32 + new DataView(b.buffer).getUint32(o, true);

/** The calling process's state (null before init). */
const proc_of = (t: Task): FdcapProc | null => env.procs.get(t.files) ?? null;

function fdcap_init_ioctl(t: Task, arg: number): number {
  const b = new Uint8Array(FDCAP_INIT_SIZE);
  if (copy_from_user(t, b, 0, arg, FDCAP_INIT_SIZE)) return -EFAULT;
  const site = u64(b, 0), flags = new DataView(b.buffer).getUint32(8, true);
  if (!site || flags > FDCAP_POLICY_KILL) return -EINVAL;
  const old = proc_of(t);
  if (old && old.site) return -EBUSY;
  if (!saved.size) hook_table(t.kernel, THIS!);
  const p = old ?? new FdcapProc();
  p.site = site;
  p.policy = flags === FDCAP_POLICY_KILL || policy.value === 'kill' ? FDCAP_POLICY_KILL : FDCAP_POLICY_EBADF;
  env.procs.set(t.files, p);
  return 0;
}

/** The CFI check of enter: the signed return site must authenticate and equal the registered one. */
function enter_site_ok(t: Task, p: FdcapProc, site: bigint): boolean {
  if (t.kernel.arch.name !== 'arm64') return site === BigInt(p.site); // software PAC: no user PACIA to check
  const r = pac_auth(t, 'apia', site, 0n);
  return r.ok && r.ptr === BigInt(p.site);
}

function fdcap_enter_ioctl(t: Task, p: FdcapProc, arg: number): number {
  const b = new Uint8Array(FDCAP_ENTER_SIZE);
  if (copy_from_user(t, b, 0, arg, FDCAP_ENTER_SIZE)) return -EFAULT;
  const dv = new DataView(b.buffer);
  t.kernel.cpu.charge_n(C.kernel_op, OPS_ENTER);
  const ctx = p.contexts.get(dv.getUint32(0, true));
  if (!ctx) return -EINVAL;
  const site = dv.getBigUint64(8, true);
  if (!enter_site_ok(t, p, site)) {
    p.nr_failed++;
    t.kernel.printk(KERN_WARNING, `fdcap: pid ${t.pid} (${t.comm}) enter: call site 0x${site.toString(16)} is not the registered one${p.policy === FDCAP_POLICY_KILL ? ', killing' : ''}`);
    if (p.policy === FDCAP_POLICY_KILL) force_sig(t, SIGKILL);
    return -EPERM;
  }
  p.current = ctx;
  return 0;
}

function fdcap_stats_ioctl(t: Task, p: FdcapProc, arg: number): number {
  const b = new Uint8Array(FDCAP_STATS_SIZE), dv = new DataView(b.buffer);
  [p.nr_signed, p.nr_verified, p.nr_failed, p.contexts.size, p.current?.id ?? 0, p.nr_revoked]
    .forEach((v, i) => dv.setBigUint64(i * 8, BigInt(v), true));
  return copy_to_user(t, arg, b, 0, FDCAP_STATS_SIZE) ? -EFAULT : 0;
}

/** unlocked_ioctl of /dev/fdcap. */
export function fdcap_ioctl(_f: File, t: Task, cmd: number, arg: number): number {
  t.kernel.cpu.charge_n(C.kernel_op, OPS_IOCTL);
  if (cmd === FDCAP_IOC_INIT) return fdcap_init_ioctl(t, arg);
  if (cmd !== FDCAP_IOC_CREATE && cmd !== FDCAP_IOC_ENTER && cmd !== FDCAP_IOC_EXIT && cmd !== FDCAP_IOC_REVOKE &&
      cmd !== FDCAP_IOC_DESTROY && cmd !== FDCAP_IOC_STATS) return -ENOTTY;
  const p = proc_of(t);
  if (!p || !p.site) return -EINVAL; // init first
  switch (cmd) {
    case FDCAP_IOC_CREATE: {
      const ctx = new FdcapCtx(p.next_id++, random_modifier());
      p.contexts.set(ctx.id, ctx);
      return ctx.id;
    }
    case FDCAP_IOC_ENTER: return fdcap_enter_ioctl(t, p, arg);
    case FDCAP_IOC_EXIT: t.kernel.cpu.charge_n(C.kernel_op, OPS_EXIT); p.current = null; return 0;
    case FDCAP_IOC_REVOKE: {
      const ctx = p.contexts.get(arg >>> 0);
      if (!ctx) return -EINVAL;
      ctx.modifier = random_modifier();
      ctx.generation++;
      p.nr_revoked++;
      return 0;
    }
    case FDCAP_IOC_DESTROY: {
      const ctx = p.contexts.get(arg >>> 0);
      if (!ctx) return -EINVAL;
      p.contexts.delete(ctx.id);
      if (p.current === ctx) p.current = null;
      return 0;
    }
    default: return fdcap_stats_ioctl(t, p, arg);
  }
}

const fdcap_fops: FileOperations = { unlocked_ioctl: fdcap_ioctl };

const fdcap_dev: MiscDevice = { minor: MISC_DYNAMIC_MINOR, name: 'fdcap', fops: fdcap_fops, mode: 0o666 };

/** fork: the child's copy of the fd table carries a copy of the protection. */
function fdcap_fork(p: Task, c: Task): void {
  if (c.files === p.files) return;
  const st = env.procs.get(p.files);
  if (st) env.procs.set(c.files, st.clone());
}

export function fdcap_init(mod: Module): number {
  const k = mod.kernel;
  if (k.arch.name !== 'arm64' && !soft_pac.value) {
    k.printk(KERN_WARNING, 'fdcap: no pointer authentication on this CPU (load with soft_pac=1 for the software PAC)');
    return -ENODEV;
  }
  if (policy.value !== 'ebadf' && policy.value !== 'kill') return -EINVAL;
  THIS = mod;
  const dev = { ...fdcap_dev, owner: mod };
  const err = misc_register(k, dev);
  if (err) return err;
  mod.ext.set('dev', dev);
  k.fork_hooks.push(fdcap_fork);
  k.printk(KERN_INFO, `fdcap: /dev/fdcap ready (${k.arch.name === 'arm64' ? 'PAuth' : 'software PAC'}, policy ${policy.value})`);
  return 0;
}

export function fdcap_exit(mod: Module): void {
  const k = mod.kernel;
  unhook_table(k);
  const i = k.fork_hooks.indexOf(fdcap_fork);
  if (i >= 0) k.fork_hooks.splice(i, 1);
  misc_deregister(k, mod.ext.get('dev') as MiscDevice);
  THIS = null;
}

export const __init = module_init(fdcap_init);
export const __exit = module_exit(fdcap_exit);
