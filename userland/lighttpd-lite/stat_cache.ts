/**
 * File status for the request path (lighttpd's stat_cache.c): stat(2) of the physical path, the
 * symlink walk that keeps every served path inside the document root, and the cache over it.
 * lighttpd follows symlinks by default (server.follow-symlink); lighttpd-lite follows only those
 * whose target stays under the root, and answers 403 for the rest.
 *
 * The cache works as lighttpd's default `server.stat-cache-engine = "simple"`: an entry found
 * in the current second is trusted without a syscall; an older one is revalidated (the walk
 * again) and, when the file changed, replaced. Each entry keeps an fd open on its regular file,
 * as lighttpd 1.4.69's stat_cache_get_entry_open() does (strace: one pread(2) per request, no
 * stat or open), and its ETag and Last-Modified strings. Entries unused for 2 seconds are
 * dropped by stat_cache_trigger_cleanup(), called once a second; an fd still being sent from
 * (a response in flight) closes when its last user releases it.
 * https://redmine.lighttpd.net/projects/lighttpd/wiki/Server_stat-cache-engineDetails
 */
import type { StatBuf } from '../../libc/fs.ts';
import type { Server } from './base.ts';
import { path_simplify } from './burl.ts';
import { http_date } from './http_date.ts';

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
  // path_resolution(7): a trailing slash names a directory.
  return rel.endsWith('/') && typeof st !== 'number' && !is_dir(st) ? srv.libc.ENOTDIR : st;
}

export class StatCacheEntry {
  /** srv.now when the walk last confirmed st. */
  ts: number;
  /** An fd open on the file (O_RDONLY), -1 until a response first needs it. */
  fd = -1;
  /** Responses still sending from fd. */
  refs = 0;
  /** Replaced or dropped: fd closes when refs drops to 0. */
  stale = false;
  /** The ETag for the flags in etag_flags (-1: not made yet), and Last-Modified. */
  etag = '';
  etag_flags = -1;
  readonly lm: string;
  /** Its Content-Type, ETag and Last-Modified lines, encoded (mod_staticfile), and the type and ETag they were made for. */
  fields: Uint8Array | null = null;
  fields_type = '';
  fields_etag = '';

  constructor(readonly path: string, readonly st: StatBuf, now: number) {
    this.ts = now;
    this.lm = http_date(Math.floor(st.mtime_ns / 1e9));
  }
}

/** The same file, unchanged? (lighttpd compares inode, size and mtime, and the file type.) */
function same_file(a: StatBuf, b: StatBuf): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtime_ns === b.mtime_ns && a.mode === b.mode && a.ctime_ns === b.ctime_ns;
}

function drop(srv: Server, e: StatCacheEntry): void {
  srv.stat_cache.delete(e.path);
  e.stale = true;
  if (e.refs === 0 && e.fd >= 0) { void srv.libc.close(e.fd); e.fd = -1; }
}

/** The entry for docroot-relative rel when it was confirmed this second (trusted without a syscall), else null. */
export function stat_cache_fresh(srv: Server, rel: string): StatCacheEntry | null {
  const e = srv.stat_cache.get(rel);
  return e && e.ts === srv.now ? e : null;
}

/** The entry for docroot-relative rel, or an errno, or OUTSIDE_ROOT (errors are not cached). */
export async function stat_cache_get(srv: Server, rel: string): Promise<StatCacheEntry | number> {
  const e = srv.stat_cache.get(rel);
  if (e && e.ts === srv.now) return e;
  const st = await resolve_in_root(srv, rel);
  if (typeof st === 'number') { if (e) drop(srv, e); return st; }
  if (e && same_file(e.st, st)) { e.ts = srv.now; return e; }
  if (e) drop(srv, e);
  const n = new StatCacheEntry(rel, st, srv.now);
  srv.stat_cache.set(rel, n);
  return n;
}

/** An fd to read the entry's file from, held until stat_cache_release(); or -1 with errno set. At once when the entry has it open. */
export function stat_cache_open(srv: Server, e: StatCacheEntry): number | Promise<number> {
  if (e.fd < 0) return stat_cache_open_file(srv, e);
  e.refs++;
  return e.fd;
}

async function stat_cache_open_file(srv: Server, e: StatCacheEntry): Promise<number> {
  const l = srv.libc;
  const fd = (await l.open(srv.docroot + e.path, l.O_RDONLY | l.O_CLOEXEC | l.O_NONBLOCK)) as number;
  if (fd < 0) return -1;
  if (e.fd < 0) e.fd = fd; else void l.close(fd); // another request opened it meanwhile
  e.refs++;
  return e.fd;
}

export function stat_cache_release(srv: Server, e: StatCacheEntry): void {
  if (--e.refs === 0 && e.stale && e.fd >= 0) { void srv.libc.close(e.fd); e.fd = -1; }
}

/** Once a second: drops entries not used for 2 seconds (lighttpd's stat_cache_trigger_cleanup). */
export function stat_cache_trigger_cleanup(srv: Server): void {
  for (const e of srv.stat_cache.values()) if (srv.now - e.ts > 2) drop(srv, e);
}
