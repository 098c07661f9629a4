/**
 * clone(2) for processes and threads (kernel/fork.c copy_process). The child gets a
 * copy-on-write copy of the address space (or shares it with CLONE_VM), a copy of the fd table
 * (or shares it with CLONE_FILES), and resumes in user mode at the parent's return site with
 * a return value of 0, on the stack the caller gave.
 */
import { RESERVED_PIDS, sysctl_values } from '../sysctl.ts';
import { EAGAIN, EINVAL, ENOMEM } from '../include/uapi/errno.ts';
import { MmStruct } from '../mm/mm_types.ts';
import { dup_mmap } from '../mm/memory.ts';
import { PageTable } from '../mm/pgtable.ts';
import { put_user_u32 } from '../mm/uaccess.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { FsStruct, Task, TASK_RUNNING, type Rlimits } from './task.ts';
import type { Kernel } from '../kernel.ts';
import { ENTRY_CLONE, type UserEntry } from '../include/uapi/cpu_door.ts';
import { MODE_KERNEL } from '../arch/cpu.ts';
import { switch_to } from './core.ts';

export {
  CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_PIDFD, CLONE_PTRACE, CLONE_VFORK, CLONE_PARENT, CLONE_THREAD,
  CLONE_NEWNS, CLONE_SYSVSEM, CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_DETACHED, CLONE_UNTRACED,
  CLONE_CHILD_SETTID, CSIGNAL,
} from '../include/uapi/sched.ts';
import { CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_FILES, CLONE_FS, CLONE_PARENT, CLONE_PARENT_SETTID, CLONE_SIGHAND, CLONE_THREAD, CLONE_VFORK, CLONE_VM, CSIGNAL } from '../include/uapi/sched.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

/** RLIMIT_NPROC-style cap on live tasks (pid_max is far larger; this bounds runaway forks). */
export const MAX_TASKS = 4096;

export type { UserEntry };

/** A fresh address space with the kernel half shared (mm_alloc + pgd_alloc). */
export function mm_alloc(k: Kernel): MmStruct | null {
  const root = k.phys.alloc_page();
  if (root < 0) return null;
  const pt = new PageTable(k.phys, k.arch.pte, root);
  pt.share_kernel_half(k.kpt);
  return new MmStruct(pt);
}

export function default_rlimits(): Rlimits {
  const inf = Number.MAX_SAFE_INTEGER;
  const r: Rlimits = Array.from({ length: 16 }, () => ({ cur: inf, max: inf }));
  r[3] = { cur: 8 << 20, max: inf };   // RLIMIT_STACK
  r[4] = { cur: 0, max: inf };         // RLIMIT_CORE
  r[7] = { cur: 1024, max: 4096 };     // RLIMIT_NOFILE (systemd's defaults)
  r[13] = { cur: 0, max: 0 };          // RLIMIT_NICE (INIT_RLIMITS)
  r[14] = { cur: 0, max: 0 };          // RLIMIT_RTPRIO
  return r;
}

/**
 * alloc_pid(): the next free pid after the last one; past kernel.pid_max it wraps around to
 * RESERVED_PIDS. (next_pid is the last pid + 1.)
 */
function alloc_pid(k: Kernel): number {
  const max = sysctl_values(k).pid_max;
  let pid = k.next_pid;
  for (let n = 0; n < max; n++, pid++) {
    if (pid >= max) pid = k.tasks.size && pid > RESERVED_PIDS ? RESERVED_PIDS : 1;
    if (!k.tasks.has(pid)) { k.next_pid = pid + 1; return pid; }
  }
  return -1;
}

/** Allocates a pid and a bare task (alloc_pid + dup_task_struct's skeleton). */
export function alloc_task(k: Kernel, thread_of: Task | null): Task {
  const pid = alloc_pid(k);
  const t = new Task(k, pid, thread_of ? thread_of.tgid : pid);
  k.tasks.set(pid, t);
  t.pgrp = t.session = t.tgid; // a process started by the kernel leads its own session
  k.nr_running++;
  t.start_time = k.uptime_ns();
  return t;
}

