/**
 * URL handling (lighttpd's burl.c and buffer_path_simplify): percent-decoding of the path and
 * the simplification that keeps every path inside the document root — "//" collapses, "/./"
 * goes, "/../" climbs but never above "/" — so `..`, `%2e%2e` and friends all end up at or
 * under the root before the file system is touched.
 */

export function hexval(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 0x20;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

/** Percent-decodes a path; invalid escapes stay literal (as lighttpd). null if it decodes a NUL. */
export function urldecode_path(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length) {
      const h = hexval(s.charCodeAt(i + 1)), l = hexval(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        const v = (h << 4) | l;
        if (v === 0) return null;
        out[o++] = v; i += 2; continue;
      }
    }
    out[o++] = c & 0xff;
  }
  return out.subarray(0, o);
}

/**
 * A path decoding and simplifying leave as it is — printable ASCII without '%', and no empty,
 * "." or ".." segment — as nearly every request's path is; it skips both passes.
 */
export function path_is_plain(p: string): boolean {
  if (p.charCodeAt(0) !== 47) return false;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 37) return false;
    if (c !== 47 || i + 1 === p.length) continue;
    // A segment starts after this '/': not empty, not "." and not "..".
    const d = p.charCodeAt(i + 1);
    if (d === 47) return false;
    if (d !== 46) continue;
    const e = i + 2 < p.length ? p.charCodeAt(i + 2) : 47;
    if (e === 47 || (e === 46 && (i + 3 === p.length || p.charCodeAt(i + 3) === 47))) return false;
  }
  return true;
}

/** buffer_path_simplify(): an absolute path with no ".", ".." or empty segments, never above "/". */
export function path_simplify(p: string): string {
  const segs: string[] = [];
  const parts = p.split('/');
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i];
    if (s === '' || s === '.') continue;
    if (s === '..') { segs.pop(); continue; }
    segs.push(s);
  }
  const last = parts[parts.length - 1];
  const trailing = p.length > 1 && (last === '' || last === '.' || last === '..') && segs.length > 0;
  return '/' + segs.join('/') + (trailing ? '/' : '');
}

/** Encodes a name for a URL in a directory listing (unreserved characters stay). */
export function urlencode_name(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    const ch = String.fromCharCode(c);
    s += /[A-Za-z0-9\-._~!$&'()*+,;=:@]/.test(ch) ? ch : '%' + c.toString(16).toUpperCase().padStart(2, '0');
  }
  return s;
}
