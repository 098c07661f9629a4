/**
 * server.c's state and processCommand/call: command lookup, arity and context checks with
 * Redis's error texts, MULTI queueing, propagation of writes to the AOF, and the keyspace
 * notifications WATCH and blocked clients need.
 */
import { InfoStats } from './info_fields.ts';
import { random_hex } from './util.ts';
import type { Libc } from '../../libc/index.ts';
import type { EventLoop } from './ae.ts';
import type { Aof } from './aof.ts';
import { handle_clients_blocked_on_keys } from './blocked.ts';
import { AclState, check_command, noperm_message } from './acl_check.ts';
import { acl_log } from './cmd_acl.ts';
import { all_commands, type Cmd, lookup_command, SCRIPT_DENYOOM, SCRIPT_WRITES } from './commands.ts';
import { set_user } from './acl.ts';
import { discard_state } from './multi.ts';
import type { Config } from './config.ts';
import { after_command_reply, CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP, CLIENT_REPLY_SKIP_NEXT } from './client_reply.ts';
import { Db } from './db.ts';
import { ErrorStats } from './errorstats.ts';
import { OOM, perform_evictions } from './evict.ts';
import { type Client, CLIENT_BLOCKED, CLIENT_CLOSE_ASAP, CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC, CLIENT_MULTI, CLIENT_PENDING_WRITE, CLIENT_PUBSUB, CLIENT_UNBLOCKED, reset_client } from './networking.ts';
import { type SlowlogEntry, slowlog_push, slowlog_times_every_call } from './slowlog.ts';
import { CLIENT_TRACKING, CLIENT_TRACKING_BCAST, CLIENT_TRACKING_CACHING, flush_pending, limit_used_slots, remember_keys, TrackingState } from './tracking.ts';
import { feed_monitors } from './monitor.ts';
import { must_postpone, postpone } from './pause.ts';
import { latency_after_call, latency_times_every_call, type LatencyTimeSeries } from './latency.ts';

const CLIENT_REPLY_MASK = CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT;
/** Calls per timed call (a power of two). */
const CALL_SAMPLE = 64;
const PUBSUB_OK = new Set(['ping', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'quit', 'reset']);
/** CMD_PROTECTED commands and the option that lets them run (processCommand). */
const PROTECTED_BY: Record<string, string> = { debug: 'enable-debug-command', module: 'enable-module-command' };
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** processCommand's is_write_command: a write, a script declaring writes, or an EXEC with queued writes. */
function is_write_command(c: Client, cmd: Cmd): boolean {
  if (cmd.write) return true;
  if (cmd.may_write_of) return (cmd.may_write_of(c, c.argv) & SCRIPT_WRITES) !== 0;
  if (cmd.name !== 'exec') return false;
  return c.mstate.some((argv) => { const q = lookup_command(argv); return typeof q !== 'string' && q.write; });
}

/** Over maxmemory: denyoom commands are refused (scripts by their declared flags), and anything queued inside MULTI. */
function oom_rejects(c: Client, cmd: Cmd): boolean {
  const denyoom = cmd.may_write_of ? (cmd.may_write_of(c, c.argv) & SCRIPT_DENYOOM) !== 0 : cmd.flags.includes('denyoom');
  return denyoom || ((c.flags & CLIENT_MULTI) !== 0 && !OOM_MULTI_OK.has(cmd.name));
}
const OOM_MULTI_OK = new Set(['exec', 'discard', 'quit', 'reset']);
const RO_SCRIPTS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

