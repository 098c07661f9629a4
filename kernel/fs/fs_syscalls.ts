/**
 * The syscall definitions of this subsystem (collected by kernel/syscalls/registry.ts).
 * read_write, open, stat and ioctl are also listed by the registry directly; repeating them
 * here is harmless (a later definition of the same name wins, and these are the same).
 */
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { d_path_syscalls } from './d_path.ts';
import { fcntl_syscalls } from './fcntl.ts';
import { file_syscalls } from './file.ts';
import { fs_struct_syscalls } from './fs_struct.ts';
import { locks_syscalls } from './locks.ts';
import { signalfd_syscalls } from './signalfd.ts';
import { timerfd_syscalls } from './timerfd.ts';
import { xattr_syscalls } from './xattr.ts';
import { inotify_syscalls } from './notify/inotify/inotify_user.ts';
import { ioctl_syscalls } from './ioctl.ts';
import { namei_syscalls } from './namei_dir.ts';
import { namespace_syscalls } from './namespace.ts';
import { open_syscalls } from './open.ts';
import { pipe_syscalls } from './pipe.ts';
import { splice_syscalls } from './splice.ts';
import { copy_file_range_syscalls } from './copy_file_range.ts';
import { read_write_syscalls } from './read_write.ts';
import { readdir_syscalls } from './readdir.ts';
import { rename_syscalls } from './rename.ts';
import { stat_syscalls } from './stat.ts';
import { sync_syscalls } from './sync.ts';
import { utimes_syscalls } from './utimes.ts';

export const fs_syscalls: readonly SyscallDef[] = [
  ...read_write_syscalls, ...open_syscalls, ...stat_syscalls, ...ioctl_syscalls,
  ...file_syscalls, ...fcntl_syscalls, ...namei_syscalls, ...rename_syscalls, ...readdir_syscalls,
  ...sync_syscalls, ...d_path_syscalls, ...utimes_syscalls, ...fs_struct_syscalls, ...pipe_syscalls, ...splice_syscalls, ...copy_file_range_syscalls,
  ...namespace_syscalls, ...locks_syscalls, ...signalfd_syscalls, ...timerfd_syscalls, ...xattr_syscalls,
  ...inotify_syscalls,
];
