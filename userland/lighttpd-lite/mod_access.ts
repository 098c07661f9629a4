/** mod_access: url.access-deny — a path ending in any listed suffix is 403 Forbidden. */
import { conf_strings, type RequestConfig } from './configfile_glue.ts';

export function mod_access_denied(rc: RequestConfig, path: string): boolean {
  for (const suffix of conf_strings(rc, 'url.access-deny')) {
    if (suffix && path.endsWith(suffix)) return true;
  }
  return false;
}
