/**
 * Typed access to the parsed configuration (lighttpd's configfile-glue.c): the directives
 * lighttpd-lite knows, their types, lighttpd's type errors ("got a string but expected a
 * short: server.port abc"), the warning for unknown keys, and the per-request view that
 * merges the conditional blocks matching a request ($HTTP["url"] =~ ...).
 */
import { type CondBlock, type ParsedConfig, type Value, is_keyed } from './configfile.ts';

type Kind = 'short' | 'int' | 'string' | 'boolean' | 'array' | 'any';

/** Known keys and their types; `true` marks keys that may appear inside conditionals. */
const KEYS: Record<string, [Kind, boolean]> = {
  'server.port': ['short', false], 'server.bind': ['string', false], 'server.document-root': ['string', true],
  'server.errorlog': ['string', false], 'server.tag': ['string', false], 'server.modules': ['array', false],
  'server.max-keep-alive-requests': ['int', false], 'server.max-keep-alive-idle': ['int', false],
  'server.max-read-idle': ['int', false], 'server.max-write-idle': ['int', false],
  'server.max-connections': ['int', false], 'server.max-request-size': ['int', true],
  'server.max-request-field-size': ['int', false], 'server.follow-symlink': ['boolean', true],
  'server.username': ['string', false], 'server.groupname': ['string', false], 'server.pid-file': ['string', false],
  'server.event-handler': ['string', false], 'server.network-backend': ['string', false],
  'accesslog.filename': ['string', true], 'index-file.names': ['array', true], 'mimetype.assign': ['array', true],
  'dir-listing.activate': ['boolean', true], 'server.dir-listing': ['boolean', true], 'url.access-deny': ['array', true],
  'static-file.exclude-extensions': ['array', true], 'static-file.etags': ['boolean', true],
  'etag.use-inode': ['boolean', true], 'etag.use-mtime': ['boolean', true], 'etag.use-size': ['boolean', true],
  'auth.backend': ['string', true], 'auth.backend.htpasswd.userfile': ['string', true], 'auth.require': ['array', true],
  'debug.log-request-handling': ['boolean', true], 'debug.log-request-header': ['boolean', true],
};

/**
 * The modules whose keys these are: a key of a module not in server.modules is unknown to
 * lighttpd (warned about and ignored). mod_auth loads mod_authn_file for the htpasswd backend,
 * and mod_authn_file's presence makes the auth keys known too.
 */
const KEY_MODULES: [string, string[]][] = [
  ['url.access-deny', ['mod_access']], ['accesslog.', ['mod_accesslog']], ['auth.', ['mod_auth', 'mod_authn_file']],
];

function key_loaded(k: string, modules: ReadonlySet<string>): boolean {
  for (const [prefix, mods] of KEY_MODULES) if (k.startsWith(prefix)) return mods.some((m) => modules.has(m));
  return true;
}

export interface GlueResult { errors: string[]; warnings: string[] }

/**
 * Checks every key and value type; lighttpd refuses to start on errors and only warns on
 * unknown keys, which it drops — as are the keys of modules not loaded (when `modules` is given).
 */
export function config_check(pc: ParsedConfig, modules?: ReadonlySet<string>): GlueResult {
  const res: GlueResult = { errors: [], warnings: [] };
  const check = (m: Map<string, Value>): void => {
    for (const [k, v] of m) {
      const spec = KEYS[k];
      if (!spec || (modules && !key_loaded(k, modules))) { res.warnings.push(`WARNING: unknown config-key: ${k} (ignored)`); m.delete(k); continue; }
      const err = type_error(k, v, spec[0]);
      if (err) res.errors.push(err);
    }
  };
  check(pc.global);
  for (const c of pc.conds) check(c.settings);
  if (!pc.global.has('server.document-root')) res.errors.push('server.document-root is not set');
  return res;
}

function type_error(k: string, v: Value, kind: Kind): string | null {
  const got = typeof v === 'number' ? 'an integer' : typeof v === 'string' ? 'a string' : 'an array';
  switch (kind) {
    case 'short': case 'int': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : NaN;
      if (Number.isNaN(n) || (kind === 'short' && n > 65535)) return `got ${got} but expected ${kind === 'short' ? 'a short' : 'an integer'}: ${k} ${show(v)}`;
      return null;
    }
    case 'string': return typeof v === 'string' ? null : `got ${got} but expected a string: ${k}`;
    case 'boolean':
      if (typeof v === 'string' && /^(enable|disable|true|false|on|off|1|0)$/i.test(v)) return null;
      if (typeof v === 'number' && (v === 0 || v === 1)) return null;
      return `ERROR: unexpected type for key: ${k} (${show(v)}) expected boolean ("enable"/"disable")`;
    case 'array': return typeof v === 'object' ? null : `${k} should have been an array of strings like ... = ( "..." )`;
    default: return null;
  }
}

function show(v: Value): string { return typeof v === 'object' ? '(array)' : String(v); }

/** What a conditional tests, for one request. */
export interface CondInput { url: string; host: string; querystring: string; method: string; useragent: string; referer: string; remoteip: string }

function cond_match(c: CondBlock, inp: CondInput): boolean {
  if (c.parent && !cond_match(c.parent, inp)) return false;
  const val = (inp as unknown as Record<string, string>)[c.field === 'request-method' ? 'method' : c.field] ?? '';
  switch (c.op) {
    case '==': return val === c.pattern;
    case '!=': return val !== c.pattern;
    case '=~': return c.re!.test(val);
    case '!~': return !c.re!.test(val);
  }
}

/** The settings one request sees: the global ones, overridden by each matching block in order. */
export class RequestConfig {
  constructor(private readonly pc: ParsedConfig, private readonly matched: CondBlock[]) {}

  static for(pc: ParsedConfig, inp: CondInput): RequestConfig {
    return pc.conds.length ? new RequestConfig(pc, pc.conds.filter((c) => cond_match(c, inp))) : RequestConfig.global(pc);
  }

  private static readonly globals = new WeakMap<ParsedConfig, RequestConfig>();

  /** The view of a configuration without $HTTP blocks: the same for every request, made once. */
  static global(pc: ParsedConfig): RequestConfig {
    let rc = RequestConfig.globals.get(pc);
    if (!rc) { rc = new RequestConfig(pc, []); RequestConfig.globals.set(pc, rc); }
    return rc;
  }

  get(k: string): Value | undefined {
    for (let i = this.matched.length - 1; i >= 0; i--) { const v = this.matched[i].settings.get(k); if (v !== undefined) return v; }
    return this.pc.global.get(k);
  }
}

type Getter = { get(k: string): Value | undefined };

export function conf_str(c: Getter, k: string, dflt: string): string { const v = c.get(k); return typeof v === 'string' ? v : dflt; }
export function conf_int(c: Getter, k: string, dflt: number): number { const v = c.get(k); return v === undefined ? dflt : Number(v); }
export function conf_bool(c: Getter, k: string, dflt: boolean): boolean {
  const v = c.get(k);
  if (v === undefined) return dflt;
  return typeof v === 'number' ? v === 1 : /^(enable|true|on|1)$/i.test(v as string);
}
export function conf_strings(c: Getter, k: string): string[] {
  const v = c.get(k);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
export function conf_pairs(c: Getter, k: string): [string, Value][] { const v = c.get(k); return is_keyed(v) ? v.entries : []; }