export class Server {
  dbs: Db[] = [];
  clients = new Map<number, Client>();
  next_client_id = 1;
  /** The time commands see (ms), refreshed once per event-loop iteration. */
  now = 0;
  start_time = 0;
  dirty = 0;
  lastsave = 0;
  stat_numcommands = 0; stat_numconnections = 0; stat_expiredkeys = 0; stat_keyspace_hits = 0;
  stat_keyspace_misses = 0; stat_net_input_bytes = 0; stat_net_output_bytes = 0; stat_protocol_errors = 0;
  stat_rejected_conn = 0; stat_evictedkeys = 0;
  /** INFO's instantaneous metrics, peak memory, fork and save counters (info_fields.ts). */
  info_stats = new InfoStats();
  /** Values freed as lazyfree.c would free them in the background (lazyfreed_objects). */
  stat_lazyfreed_objects = 0;
  /** Error replies (INFO errorstats, total_error_replies); every client's reply counts into it. */
  errstats = new ErrorStats();
  /** server.pre_command_oom_state: over maxmemory when the command being processed arrived (scripts consult it). */
  pre_command_oom = false;
  /**
   * One call in CALL_SAMPLE is timed for commandstats' usec (a clock read costs ~150 ns of host
   * time here; info.ts), every call while the slowlog or latency tracking/monitor need it
   * (latency-tracking is on by default, as in Redis).
   */
  private call_seq = 0;
  /** "db\0key" → clients WATCHing it. */
  watched_keys = new Map<string, Set<Client>>();
  /** "db\0key" → clients blocked on it, in blocking order. */
  blocking_keys = new Map<string, Client[]>();
  ready_keys: [Db, string][] = [];
  channels = new Map<string, Set<Client>>();
  patterns = new Map<string, Set<Client>>();
  shard_channels = new Map<string, Set<Client>>();
  pending_writes: Client[] = [];
  aof: Aof | null = null;
  /** The background child (BGSAVE/BGREWRITEAOF): its pid and what to do when it exits. */
  child_pid = -1;
  child_type: 'rdb' | 'aof' | null = null;
  child_done: ((ok: boolean) => Promise<void>) | null = null;
  rdb_bgsave_scheduled = false;
  shutdown_asap = false;
  shutdown_flags = '';
  /** Nested MULTI/EXEC propagation: commands collected during EXEC. */
  in_exec = false;
  exec_prop: [Db, string[]][] = [];
  blocked_clients = new Set<Client>();
  /** Clients in MONITOR mode (monitor.ts). */
  monitors = new Set<Client>();
  /** Client-side caching's tables (tracking.ts). */
  tracking = new TrackingState();
  /** The slow log, newest first (slowlog.ts). */
  slowlog: SlowlogEntry[] = [];
  slowlog_next_id = 0;
  /** The latency monitor's time series, by event name (latency.ts). */
  latency_events = new Map<string, LatencyTimeSeries>();
  /** Where clientsCron's round robin over the clients resumes. */
  clients_cron_pos = 0;
  /** The client whose command runs now (server.current_client). */
  current_client: Client | null = null;
  /** Clients just unblocked: their pipelined input is processed before the next sleep. */
  unblocked: Client[] = [];
  to_close: Client[] = [];
  /** Work the loop runs before its next sleep (SAVE, BGSAVE's fork, DEBUG SLEEP). */
  background: (() => Promise<unknown>)[] = [];
  /** The listening socket (-1: none, after CONFIG SET port 0), and how CONFIG SET port moves it (main.ts). */
  lfd = -1;
  change_listen_port: ((port: number) => Promise<boolean>) | null = null;

  /**
   * A command whose work is asynchronous here (a file written, a port bound) but synchronous in
   * Redis: job runs in beforeSleep before anything else is served, and the client's pipelined
   * commands wait for its reply, as they would behind Redis's blocking call.
   */
  block_on(c: Client, job: () => Promise<void>): void {
    c.flags |= CLIENT_BLOCKED;
    this.background.push(async () => {
      await job();
      c.flags = (c.flags & ~CLIENT_BLOCKED) | CLIENT_UNBLOCKED;
      reset_client(c);
      this.unblocked.push(c);
      this.add_pending(c);
    });
  }
  dirty_at_save = 0;
  lastbgsave_ok = true;
  aof_rewrite_scheduled = false;
  active_expire = true;
  config_file = '';
  el: EventLoop | null = null;
  /** Users, the ACL log (acl_check.ts), and the requirepass last applied to the default user. */
  acl = new AclState();
  private applied_requirepass = '';
  readonly exec_fn = (c: Client): void => this.exec(c);

