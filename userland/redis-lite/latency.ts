/**
 * latency.c: the latency monitor (per-event time series of the latency spikes at or above
 * latency-monitor-threshold ms, one sample per second, the last 160 kept) and the LATENCY
 * command, plus the per-command latency histograms of latency-tracking (server.c's
 * updateCommandLatencyHistogram) that LATENCY HISTOGRAM and INFO latencystats report.
 * https://github.com/redis/redis/blob/7.0.15/src/latency.c
 *
 * Events recorded by redis-lite: "command" and "fast-command" (server.ts's call()). Redis's
 * other sources (fork, AOF writes, expire and eviction cycles) are not hooked.
 */
import { reply_help } from './help.ts';
import { all_commands, type Cmd, container, register, table } from './commands.ts';
import { type Config, percentile_string } from './config.ts';
import { HdrHistogram, LATENCY_HISTOGRAM_MAX_VALUE, LATENCY_HISTOGRAM_MIN_VALUE, LATENCY_HISTOGRAM_PRECISION } from './hdr_histogram.ts';
import type { Client } from './networking.ts';
import type { Server } from './server.ts';

/** History length of every monitored event (latency.h LATENCY_TS_LEN). */
export const LATENCY_TS_LEN = 160;

/** latencyTimeSeries: a ring of (unix time, ms) samples, time 0 = empty slot. */
export class LatencyTimeSeries {
  /** Index of the next sample to store. */
  idx = 0;
  /** Max latency observed for this event since it was (re)created. */
  max = 0;
  readonly time = new Float64Array(LATENCY_TS_LEN);
  readonly latency = new Float64Array(LATENCY_TS_LEN);

  /** The slots in age order (oldest first), empty ones skipped. */
  *slots(): Generator<number> {
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const i = (this.idx + j) % LATENCY_TS_LEN;
      if (this.time[i] !== 0) yield i;
    }
  }
}

/** time(NULL), from the time cached for this event-loop iteration (one clock read fewer). */
function unix_now(srv: Server): number { return Math.floor(srv.now / 1000); }

/** Every call must read the clock: for its histogram, or to catch a spike. */
export function latency_times_every_call(cfg: Config): boolean {
  return cfg.latency_tracking || cfg.latency_monitor_threshold > 0;
}

/** latencyAddSampleIfNeeded: only with the monitor on and at or above its threshold. */
export function latency_add_sample_if_needed(srv: Server, event: string, ms: number): void {
  const threshold = srv.config.latency_monitor_threshold;
  if (threshold > 0 && ms >= threshold) latency_add_sample(srv.latency_events, event, ms, unix_now(srv));
}

