/**
 * --strace: a tracer in strace's own output format (strace(1): `name(args) = ret`,
 * `= -1 ENOENT (No such file or directory)`, strings quoted and cut at 32 bytes with "...",
 * flags decoded, `+++ exited with N +++`). Reading arguments costs no modeled cycles.
 */
import { addr_hex } from '../arch/cpu.ts';
import { ERRNO_NAMES, ERRNO_TEXT } from '../include/uapi/errno.ts';
import { signal_name } from '../include/uapi/signal.ts';
import type { Kernel, SyscallTracer } from '../kernel.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import type { Task } from '../sched/task.ts';
import type { ArgFmt } from './syscall_def.ts';

/** strace's default -s: strings are cut after 32 bytes. */
export const STRSIZE = 32;

/** Reads user memory for display only: no faults, no charges, null if unmapped. */
export function peek_user_quiet(t: Task, addr: number, len: number): Uint8Array | null {
  const mm = t.mm;
  if (!mm || addr < 0 || !Number.isSafeInteger(addr)) return null;
  const out = new Uint8Array(len);
  const mem = t.kernel.phys.mem;
  for (let done = 0; done < len;) {
    const a = addr + done;
    const pfn = mm.pt.pfn_of(Math.floor(a / PAGE_SIZE) * PAGE_SIZE);
    if (pfn < 0) return done ? out.subarray(0, done) : null;
    const n = Math.min(len - done, PAGE_SIZE - (a % PAGE_SIZE));
    out.set(mem.subarray(pfn * PAGE_SIZE + (a % PAGE_SIZE), pfn * PAGE_SIZE + (a % PAGE_SIZE) + n), done);
    done += n;
  }
  return out;
}

/** strace's string quoting (print_quoted_string). */
export function quote(bytes: Uint8Array, truncated: boolean): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 10) s += '\\n';
    else if (b === 9) s += '\\t';
    else if (b === 13) s += '\\r';
    else if (b === 12) s += '\\f';
    else if (b === 11) s += '\\v';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + b.toString(8);
  }
  return s + '"' + (truncated ? '...' : '');
}

function fmt_ptr(v: number): string { return v === 0 ? 'NULL' : '0x' + (v < 0 ? addr_hex(v) : v.toString(16)); }

function fmt_buf(t: Task, addr: number, len: number): string {
  if (len < 0) return fmt_ptr(addr);
  const n = Math.min(len, STRSIZE);
  const b = peek_user_quiet(t, addr, n);
  return b ? quote(b, len > STRSIZE) : fmt_ptr(addr);
}

function fmt_path(t: Task, addr: number): string {
  const b = peek_user_quiet(t, addr, 4096);
  if (!b) return fmt_ptr(addr);
  const end = b.indexOf(0);
  return quote(b.subarray(0, end < 0 ? b.length : end), false);
}

function flags(v: number, names: [number, string][], zero?: string): string {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of names) if (bit && (rest & bit) === bit) { out.push(name); rest &= ~bit; }
  if (rest) out.push('0x' + rest.toString(16));
  return out.length ? out.join('|') : zero ?? '0';
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

const IOCTLS: Record<number, string> = { 0x5401: 'TCGETS', 0x5402: 'TCSETS', 0x5413: 'TIOCGWINSZ', 0x541b: 'FIONREAD', 0x5421: 'FIONBIO', 0x5451: 'FIOCLEX', 0x5450: 'FIONCLEX' };
const CLOCKS = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID', 'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME'];
const FAMILIES: Record<number, string> = { 0: 'AF_UNSPEC', 1: 'AF_UNIX', 2: 'AF_INET', 10: 'AF_INET6', 16: 'AF_NETLINK' };

/** Formats one argument that can be shown before the call returns. */
function fmt_arg(t: Task, f: ArgFmt | undefined, v: number, next: number): string {
  const k = t.kernel;
  switch (f) {
    case 'fd': return String(v | 0);
    case 'atfd': return (v | 0) === -100 ? 'AT_FDCWD' : String(v | 0);
    case 'path': return fmt_path(t, v);
    case 'buf_in': return fmt_buf(t, v, next);
    case 'ptr': return fmt_ptr(v);
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
    default: return String(v);
  }
}

