/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (eval.c, script.c): scripts are cached by
 * SHA-1, run in one Lua environment (script_lua.ts) through a client of their own whose
 * replies are read back as Lua values; their writes are propagated as the commands they ran,
 * wrapped in MULTI/EXEC (effects replication, Redis 7's only mode). A script runs to its end:
 * there is no busy-script timeout, so SCRIPT KILL never finds one running.
 */
import { keynum, set_getkeys } from './getkeys.ts';
import { check_command, noperm_message } from './acl_check.ts';
import { type Cmd, container, lookup_command, register, SCRIPT_DENYOOM, SCRIPT_MAY_REPLICATE, SCRIPT_WRITES, table } from './commands.ts';
import { OOM } from './evict.ts';
import { get_int } from './cmdutil.ts';
import { feed_monitors_argv } from './monitor.ts';
import { reply_help } from './help.ts';
import { LuaError, type LuaValue, LuaTable } from './lua/lobject.ts';
import { call_value, steps, where } from './lua/lvm.ts';
import { JSON_NULL } from './lua/lcjson.ts';
import { Client } from './networking.ts';
import { compile_chunk, LuaSyntaxErrorLike, lua_init, type ScriptingState, sha1hex } from './script_lua.ts';
import { resp_to_lua } from './script_resp.ts';
import type { Server } from './server.ts';

interface Script { body: string; fn: LuaValue; no_writes: boolean; allow_oom: boolean; shebang: boolean }

/** scriptRunCtx's flags for one run: writes refused (a read-only call or no-writes), OOM not checked (allow-oom). */
export const RUN_RO = 1, RUN_ALLOW_OOM = 2;

/** Per server: the Lua environment, the script cache, the script's client, a sigset buffer. */
interface EvalState { lua: ScriptingState; scripts: Map<string, Script>; client: Client | null; sigset: number }

/**
 * A script stopped for running too long. redis-lite cannot serve other clients while a script
 * runs (it is one synchronous stretch of JavaScript), so it cannot offer Redis's BUSY replies
 * and SCRIPT KILL; instead privos's watchdog bounds the stretch: its SIGXCPU (redis-lite
 * handles it, main.ts) is the script's time limit, noticed by the step hook and not catchable
 * by pcall, as a killed script's error is not.
 */
export class ScriptKilled {}
const KILLED = '-ERR Script killed: it ran past privos\'s watchdog bound (redis-lite serves no other client while a script runs)';
const STATES = new WeakMap<Server, EvalState>();

/**
 * INFO memory's script fields, modelled (redis-lite cannot weigh its share of the JS heap): a
 * cached script costs what Redis's accounting charges — its SHA (a 48-byte allocation), the body
 * object (16) and string (its length + 4, rounded to 8), a dict entry (24); the Lua VM is 32 KiB
 * empty and grows 400 B per cached script (both read off redis-server 7.0.15 here).
 * Returns [cached scripts, their bytes, the VM's bytes].
 */
export function scripts_memory(srv: Server): [number, number, number] {
  const scripts = STATES.get(srv)?.scripts;
  if (!scripts) return [0, 0, LUA_VM_EMPTY];
  let bytes = 0;
  for (const s of scripts.values()) bytes += 48 + 16 + 24 + ((s.body.length + 4 + 7) & ~7);
  return [scripts.size, bytes, LUA_VM_EMPTY + 400 * scripts.size];
}
const LUA_VM_EMPTY = 32768;

function state(srv: Server): EvalState {
  let st = STATES.get(srv);
  if (!st) {
    const levels = ['debug', 'verbose', 'notice', 'warning'];
    const log = (lvl: number, msg: string): void => {
      if (lvl >= levels.indexOf(srv.config.loglevel)) srv.log(msg, ['.', '-', '*', '#'][lvl]);
    };
    st = { lua: lua_init(log), scripts: new Map(), client: null, sigset: srv.libc.malloc(8) };
    STATES.set(srv, st);
  }
  return st;
}

const SHEBANG_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

/** evalExtractShebangFlags: "#!lua flags=a,b" on the first line; the line becomes a comment. */
function shebang(body: string): { src: string; no_writes: boolean; allow_oom: boolean; shebang: boolean } | string {
  if (!body.startsWith('#!')) return { src: body, no_writes: false, allow_oom: false, shebang: false };
  const nl = body.indexOf('\n'), line = nl < 0 ? body : body.slice(0, nl);
  const parts = line.split(' ').filter(Boolean);
  if (parts[0] !== '#!lua') return `Unexpected engine in script shebang: ${parts[0]}`;
  let no_writes = false, allow_oom = false;
  for (const p of parts.slice(1)) {
    if (!p.startsWith('flags=')) return `Unknown lua shebang option: ${p}`;
    for (const f of p.slice(6).split(',').filter(Boolean)) {
      if (!SHEBANG_FLAGS.has(f)) return `Unexpected flag in script shebang: ${f}`;
      if (f === 'no-writes') no_writes = true;
      if (f === 'allow-oom') allow_oom = true;
    }
  }
  return { src: `--${body.slice(2)}`, no_writes, allow_oom, shebang: true };
}

/** luaCreateFunction: compiles and caches body; the script, or the error text. */
function create_script(srv: Server, body: string): [string, Script] | string {
  const st = state(srv), sha = sha1hex(body);
  const have = st.scripts.get(sha);
  if (have) return [sha, have];
  const sb = shebang(body);
  if (typeof sb === 'string') return sb;
  let f: LuaValue;
  try { f = compile_chunk(sb.src, st.lua.env.g, '@user_script'); } catch (e) {
    if (e instanceof LuaSyntaxErrorLike) return `Error compiling script (new function): ${e.message}`;
    throw e;
  }
  const s: Script = { body, fn: f, no_writes: sb.no_writes, allow_oom: sb.allow_oom, shebang: sb.shebang };
  st.scripts.set(sha, s);
  return [sha, s];
}

function eval_generic(c: Client, by_sha: boolean, ro: boolean): void {
  const srv = c.srv;
  const nk = get_int(c, c.argv[2]);
  if (nk === null) return;
  if (nk < 0) { c.reply.error("Number of keys can't be negative"); return; }
  if (nk > c.argv.length - 3) { c.reply.error("Number of keys can't be greater than number of args"); return; }
  let sha: string, script: Script | undefined;
  if (by_sha) {
    sha = c.argv[1].toLowerCase();
    script = state(srv).scripts.get(sha);
    if (!script) { c.reply.error('-NOSCRIPT No matching script. Please use EVAL.'); return; }
  } else {
    const r = create_script(srv, c.argv[1]);
    if (typeof r === 'string') { c.reply.error(r); return; }
    [sha, script] = r;
  }
  // EVAL skips call()'s MONITOR feed: it is shown here, before the commands it runs.
  feed_monitors_argv(c, c.argv);
  run_script(c, sha, script, c.argv.slice(3, 3 + nk), c.argv.slice(3 + nk), (ro || script.no_writes ? RUN_RO : 0) | (script.allow_oom ? RUN_ALLOW_OOM : 0));
}

function lua_list(items: string[]): LuaTable {
  const t = new LuaTable();
  for (let i = 0; i < items.length; i++) t.set(i + 1, items[i]);
  return t;
}

/** The script's client (server.lua_client): the caller's user, db and protocol for each run. */
function script_client(srv: Server, caller: Client): Client {
  const st = state(srv);
  if (!st.client) st.client = new Client(srv, 0, -1, caller.db, 'lua', '');
  const sc = st.client;
  sc.db = caller.db; sc.user = caller.user; sc.authenticated = true; sc.script_caller = caller;
  sc.resp = sc.reply.resp = 2;
  sc.reply.errors = caller.reply.errors;
  return sc;
}

/**
 * Arms the step hook for a synchronous Lua stretch: with SIGXCPU blocked, the watchdog's
 * signal stays pending, where sigpending(2) sees it and the hook throws ScriptKilled.
 * Returns the disarm function.
 */
export function arm_watchdog(srv: Server): () => void {
  const st = state(srv), libc = srv.libc, xcpu = 2 ** (libc.SIGXCPU - 1);
  steps.hook = () => { libc.sigpending(st.sigset); if (libc.peek_u32(st.sigset) & xcpu) throw new ScriptKilled(); };
  libc.sigprocmask(libc.SIG_BLOCK, [libc.SIGXCPU]);
  return () => { steps.hook = null; libc.sigprocmask(libc.SIG_UNBLOCK, [libc.SIGXCPU]); };
}

/** The global table every script and function runs in. */
export function eval_env(srv: Server): LuaTable { return state(srv).lua.env.g; }

function run_script(c: Client, sha: string, script: Script, keys: string[], args: string[], flags: number): void {
  run_lua(c, sha, 'user_script', script.fn, keys, args, flags, false);
}

/**
 * Runs a script (KEYS and ARGV as globals) or a function (called with them) for client c,
 * with the step hook armed, its writes collected for propagation, and its result or error
 * as c's reply ("… script: <name>, on @<chunk>:<line>.").
 */
export function run_lua(c: Client, name: string, chunk: string, f: LuaValue, keys: string[], args: string[], flags: number, is_function: boolean): void {
  const srv = c.srv, st = state(srv), g = st.lua.env.g, sc = script_client(srv, c);
  const kt = lua_list(keys), at = lua_list(args);
  if (!is_function) { g.readonly = false; g.set('KEYS', kt); g.set('ARGV', at); g.readonly = true; }
  st.lua.call.resp = 2;
  const run: RunCtx = { flags, dirty: false };
  st.lua.call.fn = (argv, raise) => script_call(srv, sc, c, argv, raise, run);
  st.lua.call.acl = (argv) => {
    const cmd = lookup_command(argv);
    if (typeof cmd === 'string' || (cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) return null;
    return c.user.unrestricted || check_command(c.user, cmd, argv).code === 0;
  };
  const outer = srv.in_exec, props = srv.exec_prop;
  if (!outer) { srv.in_exec = true; srv.exec_prop = []; }
  where.chunk = chunk; where.line = 0;
  const disarm = arm_watchdog(srv);
  try {
    const r = call_value(f, is_function ? [kt, at] : []);
    lua_to_resp(c, r[0]);
  } catch (e) {
    if (e instanceof ScriptKilled) { srv.log(`Lua script ${name} stopped at the watchdog bound`, '#'); c.reply.error(`${KILLED} script: ${name}, on @${chunk}:${where.line}.`); }
    else if (e instanceof LuaError) c.reply.error(error_text(e.value, name, chunk), !stats_counted(e.value));
    else if (e instanceof RangeError) c.reply.error(error_text(`${chunk}:${where.line}: stack overflow`, name, chunk)); // the host stack ran out (deep recursion)
    else throw e;
  } finally {
    st.lua.call.fn = null;
    disarm();
    where.chunk = 'user_script';
    if (!outer) { const collected = srv.exec_prop; srv.in_exec = false; srv.exec_prop = props; propagate_effects(srv, collected); }
  }
}

/** The commands a script ran, to the AOF; more than one inside MULTI/EXEC. */
function propagate_effects(srv: Server, props: Server['exec_prop']): void {
  if (props.length > 1) srv.propagate(props[0][0], ['MULTI']);
  for (const [db, argv] of props) srv.propagate(db, argv);
  if (props.length > 1) srv.propagate(props[props.length - 1][0], ['EXEC']);
}

/** luaCallFunction's error reply: "<msg> script: <name>, on @<chunk>:<line>." */
function error_text(v: LuaValue, name: string, chunk: string): string {
  let msg: string;
  if (v instanceof LuaTable && typeof v.get('err') === 'string') msg = v.get('err') as string;
  else msg = `ERR ${v instanceof LuaTable ? 'table' : String(v)}`;
  return `-${msg.startsWith('-') ? msg.slice(1) : msg} script: ${name}, on @${chunk}:${where.line}.`;
}

/** A run's scriptRunCtx: its RUN_ flags, and whether it has written yet (SCRIPT_WRITE_DIRTY). */
interface RunCtx { flags: number; dirty: boolean }

/** The field luaRedisGenericCommand sets on an error already counted in the error stats. */
const COUNTED = 'ignore_error_stats_update';
const stats_counted = (v: LuaValue): boolean => v instanceof LuaTable && v.get(COUNTED) === true;

/** scriptVerifyOOM: a denyoom command, the script's first write, while the server was over maxmemory when the script began. */
function oom_refused(srv: Server, run: RunCtx, cmd: Cmd): boolean {
  return !(run.flags & RUN_ALLOW_OOM) && srv.config.maxmemory > 0 && !run.dirty && srv.pre_command_oom && cmd.flags.includes('denyoom');
}

/** The reason scriptCall refuses cmd before running it, or null. */
function script_refusal(srv: Server, caller: Client, cmd: Cmd, argv: string[], run: RunCtx): string | null {
  if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) return 'ERR Wrong number of args calling Redis command from script';
  if (cmd.flags.includes('noscript')) return 'ERR This Redis command is not allowed from script';
  if (!caller.user.unrestricted) {
    const r = check_command(caller.user, cmd, argv);
    if (r.code) return `ERR ${noperm_message(r).replace(/^-NOPERM this user has no permissions to/, 'The user executing the script can\'t')}`;
  }
  // A read-only script counts may-replicate commands (PUBLISH, …) as writes, so it can run under CLIENT PAUSE WRITE.
  if ((cmd.write || cmd.flags.includes('may_replicate')) && run.flags & RUN_RO) return 'ERR Write commands are not allowed from read-only scripts.';
  if (cmd.write && !srv.good_replicas_ok()) return 'NOREPLICAS Not enough good replicas to write.';
  if (oom_refused(srv, run, cmd)) return OOM.slice(1);
  return null;
}

/**
 * scriptCall: the checks, then the command through the script's client. A refusal is counted
 * as the command's rejected call and in the error stats (afterErrorReply), as an error reply
 * of the command is; either way the error table says so, so the script's reply of it is not
 * counted twice.
 */
function script_call(srv: Server, sc: Client, caller: Client, argv: string[], raise: boolean, run: RunCtx): LuaValue {
  const fail = (msg: string): LuaValue => {
    const t = new LuaTable();
    t.set('err', msg);
    t.set(COUNTED, true);
    srv.errstats.error_reply(`-${msg}`);
    srv.errstats.settle(); // the refused command owns this error (incrCommandStatsOnError), not the script
    if (raise) throw new LuaError(t);
    return t;
  };
  const cmd = lookup_command(argv);
  if (typeof cmd === 'string') return fail('ERR Unknown Redis command called from script');
  const refused = script_refusal(srv, caller, cmd, argv, run);
  if (refused !== null) { cmd.rejected_calls++; return fail(refused); }
  if (cmd.write) run.dirty = true;
  sc.argv = argv;
  sc.reply.len = 0;
  srv.call(sc, cmd);
  const v = resp_to_lua(sc.reply.buf, sc.reply.len);
  sc.reply.len = 0;
  if (v instanceof LuaTable && v.get('err') !== undefined) {
    v.set(COUNTED, true);
    if (raise) throw new LuaError(v);
  }
  return v;
}

/** How deep a reply may nest before it is cut with Redis's "reached lua stack limit" error. */
const REPLY_DEPTH_MAX = 1000;

/** luaReplyToRedisReply for a RESP2 caller. */
function lua_to_resp(c: Client, v: LuaValue, depth = 0): void {
  const r = c.reply;
  if (depth > REPLY_DEPTH_MAX) { r.error('reached lua stack limit'); return; }
  if (typeof v === 'string') r.bulk(v);
  else if (typeof v === 'boolean') { if (v) r.int(1); else r.nil(); }
  else if (typeof v === 'number') r.int(Math.trunc(v));
  else if (v instanceof LuaTable && v !== JSON_NULL) {
    const err = v.get('err'), ok = v.get('ok');
    if (typeof err === 'string') { r.error(err.startsWith('-') ? err : `-${err}`, !stats_counted(v)); return; }
    if (typeof ok === 'string') { r.status(ok.replace(/[\r\n]/g, ' ')); return; }
    let n = 0;
    while (v.get(n + 1) !== undefined) n++;
    r.array(n);
    for (let i = 1; i <= n; i++) lua_to_resp(c, v.get(i), depth + 1);
  } else r.nil();
}

function script_cmd_load(c: Client): void {
  const r = create_script(c.srv, c.argv[2]);
  if (typeof r === 'string') c.reply.error(r); else c.reply.bulk(r[0]);
}

function script_exists(c: Client): void {
  const scripts = state(c.srv).scripts;
  c.reply.array(c.argv.length - 2);
  for (let i = 2; i < c.argv.length; i++) c.reply.int(scripts.has(c.argv[i].toLowerCase()) ? 1 : 0);
}

function script_flush(c: Client): void {
  if (c.argv.length > 3 || (c.argv.length === 3 && !/^(sync|async)$/i.test(c.argv[2]))) { c.reply.error('SCRIPT FLUSH only support SYNC|ASYNC option'); return; }
  state(c.srv).scripts.clear();
  c.reply.ok();
}


// nokeys: no fixed key range — their keys are found through numkeys (getkeys.ts: movablekeys).
const FLAGS = 'noscript stale skip_monitor may_replicate no_mandatory_keys nokeys';
const RO_FLAGS = 'readonly noscript stale skip_monitor no_mandatory_keys nokeys';
register('scripting', [
  ['eval', -3, FLAGS, (c) => eval_generic(c, false, false)],
  ['evalsha', -3, FLAGS, (c) => eval_generic(c, true, false)],
  ['eval_ro', -3, RO_FLAGS, (c) => eval_generic(c, false, true)],
  ['evalsha_ro', -3, RO_FLAGS, (c) => eval_generic(c, true, true)],
  container('scripting', 'script', [
    ['load', 3, 'noscript stale nokeys', script_cmd_load],
    ['exists', -3, 'noscript nokeys', script_exists],
    ['flush', -2, 'noscript nokeys', script_flush],
    ['kill', 2, 'noscript allow_busy nokeys', (c) => c.reply.error('-NOTBUSY No scripts in execution right now.')],
    ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'SCRIPT')],
  ]),
]);
/**
 * evalGetCommandFlags: a script with a shebang declares whether it writes (no-writes); one
 * without keeps EVAL's may_replicate. EVALSHA of an unknown script counts as writing.
 */
function eval_may_write(c: Client, argv: string[], by_sha: boolean, ro: boolean): number {
  let sb: ReturnType<typeof shebang> | undefined;
  if (by_sha) { const s = state(c.srv).scripts.get(argv[1].toLowerCase()); sb = s && { src: '', no_writes: s.no_writes, allow_oom: s.allow_oom, shebang: s.shebang }; }
  else sb = shebang(argv[1]);
  if (!sb || typeof sb === 'string' || !sb.shebang) return ro ? 0 : SCRIPT_MAY_REPLICATE; // compatibility mode
  return sb.no_writes ? 0 : SCRIPT_WRITES | (sb.allow_oom ? 0 : SCRIPT_DENYOOM);
}

for (const n of ['eval', 'evalsha', 'eval_ro', 'evalsha_ro']) {
  const cmd = table.get(n) as Cmd;
  set_getkeys(cmd, (argv) => keynum(argv, 2));
  cmd.may_write_of = (c, argv) => eval_may_write(c, argv, n.startsWith('evalsha'), n.endsWith('_ro'));
}

