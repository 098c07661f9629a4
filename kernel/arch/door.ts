/**
 * The kernel side of the CPU door (kernel/include/uapi/cpu_door.ts): what each user-visible CPU
 * operation does for one task. Only numbers (and bigints for PAC) come in; only numbers, user
 * functions the process registered itself, and bigints go out. An exception that unwinds the task
 * (exit, a fatal signal, execve) stops here and becomes NaN, which the user side turns into its
 * own unwind marker, so no kernel object ever reaches user code.
 */
import { SIGILL } from '../include/uapi/signal.ts';
import { PAC_AUTH, PAC_GENERIC, PAC_SIGN, PAC_STRIP_I, type CpuDoor, type UserCode } from '../include/uapi/cpu_door.ts';
import { user_fault, user_load, user_mode, user_store } from '../mm/usermem.ts';
import { fetch_ok } from '../mm/memory.ts';
import { UserUnwind } from '../sched/exit.ts';
import type { Task } from '../sched/task.ts';
import { C } from '../time/cost.ts';
import { entry_SYSCALL_64 } from './x86/entry_64.ts';
import { el0_svc } from './arm64/entry.ts';
import { pac_generic, pac_sign, pac_strip, user_aut, type KeyName } from './arm64/pointer_auth.ts';
import { door_realm, type DoorHost, type DoorRealm } from './door_factory.ts';
import { TRAP_UD, do_trap, user_crash } from './traps.ts';
import { native_read_cr0, native_write_cr0 } from '../privbox/insn.ts';
import { box_task, privbox_of } from '../privbox/privbox.ts';
import { types } from 'node:util';
import { ACC_R, ACC_W, MODE_USER } from './cpu.ts';
import { read_counter } from '../time/vsyscall.ts';

// %TypedArray%.prototype's getters, taken from this realm: they read a typed array's internal
// slots whatever realm it comes from, without running any getter user code may have installed.
const TA = Object.getPrototypeOf(Uint8Array.prototype) as object;
const slot = (name: string) => Object.getOwnPropertyDescriptor(TA, name)!.get! as (this: Uint8Array) => number | ArrayBufferLike;
const TA_LENGTH = slot('length') as (this: Uint8Array) => number;
const TA_OFFSET = slot('byteOffset') as (this: Uint8Array) => number;
const TA_BUFFER = slot('buffer') as (this: Uint8Array) => ArrayBufferLike;

const PAC_KEYS: readonly KeyName[] = ['apia', 'apib', 'apda', 'apdb'];

/** An unwinding exception becomes NaN; anything else is not ours to hide. */
function unwound(e: unknown): number {
  if (e instanceof UserUnwind) return NaN;
  throw e;
}

