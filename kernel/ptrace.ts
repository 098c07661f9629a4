/**
 * ptrace_may_access() (kernel/ptrace.c): may `t` inspect `target`? The check behind
 * /proc/PID/{maps,environ,cwd,root,exe,fd} and, in Linux, process_vm_readv, pidfd_getfd and
 * kcmp. privos implements no ptrace(2) itself (ENOSYS), so PTRACE_MODE_ATTACH is only the
 * stricter name the same rule takes; Yama's ptrace_scope (ATTACH only) is not modelled.
 */
import { EPERM } from './include/uapi/errno.ts';
import { CAP_SYS_PTRACE } from './include/uapi/capability.ts';
import { capable, same_thread_group } from './capability.ts';
import type { Task } from './sched/task.ts';

export const PTRACE_MODE_READ = 0x01, PTRACE_MODE_ATTACH = 0x02, PTRACE_MODE_NOAUDIT = 0x04;
export const PTRACE_MODE_FSCREDS = 0x08, PTRACE_MODE_REALCREDS = 0x10;
export const PTRACE_MODE_READ_FSCREDS = PTRACE_MODE_READ | PTRACE_MODE_FSCREDS;
export const PTRACE_MODE_READ_REALCREDS = PTRACE_MODE_READ | PTRACE_MODE_REALCREDS;
export const PTRACE_MODE_ATTACH_REALCREDS = PTRACE_MODE_ATTACH | PTRACE_MODE_REALCREDS;

/** Does the caller's uid and gid (fs or real ids, by mode) equal all three of the target's? */
function ids_match(t: Task, target: Task, mode: number): boolean {
  const c = t.cred, tc = target.cred;
  const uid = mode & PTRACE_MODE_FSCREDS ? c.fsuid : c.uid;
  const gid = mode & PTRACE_MODE_FSCREDS ? c.fsgid : c.gid;
  return uid === tc.euid && uid === tc.suid && uid === tc.uid &&
    gid === tc.egid && gid === tc.sgid && gid === tc.gid;
}

/** __ptrace_may_access(): 0 or -EPERM. */
export function ptrace_may_access(t: Task, target: Task, mode: number): number {
  if (same_thread_group(t, target)) return 0;
  if (!ids_match(t, target, mode) && !capable(t, CAP_SYS_PTRACE)) return -EPERM;
  // A process that changed credentials (setuid) is not dumpable: only CAP_SYS_PTRACE sees it.
  if (target.mm && !target.mm.dumpable && !capable(t, CAP_SYS_PTRACE)) return -EPERM;
  return 0;
}
