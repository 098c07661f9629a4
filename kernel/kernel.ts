/**
 * One booted privos machine: the CPU, physical memory, kernel address space, symbol table,
 * syscall table, tasks, the log and the root file system. Several can run in one Node
 * process (tests boot many); nothing in the kernel is a module-level global.
 */
import type { Arch } from './arch/arch.ts';
import type { Cpu } from './arch/cpu.ts';
import type { Dentry } from './fs/fs_types.ts';
import type { Kallsyms } from './modules/kallsyms.ts';
import type { PhysMem } from './mm/page_alloc.ts';
import type { PageTable } from './mm/pgtable.ts';
import type { TextRegion } from './mm/text.ts';
import type { KernelVm } from './mm/vmalloc.ts';
import type { LogBuffer } from './printk.ts';
import type { Task } from './sched/task.ts';
import type { DispatchCache } from './syscalls/dispatch.ts';
import type { ArgSpec, SyscallDef } from './syscalls/syscall_def.ts';

/**
 * What a host write answered: nothing or a number >= 0 when the host took the bytes at once;
 * -errno (-EPIPE: the reader is gone) when it refused them; a Promise when the host buffer is
 * full, resolving (0 or -errno) once the bytes are out, so the writer blocks until then.
 */
export type ConsoleWrite = void | number | Promise<number>;

/** The host window size behind a terminal (struct winsize's rows and columns). */
export interface ConsoleWinsize { rows: number; cols: number }

/**
 * The host's stdio, where fds 0/1/2 of `privos run` go (kernel/fs/devfs/hvc_console.ts):
 * like a hypervisor console, each host fd is a channel the kernel writes to or reads from.
 */
export interface ConsoleIo {
  /** Host fd 1 (stdout). */
  write(bytes: Uint8Array): ConsoleWrite;
  /** Host fd 2 (stderr); without it, stderr goes to write. */
  write_err?(bytes: Uint8Array): ConsoleWrite;
  /** Resolves with the next chunk of host fd 0, or null at end of input. Asked only when a reader waits. */
  read(): Promise<Uint8Array | null>;
  /** Whether host fd 0, 1 or 2 is a terminal (isatty(3)); absent: none is. */
  isatty?(fd: number): boolean;
  /** The host terminal's size, or null when there is none. */
  winsize?(): ConsoleWinsize | null;
  /** Raw (no host echo or line editing) or cooked input on a host terminal, as termios ICANON asks. */
  set_raw?(raw: boolean): void;
}

/** The strace hook: called around every syscall when set. */
export interface SyscallTracer {
  enter(t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): void;
  exit(t: Task, nr: number, ret: number): void;
  /** A signal sent to t, with its siginfo (strace's `--- SIG… {…} ---`). */
  signal?(t: Task, sig: number, info: import('./sched/siginfo.ts').SigInfo): void;
  /** t entered a group stop by sig (strace's `--- stopped by SIG… ---`). */
  stopped?(t: Task, sig: number): void;
}

export class Kernel {
  current: Task | null = null;
  readonly tasks = new Map<number, Task>();
  next_pid = 1;
  /** Tasks not sleeping in the kernel. */
  nr_running = 0;
  /** Context switches since boot (rq->nr_switches; /proc/stat's ctxt). */
  nr_switches = 0;
  /** Address of sys_call_table in kernel memory and its number of entries. */
  sys_call_table = 0;
  nr_syscalls = 0;
  /** The handler each table entry resolved to, while nothing that decided it has changed. */
  dispatch!: DispatchCache;
  /** Oopses so far (the [#N] of the oops banner). */
  oops_count = 0;
  /** The definition installed at each number at boot (null: sys_ni_syscall). */
  syscall_defs: (SyscallDef | null)[] = [];
  /** Each installed definition's arguments, resolved once at boot (strace, fdcap and the fuzzer read them). */
  syscall_args: (readonly ArgSpec[] | null)[] = [];
  tracer: SyscallTracer | null = null;
  /** Called for each task that exits (modules and subsystems clean per-task state). */
  readonly exit_hooks: ((t: Task) => void)[] = [];
  /** Called for each new task (parent, child) so per-task state can be inherited. */
  readonly fork_hooks: ((p: Task, c: Task) => void)[] = [];
  /** State of subsystems and modules, by name. */
  readonly ext = new Map<object, unknown>();
  root!: Dentry;
  /** The C runtime that starts programs (registered at boot by tools/machine.ts). */
  crt0: import('./fs/exec.ts').Crt0 | null = null;
  /** Called after a task's image is replaced (modules reset per-image state). */
  readonly exec_hooks: ((t: Task) => void)[] = [];
  /** performance.now() at boot: the host's monotonic clock in ms, to sub-µs (no BigInt per read). */
  readonly boot_perf = performance.now();
  /** The cost paths of this arch's syscall entry and exit (set at boot). */
  entry_paths!: { enter: import('./time/cost.ts').CostPath; exit: import('./time/cost.ts').CostPath };
  /**
   * CLOCK_REALTIME at boot, in ns: the host's, to the µs (Date.now() would drop up to 1 ms and
   * leave the emulated clock behind the host's, which a client comparing times sees).
   */
  readonly boot_realtime_ns = (performance.timeOrigin + this.boot_perf) * 1e6;

  constructor(
    readonly arch: Arch,
    readonly phys: PhysMem,
    readonly kpt: PageTable,
    readonly cpu: Cpu,
    readonly kvm: KernelVm,
    readonly kallsyms: Kallsyms,
    readonly ktext: TextRegion,
    readonly log: LogBuffer,
    public console: ConsoleIo,
  ) {}

  /** Monotonic nanoseconds since boot (host clock). */
  uptime_ns(): number { return Math.floor((performance.now() - this.boot_perf) * 1e6); }

  printk(level: number, text: string): void { this.log.printk(level, text); }
}
