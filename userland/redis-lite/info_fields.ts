/**
 * The INFO fields beyond the basics (server.c genRedisInfoString): instantaneous metrics
 * sampled by the cron (trackInstantaneousMetric), memory overhead and peak, fork and save
 * counters, replication identity, and CPU time from getrusage(2). A field redis-lite has no
 * counterpart for (allocator fragmentation, replication backlog) reports what a server
 * without that part would: the model's own values, zeros.
 */
import type { Server } from './server.ts';
import { scripts_memory } from './eval.ts';
import { functions_memory } from './function.ts';
import { client_buffers, memory_overhead, not_counted_for_evict, STARTUP, used_memory_total } from './memory.ts';

/** STATS_METRIC_SAMPLES: the instantaneous metrics average this many samples, one per 100 ms. */
const SAMPLES = 16;
const SAMPLE_MS = 100;

export class InstMetric {
  private samples = new Float64Array(SAMPLES);
  private idx = 0;
  private last_ms = -1;
  private last_value = 0;

  /** trackInstantaneousMetric: the rate of a running total since the previous sample, per second. */
  track(now_ms: number, value: number): void {
    if (this.last_ms >= 0 && now_ms - this.last_ms < SAMPLE_MS) return;
    const dt = now_ms - this.last_ms;
    if (this.last_ms >= 0 && dt > 0) { this.samples[this.idx] = ((value - this.last_value) * 1000) / dt; this.idx = (this.idx + 1) % SAMPLES; }
    this.last_ms = now_ms; this.last_value = value;
  }

  get(): number {
    let sum = 0;
    for (let i = 0; i < SAMPLES; i++) sum += this.samples[i];
    return sum / SAMPLES;
  }

  reset(): void { this.samples.fill(0); this.idx = 0; this.last_ms = -1; }
}

/** Server-wide counters INFO reports and the cron and fork paths update. */
export class InfoStats {
  ops = new InstMetric();
  net_in = new InstMetric();
  net_out = new InstMetric();
  peak_memory = 0;
  total_forks = 0;
  latest_fork_usec = 0;
  rdb_saves = 0;
  aof_rewrites = 0;
  /** run_id and master_replid: 40 random hex characters each, made at start. */
  run_id = '';
  replid = '';
}

const human = (n: number): string => {
  const u = ['B', 'K', 'M', 'G', 'T'];
  let i = 0, v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${n}B` : `${v.toFixed(2)}${u[i]}`;
};

/** The cron's part: peak memory and one sample of each instantaneous metric. */
export function info_cron(s: Server): void {
  const st = s.info_stats;
  st.peak_memory = Math.max(st.peak_memory, used_memory_total(s));
  st.ops.track(s.now, s.stat_numcommands);
  st.net_in.track(s.now, s.stat_net_input_bytes);
  st.net_out.track(s.now, s.stat_net_output_bytes);
}

/** The scripting lines of INFO memory (modelled: eval.ts scripts_memory, function.ts functions_memory). */
function script_fields(s: Server): [string, string | number][] {
  const [scripts, scripts_bytes, vm_eval] = scripts_memory(s), [funcs, libs, funcs_bytes, vm_funcs] = functions_memory(s);
  return [
    ['used_memory_lua', vm_eval], ['used_memory_vm_eval', vm_eval], ['used_memory_lua_human', human(vm_eval)],
    ['used_memory_scripts_eval', scripts_bytes], ['number_of_cached_scripts', scripts], ['number_of_functions', funcs],
    ['number_of_libraries', libs], ['used_memory_vm_functions', vm_funcs], ['used_memory_vm_total', vm_eval + vm_funcs],
    ['used_memory_vm_total_human', human(vm_eval + vm_funcs)], ['used_memory_functions', funcs_bytes],
    ['used_memory_scripts', scripts_bytes + funcs_bytes], ['used_memory_scripts_human', human(scripts_bytes + funcs_bytes)],
  ];
}

export function memory_fields(s: Server): [string, string | number][] {
  const mh = memory_overhead(s), used = mh.total, st = s.info_stats, clients = mh.clients, overhead = mh.overhead, dataset = mh.dataset;
  const pct = (a: number, b: number): string => `${b > 0 ? ((a * 100) / b).toFixed(2) : '0.00'}%`;
  return [
    ['used_memory', used], ['used_memory_human', human(used)], ['used_memory_rss', used], ['used_memory_rss_human', human(used)],
    ['used_memory_peak', st.peak_memory], ['used_memory_peak_human', human(st.peak_memory)], ['used_memory_peak_perc', pct(used, st.peak_memory)],
    ['used_memory_overhead', overhead], ['used_memory_startup', STARTUP], ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', pct(dataset, used - STARTUP)], ...script_fields(s),
    ['maxmemory', s.config.maxmemory], ['maxmemory_human', human(s.config.maxmemory)], ['maxmemory_policy', s.config.maxmemory_policy],
    ['mem_fragmentation_ratio', '1.00'], ['mem_fragmentation_bytes', 0], ['mem_not_counted_for_evict', not_counted_for_evict(s)],
    ['mem_replication_backlog', 0], ['mem_clients_slaves', 0], ['mem_clients_normal', clients], ['mem_aof_buffer', 0],
    ['mem_allocator', 'privos-libc'], ['lazyfree_pending_objects', 0], ['lazyfreed_objects', s.stat_lazyfreed_objects],
  ];
}

export function client_fields(s: Server): [string, string | number][] {
  const [, max_in, max_out] = client_buffers(s);
  let timeouts = 0;
  for (const c of s.blocked_clients) if (c.bpop && c.bpop.timeout > 0) timeouts++;
  return [['client_recent_max_input_buffer', max_in], ['client_recent_max_output_buffer', max_out], ['clients_in_timeout_table', timeouts]];
}

export function stats_rates(s: Server): [string, string | number][] {
  const st = s.info_stats;
  return [
    ['instantaneous_ops_per_sec', Math.round(st.ops.get())],
    ['instantaneous_input_kbps', (st.net_in.get() / 1024).toFixed(2)], ['instantaneous_output_kbps', (st.net_out.get() / 1024).toFixed(2)],
  ];
}

export function replication_fields(s: Server): [string, string | number][] {
  return [
    ['role', 'master'], ['connected_slaves', 0], ['master_failover_state', 'no-failover'], ['master_replid', s.info_stats.replid],
    ['master_replid2', '0'.repeat(40)], ['master_repl_offset', 0], ['second_repl_offset', -1], ['repl_backlog_active', 0],
    ['repl_backlog_size', Number(s.config.other.get('repl-backlog-size') ?? 1048576)], ['repl_backlog_first_byte_offset', 0], ['repl_backlog_histlen', 0],
  ];
}

/** used_cpu_*: getrusage(RUSAGE_SELF) and (RUSAGE_CHILDREN), utime and stime as seconds. */
export function cpu_fields(s: Server): [string, string | number][] {
  const l = s.libc, ru = l.malloc(144);
  const secs = (off: number): string => (l.peek_u64(ru + off) + l.peek_u64(ru + off + 8) / 1e6).toFixed(6);
  l.getrusage(0, ru);
  const own = [secs(16), secs(0)];
  l.getrusage(-1, ru);
  const kids = [secs(16), secs(0)];
  l.free(ru);
  return [
    ['used_cpu_sys', own[0]], ['used_cpu_user', own[1]], ['used_cpu_sys_children', kids[0]], ['used_cpu_user_children', kids[1]],
    ['used_cpu_sys_main_thread', own[0]], ['used_cpu_user_main_thread', own[1]],
  ];
}
