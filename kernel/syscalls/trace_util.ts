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
export function flags(v: number, names: [number, string][], zero?: string): string {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of names) if (bit && ((rest & bit) >>> 0) === bit >>> 0) { out.push(name); rest = (rest & ~bit) >>> 0; }
  if (rest) out.push('0x' + rest.toString(16));
  return out.length ? out.join('|') : zero ?? '0';
}