/** latencyAddSample at unix time `now`: a second keeps only its highest sample. */
export function latency_add_sample(events: Map<string, LatencyTimeSeries>, event: string, ms: number, now: number): void {
  let ts = events.get(event);
  if (!ts) { ts = new LatencyTimeSeries(); events.set(event, ts); }
  if (ms > ts.max) ts.max = ms;
  const prev = (ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
  if (ts.time[prev] === now) {
    if (ms > ts.latency[prev]) ts.latency[prev] = ms;
    return;
  }
  ts.time[ts.idx] = now;
  ts.latency[ts.idx] = ms;
  ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
}

/** latencyResetEvent: drops one event's series (names compared case-insensitively), or all of them. */
function latency_reset_event(srv: Server, event: string | null): number {
  let resets = 0;
  for (const name of [...srv.latency_events.keys()]) {
    if (event === null || name.toLowerCase() === event.toLowerCase()) { srv.latency_events.delete(name); resets++; }
  }
  return resets;
}

/**
 * call()'s latency bookkeeping for a timed call (us: its duration in µs, as Redis measures it):
 * the spike as a "command" or "fast-command" event (the CMD_FAST flag decides), and the
 * command's histogram, which Redis feeds duration*1000 ns (so a 0 µs call counts as 1 ns).
 *
 * Redis records a blocked command's histogram when it is served, with the time of both runs;
 * here it is recorded when the command blocks, with the first run's time (blocked.ts does not
 * time the serving run), so a blocked call that times out is counted too.
 */
export function latency_after_call(srv: Server, cmd: Cmd, us: number): void {
  const cfg = srv.config;
  if (cfg.latency_monitor_threshold > 0) latency_add_sample_if_needed(srv, cmd.flags.includes('fast') ? 'fast-command' : 'command', Math.floor(us / 1000));
  if (cfg.latency_tracking) update_command_latency_histogram(cmd, us * 1000);
}

/** updateCommandLatencyHistogram: ns clamped to the tracked 1 ns .. 1 s, histogram made on first use. */
export function update_command_latency_histogram(cmd: Cmd, ns: number): void {
  const v = Math.min(Math.max(ns, LATENCY_HISTOGRAM_MIN_VALUE), LATENCY_HISTOGRAM_MAX_VALUE);
  cmd.latency_histogram ??= new HdrHistogram(LATENCY_HISTOGRAM_MIN_VALUE, LATENCY_HISTOGRAM_MAX_VALUE, LATENCY_HISTOGRAM_PRECISION);
  cmd.latency_histogram.record_value(v);
}

/** INFO latencystats: one line per command with a histogram (none while latency-tracking is off). */
export function latencystats_lines(srv: Server): [string, string][] {
  if (!srv.config.latency_tracking) return [];
  const out: [string, string][] = [];
  const ps = srv.config.latency_tracking_info_percentiles;
  for (const cmd of all_commands()) {
    if (cmd.latency_histogram) out.push([`latency_percentiles_usec_${cmd.fullname}`, percentile_distribution(cmd.latency_histogram, ps)]);
  }
  return out;
}

/** fillPercentileDistributionLatencies' value: "p50=1.003,p99=…", µs with 3 decimals. */
export function percentile_distribution(h: HdrHistogram, percentiles: number[]): string {
  return percentiles.map((p) => `p${percentile_string(p)}=${(h.value_at_percentile(p) / 1000).toFixed(3)}`).join(',');
}

/* ------------------------------ LATENCY DOCTOR ------------------------------ */

interface LatencyStats { all_time_high: number; avg: number; min: number; max: number; mad: number; samples: number; period: number }

/** analyzeLatencyForEvent: average, min, max and mean absolute deviation of the samples kept. */
function analyze_latency_for_event(ts: LatencyTimeSeries, now: number): LatencyStats {
  const ls: LatencyStats = { all_time_high: ts.max, avg: 0, min: 0, max: 0, mad: 0, samples: 0, period: 0 };
  let sum = 0, oldest = 0;
  for (const i of ts.slots()) {
    const l = ts.latency[i];
    ls.min = ls.samples === 0 ? l : Math.min(ls.min, l);
    ls.max = ls.samples === 0 ? l : Math.max(ls.max, l);
    ls.samples++;
    sum += l;
    if (oldest === 0 || ts.time[i] < oldest) oldest = ts.time[i];
  }
  if (!ls.samples) return ls;
  ls.avg = Math.floor(sum / ls.samples);
  ls.period = now - oldest || 1;
  let dev = 0;
  for (const i of ts.slots()) dev += Math.abs(ls.avg - ts.latency[i]);
  ls.mad = Math.floor(dev / ls.samples);
  return ls;
}

type Advice = 'slowlog_enabled' | 'slowlog_tuning' | 'slowlog_inspect' | 'scheduler' | 'local_disk' | 'ssd' | 'data_writeback'
  | 'disk_contention' | 'no_appendfsync' | 'relax_fsync_policy' | 'write_load_info' | 'hz' | 'large_objects' | 'mass_eviction';

/** The advice each event class leads to (createLatencyReport); "command" depends on the slowlog config. */
const EVENT_ADVICE: Record<string, Advice[]> = {
  'fast-command': ['scheduler'],
  'aof-write-pending-fsync': ['local_disk', 'disk_contention', 'ssd', 'data_writeback'],
  'aof-write-active-child': ['no_appendfsync', 'data_writeback', 'ssd'],
  'aof-write-alone': ['local_disk', 'data_writeback', 'ssd'],
  'aof-fsync-always': ['relax_fsync_policy'],
  'aof-fstat': ['disk_contention', 'local_disk'],
  'rdb-unlink-temp-file': ['disk_contention', 'local_disk'],
  'aof-rewrite-diff-write': ['write_load_info', 'data_writeback', 'ssd', 'local_disk'],
  'aof-rename': ['write_load_info', 'data_writeback', 'ssd', 'local_disk'],
  'expire-cycle': ['hz', 'large_objects'],
  'eviction-del': ['large_objects'],
  'eviction-cycle': ['mass_eviction'],
};

function command_advice(cfg: Config): Advice[] {
  const out: Advice[] = [];
  if (cfg.slowlog_log_slower_than < 0) out.push('slowlog_enabled');
  else if (Math.floor(cfg.slowlog_log_slower_than / 1000) > cfg.latency_monitor_threshold) out.push('slowlog_tuning');
  out.push('slowlog_inspect', 'large_objects');
  return out;
}

/** The advice paragraphs, in the order Redis prints them; null: not printed in this configuration. */
const ADVICE_TEXT: [Advice, (cfg: Config) => string | null][] = [
  ['slowlog_enabled', (cfg) => `There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${BigInt(cfg.latency_monitor_threshold) * 1000n}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.`],
  ['slowlog_tuning', (cfg) => `Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${BigInt(cfg.latency_monitor_threshold) * 1000n}'.`],
  ['slowlog_inspect', () => 'Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.'],
  ['scheduler', () => 'The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n'
    + '  1) Lower the system load.\n'
    + '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n'
    + '  3) Check if you have a "noisy neighbour" problem.\n'
    + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
    + '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.'],
  ['local_disk', () => 'It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.'],
  ['ssd', () => 'SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.'],
  ['data_writeback', () => 'Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.'],
  ['disk_contention', () => 'Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).'],
  ['no_appendfsync', () => "Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention)."],
  ['relax_fsync_policy', (cfg) => (cfg.appendfsync === 'always' ? "Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'." : null)],
  ['write_load_info', () => 'Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.'],
  ['hz', (cfg) => (cfg.hz < 100 ? "In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'." : null)],
  ['large_objects', () => 'Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.'],
  ['mass_eviction', () => "Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. "],
];

/** createLatencyReport at unix time `now`: the events' statistics, then the advice they call for. */
export function create_latency_report(events: Map<string, LatencyTimeSeries>, cfg: Config, now: number): string {
  if (events.size === 0 && Number(cfg.latency_monitor_threshold) === 0) {
    return 'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
  }
  let report = '', eventnum = 0, advices = 0;
  const advise = new Set<Advice>();
  for (const [event, ts] of events) {
    if (++eventnum === 1) report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    const ls = analyze_latency_for_event(ts, now);
    report += `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, period ${(ls.period / ls.samples).toFixed(2)} sec). Worst all time event ${ts.max}ms.\n`;
    const name = event.toLowerCase();
    const list = name === 'command' ? command_advice(cfg) : EVENT_ADVICE[name] ?? [];
    for (const a of list) advise.add(a);
    advices += list.length;
  }
  if (eventnum === 0 && advices === 0) {
    return report + 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
  }
  if (advices === 0) {
    return report + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
  }
  report += '\nI have a few advices for you:\n\n';
  for (const [a, text] of ADVICE_TEXT) {
    const t = advise.has(a) ? text(cfg) : null;
    if (t !== null) report += `- ${t}\n`;
  }
  return report;
}

/* ------------------------------ LATENCY GRAPH ------------------------------- */

const LATENCY_GRAPH_COLS = 80;
/** sparkline.c's fill charset: three steps per row, '|' below the top of a bar. */
const CHARSET_FILL = '_o#';

interface Sample { value: number; label: string }

/** sparklineRenderRange with SPARKLINE_FILL: `rows` rows of bars, a blank line, then vertical labels. */
function sparkline_render_range(seq: Sample[], min: number, max: number, rows: number, offset: number, len: number): string {
  const relmax = max - min || 1;
  const steps = CHARSET_FILL.length * rows;
  let out = '';
  for (let row = 0; ; row++) {
    const chars: string[] = new Array<string>(len).fill(' ');
    let loop = false;
    for (let j = 0; j < len; j++) {
      const s = seq[j + offset];
      // (int)(relval*steps)/relmax, stored in an int: truncated twice.
      const step = Math.min(Math.max(Math.trunc(Math.trunc((s.value - min) * steps) / relmax), 0), steps - 1);
      if (row < rows) {
        const ci = step - (rows - row - 1) * CHARSET_FILL.length;
        loop = true;
        if (ci >= 0 && ci < CHARSET_FILL.length) chars[j] = CHARSET_FILL[ci];
        else if (ci >= CHARSET_FILL.length) chars[j] = '|';
      } else if (row - rows < 1) {
        loop = true; // label_margin_top: one blank line before the labels
        break;
      } else if (s.label.length > row - rows - 1) {
        loop = true;
        chars[j] = s.label[row - rows - 1];
      }
    }
    if (!loop) return out;
    out += `${chars.join('')}\n`;
  }
}

/** "12s", "3m", "5h", "2d": how long ago a sample was taken. */
function elapsed_label(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.trunc(elapsed / 60)}m`;
  if (elapsed < 86400) return `${Math.trunc(elapsed / 3600)}h`;
  return `${Math.trunc(elapsed / 86400)}d`;
}

/** latencyCommandGenSparkeline at unix time `now`: a header, a rule, and the samples as an 80-column sparkline. */
export function latency_graph(event: string, ts: LatencyTimeSeries, now: number): string {
  const seq: Sample[] = [];
  for (const i of ts.slots()) seq.push({ value: ts.latency[i], label: elapsed_label(now - ts.time[i]) });
  const values = seq.map((s) => s.value);
  const min = values.length ? Math.min(...values) : 0, max = values.length ? Math.max(...values) : 0;
  let graph = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n${'-'.repeat(LATENCY_GRAPH_COLS)}\n`;
  for (let j = 0; j < seq.length; j += LATENCY_GRAPH_COLS) {
    if (j !== 0) graph += '\n';
    graph += sparkline_render_range(seq, min, max, 4, j, Math.min(seq.length - j, LATENCY_GRAPH_COLS));
  }
  return graph;
}

