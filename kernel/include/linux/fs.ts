/** Shared VFS constants (include/linux/fs.h). */

/** Inode state bit: data changed since the last write-back (hostfs flushes it). */
export const I_DIRTY = 1;
/** An O_TMPFILE inode (opened without O_EXCL) that linkat may give a name although it has no link. */
export const I_LINKABLE = 2;
/**
 * An inode whose data is not there yet (Linux's I_NEW: being set up); the first lookup or
 * data access fills it (kernel/fs/inode_fill.ts). The root image's programs start this way.
 */
export const I_NEW = 4;
