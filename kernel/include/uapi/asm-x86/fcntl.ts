// arch/x86: x86_64 uses the asm-generic fcntl values (include/uapi/asm-generic/fcntl.h).
import type { ArchUapi } from '../arch_uapi.ts';
export const x86_uapi: ArchUapi = {
  O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000, O_DIRECT: 0o40000,
  // glibc defines O_LARGEFILE as 0 on 64-bit; the kernel's value is 0o100000 and is ignored.
  O_LARGEFILE: 0o100000,
};