  constructor(readonly libc: Libc, readonly config: Config, readonly pid: number) {
    for (let i = 0; i < config.databases; i++) this.dbs.push(new Db(i, this));
    this.apply_requirepass();
    this.refresh_min_replicas();
    this.info_stats.run_id = random_hex(libc, 40);
    this.info_stats.replid = random_hex(libc, 40);
  }

  /** ACLUpdateDefaultUserPassword: requirepass is the default user's one password. */
  private apply_requirepass(): void {
    const pass = this.config.requirepass, u = this.acl.default_user;
    if (pass === this.applied_requirepass) return;
    set_user(u, 'resetpass');
    set_user(u, pass ? `>${pass}` : 'nopass');
    this.applied_requirepass = pass;
  }

  /** serverLog: "pid:M dd Mon yyyy hh:mm:ss.mmm * msg", as redis-server prints it. */
  log(msg: string, level = '*'): void {
    const d = new Date(this.now || Date.now());
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const ts = `${p2(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
    this.libc.write(1, `${this.pid}:M ${ts} ${level} ${msg}\n`);
  }

  /** processCommand, then commandProcessed's CLIENT REPLY bookkeeping. */
  exec(c: Client): void {
    const mark = c.reply.len;
    this.process_command(c);
    if (c.flags & CLIENT_REPLY_MASK) after_command_reply(c, mark);
  }

  private process_command(c: Client): void {
    const argv = c.argv;
    const found = lookup_command(argv);
    if (typeof found === 'string') return this.reject(c, null, found);
    const cmd = found;
    c.last_cmd = cmd.fullname;
    if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
      return this.reject(c, cmd, `wrong number of arguments for '${cmd.fullname}' command`);
    }
    const guard = cmd.flags.includes('protected') ? PROTECTED_BY[cmd.fullname.split('|')[0]] : undefined;
    if (guard && !this.protected_allowed(c, guard)) {
      return this.reject(c, cmd, `${cmd.fullname.split('|')[0].toUpperCase()} command not allowed. If the ${guard} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`);
    }
    if (!c.authenticated && this.acl.default_needs_auth && !cmd.flags.includes('no_auth')) return this.reject(c, cmd, '-NOAUTH Authentication required.');
    if (c.flags & CLIENT_MULTI && cmd.flags.includes('no_multi')) return this.reject(c, cmd, 'Command not allowed inside a transaction');
    if (!c.user.unrestricted) {
      const r = check_command(c.user, cmd, argv);
      if (r.code) { acl_log(c, r.code, r.object); return this.reject(c, cmd, noperm_message(r)); }
    }
    if (c.flags & CLIENT_PUBSUB && c.resp === 2 && !PUBSUB_OK.has(cmd.name)) {
      return this.reject(c, cmd, `Can't execute '${cmd.fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
    }
    if (this.config.maxmemory > 0) {
      this.pre_command_oom = !perform_evictions(this);
      if (this.pre_command_oom && oom_rejects(c, cmd)) return this.reject(c, cmd, OOM);
    }
    if (this.needs_replicas && is_write_command(c, cmd)) return this.reject(c, cmd, '-NOREPLICAS Not enough good replicas to write.');
    if (must_postpone(c, cmd)) { postpone(c); return; }
    if (c.flags & CLIENT_MULTI && !MULTI_IMMEDIATE.has(cmd.name)) {
      c.mstate.push(argv);
      c.reply.status('QUEUED');
    } else {
      this.call(c, cmd);
      if (this.ready_keys.length) handle_clients_blocked_on_keys(this);
    }
    this.add_pending(c);
  }

  /**
   * checkGoodReplicasStatus: a master with min-replicas-to-write set (and a lag bound) needs
   * that many good replicas to accept writes; redis-lite has none.
   */
  good_replicas_ok(): boolean { return !this.needs_replicas; }

