// include/uapi/asm-generic/fcntl.h: the values shared by x86_64 and arm64. The ones that
// differ (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE) are in kernel/arch/*/uapi.ts.
export const O_ACCMODE = 0o3, O_RDONLY = 0o0, O_WRONLY = 0o1, O_RDWR = 0o2;
export const O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000;
export const O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DSYNC = 0o10000, FASYNC = 0o20000;
export const O_NOATIME = 0o1000000, O_CLOEXEC = 0o2000000, O_SYNC = 0o4010000;
export const O_PATH = 0o10000000, O_TMPFILE_BASE = 0o20000000;
export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;
export const AT_EACCESS = 0x200;
export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4;
export const F_SETLK = 6, F_SETLKW = 7, F_GETLK = 5, F_SETOWN = 8, F_GETOWN = 9;
export const F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
export const FD_CLOEXEC = 1;
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
// Record locks (asm-generic/fcntl.h): struct flock's l_type and the OFD commands.
export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
export const F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
// flock(2) operations (asm-generic/fcntl.h).
export const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;
// File seals (include/uapi/linux/fcntl.h).
export const F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
export const F_SEAL_SEAL = 0x1, F_SEAL_SHRINK = 0x2, F_SEAL_GROW = 0x4, F_SEAL_WRITE = 0x8;
export const F_SEAL_FUTURE_WRITE = 0x10, F_SEAL_EXEC = 0x20;

/** fallocate(2) modes (include/uapi/linux/falloc.h). */
export const FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02, FALLOC_FL_NO_HIDE_STALE = 0x04;
export const FALLOC_FL_COLLAPSE_RANGE = 0x08, FALLOC_FL_ZERO_RANGE = 0x10, FALLOC_FL_INSERT_RANGE = 0x20;
export const FALLOC_FL_UNSHARE_RANGE = 0x40, FALLOC_FL_WRITE_ZEROES = 0x80;
/** posix_fadvise(2) advice (include/uapi/linux/fadvise.h, x86-64 and arm64 values). */
export const POSIX_FADV_NORMAL = 0, POSIX_FADV_RANDOM = 1, POSIX_FADV_SEQUENTIAL = 2;
export const POSIX_FADV_WILLNEED = 3, POSIX_FADV_DONTNEED = 4, POSIX_FADV_NOREUSE = 5;
/** sync_file_range(2) flags. */
export const SYNC_FILE_RANGE_WAIT_BEFORE = 1, SYNC_FILE_RANGE_WRITE = 2, SYNC_FILE_RANGE_WAIT_AFTER = 4;
