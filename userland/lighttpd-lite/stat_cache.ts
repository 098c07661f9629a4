/**
 * File status for the request path (the role of lighttpd's stat_cache.c, without the cache):
 * stat(2) of the physical path, and the symlink walk that keeps every served path inside the
 * document root. lighttpd follows symlinks by default (server.follow-symlink); lighttpd-lite
 * follows only those whose target stays under the root, and answers 403 for the rest.
 */
import type { StatBuf } from '../../libc/fs.ts';
import type { Server } from './base.ts';
import { path_simplify } from './burl.ts';

export async function stat_path(srv: Server, path: string, follow = true): Promise<StatBuf | number> {
  const l = srv.libc;
  const r = await (follow ? l.stat(path, srv.stbuf) : l.lstat(path, srv.stbuf));
  return r < 0 ? l.errno : l.parse_stat(srv.stbuf);
}

export function is_dir(st: StatBuf): boolean { return (st.mode & 0o170000) === 0o040000; }
export function is_reg(st: StatBuf): boolean { return (st.mode & 0o170000) === 0o100000; }
function is_lnk(st: StatBuf): boolean { return (st.mode & 0o170000) === 0o120000; }

const MAX_LINKS = 40;

async function read_link(srv: Server, path: string): Promise<string | null> {
  const l = srv.libc, buf = l.malloc(4096);
  try {
    const n = await l.readlink(path, buf, 4096);
    return n < 0 ? null : new TextDecoder().decode(l.peek(buf, n));
  } finally { l.free(buf); }
}

/** resolve_in_root()'s answer for a path whose symlinks lead outside the document root. */
export const OUTSIDE_ROOT = -1;

/**
 * Walks docroot + rel component by component with lstat, following symlinks only while their
 * targets stay under docroot. Returns the final component's status (the walk's last lstat,
 * which is the stat of the file), an errno when a component is missing or unreadable, or
 * OUTSIDE_ROOT.
 */
export async function resolve_in_root(srv: Server, rel: string): Promise<StatBuf | number> {
  const root = srv.docroot.replace(/\/+$/, '') || '/';
  const todo = rel.split('/').filter((s) => s);
  let cur = root, hops = 0;
  let st: StatBuf | number = todo.length ? 0 : await stat_path(srv, root);
  while (todo.length) {
    const seg = todo.shift()!;
    const next = cur === '/' ? '/' + seg : cur + '/' + seg;
    st = await stat_path(srv, next, false);
    if (typeof st === 'number') return st;
    if (!is_lnk(st)) { cur = next; continue; }
    if (++hops > MAX_LINKS) return OUTSIDE_ROOT;
    const target = await read_link(srv, next);
    if (target === null) return OUTSIDE_ROOT;
    const abs = path_simplify(target.startsWith('/') ? target : cur + '/' + target);
    if (!(abs === root || abs.startsWith(root === '/' ? '/' : root + '/'))) return OUTSIDE_ROOT;
    todo.unshift(...abs.slice(root.length).split('/').filter((s) => s));
    cur = root;
    if (!todo.length) st = await stat_path(srv, root);
  }
  return st;
}
