/** mod_indexfile: for a directory URL ending in '/', the first of index-file.names that is a regular file. */
import type { Server } from './base.ts';
import { conf_strings, type RequestConfig } from './configfile_glue.ts';
import { is_reg, OUTSIDE_ROOT, stat_cache_get, stat_path, type StatCacheEntry } from './stat_cache.ts';

/**
 * The index file's entry for the docroot-relative directory dir (ending in '/'); OUTSIDE_ROOT
 * when the first regular one is reached through a symlink leading out of the root; null if none.
 */
export async function mod_indexfile(srv: Server, rc: RequestConfig, dir: string): Promise<StatCacheEntry | typeof OUTSIDE_ROOT | null> {
  for (const name of conf_strings(rc, 'index-file.names')) {
    const rel = name.startsWith('/') ? name : dir + name;
    const e = await stat_cache_get(srv, rel);
    if (typeof e !== 'number') { if (is_reg(e.st)) return e; continue; }
    if (e !== OUTSIDE_ROOT) continue;
    const st = await stat_path(srv, srv.docroot + rel); // an escaping symlink to a regular file is refused, not skipped
    if (typeof st !== 'number' && is_reg(st)) return OUTSIDE_ROOT;
  }
  return null;
}
