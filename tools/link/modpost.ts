/**
 * modpost (Linux's scripts/mod/modpost.c, the part that fills .modinfo): reads a module's
 * source for its MODULE_LICENSE/AUTHOR/DESCRIPTION/VERSION/ALIAS('…') and
 * module_param('name', 'type', perm, default, 'desc') declarations and writes the module image
 * (kernel/include/uapi/module_image.ts). As with C's __MODULE_INFO, only literal strings count.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MODULE_MAGIC } from '../../kernel/include/uapi/module_image.ts';

const STR = String.raw`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`;
const INFO = new RegExp(String.raw`MODULE_(LICENSE|AUTHOR|DESCRIPTION|VERSION|ALIAS)\(\s*(?:${STR})\s*\)`, 'g');
const PARAM = new RegExp(String.raw`module_param\(\s*(?:${STR})\s*,\s*(?:${STR})\s*,[^,]*,[^,]*,\s*(?:${STR})\s*\)`, 'g');

/** The image text of the module at url (a file: URL or path). */
export function modpost(url: string): string {
  let src = '';
  try { src = readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url, 'utf8'); } catch { /* no .modinfo */ }
  const lines = [`${MODULE_MAGIC}${url}`];
  for (const m of src.matchAll(INFO)) lines.push(`modinfo: ${m[1].toLowerCase()}=${m[2] ?? m[3]}`);
  for (const m of src.matchAll(PARAM)) lines.push(`parm: ${m[1] ?? m[2]}:${m[5] ?? m[6]} (${m[3] ?? m[4]})`);
  return lines.join('\n') + '\n';
}
