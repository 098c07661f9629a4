/** Shared VFS constants (include/linux/fs.h). */

/** Inode state bit: data changed since the last write-back (hostfs flushes it). */
export const I_DIRTY = 1;
