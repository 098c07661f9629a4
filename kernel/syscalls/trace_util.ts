/** Small helpers of the strace decoders (kernel/syscalls/trace.ts, trace_structs.ts). */
import { addr_hex } from '../arch/cpu.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import type { Task } from '../sched/task.ts';

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

/** A pointer as strace prints it: NULL or hex (kernel-half addresses in full). */
export function fmt_ptr(v: number): string { return v === 0 ? 'NULL' : '0x' + (v < 0 ? addr_hex(v) : v.toString(16)); }

/** A flag set as `A|B|0x40` (printflags), or zero's name. */
export function flags(v: number, names: readonly [number, string][], zero?: string): string {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of names) if (bit && ((rest & bit) >>> 0) === bit >>> 0) { out.push(name); rest = (rest & ~bit) >>> 0; }
  if (rest) out.push('0x' + rest.toString(16));
  return out.length ? out.join('|') : zero ?? '0';
}

/** strace's default -s: strings are cut after 32 bytes. */
export const STRSIZE = 32;

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

/** A buffer of len bytes at addr, quoted and cut at STRSIZE (printstrn). */
export function fmt_buf(t: Task, addr: number, len: number): string {
  if (len < 0) return fmt_ptr(addr);
  const n = Math.min(len, STRSIZE);
  const b = peek_user_quiet(t, addr, n);
  return b ? quote(b, len > STRSIZE) : fmt_ptr(addr);
}
