/**
 * /proc/loadavg and /proc/stat (fs/proc/loadavg.c, fs/proc/stat.c). CPU times are in USER_HZ
 * ticks of modeled cycles (the tasks' utime/stime, kept for exited ones too); idle is the rest
 * of the time since boot. Every sleep is interruptible, so procs_blocked (D state) is 0.
 */
import type { Kernel } from '../../kernel.ts';
import { fmt_load, get_avenrun } from '../../sched/loadavg.ts';
import { TASK_RUNNING, type Task } from '../../sched/task.ts';
import { proc_create } from './generic.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';

const USER_HZ = 100;

/** Cycles of tasks that have exited (what kernel_cpustat keeps without per-task data). */
class CpuStat { user = 0; system = 0 }

const CPUSTAT_STATE = new StateKey<Kernel, CpuStat>('cpustat', () => new CpuStat());
function cpustat(k: Kernel): CpuStat { return state_of(k, CPUSTAT_STATE); }

function nr_threads(k: Kernel): number {
  let n = 0;
  for (const t of k.tasks.values()) if (t.alive) n++;
  return n;
}

export function proc_loadavg(k: Kernel): string {
  const a = get_avenrun(k);
  return `${fmt_load(a[0])} ${fmt_load(a[1])} ${fmt_load(a[2])} ${Math.max(0, k.nr_running)}/${nr_threads(k)} ${k.next_pid - 1}\n`;
}

/** show_stat(): one CPU, so the cpu and cpu0 lines agree. */
export function proc_stat(k: Kernel): string {
  const s = cpustat(k), hz = k.cpu.profile.hz;
  let user = s.user, system = s.system;
  for (const t of k.tasks.values()) if (t.alive) { user += t.utime; system += t.stime; }
  const tick = (cycles: number): number => Math.floor(cycles / hz * USER_HZ);
  const busy = tick(user) + tick(system);
  const idle = Math.max(0, Math.floor(k.uptime_ns() / 1e9 * USER_HZ) - busy);
  const times = `${tick(user)} 0 ${tick(system)} ${idle} 0 0 0 0 0 0`;
  let running = 0;
  for (const t of k.tasks.values()) if (t.alive && t.state === TASK_RUNNING) running++;
  return [`cpu  ${times}`, `cpu0 ${times}`, 'intr 0', `ctxt ${k.nr_switches}`, `btime ${Math.floor(k.boot_realtime_ns / 1e9)}`,
    `processes ${k.next_pid - 1}`, `procs_running ${running}`, 'procs_blocked 0', 'softirq 0 0 0 0 0 0 0 0 0 0 0', ''].join('\n');
}

export function proc_stat_init(k: Kernel): void {
  k.exit_hooks.push((t: Task) => { const s = cpustat(k); s.user += t.utime; s.system += t.stime; });
  proc_create(k, 'loadavg', () => proc_loadavg(k));
  proc_create(k, 'stat', () => proc_stat(k));
}