/* ---------------------------- LATENCY command ------------------------------- */

/**
 * fillCommandCDF's histogram_usec: µs, cumulative count, … at each power-of-two bucket (1024 ns,
 * 2048 ns, …, labelled with the highest value the iterator stopped at) where the count grew.
 */
export function command_cdf(h: HdrHistogram): number[] {
  const buckets: number[] = [];
  let previous = 0;
  h.log_steps(1024, 2, (highest, cumulative) => {
    if (cumulative > previous) buckets.push(Math.trunc(highest / 1000), cumulative);
    previous = cumulative;
  });
  return buckets;
}

/** fillCommandCDF: a map of calls and the histogram_usec map. */
function fill_command_cdf(c: Client, h: HdrHistogram): void {
  const buckets = command_cdf(h);
  c.reply.map(2);
  c.reply.bulk('calls'); c.reply.int(h.total_count);
  c.reply.bulk('histogram_usec');
  c.reply.map(buckets.length / 2);
  for (const n of buckets) c.reply.int(n);
}

/** lookupCommandBySds: "name" or "container|sub", case-insensitive, one level of subcommands. */
function lookup_command_by_name(s: string): Cmd | null {
  const parts = s.split('|');
  if (s === '' || parts.length > 2) return null;
  const base = table.get(parts[0].toLowerCase());
  if (!base) return null;
  if (parts.length === 1) return base;
  return base.subs?.get(parts[1].toLowerCase()) ?? null;
}

