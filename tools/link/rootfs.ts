/**
 * The build side of the root image: each "programs" entry of kernel/init/rootfs.json becomes a
 * linked program image, or (a .ko path) a module image with its .modinfo.
 */
import { code_url } from '../../kernel/init/paths.ts';
import { link_program } from './link.ts';
import { modpost } from './modpost.ts';

/**
 * A module's URL: as given if it is one, else a repository path of the running code (compiled,
 * kernel/modules/fdcap/fdcap.ts is dist/kernel/modules/fdcap/fdcap.js).
 */
export function module_url(src: string): string {
  return /^[a-z]+:/.test(src) ? src : code_url(src);
}

export function build_rootfs_entry(guest: string, src: string): string {
  return guest.endsWith('.ko') ? modpost(module_url(src)) : link_program(src);
}
