/**
 * The Lua side of scripting (script_lua.c): the environment (base, string, table, math,
 * cjson, bit and the redis library, with Redis 7.0's readonly globals), redis.call/pcall
 * through the script's client, and the conversions between RESP replies and Lua values.
 * https://redis.io/docs/interact/programmability/lua-api/
 */
import { sha1 } from '../../libc/crypt/sha1.ts';
import { to_hex } from '../../libc/crypt/sha256.ts';
import { open_base, fn } from './lua/lbaselib.ts';
import { open_cjson } from './lua/lcjson.ts';
import { LuaError, type LuaValue, LuaTable, fmt_g } from './lua/lobject.ts';
import { open_string } from './lua/lstrlib.ts';
import { open_math, open_table, Rand48 } from './lua/ltablib.ts';
import { open_bit } from './lua/lbitlib.ts';
import { open_cmsgpack } from './lua/lcmsgpack.ts';
import { compile_lua, rt_error } from './lua/lvm.ts';
import { parse } from './lua/lparser.ts';
import type { Client } from './networking.ts';

export function sha1hex(s: string): string {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return to_hex(sha1(b));
}

/** What redis.call does for a script: the command's reply as RESP bytes, or a refusal text. */
export type ScriptCaller = (argv: string[], raise: boolean) => LuaValue;

export interface LuaEnv { g: LuaTable; rand: Rand48; compile: (src: string, name: string) => LuaValue[] }

/** luaRedisGenericCommand's argument rule: strings, and numbers as %.17g. */
export function lua_args(args: LuaValue[]): string[] | null {
  const out: string[] = [];
  for (const a of args) {
    if (typeof a === 'string') out.push(a);
    else if (typeof a === 'number') out.push(Number.isInteger(a) && Math.abs(a) < 1e17 ? String(a) : fmt_g(a, 17));
    else return null;
  }
  return out;
}

/**
 * luaPushErrorBuff: an error table from "-CODE msg" (the code is the first word; a lone word
 * is the message under ERR) or from a bare "msg" (under ERR), CR/LF trimmed from the message.
 */
export function error_table(s: string): LuaTable {
  let code = 'ERR', msg = s;
  if (s.startsWith('-')) {
    const sp = s.indexOf(' ');
    if (sp < 0) msg = s.slice(1); else { code = s.slice(1, sp); msg = s.slice(sp + 1); }
  }
  return reply_table('err', `${code} ${msg.replace(/^[\r\n]+|[\r\n]+$/g, '')}`);
}

function reply_table(field: string, msg: LuaValue): LuaTable {
  const t = new LuaTable();
  t.set(field, msg);
  return t;
}

function open_redis(g: LuaTable, call: ScriptingState['call']): void {
  const r = new LuaTable();
  const reg = (name: string, f: (a: LuaValue[]) => LuaValue[]): void => r.set(name, fn(name, f));
  const invoke = (a: LuaValue[], raise: boolean): LuaValue[] => {
    if (a.length === 0) rt_error('Please specify at least one argument for this redis lib call');
    const argv = lua_args(a);
    if (!argv) return raise ? rt_error_table('ERR Lua redis lib command arguments must be strings or integers') : [reply_table('err', 'ERR Lua redis lib command arguments must be strings or integers')];
    return [call.fn!(argv, raise)];
  };
  reg('call', (a) => invoke(a, true));
  reg('pcall', (a) => invoke(a, false));
  reg('error_reply', (a) => {
    if (a.length !== 1 || typeof a[0] !== 'string') return [error_table('wrong number or type of arguments')];
    return [error_table(a[0].startsWith('-') ? a[0] : `-${a[0]}`)];
  });
  reg('status_reply', (a) => [a.length !== 1 || typeof a[0] !== 'string' ? error_table('wrong number or type of arguments') : reply_table('ok', a[0])]);
  reg('sha1hex', (a) => { if (a.length !== 1 || (typeof a[0] !== 'string' && typeof a[0] !== 'number')) rt_error('wrong number of arguments'); return [sha1hex(String(a[0]))]; });
  reg('log', (a) => {
    if (a.length < 2) rt_error('redis.log() requires two arguments or more.');
    if (typeof a[0] !== 'number' || a[0] < 0 || a[0] > 3) rt_error('Invalid debug level.');
    call.log(a[0], a.slice(1).map((x) => (typeof x === 'string' || typeof x === 'number' ? String(x) : '')).join(' '));
    return [];
  });
  reg('setresp', (a) => { if (a[0] !== 2 && a[0] !== 3) rt_error('RESP version must be 2 or 3.'); call.resp = a[0] as number; return []; });
  reg('set_repl', (a) => { if (typeof a[0] !== 'number' || a[0] < 0 || a[0] > 3) rt_error('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.'); return []; });
  reg('replicate_commands', () => [true]);
  reg('acl_check_cmd', (a) => {
    const argv = lua_args(a);
    if (!argv || argv.length === 0) rt_error('Please specify at least one argument for this redis lib call');
    const r = call.acl!(argv!);
    if (r === null) rt_error('Invalid command passed to redis.acl_check_cmd()');
    return [r];
  });
  reg('breakpoint', () => [false]);
  reg('debug', () => []);
  for (const [k, v] of [['LOG_DEBUG', 0], ['LOG_VERBOSE', 1], ['LOG_NOTICE', 2], ['LOG_WARNING', 3], ['REPL_NONE', 0], ['REPL_AOF', 1], ['REPL_SLAVE', 2], ['REPL_REPLICA', 2], ['REPL_ALL', 3]] as [string, number][]) r.set(k, v);
  r.set('REDIS_VERSION', '7.0.15');
  r.set('REDIS_VERSION_NUM', 0x07000f); // (major << 16) | (minor << 8) | patch
  r.readonly = true;
  g.set('redis', r);
}

