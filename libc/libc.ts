/**
 * The C library shim (glibc names and conventions) bound to one process. User programs get an
 * instance as the first argument of main. This file is the core: the syscall stub, errno, user
 * memory access (peek/poke), argument marshalling and code addresses. The wrappers live beside
 * it (unistd.ts, stdio.ts, malloc.ts, …) and are added to the class by declaration merging.
 */
import { entry_SYSCALL_64 } from '../kernel/arch/x86/entry_64.ts';
import { el0_svc } from '../kernel/arch/arm64/entry.ts';
import type { SysRet } from '../kernel/fs/fs_types.ts';
import { fetch_ok, user_load, user_mode, user_store, user_fault } from '../kernel/mm/usermem.ts';
import type { Task } from '../kernel/sched/task.ts';
import { C } from '../kernel/time/cost.ts';
import type { Arch } from '../kernel/arch/arch.ts';
import { type LibcConstants, constants_for } from './constants.ts';

export type SyscallEntry = (t: Task, nr: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number) => SysRet;
export type UserFn = (...args: never[]) => unknown;
/** A user-memory pointer, or JS data libc copies into user memory for the call. */
export type BufArg = number | Uint8Array;
export type StrArg = number | string;

const nr_cache = new Map<string, Readonly<Record<string, number>>>();
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Size of the per-process scratch area libc marshals JS strings and buffers through. */
export const SCRATCH_SIZE = 1 << 20;

/**
 * name → number for an architecture's syscalls. A big object built by assignment is a
 * dictionary in V8; one that serves as a prototype is turned into a fast one, which keeps
 * `libc.SYS.read` a plain field load on every call.
 */
