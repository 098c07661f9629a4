/**
 * INFO (server.c's genRedisInfoString) with its sections, and COMMAND / COMMAND COUNT /
 * COMMAND INFO / COMMAND DOCS / COMMAND LIST from the command table (what redis-cli asks at start).
 */
import { reply_help } from './help.ts';
import { category_bit, category_names } from './acl_cat.ts';
import { SYNTAX } from './resp.ts';
import { stringmatch } from './util.ts';
import { ACL_ALL, ACL_WRITE } from './acl.ts';
import { key_flags } from './acl_keyflags.ts';
import { all_commands, type Cmd, command_keys, container, lookup_command, register, table } from './commands.ts';
import type { Client } from './networking.ts';
import type { Server } from './server.ts';
import { latencystats_lines } from './latency.ts';
import { total_items } from './tracking.ts';
import { client_fields, cpu_fields, memory_fields, replication_fields, stats_rates } from './info_fields.ts';
import { lru_clock } from './evict.ts';

type Section = [string, (srv: Server) => [string, string | number][]];

const SECTIONS: Section[] = [
  ['server', (s) => [
    ['redis_version', '7.0.15'], ['redis_git_sha1', '00000000'], ['redis_git_dirty', 0], ['redis_build_id', 'privos'],
    ['redis_mode', 'standalone'], ['os', 'Linux (privos)'], ['arch_bits', 64], ['multiplexing_api', 'epoll'],
    ['process_id', s.pid], ['process_supervised', 'no'], ['run_id', s.info_stats.run_id], ['tcp_port', s.config.port], ['server_time_usec', s.now * 1000],
    ['uptime_in_seconds', Math.floor((s.now - s.start_time) / 1000)], ['uptime_in_days', Math.floor((s.now - s.start_time) / 86400000)],
    ['hz', s.config.hz], ['configured_hz', s.config.hz], ['lru_clock', lru_clock(s.now)], ['executable', '/bin/redis-lite'], ['config_file', s.config_file],
    ['kerncall', s.config.kerncall ? 'yes' : 'no'],
  ]],
  ['clients', (s) => [
    ['connected_clients', s.clients.size], ['maxclients', s.config.maxclients], ['blocked_clients', s.blocked_clients.size], ['tracking_clients', s.tracking.clients],
    ['pubsub_clients', [...s.clients.values()].filter((c) => c.subs > 0).length], ...client_fields(s),
  ]],
  ['memory', memory_fields],
  ['persistence', (s) => [
    ['loading', 0], ['async_loading', 0], ['rdb_changes_since_last_save', s.dirty - s.dirty_at_save],
    ['rdb_bgsave_in_progress', s.child_type === 'rdb' ? 1 : 0], ['rdb_last_save_time', Math.floor(s.lastsave / 1000)],
    ['rdb_last_bgsave_status', s.lastbgsave_ok ? 'ok' : 'err'], ['aof_enabled', s.aof ? 1 : 0],
    ['aof_rewrite_in_progress', s.child_type === 'aof' ? 1 : 0], ['aof_rewrite_scheduled', s.aof_rewrite_scheduled ? 1 : 0],
    ['rdb_saves', s.info_stats.rdb_saves], ['aof_rewrites', s.info_stats.aof_rewrites],
    ['aof_last_write_status', 'ok'], ['module_fork_in_progress', 0],
  ]],
  ['stats', (s) => [
    ['total_connections_received', s.stat_numconnections], ['total_commands_processed', s.stat_numcommands], ...stats_rates(s),
    ['total_net_input_bytes', s.stat_net_input_bytes], ['total_net_output_bytes', s.stat_net_output_bytes],
    ['rejected_connections', s.stat_rejected_conn], ['expired_keys', s.stat_expiredkeys], ['evicted_keys', s.stat_evictedkeys],
    ['tracking_total_keys', s.tracking.table.size], ['tracking_total_items', total_items(s.tracking)], ['tracking_total_prefixes', s.tracking.prefixes.size],
    ['keyspace_hits', s.stat_keyspace_hits], ['keyspace_misses', s.stat_keyspace_misses],
    ['latest_fork_usec', s.info_stats.latest_fork_usec], ['total_forks', s.info_stats.total_forks],
    ['pubsub_channels', s.channels.size], ['pubsub_patterns', s.patterns.size], ['total_error_replies', s.errstats.total], ['migrate_cached_sockets', 0],
  ]],
  ['replication', replication_fields],
  ['cpu', cpu_fields],
  ['modules', () => []],
  ['errorstats', (s) => s.errstats.lines()],
  ['latencystats', latencystats_lines],
  ['cluster', () => [['cluster_enabled', 0]]],
  ['keyspace', (s) => s.dbs.filter((d) => d.dict.size > 0).map((d) => [`db${d.id}`, `keys=${d.dict.size},expires=${d.expires.size},avg_ttl=0`])],
];