/** An error as redis.call raises it: a table with the reply's error text. */
export function rt_error_table(msg: string): never { throw new LuaError(reply_table('err', msg)); }

export interface ScriptingState {
  env: LuaEnv;
  /** Set per run: redis.call's implementation, and redis.acl_check_cmd's (null: no such command). */
  call: { fn: ScriptCaller | null; acl: ((argv: string[]) => boolean | null) | null; log: (level: number, msg: string) => void; resp: number };
}

/** scriptingInit: one environment for every script, its globals readonly once set up. */
export function lua_init(log: (level: number, msg: string) => void): ScriptingState {
  const g = new LuaTable(), rand = new Rand48();
  const call: ScriptingState['call'] = { fn: null, acl: null, log, resp: 2 };
  const compile = (src: string, name: string): LuaValue[] => {
    try { return [compile_chunk(src, g, name)]; } catch (e) { if (e instanceof LuaSyntaxErrorLike) return [undefined, e.message]; throw e; }
  };
  open_base(g, compile);
  open_string(g);
  open_table(g);
  open_math(g, rand);
  open_cjson(g).readonly = true;
  open_bit(g).readonly = true;
  open_cmsgpack(g).readonly = true;
  open_redis(g, call);
  for (const lib of ['string', 'table', 'math']) (g.get(lib) as LuaTable).readonly = true;
  g.set('_G', g);
  // Globals protection (luaSetErrorMetatable / lua_enablereadonlytable): reading a missing
  // global is an error, and the table takes no writes.
  const meta = new LuaTable();
  meta.set('__index', fn('__index', (a) => rt_error(`Script attempted to access nonexistent global variable '${String(a[1])}'`)));
  meta.readonly = true; // getmetatable(_G).__index = … must fail too
  g.meta = meta;
  g.readonly = true;
  return { env: { g, rand, compile }, call };
}

class LuaSyntaxErrorLike extends Error {}

/**
 * luaO_chunkid: how a chunk is named in messages — "=name" as name, "@file" as file, and a
 * source string as [string "its first line"], cut (with "...") to fit bufflen bytes.
 */
export function chunkid(chunkname: string, bufflen: number): string {
  const nul = chunkname.indexOf('\0'), source = nul < 0 ? chunkname : chunkname.slice(0, nul); // a C string
  if (source.startsWith('=')) return source.slice(1, bufflen);
  if (source.startsWith('@')) {
    const room = bufflen - ' \'...\' '.length - 1;
    return source.length - 1 > room ? `...${source.slice(source.length - room)}` : source.slice(1);
  }
  const room = bufflen - ' [string "..."] '.length - 1;
  let len = source.search(/[\r\n]/);
  if (len < 0) len = source.length;
  if (len > room) len = room;
  return len < source.length ? `[string "${source.slice(0, len)}..."]` : `[string "${source}"]`;
}

/** llex.c's MAXSRC: the room a syntax error gives its chunk name. */
const MAXSRC = 80;

/** Compiles a chunk (named as Lua names one: "@user_script", a source string) to a function in environment g; a syntax error is a LuaSyntaxErrorLike. */
export function compile_chunk(src: string, g: LuaTable, name: string): LuaValue {
  let ast;
  try { ast = parse(src); } catch (e) {
    if (e instanceof Error && 'line' in e) throw new LuaSyntaxErrorLike(`${chunkid(name, MAXSRC)}:${(e as { line: number }).line}: ${e.message}`);
    throw e;
  }
  return compile_lua(ast, g);
}

export { LuaSyntaxErrorLike };