/** The commands with data LATENCY HISTOGRAM [name …] reports: each named one and its subcommands. */
function histogram_commands(names: string[]): Cmd[] {
  if (!names.length) return all_commands().filter((cmd) => cmd.latency_histogram);
  const out: Cmd[] = [];
  for (const n of names) {
    const cmd = lookup_command_by_name(n);
    if (!cmd) continue;
    if (cmd.latency_histogram) out.push(cmd);
    if (cmd.subs) for (const sub of cmd.subs.values()) if (sub.latency_histogram) out.push(sub);
  }
  return out;
}

function latency_histogram(c: Client): void {
  const cmds = histogram_commands(c.argv.slice(2));
  c.reply.map(cmds.length);
  for (const cmd of cmds) { c.reply.bulk(cmd.fullname); fill_command_cdf(c, cmd.latency_histogram!); }
}

/** LATENCY HISTORY event: [time, ms] pairs, oldest first (event names are case-sensitive here). */
function latency_history(c: Client): void {
  const ts = c.srv.latency_events.get(c.argv[2]);
  if (!ts) { c.reply.array(0); return; }
  const slots = [...ts.slots()];
  c.reply.array(slots.length);
  for (const i of slots) { c.reply.array(2); c.reply.int(ts.time[i]); c.reply.int(ts.latency[i]); }
}

/** LATENCY LATEST: [event, time, ms, all-time max] for each event's last sample. */
function latency_latest(c: Client): void {
  c.reply.array(c.srv.latency_events.size);
  for (const [event, ts] of c.srv.latency_events) {
    const last = (ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
    c.reply.array(4);
    c.reply.bulk(event); c.reply.int(ts.time[last]); c.reply.int(ts.latency[last]); c.reply.int(ts.max);
  }
}

function latency_graph_cmd(c: Client): void {
  const ts = c.srv.latency_events.get(c.argv[2]);
  if (!ts) { c.reply.error(`No samples available for event '${c.argv[2]}'`); return; }
  c.reply.verbatim(latency_graph(c.argv[2], ts, unix_now(c.srv)));
}

function latency_reset(c: Client): void {
  if (c.argv.length === 2) { c.reply.int(latency_reset_event(c.srv, null)); return; }
  let resets = 0;
  for (const e of c.argv.slice(2)) resets += latency_reset_event(c.srv, e);
  c.reply.int(resets);
}


const ADMIN = 'admin noscript loading stale nokeys';

register('server', [
  container('server', 'latency', [
    ['latest', 2, ADMIN, latency_latest],
    ['history', 3, ADMIN, latency_history],
    ['reset', -2, ADMIN, latency_reset],
    ['graph', 3, ADMIN, latency_graph_cmd],
    ['doctor', 2, ADMIN, (c) => c.reply.verbatim(create_latency_report(c.srv.latency_events, c.srv.config, unix_now(c.srv)))],
    ['histogram', -2, ADMIN, latency_histogram],
    ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'LATENCY')],
  ]),
]);
