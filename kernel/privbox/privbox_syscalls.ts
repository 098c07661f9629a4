/**
 * The syscall definitions of this subsystem (collected by kernel/syscalls/registry.ts). PrivBox
 * adds no syscall: its interface is the ioctls of /sys/kernel/debug/piot (kernel/privbox/piot.ts).
 */
import type { SyscallDef } from '../syscalls/syscall_def.ts';

export const privbox_syscalls: readonly SyscallDef[] = [];