  /** min-replicas-to-write and -max-lag both set (refreshed on CONFIG SET: the check runs per command). */
  private needs_replicas = false;
  private refresh_min_replicas(): void {
    const to = Number(this.config.other.get('min-replicas-to-write') ?? 0), lag = Number(this.config.other.get('min-replicas-max-lag') ?? 10);
    this.needs_replicas = to > 0 && lag > 0;
  }

  /** allowProtectedAction for an enable-…-command option: yes, or local for a loopback client. */
  private protected_allowed(c: Client, option: string): boolean {
    const v = this.config.other.get(option) ?? 'no';
    return v === 'yes' || (v === 'local' && /^(127\.|\[?::1\]?:)/.test(c.addr));
  }

  /** rejectCommand: the error, counted as a rejected call of the command if it was found. */
  private reject(c: Client, cmd: Cmd | null, msg: string): void {
    if (c.flags & CLIENT_MULTI) c.flags |= CLIENT_DIRTY_EXEC;
    if (cmd) cmd.rejected_calls++;
    // execCommandAbort: a refused EXEC discards the transaction and says why.
    if (cmd?.name === 'exec') { discard_state(c); c.reply.error(`-EXECABORT Transaction discarded because of: ${msg.startsWith('-') ? msg.slice(1) : msg}`); }
    else c.reply.error(msg);
    this.add_pending(c);
  }

  /** call(): runs the command and propagates it if it changed the dataset. */
  call(c: Client, cmd: Cmd): void {
    const dirty = this.dirty, outer = this.current_client;
    if (!outer && this.tracking.clients) limit_used_slots(this);
    // A script's commands run for its caller (server.current_client vs executing_client).
    this.current_client = c.script_caller ?? c;
    c.prop = null;
    c.last_cmd = cmd.fullname;
    c.db.dict.forget();
    this.errstats.settle();
    // The argv as received: a command may replace it (GEOADD runs as ZADD); MONITOR and SLOWLOG show this one.
    const argv = c.argv;
    const timed = (++this.call_seq & (CALL_SAMPLE - 1)) === 0 || slowlog_times_every_call(c) || latency_times_every_call(this.config);
    const t0 = timed ? this.libc.clock_ns(this.libc.CLOCK_MONOTONIC) as number : -1;
    cmd.proc(c);
    if (t0 >= 0) {
      const us = Math.floor(((this.libc.clock_ns(this.libc.CLOCK_MONOTONIC) as number) - t0) / 1000);
      cmd.usec_sampled += us; cmd.samples++;
      // A blocked command is logged when it is served (blocked.ts); EXEC's commands are logged, not EXEC.
      if (!(c.flags & CLIENT_BLOCKED) && cmd.name !== 'exec') slowlog_push(c, argv, us);
      latency_after_call(this, cmd, us);
    }
    const failed = this.errstats.settle();
    feed_monitors(c, cmd, argv);
    this.after_call_tracking(c, cmd, outer);
    cmd.calls++;
    this.stat_numcommands++;
    if (failed) cmd.failed_calls++;
    if (this.dirty !== dirty && cmd.write) {
      const prop = c.prop as string[][] | null;
      if (prop) for (const a of prop) this.propagate(c.db, a);
      else this.propagate(c.db, c.argv);
    }
  }

  /**
   * Client-side caching after a command: a tracking client's read keys are remembered; at the
   * top level (not inside EXEC) invalidations of its own writes follow its reply, and a CLIENT
   * CACHING applies to one command only.
   */
  private after_call_tracking(c: Client, cmd: Cmd, outer: Client | null): void {
    // A script's read command makes its caller track the keys the script declared (trackingRememberKeys(caller)).
    const tc = c.script_caller ?? c;
    // Read-only scripts are not tracked themselves, only through the commands they run.
    if (tc.flags & CLIENT_TRACKING && !(tc.flags & CLIENT_TRACKING_BCAST) && cmd.flags.includes('readonly') && !RO_SCRIPTS.has(cmd.name)) {
      const tcmd = tc === c ? cmd : lookup_command(tc.argv);
      if (typeof tcmd !== 'string') remember_keys(tc, tcmd);
    }
    this.current_client = outer;
    if (outer) return;
    flush_pending(this, c);
    if (cmd.fullname !== 'client|caching' && !(c.flags & CLIENT_MULTI)) c.flags &= ~CLIENT_TRACKING_CACHING;
  }