/** copy_process(): the child task, or -errno. The caller starts it running. */
export function copy_process(p: Task, flags: number, newsp: number, ptid: UserPtr, ctid: UserPtr): Task | number {
  const k = p.kernel;
  if (flags & CLONE_THREAD && !(flags & CLONE_SIGHAND)) return -EINVAL;
  if (flags & CLONE_SIGHAND && !(flags & CLONE_VM)) return -EINVAL;
  if (k.tasks.size >= Math.min(MAX_TASKS, sysctl_values(k).pid_max - RESERVED_PIDS)) return -EAGAIN;
  let mm = p.mm!;
  if (flags & CLONE_VM) mm.users++;
  else {
    const n = mm_alloc(k);
    if (!n || !dup_mmap(k.cpu, mm, n)) return -ENOMEM;
    n.text = mm.text; // code is shared and read-only, and runs in the image's realm
    n.realm = mm.realm;
    n.dumpable = mm.dumpable; // dup_mm copies the mm flags
    mm = n;
  }
  const c = alloc_task(k, flags & CLONE_THREAD ? p : null);
  c.comm = p.comm;
  c.cred = p.cred.clone();
  c.mm = mm;
  c.files = flags & CLONE_FILES ? p.files : p.files.clone();
  c.fs = flags & CLONE_FS ? p.fs : new FsStruct(p.fs.root, p.fs.pwd, p.fs.umask);
  c.sighand = flags & CLONE_SIGHAND ? p.sighand : p.sighand.clone();
  c.blocked_lo = p.blocked_lo; c.blocked_hi = p.blocked_hi;
  c.rlim = flags & CLONE_THREAD ? p.rlim : p.rlim.map((r) => ({ ...r }));
  c.nice = p.nice;
  c.cpus_allowed = p.cpus_allowed;
  c.parent = flags & (CLONE_PARENT | CLONE_THREAD) ? p.parent : p;
  // Only group leaders are on their parent's children list; threads are reaped at exit.
  if (!(flags & CLONE_THREAD)) c.parent?.children.add(c);
  c.exit_signal = flags & CLONE_THREAD ? 0 : flags & CSIGNAL;
  c.pgrp = p.pgrp; c.session = p.session; c.tty = p.tty;
  c.forknoexec = true;
  c.libc = p.libc;
  c.user_entry = p.user_entry;
  c.user_sp = newsp || p.user_sp; // no new stack: the child runs on (its copy of) the parent's
  c.sig_sp = newsp ? 0 : p.sig_sp; // at the same stack pointer, a handler's frame included
  // The alternate stack is inherited, except by a thread sharing the memory (sigaltstack(2)).
  if ((flags & (CLONE_VM | CLONE_VFORK)) !== CLONE_VM) { c.sas_ss_sp = p.sas_ss_sp; c.sas_ss_size = p.sas_ss_size; c.sas_ss_flags = p.sas_ss_flags; }
  c.state = TASK_RUNNING;
  for (const [key, v] of p.ext) c.ext.set(key, v);
  for (const hook of k.fork_hooks) hook(p, c);
  if (flags & CLONE_PARENT_SETTID && ptid) put_user_u32(p, ptid, c.pid);
  // The child writes its tid itself when it first runs (schedule_tail's set_child_tid).
  if (flags & CLONE_CHILD_SETTID && ctid) c.set_child_tid = ctid;
  if (flags & CLONE_CHILD_CLEARTID) c.clear_child_tid = ctid;
  return c;
}

/** Starts a new task in user mode at its entry (ret_from_fork). */
export function wake_up_new_task(c: Task): void {
  const entry = c.user_entry;
  if (!entry) return;
  // The child runs once the parent gives up the CPU (its next await), as after a real fork.
  queueMicrotask(() => {
    if (c.set_child_tid) { switch_to(c, MODE_KERNEL); put_user_u32(c, c.set_child_tid, c.pid); }
    void run_user(c, entry, ENTRY_CLONE);
  });
}

/** Runs a task's user code; the task runner of exec.ts provides it. */
export let run_user: (t: Task, entry: UserEntry, how: number) => void = () => undefined;
export function set_task_runner(r: typeof run_user): void { run_user = r; }

/** clone(2); the argument order differs on arm64 (CONFIG_CLONE_BACKWARDS). */
export function sys_clone(t: Task, flags: number, newsp: UserPtr, ptid: UserPtr, a3: UserPtr, a4: UserPtr): number {
  // CONFIG_CLONE_BACKWARDS (arm64) swaps the tls and ctid registers.
  const ctid = t.kernel.arch.clone_backwards ? a4 : a3;
  const c = copy_process(t, flags, newsp, ptid, ctid);
  if (typeof c === 'number') return c;
  wake_up_new_task(c);
  return c.pid;
}

export const fork_syscalls: readonly SyscallDef[] = [
  { name: 'clone', fn: sys_clone, args: ['clone_flags', 'ptr', 'ptr', 'ptr', 'ptr'], support: 'partial',
    note: 'the child resumes at the libc clone wrapper (glibc-style clone(fn, stack, flags, arg)); no namespaces, no CLONE_VFORK wait; CLONE_SETTLS is accepted and ignored (no TLS register); signals sent to a process go to its leader thread only' },
];
