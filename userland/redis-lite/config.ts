/**
 * config.c: the parameters redis-lite knows, parsed from a config file and `--name value`
 * arguments at start, and read/changed at run time by CONFIG GET/SET with Redis's replies.
 */
import { is_lfu, type Policy, POLICIES } from './evict.ts';
import { events_to_flags, flags_to_events } from './notify.ts';
import { limits } from './object.ts';
import { string2d, string2ll, stringmatch } from './util.ts';

export interface Config {
  port: number; bind: string; dir: string; appendonly: boolean; appendfsync: 'always' | 'everysec' | 'no';
  appendfilename: string; appenddirname: string; dbfilename: string; save: string; hz: number;
  kerncall: boolean; kerncall_iterations: number; databases: number; maxclients: number; timeout: number;
  proto_max_bulk_len: number; client_query_buffer_limit: number; aof_load_truncated: boolean;
  requirepass: string; loglevel: string; other: Map<string, string>;
  maxmemory: number; maxmemory_policy: Policy; maxmemory_samples: number; lfu_log_factor: number; lfu_decay_time: number;
  /** maxmemory-policy is an LFU one: robj.lru holds LFU data (evict.ts). */
  lfu: boolean;
  /** notify-keyspace-events as NOTIFY_* flags (notify.ts). */
  notify_keyspace_events: number;
  tracking_table_max_keys: number;
  slowlog_log_slower_than: number; slowlog_max_len: number;
  /** latency.ts: spikes of this many ms or more are monitored (0: off); per-command histograms; INFO's percentiles. */
  latency_monitor_threshold: number | bigint; latency_tracking: boolean; latency_tracking_info_percentiles: number[];
}

export function default_config(): Config {
  return {
    port: 6379, bind: '127.0.0.1', dir: '/', appendonly: false, appendfsync: 'everysec',
    appendfilename: 'appendonly.aof', appenddirname: 'appendonlydir', dbfilename: 'dump.rdb',
    save: '3600 1 300 100 60 10000', hz: 10, kerncall: false, kerncall_iterations: 10000, databases: 16,
    maxclients: 10000, timeout: 0, proto_max_bulk_len: 512 * 1024 * 1024,
    client_query_buffer_limit: 1024 * 1024 * 1024, aof_load_truncated: true, requirepass: '', loglevel: 'notice',
    other: new Map(Object.entries(OTHER_DEFAULTS)),
    maxmemory: 0, maxmemory_policy: 'noeviction', maxmemory_samples: 5, lfu_log_factor: 10, lfu_decay_time: 1, lfu: false,
    notify_keyspace_events: 0, tracking_table_max_keys: 1000000, slowlog_log_slower_than: 10000, slowlog_max_len: 128,
    latency_monitor_threshold: 0, latency_tracking: true, latency_tracking_info_percentiles: [50, 99, 99.9],
  };
}

/** Parameters accepted and reported but with no effect in redis-lite (documented in docs/porting-a-program.md). */
const OTHER_DEFAULTS: Record<string, string> = {
  'list-max-listpack-size': '-2', 'list-compress-depth': '0', 
  'logfile': '', 'daemonize': 'no', 'protected-mode': 'yes', 'tcp-keepalive': '300', 'tcp-backlog': '511',
  'lazyfree-lazy-eviction': 'no', 'lazyfree-lazy-expire': 'no', 'lazyfree-lazy-server-del': 'no',
  'lazyfree-lazy-user-del': 'no', 'lazyfree-lazy-user-flush': 'no', 'aof-use-rdb-preamble': 'no',
  'auto-aof-rewrite-percentage': '100', 'auto-aof-rewrite-min-size': '67108864', 'io-threads': '1',
  'stop-writes-on-bgsave-error': 'yes', 'rdbcompression': 'yes', 'rdbchecksum': 'yes',
  'appendonly-fsync-on-rewrite': 'no', 'no-appendfsync-on-rewrite': 'no', 'activerehashing': 'yes',
  'lua-time-limit': '5000',
  'busy-reply-threshold': '5000', 'supervised': 'no', 'pidfile': '', 'unixsocket': '', 'enable-debug-command': 'no', 'enable-module-command': 'no', 'enable-protected-configs': 'no',
  'close-on-oom': 'no', 'set-proc-title': 'yes', 'replica-read-only': 'yes', 'repl-diskless-sync': 'yes',
  'active-expire-effort': '1', 'acllog-max-len': '128', 'aclfile': '', 'repl-backlog-size': '1048576', 'min-replicas-to-write': '0', 'min-replicas-max-lag': '10',
  'zset-max-ziplist-entries': '128', 'zset-max-ziplist-value': '64', 'replicaof': '',
  'key-load-delay': '0', 'rdb-key-save-delay': '0',
};

