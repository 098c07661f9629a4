/**
 * strace(1) for privos (`privos strace`, `privos run --strace`): strace -f's own output format —
 * `name(args) = ret`, `= -1 ENOENT (No such file or directory)`, `= ? ERESTARTSYS (To be
 * restarted if SA_RESTART is set)`, strings quoted and cut at 32 bytes with "...", flags and
 * structs decoded, `[pid N]` prefixes, `<unfinished ...>` / `<... NAME resumed>` when another
 * task's line comes between a call and its return, `execve(...)` lines (the first program's too),
 * `--- SIGCHLD {si_signo=…} ---` signal lines, `+++ exited with N +++`. Options: -e trace=SET
 * (names, %file %process %signal %net %memory, !negation), -c (the summary table, by modeled
 * time), -t/-tt (time of day). Reading arguments costs no modeled cycles.
 */
import { EINTR, ERESTART_RESTARTBLOCK, ERRNO_NAMES, ERRNO_TEXT, KERNEL_ERRNO_TEXT } from '../include/uapi/errno.ts';
import { SIGCHLD, signal_name } from '../include/uapi/signal.ts';
import type { SigInfo } from '../sched/siginfo.ts';
import type { Kernel, SyscallTracer } from '../kernel.ts';
import type { Task } from '../sched/task.ts';
import type { ArgFmt } from './syscall_def.ts';
import { decode_arg } from './decode.ts';
import { flags, fmt_buf, fmt_ptr, peek_user_quiet, quote, STRSIZE } from './trace_util.ts';
import { FAMILIES, fmt_msghdr, fmt_msgflags, fmt_sockaddr, fmt_sockaddr_out, fmt_socklen, fmt_sockflags, fmt_sockproto, NET_ARGS, read_socklen, type NetFmt } from './trace_net.ts';
import { fmt_epoll_event, fmt_epoll_events, fmt_fdpair, fmt_sigaction, fmt_pollfds, fmt_poll_revents, fmt_stat } from './trace_structs.ts';

export { peek_user_quiet, quote, STRSIZE };

function fmt_path(t: Task, addr: number): string {
  const b = peek_user_quiet(t, addr, 4096);
  if (!b) return fmt_ptr(addr);
  const end = b.indexOf(0);
  return quote(b.subarray(0, end < 0 ? b.length : end), false);
}


