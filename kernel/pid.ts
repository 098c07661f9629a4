/**
 * Process file descriptors (kernel/pid.c, kernel/signal.c's pidfd_send_signal): pidfd_open(2)
 * gives a close-on-exec fd ("anon_inode:[pidfd]") naming a process; it polls readable once the
 * process has exited, and pidfd_send_signal(2) signals it without pid-reuse races.
 */
import { EBADF, EFAULT, EINVAL, ENOENT, EPERM, ESRCH } from './include/uapi/errno.ts';
import { O_EXCL, O_NONBLOCK, O_RDWR } from './include/uapi/fcntl.ts';
import { _NSIG } from './include/uapi/signal.ts';
import { anon_inode_getfile } from './fs/anon_inodes.ts';
import { install_fd } from './fs/file_table.ts';
import type { File, FileOperations } from './fs/fs_types.ts';
import { POLLIN, POLLRDNORM, poll_wait } from './fs/poll_types.ts';
import { check_kill_permission, send_signal } from './sched/signal.ts';
import { SI_TKILL, SI_USER, SigInfo, copy_siginfo_from_user } from './sched/siginfo.ts';
import type { Task } from './sched/task.ts';
import type { SyscallDef } from './syscalls/syscall_def.ts';
import type { UserPtr } from './include/linux/compiler_types.ts';

export const PIDFD_NONBLOCK = O_NONBLOCK, PIDFD_THREAD = O_EXCL;
export const PIDFD_SIGNAL_THREAD = 1, PIDFD_SIGNAL_THREAD_GROUP = 2, PIDFD_SIGNAL_PROCESS_GROUP = 4;
const PIDFD_SEND_SIGNAL_FLAGS = PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP;

const pidfd_fops: FileOperations = {
  /** pidfd_poll(): readable once the process has exited (a zombie or reaped). */
  poll(f, _t, pt) {
    const target = f.private_data as Task;
    poll_wait(pt, target.wait_pidfd);
    return target.alive ? 0 : POLLIN | POLLRDNORM;
  },
  show_fdinfo(f) {
    const target = f.private_data as Task;
    const pid = target.kernel.tasks.get(target.pid) === target ? target.pid : -1;
    return `Pid:\t${pid}\nNSpid:\t${pid}\n`;
  },
};

/** pidfd_open(2) */
export function sys_pidfd_open(t: Task, pid: number, flags: number): number {
  if (flags & ~(PIDFD_NONBLOCK | PIDFD_THREAD)) return -EINVAL;
  if (pid <= 0) return -EINVAL;
  const target = t.kernel.tasks.get(pid);
  if (!target) return -ESRCH;
  if (!(flags & PIDFD_THREAD) && target.tgid !== target.pid) return -ENOENT;
  const f = anon_inode_getfile('[pidfd]', pidfd_fops, target, O_RDWR | (flags & (PIDFD_NONBLOCK | PIDFD_THREAD)));
  return install_fd(t, f, true);
}

/** The task a pidfd names, or -EBADF (pidfd_to_pid). */
function pidfd_task(t: Task, fd: number): Task | number {
  const f: File | null = t.files.fcheck(fd);
  if (!f || f.f_op !== pidfd_fops) return -EBADF;
  return f.private_data as Task;
}

/** pidfd_send_signal(2) */
export function sys_pidfd_send_signal(t: Task, pidfd: number, sig: number, uinfo: UserPtr, flags: number): number {
  if (flags & ~PIDFD_SEND_SIGNAL_FLAGS) return -EINVAL;
  if ((flags & (flags - 1)) !== 0) return -EINVAL; // one scope flag at most
  const target = pidfd_task(t, pidfd);
  if (typeof target === 'number') return target;
  let info: SigInfo;
  if (uinfo) {
    const i = copy_siginfo_from_user(t, sig, uinfo);
    if (!i) return -EFAULT;
    if (new DataView(i.raw!.buffer).getInt32(0, true) !== sig) return -EINVAL;
    if ((target !== t || flags & PIDFD_SIGNAL_THREAD) && (i.code >= 0 || i.code === SI_TKILL)) return -EPERM;
    info = i;
  } else info = SigInfo.from_task(sig, flags & PIDFD_SIGNAL_THREAD ? SI_TKILL : SI_USER, t);
  if (t.kernel.tasks.get(target.pid) !== target) return -ESRCH; // reaped (a zombie still takes signals, and drops them)
  if (sig < 0 || sig > _NSIG) return -EINVAL;
  if (!check_kill_permission(t, target)) return -EPERM;
  if (sig) send_signal(target, sig, info);
  return 0;
}

export const pid_syscalls: readonly SyscallDef[] = [
  { name: 'pidfd_open', fn: sys_pidfd_open, args: ['int', 'unsigned int hex'] },
  { name: 'pidfd_send_signal', fn: sys_pidfd_send_signal, args: ['fd', 'signal', 'ptr', 'unsigned int hex'], support: 'partial', note: 'PIDFD_SIGNAL_PROCESS_GROUP signals only the process (no process groups)' },
];
