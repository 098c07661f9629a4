/**
 * include/linux/compiler_types.h's `__user`: an address in the calling task's half of memory,
 * as a syscall argument carries it. Kernel code reaches what it points at only through uaccess
 * (kernel/mm/uaccess.ts); the brand keeps a plain kernel number from being passed where a
 * handler expects a user pointer (the syscall decoder, kernel/syscalls/decode.ts, is what makes
 * one from a register).
 */
declare const user_brand: unique symbol;
export type UserPtr = number & { readonly [user_brand]: true };

/** `(void __user *)v`: the explicit cast, for user addresses the kernel computes (an iovec's base, …). */
export const as_user = (v: number): UserPtr => v as UserPtr;
