/**
 * How a subsystem declares its syscalls (the SYSCALL_DEFINEn of privos). Each subsystem exports
 * a SyscallDef[]; kernel/syscalls/registry.ts collects them and the table builder places each at
 * its number on the running architecture. Handlers return a value or a negative errno.
 */
import type { SysRet } from '../fs/fs_types.ts';
import type { Task } from '../sched/task.ts';

export type SyscallFn = (t: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number) => SysRet;

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

/** The argument kinds that name file descriptors a call uses (in registers or in user memory). */
export const FD_USE_ARGS: readonly ArgFmt[] = ['fd', 'atfd', 'fdrange', 'pollfds', 'fd_set', 'msghdr_in'];
/** The argument kinds through which a call hands out new file descriptors. */
export const FD_NEW_ARGS: readonly ArgFmt[] = ['msghdr_out', 'fdpair', 'fcntl_cmd'];

export interface SyscallDef {
  readonly name: string;
  readonly fn: SyscallFn;
  /** 'full' by default; 'partial' must say what is missing in `note`. */
  readonly support?: 'full' | 'partial';
  readonly note?: string;
  /** Argument formats for --strace (omitted: numbers). */
  readonly args?: readonly ArgFmt[];
  /** The return value is an address (print in hex) rather than a number. */
  readonly ret_hex?: boolean;
  /** The return value is a new file descriptor (open, dup, socket, accept, …). */
  readonly ret_fd?: boolean;
}
