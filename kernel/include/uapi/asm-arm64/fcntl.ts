// arch/arm64/include/uapi/asm/fcntl.h overrides these four.
import type { ArchUapi } from '../arch_uapi.ts';
export const arm64_uapi: ArchUapi = {
  O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000, O_DIRECT: 0o200000, O_LARGEFILE: 0o400000,
};
