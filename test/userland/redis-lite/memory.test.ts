/**
 * used_memory follows collections as they grow and shrink, and lazy freeing is counted as
 * Redis 7.0 counts it (lazyfreed_objects: UNLINK of a value costing more than 64 allocations,
 * every key of an async flush, DEL under lazyfree-lazy-user-del).
 */
import test from 'ava';
import { cli, cli_batch, info_field, start_redis, type Guest } from './helpers.ts';

let g: Guest;
test.before(async () => { g = await start_redis(); });
test.after.always(() => g?.stop());

const used = async (): Promise<number> => Number(await info_field(g.port, 'memory', 'used_memory'));
const lazyfreed = async (): Promise<number> => Number(await info_field(g.port, 'memory', 'lazyfreed_objects'));

test.serial('a 100k-member set moves used_memory by megabytes; UNLINK gives it back and counts a lazy free', async (t) => {
  await cli(g.port, 'config', 'resetstat');
  const before = await used();
  const members = Array.from({ length: 100000 }, (_, i) => String(i));
  for (let i = 0; i < members.length; i += 10000) await cli(g.port, 'sadd', 'big', ...members.slice(i, i + 10000));
  const peak = await used();
  t.true(peak > before + 1000000, `${before} → ${peak}`);
  t.is(await cli(g.port, 'unlink', 'big'), '1\n');
  t.true(await used() < before * 1.1, 'memory reclaimed');
  t.is(await lazyfreed(), 1);
  await cli_batch(g.port, [['sadd', 'small', 'a', 'b'], ['unlink', 'small']]);
  t.is(await lazyfreed(), 1, 'a small value is freed at once, not lazily');
});

test.serial('async flushes count each key; DEL is lazy only under lazyfree-lazy-user-del', async (t) => {
  await cli(g.port, 'config', 'resetstat');
  await cli_batch(g.port, [['set', 'a', '1'], ['rpush', 'l', 'x'], ['hset', 'h', 'f', 'v'], ['flushdb', 'async']]);
  t.is(await lazyfreed(), 3);
  await cli_batch(g.port, [['set', 'a', '1'], ['flushdb', 'sync']]);
  t.is(await lazyfreed(), 3);
  const members = Array.from({ length: 200 }, (_, i) => `m${i}`);
  await cli_batch(g.port, [['sadd', 's1', ...members], ['del', 's1'], ['config', 'set', 'lazyfree-lazy-user-del', 'yes'], ['sadd', 's2', ...members], ['del', 's2'], ['config', 'set', 'lazyfree-lazy-user-del', 'no']]);
  t.is(await lazyfreed(), 4);
  t.is(await info_field(g.port, 'memory', 'lazyfree_pending_objects'), '0');
});

test.serial('MEMORY USAGE samples 5 elements by default and every one with SAMPLES 0', async (t) => {
  await cli_batch(g.port, [['del', 'h'], ['hset', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5', 'long', 'x'.repeat(1000)]]);
  const sampled = Number(await cli(g.port, 'memory', 'usage', 'h'));
  const all = Number(await cli(g.port, 'memory', 'usage', 'h', 'samples', '0'));
  t.true(all > sampled + 900, `${sampled} vs ${all}: the 1000-byte field is the sixth`);
});

test.serial('INFO reports peak memory, forks, saves, CPU time, identity and instantaneous rates', async (t) => {
  t.regex(await info_field(g.port, 'server', 'run_id'), /^[0-9a-f]{40}$/);
  t.regex(await info_field(g.port, 'replication', 'master_replid'), /^[0-9a-f]{40}$/);
  t.true(Number(await info_field(g.port, 'memory', 'used_memory_peak')) >= Number(await info_field(g.port, 'memory', 'used_memory')));
  const forks = Number(await info_field(g.port, 'stats', 'total_forks'));
  t.is(await cli(g.port, 'bgsave'), 'Background saving started\n');
  t.is(Number(await info_field(g.port, 'stats', 'total_forks')), forks + 1);
  t.true(Number(await info_field(g.port, 'stats', 'latest_fork_usec')) > 0);
  while ((await info_field(g.port, 'persistence', 'rdb_bgsave_in_progress')) !== '0') await new Promise((r) => setTimeout(r, 20));
  t.true(Number(await info_field(g.port, 'persistence', 'rdb_saves')) >= 1);
  t.true(Number(await info_field(g.port, 'cpu', 'used_cpu_user')) + Number(await info_field(g.port, 'cpu', 'used_cpu_sys')) > 0);
  // 300 ms of steady PINGs: the rate the cron samples every 100 ms is above zero.
  const end = Date.now() + 300;
  while (Date.now() < end) await cli_batch(g.port, Array.from({ length: 50 }, () => ['ping']));
  t.true(Number(await info_field(g.port, 'stats', 'instantaneous_ops_per_sec')) > 0);
});

/** MEMORY STATS as name → value (db.N entries as their nested lines). */
async function memory_stats(): Promise<Map<string, string>> {
  const lines = (await cli(g.port, 'memory', 'stats')).trim().split('\n');
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length;) {
    if (/^db\.\d+$/.test(lines[i])) { m.set(lines[i], lines.slice(i + 1, i + 7).join(' ')); i += 7; } else { m.set(lines[i], lines[i + 1]); i += 2; }
  }
  return m;
}

test.serial('MEMORY STATS adds up with INFO; MEMORY DOCTOR reports as Redis\'s does; MALLOC-STATS and PURGE answer', async (t) => {
  await cli(g.port, 'flushall');
  const empty = await cli(g.port, 'memory', 'doctor');
  t.true(empty.startsWith("Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions."), empty);
  const members = Array.from({ length: 10000 }, (_, i) => `member-${i}-${'x'.repeat(40)}`);
  for (let i = 0; i < 100; i++) await cli_batch(g.port, [['sadd', `s${i}`, ...members.slice(0, 100)], ['expire', `s${i}`, '1000']]);
  await cli(g.port, 'setrange', 'big', String(12 * 1024 * 1024), 'y');
  const ms = await memory_stats();
  const n = (k: string): number => Number(ms.get(k));
  t.is(n('keys.count'), 101);
  t.is(n('overhead.total') + n('dataset.bytes'), n('total.allocated'), 'overhead + dataset = total');
  t.true(n('startup.allocated') < n('total.allocated'));
  t.is(n('fragmentation'), 1);
  t.deepEqual([...ms.keys()].slice(0, 3), ['peak.allocated', 'total.allocated', 'startup.allocated']);
  t.true(ms.has('db.0'), 'a non-empty DB has its entry');
  t.is(await cli(g.port, 'memory', 'doctor'), "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n");
  await cli(g.port, 'del', 'big');
  await cli(g.port, 'flushall');
  await cli(g.port, 'setrange', 'mid', String(5 * 1024 * 1024 + 100000), 'y');
  const report = await cli(g.port, 'memory', 'doctor');
  t.regex(report, /^Sam, I detected a few issues in this Redis instance memory implants:\n\n \* Peak memory: In the past this instance used more than 150% /, 'the 12 MiB peak is above 150 % of now');
  t.true(report.endsWith("I'm here to keep you safe, Sam. I want to help you.\n"));
  t.is(await cli(g.port, 'memory', 'malloc-stats'), 'Stats not supported for the current allocator'); // redis-cli prints a bulk string as it is
  t.is(await cli(g.port, 'memory', 'purge'), 'OK\n');
  await cli(g.port, 'flushall');
});
