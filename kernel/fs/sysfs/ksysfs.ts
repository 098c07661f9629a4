/**
 * The sysfs files outside /sys/module that privos can back honestly: /sys/kernel's
 * (kernel/ksysfs.c: address_bits, cpu_byteorder, oops_count) and the CPU masks of
 * /sys/devices/system/cpu (drivers/base/cpu.c: online, possible, present — one CPU,
 * NR_CPU_IDS), which nproc(1) and sysconf(_SC_NPROCESSORS_ONLN) read. Nothing else is shown:
 * privos has no network interfaces (no /sys/class/net), no uevents, no kexec.
 *
 * Departure: /sys itself is the root file system's directory (debugfs lives under
 * /sys/kernel/debug there), so /sys/kernel's files are sysfs inodes linked into it, and
 * /sys/devices is a sysfs mount of its own, as /sys/module is.
 */
import { S_IFDIR, S_IFREG } from '../../include/uapi/stat.ts';
import type { Kernel } from '../../kernel.ts';
import { mkdir_p } from '../../init/initramfs.ts';
import { NR_CPU_IDS } from '../../sched/syscalls.ts';
import { do_add_mount } from '../namespace.ts';
import { proc_get_inode, type ProcDirEntry, type ProcSuper } from '../proc/generic.ts';
import { Dentry } from '../fs_types.ts';
import { ino_of, sysfs_sb } from './module.ts';

/** A read-only sysfs attribute (mode 0444, writes refused as kernfs does). */
function attr(sb: ProcSuper, key: string, show: () => string): ProcDirEntry {
  return { name: key.slice(key.lastIndexOf('/') + 1), mode: S_IFREG | 0o444, show, strict_ro: true, ino: ino_of(sb, key) };
}

function dir(sb: ProcSuper, key: string, children: ProcDirEntry[]): ProcDirEntry {
  return { name: key.slice(key.lastIndexOf('/') + 1), mode: S_IFDIR | 0o755, children: new Map(children.map((e) => [e.name, e])), ino: ino_of(sb, key) };
}

/** kernel/ksysfs.c's attributes privos has. */
function kernel_attrs(k: Kernel, sb: ProcSuper): ProcDirEntry[] {
  return [
    attr(sb, 'kernel/address_bits', () => '64\n'), // sizeof(void *) * 8
    attr(sb, 'kernel/cpu_byteorder', () => 'little\n'), // x86_64 and arm64 as privos runs them
    attr(sb, 'kernel/oops_count', () => `${k.oops_count}\n`),
  ];
}

/** cpumask_print_to_pagebuf's list form: "0", or "0-3". */
const cpu_list = (): string => (NR_CPU_IDS === 1 ? '0\n' : `0-${NR_CPU_IDS - 1}\n`);

export function ksysfs_init(k: Kernel): void {
  const sb = sysfs_sb(k);
  const kdir = mkdir_p(k.root, '/sys/kernel');
  for (const e of kernel_attrs(k, sb)) kdir.d_children.set(e.name, new Dentry(e.name, kdir, proc_get_inode(sb, e)));
  const cpu = dir(sb, 'devices/system/cpu', ['online', 'possible', 'present'].map((n) => attr(sb, `devices/system/cpu/${n}`, cpu_list)));
  const devices = dir(sb, 'devices', [dir(sb, 'devices/system', [cpu])]);
  do_add_mount(k, new Dentry('/', null, proc_get_inode(sb, devices)), mkdir_p(k.root, '/sys/devices'), 'sysfs', 2 | 4 | 8);
}
