/**
 * sysinfo(2) (kernel/sys.c do_sysinfo): uptime (CLOCK_BOOTTIME, rounded up to a second), the
 * load averages, the emulated RAM as /proc/meminfo counts it, no swap, the number of tasks.
 * https://man7.org/linux/man-pages/man2/sysinfo.2.html
 */
import { EFAULT } from './include/uapi/errno.ts';
import { copy_to_user } from './mm/uaccess.ts';
import { PAGE_SIZE } from './mm/page_alloc.ts';
import { FSHIFT, get_avenrun } from './sched/loadavg.ts';
import type { Task } from './sched/task.ts';
import type { SyscallDef } from './syscalls/syscall_def.ts';
import { CLOCK_BOOTTIME, clock_ns } from './time/posix-timers.ts';
import type { UserPtr } from './include/linux/compiler_types.ts';

/** struct sysinfo (the same on x86_64 and arm64): 112 bytes. */
const SYSINFO_SIZE = 112;
const SI_LOAD_SHIFT = 16;
const si = new Uint8Array(SYSINFO_SIZE);
const sv = new DataView(si.buffer);
const put64 = (o: number, v: number): void => { sv.setUint32(o, v % 2 ** 32, true); sv.setUint32(o + 4, Math.floor(v / 2 ** 32), true); };

export function sys_sysinfo(t: Task, uinfo: UserPtr): number {
  const k = t.kernel, ns = clock_ns(t, CLOCK_BOOTTIME);
  si.fill(0);
  put64(0, Math.ceil(ns / 1e9));
  get_avenrun(k).forEach((a, i) => put64(8 + i * 8, a * 2 ** (SI_LOAD_SHIFT - FSHIFT)));
  put64(32, k.phys.nr_pages * PAGE_SIZE); put64(40, k.phys.free_pages * PAGE_SIZE); put64(48, k.phys.nr_shmem * PAGE_SIZE);
  sv.setUint16(80, Math.min(k.tasks.size, 0xffff), true); // procs: nr_threads
  sv.setUint32(104, 1, true); // mem_unit: sizes in bytes
  return copy_to_user(t, uinfo, si, 0, SYSINFO_SIZE) ? -EFAULT : 0;
}

export const sysinfo_syscalls: readonly SyscallDef[] = [
  { name: 'sysinfo', fn: sys_sysinfo, args: ['ptr'] },
];
