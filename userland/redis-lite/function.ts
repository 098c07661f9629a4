/**
 * Redis 7 functions (functions.c, function_lua.c): FUNCTION LOAD runs a library's code once,
 * with only redis.register_function and the pure libraries at hand, to collect its functions;
 * FCALL/FCALL_RO call one with (KEYS, ARGV) through the same machinery as EVAL (eval.ts).
 * FUNCTION DUMP/RESTORE carry the libraries' code as RDB_OPCODE_FUNCTION2 records.
 */
import { keynum, set_getkeys } from './getkeys.ts';
import { container, type Cmd, register, SCRIPT_DENYOOM, SCRIPT_WRITES, table } from './commands.ts';
import { get_int } from './cmdutil.ts';
import { reply_help } from './help.ts';
import { fn } from './lua/lbaselib.ts';
import { LuaError, LuaFunction, type LuaValue, LuaTable } from './lua/lobject.ts';
import { call_value, rt_error, tostr, where } from './lua/lvm.ts';
import { arm_watchdog, eval_env, run_lua, RUN_ALLOW_OOM, RUN_RO, ScriptKilled } from './eval.ts';
import type { Client } from './networking.ts';
import { compile_chunk, LuaSyntaxErrorLike } from './script_lua.ts';
import type { Server } from './server.ts';
import { stringmatch } from './util.ts';
import { feed_monitors_argv } from './monitor.ts';
import { from_latin1 } from './bytes.ts';
import { seal_payload, verify_payload } from './cluster.ts';
import { Reader, Writer } from './rdb.ts';

interface LuaFunc { name: string; callback: LuaValue; no_writes: boolean; flags: string[]; lib: string; description: string | null }
interface Library { name: string; code: string; functions: Map<string, LuaFunc> }
/**
 * fenv: the globals libraries are compiled against. While a library loads its entries are the
 * load-time ones (load_globals); afterwards the full globals' (so a registered function sees
 * all of redis when it is called).
 */
interface FuncState { libs: Map<string, Library>; funcs: Map<string, LuaFunc>; fenv: LuaTable | null; load_globals: Map<LuaValue, LuaValue> | null; collecting: LuaFunc[] | null }

const STATES = new WeakMap<Server, FuncState>();
/**
 * INFO memory's function fields, modelled as scripts_memory is: 200 B for the empty library
 * context, 128 B a library and 112 B a function; the functions' Lua VM 42 KiB (redis-server
 * 7.0.15's figures here). Returns [functions, libraries, their bytes, the VM's bytes].
 */
export function functions_memory(srv: Server): [number, number, number, number] {
  const st = STATES.get(srv);
  const nf = st?.funcs.size ?? 0, nl = st?.libs.size ?? 0;
  return [nf, nl, 200 + 128 * nl + 112 * nf, 43008];
}

function fstate(srv: Server): FuncState {
  let st = STATES.get(srv);
  if (!st) { st = { libs: new Map(), funcs: new Map(), fenv: null, load_globals: null, collecting: null }; STATES.set(srv, st); }
  return st;
}

const NAME_RE = /^[A-Za-z0-9_]+$/;
const BAD_NAME = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';
const FLAG_NAMES = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

interface RegisterArgs { name: string; callback: LuaFunction; flags: string[]; description: string | null }

/** luaRegisterFunctionReadNamedArgs: {function_name=, callback=, flags=, description=}; the error text, or the arguments. */
function named_args(t: LuaValue): RegisterArgs | string {
  if (!(t instanceof LuaTable)) return 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).';
  let name: string | null = null, callback: LuaFunction | null = null, description: string | null = null, flags: string[] = [];
  for (const k of [...t.arr.keys()].map((i) => i + 1 as LuaValue).concat([...t.hash.keys()])) {
    const key = tostr(k), v = t.get(k);
    if (v === undefined) continue;
    if (key === null) return 'named argument key given to redis.register_function is not a string';
    switch (key.toLowerCase()) {
      case 'function_name': if ((name = tostr(v)) === null) return 'function_name argument given to redis.register_function must be a string'; break;
      case 'description': if ((description = tostr(v)) === null) return 'description argument given to redis.register_function must be a string'; break;
      case 'callback': if (!(v instanceof LuaFunction)) return 'callback argument given to redis.register_function must be a function'; callback = v; break;
      case 'flags':
        if (!(v instanceof LuaTable)) return 'flags argument to redis.register_function must be a table representing function flags';
        flags = v.arr.map(String);
        if (flags.some((f) => !FLAG_NAMES.has(f))) return 'unknown flag given';
        break;
      default: return 'unknown argument given to redis.register_function';
    }
  }
  if (name === null) return 'redis.register_function must get a function name argument';
  if (callback === null) return 'redis.register_function must get a callback argument';
  return { name, callback, flags, description };
}

