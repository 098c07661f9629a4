/**
 * The cost model: every emulated primitive that takes time on real hardware charges cycles
 * from one table per machine profile (kernel/arch/{x86,arm64}/profile_*.ts). Benchmarks read
 * the counters these charges accumulate; no result is written down anywhere.
 *
 * A profile is a plain object of constants, each with a source in `sources`.
 */

/** The primitives a path can charge, in breakdown order. */
export const COST_KEYS = [
  'user_syscall_stub', // libc wrapper: load nr and args into registers before SYSCALL / SVC
  'syscall_insn',      // SYSCALL (x86) / SVC exception entry (arm64), hardware part
  'swapgs',            // SWAPGS (x86 only), charged on entry and again on exit
  'cr3_write',         // one CR3 write (x86 PTI) / TTBR switch (arm64 KPTI); 2 per syscall
  'entry_regs',        // stack switch + build pt_regs on entry
  'spectre_entry',     // Spectre-v2/retbleed work on entry (IBRS/RSB), per syscall
  'syscall_dispatch',  // nr bounds check, array_index_nospec, indirect call through the table
  'handler_trivial',   // body of a trivial handler (sys_ni_syscall, sys_getpid)
  'tcp_sendmsg',       // a small send on an established TCP socket: tcp_sendmsg + loopback xmit + the peer's receive
  'tcp_recvmsg',       // a recv that returns queued TCP data: tcp_recvmsg, skb free, ACK bookkeeping
  'ep_poll',           // epoll_wait's fixed part when it scans a non-empty ready list
  'ep_item_poll',      // one ready-list item re-polled by ep_send_events (f_op->poll and the event copy)
  'exit_work',         // syscall_exit_to_user_mode: flag checks, signal/resched tests
  'mds_clear',         // VERW buffer clearing before returning (x86 MDS)
  'exit_regs',         // restore registers from pt_regs on exit
  'sysret_insn',       // SYSRET (x86) / ERET (arm64)
  'gate_call',         // PrivBox: call *kerncall_gate and the final ret
  'gate_stack_switch', // PrivBox gate: switch to the kernel stack and back
  'uaccess_setup',     // fixed part of copy_{from,to}_user (access_ok, STAC/CLAC or PAN)
  'copy_byte',         // per byte copied across the user/kernel boundary
  'page_fault',        // page-fault exception entry and exit
  'tlb_miss',          // a 4-level page walk on a TLB miss
  'context_switch',    // switching tasks (schedule + switch_mm)
  'pac_insn',          // one PAC*/AUT*/XPAC* instruction (arm64), or its software cost
  'rdtsc',             // reading the time-stamp counter in user mode: RDTSC (x86) / ISB + MRS CNTVCT_EL0 (arm64)
  'sfi_mask',          // one SFI address mask on a boxed memory access (lea + btr)
  'sfi_branch',        // SFI mask + bundle alignment of an indirect branch in a box
  'spap_check',        // SPAP hardware check on a semi-privileged access
  'user_op',           // one unit of user-mode computation (calibrated op, see profile)
  'kernel_op',         // one unit of kernel C work with no primitive of its own (lookups, checks)
  'cr0_write',         // lifting/restoring kernel write protection (x86 MOV CR0; arm64 set_memory_rw)
  'gate_scrub',        // privos's PrivBox gate: zeroing the scratch registers on the way out
] as const;

export type CostKey = (typeof COST_KEYS)[number];

/** Index of each key into a breakdown Float64Array, so a hot path charges by number. */
export const C = Object.fromEntries(COST_KEYS.map((k, i) => [k, i])) as { readonly [K in CostKey]: number };

export interface CostProfile {
  readonly name: string;
  readonly arch: 'x86_64' | 'arm64';
  /** Core clock in Hz, used to turn cycles into modeled time. */
  readonly hz: number;
  /** Page-table isolation: the entry and exit paths charge a cr3_write each when on. */
  readonly pti: boolean;
  /** Cycles per primitive. */
  readonly cost: { readonly [K in CostKey]: number };
  /** One line per constant: where the number comes from (paper, manual, measurement). */
  readonly sources: { readonly [K in CostKey]: string };
}

/** Flattens a profile into a Float64Array indexed by C.* for the hot path. */
export function cost_table(p: CostProfile): Float64Array {
  const t = new Float64Array(COST_KEYS.length);
  COST_KEYS.forEach((k, i) => (t[i] = p.cost[k]));
  return t;
}

/**
 * A fixed sequence of primitives one code path always charges (e.g. the syscall instruction's
 * entry: SYSCALL, SWAPGS, CR3 write, pt_regs). Charging the path adds the sum of its
 * constants and counts the pass; the per-primitive breakdown is folded in from the counts, so
 * it is exactly what charging each primitive in turn would have recorded.
 */
export class CostPath {
  count = 0;
  constructor(readonly keys: readonly number[], readonly total: number) {}
}
