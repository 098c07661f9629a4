/**
 * Loading the configuration at startup (lighttpd's config_read + config_set_defaults): read the
 * file, parse it, check it, and resolve the global settings and lighttpd's defaults. Errors go
 * to stderr (the error log is not open yet) and make startup fail, as lighttpd's do.
 */
import type { Libc } from '../../libc/index.ts';
import { ConfigError, config_parse, type ParsedConfig } from './configfile.ts';
import { config_check, conf_int, conf_pairs, conf_str, conf_strings } from './configfile_glue.ts';
import type { ErrorLog } from './log.ts';
import { mod_auth_check_config } from './mod_auth.ts';

const MODULES = new Set(['mod_access', 'mod_auth', 'mod_authn_file', 'mod_accesslog', 'mod_dirlisting', 'mod_indexfile', 'mod_staticfile']);

export interface Limits {
  max_keep_alive_requests: number; max_keep_alive_idle: number; max_read_idle: number; max_write_idle: number;
  max_connections: number; max_request_field_size: number;
}

export interface LoadedConfig {
  parsed: ParsedConfig; docroot: string; tag: string; bind: string; port: number; modules: Set<string>; limits: Limits;
}

async function read_file(libc: Libc, path: string): Promise<string | null> {
  const fd = await libc.open(path, libc.O_RDONLY | libc.O_CLOEXEC);
  if (fd < 0) return null;
  const buf = libc.malloc(65536), parts: Uint8Array[] = [];
  try {
    for (;;) {
      const n = await libc.read(fd, buf, 65536);
      if (n < 0) return null;
      if (n === 0) break;
      parts.push(libc.peek(buf, n));
    }
  } finally { libc.free(buf); await libc.close(fd); }
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return new TextDecoder().decode(all);
}

function limits(g: { get(k: string): ReturnType<ParsedConfig['global']['get']> }): Limits {
  return {
    max_keep_alive_requests: conf_int(g, 'server.max-keep-alive-requests', 1000),
    max_keep_alive_idle: conf_int(g, 'server.max-keep-alive-idle', 5),
    max_read_idle: conf_int(g, 'server.max-read-idle', 60),
    max_write_idle: conf_int(g, 'server.max-write-idle', 360),
    max_connections: conf_int(g, 'server.max-connections', 1365) || 1365,
    max_request_field_size: conf_int(g, 'server.max-request-field-size', 8192),
  };
}

/** The loaded configuration, or null after reporting why it cannot be used; syntax_only stops after parsing. */
export async function load_config(libc: Libc, file: string, log: ErrorLog, syntax_only = false): Promise<LoadedConfig | null> {
  const src = await read_file(libc, file);
  if (src === null) { log.write('configfile.ts', `opening configfile ${file} failed: ${libc.strerror(libc.errno)}`); return null; }
  let parsed: ParsedConfig;
  try { parsed = config_parse(src, file); } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.write('configfile.ts', e.message);
    return null;
  }
  return syntax_only ? resolve(parsed, new Set()) : preflight(parsed, log);
}

/** lighttpd's config_set_defaults checks: key types, modules, mod_auth's rules. */
function preflight(parsed: ParsedConfig, log: ErrorLog): LoadedConfig | null {
  const g = { get: (k: string) => parsed.global.get(k) };
  const modules = new Set(conf_strings(g, 'server.modules'));
  const chk = config_check(parsed, modules);
  for (const w of chk.warnings) log.write('configfile.ts', w);
  const errors = [...chk.errors];
  for (const m of modules) if (!MODULES.has(m)) errors.push(`loading plugins finally failed: ${m} is not part of lighttpd-lite`);
  const auth_err = mod_auth_check_config(conf_pairs(g, 'auth.require'));
  if (auth_err) errors.push(auth_err);
  const backend = conf_str(g, 'auth.backend', '');
  if (backend && backend !== 'htpasswd') errors.push(`auth.backend not supported: ${backend}`);
  if (backend === 'htpasswd' && modules.has('mod_auth') && !modules.has('mod_authn_file')) {
    log.write('configfile.ts', 'Warning: please add "mod_authn_file" to server.modules list in lighttpd.conf.  A future release of lighttpd 1.4.x will not automatically load mod_authn_file and lighttpd will fail to start up since your lighttpd.conf uses auth.backend = "htpasswd".');
    modules.add('mod_authn_file');
  }
  for (const e of errors) log.write('configfile.ts', e);
  if (errors.length) return null;
  return resolve(parsed, modules);
}

function resolve(parsed: ParsedConfig, modules: Set<string>): LoadedConfig {
  const g = { get: (k: string) => parsed.global.get(k) };
  return {
    parsed, modules, limits: limits(g),
    docroot: conf_str(g, 'server.document-root', '/').replace(/\/+$/, '') || '',
    tag: conf_str(g, 'server.tag', 'lighttpd/1.4.69'),
    bind: conf_str(g, 'server.bind', '0.0.0.0'),
    port: conf_int(g, 'server.port', 80),
  };
}
