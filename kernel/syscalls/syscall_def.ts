/**
 * How a subsystem declares its syscalls (the SYSCALL_DEFINEn of privos). Each subsystem exports
 * a SyscallDef[]; kernel/syscalls/registry.ts collects them and the table builder places each at
 * its number on the running architecture, behind a decoder made from the declared argument
 * types (kernel/syscalls/decode.ts). Handlers return a value or a negative errno.
 */
import type { SysRet } from '../fs/fs_types.ts';
import type { Task } from '../sched/task.ts';

/** What sys_call_table holds: a function of the raw registers (Linux's __x64_sys_* pt_regs wrappers). */
export type SyscallFn = (t: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number) => SysRet;

/**
 * An argument's C type as SYSCALL_DEFINE declares it (see the man page / the kernel source):
 * what the decoder does to the register before the handler sees it (__SC_CAST).
 * - 'int' (pid_t, clockid_t, …): the low 32 bits, sign-extended;
 * - 'unsigned int' (uid_t, umode_t, …): the low 32 bits, zero-extended;
 * - 'long', 'unsigned long', 'size_t', 'loff_t': the register as it is (the 64-bit arches'
 *   width: the door passes registers as numbers);
 * - 'pointer' (`T __user *`): as it is, typed UserPtr (include/linux/compiler_types.ts).
 */
export type CType = 'int' | 'unsigned int' | 'long' | 'unsigned long' | 'size_t' | 'loff_t' | 'pointer';

/**
 * An argument's type: how the tracer prints it (strace's decoders) and, for the kinds that carry
 * file descriptors, what the call does with them (fdcap derives its hooks from these; see
 * docs/fdcap.md). 'buf_in' prints user memory of the length in the next argument before the
 * call; 'buf_out' prints the returned length after it.
 *
 * File descriptors, in registers:
 * - 'fd': an fd the call uses; 'atfd': a directory fd (or AT_FDCWD) a path is resolved from.
 * - 'fdrange': the first fd of an inclusive range whose last fd is the next argument (close_range).
 * File descriptors in user memory:
 * - 'pollfds': a struct pollfd array; its length is the next argument (poll, ppoll).
 * - 'fd_set': an fd_set bitmap of the fds below the call's first argument, nfds (select, pselect6).
 * - 'msghdr_in': a struct msghdr whose SCM_RIGHTS control messages carry fds the call passes (sendmsg).
 * - 'msghdr_out': a struct msghdr into whose control buffer the call installs received fds (recvmsg).
 * - 'fdpair': an int[2] the call fills with two new fds (pipe, pipe2, socketpair).
 * Arguments that decide whether another one is an fd:
 * - 'mapflags': MAP_ANONYMOUS makes the call ignore its 'fd' argument (mmap).
 * - 'fcntl_cmd': F_DUPFD and F_DUPFD_CLOEXEC make the call return a new fd (fcntl).
 */
export type ArgFmt =
  | 'int' | 'uint' | 'hex' | 'ptr' | 'fd' | 'atfd' | 'path' | 'buf_in' | 'buf_out' | 'oflags'
  | 'mode' | 'signal' | 'whence' | 'prot' | 'mapflags' | 'clockid' | 'atflags' | 'sockfam' | 'ioctl'
  | 'fdrange' | 'pollfds' | 'fd_set' | 'msghdr_in' | 'msghdr_out' | 'fdpair' | 'fcntl_cmd'
  // structs and flag sets strace decodes: timespec, sockaddr (length in the next argument),
  // socket type, clone flags, wait4 options, and wait4's status (an output, shown on return)
  | 'timespec' | 'sockaddr' | 'socktype' | 'clone_flags' | 'waitopts' | 'wstatus'
  // struct stat filled by the call (shown on return), epoll_ctl's op and struct epoll_event, and
  // the events epoll_wait fills (as many as it returns)
  | 'stat_out' | 'epoll_op' | 'epoll_event' | 'epoll_events_out'
  // the flags of calls that make fds (pipe2, eventfd2, …: O_CLOEXEC|O_NONBLOCK, or 0), epoll_create1's
  | 'fdflags' | 'epoll_flags'
  // rt_sigaction's new action, and the old one it fills (shown on return)
  | 'sigaction' | 'sigaction_out';

/**
 * One declared argument: a print format whose C type is the usual one for it (DEFAULT_CTYPE),
 * a C type whose print format is implied (IMPLIED_FMT), or both, C-style: 'unsigned int fd'.
 */
export type ArgDecl = ArgFmt | CType | `${CType} ${ArgFmt}`;

/** A declared argument, resolved: its C type (the decoding) and its print format (strace, fdcap). */
export interface ArgSpec {
  readonly type: CType;
  readonly fmt: ArgFmt;
}

/** The C type an argument kind has unless its declaration names another. */
export const DEFAULT_CTYPE: Readonly<Record<ArgFmt, CType>> = {
  int: 'int', uint: 'unsigned int', hex: 'unsigned long', ptr: 'pointer', fd: 'int', atfd: 'int',
  path: 'pointer', buf_in: 'pointer', buf_out: 'pointer', oflags: 'int', mode: 'unsigned int',
  signal: 'int', whence: 'unsigned int', prot: 'unsigned long', mapflags: 'unsigned long',
  clockid: 'int', atflags: 'int', sockfam: 'int', ioctl: 'unsigned int', fdrange: 'unsigned int',
  pollfds: 'pointer', fd_set: 'pointer', msghdr_in: 'pointer', msghdr_out: 'pointer',
  fdpair: 'pointer', fcntl_cmd: 'unsigned int', timespec: 'pointer', sockaddr: 'pointer',
  socktype: 'int', clone_flags: 'unsigned long', waitopts: 'int', wstatus: 'pointer',
  stat_out: 'pointer', epoll_op: 'int', epoll_event: 'pointer', epoll_events_out: 'pointer',
  fdflags: 'int', epoll_flags: 'int', sigaction: 'pointer', sigaction_out: 'pointer',
};

/** How an argument declared by its C type alone is printed. */
export const IMPLIED_FMT: Readonly<Record<CType, ArgFmt>> = {
  int: 'int', 'unsigned int': 'uint', long: 'int', 'unsigned long': 'uint', size_t: 'uint',
  loff_t: 'int', pointer: 'ptr',
};

/** The argument kinds that name file descriptors a call uses (in registers or in user memory). */
export const FD_USE_ARGS: readonly ArgFmt[] = ['fd', 'atfd', 'fdrange', 'pollfds', 'fd_set', 'msghdr_in'];
/** The argument kinds through which a call hands out new file descriptors. */
export const FD_NEW_ARGS: readonly ArgFmt[] = ['msghdr_out', 'fdpair', 'fcntl_cmd'];

export interface SyscallDef {
  readonly name: string;
  /**
   * The handler, called with its arguments decoded as declared. A method signature so that a
   * handler may type its pointer arguments UserPtr (a subtype of number).
   */
  fn(t: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): SysRet;
  /** 'full' by default; 'partial' must say what is missing in `note`. */
  readonly support?: 'full' | 'partial';
  readonly note?: string;
  /**
   * The arguments, in order, as SYSCALL_DEFINE lists them (omitted: none): each one's C type
   * decides how the register is decoded before `fn` sees it, its format how strace prints it
   * and whether fdcap hooks it. See ArgDecl.
   */
  readonly args?: readonly ArgDecl[];
  /** The return value is an address (print in hex) rather than a number. */
  readonly ret_hex?: boolean;
  /** The return value is a new file descriptor (open, dup, socket, accept, …). */
  readonly ret_fd?: boolean;
}
