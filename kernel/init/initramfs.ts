/**
 * Unpacks the root image into the root tmpfs (init/initramfs.c's job): directories, files,
 * device nodes, and the program and module images the build system links (tools/link).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';
import { S_IFDIR, S_IFLNK, S_IFREG } from '../include/uapi/stat.ts';
import { Dentry } from '../fs/fs_types.ts';
import { shmem_get_inode, shmem_set_content } from '../fs/tmpfs.ts';
import { mknod_dev, MKDEV } from '../fs/devfs/char_dev.ts';
import { inode_fill_later } from '../fs/inode_fill.ts';

export interface RootImage {
  dirs: string[];
  files: Record<string, string>;
  /** guest path → module path relative to the repository root (or an absolute URL). */
  programs: Record<string, string>;
  devices: [string, number, number, string][];
  /** guest path → target: symlinks, such as the /dev/fd, /dev/stdin… that udev makes on Linux. */
  symlinks?: Record<string, string>;
}

export { REPO_ROOT };

/** kernel/init/rootfs.json, read from the package's sources (the compiled kernel has no copy). */
export function default_image(): RootImage {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'kernel', 'init', 'rootfs.json'), 'utf8')) as RootImage;
}

/** Finds or creates the directory for an absolute path. */
export function mkdir_p(root: Dentry, path: string, mode = 0o755): Dentry {
  let d = root;
  for (const name of path.split('/').filter(Boolean)) {
    let c = d.d_children.get(name);
    if (!c) {
      c = new Dentry(name, d, shmem_get_inode(d.d_inode!.i_sb, S_IFDIR | mode));
      d.d_children.set(name, c);
      d.d_inode!.i_nlink++;
    }
    d = c;
  }
  return d;
}

/** Creates or replaces a regular file with content. */
export function write_file(root: Dentry, path: string, data: string | Uint8Array, mode = 0o644): Dentry {
  const slash = path.lastIndexOf('/');
  const dir = mkdir_p(root, path.slice(0, slash));
  const name = path.slice(slash + 1);
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFREG | mode);
  shmem_set_content(inode, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  const d = new Dentry(name, dir, inode);
  dir.d_children.set(name, d);
  return d;
}

/** Creates a symlink at path pointing to target (as symlinkat(2) does, without a task). */
function make_symlink(root: Dentry, path: string, target: string): void {
  const slash = path.lastIndexOf('/');
  const dir = mkdir_p(root, path.slice(0, slash));
  const inode = shmem_get_inode(dir.d_inode!.i_sb, S_IFLNK | 0o777);
  shmem_set_content(inode, new TextEncoder().encode(target));
  dir.d_children.set(path.slice(slash + 1), new Dentry(path.slice(slash + 1), dir, inode));
}

/**
 * The build system's side of the root image: the bytes of the file a "programs" entry becomes
 * (a linked program image, or a module image with its .modinfo). Booting without one leaves
 * the programs out, as a kernel booted without an initramfs has none.
 */
export type RootfsBuilder = (guest: string, source: string) => string | Uint8Array;

/** Installs a built program or module image at a guest path (mode 0755). */
export function install_program(root: Dentry, guest: string, image: string | Uint8Array): void {
  write_file(root, guest, image, 0o755);
}

/**
 * Installs a program or module file whose image is built when the file is first used
 * (fs/inode_fill.ts): a boot links or reads from the linker's cache only what it runs. A
 * program that fails to build is an empty file (exec: ENOEXEC), as a truncated one would be.
 */
function install_program_lazy(root: Dentry, guest: string, build: () => string | Uint8Array): void {
  const inode = write_file(root, guest, new Uint8Array(0), 0o755).d_inode!;
  inode_fill_later(inode, (i) => {
    let image: string | Uint8Array;
    try { image = build(); } catch { return; }
    shmem_set_content(i, typeof image === 'string' ? new TextEncoder().encode(image) : image);
  });
}

export function unpack_rootfs(root: Dentry, img: RootImage, build: RootfsBuilder | null): void {
  for (const spec of img.dirs) {
    const [p, mode] = spec.split(':');
    mkdir_p(root, p, mode ? parseInt(mode, 8) : 0o755).d_inode!.i_mode = S_IFDIR | (mode ? parseInt(mode, 8) : 0o755);
  }
  for (const [p, content] of Object.entries(img.files)) write_file(root, p, content);
  if (build) for (const [p, src] of Object.entries(img.programs)) install_program_lazy(root, p, () => build(p, src));
  const dev = mkdir_p(root, '/dev');
  for (const [name, major, minor, mode] of img.devices) mknod_dev(dev, name, MKDEV(major, minor), parseInt(mode, 8));
  for (const [p, target] of Object.entries(img.symlinks ?? {})) make_symlink(root, p, target);
}
