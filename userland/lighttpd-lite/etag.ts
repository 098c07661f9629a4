/**
 * ETags as lighttpd 1.4.69 makes them (http_etag.c): dekhash over the 64-bit inode, size,
 * mtime seconds and mtime nanoseconds (the enabled ones), seeded with their byte length,
 * printed as a decimal in quotes; and If-None-Match matching with its list syntax.
 */

export interface EtagFlags { inode: boolean; size: boolean; mtime: boolean }

function dek_u64(h: number, v: number): number {
  const lo = v >>> 0, hi = Math.floor(v / 0x100000000) >>> 0;
  for (let i = 0; i < 8; i++) {
    const byte = i < 4 ? (lo >>> (i * 8)) & 0xff : (hi >>> ((i - 4) * 8)) & 0xff;
    h = ((h << 5) ^ (h >>> 27) ^ byte) >>> 0;
  }
  return h;
}

/** The quoted ETag of a file, or '' when every flag is off. */
export function etag_create(st: { ino: number; size: number; mtime_ns: number }, f: EtagFlags): string {
  const vals: number[] = [];
  if (f.inode) vals.push(st.ino);
  if (f.size) vals.push(st.size);
  if (f.mtime) { const sec = Math.floor(st.mtime_ns / 1e9); vals.push(sec, st.mtime_ns - sec * 1e9); }
  if (!vals.length) return '';
  let h = vals.length * 8;
  for (const v of vals) h = dek_u64(h, v);
  return `"${h >>> 0}"`;
}

/** http_etag_matches(): does the If-None-Match list name this etag ("*" matches any)? */
export function etag_matches(etag: string, list: string, weak_ok: boolean): boolean {
  if (list.trim() === '*') return true;
  if (!etag) return false;
  let e = etag;
  if (e.startsWith('W/')) { if (!weak_ok) return false; e = e.slice(2); }
  for (let item of list.split(',')) {
    item = item.trim();
    if (item.startsWith('W/')) { if (!weak_ok) continue; item = item.slice(2); }
    if (item === e || item === '*') return true;
  }
  return false;
}
