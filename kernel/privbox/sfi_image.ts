/**
 * Images of an SFI build (issue 9 item 5): the linker (tools/link/link.ts) runs the SFI pass over
 * the whole image and tags the header `build: sfi=full|branch`. The kernel trusts that tag only
 * on a signed image (kernel/fs/image_sig.ts: the toolchain's signature over the tags and the
 * code's hash, checked against the code at load), since anyone can write an image file with
 * any header (like the eBPF verifier, the kernel takes no one's word for instrumentation). The
 * linker also tells the kernel how to relink any image it made with another build, which is how
 * `--privbox` and an exec from a boxed process get the SFI variant of a program.
 */
import { ENOEXEC, EPERM } from '../include/uapi/errno.ts';
import { parse_image } from '../include/uapi/privos_image.ts';
import { image_signed } from '../fs/image_sig.ts';
import type { Kernel } from '../kernel.ts';
import { KERN_ERR } from '../printk.ts';
import type { SfiBuild } from './privbox.ts';

/** Image hash → a relinker of its program with another SFI build. */
const relinkers = new Map<string, (b: SfiBuild) => string>();

/** The linker made `image`; relink(b) links the same program with build b. */
export function sfi_linked(image: string, relink: (b: SfiBuild) => string): void {
  const h = parse_image(image)?.header.hash;
  if (!h) return;
  relinkers.set(h, relink);
}

/** The build a header's tags name. */
export function header_sfi(build: string): SfiBuild {
  const m = /(?:^|[\s,])sfi=(full|branch|none)\b/.exec(build);
  return (m?.[1] as SfiBuild | undefined) ?? 'none';
}

/**
 * The SFI build of an image about to load: its tag when the image is signed (the toolchain
 * produced this very code), -ENOEXEC for an SFI tag on code it did not (a forged header).
 */
export function image_sfi_build(k: Kernel, build: string, signed: boolean, path: string): SfiBuild | number {
  const sfi = header_sfi(build);
  if (sfi === 'none' || signed) return sfi;
  k.printk(KERN_ERR, `exec: ${path}: build tag sfi=${sfi} on code the SFI pass did not produce`);
  return -ENOEXEC;
}

/**
 * The image text of `text`'s program linked with build `sfi` (itself if it already is one):
 * -EPERM when the toolchain cannot relink it (an image it did not make), -ENOEXEC when the
 * pass refuses the program (the diagnostics, file:line:col, go to the kernel log).
 */
export function sfi_variant(k: Kernel, text: string, sfi: SfiBuild, path: string): string | number {
  const img = parse_image(text);
  if (!img) return -ENOEXEC;
  if (header_sfi(img.header.build) === sfi && image_signed(img.header, img.code)) return text;
  const relink = relinkers.get(img.header.hash);
  if (!relink) {
    k.printk(KERN_ERR, `privbox: ${path}: no SFI build of this image (not linked by this toolchain)`);
    return -EPERM;
  }
  try {
    return relink(sfi);
  } catch (e) {
    const diags = (e as { diagnostics?: string[] }).diagnostics;
    if (!diags) throw e;
    k.printk(KERN_ERR, `privbox: ${path}: refused by the SFI pass:\n${diags.join('\n')}`);
    return -ENOEXEC;
  }
}
