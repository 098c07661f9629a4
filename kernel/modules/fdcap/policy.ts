/**
 * What a failed check costs. Every failure — a token that does not authenticate, a protected fd
 * used outside its context, an enter from the wrong call site — is logged with pid and syscall,
 * and then:
 *
 * - policy "ebadf": the real call does not run; EBADF (EPERM for enter);
 * - policy "kill": the process gets SIGKILL at once (like FEAT_FPAC ending a process at a failed
 *   AUT; SIGKILL rather than SIGILL so a compromised compartment cannot catch it);
 * - and whatever the policy, the failure counts against the process's family (the processes
 *   forked from one fdcap_init, FdcapFamily): when the family has failed `max_failures` times,
 *   every live member is sent SIGKILL. Under the kill policy alone a forked child per guess costs
 *   the attacker nothing (the parent keeps its token's modifier and forks again); the family
 *   budget bounds the guesses of the whole family instead of one process.
 */
import type { FilesStruct } from '../../fs/fdtable.ts';
import { SIGKILL } from '../../include/uapi/signal.ts';
import { KERN_WARNING } from '../../printk.ts';
import { force_sig } from '../../sched/signal.ts';
import type { Task } from '../../sched/task.ts';
import type { FdcapFamily, FdcapProc } from './context.ts';
import { FDCAP_POLICY_KILL } from '../../include/uapi/fdcap.ts';

/** What the hooks and the device share: the per-process state and the failure bound. */
export interface FdcapEnv {
  /** Per-process state, keyed by the fd table it protects. */
  readonly procs: WeakMap<FilesStruct, FdcapProc>;
  /** Failed checks a family may make before all of it is killed (0: no bound). */
  max_failures: number;
}

/** Sends SIGKILL to every live process of the family. */
function kill_family(t: Task, env: FdcapEnv, fam: FdcapFamily): void {
  fam.killed = true;
  let n = 0;
  for (const x of t.kernel.tasks.values()) {
    if (!x.alive || env.procs.get(x.files)?.family !== fam) continue;
    force_sig(x, SIGKILL);
    n++;
  }
  t.kernel.printk(KERN_WARNING, `fdcap: pid ${t.pid} (${t.comm}): family made ${fam.failures} failed checks (max_failures=${env.max_failures}), killing its ${n} processes`);
}

/**
 * A failed check by t: logs `what`, counts it for the process and its family, applies the
 * policy and the family bound.
 */
export function fdcap_fail(t: Task, env: FdcapEnv, p: FdcapProc, what: string): void {
  p.nr_failed++;
  const fam = p.family;
  fam.failures++;
  const kill = p.policy === FDCAP_POLICY_KILL;
  t.kernel.printk(KERN_WARNING, `fdcap: pid ${t.pid} (${t.comm}) ${what}${kill ? ', killing' : ''}`);
  if (kill) force_sig(t, SIGKILL);
  if (env.max_failures > 0 && fam.failures >= env.max_failures && !fam.killed) kill_family(t, env, fam);
}
