/**
 * object.c's memory side: getMemoryOverheadData (what INFO memory and MEMORY STATS report),
 * getMemoryDoctorReport and the MEMORY command. redis-lite's figures are its model of Redis's
 * accounting (Server.used_memory, eval.ts scripts_memory, function.ts functions_memory): the
 * dataset lives in the JavaScript heap, so there is no allocator to ask — allocated, active and
 * resident are the same number and every fragmentation ratio is 1.
 */
import { container, register } from './commands.ts';
import { functions_memory } from './function.ts';
import { scripts_memory } from './eval.ts';
import { memory_usage } from './keyspace.ts';
import type { Client } from './networking.ts';
import type { Server } from './server.ts';
import { reply_help } from './help.ts';

/** used_memory_startup: the model's idle server. */
export const STARTUP = 1024 * 1024;

/** Clients' buffers: their bytes, and the largest query and reply buffers. */
export function client_buffers(s: Server): [mem: number, max_in: number, max_out: number] {
  let mem = 0, max_in = 0, max_out = 0;
  for (const c of s.clients.values()) {
    mem += c.qbuf.length + c.reply.buf.length;
    if (c.qlen > max_in) max_in = c.qlen;
    if (c.reply.len > max_out) max_out = c.reply.len;
  }
  return [mem, max_in, max_out];
}

/** struct redisMemOverhead. */
export interface MemOverhead {
  peak: number; total: number; clients: number; lua_caches: number; functions_caches: number;
  dbs: { id: number; main: number; expires: number }[];
  overhead: number; keys: number; bytes_per_key: number; dataset: number; dataset_perc: number; peak_perc: number;
}

/** What INFO's used_memory adds to the keyspace's memory: client buffers and script caches (not counted for eviction). */
export function not_counted_for_evict(s: Server): number {
  return client_buffers(s)[0] + scripts_memory(s)[1] + functions_memory(s)[2];
}

/** INFO's used_memory (zmalloc_used_memory in the model). */
export function used_memory_total(s: Server): number {
  return s.used_memory() + not_counted_for_evict(s);
}

/**
 * getMemoryOverheadData: the keyspace's overhead is what the model charges per key (a 24-byte
 * entry in the main table, another in expires); the rest of the keyspace's bytes are dataset.
 */
export function memory_overhead(s: Server): MemOverhead {
  const total = used_memory_total(s), st = s.info_stats;
  st.peak_memory = Math.max(st.peak_memory, total);
  const [clients] = client_buffers(s);
  const lua_caches = scripts_memory(s)[1], functions_caches = functions_memory(s)[2];
  let overhead = STARTUP + clients + lua_caches + functions_caches, keys = 0;
  const dbs: MemOverhead['dbs'] = [];
  for (const db of s.dbs) {
    const n = db.dict.size, e = db.expires.size;
    if (n === 0) continue;
    const main = n * 24, expires = e * 24;
    dbs.push({ id: db.id, main, expires });
    overhead += main + expires;
    keys += n;
  }
  const net = total - STARTUP, dataset = Math.max(0, total - overhead);
  return {
    peak: st.peak_memory, total, clients, lua_caches, functions_caches, dbs, overhead, keys,
    bytes_per_key: keys ? Math.floor(net / keys) : 0, dataset,
    dataset_perc: net > 0 ? (dataset * 100) / net : 0, peak_perc: st.peak_memory ? (total * 100) / st.peak_memory : 0,
  };
}

const DOCTOR_EMPTY = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const PEAK = ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
const BIG_CLIENTS = ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';
const MANY_SCRIPTS = " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n";

/**
 * getMemoryDoctorReport: the checks that can fire under this model — a past peak above 150 %
 * of now, client buffers above 200 KiB each on average, more than 1000 cached scripts (the
 * fragmentation and RSS checks never do: the ratios are 1).
 */
export function memory_doctor(s: Server): string {
  const mh = memory_overhead(s);
  if (mh.total < 5 * 1024 * 1024) return DOCTOR_EMPTY;
  let report = '';
  if (mh.peak / mh.total > 1.5) report += PEAK;
  if (s.clients.size > 0 && mh.clients / s.clients.size > 200 * 1024) report += BIG_CLIENTS;
  if (scripts_memory(s)[0] > 1000) report += MANY_SCRIPTS;
  if (!report) return DOCTOR_FINE;
  return `Sam, I detected a few issues in this Redis instance memory implants:\n\n${report}I'm here to keep you safe, Sam. I want to help you.\n`;
}

/** MEMORY STATS: the overhead data as a map, in memoryCommand's order. */
function memory_stats(c: Client): void {
  const mh = memory_overhead(c.srv), r = c.reply;
  const ints: [string, number][] = [
    ['peak.allocated', mh.peak], ['total.allocated', mh.total], ['startup.allocated', STARTUP], ['replication.backlog', 0],
    ['clients.slaves', 0], ['clients.normal', mh.clients], ['cluster.links', 0], ['aof.buffer', 0],
    ['lua.caches', mh.lua_caches], ['functions.caches', mh.functions_caches],
  ];
  const rest: [string, number, boolean][] = [
    ['overhead.total', mh.overhead, false], ['keys.count', mh.keys, false], ['keys.bytes-per-key', mh.bytes_per_key, false],
    ['dataset.bytes', mh.dataset, false], ['dataset.percentage', mh.dataset_perc, true], ['peak.percentage', mh.peak_perc, true],
    ['allocator.allocated', mh.total, false], ['allocator.active', mh.total, false], ['allocator.resident', mh.total, false],
    ['allocator-fragmentation.ratio', 1, true], ['allocator-fragmentation.bytes', 0, false], ['allocator-rss.ratio', 1, true],
    ['allocator-rss.bytes', 0, false], ['rss-overhead.ratio', 1, true], ['rss-overhead.bytes', 0, false],
    ['fragmentation', 1, true], ['fragmentation.bytes', 0, false],
  ];
  r.map(ints.length + mh.dbs.length + rest.length);
  for (const [k, v] of ints) { r.bulk(k); r.int(v); }
  for (const db of mh.dbs) {
    r.bulk(`db.${db.id}`); r.map(3);
    r.bulk('overhead.hashtable.main'); r.int(db.main);
    r.bulk('overhead.hashtable.expires'); r.int(db.expires);
    r.bulk('overhead.hashtable.slot-to-keys'); r.int(0);
  }
  for (const [k, v, dbl] of rest) { r.bulk(k); if (dbl) r.double(v); else r.int(v); }
}

register('server', [container('server', 'memory', [
  ['doctor', 2, 'nokeys', (c) => c.reply.verbatim(memory_doctor(c.srv))],
  ['malloc-stats', 2, 'nokeys', (c) => c.reply.bulk('Stats not supported for the current allocator')],
  ['purge', 2, 'nokeys', (c) => c.reply.ok()],
  ['stats', 2, 'nokeys', memory_stats],
  ['usage', -3, 'readonly', memory_usage, 2, 2, 1],
  ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'MEMORY')],
])]);