/** The host functions of t's door for its current image. */
export function door_host(t: Task): DoorHost {
  const k = t.kernel, cpu = k.cpu, gen = t.image_gen, mem = k.phys.mem, pdv = k.phys.dv;
  // Box code of an SFI image: its masks and checked branches are charged as they execute here.
  const sfi = t.mm?.realm?.sfi ?? 'none', masked = sfi === 'full';
  const entry = k.arch.name === 'arm64' ? el0_svc : entry_SYSCALL_64;
  const w = new Uint8Array(8), wv = new DataView(w.buffer);
  let pending: Promise<number> | null = null;
  /** The image this door was made for is gone (exit, or execve of another). */
  const stale = (): boolean => t.image_gen !== gen || !t.alive;
  /**
   * The physical address of the running task's user-mode access within one page that the TLB
   * (or a page walk) allows, or -1: a fault, another task's turn, box mode or a page-crossing
   * access take user_load/user_store's path, which does the rest (faults, task switch, SPAP).
   */
  const direct = (addr: number, size: number, acc: number): number =>
    (k.current === t && cpu.mode === MODE_USER && (addr & 0xfff) <= 0x1000 - size ? cpu.translate(addr, acc) : -1);
  const settle = (r: number | Promise<number>): number => {
    if (typeof r === 'number') return r;
    pending = r;
    t.in_kernel_wait = true;
    return -Infinity;
  };
  return {
    arch: k.arch.name,
    sys(nr, a0, a1, a2, a3, a4, a5, ops) {
      if (stale()) return NaN;
      if (ops !== 0) cpu.charge_n(C.user_op, ops); // the image's own computation since the last charge
      cpu.charge(C.user_syscall_stub);
      try { return settle(entry(t, nr, a0, a1, a2, a3, a4, a5)); } catch (e) { return unwound(e); }
    },
    wait(cb) {
      const p = pending!;
      pending = null;
      p.then((v) => { t.in_kernel_wait = false; t.run_mark = cpu.cycles; cb(stale() ? NaN : v); }, (e) => { t.in_kernel_wait = false; cb(unwound(e)); });
    },
    kcall(addr, a0, a1, a2, a3, a4, a5, a6, ops) {
      if (stale()) return NaN;
      // Box code's own computation since the last charge: a box calls the gate, not `syscall`.
      if (ops !== 0) cpu.charge_n(C.user_op, ops);
      cpu.charge(C.user_syscall_stub);
      try {
        user_mode(t);
        // The SFI pass leaves one direct call to kernel text in box code: the gate's.
        if (sfi !== 'none' && t.in_box && addr !== privbox_of(k).gate_addr) return user_fault(t, addr, false);
        const fn = fetch_ok(t, addr) && addr < 0 ? k.kallsyms.function_at(addr) : undefined;
        if (!fn) return user_fault(t, addr, false);
        return settle((fn as unknown as (t: Task, ...a: number[]) => number | Promise<number>)(t, a0, a1, a2, a3, a4, a5, a6));
      } catch (e) { return unwound(e); }
    },
    entry_sp: () => t.user_sp,
    ld(addr, size) {
      if (stale()) return NaN;
      if (masked && t.in_box) cpu.charge(C.sfi_mask);
      const p = direct(addr, size, ACC_R);
      if (p >= 0) return size === 1 ? mem[p] : size === 4 ? pdv.getUint32(p, true) : pdv.getInt32(p + 4, true) * 2 ** 32 + pdv.getUint32(p, true);
      try {
        user_load(t, addr, w, 0, size);
        return size === 1 ? w[0] : size === 4 ? wv.getUint32(0, true) : wv.getInt32(4, true) * 2 ** 32 + wv.getUint32(0, true);
      } catch (e) { return unwound(e); }
    },
    st(addr, v, size) {
      if (stale()) return NaN;
      if (masked && t.in_box) cpu.charge(C.sfi_mask);
      if (size === 1) w[0] = v;
      else if (size === 4) wv.setUint32(0, v >>> 0, true);
      else { const hi = Math.floor(v / 2 ** 32); wv.setUint32(0, v - hi * 2 ** 32, true); wv.setInt32(4, hi, true); }
      const p = direct(addr, size, ACC_W);
      if (p >= 0) { for (let i = 0; i < size; i++) mem[p + i] = w[i]; return 0; }
      try { user_store(t, addr, w, 0, size); return 0; } catch (e) { return unwound(e); }
    },
    copy(addr, buf, off, len, dir) {
      if (masked && t.in_box) cpu.charge(C.sfi_mask);
      return door_copy(t, stale(), addr, buf, off, len, dir);
    },
    fnaddr: (fn) => (stale() ? NaN : t.mm!.text.add(fn as never)),
    text_at(addr) {
      if (stale()) return null;
      if (sfi !== 'none' && t.in_box) cpu.charge(C.sfi_branch);
      try {
        user_mode(t);
        const fn = addr >= 0 ? t.mm!.text.at(addr) : undefined;
        if (!fetch_ok(t, addr) || !fn) return user_fault(t, addr, false);
        return fn as UserCode;
      } catch (e) { unwound(e); return null; }
    },
    cpl: () => (t.in_box ? 0 : 3),
    rdtsc() {
      if (stale()) return NaN;
      user_mode(t); // the charge is this task's, whoever ran last
      cpu.charge(C.rdtsc);
      return read_counter(k);
    },
    pac(op, key, ptr, modifier) {
      if (stale()) return null;
      try { return door_pac(t, op, key, ptr, modifier); } catch (e) { unwound(e); return null; }
    },
    cr0(write, v) {
      if (stale()) return NaN;
      try {
        user_mode(t);
        if (!write) return native_read_cr0(t);
        native_write_cr0(t, v);
        return 0;
      } catch (e) { return unwound(e); }
    },
    box_reg: (i) => box_task(t).clobber[i] ?? 0,
    mm_id: () => t.mm?.pt.root ?? 0,
    set_box_libc(lc) { if (!stale()) t.libc = lc; },
    crash(what) { if (!stale()) user_crash(t, what); },
  };
}

/**
 * A block copy between user memory and a Uint8Array the caller owns; no method of the caller's
 * array (which user code may have replaced) runs. A load fills it through the kernel realm's
 * %TypedArray%.prototype.set and element stores only (phys_copy), so it needs no view — making
 * one would move a small array's storage off V8's heap (a malloc) just to alias it; a store
 * reads it through a view of the kernel's own making.
 */
function door_copy(t: Task, stale: boolean, addr: number, buf: Uint8Array, off: number, len: number, dir: number): number {
  if (stale) return NaN;
  if (!types.isUint8Array(buf) || !Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > TA_LENGTH.call(buf)) {
    return do_trap_unwound(t, 'bad buffer passed to a block copy');
  }
  try {
    if (dir === 0) user_load(t, addr, buf, off, len);
    else user_store(t, addr, new Uint8Array(TA_BUFFER.call(buf), TA_OFFSET.call(buf) + off, len), 0, len);
    return 0;
  } catch (e) { return unwound(e); }
}

function do_trap_unwound(t: Task, what: string): number {
  try { return do_trap(t, TRAP_UD, what); } catch (e) { return unwound(e); }
}

/** The PAC instructions: #UD on x86_64, the process's keys on arm64. */
function door_pac(t: Task, op: number, key: number, ptr: bigint, modifier: bigint): bigint {
  if (t.kernel.arch.name !== 'arm64') return do_trap(t, TRAP_UD, `trap invalid opcode (pointer authentication instruction on ${t.kernel.arch.name})`);
  if (op === PAC_GENERIC) return pac_generic(t, ptr, modifier);
  if (op === PAC_STRIP_I || op === PAC_STRIP_I + 1) return pac_strip(t, op !== PAC_STRIP_I, ptr);
  const name = PAC_KEYS[key];
  if (name === undefined) return do_trap(t, SIGILL, 'undefined PAC key');
  if (op === PAC_SIGN) return pac_sign(t, name, ptr, modifier);
  if (op === PAC_AUTH) return user_aut(t, name, ptr, modifier);
  return do_trap(t, TRAP_UD, 'undefined PAC operation');
}

/** The kernel's own realm's door maker, for programs the host runs in-process (test harness). */
const HOST_REALM: DoorRealm = door_realm();

/** The door t's user code holds for its current image (made on first use, in the image's realm). */
export function cpu_door(t: Task): CpuDoor {
  if (t.door === null) t.door = (t.mm?.realm ?? HOST_REALM).make(door_host(t));
  return t.door;
}