function oflags(k: Kernel, v: number): string {
  const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '0x3'][v & 3];
  const u = k.arch.uapi;
  const rest = flags(v & ~3, [[0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'],
    [0o2000, 'O_APPEND'], [0o4000, 'O_NONBLOCK'], [0o4010000, 'O_SYNC'], [0o10000, 'O_DSYNC'], [u.O_DIRECT, 'O_DIRECT'],
    [u.O_LARGEFILE, 'O_LARGEFILE'], [u.O_DIRECTORY, 'O_DIRECTORY'], [u.O_NOFOLLOW, 'O_NOFOLLOW'],
    [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH']], '');
  return rest ? `${acc}|${rest}` : acc;
}

const SOCK_TYPES: readonly string[] = ['0', 'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET', 'SOCK_DCCP'];
const CLONE_FLAGS: readonly [number, string][] = [[0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'],
  [0x1000, 'CLONE_PIDFD'], [0x2000, 'CLONE_PTRACE'], [0x4000, 'CLONE_VFORK'], [0x8000, 'CLONE_PARENT'], [0x10000, 'CLONE_THREAD'],
  [0x20000, 'CLONE_NEWNS'], [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'], [0x100000, 'CLONE_PARENT_SETTID'],
  [0x200000, 'CLONE_CHILD_CLEARTID'], [0x800000, 'CLONE_UNTRACED'], [0x1000000, 'CLONE_CHILD_SETTID']];

/** `{tv_sec=1, tv_nsec=500}` (print_timespec). */
function fmt_timespec(t: Task, addr: number): string {
  const b = addr ? peek_user_quiet(t, addr, 16) : null;
  if (!b || b.length < 16) return fmt_ptr(addr);
  const dv = new DataView(b.buffer, b.byteOffset);
  const sec = dv.getUint32(0, true) + dv.getInt32(4, true) * 2 ** 32, nsec = dv.getUint32(8, true) + dv.getInt32(12, true) * 2 ** 32;
  return `{tv_sec=${sec}, tv_nsec=${nsec}}`;
}

/** wait4's status: `[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]` (printstatus). */
function fmt_wstatus(t: Task, addr: number): string {
  const b = addr ? peek_user_quiet(t, addr, 4) : null;
  if (!b || b.length < 4) return fmt_ptr(addr);
  const s = new DataView(b.buffer, b.byteOffset).getInt32(0, true), sig = s & 0x7f;
  if (sig === 0) return `[{WIFEXITED(s) && WEXITSTATUS(s) == ${(s >> 8) & 0xff}}]`;
  if (sig !== 0x7f) return `[{WIFSIGNALED(s) && WTERMSIG(s) == ${signal_name(sig)}${s & 0x80 ? ' && WCOREDUMP(s)' : ''}}]`;
  return `[{WIFSTOPPED(s) && WSTOPSIG(s) == ${signal_name((s >> 8) & 0xff)}}]`;
}

const IOCTLS: Readonly<Record<number, string>> = { 0x5401: 'TCGETS', 0x5402: 'TCSETS', 0x5413: 'TIOCGWINSZ', 0x541b: 'FIONREAD', 0x5421: 'FIONBIO', 0x5451: 'FIOCLEX', 0x5450: 'FIONCLEX' };
const CLOCKS: readonly string[] = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID', 'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME', 'CLOCK_REALTIME_ALARM', 'CLOCK_BOOTTIME_ALARM', 'CLOCK_SGI_CYCLE', 'CLOCK_TAI'];

/** An argument's display format: the table's, refined for the socket and sleep calls. */
type TraceFmt = ArgFmt | NetFmt | 'timerflags' | 'rem_timespec';

/** Where strace decodes more than the table's `args` declare (see NET_ARGS). */
const TRACE_ARGS: Readonly<Record<string, readonly TraceFmt[]>> = {
  ...NET_ARGS,
  nanosleep: ['timespec', 'rem_timespec'],
  clock_nanosleep: ['clockid', 'timerflags', 'timespec', 'rem_timespec'],
};

/** Formats argument i that can be shown before the call returns. */
function fmt_arg(t: Task, f: TraceFmt | undefined, args: readonly number[], i: number): string {
  const k = t.kernel, v = args[i], next = args[i + 1] ?? 0;
  switch (f) {
    case 'fd': case 'fdrange': return String(v | 0);
    case 'atfd': return (v | 0) === -100 ? 'AT_FDCWD' : String(v | 0);
    case 'path': return fmt_path(t, v);
    case 'buf_in': return fmt_buf(t, v, next);
    case 'pollfds': return fmt_pollfds(t, v, next);
    case 'epoll_event': return fmt_epoll_event(t, v);
    case 'fdflags': return flags(v, [[0o4000, 'O_NONBLOCK'], [k.arch.uapi.O_DIRECT, 'O_DIRECT'], [0o2000000, 'O_CLOEXEC']]);
    case 'epoll_flags': return flags(v, [[0o2000000, 'EPOLL_CLOEXEC']]);
    case 'sigaction': return fmt_sigaction(t, v);
    case 'epoll_op': return ['', 'EPOLL_CTL_ADD', 'EPOLL_CTL_DEL', 'EPOLL_CTL_MOD'][v] ?? String(v);
    case 'msghdr_in': return fmt_msghdr(t, v, -1, false);
    case 'msgflags': return fmt_msgflags(v);
    case 'timerflags': return flags(v, [[1, 'TIMER_ABSTIME']]);
    case 'sockflags': return fmt_sockflags(v);
    case 'sockproto': return fmt_sockproto(args[0], v);
    case 'ptr': case 'fd_set': case 'msghdr_out': return fmt_ptr(v);
    case 'hex': return '0x' + (v >>> 0).toString(16);
    case 'oflags': return oflags(k, v);
    case 'mode': return '0' + (v >>> 0).toString(8);
    case 'signal': return v > 0 && v <= 64 ? signal_name(v) : String(v);
    case 'whence': return ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'][v] ?? String(v);
    case 'prot': return flags(v, [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC']], 'PROT_NONE');
    case 'mapflags': return flags(v, [[3, 'MAP_SHARED_VALIDATE'], [1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'],
      [0x100, 'MAP_GROWSDOWN'], [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x20000, 'MAP_STACK'], [0x100000, 'MAP_FIXED_NOREPLACE']]);
    case 'clockid': return CLOCKS[v] ?? String(v);
    case 'atflags': return flags(v, [[0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'], [0x800, 'AT_NO_AUTOMOUNT'], [0x1000, 'AT_EMPTY_PATH']]);
    case 'sockfam': return FAMILIES[v] ?? String(v);
    case 'ioctl': return IOCTLS[v >>> 0] ?? '0x' + (v >>> 0).toString(16);
    case 'uint': return String(v >>> 0 === v ? v : v);
    case 'timespec': return fmt_timespec(t, v);
    case 'sockaddr': return fmt_sockaddr(t, v, next);
    case 'socktype': return [SOCK_TYPES[v & 0xf] ?? String(v & 0xf), ...flags(v & ~0xf, [[0o2000000, 'SOCK_CLOEXEC'], [0o4000, 'SOCK_NONBLOCK']], '').split('|').filter(Boolean)].join('|');
    case 'clone_flags': {
      const sig = v & 0xff, rest = flags(v & ~0xff, CLONE_FLAGS, '');
      return [rest, sig ? signal_name(sig) : ''].filter(Boolean).join('|') || '0';
    }
    case 'waitopts': return flags(v, [[1, 'WNOHANG'], [2, 'WSTOPPED'], [4, 'WEXITED'], [8, 'WCONTINUED'], [0x40000000, '__WALL'], [0x80000000, '__WCLONE']]);
    default: return String(v);
  }
}

/** Marks where ` = result` goes in a line before it is padded. */
const RESULT_MARK = '\u0000 = ';

/** strace aligns ` = result` at column 40. */
function pad(text: string): string {
  return text.length < 39 ? text + ' '.repeat(39 - text.length) : text;
}

/** Arguments only known once the call returns (printed after `<... resumed>`). */
const OUTPUT_FMTS: ReadonlySet<TraceFmt> = new Set<TraceFmt>(['buf_out', 'wstatus', 'stat_out', 'epoll_events_out', 'fdpair', 'sigaction_out',
  'msghdr_out', 'sockaddr_out', 'socklen_out', 'rem_timespec']);

/** Output argument i once the call returned ret (its address alone when the call failed). */
function fmt_output(t: Task, f: TraceFmt, p: Pending, i: number, ret: number): string {
  const v = p.args[i];
  switch (f) {
    case 'msghdr_out': return fmt_msghdr(t, v, ret, ret < 0);
    case 'sockaddr_out': return fmt_sockaddr_out(t, v, p.args[i + 1], ret >= 0);
    case 'socklen_out': return fmt_socklen(t, v, p.socklen);
    // the time left, written when a signal cut the sleep short
    case 'rem_timespec': return ret === -ERESTART_RESTARTBLOCK || ret === -EINTR ? fmt_timespec(t, v) : fmt_ptr(v);
    case 'buf_out': return ret >= 0 ? fmt_buf(t, v, ret) : fmt_ptr(v);
    case 'wstatus': return ret > 0 ? fmt_wstatus(t, v) : fmt_ptr(v);
    case 'stat_out': return ret === 0 ? fmt_stat(t, v) : fmt_ptr(v);
    case 'epoll_events_out': return ret >= 0 ? fmt_epoll_events(t, v, ret) : fmt_ptr(v);
    case 'fdpair': return ret === 0 ? fmt_fdpair(t, v) : fmt_ptr(v);
    case 'sigaction_out': return ret === 0 ? fmt_sigaction(t, v) : fmt_ptr(v);
    default: return fmt_ptr(v);
  }
}

/** strace's syscall classes (-e trace=%CLASS); %file is every call with a path argument. */
const CLASSES: Readonly<Record<string, readonly string[]>> = {
  process: ['clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'kill', 'tkill', 'tgkill',
    'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'pidfd_open', 'pidfd_send_signal', 'unshare', 'setns'],
  signal: ['kill', 'tkill', 'tgkill', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigpending', 'rt_sigsuspend', 'rt_sigtimedwait',
    'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'rt_sigreturn', 'sigaltstack', 'signalfd', 'signalfd4', 'pause', 'pidfd_send_signal'],
  net: ['socket', 'socketpair', 'bind', 'listen', 'accept', 'accept4', 'connect', 'getsockname', 'getpeername', 'sendto', 'recvfrom',
    'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'shutdown', 'setsockopt', 'getsockopt'],
  memory: ['brk', 'mmap', 'munmap', 'mprotect', 'mremap', 'madvise', 'msync', 'mlock', 'mlock2', 'munlock', 'mlockall', 'munlockall',
    'mincore', 'remap_file_pages', 'mbind', 'get_mempolicy', 'set_mempolicy', 'pkey_mprotect'],
};

/** -e trace=SET: null traces everything; else the set of names (with %file resolved from the table). */
export function trace_set(k: Kernel, expr: string | undefined): Set<string> | null {
  if (!expr) return null;
  const m = /^(?:trace=)?(!?)(.*)$/.exec(expr)!;
  const all = new Set(k.syscall_defs.filter(Boolean).map((d) => d!.name));
  const names = new Set<string>();
  for (const word of m[2].split(',').filter(Boolean)) {
    if (word === 'all') for (const n of all) names.add(n);
    else if (word === '%file' || word === 'file') k.syscall_defs.forEach((d, nr) => { if (d && k.syscall_args[nr]!.some((a) => a.fmt === 'path')) names.add(d.name); });
    else if (word.startsWith('%')) for (const n of CLASSES[word.slice(1)] ?? []) names.add(n);
    else if (word !== 'none') names.add(word);
  }
  return m[1] ? new Set([...all].filter((n) => !names.has(n))) : names;
}

/** strace -c's row for one syscall: calls, errors, modeled seconds. */
interface Count { calls: number; errors: number; seconds: number }

interface Pending {
  nr: number; name: string; args: number[]; shown: (string | null)[]; unfinished: boolean; t0: number;
  /** A socklen_t the call may update, as it was on entry (shown as `[128 => 16]`). */
  socklen: number | null;
  /** restart_syscall's argument text: `<... resuming interrupted nanosleep ...>`. */
  resume?: string;
}

/** The display formats of syscall nr's arguments. */
function fmts_of(k: Kernel, nr: number): readonly TraceFmt[] | undefined {
  return TRACE_ARGS[k.arch.syscall_names[nr] ?? ''] ?? k.syscall_args[nr]?.map((a) => a.fmt);
}

export class StraceTracer implements SyscallTracer {
  private readonly pending = new Map<Task, Pending>();
  private readonly traced: Set<string> | null;
  private readonly counts = new Map<string, Count>();
  /** The call each task's restart_syscall would resume (the last one that returned ERESTART_RESTARTBLOCK). */
  private readonly interrupted = new Map<Task, string>();
  /** Signals sent to a task, shown after its current syscall line (where ptrace stops it). */
  private readonly signals = new Map<Task, string[]>();

  constructor(private readonly k: Kernel, private readonly out: (line: string) => void, private readonly opts: StraceOptions = {}) {
    this.traced = trace_set(k, opts.expr);
    k.exit_hooks.push((t) => this.on_exit(t));
    k.exec_hooks.push((t) => this.on_exec(t));
  }

  /** `[pid N] ` while several processes are traced; with -o FILE, `N ` on every line (printleader). */
  private prefix(t: Task): string {
    const pid = this.opts.output ? `${String(t.pid).padEnd(5)} `
      : this.k.tasks.size > 1 || t.pid !== 1 ? `[pid ${String(t.pid).padStart(5)}] ` : '';
    return this.opts.timestamps ? pid + timestamp(this.opts.timestamps) + ' ' : pid;
  }

  /** Prints a line of t's; calls of other tasks still in progress are first shown as unfinished. */
  private emit(t: Task, text: string): void {
    if (this.opts.summary) return;
    for (const [o, p] of this.pending) {
      if (o === t || p.unfinished) continue;
      p.unfinished = true;
      const known = this.shown_args(o, p, 0, true);
      const args = p.resume ? `${p.resume} ` : `${known.join(', ')}${known.length ? ', ' : ''} `;
      this.out(`${this.prefix(o)}${p.name}(${args}<unfinished ...>`);
    }
    // strace aligns ` = result` at column 40 of the whole line, prefix included.
    const line = this.prefix(t) + text, eq = line.lastIndexOf(RESULT_MARK);
    this.out(eq < 0 ? line : pad(line.slice(0, eq)) + line.slice(eq + 1));
  }

  /** The print formats of syscall nr's arguments (undefined: not implemented). */
  private fmts(nr: number): ArgFmt[] | undefined {
    return this.k.syscall_args[nr]?.map((a) => a.fmt);
  }

  private wanted(name: string): boolean { return !this.traced || this.traced.has(name); }

  enter(t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): void {
    const name = this.k.arch.syscall_names[nr] ?? `syscall_${nr}`;
    if (!this.wanted(name)) return;
    const specs = this.k.syscall_args[nr] ?? [];
    // Arguments as the handler sees them: strace prints `int fd` of 0x100000003 as 3, too.
    const args = [a0, a1, a2, a3, a4, a5].map((v, i) => (specs[i] ? decode_arg(specs[i].type, v) : v));
    const fmts = fmts_of(this.k, nr) ?? [];
    const shown = fmts.map((f, i) => (OUTPUT_FMTS.has(f) ? null : fmt_arg(t, f, args, i)));
    const sl = fmts.indexOf('socklen_out');
    // open(2)'s mode is only shown when O_CREAT or O_TMPFILE makes it meaningful.
    const o = fmts.indexOf('oflags');
    if (o >= 0 && fmts[o + 1] === 'mode' && !(args[o] & 0o20000100)) shown.length = o + 1;
    const p: Pending = { nr, name, args, shown, unfinished: false, t0: this.k.cpu.cycles, socklen: sl >= 0 ? read_socklen(t, args[sl]) : null };
    if (name === 'restart_syscall') {
      p.resume = `<... resuming interrupted ${this.interrupted.get(t) ?? 'system call'} ...>`;
      this.interrupted.delete(t);
    }
    if (name === 'exit_group' || name === 'exit') { this.count(name, 0, 0); this.emit(t, `${this.call_text(t, p, 0)}${RESULT_MARK}?`); }
    else if (name !== 'execve') this.pending.set(t, p);
    else { this.pending.set(t, p); this.count(name, 0, 0); }
  }

  /** The arguments as text; up to the first output argument only when `known_only`. */
  private shown_args(t: Task, p: Pending, ret: number, known_only: boolean, from = 0): string[] {
    const def = this.k.syscall_defs[p.nr];
    const fmts = fmts_of(this.k, p.nr);
    const n = fmts ? Math.min(fmts.length, p.shown.length || fmts.length) : def ? 0 : 6;
    const parts: string[] = [];
    for (let i = from; i < n; i++) {
      const f = fmts?.[i];
      if (known_only && f && OUTPUT_FMTS.has(f)) break;
      parts.push(p.shown[i] ?? (f && OUTPUT_FMTS.has(f) ? fmt_output(t, f, p, i, ret) : fmt_arg(t, f, p.args, i)));
    }
    return parts;
  }

  private call_text(t: Task, p: Pending, ret: number): string {
    return `${p.name}(${p.resume ?? this.shown_args(t, p, ret, false).join(', ')})`;
  }

  /** What strace adds after the return value: poll's fired entries, ` ([{fd=4, revents=POLLIN}])`. */
  private result_extra(t: Task, p: Pending, ret: number): string {
    const fmts = this.fmts(p.nr);
    const i = fmts ? fmts.indexOf('pollfds') : -1;
    return i >= 0 && ret > 0 ? fmt_poll_revents(t, p.args[i], p.args[i + 1]) : '';
  }

  /** The rest of an unfinished call: `<... read resumed>"data", 5)`. */
  private resumed_text(t: Task, p: Pending, ret: number): string {
    const known = this.shown_args(t, p, ret, true).length;
    return `<... ${p.name} resumed>${this.shown_args(t, p, ret, false, known).join(', ')})`;
  }

  exit(t: Task, nr: number, ret: number): void {
    if (ret === -ERESTART_RESTARTBLOCK) this.interrupted.set(t, this.k.arch.syscall_names[nr] ?? 'system call');
    const p = this.pending.get(t);
    if (!p || p.nr !== nr) return;
    this.pending.delete(t);
    this.count(p.name, ret, this.k.cpu.cycles - p.t0);
    const text = p.unfinished ? this.resumed_text(t, p, ret) : this.call_text(t, p, ret);
    this.emit(t, `${text}${RESULT_MARK}${result_text(this.k, nr, ret)}${this.result_extra(t, p, ret)}`);
    this.flush_signals(t);
  }

  /** execve: the call's line once the new image is in place (the first program's too). */
  private on_exec(t: Task): void {
    const p = this.pending.get(t);
    this.pending.delete(t);
    if (!this.wanted('execve')) return;
    const [argv, nenv] = exec_vectors(t);
    const path = p ? p.shown[0] ?? '' : quote(new TextEncoder().encode(t.mm?.exe_file ?? ''), false);
    const envp = t.mm ? t.mm.start_stack + 8 * (argv.length + 2) : 0;
    if (!p) this.count('execve', 0, 0);
    this.emit(t, `execve(${path}, [${argv.map((a) => quote(a, false)).join(', ')}], ${fmt_ptr(envp)} /* ${nenv} vars */)${RESULT_MARK}0`);
  }

  signal(t: Task, sig: number, info: SigInfo): void {
    const name = signal_name(sig);
    const code = sig === SIGCHLD ? ['?', 'CLD_EXITED', 'CLD_KILLED', 'CLD_DUMPED', 'CLD_TRAPPED', 'CLD_STOPPED', 'CLD_CONTINUED'][info.code] ?? String(info.code)
      : info.code === 0 ? 'SI_USER' : info.code === -6 ? 'SI_TKILL' : String(info.code);
    const extra = sig === SIGCHLD ? `, si_status=${info.code === 1 ? info.status : signal_name(info.status ?? 0)}, si_utime=0, si_stime=0` : '';
    this.signal_line(t, `--- ${name} {si_signo=${name}, si_code=${code}, si_pid=${info.pid}, si_uid=${info.uid}${extra}} ---`);
  }

  stopped(t: Task, sig: number): void {
    this.signal_line(t, `--- stopped by ${signal_name(sig)} ---`);
  }

  /** A line about a signal: after t's syscall line if one is in progress (where ptrace stops it). */
  private signal_line(t: Task, line: string): void {
    if (this.pending.has(t)) { const q = this.signals.get(t) ?? []; q.push(line); this.signals.set(t, q); } else this.emit(t, line);
  }

  private flush_signals(t: Task): void {
    const q = this.signals.get(t);
    if (!q) return;
    this.signals.delete(t);
    for (const line of q) this.emit(t, line);
  }

  private count(name: string, ret: number, cycles: number): void {
    if (!this.opts.summary) return;
    const c = this.counts.get(name) ?? { calls: 0, errors: 0, seconds: 0 };
    c.calls++;
    if (ret < 0 && ret > -4096) c.errors++;
    c.seconds += cycles / this.k.cpu.profile.hz;
    this.counts.set(name, c);
  }

  /** At the end of the run: strace -c's table. */
  finish(): void {
    if (this.opts.summary) for (const line of summary_table(this.counts)) this.out(line);
  }

  private on_exit(t: Task): void {
    const p = this.pending.get(t);
    this.pending.delete(t);
    this.interrupted.delete(t);
    if (p && p.name !== 'execve') this.emit(t, `${p.unfinished ? `<... ${p.name} resumed>` : `${p.name}(${this.shown_args(t, p, 0, true).join(', ')}`}${RESULT_MARK}?`);
    this.flush_signals(t);
    const s = t.exit_code;
    const sig = s & 0x7f;
    this.emit(t, sig ? `+++ killed by ${signal_name(sig)} +++` : `+++ exited with ${(s >> 8) & 0xff} +++`);
  }
}

/** ` = ret`'s text: a number, an address, `-1 ENOENT (…)`, or `? ERESTARTSYS (…)`. */
export function result_text(k: Kernel, nr: number, ret: number): string {
  const kern = KERNEL_ERRNO_TEXT[-ret];
  if (kern) return `? ${kern[0]} (${kern[1]})`;
  if (ret < 0 && ret > -4096) return `-1 ${ERRNO_NAMES[-ret] ?? `E${-ret}`} (${ERRNO_TEXT[-ret] ?? `Unknown error ${-ret}`})`;
  return k.syscall_defs[nr]?.ret_hex ? fmt_ptr(ret) : String(ret);
}

/** argv strings and the number of environment strings, read off the new image's stack. */
function exec_vectors(t: Task): [Uint8Array[], number] {
  const mm = t.mm;
  if (!mm || !mm.start_stack) return [[], 0];
  const word = (a: number): number => { const b = peek_user_quiet(t, a, 8); return b && b.length === 8 ? new DataView(b.buffer, b.byteOffset).getUint32(0, true) + new DataView(b.buffer, b.byteOffset).getUint32(4, true) * 2 ** 32 : 0; };
  const argc = word(mm.start_stack), argv: Uint8Array[] = [];
  for (let i = 0; i < argc && i < 4096; i++) {
    const b = peek_user_quiet(t, word(mm.start_stack + 8 + 8 * i), 4096) ?? new Uint8Array(0);
    const end = b.indexOf(0);
    argv.push(b.subarray(0, end < 0 ? b.length : end));
  }
  let nenv = 0;
  while (nenv < 4096 && word(mm.start_stack + 8 * (argc + 2 + nenv))) nenv++;
  return [argv, nenv];
}

/** -t: HH:MM:SS, -tt: HH:MM:SS.uuuuuu (local time). */
function timestamp(level: number): string {
  const ms = performance.timeOrigin + performance.now(), d = new Date(ms), two = (n: number): string => String(n).padStart(2, '0');
  const hms = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return level > 1 ? `${hms}.${String(Math.floor((ms % 1000) * 1000)).padStart(6, '0')}` : hms;
}

/** strace -c's table (call_summary), sorted by time, then calls. */
export function summary_table(counts: ReadonlyMap<string, Count>): string[] {
  const rows = [...counts].sort((a, b) => b[1].seconds - a[1].seconds || b[1].calls - a[1].calls || a[0].localeCompare(b[0]));
  const total = rows.reduce((s, [, c]) => ({ calls: s.calls + c.calls, errors: s.errors + c.errors, seconds: s.seconds + c.seconds }), { calls: 0, errors: 0, seconds: 0 });
  const rule = '------ ----------- ----------- --------- --------- ----------------';
  const row = (name: string, c: Count): string => {
    const pct = total.seconds ? (100 * c.seconds) / total.seconds : 0;
    return `${pct.toFixed(2).padStart(6)} ${c.seconds.toFixed(6).padStart(11)} ${String(Math.round((c.seconds * 1e6) / (c.calls || 1))).padStart(11)} ${String(c.calls).padStart(9)} ${(c.errors ? String(c.errors) : '').padStart(9)} ${name}`;
  };
  return ['% time     seconds  usecs/call     calls    errors syscall', rule, ...rows.map(([n, c]) => row(n, c)), rule, row('total', total).replace(/^ *[\d.]+/, '100.00')];
}

/** strace(1)'s options: -e EXPR, -o FILE (the caller opens it), -c, -t/-tt. */
export interface StraceOptions { expr?: string; output?: string; summary?: boolean; timestamps?: number }

/** Turns strace output on for a kernel. */
export function strace_attach(k: Kernel, out: (line: string) => void, opts: StraceOptions = {}): StraceTracer {
  const tr = new StraceTracer(k, out, opts);
  k.tracer = tr;
  return tr;
}
