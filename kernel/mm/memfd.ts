/**
 * memfd_create(2) and file seals (mm/memfd.c, the seal checks of mm/shmem.c).
 *
 * A memfd is an unlinked tmpfs file on the kernel's internal shm mount, named "memfd:NAME"
 * (so /proc/PID/fd and /proc/PID/maps show "/memfd:NAME (deleted)"). Every tmpfs regular file
 * carries seals (inode.i_seals, shmem_inode_info's seals), starting at F_SEAL_SEAL; only
 * MFD_ALLOW_SEALING (or MFD_NOEXEC_SEAL) clears it so F_ADD_SEALS may add more:
 *   F_SEAL_SHRINK / F_SEAL_GROW   truncation to a smaller / larger size, writes past EOF: EPERM
 *   F_SEAL_WRITE                  write(2) and new writable shared mappings: EPERM; adding it
 *                                 while a shared mapping may write is EBUSY
 *   F_SEAL_FUTURE_WRITE           like F_SEAL_WRITE for what comes after, existing mappings stay
 *   F_SEAL_EXEC                   chmod of the x bits: EPERM (on an executable file it implies
 *                                 the write seals)
 */
import { EBUSY, EFAULT, EINVAL, ENAMETOOLONG, EPERM } from '../include/uapi/errno.ts';
import {
  F_ADD_SEALS, F_GET_SEALS, F_SEAL_EXEC, F_SEAL_FUTURE_WRITE, F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK,
  F_SEAL_WRITE, O_RDWR,
} from '../include/uapi/fcntl.ts';
import { MFD_ALLOW_SEALING, MFD_CLOEXEC, MFD_EXEC, MFD_HUGETLB, MFD_HUGE_MASK, MFD_HUGE_SHIFT, MFD_NOEXEC_SEAL } from '../include/uapi/memfd.ts';
import { MAP_SHARED, MAP_TYPE, MAP_PRIVATE, PROT_WRITE } from '../include/uapi/mman.ts';
import { S_IFREG } from '../include/uapi/stat.ts';
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { alloc_file, install_fd } from '../fs/file_table.ts';
import { Dentry, type File, type Inode, FMODE_WRITE } from '../fs/fs_types.ts';
import { F_WRITE_SEALS, shm_mnt, shmem_file_operations, shmem_get_inode, type TmpfsSuper } from '../fs/tmpfs.ts';
import { strncpy_from_user } from './uaccess.ts';
import { PAGE_SIZE } from './page_alloc.ts';
import type { MmStruct } from './mm_types.ts';
import { StateKey, state_of } from '../include/linux/ext_state.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

export const MFD_NAME_PREFIX = 'memfd:';
/** NAME_MAX minus the prefix. */
export const MFD_NAME_MAX_LEN = 255 - MFD_NAME_PREFIX.length;
const MFD_ALL_FLAGS = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC;
const F_ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC;


/** sanitize_flags(): unknown flags, huge page sizes without MFD_HUGETLB, EXEC with NOEXEC_SEAL. */
function sanitize_flags(flags: number): number {
  const allowed = flags & MFD_HUGETLB ? MFD_ALL_FLAGS | (MFD_HUGE_MASK << MFD_HUGE_SHIFT) : MFD_ALL_FLAGS;
  if (flags & ~allowed) return -EINVAL;
  if (flags & MFD_EXEC && flags & MFD_NOEXEC_SEAL) return -EINVAL;
  // vm.memfd_noexec = 0: a memfd asked for neither is executable.
  return flags & (MFD_EXEC | MFD_NOEXEC_SEAL) ? flags : flags | MFD_EXEC;
}

/** memfd_create(2) */
export function sys_memfd_create(t: Task, uname: UserPtr, flags: number): number {
  flags = sanitize_flags(flags);
  if (flags < 0) return flags;
  if (flags & MFD_HUGETLB) return -EINVAL; // no hugetlbfs here (as a kernel without CONFIG_HUGETLBFS)
  const name = strncpy_from_user(t, uname, MFD_NAME_MAX_LEN);
  if (name === -ENAMETOOLONG) return -EINVAL;
  if (typeof name === 'number') return -EFAULT;
  const root = shm_mnt(t.kernel);
  const inode = shmem_get_inode(root.d_inode!.i_sb, S_IFREG | (flags & MFD_NOEXEC_SEAL ? 0o666 : 0o777), t.cred.fsuid, t.cred.fsgid);
  inode.i_nlink = 0;
  if (flags & MFD_NOEXEC_SEAL) inode.i_seals = F_SEAL_EXEC;
  else if (flags & MFD_ALLOW_SEALING) inode.i_seals &= ~F_SEAL_SEAL;
  const d = new Dentry(MFD_NAME_PREFIX + name, root, inode);
  d.d_unhashed = true;
  return install_fd(t, alloc_file(inode, d, O_RDWR | t.kernel.arch.uapi.O_LARGEFILE, inode.i_fop), (flags & MFD_CLOEXEC) !== 0);
}

