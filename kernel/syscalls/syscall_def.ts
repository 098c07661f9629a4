/**
 * How a subsystem declares its syscalls (the SYSCALL_DEFINEn of privos). Each subsystem exports
 * a SyscallDef[]; kernel/syscalls/registry.ts collects them and the table builder places each at
 * its number on the running architecture. Handlers return a value or a negative errno.
 */
import type { SysRet } from '../fs/fs_types.ts';
import type { Task } from '../sched/task.ts';

export type SyscallFn = (t: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number) => SysRet;

/**
 * How the tracer prints an argument (strace's decoders). 'buf_in' prints user memory of the
 * length in the next argument before the call; 'buf_out' prints the returned length after it.
 */
export type ArgFmt =
  | 'int' | 'uint' | 'hex' | 'ptr' | 'fd' | 'atfd' | 'path' | 'buf_in' | 'buf_out' | 'oflags'
  | 'mode' | 'signal' | 'whence' | 'prot' | 'mapflags' | 'clockid' | 'atflags' | 'sockfam' | 'ioctl'
  // structs and flag sets strace decodes: timespec, sockaddr (length in the next argument),
  // socket type, clone flags, wait4 options, and wait4's status (an output, shown on return)
  | 'timespec' | 'sockaddr' | 'socktype' | 'clone_flags' | 'waitopts' | 'wstatus';

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
}
