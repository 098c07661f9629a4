/**
 * mod_auth, basic scheme (lighttpd's mod_auth.c): auth.require = ( "PREFIX" => ( "method" =>
 * "basic", "realm" => "...", "require" => "valid-user" | "user=a|user=b" ) ) over the
 * htpasswd backend. Answers as lighttpd 1.4.69: no or foreign credentials → 401 with
 * WWW-Authenticate; undecodable Basic data or no ':' → 400; unknown user or wrong password →
 * 401 and the connection closes; a user the rule does not admit → 401.
 */
import type { Server } from './base.ts';
import { base64_decode } from './base64.ts';
import { conf_pairs, conf_str, type RequestConfig } from './configfile_glue.ts';
import { is_keyed, type Value } from './configfile.ts';
import { AuthnFile } from './mod_authn_file.ts';
import type { Request } from './request.ts';

const dec = new TextDecoder();

interface Rule { prefix: string; method: string; realm: string; require: string }

export interface AuthDecision { status: number; realm?: string; close?: boolean; user?: string }

export class Auth {
  private readonly files = new Map<string, AuthnFile>();
  fdcap = false;

  constructor(private readonly srv: Server) {}

  /** The backend for a userfile path (one open file, one fdcap context, per path). */
  backend(path: string): AuthnFile {
    let f = this.files.get(path);
    if (!f) {
      f = new AuthnFile(this.srv.libc, path, this.srv.errorlog);
      if (this.files.size === 0) this.fdcap = f.setup_fdcap();
      this.files.set(path, f);
    }
    return f;
  }
}

/** Rules made from the parsed config, by their value (made once, not per request). */
const rules = new WeakMap<object, Rule>();

function rule_of(prefix: string, v: Value): Rule {
  const hit = typeof v === 'object' ? rules.get(v) : undefined;
  if (hit && hit.prefix === prefix) return hit;
  const m = new Map(is_keyed(v) ? v.entries.map(([k, x]) => [k, String(x)] as [string, string]) : []);
  const r = { prefix, method: m.get('method') ?? '', realm: m.get('realm') ?? '', require: m.get('require') ?? '' };
  if (typeof v === 'object') rules.set(v, r);
  return r;
}

/** Checks auth.require's rules for errors lighttpd reports at startup. */
export function mod_auth_check_config(pairs: [string, Value][]): string | null {
  for (const [prefix, v] of pairs) {
    const r = rule_of(prefix, v);
    if (!is_keyed(v)) return `auth.require should contain an array as in: auth.require = ( "..." => ( ..., ...) )`;
    if (r.method !== 'basic') return `method "${r.method}" for ${prefix} is not supported by lighttpd-lite (only "basic")`;
    if (!r.require) return `the require field is missing or blank in: auth.require = ( "${prefix}" => ( ... ) )`;
  }
  return null;
}

function admits(spec: string, user: string): boolean {
  return spec.split('|').some((t) => t === 'valid-user' || t === `user=${user}`);
}

/** The first auth.require rule whose prefix starts the path, as mod_auth matches. */
function matching_rule(rc: RequestConfig, path: string): Rule | null {
  for (const [prefix, v] of conf_pairs(rc, 'auth.require')) if (path.startsWith(prefix)) return rule_of(prefix, v);
  return null;
}

const is_ws = (c: number): boolean => c === 32 || c === 9;
const BASIC = 'basic';

/** The credentials of "Basic SP+ TOKEN [SP*]" (scheme case-insensitive; blanks inside the token are base64_decode's to skip), else null. */
function basic_credentials(h: string): string | null {
  if (h.length < 6 || !is_ws(h.charCodeAt(5))) return null;
  for (let k = 0; k < 5; k++) if ((h.charCodeAt(k) | 0x20) !== BASIC.charCodeAt(k)) return null; // | 0x20: ASCII lowercase
  let i = 6, j = h.length;
  while (i < j && is_ws(h.charCodeAt(i))) i++;
  while (j > i && is_ws(h.charCodeAt(j - 1))) j--;
  return i < j ? h.slice(i, j) : null;
}

/** null when no rule applies; status 0 (and the user) when the request may proceed; otherwise the status to answer with. Synchronous until a password must be checked. */
export function mod_auth(srv: Server, rc: RequestConfig, req: Request, path: string, peer: string): AuthDecision | null | Promise<AuthDecision> {
  const rule = matching_rule(rc, path);
  if (!rule || !srv.auth) return null;
  const h = req.headers.get('authorization');
  const b64 = h === undefined ? null : basic_credentials(h);
  if (b64 === null) return { status: 401, realm: rule.realm };
  const raw = base64_decode(b64);
  if (!raw) { srv.errorlog.write('mod_auth.ts', `decoding base64-string failed ${b64}`); return { status: 400 }; }
  const colon = raw.indexOf(58);
  if (colon < 0) { srv.errorlog.write('mod_auth.ts', `missing ':' in ${dec.decode(raw)}`); return { status: 400 }; }
  // slice, not subarray: a view would move the small array's storage off V8's heap (a malloc per request).
  return check_password(srv, rc, rule, path, peer, dec.decode(raw.slice(0, colon)), raw.slice(colon + 1));
}

async function check_password(srv: Server, rc: RequestConfig, rule: Rule, path: string, peer: string, user: string, pw: Uint8Array): Promise<AuthDecision> {
  const file = conf_str(rc, 'auth.backend.htpasswd.userfile', '');
  const res = file ? await srv.auth!.backend(file).check(user, pw, srv.now) : 'error';
  if (res === 'error') return { status: 500 };
  if (res !== 'ok') {
    srv.errorlog.write('mod_auth.ts', `password doesn't match for ${path} username: ${user} IP: ${peer}`);
    return { status: 401, realm: rule.realm, close: true };
  }
  return admits(rule.require, user) ? { status: 0, user } : { status: 401, realm: rule.realm };
}
