/**
 * fdcap's user ABI (the header a C program would include): the ioctl commands of /dev/fdcap,
 * their argument structs, and the capability-token layout.
 *
 * Token layout (a 32-bit int, so a token passes wherever an fd does):
 *
 *    bit 31     : 0 — the sign bit stays clear, so a token is never mistaken for -1/-errno
 *    bits 30..24: the 7 PAC bits — bits 54..48 of PACDA(fd, ctx modifier) for a 48-bit VA with
 *                 TBI on (the PAC field of a user data pointer, exactly 7 bits wide)
 *    bits 23..0 : the fd
 *
 * So the largest fd a token can carry is 2^24 - 1 = 16777215. That is above Linux's default
 * fs.nr_open (1048576, the ceiling of RLIMIT_NOFILE), so every fd a process can hold by
 * default fits; a system with fs.nr_open raised past 2^24 would need a wider fd field.
 */
import { _IO, _IOR, _IOW } from './ioctl.ts';

export const FDCAP_FD_BITS = 24;
export const FDCAP_FD_MASK = (1 << FDCAP_FD_BITS) - 1;
export const FDCAP_MAX_FD = FDCAP_FD_MASK;
export const FDCAP_PAC_BITS = 7;
export const FDCAP_PAC_SHIFT = FDCAP_FD_BITS;
export const FDCAP_PAC_MASK = (1 << FDCAP_PAC_BITS) - 1;

/** The fd a token carries. */
export const fdcap_token_fd = (tok: number): number => tok & FDCAP_FD_MASK;
/** The 7-bit code a token carries. */
export const fdcap_token_pac = (tok: number): number => (tok >>> FDCAP_PAC_SHIFT) & FDCAP_PAC_MASK;
/** Builds a token from an fd and a code. */
export const fdcap_make_token = (fd: number, pac: number): number => ((pac & FDCAP_PAC_MASK) << FDCAP_PAC_SHIFT) | (fd & FDCAP_FD_MASK);

/** The ioctl type ("magic") of /dev/fdcap (a privos-local number). */
export const FDCAP_IOC_MAGIC = 0xfc;

/**
 * struct fdcap_init { __u64 enter_site; __u32 flags; __u32 pad; __u64 nonce_addr; }
 * nonce_addr: a __u64 in the caller's memory where the module publishes the nonce the next
 * enter's signed call site must be bound to (0: the module keeps it to itself, and every enter
 * signed without it fails while enter_nonce=1).
 */
export const FDCAP_INIT_SIZE = 24;
/**
 * struct fdcap_enter { __u32 ctx; __u32 pad; __u64 site; }
 * site: the caller's return address, signed PACIA(site, nonce) (arm64); the nonce changes at
 * every enter, so a signature is good for one enter only.
 */
export const FDCAP_ENTER_SIZE = 16;
/** struct fdcap_stats { __u64 signed, verified, failed, contexts, current, revocations; } */
export const FDCAP_STATS_SIZE = 48;

/** init: registers the one legitimate call site of enter, and the failure policy. */
export const FDCAP_IOC_INIT = _IOW(FDCAP_IOC_MAGIC, 0, FDCAP_INIT_SIZE);
/** create: a new context with a random 64-bit modifier; returns its id (> 0). */
export const FDCAP_IOC_CREATE = _IO(FDCAP_IOC_MAGIC, 1);
/** enter: makes a context current; fds created inside come back as tokens. */
export const FDCAP_IOC_ENTER = _IOW(FDCAP_IOC_MAGIC, 2, FDCAP_ENTER_SIZE);
/** exit: no context is current; every token stops authenticating. */
export const FDCAP_IOC_EXIT = _IO(FDCAP_IOC_MAGIC, 3);
/** revoke (arg = ctx id): draws a new modifier; old tokens never authenticate again. */
export const FDCAP_IOC_REVOKE = _IO(FDCAP_IOC_MAGIC, 4);
/** destroy (arg = ctx id): removes the context; its fds stay protected and unusable. */
export const FDCAP_IOC_DESTROY = _IO(FDCAP_IOC_MAGIC, 5);
/** stats: fills struct fdcap_stats for the calling process. */
export const FDCAP_IOC_STATS = _IOR(FDCAP_IOC_MAGIC, 6, FDCAP_STATS_SIZE);

/** fdcap_init flags: the failure policy for this process. */
export const FDCAP_POLICY_EBADF = 0;
export const FDCAP_POLICY_KILL = 1;
