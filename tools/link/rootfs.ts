/**
 * The build side of the root image: each "programs" entry of kernel/init/rootfs.json becomes a
 * linked program image, or (a .ko path) a module image with its .modinfo.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { link_program, REPO_ROOT } from './link.ts';
import { modpost } from './modpost.ts';

/** A module's URL: as given if it is one, else a repository path. */
export function module_url(src: string): string {
  return /^[a-z]+:/.test(src) ? src : pathToFileURL(resolve(REPO_ROOT, src)).href;
}

export function build_rootfs_entry(guest: string, src: string): string {
  return guest.endsWith('.ko') ? modpost(module_url(src)) : link_program(src);
}
