/**
 * include/linux/compiler_types.h's `__user`: an address in the calling task's half of memory,
 * as a syscall argument carries it. Kernel code reaches what it points at only through uaccess
 * (kernel/mm/uaccess.ts), whose functions take a UserPtr; the brand keeps a plain number — a
 * kernel-half address, a length, an fd — from being passed where one is expected. The syscall
 * decoder (kernel/syscalls/decode.ts) is what makes one from a register: every handler parameter
 * declared a pointer in its SyscallDef is typed UserPtr. The brand is a type only: no run-time
 * cost, the value is the number.
 *
 * Where kernel code legitimately computes a user address, it says so with one of the two
 * helpers below (sparse's `(void __user *)` cast), so that every conversion can be found with
 * `grep -n 'as_user_ptr\|user_ptr_add'`.
 */
declare const user_brand: unique symbol;
export type UserPtr = number & { readonly [user_brand]: true };

/**
 * `(void __user *)addr`: a user address the kernel did not get from a pointer argument — one it
 * read from user memory (an iovec's base, a char *argv[] entry, a cmsg), a user stack or signal
 * frame address it computed, a mapping's start. The caller vouches that addr is meant as a user
 * address; uaccess still checks it (access_ok, the page tables).
 */
export function as_user_ptr(addr: number): UserPtr {
  return addr as UserPtr;
}

/** `p + n` on a `T __user *`: a field or element n bytes into the user object at p. */
export function user_ptr_add(p: UserPtr, n: number): UserPtr {
  return (p + n) as UserPtr;
}

/** The NULL user pointer (an optional argument left out). */
export const USER_NULL = 0 as UserPtr;