/** HIDDEN_CONFIG: left out of CONFIG GET's pattern matches, shown only when asked for by name. */
const HIDDEN = new Set(['key-load-delay', 'rdb-key-save-delay']);

const ALIASES: Record<string, string> = {
  'hash-max-ziplist-entries': 'hash-max-listpack-entries', 'hash-max-ziplist-value': 'hash-max-listpack-value',
  'zset-max-ziplist-entries': 'zset-max-listpack-entries', 'zset-max-ziplist-value': 'zset-max-listpack-value',
  'list-max-ziplist-size': 'list-max-listpack-size', slaveof: 'replicaof',
};

/** memtoull: "512mb", "1gb", "100k" → bytes; null if malformed. */
export function memtoull(s: string): number | null {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(s);
  if (!m) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const mul: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * mul[unit];
}

type Param = { get: (c: Config) => string; set: (c: Config, v: string) => string | null };

const yesno = (v: string): boolean | null => (v.toLowerCase() === 'yes' ? true : v.toLowerCase() === 'no' ? false : null);
const BOOL_ERR = "argument must be 'yes' or 'no'";
const INT_ERR = 'argument couldn\'t be parsed into an integer';

function int_param(get: (c: Config) => number, put: (c: Config, n: number) => void, min = -Infinity, max = Infinity, mem = false): Param {
  return {
    get: (c) => String(get(c)),
    set: (c, v) => {
      const n = mem ? memtoull(v) : /^-?\d+$/.test(v) ? Number(v) : null;
      if (n === null) return INT_ERR;
      if (n < min || n > max) return `argument must be between ${min} and ${max} inclusive`;
      put(c, n); return null;
    },
  };
}

function limit_param(k: keyof typeof limits): Param {
  return int_param(() => limits[k], (_c, n) => { limits[k] = n; }, 0, 2 ** 31);
}

/** LLONG_MAX, the top of latency-monitor-threshold's range (createLongLongConfig). */
const LLONG_MAX = 9223372036854775807n;

/** printf("%f") then trimDoubleString, as Redis prints a percentile: 50 → "50", 99.9 → "99.9". */
export function percentile_string(p: number): string {
  return p.toFixed(6).replace(/\.?0+$/, '');
}

/**
 * latency-tracking-info-percentiles, a MULTI_ARG_CONFIG: the value split at each space (an
 * empty value: no percentiles), each a double in [0, 100]; printed with %f, zeros trimmed.
 */
const percentiles_param: Param = {
  get: (c) => c.latency_tracking_info_percentiles.map(percentile_string).join(' '),
  set: (c, v) => {
    const out: number[] = [];
    for (const a of v === '' ? [] : v.split(' ')) {
      const p = string2d(a);
      if (p === null) return 'Invalid latency-tracking-info-percentiles parameters';
      if (p < 0 || p > 100) return 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]';
      out.push(p);
    }
    c.latency_tracking_info_percentiles = out;
    return null;
  },
};

/**
 * A MEMORY_CONFIG | PERCENT_CONFIG parameter (maxmemory-clients): bytes ("1mb") or "N%" of
 * maxmemory, N at most 100; kept as given in `other` (redis-lite has no client eviction).
 */
function memory_or_percent(name: string): Param {
  return {
    get: (c) => c.other.get(name) ?? '0',
    set: (c, v) => {
      const pct = v.length > 1 && v.endsWith('%') ? string2ll(v.slice(0, -1)) : null;
      const bytes = pct === null ? memtoull(v) : null;
      if ((pct === null || pct < 0) && (bytes === null || bytes < 0)) return 'argument must be a memory or percent value';
      if (pct !== null && pct > 100) return 'percentage argument must be less or equal to 100';
      c.other.set(name, pct !== null ? `${pct}%` : String(bytes));
      return null;
    },
  };
}