/** luaRegisterFunctionReadPositionalArgs: (name, callback). */
function positional_args(n: LuaValue, callback: LuaValue): RegisterArgs | string {
  const name = tostr(n);
  if (name === null) return 'first argument to redis.register_function must be a string';
  if (!(callback instanceof LuaFunction)) return 'second argument to redis.register_function must be a function';
  return { name, callback, flags: [], description: null };
}

/** luaRegisterFunction: reads the arguments, then functionLibCreateFunction checks the name against the library's. */
function register_function(st: FuncState, a: LuaValue[]): LuaValue[] {
  if (!st.collecting) rt_error('redis.register_function can only be called on FUNCTION LOAD command');
  const r = a.length < 1 || a.length > 2 ? 'wrong number of arguments to redis.register_function' : a.length === 1 ? named_args(a[0]) : positional_args(a[0], a[1]);
  if (typeof r === 'string') throw new LuaError(r);
  if (!NAME_RE.test(r.name)) throw new LuaError(BAD_NAME);
  if (st.collecting.some((f) => f.name.toLowerCase() === r.name.toLowerCase())) throw new LuaError('Function already exists in the library');
  st.collecting.push({ name: r.name, callback: r.callback, no_writes: r.flags.includes('no-writes'), flags: r.flags, lib: '', description: r.description });
  return [];
}

