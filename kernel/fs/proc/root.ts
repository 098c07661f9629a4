/**
 * The /proc root (fs/proc/root.c and the small files of fs/proc/*.c): self, meminfo, version,
 * mounts, filesystems, kallsyms, uptime, cpuinfo (per arch), stat, loadavg, sys/; /proc/modules is registered by the module loader
 * through proc_create(). Registers the "proc" file system type.
 */
import type { Kernel } from '../../kernel.ts';
import { PAGE_SIZE } from '../../mm/page_alloc.ts';
import { UTS_RELEASE, UTS_VERSION } from '../../sys.ts';
import type { Task } from '../../sched/task.ts';
import { filesystems, mounts, register_filesystem } from '../namespace.ts';
import { proc_base_init } from './base.ts';
import { proc_stat_init } from './loadavg.ts';
import { proc_sys_init } from './proc_sysctl.ts';
import { x86_cpuinfo } from '../../arch/x86/cpuinfo.ts';
import { arm64_cpuinfo } from '../../arch/arm64/cpuinfo.ts';
import { proc_create, proc_fill_super, proc_symlink } from './generic.ts';

const kb = (pages: number): string => `${String(pages * (PAGE_SIZE >> 10)).padStart(8)} kB`;

export function proc_meminfo(k: Kernel): string {
  const total = k.phys.nr_pages, free = k.phys.free_pages, shmem = k.phys.nr_shmem;
  // tmpfs pages are page cache (Cached) that cannot be dropped without swap (not Available).
  return [`MemTotal:       ${kb(total)}`, `MemFree:        ${kb(free)}`, `MemAvailable:   ${kb(free)}`,
    `Buffers:        ${kb(0)}`, `Cached:         ${kb(shmem)}`, `SwapTotal:      ${kb(0)}`, `SwapFree:       ${kb(0)}`,
    `Shmem:          ${kb(shmem)}`, ''].join('\n');
}

/** /proc/mounts (show_vfsmnt): "device mountpoint type options 0 0". */
export function proc_mounts(k: Kernel): string {
  return mounts(k).map((m) => {
    const where = m.mnt_mountpoint ? m.mnt_mountpoint.path() : '/';
    const opts = [m.mnt_flags & 1 ? 'ro' : 'rw', ...(m.mnt_flags & 2 ? ['nosuid'] : []), ...(m.mnt_flags & 4 ? ['nodev'] : []),
      ...(m.mnt_flags & 8 ? ['noexec'] : []), 'relatime', ...(m.mnt_opts ? [m.mnt_opts] : [])].join(',');
    return `${m.mnt_devname} ${where} ${m.fstype} ${opts} 0 0\n`;
  }).join('');
}

/** /proc/kallsyms: addresses are shown to root only (kptr_restrict=1), as zeros to others. */
function proc_kallsyms(k: Kernel, t: Task): string {
  const text = k.kallsyms.proc_kallsyms();
  return t.cred.euid === 0 ? text : text.replace(/^[0-9a-f]{16}/gm, '0000000000000000');
}

export function proc_root_init(k: Kernel): void {
  register_filesystem(k, { name: 'proc', nodev: true, mount: () => proc_fill_super(k) });
  proc_symlink(k, 'self', (t) => String(t.tgid));
  proc_symlink(k, 'thread-self', (t) => `${t.tgid}/task/${t.pid}`);
  proc_create(k, 'meminfo', () => proc_meminfo(k));
  proc_create(k, 'version', () => `Linux version ${UTS_RELEASE} (privos@privos) (tsc) ${UTS_VERSION}\n`);
  proc_create(k, 'mounts', () => proc_mounts(k));
  proc_create(k, 'filesystems', () => filesystems(k).map((f) => `${f.nodev ? 'nodev' : ''}\t${f.name}\n`).join(''));
  proc_create(k, 'kallsyms', (t) => proc_kallsyms(k, t));
  proc_create(k, 'uptime', () => { const s = k.uptime_ns() / 1e9; return `${s.toFixed(2)} ${s.toFixed(2)}\n`; });
  proc_create(k, 'cpuinfo', () => (k.arch.name === 'arm64' ? arm64_cpuinfo(k) : x86_cpuinfo(k)));
  proc_stat_init(k);
  proc_sys_init(k);
  proc_base_init(k);
}
