/**
 * Cost profiles for an Intel Skylake machine, with page-table isolation on (`skylake_pti`) and
 * off (`skylake_nopti`). Both share one constant table; only `pti` differs.
 *
 * The anchor is the PrivBox artifact's microbenchmark (Kuznetsov & Morrison, USENIX ATC 2022;
 * github.com/privbox/devenv tools/microtester/src/main.c): a Skylake guest (QEMU
 * `-cpu Skylake-Client`, KVM) with PTI, 10M calls of syscall 1024 (-ENOSYS) timed with rdtsc,
 * 953 cycles per user-mode round trip and 436 through the kerncall gate.
 *
 * Every constant names its source below. Classes (see docs/cost-model.md):
 *   cited     — a published measurement or manual figure;
 *   estimate  — no public number found, reasoning given;
 *   residual  — derived from a published total minus the other constants of a path
 *               (one per anchored path: `mds_clear` for the gate path, `cr3_write` for the
 *               user path). Residuals are computed below, not typed in.
 *
 * Main sources: x86.lol "1001 Ways of Implementing a System Call" (J. Stecklina, 2019);
 * Linux Documentation/arch/x86/pti.rst; KAISER v3 cover letter; Kernel Mode Linux (Linux
 * Journal article 6516, Table 2); uops.info and Agner Fog's tables for Skylake; LLVM's
 * X86SchedSkylakeClient.td; the PrivBox artifact (github.com/privbox/linux
 * arch/x86/kernel/piot_gate.S, arch/x86/entry/common.c, entry_64.S; privbox/devenv scripts/run.sh).
 */
import { type CostKey, type CostProfile } from '../../time/cost.ts';

/** Published anchors (PrivBox artifact mtest, Skylake guest with PTI), in rdtsc cycles. */
export const PRIVBOX_USER_ROUND_TRIP = 953;
export const PRIVBOX_GATE_ROUND_TRIP = 436;

/**
 * Published application anchors (PrivBox, USENIX ATC 2022, §6: Redis under `redis-benchmark -t
 * ping,get,set,incr -c 50`, server `--save "" --appendonly no`): the throughput gain of the boxed
 * event loop, in percent, with SFI and with SPAP. The redis_box bench prints them beside the
 * gain the model charges; they are never an input to any figure it computes.
 */
export const PRIVBOX_REDIS_GAIN_SFI = 7.6;
export const PRIVBOX_REDIS_GAIN_SPAP = 11;

/**
 * Constants that come from a citation or an estimate. The two residuals (`mds_clear`,
 * `cr3_write`) are derived from the anchors below.
 */
const base = {
  user_syscall_stub: 3,
  syscall_insn: 40,
  swapgs: 10,
  entry_regs: 25,
  spectre_entry: 0,
  syscall_dispatch: 20,
  handler_trivial: 12,
  tcp_sendmsg: 4330,
  tcp_recvmsg: 1090,
  ep_poll: 780,
  ep_item_poll: 130,
  exit_work: 30,
  exit_regs: 15,
  sysret_insn: 30,
  gate_call: 5,
  gate_stack_switch: 5,
  uaccess_setup: 40,
  copy_byte: 1 / 16,
  page_fault: 970,
  tlb_miss: 30,
  context_switch: 4200,
  pac_insn: 50,
  rdtsc: 25,
  sfi_mask: 2,
  sfi_branch: 2,
  spap_check: 0,
  user_op: 3,
  kernel_op: 1,
  cr0_write: 150,
  gate_scrub: 2,
} as const satisfies { readonly [K in Exclude<CostKey, 'mds_clear' | 'cr3_write'>]: number };

/**
 * Gate-path residual. The mtest gate round trip (syscall 1024: past the table, so no handler
 * runs and handler_trivial is not charged) charges: user_syscall_stub, gate_call,
 * gate_stack_switch, entry_regs, syscall_dispatch, exit_work, mds_clear, exit_regs.
 * Everything but mds_clear is cited or estimated, so mds_clear takes the rest.
 */
