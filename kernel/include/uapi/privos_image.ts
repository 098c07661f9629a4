/**
 * privos's executable format — its ELF. An image is a text file:
 *
 *   #!privos-image 1\n
 *   entry: _start\n              the exported entry point (crt0's _start)
 *   source: userland/hello/hello.ts\n   what was linked (informational; tools such as PrivBox's pass read it)
 *   build: sfi=none ops=v2\n     build tags (the SFI build of the code, the user-op pass's version or ops=none, …)
 *   hash: <sha256 of the code>\n
 *   sig: <the toolchain's signature>\n   HMAC over entry, build, hash (kernel/fs/image_sig.ts); optional
 *   \n
 *   <code>                       one script: the program, its imports and its libc, linked
 *
 * The code, evaluated as a script in a fresh realm, is a function expression; called with the
 * realm's op counter (door_factory's ImageOps, which an `ops=` image's instrumentation uses) it
 * returns the entry `(door, how) => …`. `privos cc` writes images; execve loads them.
 */
export const IMAGE_MAGIC = '#!privos-image 1\n';

export interface ImageHeader {
  readonly entry: string;
  readonly source: string;
  readonly build: string;
  readonly hash: string;
  /** The toolchain's signature ('' when unsigned: the loader then instruments the code itself). */
  readonly sig: string;
}

/** Splits an image into its header fields and code; null if it is not an image. */
export function parse_image(text: string): { header: ImageHeader; code: string; code_line: number } | null {
  if (!text.startsWith(IMAGE_MAGIC)) return null;
  const end = text.indexOf('\n\n', IMAGE_MAGIC.length - 1);
  if (end < 0) return null;
  const fields: Record<string, string> = {};
  for (const line of text.slice(IMAGE_MAGIC.length, end).split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) fields[line.slice(0, i)] = line.slice(i + 2);
  }
  const head = text.slice(0, end + 2);
  return {
    header: { entry: fields.entry ?? '', source: fields.source ?? '', build: fields.build ?? '', hash: fields.hash ?? '', sig: fields.sig ?? '' },
    code: text.slice(end + 2),
    code_line: head.split('\n').length,
  };
}

/** Builds an image's text from its parts. */
export function format_image(h: Omit<ImageHeader, 'sig'> & { sig?: string }, code: string): string {
  const sig = h.sig ? `sig: ${h.sig}\n` : '';
  return `${IMAGE_MAGIC}entry: ${h.entry}\nsource: ${h.source}\nbuild: ${h.build}\nhash: ${h.hash}\n${sig}\n${code}`;
}
