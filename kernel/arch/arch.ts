/**
 * What differs between the two emulated architectures, gathered in one descriptor so that the
 * rest of the kernel is arch-neutral (Linux: arch/$ARCH/include/asm).
 */
import type { PteFormat } from '../mm/pgtable.ts';
import type { SigframeLayout } from './sigframe_layout.ts';

import type { ArchName, ArchUapi } from '../include/uapi/arch_uapi.ts';

export type { ArchName, ArchUapi };

export interface Arch {
  readonly name: ArchName;
  /** index = syscall number, value = name; null is a hole in the table. */
  readonly syscall_names: readonly (string | null)[];
  /** Prefix of syscall entry symbols: `__x64_sys_read`, `__arm64_sys_read`. */
  readonly sym_prefix: string;
  readonly uapi: ArchUapi;
  readonly pte: PteFormat;
  /**
   * clone(2) argument order: x86_64 is (flags, stack, parent_tid, child_tid, tls);
   * arm64 (CONFIG_CLONE_BACKWARDS) is (flags, stack, parent_tid, tls, child_tid).
   */
  readonly clone_backwards: boolean;
  /** The signal frame's layout (arch/$ARCH/kernel/signal.c) and sigaltstack's MINSIGSTKSZ. */
  readonly sigframe: SigframeLayout;
  readonly minsigstksz: number;
}
