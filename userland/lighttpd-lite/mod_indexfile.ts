/** mod_indexfile: for a directory URL ending in '/', the first of index-file.names that is a regular file. */
import type { StatBuf } from '../../libc/fs.ts';
import type { Server } from './base.ts';
import { conf_strings, type RequestConfig } from './configfile_glue.ts';
import { is_reg, stat_path } from './stat_cache.ts';

export async function mod_indexfile(srv: Server, rc: RequestConfig, dir: string): Promise<{ path: string; st: StatBuf } | null> {
  for (const name of conf_strings(rc, 'index-file.names')) {
    const p = name.startsWith('/') ? srv.docroot + name : dir + name;
    const st = await stat_path(srv, p);
    if (typeof st !== 'number' && is_reg(st)) return { path: p, st };
  }
  return null;
}
