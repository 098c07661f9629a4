/**
 * What lighttpd's http_response_prepare() and the handler chain do for one parsed request:
 * method check, URL decoding and simplification, the per-request config view, then the
 * modules in lighttpd's order — mod_access, mod_auth, physical path + symlink containment,
 * mod_indexfile, mod_dirlisting, mod_staticfile.
 */
import type { Server } from './base.ts';
import { path_is_plain, path_simplify, urldecode_path } from './burl.ts';
import { conf_bool, RequestConfig } from './configfile_glue.ts';
import { mod_access_denied } from './mod_access.ts';
import { type AuthDecision, mod_auth } from './mod_auth.ts';
import { mod_dirlisting } from './mod_dirlisting.ts';
import { mod_indexfile } from './mod_indexfile.ts';
import { mod_staticfile } from './mod_staticfile.ts';
import type { Request } from './request.ts';
import { response_new, set_error, type Response } from './response.ts';
import { is_dir, is_reg, OUTSIDE_ROOT, stat_cache_fresh, stat_cache_get, type StatCacheEntry } from './stat_cache.ts';

export interface Prepared {
  resp: Response;
  close: boolean;
  user: string;
  /** Bad credentials: lighttpd delays the answer to the next second (auth.delay-invalid-creds). */
  delay?: boolean;
}

const dec = new TextDecoder();

function done(resp: Response, close = false, user = ''): Prepared { return { resp, close, user }; }

function options(): Prepared {
  const r = response_new(200);
  r.headers.push('Allow', 'OPTIONS, GET, HEAD, POST');
  return done(r);
}

/**
 * A method no handler serves, answered where lighttpd answers it — after access, auth and the
 * physical path (so PUT of a missing file is 404, of a protected one 401): OPTIONS gets its
 * Allow list, any other 501 (CONNECT was answered before). null for GET, HEAD and POST.
 */
function unhandled_method(req: Request, r: Response): Response | null {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST') return null;
  if (req.method === 'OPTIONS') return options().resp;
  return set_error(r, 501);
}

/** A value or the promise of one: the hot path (cached entry, no credentials to check) stays synchronous. */
type Maybe<T> = T | Promise<T>;

export function is_promise<T>(x: Maybe<T>): x is Promise<T> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

export function http_response_prepare(srv: Server, req: Request, peer: string): Maybe<Prepared> {
  const r = response_new();
  r.head_only = req.method === 'HEAD';
  if (req.method === 'OPTIONS' && req.raw_path === '*') return options();
  // CONNECT to an authority: no module tunnels it. To a path, the target is not normalized; access and auth still apply, then 405.
  if (req.method === 'CONNECT' && req.raw_path[0] !== '/') return done(set_error(r, 405), true); // and the connection closes
  let path = req.raw_path;
  if (req.method !== 'CONNECT' && !path_is_plain(path)) {
    const bytes = urldecode_path(path);
    if (!bytes) return done(set_error(r, 400), true);
    path = path_simplify(dec.decode(bytes));
  }
  // Without $HTTP blocks every request sees the same settings: no condition input to build.
  const rc = srv.config.conds.length === 0 ? RequestConfig.global(srv.config) : RequestConfig.for(srv.config, {
    url: path, host: req.host, querystring: req.query, method: req.method, remoteip: peer,
    useragent: req.headers.get('user-agent') ?? '', referer: req.headers.get('referer') ?? '',
  });
  if (mod_access_denied(rc, path)) return done(set_error(r, 403));
  const auth = mod_auth(srv, rc, req, path, peer);
  return is_promise(auth) ? auth.then((a) => after_auth(srv, rc, req, r, path, a)) : after_auth(srv, rc, req, r, path, auth);
}

function after_auth(srv: Server, rc: RequestConfig, req: Request, r: Response, path: string, auth: AuthDecision | null): Maybe<Prepared> {
  if (auth && auth.status) {
    if (auth.realm !== undefined) r.headers.push('WWW-Authenticate', `Basic realm="${auth.realm}", charset="UTF-8"`);
    return { resp: set_error(r, auth.status), close: auth.close === true, user: '', delay: auth.close === true };
  }
  if (req.method === 'CONNECT') return done(set_error(r, 405), true);
  // %u is the user mod_auth accepted for this request (lighttpd's REMOTE_USER): none outside auth.require.
  const user = auth ? auth.user ?? '' : '';
  const resp = physical(srv, rc, req, r, path);
  return is_promise(resp) ? resp.then((x) => done(x, false, user)) : done(resp, false, user);
}

/** The stat cache's entry for the path — at once when it is fresh — and what it calls for. */
function physical(srv: Server, rc: RequestConfig, req: Request, r: Response, path: string): Maybe<Response> {
  const fresh = stat_cache_fresh(srv, path);
  if (fresh) return physical_entry(srv, rc, req, r, path, fresh);
  return stat_cache_get(srv, path).then((sce) => physical_entry(srv, rc, req, r, path, sce));
}

function physical_entry(srv: Server, rc: RequestConfig, req: Request, r: Response, path: string, sce: StatCacheEntry | number): Maybe<Response> {
  const l = srv.libc;
  if (sce === OUTSIDE_ROOT) return set_error(r, 403);
  if (sce === l.ENOTDIR) return path_info(srv, rc, req, r, path);
  if (typeof sce === 'number') return set_error(r, sce === l.EACCES ? 403 : 404);
  if (is_dir(sce.st)) return directory(srv, rc, req, r, path, srv.docroot + path);
  if (!is_reg(sce.st)) return set_error(r, 403);
  return unhandled_method(req, r) ?? mod_staticfile(srv, rc, req, r, srv.docroot + path, sce);
}

async function directory(srv: Server, rc: RequestConfig, req: Request, r: Response, path: string, phys: string): Promise<Response> {
  if (!path.endsWith('/')) {
    r.status = 301;
    r.headers.push('Location', req.raw_path + '/' + (req.query ? '?' + req.query : ''));
    return r;
  }
  const other = unhandled_method(req, r);
  if (other) return other;
  const idx = await mod_indexfile(srv, rc, path);
  if (idx === OUTSIDE_ROOT) return set_error(r, 403);
  if (idx) return mod_staticfile(srv, rc, req, r, srv.docroot + idx.path, idx);
  if (!conf_bool(rc, 'dir-listing.activate', conf_bool(rc, 'server.dir-listing', false))) return set_error(r, 403);
  const page = await mod_dirlisting(srv, phys, path);
  if (!page) return set_error(r, 403);
  r.headers.push('Content-Type', 'text/html; charset=utf-8');
  r.body = page;
  return r;
}

/**
 * A path through a regular file ("/index.html/more": stat says ENOTDIR): as lighttpd's
 * physical-path check does, the longest prefix that is a file is served and the rest is
 * PATH_INFO, which a static file ignores.
 */
async function path_info(srv: Server, rc: RequestConfig, req: Request, r: Response, path: string): Promise<Response> {
  for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
    const sce = await stat_cache_get(srv, path.slice(0, cut));
    if (sce === OUTSIDE_ROOT) return set_error(r, 403);
    if (typeof sce !== 'number' && is_reg(sce.st)) return unhandled_method(req, r) ?? mod_staticfile(srv, rc, req, r, srv.docroot + path.slice(0, cut), sce);
  }
  return set_error(r, 404);
}
