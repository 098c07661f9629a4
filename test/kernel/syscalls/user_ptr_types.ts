/**
 * Type-level test of `__user` (issue 15): this file is part of `tsc -p tsconfig.json` and is never
 * run. Each `@ts-expect-error` line must fail to type-check — if UserPtr stopped rejecting a plain
 * number or a kernel-half address, the directive would be unused and the type check would fail.
 */
import { as_user_ptr, type UserPtr, user_ptr_add, USER_NULL } from '../../../kernel/include/linux/compiler_types.ts';
import { copy_from_user, copy_to_user, get_user_u32, put_user_u64, strncpy_from_user } from '../../../kernel/mm/uaccess.ts';
import { sys_read } from '../../../kernel/fs/read_write.ts';
import { KERNEL_TEXT } from '../../../kernel/mm/vmalloc.ts';
import type { Task } from '../../../kernel/sched/task.ts';

export function user_ptr_type_checks(t: Task, p: UserPtr, n: number): void {
  const b = new Uint8Array(8);
  // @ts-expect-error a plain number is not a user pointer
  copy_from_user(t, b, 0, 0x1000, 8);
  // @ts-expect-error a kernel-half address is not a user pointer
  copy_to_user(t, KERNEL_TEXT, b, 0, 8);
  // @ts-expect-error an unbranded number, however computed
  get_user_u32(t, n + 4);
  // @ts-expect-error arithmetic on a UserPtr gives a number: user_ptr_add keeps the brand
  put_user_u64(t, p + 8, 0);
  // @ts-expect-error a handler's pointer parameter takes a UserPtr only
  void sys_read(t, 3, 0x1000, 8);
  // @ts-expect-error user_ptr_add starts from a user pointer
  void user_ptr_add(0x1000, 8);
  // @ts-expect-error a number literal cannot be declared a UserPtr
  const q: UserPtr = 0x1000;
  void q;
  // What is allowed: the decoded argument, a field of it, an explicit (greppable) cast, NULL.
  copy_from_user(t, b, 0, p, 8);
  get_user_u32(t, user_ptr_add(p, 4));
  void strncpy_from_user(t, as_user_ptr(n), 16);
  void sys_read(t, 3, USER_NULL, 0);
  const k: number = p; // a UserPtr is still a number where a number is wanted
  void k;
}
