/**
 * Where a signal frame's parts lie on each architecture (struct rt_sigframe): x86_64's
 * arch/x86/include/asm/sigframe.h (return address, ucontext, siginfo, then the FPU state) and
 * arm64's arch/arm64/kernel/signal.c (siginfo, ucontext with its 4 KiB __reserved, then a frame
 * record). Offsets are from the frame's start; uc_stack (stack_t) and uc_sigmask are the
 * fields sigreturn reads back.
 */
export interface SigframeLayout {
  /** Bytes of the whole frame, including the state stored after it (x86's FPU area). */
  readonly size: number;
  /** Bytes below the interrupted stack pointer the frame must not touch (x86-64's red zone). */
  readonly redzone: number;
  /** The frame's start is congruent to this modulo 16 (x86: a call's pushed return address). */
  readonly align_bias: number;
  /** Offset of the return address (x86 pretcode), or -1 (arm64 returns through x30). */
  readonly pretcode: number;
  readonly info: number;
  readonly uc: number;
  /** Offsets within struct ucontext. */
  readonly uc_flags_value: number;
  readonly uc_stack: number;
  readonly uc_sigmask: number;
  /** The interrupted stack pointer within uc_mcontext (sigcontext's rsp / sp). */
  readonly mc_sp: number;
}

/** x86_64: pretcode (8), ucontext (304: flags, link, stack, sigcontext 256, sigmask), siginfo (128), xstate. */
export const X86_64_SIGFRAME: SigframeLayout = {
  size: 8 + 304 + 128 + 1024, redzone: 128, align_bias: 8, pretcode: 0, info: 8 + 304, uc: 8,
  uc_flags_value: 0x6 /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS */, uc_stack: 16, uc_sigmask: 296, mc_sp: 40 + 15 * 8,
};

/** arm64: siginfo (128), ucontext (flags, link, stack, sigmask padded to 128 bytes, sigcontext at 176 with 4 KiB __reserved), frame record. */
export const ARM64_SIGFRAME: SigframeLayout = {
  size: 128 + 4560 + 16, redzone: 0, align_bias: 0, pretcode: -1, info: 0, uc: 128,
  uc_flags_value: 0, uc_stack: 16, uc_sigmask: 40, mc_sp: 176 + 8 + 31 * 8,
};
