/**
 * The kernel module image format (privos's .ko): a text file whose first line names the module's
 * code and whose next lines are its .modinfo section, written at build time by modpost
 * (tools/link/modpost.ts) from the module's MODULE_*() and module_param() declarations:
 *
 *   #!privos-module <URL of the module's ES module>
 *   modinfo: license=GPL
 *   modinfo: description=says hello through /dev/hello
 *   parm: greeting:what read returns (charp)
 *
 * init_module(2) reads the first line; modinfo(8) reads the rest without loading anything.
 */
export const MODULE_MAGIC = '#!privos-module ';

/** The module URL an image names, or null if the text is not a module image. */
export function module_image_url(text: string): string | null {
  if (!text.startsWith(MODULE_MAGIC)) return null;
  const url = text.slice(MODULE_MAGIC.length).split('\n')[0].trim();
  return url || null;
}

/** The .modinfo records of an image: [key, value] pairs, and the parm lines. */
export function module_image_info(text: string): { info: [string, string][]; parms: string[] } {
  const info: [string, string][] = [], parms: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (line.startsWith('modinfo: ')) {
      const kv = line.slice(9), eq = kv.indexOf('=');
      if (eq > 0) info.push([kv.slice(0, eq), kv.slice(eq + 1)]);
    } else if (line.startsWith('parm: ')) parms.push(line.slice(6));
  }
  return { info, parms };
}

/** The module name of an image's URL (file name without extension, '-' → '_'). */
export function module_name_of(url: string): string {
  const base = url.split(/[?#]/)[0].split('/').pop() ?? '';
  return base.replace(/\.(ts|js|mjs)$/, '').replace(/\.ko$/, '').replace(/-/g, '_');
}
