/**
 * redis-lite's latency monitor and latency tracking (userland/redis-lite/latency.ts,
 * hdr_histogram.ts): LATENCY's replies and errors, the new configs, INFO latencystats, as
 * Redis 7.0.15 gives them (each expected reply was taken from a native redis-server 7.0.15
 * through the same redis-cli), and the histogram arithmetic against values printed by Redis's
 * own deps/hdr_histogram C code for the same recorded durations.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { make } from '../../../userland/redis-lite/commands.ts';
import { default_config } from '../../../userland/redis-lite/config.ts';
import { command_cdf, create_latency_report, latency_add_sample, latency_graph, type LatencyTimeSeries, percentile_distribution, update_command_latency_histogram } from '../../../userland/redis-lite/latency.ts';
import { cli, cli_batch, cli_check, has_tool, raw, start_redis, type Guest } from './helpers.ts';

/* ------------------------- the arithmetic, no server ------------------------- */

/**
 * Durations (ns) → INFO's percentile line and LATENCY HISTOGRAM's histogram_usec, as a C
 * program linked with Redis 7.0.15's deps/hdr_histogram printed them (hdr_init(1, 1e9, 2),
 * values clamped to 1 ns .. 1 s as updateCommandLatencyHistogram does, the log iterator of
 * fillCommandCDF).
 */
const HDR_CASES: [string, number[], string, number[]][] = [
  ['one call of 1000 ns', [1000], 'p0=1.000,p50=1.003,p99=1.003,p99.9=1.003,p100=1.003,p1.5=1.003,p33.3=1.003', [1, 1]],
  ['one call of 10.05 ms', [10050000], 'p0=10027.008,p50=10092.543,p99=10092.543,p99.9=10092.543,p100=10092.543,p1.5=10092.543,p33.3=10092.543', [16908, 1]],
  ['bucket edges, 0 and the 1 s ceiling', [0, 2, 3, 1000, 1024, 1031, 1032, 2047, 2048, 5000, 100000, 999999999, 1000000000],
    'p0=0.001,p50=1.039,p99=1002438.655,p99.9=1002438.655,p100=1002438.655,p1.5=0.001,p33.3=1.003', [1, 6, 2, 9, 8, 10, 132, 11, 1073741, 13]],
  ['1000 calls, 997 ns apart', Array.from({ length: 1000 }, (_, i) => (i + 1) * 997),
    'p0=0.996,p50=499.711,p99=987.135,p99.9=999.423,p100=999.423,p1.5=14.975,p33.3=333.823',
    [1, 1, 2, 2, 4, 4, 8, 8, 16, 16, 33, 33, 66, 66, 132, 132, 264, 264, 528, 529, 1056, 1000]],
  ['1.37^i ns, past 1 s', Array.from({ length: 68 }, (_, i) => Math.trunc(1.37 ** i)),
    'p0=0.001,p50=32.511,p99=1002438.655,p99.9=1002438.655,p100=1002438.655,p1.5=0.001,p33.3=1.019',
    [1, 23, 2, 25, 4, 27, 8, 29, 16, 31, 33, 34, 66, 36, 132, 38, 264, 40, 528, 42, 1056, 45, 2113, 47, 4227, 49, 8454, 51, 16908, 53, 33816, 56, 67633, 58, 135266, 60, 270532, 62, 541065, 64, 1073741, 68]],
  ['a slow tail', [...Array<number>(90).fill(250), ...Array<number>(9).fill(4000), 2500000],
    'p0=0.250,p50=0.250,p99=4.015,p99.9=2506.751,p100=2506.751,p1.5=0.250,p33.3=0.250', [1, 90, 4, 99, 4227, 100]],
];

for (const [name, values, percentiles, cdf] of HDR_CASES) {
  test(`hdr_histogram as Redis's C library: ${name}`, (t) => {
    const cmd = make('server', ['x', 1, '', () => {}]);
    for (const v of values) update_command_latency_histogram(cmd, v);
    const h = cmd.latency_histogram!;
    t.is(h.total_count, values.length);
    t.is(percentile_distribution(h, [0, 50, 99, 99.9, 100, 1.5, 33.3]), percentiles);
    t.deepEqual(command_cdf(h), cdf);
  });
}

