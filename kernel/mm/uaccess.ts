/**
 * Kernel access to user memory (Linux include/linux/uaccess.h, lib/usercopy.c,
 * lib/strncpy_from_user.c). Only these helpers open the SMAP/PAN window (STAC/CLAC); a fault
 * inside one is first offered to handle_mm_fault (demand paging, COW) and otherwise becomes
 * EFAULT through the exception-table fixup, never an oops.
 */
import { ACC_R, ACC_W, MODE_KERNEL } from '../arch/cpu.ts';
import { switch_to } from '../sched/core.ts';
import type { Task } from '../sched/task.ts';
import { user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';
import { EFAULT, ENAMETOOLONG } from '../include/uapi/errno.ts';
import { C } from '../time/cost.ts';
import { handle_mm_fault } from './memory.ts';
import { PAGE_SIZE } from './page_alloc.ts';
import { TWO_47 } from './pgtable.ts';

/** The calling context: the task on whose behalf the kernel touches user memory. */
export type UaccessCtx = Task;

/** TASK_SIZE_MAX: the top of the user half (one guard page below 2^47, as x86-64). */
export const TASK_SIZE = TWO_47 - PAGE_SIZE;

/** access_ok(): the range lies entirely in the user half. */
export function access_ok(addr: UserPtr, size: number): boolean {
  return Number.isSafeInteger(addr) && addr >= 0 && size >= 0 && addr + size <= TASK_SIZE;
}

/** %TypedArray%.prototype.set of this realm: fills a typed array of any realm through its internal slots. */
const TA_SET = (Object.getPrototypeOf(Uint8Array.prototype) as { set: (this: Uint8Array, src: Uint8Array, at: number) => void }).set;

/**
 * Copies n bytes between physical memory at p and buf[off..]: into memory when `store`, out of
 * it otherwise. A load touches buf only with element stores and this realm's set(), so buf may
 * be a user program's own array (door_copy); a store's buf is a kernel array or view.
 */
export function phys_copy(mem: Uint8Array, p: number, buf: Uint8Array, off: number, n: number, store: boolean): void {
  if (n <= SMALL_COPY) {
    // A short copy byte by byte is cheaper than the subarray views a bulk copy needs.
    if (store) for (let i = 0; i < n; i++) mem[p + i] = buf[off + i];
    else for (let i = 0; i < n; i++) buf[off + i] = mem[p + i];
  } else if (store) mem.set(off === 0 && n === buf.length ? buf : buf.subarray(off, off + n), p);
  else TA_SET.call(buf, mem.subarray(p, p + n), off);
}

/** Below this many bytes phys_copy loops instead of making subarray views: on Node 20 a view pair costs ~40 ns, a byte ~1.3 ns (crossover ~25 bytes). */
const SMALL_COPY = 16;

/** Physical offset for a user access from the kernel, resolving faults; -1 if impossible. */
function uaccess_translate(t: UaccessCtx, addr: number, acc: number): number {
  const cpu = t.cpu;
  let p = cpu.translate(addr, acc);
  if (p < 0 && t.mm && handle_mm_fault(cpu, t.mm, addr, acc)) p = cpu.translate(addr, acc);
  return p;
}

/**
 * Copies n bytes between user memory at uaddr and buf[off..]. Returns the number of bytes NOT
 * copied, like Linux's raw_copy_{from,to}_user.
 */
function copy_user(t: UaccessCtx, uaddr: UserPtr, buf: Uint8Array, off: number, n: number, acc: number): number {
  if (n === 0) return 0;
  if (!access_ok(uaddr, n)) return n;
  const cpu = t.cpu;
  // Kernel code of t may resume (after an await) while the CPU still holds another task's
  // address space: running t's code means running t, so schedule it in first.
  if (t.kernel.current !== t) switch_to(t, MODE_KERNEL);
  cpu.charge(C.uaccess_setup);
  cpu.set_uaccess(true); // STAC / clear PSTATE.PAN
  const mem = cpu.phys.mem;
  let done = 0;
  while (done < n) {
    const a = uaddr + done;
    const p = uaccess_translate(t, a, acc);
    if (p < 0) break;
    const chunk = Math.min(n - done, PAGE_SIZE - (a % PAGE_SIZE));
    phys_copy(mem, p, buf, off + done, chunk, acc === ACC_W);
    done += chunk;
  }
  cpu.set_uaccess(false); // CLAC
  cpu.charge_n(C.copy_byte, done);
  return n - done;
}

export function copy_from_user(t: UaccessCtx, dst: Uint8Array, off: number, uaddr: UserPtr, n: number): number {
  return copy_user(t, uaddr, dst, off, n, ACC_R);
}

export function copy_to_user(t: UaccessCtx, uaddr: UserPtr, src: Uint8Array, off: number, n: number): number {
  return copy_user(t, uaddr, src, off, n, ACC_W);
}

/** One page of zeroes, never written: clear_user's source (the kernel's empty_zero_page). */
const empty_zero_page = new Uint8Array(PAGE_SIZE);

/** clear_user(): zero-fills user memory; returns bytes not cleared. */
export function clear_user(t: UaccessCtx, uaddr: UserPtr, n: number): number {
  let left = n;
  while (left > 0) {
    const c = Math.min(left, PAGE_SIZE);
    if (copy_to_user(t, user_ptr_add(uaddr, n - left), empty_zero_page, 0, c) !== 0) return left;
    left -= c;
  }
  return 0;
}

const str_buf = new Uint8Array(4096);
const utf8 = new TextDecoder();

/**
 * strncpy_from_user(): a NUL-terminated string of at most max bytes (the NUL excluded).
 * Returns the string, or -EFAULT, or -ENAMETOOLONG when no NUL was found within max.
 */
export function strncpy_from_user(t: UaccessCtx, uaddr: UserPtr, max: number): string | number {
  const cpu = t.cpu;
  if (!access_ok(uaddr, 1)) return -EFAULT;
  if (t.kernel.current !== t) switch_to(t, MODE_KERNEL);
  const out = max + 1 <= str_buf.length ? str_buf : new Uint8Array(max + 1);
  cpu.charge(C.uaccess_setup);
  cpu.set_uaccess(true);
  let len = 0, result: number = -ENAMETOOLONG;
  while (len <= max) {
    const p = uaccess_translate(t, uaddr + len, ACC_R);
    if (p < 0) { result = -EFAULT; break; }
    const b = cpu.phys.mem[p];
    if (b === 0) { result = len; break; }
    out[len++] = b;
  }
  cpu.set_uaccess(false);
  cpu.charge_n(C.copy_byte, len);
  return result < 0 ? result : utf8.decode(out.subarray(0, len));
}

const word = new Uint8Array(8);
const word_dv = new DataView(word.buffer);

/**
 * get_user() of a 32-bit value (zero-extended): 0, or -EFAULT. Like every get_user here it
 * leaves the value in the CPU's `uval` register, as arch/x86/lib/getuser.S returns it in %rdx
 * with the error in %rax: read `t.cpu.uval` at once, before the next uaccess. No allocation.
 */
export function get_user_u32(t: UaccessCtx, uaddr: UserPtr): number {
  if (copy_from_user(t, word, 0, uaddr, 4)) return -EFAULT;
  t.cpu.uval = word_dv.getUint32(0, true);
  return 0;
}

/** put_user() of a 32-bit value: 0, or -EFAULT (Linux's convention). */
export function put_user_u32(t: UaccessCtx, uaddr: UserPtr, v: number): number {
  word_dv.setUint32(0, v >>> 0, true);
  return copy_to_user(t, uaddr, word, 0, 4) === 0 ? 0 : -EFAULT;
}

/**
 * get_user() of a 64-bit value as a JS number (exact below 2^53: pointers, sizes; the high word
 * signed, so the kernel half comes out negative): 0, or -EFAULT; the value in `t.cpu.uval`.
 */
export function get_user_u64(t: UaccessCtx, uaddr: UserPtr): number {
  if (copy_from_user(t, word, 0, uaddr, 8)) return -EFAULT;
  t.cpu.uval = word_dv.getInt32(4, true) * 0x100000000 + word_dv.getUint32(0, true);
  return 0;
}

/** put_user() of a 64-bit value: 0, or -EFAULT. */
export function put_user_u64(t: UaccessCtx, uaddr: UserPtr, v: number): number {
  const hi = Math.floor(v / 0x100000000);
  word_dv.setUint32(0, v - hi * 0x100000000, true);
  word_dv.setInt32(4, hi, true);
  return copy_to_user(t, uaddr, word, 0, 8) === 0 ? 0 : -EFAULT;
}
