/**
 * The C library shim (glibc names and conventions) bound to one process. User programs get an
 * instance as the first argument of main. This file is the core: the syscall stub, errno, user
 * memory access (peek/poke), argument marshalling and code addresses. The wrappers live beside
 * it (unistd.ts, stdio.ts, malloc.ts, …) and are added to the class by declaration merging.
 */
import type { CpuDoor, SysRet } from '../kernel/include/uapi/cpu_door.ts';
import { type ArchName, SYSCALL_NAMES } from '../kernel/include/uapi/arch_uapi.ts';
import { type LibcConstants, constants_for } from './constants.ts';

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
function sys_numbers(arch: ArchName): Readonly<Record<string, number>> {
  let sys = nr_cache.get(arch);
  if (!sys) {
    const m: Record<string, number> = {};
    SYSCALL_NAMES[arch].forEach((n, i) => { if (n) m[n] = i; });
    void (Object.create(m) as Record<string, number>).read;
    sys = Object.freeze(m);
    nr_cache.set(arch, sys);
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
  /** Set by kerncall_setup(): the gate's address, called instead of the syscall instruction at CPL 0. */
  kerncall_gate = 0;
  scratch_base = 0;
  scratch_top = 0;
  private readonly done = (r: number): number => {
    if (r < 0 && r > -4096) { this.errno = -r; return -1; }
    return r;
  };

  /** The CPU door; not enumerable, so Object.values/entries/assign and spreads of a libc never hand it out. */
  declare readonly door: CpuDoor;

  /** Use libc_for(door): it gives the instance its architecture's constants. */
  constructor(door: CpuDoor) {
    Object.defineProperty(this, 'door', { value: door, enumerable: false });
    this.SYS = sys_numbers(door.arch);
  }

  get arch(): ArchName { return this.door.arch; }

  /**
   * The raw stub: the kernel's return value (negative errno on failure). Privileged code (a
   * PrivBox) sees CPL 0 and calls the gate instead of executing the syscall instruction.
   */
  raw(nr: number, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0): SysRet {
    const d = this.door;
    if (this.kerncall_gate !== 0 && d.cpl() === 0) return d.kcall(this.kerncall_gate, nr, a0, a1, a2, a3, a4, a5) as SysRet;
    return d.syscall(nr, a0, a1, a2, a3, a4, a5) as SysRet;
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
    this.door.load(ptr, out, 0, len);
    return out;
  }

  /** Loads into an existing buffer (no allocation). */
  peek_into(ptr: number, dst: Uint8Array, off = 0, len = dst.length - off): void {
    this.door.load(ptr, dst, off, len);
  }

  poke(ptr: number, bytes: Uint8Array | string): void {
    const b = typeof bytes === 'string' ? enc.encode(bytes) : bytes;
    this.door.store(ptr, b, 0, b.length);
  }

  /** Stores len bytes of src from off (no subarray: the counterpart of peek_into). */
  poke_from(ptr: number, src: Uint8Array, off: number, len: number): void {
    this.door.store(ptr, src, off, len);
  }

  peek_u8(ptr: number): number { return this.door.ld8(ptr); }
  peek_u32(ptr: number): number { return this.door.ld32(ptr); }
  peek_i32(ptr: number): number { return this.door.ld32(ptr) | 0; }
  /** A 64-bit value as a number (exact for pointers and values below 2^53). */
  peek_u64(ptr: number): number { return this.door.ld64(ptr); }
  poke_u8(ptr: number, v: number): void { this.door.st8(ptr, v); }
  poke_u32(ptr: number, v: number): void { this.door.st32(ptr, v); }
  poke_u64(ptr: number, v: number): void { this.door.st64(ptr, v); }

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
    this.door.store(p, b, 0, b.length);
    this.poke_u8(p + b.length, 0);
    return p;
  }

  /** An input buffer argument: a pointer as is, or bytes copied into scratch. */
  buf_in(b: BufArg, len: number): number {
    if (typeof b === 'number') return b;
    const p = this.scratch_push(len);
    this.door.store(p, b, 0, Math.min(len, b.length));
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
  fnaddr(fn: UserFn): number { return this.door.fnaddr(fn); }

  /**
   * Calls the function at a code address, as `(*fp)(args)`; a bad target faults (SIGSEGV). A
   * kernel-text target is a call at CPL 0 (only box code may make one): it gets numbers only.
   */
  call(addr: number, ...args: unknown[]): unknown {
    if (addr < 0) {
      const r = args as number[];
      return this.door.kcall(addr, r[0] ?? 0, r[1] ?? 0, r[2] ?? 0, r[3] ?? 0, r[4] ?? 0, r[5] ?? 0, r[6] ?? 0);
    }
    return (this.door.text_at(addr) as (...a: unknown[]) => unknown)(...args);
  }
}

/*
 * The libc modules add their ~260 functions to Libc.prototype one at a time (`L.read = …`), at
 * every exec. V8 gives a fast-mode object a new map, copying every property before it, on each
 * add (~17 ms for the lot); an object that has just been made some object's prototype is in its
 * prototype setup mode instead — dictionary properties, an add costs O(1) — until its first use
 * as one, when V8 makes it fast again in one step. Making it a prototype here puts it there.
 */
Object.create(Libc.prototype);

/** Per architecture, the constructor whose prototype carries its constants (over Libc.prototype). */
const arch_ctors = new Map<string, () => void>();

/**
 * A C library for t. Each architecture gets a prototype of its own carrying its constants
 * (O_*, E*, …): hundreds of properties on every instance would make instances slow
 * dictionary objects, while on a shared prototype they stay fast. The prototype is made in one
 * step: adding its ~450 properties one at a time (Object.assign) cost V8 a new map per
 * property, ~20 ms in every exec.
 */
export function libc_for(door: CpuDoor): Libc {
  const arch = door.arch;
  let ctor = arch_ctors.get(arch);
  if (!ctor) {
    ctor = function arch_libc(): void { /* only a prototype holder: Reflect.construct runs Libc's constructor */ };
    ctor.prototype = Object.create(Libc.prototype, Object.getOwnPropertyDescriptors(constants_for(arch))) as Libc;
    arch_ctors.set(arch, ctor);
  }
  return Reflect.construct(Libc, [door], ctor) as Libc;
}