const PARAMS: Record<string, Param> = {
  port: int_param((c) => c.port, (c, n) => { c.port = n; }, 0, 65535),
  bind: { get: (c) => c.bind, set: (c, v) => { c.bind = v.split(' ')[0]; return null; } },
  dir: { get: (c) => c.dir, set: (c, v) => { c.dir = v; return null; } },
  appendonly: { get: (c) => (c.appendonly ? 'yes' : 'no'), set: (c, v) => { const b = yesno(v); if (b === null) return BOOL_ERR; c.appendonly = b; return null; } },
  appendfsync: {
    get: (c) => c.appendfsync,
    set: (c, v) => { const m = v.toLowerCase(); if (m !== 'always' && m !== 'everysec' && m !== 'no') return 'argument(s) must be one of the following: always, everysec, no'; c.appendfsync = m; return null; },
  },
  appendfilename: { get: (c) => c.appendfilename, set: (c, v) => { c.appendfilename = v; return null; } },
  appenddirname: { get: (c) => c.appenddirname, set: (c, v) => { c.appenddirname = v; return null; } },
  dbfilename: { get: (c) => c.dbfilename, set: (c, v) => { c.dbfilename = v; return null; } },
  save: { get: (c) => c.save, set: (c, v) => { c.save = v; return null; } },
  hz: int_param((c) => c.hz, (c, n) => { c.hz = Math.min(Math.max(n, 1), 500); }, 0, 2 ** 31),
  kerncall: { get: (c) => (c.kerncall ? 'yes' : 'no'), set: (c, v) => { const b = yesno(v); if (b === null) return BOOL_ERR; c.kerncall = b; return null; } },
  'kerncall-iterations': int_param((c) => c.kerncall_iterations, (c, n) => { c.kerncall_iterations = n; }, 1, 2 ** 31),
  databases: int_param((c) => c.databases, (c, n) => { c.databases = n; }, 1, 2 ** 31),
  maxclients: int_param((c) => c.maxclients, (c, n) => { c.maxclients = n; }, 1, 2 ** 31),
  timeout: int_param((c) => c.timeout, (c, n) => { c.timeout = n; }, 0, 2 ** 31),
  'proto-max-bulk-len': int_param((c) => c.proto_max_bulk_len, (c, n) => { c.proto_max_bulk_len = n; }, 1024 * 1024, 2 ** 53, true),
  'client-query-buffer-limit': int_param((c) => c.client_query_buffer_limit, (c, n) => { c.client_query_buffer_limit = n; }, 1024 * 1024, 2 ** 53, true),
  'aof-load-truncated': { get: (c) => (c.aof_load_truncated ? 'yes' : 'no'), set: (c, v) => { const b = yesno(v); if (b === null) return BOOL_ERR; c.aof_load_truncated = b; return null; } },
  requirepass: { get: (c) => c.requirepass, set: (c, v) => { c.requirepass = v; return null; } },
  loglevel: { get: (c) => c.loglevel, set: (c, v) => { if (!/^(debug|verbose|notice|warning|nothing)$/.test(v)) return 'argument(s) must be one of the following: debug, verbose, notice, warning, nothing'; c.loglevel = v; return null; } },
  maxmemory: {
    get: (c) => String(c.maxmemory),
    set: (c, v) => { const n = memtoull(v); if (n === null || n < 0) return 'argument must be a memory value'; c.maxmemory = n; return null; },
  },
  'maxmemory-policy': {
    get: (c) => c.maxmemory_policy,
    set: (c, v) => {
      const p = POLICIES.find((x) => x === v.toLowerCase());
      if (!p) return `argument(s) must be one of the following: ${POLICIES.join(', ')}`;
      c.maxmemory_policy = p; c.lfu = is_lfu(p); return null;
    },
  },
  'maxmemory-samples': int_param((c) => c.maxmemory_samples, (c, n) => { c.maxmemory_samples = n; }, 1, 2 ** 31 - 1),
  'lfu-log-factor': int_param((c) => c.lfu_log_factor, (c, n) => { c.lfu_log_factor = n; }, 0, 2 ** 31 - 1),
  'lfu-decay-time': int_param((c) => c.lfu_decay_time, (c, n) => { c.lfu_decay_time = n; }, 0, 2 ** 31 - 1),
  'notify-keyspace-events': {
    get: (c) => flags_to_events(c.notify_keyspace_events),
    set: (c, v) => { const f = events_to_flags(v); if (f < 0) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."; c.notify_keyspace_events = f; return null; },
  },
  'hash-max-listpack-entries': limit_param('hash_max_listpack_entries'),
  'hash-max-listpack-value': limit_param('hash_max_listpack_value'),
  'set-max-intset-entries': limit_param('set_max_intset_entries'),
  'zset-max-listpack-entries': limit_param('zset_max_listpack_entries'),
  'zset-max-listpack-value': limit_param('zset_max_listpack_value'),
  'stream-node-max-bytes': limit_param('stream_node_max_bytes'),
  'stream-node-max-entries': limit_param('stream_node_max_entries'),
  'hll-sparse-max-bytes': limit_param('hll_sparse_max_bytes'),
  'slowlog-log-slower-than': int_param((c) => c.slowlog_log_slower_than, (c, n) => { c.slowlog_log_slower_than = n; }, -1, 2 ** 53),
  'slowlog-max-len': int_param((c) => c.slowlog_max_len, (c, n) => { c.slowlog_max_len = n; }, 0, 2 ** 53),
  'tracking-table-max-keys': int_param((c) => c.tracking_table_max_keys, (c, n) => { c.tracking_table_max_keys = n; }, 0, 2 ** 53),
  'latency-monitor-threshold': {
    get: (c) => String(c.latency_monitor_threshold),
    set: (c, v) => {
      const n = string2ll(v);
      if (n === null) return INT_ERR;
      if (n < 0) return `argument must be between 0 and ${LLONG_MAX} inclusive`;
      c.latency_monitor_threshold = n; return null;
    },
  },
  'latency-tracking': { get: (c) => (c.latency_tracking ? 'yes' : 'no'), set: (c, v) => { const b = yesno(v); if (b === null) return BOOL_ERR; c.latency_tracking = b; return null; } },
  'latency-tracking-info-percentiles': percentiles_param,
  'maxmemory-clients': memory_or_percent('maxmemory-clients'),
};

function param(name: string): Param | undefined {
  const n = ALIASES[name] ?? name;
  if (PARAMS[n]) return PARAMS[n];
  if (n in OTHER_DEFAULTS) return { get: (c) => c.other.get(n) ?? '', set: (c, v) => { c.other.set(n, v); return null; } };
  return undefined;
}

/** Parameters only the command line or config file sets (IMMUTABLE_CONFIG in config.c). */
const IMMUTABLE = new Set(['daemonize', 'supervised', 'pidfile', 'unixsocket', 'io-threads', 'logfile', 'tcp-backlog',
  'set-proc-title', 'enable-debug-command', 'enable-module-command', 'enable-protected-configs', 'databases', 'appendfilename', 'aclfile', 'replicaof']);

/** The parameter a name (or an alias) stands for, or null when there is none (lookupConfig). */
export function config_canonical(name: string): string | null {
  const n = name.toLowerCase(), c = ALIASES[n] ?? n;
  return param(c) ? c : null;
}

/** CONFIG SET's first check: a parameter that cannot change at run time, or null. */
export function config_set_refused(name: string): string | null {
  return IMMUTABLE.has(name.toLowerCase()) ? "can't set immutable config" : null;
}

/** CONFIG SET one parameter: null on success, else Redis's error text. */
export function config_set(c: Config, name: string, value: string): string | null {
  const p = param(name.toLowerCase());
  if (!p) return `Unknown option or number of arguments for CONFIG SET - '${name}'`;
  const err = p.set(c, value);
  return err === null ? null : `Invalid argument '${value}' for CONFIG SET '${name}' - ${err}`;
}

/** CONFIG GET pattern …: name/value pairs of every parameter a pattern matches. */
export function config_get(c: Config, patterns: string[]): [string, string][] {
  const names = [...Object.keys(PARAMS), ...Object.keys(OTHER_DEFAULTS), ...Object.keys(ALIASES)];
  const out = new Map<string, string>();
  for (const pat of patterns) {
    const lp = pat.toLowerCase();
    if (param(lp) && !out.has(lp)) { out.set(lp, param(lp)!.get(c)); continue; } // an exact name, hidden or not
    for (const n of names) if (!out.has(n) && !HIDDEN.has(n) && stringmatch(lp, n, true)) out.set(n, param(n)!.get(c));
  }
  return [...out];
}

/**
 * Loads `--name value …` options and config-file text ("name arg arg" lines, # comments):
 * an error message like Redis's "Bad directive or wrong number of arguments", or null.
 */
export function load_config(c: Config, text: string): string | null {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    let v = m[2].trim();
    if (/^".*"$/.test(v) || /^'.*'$/.test(v)) v = v.slice(1, -1);
    const err = param(m[1].toLowerCase()) ? config_set(c, m[1], v) : 'Bad directive or wrong number of arguments';
    if (err) return `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${i + 1}\n>>> '${line}'\n${err.replace(/^Invalid argument .* - /, '')}`;
  }
  return null;
}

/** argv (after an optional config file) → config text, as redis-server's main() builds it. */
export function args_to_config(args: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) out.push(a.slice(2));
    else out[out.length - 1] = `${out[out.length - 1] ?? ''} ${a === '' ? '""' : JSON.stringify(a).slice(1, -1) === a ? a : `"${a}"`}`;
  }
  return out.join('\n');
}
