/**
 * Every subsystem's syscall definitions, gathered for the table builder. A subsystem adds its
 * list here; the number each name gets comes from the architecture's table.
 */
import { exec_syscalls } from '../fs/exec.ts';
import { open_syscalls } from '../fs/open.ts';
import { read_write_syscalls } from '../fs/read_write.ts';
import { stat_syscalls } from '../fs/stat.ts';
import { ioctl_syscalls } from '../fs/ioctl.ts';
import { mm_syscalls } from '../mm/mmap.ts';
import { exit_syscalls } from '../sched/exit.ts';
import { fork_syscalls } from '../sched/fork.ts';
import { signal_syscalls } from '../sched/signal.ts';
import { sched_syscalls } from '../sched/syscalls.ts';
import { sys_syscalls } from '../sys.ts';
import { time_syscalls } from '../time/posix-timers.ts';
import { fs_syscalls } from '../fs/fs_syscalls.ts';
import { net_syscalls } from '../net/net_syscalls.ts';
import { module_syscalls } from '../modules/module_syscalls.ts';
import { privbox_syscalls } from '../privbox/privbox_syscalls.ts';
import { futex_syscalls } from '../futex.ts';
import { memfd_syscalls } from '../mm/memfd.ts';
import { sigwait_syscalls } from '../sched/sigwait.ts';
import { itimer_syscalls } from '../time/itimer.ts';
import { pid_syscalls } from '../pid.ts';
import { fadvise_syscalls } from '../mm/fadvise.ts';
import { readahead_syscalls } from '../mm/readahead.ts';
import { posix_timer_syscalls } from '../time/posix-timer.ts';
import { setid_syscalls } from '../setid.ts';
import { groups_syscalls } from '../groups.ts';
import { sched_policy_syscalls } from '../sched/sched_policy.ts';
import { rusage_syscalls } from '../rusage.ts';
import { sysinfo_syscalls } from '../sysinfo.ts';
import type { SyscallDef } from './syscall_def.ts';

export const ALL_SYSCALLS: readonly SyscallDef[] = [
  ...read_write_syscalls, ...open_syscalls, ...stat_syscalls, ...ioctl_syscalls, ...exec_syscalls,
  ...mm_syscalls, ...exit_syscalls, ...fork_syscalls, ...signal_syscalls, ...sched_syscalls, ...sys_syscalls,
  ...time_syscalls, ...fs_syscalls, ...net_syscalls, ...module_syscalls, ...privbox_syscalls,
  ...futex_syscalls, ...memfd_syscalls, ...sigwait_syscalls, ...itimer_syscalls, ...pid_syscalls,
  ...fadvise_syscalls, ...readahead_syscalls, ...posix_timer_syscalls,
  ...setid_syscalls, ...groups_syscalls, ...sched_policy_syscalls, ...rusage_syscalls, ...sysinfo_syscalls,
];