/** memfd_file_seals_ptr(): only tmpfs regular files carry seals. */
function has_seals(f: File): boolean {
  return f.f_op === shmem_file_operations;
}

/** Does a shared mapping that may write exist anywhere (mapping_writably_mapped)? */
function writably_mapped(k: Kernel, inode: Inode): boolean {
  const seen = new Set<MmStruct>();
  for (const x of k.tasks.values()) {
    const mm = x.mm;
    if (!mm || seen.has(mm)) continue;
    seen.add(mm);
    for (const v of mm.vmas) {
      if (v.file && v.flags & MAP_SHARED && v.file.may_write && v.file.dev === inode.i_sb.s_dev && v.file.ino === inode.i_ino) return true;
    }
  }
  return false;
}

/** memfd_add_seals() */
function memfd_add_seals(t: Task, f: File, seals: number): number {
  if (!(f.f_mode & FMODE_WRITE)) return -EPERM;
  if (seals & ~F_ALL_SEALS) return -EINVAL;
  if (!has_seals(f)) return -EINVAL;
  const inode = f.f_inode;
  if (inode.i_seals & F_SEAL_SEAL) return -EPERM;
  if (seals & F_SEAL_WRITE && !(inode.i_seals & F_SEAL_WRITE) && writably_mapped(t.kernel, inode)) return -EBUSY;
  // F_SEAL_EXEC on an executable file makes it W^X from the start.
  if (seals & F_SEAL_EXEC && inode.i_mode & 0o111) seals |= F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;
  inode.i_seals |= seals;
  return 0;
}

/** memfd_fcntl(): F_ADD_SEALS and F_GET_SEALS. */
export function memfd_fcntl(t: Task, f: File, cmd: number, arg: number): number {
  if (cmd === F_ADD_SEALS) return memfd_add_seals(t, f, arg >>> 0);
  if (cmd === F_GET_SEALS) return has_seals(f) ? f.f_inode.i_seals : -EINVAL;
  return -EINVAL;
}


/** shmem_setattr()'s seal check of a size change. */
export function shmem_seal_setsize(inode: Inode, size: number): number {
  const seals = inode.i_seals;
  if ((size < inode.i_size && seals & F_SEAL_SHRINK) || (size > inode.i_size && seals & F_SEAL_GROW)) return -EPERM;
  return 0;
}

/** shmem_setattr()'s seal check of a mode change: F_SEAL_EXEC freezes the x bits. */
export function shmem_seal_chmod(inode: Inode, mode: number): number {
  return inode.i_seals & F_SEAL_EXEC && (inode.i_mode ^ mode) & 0o111 ? -EPERM : 0;
}

/** memfd_check_seals_mmap(): a write-sealed file gets no writable shared mapping. */
export function memfd_check_seals_mmap(f: File, prot: number, flags: number): number {
  if (!(f.f_inode.i_seals & F_WRITE_SEALS) || (flags & MAP_TYPE) === MAP_PRIVATE) return 0;
  return prot & PROT_WRITE ? -EPERM : 0;
}

/** A shared mapping of a write-sealed file loses VM_MAYWRITE (mprotect cannot add PROT_WRITE). */
export function memfd_deny_maywrite(f: File, flags: number): boolean {
  return (f.f_inode.i_seals & F_WRITE_SEALS) !== 0 && (flags & MAP_TYPE) !== MAP_PRIVATE;
}

export const memfd_syscalls: readonly SyscallDef[] = [
  { name: 'memfd_create', fn: sys_memfd_create, args: ['ptr', 'unsigned int hex'], support: 'partial', note: 'MFD_HUGETLB is EINVAL (no hugetlbfs)' },
];