const mds_clear =
  PRIVBOX_GATE_ROUND_TRIP -
  (base.user_syscall_stub +
    base.gate_call +
    base.gate_stack_switch +
    base.entry_regs +
    base.syscall_dispatch +
    base.exit_work +
    base.exit_regs);

/**
 * User-path residual. The PTI user round trip of mtest (syscall 1024, no handler) charges:
 * user_syscall_stub, syscall_insn, swapgs, cr3_write, entry_regs, spectre_entry,
 * syscall_dispatch, exit_work, mds_clear, exit_regs, cr3_write, swapgs, sysret_insn. What the
 * other constants leave is split over the two CR3 writes.
 */
const cr3_write =
  (PRIVBOX_USER_ROUND_TRIP -
    (base.user_syscall_stub +
      base.syscall_insn +
      2 * base.swapgs +
      base.entry_regs +
      base.spectre_entry +
      base.syscall_dispatch +
      base.exit_work +
      mds_clear +
      base.exit_regs +
      base.sysret_insn)) /
  2;

const cost: { readonly [K in CostKey]: number } = Object.freeze({ ...base, mds_clear, cr3_write });

const sources: { readonly [K in CostKey]: string } = Object.freeze({
  user_syscall_stub:
    'estimate: load the syscall number and up to six arguments into registers (the artifact mtest ' +
    'is a single `mov $1024,%eax` before `syscall`); 1-cycle MOVs at up to 4/cycle on Skylake ' +
    '(uops.info: MOV r64,imm latency 1) → ~3 cycles including the call-site overhead',
  syscall_insn:
    'cited+estimate: J. Stecklina, "1001 Ways of Implementing a System Call" (x86.lol, 2019-07-04; ' +
    'github.com/blitz/kernel_entry_benchmark) measured ~70 cycles per SYSCALL/SYSRET round trip ' +
    'with an empty kernel handler; the 40/30 entry/exit split is an estimate (entry > exit, as in ' +
    'lastweek.io "x86 Ring Switch Overhead": u2k ~440 vs k2u ~270 cycles)',
  swapgs:
    'estimate: no public Skylake latency for the privileged SWAPGS (uops.info/Agner measure user ' +
    'mode only); the FSGSBASE merge (tglx, x86-fsgsbase-2020-08-04) says "SWAPGS is only ' +
    'marginally slower than WRGSBASE", a few-uop instruction → ~10 cycles; charged twice',
  cr3_write:
    'residual: 953 published total (PrivBox artifact mtest, Skylake guest, PTI) minus the cited ' +
    'and estimated primitives of the user path and the gate-derived mds_clear, halved over the ' +
    'two CR3 writes. Lands inside the cited range: Linux Documentation/arch/x86/pti.rst "on the ' +
    'order of a hundred cycles", KAISER v3 cover letter "a few hundred cycles"; above D. Gruss ' +
    '(isec-tugraz/KAISER issue #3: "<300 cycles" per simple syscall for the CR3 switches), so it ' +
    'likely also absorbs user-mode-only entry/exit work (PTI trampoline stack, ' +
    'syscall_return_slowpath, CLI/STI) that the key list has no slot for',
  entry_regs:
    'estimate from cited throughput: entry_SYSCALL_64 / kern_piot_gate push 6 frame words + 15 ' +
    'GPRs (pt_regs) and load the per-CPU stack top; Skylake retires one store per cycle (one ' +
    'store-data port, Agner Fog microarchitecture guide, Skylake) → ~21 cycles + setup ≈ 25',
  spectre_entry:
    'cited (as 0): the anchor kernel (github.com/privbox/linux, ~5.8 entry_64.S) does no IBRS or ' +
    'RSB work in entry_SYSCALL_64 — Spectre-v2 is handled by retpolines, charged in ' +
    'syscall_dispatch — and QEMU "Skylake-Client" exposes no SPEC_CTRL (that is the ' +
    '"-IBRS" model variant). A post-retbleed kernel (5.19+) would add IBRS on entry: not modeled',
  syscall_dispatch:
    'estimate from cited latencies: nr bounds check + array_index_nospec (cmp/sbb/and, 1-cycle ' +
    'ops per uops.info) ≈ 3, plus a retpolined indirect call through sys_call_table, which ' +
    'forces one return misprediction (LLVM X86SchedSkylakeClient.td: MispredictPenalty = 14) ' +
    'plus call/ret ≈ 3 → 20. Note: syscall 1024 (the anchor) fails the bounds check and skips the call',
  handler_trivial:
    'cited: Kernel Mode Linux (T. Maeda, Linux Journal article 6516, Table 2): getpid costs 12 ' +
    'cycles when called as a kernel-mode function (older Pentium-4-class CPU). For the anchor\'s ' +
    'syscall 1024 no handler runs: pt_regs->ax is preset to -ENOSYS',
  exit_work:
    'estimate: the fast-path flag tests of syscall_return_slowpath / do_kerncall_64 (privbox/linux ' +
    'arch/x86/entry/common.c): ~3 READ_ONCE(ti->flags) loads, a few compare-and-branch pairs, ' +
    'a get_cs() check, a call/ret; ~10-15 simple ops at Skylake\'s 4-wide issue with L1 hits ' +
    '(4-5 cycle load latency) → ~30',
  mds_clear:
    'residual: 436 published gate total (PrivBox artifact mtest) minus the other constants the ' +
    'gate path charges. Assigned to VERW because kern_piot_gate + do_kerncall_64 contain no other ' +
    'heavy instruction (no CR3 write, no SWAPGS, no Spectre work; mds_user_clear_cpu_buffers() is ' +
    'the one microcode-assisted flush). Also absorbs the rdtsc timing harness (Agner Fog, Skylake: ' +
    'RDTSC reciprocal throughput ~25) and pipeline effects. No public Skylake VERW latency found',
  exit_regs:
    'estimate from cited throughput: POP_REGS restores 15 GPRs (2 loads/cycle on Skylake, Agner ' +
    'Fog microarchitecture guide) plus the SYSRET-eligibility checks or the gate\'s `movq %rcx,%rsp` → ~15',
  sysret_insn:
    'cited+estimate: the exit share (30) of the ~70-cycle SYSCALL/SYSRET round trip measured by ' +
    'J. Stecklina, x86.lol 2019 (split is an estimate)',
  gate_call:
    'estimate: `call *kerncall_gate` (memory-indirect near call) and the final `retq`, both ' +
    'predicted (same target every time; return via the RSB); near CALL/RET cost a few cycles each ' +
    'on Skylake (Agner Fog instruction tables) → 5 for the pair. Source: privbox/devenv ' +
    'tools/microtester/src/main.c (_fastcall0v), privbox/linux arch/x86/kernel/piot_gate.S',
  gate_stack_switch:
    'estimate: kern_piot_gate does `movq %rsp,%rcx; movq PER_CPU_VAR(cpu_current_top_of_stack),%rsp` ' +
    'and later `movq %rcx,%rsp`: two register moves and one %gs-relative L1 load (4-6 cycles, ' +
    'Skylake-X L1 load latency per the Intel SDM as quoted in Oracle\'s "Syscall latency" blog, 2023) → 5',
  uaccess_setup:
    'estimate: access_ok range check (~2) + the start-up cost of a rep-string copy ' +
    '(copy_user_enhanced_fast_string): ~35-40 cycles (a 40-cycle start-up for REP MOVS is the ' +
    'figure Intel gives for Nehalem, quoted in "What setup does REP do?", newbe.dev/Stack Overflow); ' +
    'STAC/CLAC cost nothing in the anchor guest, which boots with nosmap nosmep (privbox/devenv scripts/run.sh)',
  copy_byte:
    'estimate: ERMSB rep movsb on cache-resident buffers moves ~16-32 B/cycle (one 32-byte store ' +
    'per cycle at best); syscall buffers are typically L2/LLC-resident → 16 B/cycle = 1/16 cycle/byte. ' +
    'DRAM-bound copies are far slower: rep movsb ~15 GB/s read+write on an i7-6700HQ Skylake ' +
    '(Stack Overflow q. 43343231), i.e. ~2-3 B/cycle',
  page_fault:
    'cited: lastweek.io "x86 Ring Switch Overhead (Page Fault version)" (2019-2020): trapping ' +
    'user→kernel ~600 and kernel→user ~370 cycles in a VM on a Xeon E5 v3 2.4 GHz (bare metal ' +
    '~440 + ~270); the VM figure fits the anchor\'s KVM guest. Entry and exit only, no fault handling',
  tlb_miss:
    'estimate: a 4-level walk whose upper levels hit the paging-structure caches needs one PTE ' +
    'load from L1/L2 (4-6 / 14 cycles on Skylake-X, Intel SDM figures quoted in Oracle\'s "Syscall ' +
    'latency" blog) plus walker overhead → ~20-40, take 30; a walk missing to DRAM costs hundreds',
  context_switch:
    'cited: E. Bendersky, "Measuring context switching and memory overheads for Linux threads" ' +
    '(2018): 1.2-1.5 µs per switch, threads pinned to one core (pipe/futex ping-pong, Haswell ' +
    'i7-4771, 3.5 GHz) → 4200-5250 cycles; take the lower end, 4200 (includes the syscalls of the ping-pong)',
  rdtsc:
    'cited: A. Fog, "Instruction tables" (2022), Skylake: RDTSC 20 µops, reciprocal throughput 25 cycles',
  pac_insn:
    'estimate: x86 has no pointer authentication; the software stand-in is a keyed MAC over ' +
    '(pointer, modifier), 16 bytes, e.g. SipHash-class at ~1-2 cycles/byte plus finalization → ~50. ' +
    'Compare arm64 hardware PAC ≈ 4 cycles (seed 003 / Liljestrand et al., USENIX Security 2019)',
  sfi_mask:
    'cited: PrivBox SFI is `lea` + `btr` (bit 50 by default) per boxed access (PrivBox, USENIX ATC ' +
    '2022, as summarized in shared/docs/seeds-digest.md); ' +
    'uops.info Skylake: LEA r64,m (simple) latency 1, BTR r64,imm8 latency 1 → 2 cycles on the ' +
    'address\'s dependency chain',
  sfi_branch:
    'cited+estimate: mask (BTR, 1 cycle) + bundle alignment (AND, 1 cycle; uops.info Skylake) of ' +
    'the indirect target → 2. Not included: returns become pop;mask;jmp, which loses the ' +
    'return-stack-buffer prediction (a mispredict is ~14 cycles, LLVM X86SchedSkylakeClient.td)',
  spap_check:
    'cited: PrivBox (Kuznetsov & Morrison, USENIX ATC 2022) proposes SPAP as a page-table ' +
    'permission check like SMAP, argued to be near-zero cost; modeled as 0',
  tcp_sendmsg:
    'calibrated: tools/bench/net_cost.ts serves 64-byte requests over loopback TCP (TCP_NODELAY) ' +
    'on the host\'s Linux 6.18 (a KVM guest with PTI and retpolines, like the anchor guest; AMD EPYC ' +
    'at 2.1 GHz, whose IPC is close to Skylake\'s as for user_op) and times each call minus getpid ' +
    'timed alike: median of 7 runs of 2×20,000 (2026-12-02, load 0.4): ' +
    '2064 ns (1933-3197) = 4330 cycles: tcp_sendmsg, the loopback transmit and the peer\'s receive ' +
    '(tcp_v4_rcv runs in the sender\'s softirq on loopback); the 64-byte copy is inside it (4 cycles)',
  tcp_recvmsg:
    'calibrated: tools/bench/net_cost.ts serves 64-byte requests over loopback TCP (TCP_NODELAY) ' +
    'on the host\'s Linux 6.18 (a KVM guest with PTI and retpolines, like the anchor guest; AMD EPYC ' +
    'at 2.1 GHz, whose IPC is close to Skylake\'s as for user_op) and times each call minus getpid ' +
    'timed alike: median of 7 runs of 2×20,000 (2026-12-02, load 0.4): ' +
    '520 ns (399-721) = 1090 cycles: tcp_recvmsg returning queued data (ACKs ride on the replies)',
  ep_poll:
    'calibrated: tools/bench/net_cost.ts serves 64-byte requests over loopback TCP (TCP_NODELAY) ' +
    'on the host\'s Linux 6.18 (a KVM guest with PTI and retpolines, like the anchor guest; AMD EPYC ' +
    'at 2.1 GHz, whose IPC is close to Skylake\'s as for user_op) and times each call minus getpid ' +
    'timed alike: median of 7 runs of 2×20,000 (2026-12-02, load 0.4): ' +
    '372 ns (276-465) = 780 cycles: epoll_wait\'s fixed part (ep_poll, ep_send_events), from ' +
    'one ready item less one item\'s re-poll',
  ep_item_poll:
    'calibrated: tools/bench/net_cost.ts serves 64-byte requests over loopback TCP (TCP_NODELAY) ' +
    'on the host\'s Linux 6.18 (a KVM guest with PTI and retpolines, like the anchor guest; AMD EPYC ' +
    'at 2.1 GHz, whose IPC is close to Skylake\'s as for user_op) and times each call minus getpid ' +
    'timed alike: median of 7 runs of 2×20,000 (2026-12-02, load 0.4): ' +
    '63.5 ns (57-85) = 130 cycles per ready-list item re-polled (tcp_poll + the event copy), from ' +
    '(16 items − 1 item) / 15',
  user_op:
    'calibrated: one counted op is a function entry or a loop iteration of user code (the ' +
    'linker\'s user-op pass, tools/link/instrument.ts). tools/bench/user_op.ts times five known ' +
    'loops (integer sum, byte buffer sum, text scan, calls, djb hash) uninstrumented on the host ' +
    'and counts their ops instrumented: median 1.3-1.4 ns per op on a 2.1 GHz AMD EPYC (Zen, ' +
    'IPC close to Skylake\'s) = 2.8-2.9 host cycles per op (2026-12-02) → 3',
  kernel_op:
    'estimate: one simple ALU/load op of kernel C code (a table lookup, a compare, a field load); ' +
    'same reasoning as user_op: IPC ~1 on Skylake for branchy integer code → 1 cycle',
  cr0_write:
    'estimate: MOV to CR0 is a serializing instruction (Intel SDM vol. 3A §9.3 / vol. 2B MOV—Move ' +
    'to/from Control Registers); no public Skylake latency (uops.info measures user mode only). ' +
    'Serializing instructions such as CPUID cost ~100-200 cycles on Skylake (Agner Fog) → 150',
  gate_scrub:
    'estimate: not in the artifact (its gate clears nothing); privos zeroes the 8 caller-saved ' +
    'registers with `xor r,r` zero idioms, which Skylake eliminates at rename at 4 per cycle ' +
    '(Agner Fog, microarchitecture guide §11.10) → 2 cycles',
});

/**
 * Core/TSC clock. rdtsc counts at the invariant (nominal) TSC rate, so the anchors are in TSC
 * ticks. The PrivBox paper's exact CPU was not found in the sources reachable here.
 */
const SKYLAKE_HZ = 2.6e9;
const HZ_SOURCE =
  'estimate: the artifact VM runs -smp 14 under KVM (privbox/devenv scripts/run.sh), i.e. a ' +
  'many-core Skylake-SP/X host; those run at nominal 2.1-3.1 GHz; take 2.6 GHz';

/** Where hz comes from (CostProfile has no slot for it). */
export const skylake_hz_source = HZ_SOURCE;

export const skylake_pti: CostProfile = Object.freeze({
  name: 'skylake-pti',
  arch: 'x86_64',
  hz: SKYLAKE_HZ,
  pti: true,
  cost,
  sources,
});

export const skylake_nopti: CostProfile = Object.freeze({
  name: 'skylake-nopti',
  arch: 'x86_64',
  hz: SKYLAKE_HZ,
  pti: false,
  cost,
  sources,
});