  /** Sends a write to the AOF (inside EXEC, collected and wrapped in MULTI/EXEC). */
  propagate(db: Db, argv: string[]): void {
    if (!this.aof) return;
    if (this.in_exec) { this.exec_prop.push([db, argv]); return; }
    this.aof.feed(db.id, argv);
  }

  add_pending(c: Client): void {
    if (c.flags & CLIENT_PENDING_WRITE || c.reply.len === 0 || c.fd < 0) return;
    c.flags |= CLIENT_PENDING_WRITE;
    this.pending_writes.push(c);
  }

  touch_watched(db: Db, key: string): void {
    const set = this.watched_keys.get(`${db.id}\0${key}`);
    if (set) for (const c of set) c.flags |= CLIENT_DIRTY_CAS;
  }

  /** signalKeyAsReady: a key clients may be blocked on received data. */
  signal_ready(db: Db, key: string): void {
    if (this.blocking_keys.size && this.blocking_keys.has(`${db.id}\0${key}`)) this.ready_keys.push([db, key]);
  }

  /** CLIENT KILL: the client goes before the next sleep (after its reply if it killed itself). */
  kill_client(c: Client): void {
    c.flags |= CLIENT_CLOSE_ASAP;
    this.to_close.push(c);
  }

  touch_all_watched(): void {
    for (const set of this.watched_keys.values()) for (const c of set) c.flags |= CLIENT_DIRTY_CAS;
  }

  /** After CONFIG SET: settings that need action now. */
  config_changed(): void {
    this.apply_requirepass();
    this.refresh_min_replicas();
    if (!this.config.appendonly && this.aof) { void this.aof.flush(true); this.aof = null; }
  }

  reset_stats(): void {
    this.stat_numcommands = this.stat_numconnections = this.stat_expiredkeys = this.stat_keyspace_hits = 0;
    this.stat_keyspace_misses = this.stat_net_input_bytes = this.stat_net_output_bytes = this.stat_protocol_errors = 0;
    this.stat_rejected_conn = this.stat_evictedkeys = this.stat_lazyfreed_objects = 0;
    this.info_stats.ops.reset(); this.info_stats.net_in.reset(); this.info_stats.net_out.reset();
    this.info_stats.latest_fork_usec = 0;
    this.errstats.reset();
    for (const cmd of all_commands()) {
      cmd.calls = cmd.usec_sampled = cmd.samples = cmd.rejected_calls = cmd.failed_calls = 0;
      cmd.latency_histogram = null;
    }
  }

  /**
   * The memory eviction weighs against maxmemory, an estimate (the dataset lives in the
   * JavaScript heap, not in the process's emulated memory): each keyspace's table, entries,
   * arena and modelled objects, its expires entries (24 B each), plus 1 MiB for the idle
   * server. INFO's used_memory adds client buffers and script caches (memory.ts), reported as
   * mem_not_counted_for_evict.
   */
  used_memory(): number {
    let n = 0;
    for (const db of this.dbs) n += db.dict.bytes() + db.expires.size * 24;
    return n + 1024 * 1024;
  }

  /** The keyspace of DB `id`, for SELECT/MOVE/SWAPDB; null if out of range. */
  db_at(id: string): Db | null {
    if (!/^-?\d+$/.test(id)) return null;
    const n = Number(id);
    return n >= 0 && n < this.dbs.length ? this.dbs[n] : null;
  }
}