const DEFAULT = new Set(['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace']);

export function info_string(srv: Server, wanted: string[]): string {
  const w = wanted.map((x) => x.toLowerCase());
  const all = w.includes('all') || w.includes('everything');
  const pick = (name: string): boolean => all || (w.length === 0 || w.includes('default') ? DEFAULT.has(name) : w.includes(name));
  const out: string[] = [];
  for (const [name, f] of SECTIONS) {
    if (!pick(name)) continue;
    if (out.length) out.push('');
    out.push(`# ${name[0].toUpperCase()}${name.slice(1)}`);
    for (const [k, v] of f(srv)) out.push(`${k}:${v}`);
  }
  if (w.includes('commandstats') || all) {
    if (out.length) out.push('');
    out.push('# Commandstats');
    for (const c of all_commands()) if (c.calls || c.rejected_calls || c.failed_calls) out.push(`cmdstat_${c.fullname}:${cmdstat(c)}`);
  }
  return out.join('\r\n') + '\r\n';
}


/**
 * One commandstats line. usec is estimated from the timed calls: all of them while latency
 * tracking (the default), the latency monitor or a low slowlog threshold need it, else one in 64
 * (a clock read through privos's vDSO costs ~150 ns of host time, ~20 % of a pipelined GET).
 */
function cmdstat(c: Cmd): string {
  const per = c.samples ? c.usec_sampled / c.samples : 0;
  return `calls=${c.calls},usec=${Math.round(per * c.calls)},usec_per_call=${per.toFixed(2)},rejected_calls=${c.rejected_calls},failed_calls=${c.failed_calls}`;
}

function command_info(c: Client, cmd: Cmd): void {
  c.reply.array(10);
  c.reply.bulk(cmd.fullname);
  c.reply.int(cmd.arity);
  // may_replicate and protected are internal: COMMAND INFO does not report them (7.0's addCommandFlags).
  const flags = cmd.flags.filter((f) => f !== 'may_replicate' && f !== 'protected');
  c.reply.array(flags.length); for (const f of flags) c.reply.status(f);
  c.reply.int(cmd.first); c.reply.int(cmd.last); c.reply.int(cmd.step);
  const cats = category_names(cmd.acl_categories);
  c.reply.array(cats.length); for (const n of cats) c.reply.status(`@${n}`);
  c.reply.array(0);
  c.reply.array(0);
  const subs = cmd.subs ? [...cmd.subs.values()] : [];
  c.reply.array(subs.length);
  for (const s of subs) command_info(c, s);
}

function command_doc(c: Client, cmd: Cmd): void {
  c.reply.bulk(cmd.fullname);
  const subs = cmd.subs ? [...cmd.subs.values()] : [];
  c.reply.map(subs.length ? 4 : 3);
  c.reply.bulk('summary'); c.reply.bulk(`${cmd.fullname.toUpperCase().replace('|', ' ')} (redis-lite)`);
  c.reply.bulk('since'); c.reply.bulk('1.0.0');
  c.reply.bulk('group'); c.reply.bulk(cmd.group === 'keyspace' ? 'generic' : cmd.group);
  if (subs.length) { c.reply.bulk('subcommands'); c.reply.map(subs.length); for (const s of subs) command_doc(c, s); }
}