/**
 * A native redis-server's LATENCY HISTORY command (DEBUG SLEEP of 5, 50, 20, 35, 10, 45 and
 * 3 ms, a second apart) and its LATENCY GRAPH / DOCTOR at unix time NOW.
 */
const HISTORY = [[1796288842, 5], [1796288843, 50], [1796288844, 20], [1796288845, 35], [1796288846, 10], [1796288847, 45], [1796288848, 3]];
const NOW = 1796288850;
const GRAPH = 'command - high 50 ms, low 3 ms (all time high 50 ms)\n'
  + `${'-'.repeat(80)}\n`
  + ' #   o \n'
  + ' | # | \n'
  + ' |o| | \n'
  + '_|||o|_\n'
  + '       \n'
  + '8765432\n'
  + 'sssssss\n';
const DOCTOR = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"
  + '1. command: 7 latency spikes (average 24ms, mean deviation 16ms, period 1.14 sec). Worst all time event 50ms.\n\n'
  + 'I have a few advices for you:\n\n'
  + "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than 1000'.\n"
  + '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n'
  + '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';

test('LATENCY GRAPH and DOCTOR texts as redis-server printed them for the same samples', (t) => {
  const events = new Map<string, LatencyTimeSeries>();
  for (const [time, ms] of HISTORY) latency_add_sample(events, 'command', ms, time);
  // A second keeps its highest sample only.
  latency_add_sample(events, 'command', 1, 1796288848);
  const cfg = default_config();
  cfg.latency_monitor_threshold = 1;
  t.is(latency_graph('command', events.get('command')!, NOW), GRAPH);
  t.is(create_latency_report(events, cfg, NOW), DOCTOR);
});

/**
 * 85 samples (DEBUG SLEEPs of 2..64 ms about a second apart on a native redis-server, given as
 * seconds after the first and ms): its LATENCY GRAPH wraps at 80 columns and labels in minutes.
 */
const T85 = 1796289467;
const OFFSETS_85 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 83, 84, 85, 86, 87, 88, 89, 90];
const MS_85 = [39, 16, 53, 30, 7, 44, 21, 58, 35, 12, 49, 26, 3, 40, 17, 54, 33, 8, 45, 22, 59, 36, 13, 50, 27, 4, 41, 18, 55, 32, 9, 46, 23, 60, 37, 14, 51, 28, 5, 42, 21, 56, 40, 10, 47, 24, 64, 41, 25, 52, 29, 6, 43, 20, 57, 34, 11, 48, 25, 2, 39, 16, 53, 30, 7, 44, 21, 58, 36, 20, 49, 26, 3, 40, 17, 54, 31, 8, 45, 22, 59, 36, 13, 50, 27];
const GRAPH_85 = [
  'command - high 64 ms, low 2 ms (all time high 64 ms)',
  '--------------------------------------------------------------------------------',
  '  _    o  _    o    #  _    o    #  _    o    #  _    o       _    o  _    o    ',
  'o |  # |_ |  o |_ # |_ |  o |  # |_ |  o |o # |o |  o |_ #  o |  # |_ |  o |  # ',
  '| |# |_|| |o | || |_|| |o |_|# |o|| |# |_|| |o||o|# |_|| |o | |# |_||_|o | |# |_',
  '|#||_||||o||_|#||o||||#||_||||o||||#||_||||o|||||||_||||o||_|#||_|||||||_|#||o||',
  '                                                                                ',
  '11111111111111111111111111111155555555554444444433333333332222222221111111111876',
  'mmmmmmmmmmmmmmmmmmmmmmmmmmmmmm98765432108765432198765432109876432109876543210sss',
  '                              sssssssssssssssssssssssssssssssssssssssssssssss   ',
  '',
  '#  _ ',
  '|_ | ',
  '|| |o',
  '||#||',
  '     ',
  '54321',
  'sssss',
].join('\n') + '\n';