/** The globals a library's code sees while loading: the pure libraries and a redis table holding register_function. */
function function_env(srv: Server, st: FuncState): LuaTable {
  if (st.fenv) return st.fenv;
  const g = eval_env(srv), env = new LuaTable(), redis = new LuaTable();
  const load = new Map<LuaValue, LuaValue>();
  // No math: its random numbers would make a library's load non-deterministic.
  for (const lib of ['string', 'table', 'cjson', 'bit', 'cmsgpack']) load.set(lib, g.get(lib));
  const full = g.get('redis') as LuaTable;
  for (const k of ['log', 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM']) redis.set(k, full.get(k));
  redis.set('register_function', fn('register_function', (a) => register_function(st, a)));
  redis.meta = g.meta; // redis.call at load time: "Script attempted to access nonexistent global variable 'call'"
  redis.readonly = true;
  load.set('redis', redis);
  env.hash = g.hash;
  env.meta = g.meta;
  env.readonly = true;
  st.load_globals = load;
  return (st.fenv = env);
}

/** The "#!lua name=lib" line: the library name, or the error text. */
function library_name(code: string): string | { err: string } {
  if (!code.startsWith('#!')) return { err: 'Missing library metadata' };
  const line = code.slice(0, code.indexOf('\n') < 0 ? code.length : code.indexOf('\n'));
  const parts = line.slice(2).split(' ');
  if (parts[0].toLowerCase() !== 'lua') return { err: `Engine '${parts[0]}' not found` };
  let name: string | null = null;
  for (const p of parts.slice(1).filter(Boolean)) {
    if (!p.startsWith('name=')) return { err: `Invalid metadata value given: ${p}` };
    if (name !== null) return { err: 'Invalid metadata value, name argument was given multiple times' };
    name = p.slice(5).replace(/^"(.*)"$/, '$1'); // the line is split as sdssplitargs does: quotes group
  }
  if (name === null) return { err: 'Library name was not given' };
  if (!NAME_RE.test(name)) return { err: BAD_NAME };
  return name;
}

function function_load(c: Client): void {
  const srv = c.srv, st = fstate(srv);
  let replace = false;
  for (let i = 2; i < c.argv.length - 1; i++) {
    if (c.argv[i].toLowerCase() !== 'replace') { c.reply.error(`Unknown option given: ${c.argv[i]}`); return; }
    replace = true;
  }
  const code = c.argv[c.argv.length - 1], err = load_library(srv, st, code, replace);
  if (err) { c.reply.error(err); return; }
  srv.dirty++;
  c.reply.bulk(library_name(code) as string);
}

/** functionsCreateWithLibraryCtx: compiles, collects and installs one library; the error text, or null. */
function load_library(srv: Server, st: FuncState, code: string, replace: boolean): string | null {
  const name = library_name(code);
  if (typeof name !== 'string') return name.err;
  const old = st.libs.get(name);
  if (old && !replace) return `Library '${name}' already exists`;
  const found = collect(srv, st, code);
  if (typeof found === 'string') return found;
  for (const f of found) {
    const other = st.funcs.get(f.name.toLowerCase());
    if (other && other.lib !== name) return `Function ${f.name} already exists`;
  }
  if (old) for (const f of old.functions.keys()) st.funcs.delete(f.toLowerCase());
  const lib: Library = { name, code, functions: new Map() };
  for (const f of found) { f.lib = name; lib.functions.set(f.name, f); st.funcs.set(f.name.toLowerCase(), f); }
  st.libs.set(name, lib);
  return null;
}

/** Runs the library's code to gather what it registers; the functions, or the error text. */
function collect(srv: Server, st: FuncState, code: string): LuaFunc[] | string {
  let main: LuaValue;
  const env = function_env(srv, st);
  try { main = compile_chunk(`--${code.slice(2)}`, env, '@user_function'); } catch (e) {
    if (e instanceof LuaSyntaxErrorLike) return `Error compiling function: ${e.message}`;
    throw e;
  }
  st.collecting = [];
  where.chunk = 'user_function';
  const full = env.hash;
  env.hash = st.load_globals!;
  const disarm = arm_watchdog(srv);
  try { call_value(main, []); } catch (e) {
    if (e instanceof ScriptKilled) { st.collecting = null; return 'FUNCTION LOAD timeout'; }
    if (!(e instanceof LuaError)) throw e;
    const v = e.value, msg = v instanceof LuaTable ? String(v.get('err')) : `ERR ${String(v)}`;
    st.collecting = null;
    return `Error registering functions: ${msg}`;
  } finally { where.chunk = 'user_script'; env.hash = full; disarm(); }
  const found = st.collecting;
  st.collecting = null;
  if (found.length === 0) return 'No functions registered';
  return found;
}

function fcall(c: Client, ro: boolean): void {
  const f = fstate(c.srv).funcs.get(c.argv[1].toLowerCase());
  const nk = get_int(c, c.argv[2], 'Bad number of keys provided');
  if (nk === null) return;
  if (nk < 0) { c.reply.error("Number of keys can't be negative"); return; }
  if (nk > c.argv.length - 3) { c.reply.error("Number of keys can't be greater than number of args"); return; }
  if (!f) { c.reply.error('Function not found'); return; }
  if (ro && !f.no_writes) { c.reply.error('Can not execute a script with write flag using *_ro command.'); return; }
  feed_monitors_argv(c, c.argv);
  run_lua(c, f.name, 'user_function', f.callback, c.argv.slice(3, 3 + nk), c.argv.slice(3 + nk), (ro || f.no_writes ? RUN_RO : 0) | (f.flags.includes('allow-oom') ? RUN_ALLOW_OOM : 0), true);
}

function function_list(c: Client): void {
  let withcode = false, pattern: string | null = null;
  for (let i = 2; i < c.argv.length; i++) {
    const o = c.argv[i].toLowerCase();
    if (o === 'withcode' && !withcode) withcode = true;
    else if (o === 'libraryname' && pattern === null) {
      if (i + 1 >= c.argv.length) { c.reply.error('library name argument was not given'); return; }
      pattern = c.argv[++i];
    } else { c.reply.error(`Unknown argument ${c.argv[i]}`); return; }
  }
  const libs = [...fstate(c.srv).libs.values()].filter((l) => pattern === null || stringmatch(pattern, l.name));
  const r = c.reply;
  r.array(libs.length);
  for (const l of libs) {
    r.map(withcode ? 4 : 3);
    r.bulk('library_name'); r.bulk(l.name);
    r.bulk('engine'); r.bulk('LUA');
    r.bulk('functions'); r.array(l.functions.size);
    for (const f of l.functions.values()) {
      r.map(3);
      r.bulk('name'); r.bulk(f.name);
      r.bulk('description'); r.bulk_or_nil(f.description);
      r.bulk('flags'); r.bulks(f.flags, f.flags.length);
    }
    if (withcode) { r.bulk('library_code'); r.bulk(l.code); }
  }
}

function function_delete(c: Client): void {
  const st = fstate(c.srv), lib = st.libs.get(c.argv[2]);
  if (!lib) { c.reply.error('Library not found'); return; }
  for (const f of lib.functions.keys()) st.funcs.delete(f.toLowerCase());
  st.libs.delete(lib.name);
  c.srv.dirty++;
  c.reply.ok();
}

function function_flush(c: Client): void {
  if (c.argv.length > 3) { c.reply.error("unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP."); return; }
  if (c.argv.length === 3 && !/^(sync|async)$/i.test(c.argv[2])) { c.reply.error('FUNCTION FLUSH only supports SYNC|ASYNC option'); return; }
  const st = fstate(c.srv);
  st.libs.clear(); st.funcs.clear();
  c.srv.dirty++;
  c.reply.ok();
}

/** RDB_OPCODE_FUNCTION2: one library's code in a FUNCTION DUMP payload (rdbSaveFunctions). */
const RDB_OPCODE_FUNCTION2 = 245;

function function_dump(c: Client): void {
  const w = new Writer(false);
  for (const l of fstate(c.srv).libs.values()) { w.byte(RDB_OPCODE_FUNCTION2); w.s(l.code); }
  c.reply.bulk(seal_payload(w));
}

/** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]: all of the payload's libraries or none. */
function function_restore(c: Client): void {
  const st = fstate(c.srv), policy = (c.argv[3] ?? 'append').toLowerCase();
  if (c.argv.length > 4) { c.reply.error("unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP."); return; }
  if (!['flush', 'append', 'replace'].includes(policy)) { c.reply.error('Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.'); return; }
  const b = from_latin1(c.argv[2]);
  if (!verify_payload(b)) { c.reply.error('DUMP payload version or checksum are wrong'); return; }
  const codes: string[] = [];
  try {
    const r = new Reader(b, b.length - 10);
    while (r.pos < b.length - 10) {
      if (r.byte() !== RDB_OPCODE_FUNCTION2) { c.reply.error('given type is not a function'); return; }
      codes.push(r.str());
    }
  } catch { c.reply.error('payload is not a function dump'); return; }
  if (policy === 'append') {
    for (const code of codes) {
      const name = library_name(code);
      if (typeof name === 'string' && st.libs.has(name)) { c.reply.error(`Library ${name} already exists`); return; }
    }
  }
  const saved = { libs: new Map(st.libs), funcs: new Map(st.funcs) };
  if (policy === 'flush') { st.libs.clear(); st.funcs.clear(); }
  for (const code of codes) {
    const err = load_library(c.srv, st, code, policy === 'replace');
    if (err) { st.libs = saved.libs; st.funcs = saved.funcs; c.reply.error(err); return; }
  }
  c.srv.dirty++;
  c.reply.ok();
}

function function_stats(c: Client): void {
  const st = fstate(c.srv), r = c.reply;
  r.map(2);
  r.bulk('running_script'); r.nil();
  r.bulk('engines'); r.map(1);
  r.bulk('LUA'); r.map(2);
  r.bulk('libraries_count'); r.int(st.libs.size);
  r.bulk('functions_count'); r.int(st.funcs.size);
}

// nokeys: no fixed key range — the keys are found through numkeys (getkeys.ts: movablekeys).
const FLAGS = 'noscript stale skip_monitor may_replicate no_mandatory_keys nokeys';
register('scripting', [
  ['fcall', -3, FLAGS, (c) => fcall(c, false)],
  ['fcall_ro', -3, 'readonly noscript stale skip_monitor no_mandatory_keys nokeys', (c) => fcall(c, true)],
  container('scripting', 'function', [
    ['load', -3, 'write denyoom noscript nokeys', function_load],
    ['delete', 3, 'write noscript nokeys', function_delete],
    ['flush', -2, 'write noscript nokeys', function_flush],
    ['list', -2, 'noscript nokeys', function_list],
    ['stats', 2, 'noscript allow_busy nokeys', function_stats],
    ['dump', 2, 'noscript nokeys', function_dump],
    ['restore', -3, 'write denyoom noscript nokeys', function_restore],
    ['kill', 2, 'noscript allow_busy nokeys', (c) => c.reply.error('-NOTBUSY No scripts in execution right now.')],
    ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'FUNCTION')],
  ]),
]);
for (const n of ['fcall', 'fcall_ro']) {
  const cmd = table.get(n) as Cmd;
  set_getkeys(cmd, (argv) => keynum(argv, 2));
  // fcallGetCommandFlags: a function declares its flags; an unknown one counts as writing.
  cmd.may_write_of = (c, argv) => {
    const f = fstate(c.srv).funcs.get(argv[1]?.toLowerCase() ?? '');
    if (n !== 'fcall' || f?.no_writes) return 0;
    return SCRIPT_WRITES | (f && !f.flags.includes('allow-oom') ? SCRIPT_DENYOOM : 0);
  };
}