/** COMMAND LIST [FILTERBY MODULE m | ACLCAT cat | PATTERN p]: every command and subcommand's full name. */
function command_list(c: Client): void {
  let keep: (cmd: Cmd) => boolean = () => true;
  if (c.argv.length > 2) {
    if (c.argv.length !== 5 || c.argv[2].toLowerCase() !== 'filterby') { c.reply.error(SYNTAX); return; }
    const how = c.argv[3].toLowerCase(), v = c.argv[4];
    if (how === 'module') keep = () => false; // no modules
    else if (how === 'aclcat') { const bit = category_bit(v); keep = (cmd) => (cmd.acl_categories & bit) !== 0; }
    else if (how === 'pattern') keep = (cmd) => stringmatch(v, cmd.fullname, true);
    else { c.reply.error(SYNTAX); return; }
  }
  const names = all_commands().filter(keep).map((cmd) => cmd.fullname);
  c.reply.bulks(names, names.length);
}

/** COMMAND GETKEYS' checks: the command and its keys, or null after the error reply. */
function getkeys(c: Client): [Cmd, string[]] | null {
  const argv = c.argv.slice(2), cmd = lookup_command(argv);
  if (typeof cmd === 'string') { c.reply.error('Invalid command specified'); return null; }
  if (!cmd.getkeys && cmd.first <= 0) { c.reply.error('The command has no key arguments'); return null; } // doesCommandHaveKeys
  if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) { c.reply.error('Invalid number of arguments specified for command'); return null; }
  const keys = command_keys(cmd, argv);
  if (!keys.length && !cmd.flags.includes('no_mandatory_keys')) { c.reply.error('Invalid arguments specified for command'); return null; }
  return [cmd, keys];
}

/**
 * COMMAND GETKEYSANDFLAGS: each key with key-spec flags. redis-lite has no key specs; the flags
 * come from the read/write table ACL uses (acl_keyflags.ts): read → RO access, write → OW
 * update, both → RW access update (Redis's finer insert/delete distinctions are not modelled).
 */
function getkeysandflags(c: Client): void {
  const r = getkeys(c);
  if (!r) return;
  const [cmd, keys] = r, argv = c.argv.slice(2);
  c.reply.array(keys.length);
  keys.forEach((k, i) => {
    const f = key_flags(cmd, argv, i);
    const names = f === ACL_ALL ? ['RW', 'access', 'update'] : f === ACL_WRITE ? ['OW', 'update'] : ['RO', 'access'];
    c.reply.array(2); c.reply.bulk(k); c.reply.array(names.length); for (const n of names) c.reply.status(n);
  });
}

/** A command by name or "parent|sub" (deeper names find nothing). */
function lookup(name: string): Cmd | undefined {
  const parts = name.toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const c = table.get(parts[0]);
  return parts.length === 1 ? c : c?.subs?.get(parts[1]);
}

register('server', [
  ['info', -1, 'loading stale nokeys', (c) => c.reply.bulk(info_string(c.srv, c.argv.slice(1)))],
]);
register('server', [container('server', 'command', [
  ['count', 2, 'loading stale nokeys', (c) => c.reply.int(table.size)],
  ['info', -2, 'loading stale nokeys', (c) => {
    const names = c.argv.length > 2 ? c.argv.slice(2) : [...table.keys()];
    c.reply.array(names.length);
    for (const n of names) { const cmd = lookup(n); if (cmd) command_info(c, cmd); else c.reply.nil(); }
  }],
  ['docs', -2, 'loading stale nokeys', (c) => {
    const cmds = (c.argv.length > 2 ? c.argv.slice(2).map(lookup) : [...table.values()]).filter((x): x is Cmd => !!x);
    c.reply.map(cmds.length);
    for (const cmd of cmds) command_doc(c, cmd);
  }],
  ['list', -2, 'loading stale nokeys', command_list],
  ['getkeys', -4, 'loading stale nokeys', (c) => { const r = getkeys(c); if (r) c.reply.bulks(r[1], r[1].length); }],
  ['getkeysandflags', -4, 'loading stale nokeys', getkeysandflags],
  ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'COMMAND')],
], 'loading stale')]);

/** COMMAND with no subcommand lists every command (the container's own proc). */
const command = table.get('command')!;
command.arity = -1;
command.proc = (c) => { c.reply.array(table.size); for (const cmd of table.values()) command_info(c, cmd); };