test('LATENCY GRAPH of 85 samples: two bands of 80 columns, minute labels, as redis-server drew it', (t) => {
  const events = new Map<string, LatencyTimeSeries>();
  OFFSETS_85.forEach((off, i) => latency_add_sample(events, 'command', MS_85[i], T85 + off));
  t.is(latency_graph('command', events.get('command')!, T85 + 91), GRAPH_85);
  const cfg = default_config();
  cfg.latency_monitor_threshold = 1;
  t.true(create_latency_report(events, cfg, T85 + 91).includes('\n1. command: 85 latency spikes (average 32ms, mean deviation 14ms, period 1.07 sec). Worst all time event 64ms.\n'));
});

test('LATENCY DOCTOR with nothing recorded: disabled, or no spike', (t) => {
  const cfg = default_config();
  t.regex(create_latency_report(new Map(), cfg, NOW), /^I'm sorry, Dave, I can't do that\. Latency monitoring is disabled/);
  cfg.latency_monitor_threshold = 100;
  t.regex(create_latency_report(new Map(), cfg, NOW), /^Dave, no latency spike was observed during the lifetime of this Redis instance/);
});

/* ------------------------------ through the server ----------------------------- */

let g: Guest;
const check = (t: ExecutionContext, pairs: [string[], string][]): Promise<void> => cli_check(t, g.port, pairs);

test.before(async () => { g = await start_redis(); });
test.after.always(() => g?.stop());

/** The labels LATENCY HISTOGRAM's buckets carry (µs), as Redis prints them. */
const BUCKET_USEC = new Set([1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1073741]);

/** One RESP2 histogram entry: name, then calls and the histogram_usec pairs; returns the bucket labels. */
function histogram_entry(t: ExecutionContext, reply: string, name: string, calls: number): number[] {
  const m = new RegExp(`\\$${name.length}\\r\\n${name.replace('|', '\\|')}\\r\\n\\*4\\r\\n\\$5\\r\\ncalls\\r\\n:${calls}\\r\\n\\$14\\r\\nhistogram_usec\\r\\n\\*(\\d+)\\r\\n((?::\\d+\\r\\n)*)`).exec(reply);
  if (!m) { t.fail(`no ${name} with ${calls} calls in ${JSON.stringify(reply)}`); return []; }
  const nums = m[2].split('\r\n').filter(Boolean).map((s) => Number(s.slice(1)));
  t.is(nums.length, Number(m[1]));
  const labels = nums.filter((_, i) => i % 2 === 0), counts = nums.filter((_, i) => i % 2 === 1);
  for (const l of labels) t.true(BUCKET_USEC.has(l), `bucket ${l}`);
  t.is(counts[counts.length - 1], calls, 'cumulative counts end at calls');
  return labels;
}

