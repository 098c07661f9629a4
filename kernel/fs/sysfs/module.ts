/**
 * sysfs's /sys/module (fs/sysfs, kernel/params.c module_param_sysfs_setup): one directory per
 * loaded module with `initstate`, `refcnt` and `parameters/NAME` for each parameter whose perm
 * is not 0 — readable per that mode, writable by root where the mode has a write bit (a write
 * goes through param_set, so a module sees it at once, as with a real module_param).
 *
 * Departure: sysfs is mounted on /sys/module rather than /sys, because /sys/kernel/debug
 * (debugfs) still lives in the root tmpfs under /sys.
 */
import { EINVAL } from '../../include/uapi/errno.ts';
import { S_IFDIR, S_IFREG } from '../../include/uapi/stat.ts';
import type { Kernel } from '../../kernel.ts';
import { MODULE_STATE_COMING, MODULE_STATE_GOING, MODULE_STATE_LIVE, type KernelParam, type Module } from '../../modules/module.ts';
import { find_module, module_list } from '../../modules/main.ts';
import { param_set } from '../../modules/params.ts';
import { mkdir_p } from '../../init/initramfs.ts';
import { register_filesystem, do_add_mount } from '../namespace.ts';
import { ProcSuper, proc_get_inode, type ProcDirEntry } from '../proc/generic.ts';
import { Dentry } from '../fs_types.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';

const dec = new TextDecoder();
const STATE_NAMES: Readonly<Record<number, string>> = { [MODULE_STATE_LIVE]: 'live', [MODULE_STATE_COMING]: 'coming', [MODULE_STATE_GOING]: 'going' };

/** param_get_*: bools as Y/N, numbers in decimal, strings as they are. */
export function param_get(p: KernelParam): string {
  return typeof p.value === 'boolean' ? (p.value ? 'Y' : 'N') : String(p.value);
}

const SYSFS_SB_STATE = new StateKey<Kernel, ProcSuper>('sysfs', (k) => new ProcSuper(k, 'sysfs'));
/** The sysfs superblock: /sys/module's mount and the other sysfs files share it. */
export function sysfs_sb(k: Kernel): ProcSuper { return state_of(k, SYSFS_SB_STATE); }

/** Stable inode numbers per (module, entry). */
const SYSFS_INOS = new StateKey<Kernel, Map<string, number>>('sysfs_inos', () => new Map());
export function ino_of(sb: ProcSuper, key: string): number {
  const m = state_of(sb.k, SYSFS_INOS);
  let ino = m.get(key);
  if (ino === undefined) { ino = sb.next_ino(); m.set(key, ino); }
  return ino;
}

function param_entry(sb: ProcSuper, mod: Module, p: KernelParam): ProcDirEntry {
  return {
    name: p.name, mode: S_IFREG | (p.perm & 0o777), ino: ino_of(sb, `${mod.name}/parameters/${p.name}`), strict_ro: true,
    show: () => `${param_get(p)}\n`,
    write: p.perm & 0o222 ? (_t, data) => (param_set(p, dec.decode(data).replace(/\n$/, '')) < 0 ? -EINVAL : 0) : undefined,
  };
}

function module_entry(sb: ProcSuper, mod: Module): ProcDirEntry {
  const file = (name: string, show: () => string): ProcDirEntry => ({ name, mode: S_IFREG | 0o444, show, strict_ro: true, ino: ino_of(sb, `${mod.name}/${name}`) });
  const params = mod.params.filter((p) => p.perm !== 0).map((p) => param_entry(sb, mod, p));
  const children: ProcDirEntry[] = [
    file('initstate', () => `${STATE_NAMES[mod.state] ?? 'unformed'}\n`),
    file('refcnt', () => `${mod.refcnt}\n`),
    ...(params.length ? [{ name: 'parameters', mode: S_IFDIR | 0o755, children: new Map(params.map((e) => [e.name, e])), ino: ino_of(sb, `${mod.name}/parameters`) }] : []),
  ];
  return { name: mod.name, mode: S_IFDIR | 0o755, children: new Map(children.map((e) => [e.name, e])), ino: ino_of(sb, mod.name) };
}

/** The root dentry of /sys/module: the loaded modules, looked up each time. */
function sysfs_module_root(k: Kernel): Dentry {
  const sb = sysfs_sb(k);
  sb.root.dyn = {
    list: () => [...module_list(k).mods.values()].filter((m) => m.state !== MODULE_STATE_GOING).map((m) => m.name),
    lookup: (_t, name) => { const m = find_module(k, name); return m && m.state !== MODULE_STATE_GOING ? module_entry(sb, m) : null; },
  };
  return new Dentry('/', null, proc_get_inode(sb, sb.root));
}

export function sysfs_init(k: Kernel): void {
  register_filesystem(k, { name: 'sysfs', nodev: true, mount: () => sysfs_module_root(k) });
  do_add_mount(k, sysfs_module_root(k), mkdir_p(k.root, '/sys/module'), 'sysfs', 2 | 4 | 8);
}
