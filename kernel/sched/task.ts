/**
 * struct task_struct and the objects it points to (include/linux/sched.h, cred.h,
 * fdtable.h, fs_struct.h, sched/signal.h).
 */
import type { CpuDoor, UserEntry } from '../include/uapi/cpu_door.ts';
import type { Cpu } from '../arch/cpu.ts';
import type { Kernel } from '../kernel.ts';
import type { MmStruct } from '../mm/mm_types.ts';
import type { FilesStruct } from '../fs/fdtable.ts';
import type { Dentry } from '../fs/fs_types.ts';
import { WaitQueueHead, type WaitQueueEntry } from '../include/linux/wait.ts';
import { _NSIG } from '../include/uapi/signal.ts';
import type { TtyStruct } from '../drivers/tty/tty.ts';

import { TASK_RUNNING } from '../include/linux/sched.ts';
import { USER_NULL } from '../include/linux/compiler_types.ts';
export { TASK_RUNNING, TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, TASK_STOPPED, EXIT_ZOMBIE, EXIT_DEAD } from '../include/linux/sched.ts';

export class Cred {
  constructor(public uid = 0, public gid = 0, public euid = 0, public egid = 0,
              public suid = 0, public sgid = 0, public fsuid = 0, public fsgid = 0,
              public groups: number[] = []) {}
  clone(): Cred {
    return new Cred(this.uid, this.gid, this.euid, this.egid, this.suid, this.sgid, this.fsuid, this.fsgid, [...this.groups]);
  }
}

/** struct k_sigaction */
export class SigAction {
  constructor(public handler = 0, public flags = 0, public mask_lo = 0, public mask_hi = 0, public restorer = 0) {}
}

/** struct sighand_struct: the actions, shared by CLONE_SIGHAND threads. */
export class SigHand {
  readonly action: SigAction[] = Array.from({ length: _NSIG + 1 }, () => new SigAction());
  /** Readers of signalfds of these tasks: woken by every signal sent (signalfd_wqh). */
  readonly signalfd_wqh = new WaitQueueHead();
  clone(): SigHand {
    const s = new SigHand();
    this.action.forEach((a, i) => Object.assign(s.action[i], a));
    return s;
  }
}

/** struct fs_struct */
export class FsStruct {
  constructor(public root: Dentry, public pwd: Dentry, public umask = 0o022) {}
  clone(): FsStruct { return new FsStruct(this.root, this.pwd, this.umask); }
}

/** struct rlimit pairs, indexed by RLIMIT_* */
export type Rlimits = { cur: number; max: number }[];

/** The user-visible register file of a task stopped in a syscall (a slice of pt_regs). */
export class PtRegs {
  nr = 0;
  a0 = 0; a1 = 0; a2 = 0; a3 = 0; a4 = 0; a5 = 0;
}