test.serial('LATENCY and its configs: replies and errors as redis-server 7.0.15 gives them', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  const sorry = 'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
  const failed = (name: string, why: string): string => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}\n\n`;
  const bad_percentiles = failed('latency-tracking-info-percentiles', 'Invalid latency-tracking-info-percentiles parameters');
  await check(t, [
    [['latency', 'latest'], '\n'],
    [['latency', 'history', 'command'], '\n'],
    [['latency', 'history'], "ERR wrong number of arguments for 'latency|history' command\n\n"],
    [['latency', 'graph', 'command'], "ERR No samples available for event 'command'\n"],
    [['latency', 'reset'], '0\n'],
    [['latency', 'reset', 'a', 'b', 'c'], '0\n'],
    [['latency', 'doctor'], sorry],
    [['latency', 'foo'], "ERR unknown subcommand 'foo'. Try LATENCY HELP.\n\n"],
    [['latency', 'help', 'xxx'], "ERR wrong number of arguments for 'latency|help' command\n\n"],
    [['latency'], "ERR wrong number of arguments for 'latency' command\n\n"],
    [['latency', 'help'], 'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\nDOCTOR\n    Return a human readable latency analysis report.\nGRAPH <event>\n    Return an ASCII latency graph for the <event> class.\nHISTORY <event>\n    Return time-latency samples for the <event> class.\nLATEST\n    Return the latest latency samples for all events.\nRESET [<event> ...]\n    Reset latency data of one or more <event> classes.\n    (default: reset all data for all event classes)\nHISTOGRAM [COMMAND ...]\n    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.\n    If no commands are specified then all histograms are replied.\nHELP\n    Prints this help.\n'],
    [['latency', 'histogram', 'blabla'], '\n'],
    [['latency', 'histogram', '', 'a|b|c', 'set|x', 'config|nope'], '\n'],
    [['config', 'get', 'latency-monitor-threshold'], 'latency-monitor-threshold\n0\n'],
    [['config', 'get', 'latency-tracking'], 'latency-tracking\nyes\n'],
    [['config', 'get', 'latency-tracking-info-percentiles'], 'latency-tracking-info-percentiles\n50 99 99.9\n'],
    [['config', 'set', 'latency-monitor-threshold', '-1'], failed('latency-monitor-threshold', 'argument must be between 0 and 9223372036854775807 inclusive')],
    [['config', 'set', 'latency-monitor-threshold', '1.5'], failed('latency-monitor-threshold', "argument couldn't be parsed into an integer")],
    [['config', 'set', 'latency-monitor-threshold', '99999999999999999999'], failed('latency-monitor-threshold', "argument couldn't be parsed into an integer")],
    [['config', 'set', 'latency-monitor-threshold', '9223372036854775807'], 'OK\n'],
    [['config', 'get', 'latency-monitor-threshold'], 'latency-monitor-threshold\n9223372036854775807\n'],
    [['config', 'set', 'latency-monitor-threshold', '0'], 'OK\n'],
    [['config', 'set', 'latency-tracking', 'maybe'], failed('latency-tracking', "argument must be 'yes' or 'no'")],
    [['config', 'set', 'latency-tracking-info-percentiles', '10.0 50.0 a'], bad_percentiles],
    [['config', 'set', 'latency-tracking-info-percentiles', '50  99'], bad_percentiles],
    [['config', 'set', 'latency-tracking-info-percentiles', '10.0 50.0 101.0'], failed('latency-tracking-info-percentiles', 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]')],
    [['config', 'set', 'latency-tracking-info-percentiles', ' 50'], bad_percentiles],
    [['config', 'get', 'latency-tracking-info-percentiles'], 'latency-tracking-info-percentiles\n50 99 99.9\n'],
    [['config', 'set', 'latency-tracking-info-percentiles', '1e1 0x10 .5 0.0000001 100 0 99.99'], 'OK\n'],
    [['config', 'get', 'latency-tracking-info-percentiles'], 'latency-tracking-info-percentiles\n10 16 0.5 0 100 0 99.99\n'],
    [['config', 'set', 'latency-tracking-info-percentiles', ''], 'OK\n'],
    [['config', 'get', 'latency-tracking-info-percentiles'], 'latency-tracking-info-percentiles\n\n'],
    [['config', 'set', 'latency-tracking-info-percentiles', '0.0 50.0 100.0'], 'OK\n'],
    [['config', 'get', 'latency-tracking-info-percentiles'], 'latency-tracking-info-percentiles\n0 50 100\n'],
    [['config', 'set', 'latency-tracking-info-percentiles', '50 99 99.9'], 'OK\n'],
    [['config', 'set', 'latency-tracking', 'no'], 'OK\n'],
    [['config', 'get', 'latency-tracking'], 'latency-tracking\nno\n'],
    [['config', 'set', 'latency-tracking', 'yes'], 'OK\n'],
  ]);
});

test.serial('LATENCY HISTOGRAM: every call counted, subcommands, unknown names skipped, RESP3 maps, CONFIG RESETSTAT', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  // Only CONFIG RESETSTAT itself, recorded after it cleared the histograms.
  let r = (await raw(g.port, 'CONFIG RESETSTAT\r\nLATENCY HISTOGRAM\r\n')).reply;
  t.true(r.startsWith('+OK\r\n*2\r\n$16\r\nconfig|resetstat\r\n'), JSON.stringify(r));
  histogram_entry(t, r, 'config|resetstat', 1);
  // 100 SETs: each one is timed (not one call in 64), so the histogram counts all of them.
  await cli_batch(g.port, [['config', 'resetstat'], ...Array.from({ length: 100 }, (_, i) => ['set', `k${i}`, 'v']), ['get', 'k1'], ['client', 'id'], ['client', 'list']]);
  r = (await raw(g.port, 'LATENCY HISTOGRAM set nosuch GET\r\n')).reply;
  t.true(r.startsWith('*4\r\n$3\r\nset\r\n'), JSON.stringify(r));
  histogram_entry(t, r, 'set', 100);
  histogram_entry(t, r, 'get', 1);
  r = (await raw(g.port, 'LATENCY HISTOGRAM client\r\n')).reply;
  t.true(r.startsWith('*4\r\n'), JSON.stringify(r));
  histogram_entry(t, r, 'client|id', 1);
  histogram_entry(t, r, 'client|list', 1);
  r = (await raw(g.port, 'LATENCY HISTOGRAM CLIENT|ID\r\n')).reply;
  t.true(r.startsWith('*2\r\n$9\r\nclient|id\r\n'), JSON.stringify(r));
  r = (await raw(g.port, 'HELLO 3\r\nLATENCY HISTOGRAM nosuch get\r\n')).reply;
  t.regex(r, /\r\n%1\r\n\$3\r\nget\r\n%2\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n%1\r\n:\d+\r\n:1\r\n$/);
  // latency-tracking no: nothing recorded, nothing reported.
  r = (await raw(g.port, 'CONFIG SET latency-tracking no\r\nCONFIG RESETSTAT\r\nSET a b\r\nLATENCY HISTOGRAM\r\nCONFIG SET latency-tracking yes\r\n')).reply;
  t.is(r, '+OK\r\n+OK\r\n+OK\r\n*0\r\n+OK\r\n');
});

/** INFO latencystats: the lines after its header (null if the header is not first). */
async function latencystats(): Promise<string[] | null> {
  const out = await cli(g.port, 'info', 'latencystats');
  return out.startsWith('# Latencystats\r\n') ? out.split('\r\n').slice(1).filter(Boolean) : null;
}

test.serial('INFO latencystats: per-command percentiles, latency-tracking-info-percentiles, off with latency-tracking', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli_batch(g.port, [['config', 'resetstat'], ['set', 'a', 'b'], ['get', 'a'], ['client', 'id']]);
  const num = '\\d+\\.\\d{3}';
  let lines = (await latencystats()) ?? [];
  t.true(lines.some((l) => new RegExp(`^latency_percentiles_usec_set:p50=${num},p99=${num},p99\\.9=${num}$`).test(l)), lines.join('\n'));
  t.true(lines.some((l) => l.startsWith('latency_percentiles_usec_client|id:p50=')), lines.join('\n'));
  t.true(lines.some((l) => l.startsWith('latency_percentiles_usec_config|resetstat:p50=')));
  t.false(lines.some((l) => l.startsWith('latency_percentiles_usec_hset:')));
  // Not a default section; in ALL after Errorstats, before Cluster.
  t.false((await cli(g.port, 'info')).includes('# Latencystats'));
  t.regex(await cli(g.port, 'info', 'all'), /# Errorstats\r\n(?:[^#]*\r\n)?\r\n# Latencystats\r\n[^#]*\r\n# Cluster\r\n/);
  await cli(g.port, 'config', 'set', 'latency-tracking-info-percentiles', '0.0 50.0 100.0');
  lines = (await latencystats()) ?? [];
  t.true(lines.some((l) => new RegExp(`^latency_percentiles_usec_get:p0=${num},p50=${num},p100=${num}$`).test(l)), lines.join('\n'));
  await cli(g.port, 'config', 'set', 'latency-tracking-info-percentiles', '');
  t.true((await latencystats())?.includes('latency_percentiles_usec_get:'));
  await cli(g.port, 'config', 'set', 'latency-tracking-info-percentiles', '50 99 99.9');
  await cli(g.port, 'config', 'set', 'latency-tracking', 'no');
  t.deepEqual(await latencystats(), []);
  await cli(g.port, 'config', 'set', 'latency-tracking', 'yes');
  await cli(g.port, 'config', 'resetstat');
  lines = (await latencystats()) ?? [];
  t.is(lines.length, 1, lines.join('\n'));
  t.regex(lines[0], new RegExp(`^latency_percentiles_usec_config\\|resetstat:p50=${num},p99=${num},p99\\.9=${num}$`));
});

/** A ZADD of n members as RESP (too many arguments for a command line): ~0.2 s in privos for 100000. */
function big_zadd(key: string, n: number): string {
  let out = `*${2 + 2 * n}\r\n$4\r\nZADD\r\n$${key.length}\r\n${key}\r\n`;
  for (let i = 0; i < n; i++) { const score = String(i), member = `m${i}`; out += `$${score.length}\r\n${score}\r\n$${member.length}\r\n${member}\r\n`; }
  return out;
}

test.serial('latency monitor: spikes at or above latency-monitor-threshold as "fast-command" / "command" events', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli(g.port, 'del', 'big', 'z1', 'z2', 'dst');
  // Monitor off (threshold 0): a 100000-member ZADD leaves no event.
  t.is((await raw(g.port, big_zadd('z1', 100000))).reply, ':100000\r\n');
  t.is(await cli(g.port, 'latency', 'latest'), '\n');
  t.is(await cli(g.port, 'sadd', 'big', ...Array.from({ length: 100000 }, (_, i) => String(i))), '100000\n');
  const time = async (): Promise<number> => Number((await cli(g.port, 'time')).split('\n')[0]);
  // 20 ms: well below the ZADD (~200 ms in privos) and SUNIONSTORE (~50 ms) below, well above
  // the quick commands around them (a slow one of those could only add "command" samples).
  const t0 = await time();
  await cli(g.port, 'config', 'set', 'latency-monitor-threshold', '20');
  const latest = async (): Promise<Map<string, number[]>> => {
    const l = (await cli(g.port, 'latency', 'latest')).trim().split('\n');
    const m = new Map<string, number[]>();
    for (let i = 0; i + 3 < l.length; i += 4) m.set(l[i], l.slice(i + 1, i + 4).map(Number));
    return m;
  };
  t.is((await raw(g.port, big_zadd('z2', 100000))).reply, ':100000\r\n'); // ZADD is CMD_FAST
  const after_zadd = await latest();
  t.true(after_zadd.has('fast-command'), [...after_zadd.keys()].join(' '));
  t.is(await cli(g.port, 'sunionstore', 'dst', 'big'), '100000\n'); // SUNIONSTORE is not
  const t1 = await time();
  const events = await latest();
  t.deepEqual([...events.keys()].sort(), ['command', 'fast-command']);
  t.deepEqual(events.get('fast-command'), after_zadd.get('fast-command'), 'SUNIONSTORE is no fast-command');
  for (const [when, ms, max] of events.values()) {
    t.true(when >= t0 && when <= t1, `time ${when} in [${t0}, ${t1}]`);
    t.true(ms >= 20 && max >= ms, `latency ${ms}, max ${max}`);
  }
  const [when, ms, max] = events.get('fast-command')!;
  t.is(await cli(g.port, 'latency', 'history', 'fast-command'), `${when}\n${ms}\n`);
  t.is(await cli(g.port, 'latency', 'history', 'FAST-COMMAND'), '\n'); // looked up case-sensitively
  t.regex(await cli(g.port, 'latency', 'graph', 'fast-command'), new RegExp(`^fast-command - high ${ms} ms, low ${ms} ms \\(all time high ${max} ms\\)\n-{80}\n`));
  const doctor = await cli(g.port, 'latency', 'doctor');
  t.true(doctor.startsWith("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"), doctor);
  t.regex(doctor, new RegExp(`\\. fast-command: 1 latency spikes \\(average ${ms}ms, mean deviation 0ms, period \\d\\.00 sec\\)\\. Worst all time event ${max}ms\\.\n`));
  t.regex(doctor, /\. command: \d+ latency spikes /);
  t.true(doctor.includes('- Check your Slow Log to understand what are the commands you are running which are too slow to execute.'));
  t.true(doctor.includes('- The system is slow to execute Redis code paths not containing system calls.'));
  // A threshold above the spikes records nothing more.
  await cli(g.port, 'config', 'set', 'latency-monitor-threshold', '100000');
  const before = await cli(g.port, 'latency', 'history', 'command');
  await cli(g.port, 'sunionstore', 'dst', 'big');
  t.is(await cli(g.port, 'latency', 'history', 'command'), before);
  await check(t, [
    [['latency', 'reset', 'Fast-Command', 'nosuch'], '1\n'],
    [['latency', 'reset'], '1\n'],
    [['latency', 'latest'], '\n'],
    [['config', 'set', 'latency-monitor-threshold', '0'], 'OK\n'],
  ]);
});
