/**
 * Inodes filled on first use. The root image's program and module files are made at boot with
 * their name, mode, owner and times, and I_NEW set (include/linux/fs.ts); their bytes — a
 * linked image, read from the linker's cache or linked then — are written in when the file is
 * first looked up by path (namei's lookup_child: stat, open, exec) or its data is read by the
 * kernel (shmem_node), as Linux's unlock_new_inode ends an inode's setup before anyone sees it.
 * A boot that runs /bin/hello reads one image instead of ~40 (docs/internals.md, startup).
 */
import { I_NEW } from '../include/linux/fs.ts';
import type { Inode } from './fs_types.ts';

/** The filler of each inode still I_NEW (a WeakMap: gone with the inode). */
const fillers = new WeakMap<Inode, (inode: Inode) => void>();

/** Marks inode I_NEW; fill writes its data on first use. */
export function inode_fill_later(inode: Inode, fill: (inode: Inode) => void): void {
  fillers.set(inode, fill);
  inode.i_state |= I_NEW;
}

/** unlock_new_inode(): runs the inode's filler once (the caller tested I_NEW). */
export function unlock_new_inode(inode: Inode): void {
  inode.i_state &= ~I_NEW;
  const fill = fillers.get(inode);
  fillers.delete(inode);
  fill?.(inode);
}
