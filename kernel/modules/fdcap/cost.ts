/**
 * What fdcap's own kernel work costs, in `kernel_op`s (kernel/time/cost.ts: one simple op of
 * kernel C code). The cost model has no primitive for a hash lookup or a bounds check, so each
 * step is counted as the arm64 instructions a compiler emits for the equivalent C (one op = one
 * ALU op, load, store, or fused compare-and-branch), and charged as that many kernel_ops. The
 * PA instructions themselves are charged separately (`pac_insn`), as are user copies.
 * docs/fdcap.md ("How the hook's work is counted") lists the same breakdown.
 */

/**
 * The hook's frame and the extra indirect call: prologue (stp x29,x30; mov x29,sp; stp x19,x20),
 * loading the saved original's address (ldr), the call through it (blr), epilogue (ldp, ldp, ret).
 */
export const OPS_HOOK_CALL = 8;
/**
 * Per-process state lookup keyed by current->files: mrs sp_el0 (current), ldr ->files,
 * hash_ptr (mul, lsr), ldr bucket, ldr key, cmp+b.ne, ldr value, cbz = 9.
 */
export const OPS_STATE_LOOKUP = 9;
/**
 * Examining one fd argument: tbnz (negative: AT_FDCWD/-1), and (fd mask), ldr nr + cmp+b
 * (bounds), ldr owner array + ldr owner[fd], cbz (not protected) = 7.
 */
export const OPS_FD_ARG = 7;
/**
 * A protected fd: does it still name the file it was protected with? files_lookup_fd_raw
 * (ldr fdt, ldr max_fds, cmp+b, ldr fd array, ldr fd[fd]) + ldr file array, ldr file[fd],
 * cmp+b = 8.
 */
export const OPS_FD_OWNED = 8;
/**
 * Token decode around the AUTDA: ldr p->current + cbz, ubfx (the 7-bit code), orr (fd | code
 * << 48), ldr ctx->modifier, and after the AUT the cmp+b on its result = 6.
 */
export const OPS_TOKEN_DECODE = 6;
/** Ownership check and hand-over: cmp+b (owner == ctx), nr_verified++ (ldr, add, str), str the plain fd = 5. */
export const OPS_OWNER_CHECK = 5;
/** After the original returns: does this call create fds (the generic hook tests its spec) = 1. */
export const OPS_RET_DISPATCH = 1;
/** mmap: tst MAP_ANONYMOUS + b = 1; fcntl: two cmp+b against F_DUPFD / F_DUPFD_CLOEXEC = 2. */
export const OPS_MMAP_FLAGS = 1, OPS_FCNTL_CMD = 2;
/**
 * Remembering an fd's owner (protect): ldr nr + cmp+b, ldr owner array + str, ldr file array +
 * str = 6; with the owned file looked up first (files_lookup_fd_raw, 5) = 11.
 */
export const OPS_FORGET = 6, OPS_PROTECT = 11;
/**
 * A new fd from the original: tbnz (error), ldr p->current + cbz, cmp+b (fits the 24-bit
 * field) = 4; signing it: ldr ctx->modifier, then after the PACDA ubfx (code), orr (token),
 * nr_signed++ (ldr, add, str) = 6.
 */
export const OPS_CREATED = 4, OPS_SIGN = 6;
/**
 * One cmsghdr of a sendmsg/recvmsg control buffer: ldr cmsg_len, ldr cmsg_level, ldr cmsg_type,
 * two cmp+b on the length, cmp+b level, cmp+b type, CMSG_ALIGN (add, and), the advance and the
 * loop test = 10 (the user loads are charged by get_user itself).
 */
export const OPS_CMSG = 10;
/**
 * /dev/fdcap's unlocked_ioctl: the cmd dispatch (cmp+b chain / jump table, 2) + the state
 * lookup (9) = 11. enter adds the context lookup by id (ldr mask, and, ldr bucket, ldr id,
 * cmp+b, ldr ctx = 6), the site compare after AUTIA (cmp+b, 1) and the store of p->current (1).
 * exit stores p->current (1).
 */
export const OPS_IOCTL = 11, OPS_ENTER = 8, OPS_EXIT = 1;
