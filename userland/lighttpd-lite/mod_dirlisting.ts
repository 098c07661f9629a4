/**
 * mod_dirlisting: dir-listing.activate — an HTML index of a directory (names, dates, sizes),
 * hidden files left out as lighttpd's default does. The page is simpler than lighttpd's
 * (no CSS or sorting script); names are HTML-escaped and URL-encoded.
 */
import type { Server } from './base.ts';
import { urlencode_name } from './burl.ts';
import { is_dir, stat_path } from './stat_cache.ts';

const enc = new TextEncoder();

function html_escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function size_str(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let u = 0, v = n;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${n}` : `${v.toFixed(1)}${units[u]}`;
}

async function rows(srv: Server, dir: string): Promise<string[] | null> {
  const names = await srv.libc.listdir(dir);
  if (typeof names === 'number') return null;
  const out: string[] = [];
  for (const name of names.filter((n) => !n.startsWith('.')).sort()) {
    const st = await stat_path(srv, dir + name);
    if (typeof st === 'number') continue;
    const d = is_dir(st), href = urlencode_name(enc.encode(name)) + (d ? '/' : '');
    const mtime = new Date(Math.floor(st.mtime_ns / 1e6)).toISOString().slice(0, 19).replace('T', ' ');
    out.push(`<tr><td class="n"><a href="${href}">${html_escape(name)}</a>${d ? '/' : ''}</td><td class="m">${mtime}</td>` +
      `<td class="s">${d ? '- &nbsp;' : size_str(st.size)}</td><td class="t">${d ? 'Directory' : ''}</td></tr>`);
  }
  return out;
}

/** The listing page for the directory `dir` (physical, ending in '/') at URL path `url`; null if unreadable. */
export async function mod_dirlisting(srv: Server, dir: string, url: string): Promise<Uint8Array | null> {
  const r = await rows(srv, dir);
  if (!r) return null;
  const title = `Index of ${html_escape(url)}`;
  const parent = url === '/' ? '' : '<tr class="d"><td class="n"><a href="../">..</a>/</td><td class="m">&nbsp;</td><td class="s">- &nbsp;</td><td class="t">Directory</td></tr>\n';
  return enc.encode(`<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body>\n<h2>${title}</h2>\n` +
    `<div class="list">\n<table summary="Directory Listing" cellpadding="0" cellspacing="0">\n` +
    `<thead><tr><th class="n">Name</th><th class="m">Last Modified</th><th class="s">Size</th><th class="t">Type</th></tr></thead>\n<tbody>\n` +
    parent + r.join('\n') + `\n</tbody>\n</table>\n</div>\n<div class="foot">${html_escape(srv.tag)}</div>\n</body>\n</html>\n`);
}
