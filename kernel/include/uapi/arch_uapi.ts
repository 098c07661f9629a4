/**
 * The user-visible ABI that differs per architecture (Linux: arch/$ARCH/include/uapi/asm and the
 * generated asm/unistd*.h): syscall numbers and the fcntl flag values that are not generic. The
 * kernel's arch descriptors and the C library both read them from here, so libc needs nothing of
 * the kernel but these headers.
 */
import { x86_uapi } from './asm-x86/fcntl.ts';
import { arm64_uapi } from './asm-arm64/fcntl.ts';
import { SYSCALL_NAMES as X86_NAMES } from './asm-x86/unistd_64.ts';
import { SYSCALL_NAMES as ARM64_NAMES } from './asm-arm64/unistd.ts';

export type ArchName = 'x86_64' | 'arm64';

export interface ArchUapi {
  readonly O_DIRECTORY: number;
  readonly O_NOFOLLOW: number;
  readonly O_DIRECT: number;
  readonly O_LARGEFILE: number;
}

/** index = syscall number, value = name; null is a hole in the table. */
export const SYSCALL_NAMES: Readonly<Record<ArchName, readonly (string | null)[]>> = { x86_64: X86_NAMES, arm64: ARM64_NAMES };
export const ARCH_UAPI: Readonly<Record<ArchName, ArchUapi>> = { x86_64: x86_uapi, arm64: arm64_uapi };
