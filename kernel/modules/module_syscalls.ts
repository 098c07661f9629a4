/**
 * The module syscalls (kernel/module/main.c: init_module, finit_module, delete_module) and
 * prctl(2) (kernel/sys.c), which this subsystem owns for PR_PAC_RESET_KEYS.
 *
 * A module image in the emulated file system (conventionally /lib/modules/NAME.ko) is a text
 * file whose first line is `#!privos-module <URL of the module's ES module>` — the same header
 * as executables; init_module(2) takes the same bytes from a user buffer.
 */
import { PR_PAC_RESET_KEYS, ptrauth_prctl_reset_keys } from '../arch/arm64/pointer_auth.ts';
import { module_image_url } from '../include/uapi/module_image.ts';
import { FMODE_READ, type SysRet } from '../fs/fs_types.ts';
import { shmem_node } from '../fs/tmpfs.ts';
import { EBADF, EFAULT, EINVAL, ENOEXEC, EPERM } from '../include/uapi/errno.ts';
import { S_ISREG } from '../include/uapi/stat.ts';
import { copy_from_user, copy_to_user, strncpy_from_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { MODULE_NAME_LEN, load_module, unload_module } from './main.ts';
import { as_user_ptr, type UserPtr } from '../include/linux/compiler_types.ts';

/** include/uapi/linux/module.h */
export const MODULE_INIT_IGNORE_MODVERSIONS = 1, MODULE_INIT_IGNORE_VERMAGIC = 2, MODULE_INIT_COMPRESSED_FILE = 4;
/** Longest module argument string read from user memory. */
const MAX_ARGS_LEN = 1 << 16;
/** The image header is one line; more than this cannot be one. */
const MAX_IMAGE_LEN = 1 << 16;

/** may_init_module(): CAP_SYS_MODULE (euid 0 here). */
function may_init_module(t: Task): number { return t.cred.euid === 0 ? 0 : -EPERM; }

/** The module URL named by an image's header, or -ENOEXEC. */
export function image_url(text: string): string | number {
  return module_image_url(text) ?? -ENOEXEC;
}

function user_args(t: Task, uargs: UserPtr): string | number {
  return strncpy_from_user(t, uargs, MAX_ARGS_LEN);
}

/** init_module(2): the image from user memory. */
export function sys_init_module(t: Task, umod: UserPtr, len: number, uargs: UserPtr): SysRet {
  const err = may_init_module(t);
  if (err) return err;
  if (len >>> 0 !== len || len > MAX_IMAGE_LEN) return -ENOEXEC;
  const buf = new Uint8Array(len);
  if (copy_from_user(t, buf, 0, umod, len)) return -EFAULT;
  const url = image_url(new TextDecoder().decode(buf));
  if (typeof url === 'number') return url;
  const args = user_args(t, uargs);
  if (typeof args === 'number') return args;
  return load_module(t, url, args);
}

/** finit_module(2): the image from an open file. */
export function sys_finit_module(t: Task, fd: number, uargs: UserPtr, flags: number): SysRet {
  const err = may_init_module(t);
  if (err) return err;
  if (flags & ~(MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC | MODULE_INIT_COMPRESSED_FILE)) return -EINVAL;
  const f = t.files.fcheck(fd);
  if (!f || !(f.f_mode & FMODE_READ)) return -EBADF;
  if (!S_ISREG(f.f_inode.i_mode)) return -EINVAL; // kernel_read_file
  const node = shmem_node(f.f_inode);
  if (!node || typeof node.getString !== 'function') return -ENOEXEC;
  const url = image_url(node.getString());
  if (typeof url === 'number') return url;
  const args = user_args(t, uargs);
  if (typeof args === 'number') return args;
  return load_module(t, url, args);
}

/** delete_module(2) */
export function sys_delete_module(t: Task, uname: UserPtr, _flags: number): SysRet {
  if (t.cred.euid !== 0) return -EPERM;
  const name = strncpy_from_user(t, uname, MODULE_NAME_LEN - 1);
  if (typeof name === 'number') return name === -EFAULT ? -EFAULT : name;
  return unload_module(t, name.slice(0, MODULE_NAME_LEN - 1));
}

/** include/uapi/linux/prctl.h */
export const PR_SET_NAME = 15, PR_GET_NAME = 16;
const TASK_COMM_LEN = 16;

/** prctl(2): PR_SET_NAME, PR_GET_NAME and PR_PAC_RESET_KEYS; other options are EINVAL. */
export function sys_prctl(t: Task, option: number, a2: number, a3: number, a4: number, a5: number): number {
  switch (option) {
    case PR_SET_NAME: {
      const s = strncpy_from_user(t, as_user_ptr(a2), TASK_COMM_LEN - 1); // arg2 is a char * for this option
      if (typeof s === 'number') return -EFAULT;
      t.comm = s;
      return 0;
    }
    case PR_GET_NAME: {
      const b = new Uint8Array(TASK_COMM_LEN);
      b.set(new TextEncoder().encode(t.comm).subarray(0, TASK_COMM_LEN - 1));
      return copy_to_user(t, as_user_ptr(a2), b, 0, TASK_COMM_LEN) ? -EFAULT : 0;
    }
    case PR_PAC_RESET_KEYS:
      if (a3 || a4 || a5) return -EINVAL;
      return ptrauth_prctl_reset_keys(t, a2);
    default:
      return -EINVAL;
  }
}

export const module_syscalls: readonly SyscallDef[] = [
  { name: 'init_module', fn: sys_init_module, args: ['ptr', 'unsigned long', 'path'], support: 'partial', note: 'images are privos module headers (#!privos-module URL), not ELF' },
  { name: 'finit_module', fn: sys_finit_module, args: ['fd', 'path', 'int hex'], support: 'partial', note: 'images are privos module headers (#!privos-module URL), not ELF; tmpfs files only' },
  { name: 'delete_module', fn: sys_delete_module, args: ['path', 'unsigned int oflags'], support: 'partial', note: 'no forced unload (CONFIG_MODULE_FORCE_UNLOAD off), so O_TRUNC is ignored' },
  { name: 'prctl', fn: sys_prctl, args: ['int', 'hex', 'hex', 'hex', 'hex'], support: 'partial', note: 'PR_SET_NAME, PR_GET_NAME, PR_PAC_RESET_KEYS only; other options EINVAL' },
];