function sys_numbers(arch: Arch): Readonly<Record<string, number>> {
  let sys = nr_cache.get(arch.name);
  if (!sys) {
    const m: Record<string, number> = {};
    arch.syscall_names.forEach((n, i) => { if (n) m[n] = i; });
    void (Object.create(m) as Record<string, number>).read;
    sys = Object.freeze(m);
    nr_cache.set(arch.name, sys);
  }
  return sys;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Libc extends LibcConstants {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Libc {
  /** errno of the last failed call (thread-local in C; per task here). */
  errno = 0;
  /** Syscall numbers of this process's architecture, by name: libc.SYS.getpid. */
  readonly SYS: Readonly<Record<string, number>>;
  /** The syscall instruction path of this architecture. */
  readonly entry: SyscallEntry;
  /** Set by kerncall_setup(): the gate address's function, used when running privileged. */
  kerncall_gate: SyscallEntry | null = null;
  scratch_base = 0;
  scratch_top = 0;
  private readonly done = (r: number): number => {
    if (r < 0 && r > -4096) { this.errno = -r; return -1; }
    return r;
  };

  /** Use libc_for(t): it gives the instance its architecture's constants. */
  constructor(readonly task: Task) {
    const arch = task.kernel.arch;
    this.SYS = sys_numbers(arch);
    this.entry = arch.name === 'arm64' ? el0_svc : entry_SYSCALL_64;
  }

  get arch(): string { return this.task.kernel.arch.name; }

  /**
   * The raw stub: the kernel's return value (negative errno on failure). Privileged code (a
   * PrivBox) sees CPL 0 and calls the gate instead of executing the syscall instruction.
   */
  raw(nr: number, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0): SysRet {
    const t = this.task;
    t.kernel.cpu.charge(C.user_syscall_stub);
    // The task's own privilege (its code segment), not whoever ran last on the CPU.
    if (this.kerncall_gate !== null && t.in_box) return this.kerncall_gate(t, nr, a0, a1, a2, a3, a4, a5);
    return this.entry(t, nr, a0, a1, a2, a3, a4, a5);
  }

  /** Converts a kernel return into the C convention: -1 and errno on failure. */
  ret(r: SysRet): SysRet {
    return typeof r === 'number' ? this.done(r) : r.then(this.done);
  }

  /** syscall(2): long syscall(long number, ...). */
  syscall(nr: number, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0): SysRet {
    return this.ret(this.raw(nr, a0, a1, a2, a3, a4, a5));
  }

  /** Calls the named syscall of this architecture (-1/ENOSYS when the arch has none). */
  call_sys(name: string, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0): SysRet {
    const nr = this.SYS[name];
    if (nr === undefined) { this.errno = this.ENOSYS; return -1; }
    return this.ret(this.raw(nr, a0, a1, a2, a3, a4, a5));
  }

  // ---- user memory, accessed with user privilege (SIGSEGV on a bad address) ----

  peek(ptr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    user_load(this.task, ptr, out, 0, len);
    return out;
  }

  /** Loads into an existing buffer (no allocation). */
  peek_into(ptr: number, dst: Uint8Array, off = 0, len = dst.length - off): void {
    user_load(this.task, ptr, dst, off, len);
  }

  poke(ptr: number, bytes: Uint8Array | string): void {
    const b = typeof bytes === 'string' ? enc.encode(bytes) : bytes;
    user_store(this.task, ptr, b, 0, b.length);
  }

  private readonly w = new Uint8Array(8);
  private readonly wv = new DataView(this.w.buffer);

  peek_u8(ptr: number): number { user_load(this.task, ptr, this.w, 0, 1); return this.w[0]; }
  peek_u32(ptr: number): number { user_load(this.task, ptr, this.w, 0, 4); return this.wv.getUint32(0, true); }
  peek_i32(ptr: number): number { user_load(this.task, ptr, this.w, 0, 4); return this.wv.getInt32(0, true); }
  /** A 64-bit value as a number (exact for pointers and values below 2^53). */
  peek_u64(ptr: number): number {
    user_load(this.task, ptr, this.w, 0, 8);
    return this.wv.getInt32(4, true) * 2 ** 32 + this.wv.getUint32(0, true);
  }
  poke_u8(ptr: number, v: number): void { this.w[0] = v; user_store(this.task, ptr, this.w, 0, 1); }
  poke_u32(ptr: number, v: number): void { this.wv.setUint32(0, v >>> 0, true); user_store(this.task, ptr, this.w, 0, 4); }
  poke_u64(ptr: number, v: number): void {
    const hi = Math.floor(v / 2 ** 32);
    this.wv.setUint32(0, v - hi * 2 ** 32, true); this.wv.setInt32(4, hi, true);
    user_store(this.task, ptr, this.w, 0, 8);
  }

  /** strlen(3) on user memory. */
  strlen(ptr: number): number {
    let n = 0;
    while (this.peek_u8(ptr + n) !== 0) n++;
    return n;
  }

  /** Reads a NUL-terminated string from user memory. */
  cstr(ptr: number): string { return dec.decode(this.peek(ptr, this.strlen(ptr))); }

  // ---- marshalling JS values through the scratch area (a stack: nested calls are LIFO) ----

  /** Reserves n bytes of scratch (16-aligned); release with scratch_pop(mark). */
  scratch_push(n: number): number {
    const p = this.scratch_top;
    const next = p + ((n + 15) & ~15);
    if (next > this.scratch_base + SCRATCH_SIZE) throw new RangeError(`libc scratch exhausted (${n} bytes); pass a malloc'd pointer`);
    this.scratch_top = next;
    return p;
  }

  scratch_pop(mark: number): void { this.scratch_top = mark; }

  /** A string argument: a user pointer as is, or a JS string copied in NUL-terminated. */
  str(s: StrArg): number {
    if (typeof s === 'number') return s;
    const b = enc.encode(s);
    const p = this.scratch_push(b.length + 1);
    user_store(this.task, p, b, 0, b.length);
    this.poke_u8(p + b.length, 0);
    return p;
  }

  /** An input buffer argument: a pointer as is, or bytes copied into scratch. */
  buf_in(b: BufArg, len: number): number {
    if (typeof b === 'number') return b;
    const p = this.scratch_push(len);
    user_store(this.task, p, b, 0, Math.min(len, b.length));
    return p;
  }

  /**
   * Runs a call whose arguments were marshalled through scratch, releasing it afterwards;
   * `after` sees the result (e.g. to copy an output buffer back) before the release.
   */
  with_scratch(body: () => SysRet, after?: (r: number) => void): SysRet {
    const mark = this.scratch_top;
    let r: SysRet;
    try { r = body(); } catch (e) { this.scratch_pop(mark); throw e; }
    if (typeof r === 'number') { after?.(r); this.scratch_pop(mark); return r; }
    return r.then((v) => { after?.(v); this.scratch_pop(mark); return v; }, (e) => { this.scratch_pop(mark); throw e; });
  }

  // ---- code addresses ----

  /** The address of a user function in this process's text (&fn in C). */
  fnaddr(fn: UserFn): number { return this.task.mm!.text.add(fn as never); }

  /** Calls the function at a code address, as `(*fp)(args)`; a bad target faults (SIGSEGV). */
  call(addr: number, ...args: unknown[]): unknown {
    const t = this.task;
    user_mode(t);
    const fn = addr >= 0 ? t.mm!.text.at(addr) : t.kernel.kallsyms.function_at(addr);
    if (!fetch_ok(t, addr) || !fn) return user_fault(t, addr, false);
    return fn(...args);
  }
}

const arch_classes = new Map<string, typeof Libc>();

/**
 * A C library for t. Each architecture gets a subclass whose prototype carries its constants
 * (O_*, E*, …): hundreds of properties on every instance would make instances slow
 * dictionary objects, while on a shared prototype they stay fast.
 */
export function libc_for(t: Task): Libc {
  const arch = t.kernel.arch;
  let cls = arch_classes.get(arch.name);
  if (!cls) {
    cls = class extends Libc {};
    Object.assign(cls.prototype, constants_for(arch));
    arch_classes.set(arch.name, cls);
  }
  return new cls(t);
}
