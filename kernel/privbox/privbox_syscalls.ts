/** The syscall definitions of this subsystem (collected by kernel/syscalls/registry.ts). */
import type { SyscallDef } from '../syscalls/syscall_def.ts';

export const privbox_syscalls: SyscallDef[] = [];
