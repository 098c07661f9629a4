/**
 * Every subsystem's syscall definitions, gathered for the table builder. A subsystem adds its
 * list here; the number each name gets comes from the architecture's table.
 */
import { exec_syscalls } from '../fs/exec.ts';
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
import { sigaltstack_syscalls } from '../sched/sigaltstack.ts';
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
import { arg_decl_ok } from './decode.ts';
import { SYSCALL_NAMES } from '../include/uapi/arch_uapi.ts';

export const ALL_SYSCALLS: readonly SyscallDef[] = [
  ...exec_syscalls,
  ...mm_syscalls, ...exit_syscalls, ...fork_syscalls, ...signal_syscalls, ...sched_syscalls, ...sys_syscalls,
  ...time_syscalls, ...fs_syscalls, ...net_syscalls, ...module_syscalls, ...privbox_syscalls,
  ...futex_syscalls, ...memfd_syscalls, ...sigwait_syscalls, ...sigaltstack_syscalls, ...itimer_syscalls, ...pid_syscalls,
  ...fadvise_syscalls, ...readahead_syscalls, ...posix_timer_syscalls,
  ...setid_syscalls, ...groups_syscalls, ...sched_policy_syscalls, ...rusage_syscalls, ...sysinfo_syscalls,
];

/**
 * Checks a definition list the way the build would fail on two SYSCALL_DEFINEs of one name: a
 * name defined twice, or one that no architecture's table numbers, is a kernel bug found at boot
 * rather than a handler that silently loses to another.
 */
export function check_syscall_defs(defs: readonly SyscallDef[]): void {
  const known = new Set([...SYSCALL_NAMES.x86_64, ...SYSCALL_NAMES.arm64]);
  const seen = new Set<string>();
  for (const d of defs) {
    if (seen.has(d.name)) throw new Error(`syscall ${d.name} defined twice`);
    if (!known.has(d.name)) throw new Error(`syscall ${d.name} is in no architecture's table`);
    const bad = (d.args ?? []).find((a) => !arg_decl_ok(a));
    if (bad !== undefined || (d.args?.length ?? 0) > 6) throw new Error(`syscall ${d.name}: bad argument declaration ${bad ?? '(more than 6)'}`);
    seen.add(d.name);
  }
}