export class Task {
  state = TASK_RUNNING;
  exit_state = 0;
  /** wait(2) status once a zombie. */
  exit_code = 0;
  parent: Task | null = null;
  readonly children = new Set<Task>();
  /** Wait queue for children changing state (wait4). */
  readonly wait_chldexit = new WaitQueueHead();
  /** Pollers of pidfds naming this task, woken when it exits (struct pid's wait_pidfd). */
  readonly wait_pidfd = new WaitQueueHead();
  comm = '';
  /** The kcov this task collects coverage into (KCOV_ENABLE), as task_struct's kcov. */
  kcov: import('../kcov.ts').Kcov | null = null;
  cred = new Cred();
  mm: MmStruct | null = null;
  files!: FilesStruct;
  fs!: FsStruct;
  sighand = new SigHand();
  /** Pending and blocked signal sets: bit (sig-1) of lo for 1..32, of hi for 33..64. */
  pending_lo = 0; pending_hi = 0;
  blocked_lo = 0; blocked_hi = 0;
  /** The siginfo of each pending signal instance, in arrival order (struct sigpending's list). */
  sigqueue: import('./siginfo.ts').SigInfo[] = [];
  /** The mask rt_sigsuspend replaced, restored once the signal has been delivered. */
  saved_sigmask: [number, number] | null = null;
  /**
   * struct restart_block: how restart_syscall(2) resumes a call that returned
   * -ERESTART_RESTARTBLOCK (nanosleep's remaining sleep); null is do_no_restart_syscall.
   */
  restart_block: ((t: Task) => import('../fs/fs_types.ts').SysRet) | null = null;
  /** The mask rt_sigtimedwait lifted while it sleeps: such signals are still never ignored (real_blocked). */
  real_blocked_lo = 0; real_blocked_hi = 0;
  /** The alternate signal stack (sigaltstack(2)): base, size, and SS_AUTODISARM if asked. */
  sas_ss_sp = 0; sas_ss_size = 0; sas_ss_flags = 0;
  /**
   * The user stack pointer while a signal handler runs: its frame's address (0 outside
   * handlers, where the stack pointer is user_sp). Nested frames go below it.
   */
  sig_sp = 0;
  /** Signal to send the parent on exit (clone's low byte). */
  exit_signal = 0;
  readonly regs = new PtRegs();
  /** Wake function of the wait-queue entry the task sleeps on, if it sleeps. */
  sleeping: WaitQueueEntry | null = null;
  /** Cycle accounting (user and system apart) and the slice start. */
  utime = 0; stime = 0; mark = 0; slice_start = 0;
  /** The user-code watchdog sent SIGXCPU for the current stretch (kernel/sched/user_ops.ts). */
  watchdog_fired = false;
  /** The run_mark of the stretch the watchdog fired in: a later stretch is watched afresh. */
  watchdog_mark = -1;
  /** Cycles when this task's code last let the rest of the machine run: a sleep, a yield, a switch (the watchdog's origin). */
  run_mark = 0;
  /**
   * Its user code waits for the kernel (a syscall that sleeps, or a preemption at a loop head):
   * none of its code can be what runs now (kernel/sched/user_ops.ts, realm_task).
   */
  in_kernel_wait = false;
  need_resched = false;
  /** Running PrivBox code: signals are deferred until the box returns. */
  in_box = false;
  /** Per-process limits (signal_struct's rlim): shared by the threads of a process. */
  rlim!: Rlimits;
  /** task_nice(): -20..19, inherited at fork. */
  nice = 0;
  /** cpus_mask: the CPUs the task may run on (bit 0: privos's one CPU), inherited at fork. */
  cpus_allowed = 1;
  /** The user program's C library for this task (set by exec). */
  libc: unknown = null;
  /**
   * Where this task enters user mode: the image's entry, called with the task's CPU door and how
   * it got here (ENTRY_EXEC: a new image, sp at argc; ENTRY_CLONE: the child side of clone, sp
   * the stack the caller gave). Its stack pointer at entry is user_sp.
   */
  user_entry: UserEntry | null = null;
  user_sp = 0;
  /** The CPU door of the current image (made on first entry) and the image's generation. */
  door: CpuDoor | null = null;
  image_gen = 0;
  /** CLONE_CHILD_SETTID: where the child stores its tid when it first runs. */
  set_child_tid = USER_NULL;
  /** CLONE_CHILD_CLEARTID / set_tid_address: zeroed and futex-woken when the task exits. */
  clear_child_tid = USER_NULL;
  /**
   * sendfile's bounce buffer (Linux's current->splice_pipe): per task, because the copy stays
   * live while the task sleeps on a full output, and a task is in one syscall at a time.
   */
  splice_pipe: Uint8Array | null = null;
  /** Process group and session ids (signal->pids[PIDTYPE_PGID/SID]); every thread carries them. */
  pgrp = 0;
  session = 0;
  /** The controlling terminal (signal->tty), or null. */
  tty: TtyStruct | null = null;
  /** PF_FORKNOEXEC: forked and has not exec'd since (setpgid by the parent is allowed). */
  forknoexec = false;
  /**
   * Group stop (signal->group_exit_code / SIGNAL_STOP_STOPPED), kept on the group leader: the
   * stop signal while the process is stopped, else 0.
   */
  group_stop_sig = 0;
  /** What wait(2) has yet to report about this process: CLD_STOPPED, CLD_CONTINUED or 0. */
  wait_report = 0;
  /** JOBCTL_STOP_PENDING: another thread stopped the group; this one stops at its next chance. */
  jobctl_stop_pending = false;
  /** Per-task data of subsystems and modules (fdcap's context, PrivBox's box state). */
  readonly ext = new Map<object, unknown>();
  start_time = 0;
  /** Resolves with the wait status when the task has exited (for the host side). */
  readonly exited: Promise<number>;
  notify_exit!: (status: number) => void;

  constructor(readonly kernel: Kernel, readonly pid: number, public tgid: number) {
    this.exited = new Promise((r) => (this.notify_exit = r));
  }

  get cpu(): Cpu { return this.kernel.cpu; }

  get alive(): boolean { return this.exit_state === 0; }
}
