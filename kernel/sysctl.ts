/**
 * sysctl (kernel/sysctl.c, fs/proc/proc_sysctl.c's table side): the tunables a user reads and,
 * as root, writes under /proc/sys. Values live per kernel; the subsystems that obey them read
 * them here (pid allocation reads pid_max, listen(2) caps its backlog at somaxconn).
 */
import { EINVAL } from './include/uapi/errno.ts';
import type { Kernel } from './kernel.ts';
import { PAGE_SIZE } from './mm/page_alloc.ts';
import { UTS_RELEASE, UTS_VERSION } from './sys.ts';
import { StateKey, state_of } from './include/linux/ext_state.ts';

/** PID_MAX_DEFAULT, PID_MAX_LIMIT (64-bit), RESERVED_PIDS (include/linux/threads.h). */
export const PID_MAX_DEFAULT = 0x8000, PID_MAX_LIMIT = 4 * 1024 * 1024, RESERVED_PIDS = 300;
/** NR_FILE: the floor of fs.file-max. */
export const NR_FILE = 8192;

/** The writable values, with their defaults. */
export class SysctlValues {
  pid_max = PID_MAX_DEFAULT;
  somaxconn = 4096;
  file_max: number;
  /** fs.inotify.* (fs/notify/inotify/inotify_user.c). */
  inotify_max_user_instances = 128;
  inotify_max_queued_events = 16384;
  inotify_max_user_watches: number;
  constructor(k: Kernel) {
    // files_maxfiles_init(): about 10% of memory, at 1 KiB per file.
    this.file_max = Math.max(Math.floor(k.phys.nr_pages * (PAGE_SIZE / 1024) / 10), NR_FILE);
    // inotify_user_setup(): 1% of memory at INOTIFY_WATCH_COST (a mark and two inodes, ~1.3 KiB on 64-bit), in [8192, 1048576].
    this.inotify_max_user_watches = Math.min(Math.max(Math.floor(k.phys.nr_pages / 100) * PAGE_SIZE / 1360 | 0, 8192), 1048576);
  }
}

const SYSCTL_VALUES_STATE = new StateKey<Kernel, SysctlValues>('sysctl', (k) => new SysctlValues(k));
export function sysctl_values(k: Kernel): SysctlValues { return state_of(k, SYSCTL_VALUES_STATE); }

/** One entry of a ctl_table: a path under /proc/sys, its mode, and proc_handler's two halves. */
export interface CtlTable {
  readonly path: string;
  readonly mode: number;
  show(k: Kernel): string;
  /** Parses and stores a written value (proc_dointvec_minmax and friends): 0 or -errno. */
  store?(k: Kernel, text: string): number;
}

/** proc_dointvec_minmax / proc_doulongvec_minmax for one value: a decimal in [min, max]. */
type IntField = 'pid_max' | 'somaxconn' | 'file_max' | 'inotify_max_user_instances' | 'inotify_max_queued_events' | 'inotify_max_user_watches';

function minmax(field: IntField, min: number, max: number): Pick<CtlTable, 'show' | 'store'> {
  return {
    show: (k) => `${sysctl_values(k)[field]}\n`,
    store(k, text) {
      const m = /^\s*(-?\d+)\s*$/.exec(text);
      if (!m) return -EINVAL;
      const n = Number(m[1]);
      if (n < min || n > max) return -EINVAL;
      sysctl_values(k)[field] = n;
      return 0;
    },
  };
}

const fixed = (text: (k: Kernel) => string): Pick<CtlTable, 'show'> => ({ show: (k) => `${text(k)}\n` });

export const SYSCTL_TABLE: readonly CtlTable[] = [
  { path: 'kernel/ostype', mode: 0o444, ...fixed(() => 'Linux') },
  { path: 'kernel/osrelease', mode: 0o444, ...fixed(() => UTS_RELEASE) },
  { path: 'kernel/version', mode: 0o444, ...fixed(() => UTS_VERSION) },
  { path: 'kernel/pid_max', mode: 0o644, ...minmax('pid_max', RESERVED_PIDS + 1, PID_MAX_LIMIT) },
  { path: 'fs/file-max', mode: 0o644, ...minmax('file_max', 0, Number.MAX_SAFE_INTEGER) },
  { path: 'fs/nr_open', mode: 0o444, ...fixed(() => '1048576') },
  { path: 'net/core/somaxconn', mode: 0o644, ...minmax('somaxconn', 0, 0x7fffffff) },
  { path: 'fs/inotify/max_user_instances', mode: 0o644, ...minmax('inotify_max_user_instances', 0, 0x7fffffff) },
  { path: 'fs/inotify/max_user_watches', mode: 0o644, ...minmax('inotify_max_user_watches', 0, 0x7fffffff) },
  { path: 'fs/inotify/max_queued_events', mode: 0o644, ...minmax('inotify_max_queued_events', 0, 0x7fffffff) },
];