/** strace aligns ` = result` at column 40. */
function pad(text: string): string {
  return text.length < 39 ? text + ' '.repeat(39 - text.length) : text;
}

interface Pending { nr: number; args: number[]; shown: (string | null)[] }

export class StraceTracer implements SyscallTracer {
  private readonly pending = new Map<Task, Pending>();

  constructor(private readonly k: Kernel, private readonly out: (line: string) => void) {
    k.exit_hooks.push((t) => this.on_exit(t));
  }

  private prefix(t: Task): string {
    return this.k.tasks.size > 1 || t.pid !== 1 ? `[pid ${String(t.pid).padStart(5)}] ` : '';
  }

  enter(t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): void {
    const args = [a0, a1, a2, a3, a4, a5];
    const def = this.k.syscall_defs[nr];
    const fmts = def?.args ?? [];
    const shown = fmts.map((f, i) => (f === 'buf_out' ? null : fmt_arg(t, f, args[i], args[i + 1])));
    // open(2)'s mode is only shown when O_CREAT or O_TMPFILE makes it meaningful.
    const o = fmts.indexOf('oflags');
    if (o >= 0 && fmts[o + 1] === 'mode' && !(args[o] & 0o20000100)) shown.length = o + 1;
    const p: Pending = { nr, args, shown };
    const name = this.k.arch.syscall_names[nr];
    if (name === 'exit_group' || name === 'exit') this.out(`${this.prefix(t)}${pad(this.call_text(t, p, 0))} = ?`);
    else this.pending.set(t, p);
  }

  private call_text(t: Task, p: Pending, ret: number): string {
    const name = this.k.arch.syscall_names[p.nr] ?? `syscall_${p.nr}`;
    const def = this.k.syscall_defs[p.nr];
    const n = Math.min(def?.args?.length ?? (def ? 0 : 6), p.shown.length || (def?.args?.length ?? 6));
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      parts.push(p.shown[i] ?? (def?.args?.[i] === 'buf_out' ? (ret >= 0 ? fmt_buf(t, p.args[i], ret) : fmt_ptr(p.args[i])) : fmt_arg(t, undefined, p.args[i], 0)));
    }
    return `${name}(${parts.join(', ')})`;
  }

  exit(t: Task, nr: number, ret: number): void {
    const p = this.pending.get(t);
    if (!p || p.nr !== nr) return;
    this.pending.delete(t);
    const text = this.call_text(t, p, ret);
    let r: string;
    if (ret < 0 && ret > -4096) r = `-1 ${ERRNO_NAMES[-ret] ?? 'E?'} (${ERRNO_TEXT[-ret] ?? `Unknown error ${-ret}`})`;
    else if (this.k.syscall_defs[nr]?.ret_hex) r = fmt_ptr(ret);
    else r = String(ret);
    this.out(`${this.prefix(t)}${pad(text)} = ${r}`);
  }

  /** At the end of the run (prints the -c summary). */
  finish(): void { /* filled in below */ }

  private on_exit(t: Task): void {
    this.pending.delete(t);
    const s = t.exit_code;
    const sig = s & 0x7f;
    this.out(`${this.prefix(t)}${sig ? `+++ killed by ${signal_name(sig)} +++` : `+++ exited with ${(s >> 8) & 0xff} +++`}`);
  }
}

/** strace(1)'s options: -e EXPR, -o FILE (the caller opens it), -c, -t/-tt. */
export interface StraceOptions { expr?: string; output?: string; summary?: boolean; timestamps?: number }

/** Turns strace output on for a kernel. */
export function strace_attach(k: Kernel, out: (line: string) => void, _opts: StraceOptions = {}): StraceTracer {
  const tr = new StraceTracer(k, out);
  k.tracer = tr;
  return tr;
}
