/**
 * redis-lite's SORT, error statistics (INFO errorstats/commandstats), per-key LRU/LFU data
 * (OBJECT IDLETIME/FREQ, maxmemory eviction) and CLIENT REPLY/UNBLOCK, driven by the real
 * redis-cli, each answer as Redis 7.0.15 gives it (checked against redis-server 7.0.15).
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { cli, cli_batch, cli_check, has_tool, info_field as info, open, raw, start_redis, type Guest } from './helpers.ts';

let g: Guest;
const r = (...a: string[]): Promise<string> => cli(g.port, ...a);
const check = (t: ExecutionContext, pairs: [string[], string][]): Promise<void> => cli_check(t, g.port, pairs);
const info_field = (section: string, name: string): Promise<string> => info(g.port, section, name);

/** A RESP request (latin1: one char per byte, as DUMP payloads need). */
const resp = (...a: string[]): string => `*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`;
/** Sends commands on one raw connection; resolves with everything replied. */
async function send(...cmds: string[][]): Promise<string> {
  return (await raw(g.port, Buffer.from(cmds.map((c) => resp(...c)).join(''), 'latin1'))).reply;
}
/** DUMP of the integer 1 (RDB 10, as redis-server 7.0 writes it). */
const DUMP1 = '\x00\xc0\x01\t\x00\xf6\x8a\xb6z\x85\x87rM';

test.before(async () => { g = await start_redis(); });
test.after.always(() => g?.stop());

test.serial('SORT: numeric, DESC, ALPHA, LIMIT, and the bad-double error', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['rpush', 'l', '3', '1', '2', '10', '1.5', '-4'], '6\n'],
    [['sort', 'l'], '-4\n1\n1.5\n2\n3\n10\n'],
    [['sort', 'l', 'desc', 'limit', '1', '2'], '3\n2\n'],
    [['sort', 'l', 'alpha'], '-4\n1\n1.5\n10\n2\n3\n'],
    [['sort', 'l', 'limit', '2', '9223372036854775807'], '1.5\n2\n3\n10\n'],
    [['sort', 'l', 'limit', 'x', '1'], 'ERR value is not an integer or out of range\n\n'],
    [['sort', 'l', 'nonsense'], 'ERR syntax error\n\n'],
    [['rpush', 'bad', '1', 'x'], '2\n'],
    [['sort', 'bad'], "ERR One or more scores can't be converted into double\n\n"],
    [['set', 'str', 'v'], 'OK\n'],
    [['sort', 'str'], 'WRONGTYPE Operation against a key holding the wrong kind of value\n\n'],
  ]);
});

test.serial('SORT: BY and GET patterns (keys and ->hash fields), nosort keeps native order', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['rpush', 'p', 'a', 'b', 'c'], '3\n'],
    [['mset', 'w_a', '3', 'w_b', '1', 'w_c', '2'], 'OK\n'],
    [['hset', 'h_a', 'n', 'alice'], '1\n'],
    [['hset', 'h_c', 'n', 'carol'], '1\n'],
    [['sort', 'p', 'by', 'w_*'], 'b\nc\na\n'],
    [['sort', 'p', 'by', 'w_*', 'get', '#', 'get', 'h_*->n', 'get', 'w_*'], 'b\n\n1\nc\ncarol\n2\na\nalice\n3\n'],
    [['sort', 'p', 'by', 'h_*->n', 'alpha', 'desc'], 'c\na\nb\n'],
    [['sort', 'p', 'by', 'nosort', 'desc', 'limit', '0', '2'], 'c\nb\n'],
    [['zadd', 'z', '1', 'a', '5', 'b', '2', 'c', '10', 'd', '3', 'e'], '5\n'],
    [['sort', 'z', 'by', 'nosort'], 'a\nc\ne\nb\nd\n'],
    [['sort', 'z', 'by', 'nosort', 'desc', 'limit', '0', '2'], 'd\nb\n'],
    [['sort', 'z', 'by', 'nosort', 'limit', '-10', '100'], 'a\nc\ne\nb\nd\n'],
    [['object', 'encoding', 'z'], 'skiplist\n'],
    [['sadd', 's', 'b', 'a', 'c'], '3\n'],
    [['sort', 's', 'by', 'const', 'store', 'dst'], '3\n'],
    [['lrange', 'dst', '0', '-1'], 'a\nb\nc\n'],
  ]);
});

test.serial('SORT STORE: a list, an empty result deletes the destination; SORT_RO refuses STORE', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['sort', 'p', 'by', 'w_*', 'get', 'h_*->n', 'store', 'out'], '3\n'],
    [['lrange', 'out', '0', '-1'], '\ncarol\nalice\n'],
    [['type', 'out'], 'list\n'],
    [['sort', 'p', 'limit', '10', '10', 'alpha', 'store', 'out'], '0\n'],
    [['exists', 'out'], '0\n'],
    [['sort_ro', 'p', 'store', 'x'], 'ERR syntax error\n\n'],
    [['sort_ro', 'p', 'alpha'], 'a\nb\nc\n'],
    [['command', 'getkeys', 'sort', 'abc', 'store', 'invalid', 'store', 'stillbad', 'store', 'def'], 'abc\ndef\n'],
    [['command', 'getkeys', 'sort_ro', 'abc'], 'abc\n'],
  ]);
});

test.serial('errorstats: errors counted under their code, failed and rejected calls, reset by CONFIG RESETSTAT', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli_batch(g.port, [['config', 'resetstat'], ['set', 'k'], ['asdf'], ['set', 'a', 'b'], ['lpush', 'a', 'x'], ['auth', 'k']]);
  t.is(await info_field('errorstats', 'errorstat_ERR'), 'count=3');
  t.is(await info_field('errorstats', 'errorstat_WRONGTYPE'), 'count=1');
  t.is(await info_field('stats', 'total_error_replies'), '4');
  t.regex(await info_field('commandstats', 'cmdstat_set'), /^calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=1,failed_calls=0$/);
  t.regex(await info_field('commandstats', 'cmdstat_lpush'), /^calls=1,.*,rejected_calls=0,failed_calls=1$/);
  t.regex(await info_field('commandstats', 'cmdstat_auth'), /^calls=1,.*,rejected_calls=0,failed_calls=1$/);
  // Inside MULTI: the queued command is rejected, EXEC fails with EXECABORT; an error of a
  // command EXEC ran is that command's, not EXEC's.
  await cli_batch(g.port, [['config', 'resetstat'], ['multi'], ['set'], ['exec'], ['multi'], ['set', 'a', 'b'], ['auth', 'x'], ['exec']]);
  t.is(await info_field('errorstats', 'errorstat_EXECABORT'), 'count=1');
  t.is(await info_field('errorstats', 'errorstat_ERR'), 'count=2');
  t.regex(await info_field('commandstats', 'cmdstat_exec'), /^calls=2,.*,rejected_calls=0,failed_calls=1$/);
  t.regex(await info_field('commandstats', 'cmdstat_set'), /^calls=1,.*,rejected_calls=1,failed_calls=0$/);
  await r('config', 'resetstat');
  t.is(await info_field('errorstats', 'errorstat_ERR'), '');
  t.is(await info_field('stats', 'total_error_replies'), '0');
});

test.serial('OBJECT IDLETIME: set by RESTORE, reset by reads and writes, not by TYPE/EXISTS/TTL/OBJECT', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  t.is(await send(['config', 'set', 'maxmemory-policy', 'allkeys-lru'], ['restore', 'old', '0', DUMP1, 'idletime', '1000'],
    ['restore', 'old2', '0', DUMP1, 'idletime', '1000']), '+OK\r\n+OK\r\n+OK\r\n');
  await check(t, [
    [['type', 'old'], 'string\n'],
    [['exists', 'old'], '1\n'],
    [['ttl', 'old'], '-1\n'],
    [['object', 'encoding', 'old'], 'int\n'],
  ]);
  t.true(Number(await r('object', 'idletime', 'old')) >= 1000);
  await r('get', 'old');
  t.true(Number(await r('object', 'idletime', 'old')) < 2);
  await r('touch', 'old2');
  t.true(Number(await r('object', 'idletime', 'old2')) < 2);
  await check(t, [
    [['object', 'freq', 'old'], 'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\n\n'],
    [['object', 'idletime', 'nokey'], '\n'],
  ]);
});

test.serial('OBJECT FREQ under an LFU policy: RESTORE FREQ, a logarithmic counter bumped on access', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  // lfu-decay-time 0: no decay; lfu-log-factor 0: every access increments (probability 1).
  await check(t, [
    [['config', 'set', 'maxmemory-policy', 'allkeys-lfu'], 'OK\n'],
    [['config', 'set', 'lfu-decay-time', '0'], 'OK\n'],
    [['config', 'set', 'lfu-log-factor', '0'], 'OK\n'],
  ]);
  t.is(await send(['restore', 'f', '0', DUMP1, 'freq', '100']), '+OK\r\n');
  await check(t, [
    [['object', 'freq', 'f'], '100\n'],
    [['get', 'f'], '1\n'],
    [['get', 'f'], '1\n'],
    [['object', 'freq', 'f'], '102\n'],
    [['set', 'newkey', 'v'], 'OK\n'],
    [['object', 'freq', 'newkey'], '5\n'],
    [['object', 'idletime', 'f'], 'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\n\n'],
    [['config', 'set', 'maxmemory-policy', 'lru'], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\n\n"],
    [['config', 'set', 'lfu-decay-time', '1'], 'OK\n'],
    [['config', 'set', 'lfu-log-factor', '10'], 'OK\n'],
  ]);
});

test.serial('maxmemory: noeviction refuses denyoom commands with OOM; allkeys-lru evicts the idlest keys', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await r('flushall');
  await check(t, [
    [['config', 'set', 'maxmemory-policy', 'noeviction'], 'OK\n'],
    [['config', 'set', 'maxmemory', '1'], 'OK\n'],
    [['set', 'a', 'b'], "OOM command not allowed when used memory > 'maxmemory'.\n\n"],
    [['get', 'a'], '\n'],
    [['config', 'set', 'maxmemory', '0'], 'OK\n'],
  ]);
  t.is(await info_field('errorstats', 'errorstat_OOM'), 'count=1');
  // 10 idle keys first, then 10 fresh ones; maxmemory leaves room for the fresh ones only (in the
  // used_memory model, less what is not counted for eviction: client buffers, script caches).
  // Sampling every key makes the choice exact (Redis's is approximate).
  const used = async (): Promise<number> => Number(await info_field('memory', 'used_memory')) - Number(await info_field('memory', 'mem_not_counted_for_evict'));
  const cmds: string[][] = [];
  for (let i = 0; i < 10; i++) cmds.push(['restore', `old${i}`, '0', DUMP1, 'idletime', '5000']);
  const used0 = await used();
  t.is(await send(...cmds), '+OK\r\n'.repeat(10));
  const old_bytes = await used() - used0;
  t.true(old_bytes > 0);
  t.is(await send(...Array.from({ length: 10 }, (_, i) => ['set', `new${i}`, 'v'])), '+OK\r\n'.repeat(10));
  await cli_batch(g.port, [['config', 'set', 'maxmemory-samples', '64'], ['config', 'set', 'maxmemory-policy', 'allkeys-lru'],
    ['config', 'set', 'maxmemory', String(await used() - old_bytes)], ['ping']]);
  await r('config', 'set', 'maxmemory', '0');
  t.is((await r('keys', 'old*')).trim(), '');
  t.is((await r('keys', 'new*')).trim().split('\n').length, 10);
  t.is(await info_field('stats', 'evicted_keys'), '10');
  await r('config', 'set', 'maxmemory-policy', 'noeviction');
  await r('config', 'set', 'maxmemory-samples', '5');
});

test.serial('CLIENT REPLY OFF/SKIP drop replies; CLIENT UNBLOCK ends a BLPOP with nil or -UNBLOCKED', async (t) => {
  const cmd = resp;
  const { reply } = await raw(g.port, cmd('client', 'reply', 'skip') + cmd('set', 'a', '1') + cmd('get', 'a') +
    cmd('client', 'reply', 'off') + cmd('get', 'a') + cmd('nosuchcmd') + cmd('client', 'reply', 'on') + cmd('get', 'a') +
    cmd('client', 'reply', 'x') + cmd('client', 'unblock', '99999') + cmd('client', 'unblock', '1', 'later'));
  t.is(reply, '$1\r\n1\r\n+OK\r\n$1\r\n1\r\n-ERR syntax error\r\n:0\r\n-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
  for (const [how, want] of [['timeout', '*-1\r\n'], ['error', '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n']]) {
    const s = await open(g.port);
    const got: Buffer[] = [];
    s.on('data', (b: Buffer) => got.push(b));
    s.write(cmd('client', 'id') + cmd('blpop', 'nolist', '0'));
    while (!Buffer.concat(got).toString().includes('\r\n')) await new Promise((res) => s.once('data', res));
    const id = /:(\d+)/.exec(Buffer.concat(got).toString())![1];
    got.length = 0;
    t.is((await r('client', 'unblock', id, how)).trim(), '1');
    while (!Buffer.concat(got).toString().endsWith('\r\n')) await new Promise((res) => s.once('data', res));
    t.is(Buffer.concat(got).toString(), want);
    s.destroy();
  }
});

test.serial('ZINCRBY (±inf, NaN error), ZINTERCARD, CLIENT LIST/KILL as Redis 7.0 report them', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['zincrby', 'zi', '+inf', 'abc'], 'inf\n'],
    [['zincrby', 'zi', '-inf', 'abc'], 'ERR resulting score is not a number (NaN)\n\n'],
    [['zincrby', 'zi', '2.5', 'x'], '2.5\n'],
    [['zadd', 'zj', '1', 'x', '1', 'abc', '1', 'y'], '3\n'],
    [['zintercard', '2', 'zi', 'zj'], '2\n'],
    [['zintercard', '2', 'zi', 'zj', 'limit', '1'], '1\n'],
    [['zintercard', '0', 'zi'], "ERR at least 1 input key is needed for 'zintercard' command\n\n"],
    [['zintercard', '3', 'zi'], 'ERR syntax error\n\n'],
    [['client', 'kill', 'id', '-1'], 'ERR client-id should be greater than 0\n\n'],
  ]);
  // The running command and the bytes of its request (26 for CLIENT LIST) are in its own line.
  t.regex(await r('client', 'list'), / qbuf=26 .* cmd=client\|list /);
});

test.serial('RESP3: member-score pairs are nested arrays (ZRANGE WITHSCORES, ZPOPMIN with a count), flat without', async (t) => {
  const out = await send(['del', 'z3'], ['zadd', 'z3', '1', 'a', '2', 'b'], ['hello', '3'], ['zrange', 'z3', '0', '-1', 'withscores'], ['zpopmin', 'z3'], ['zpopmin', 'z3', '1']);
  // (after HELLO's map) ZRANGE: two pairs; ZPOPMIN: one flat pair; ZPOPMIN 1: an array of one pair.
  t.true(out.endsWith('*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n' + '*2\r\n$1\r\na\r\n,1\r\n' + '*1\r\n*2\r\n$1\r\nb\r\n,2\r\n'), JSON.stringify(out.slice(-120)));
});

test.serial('BITPOS with a start only, BITCOUNT with reversed negative indexes, CLIENT KILL TYPE/USER errors', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['setrange', 'bits', '0', 'A'], '1\n'], // 0x41: bits 1 and 7 set
    [['bitpos', 'bits', '1', '0'], '1\n'],
    [['bitpos', 'bits', '0', '-1'], '0\n'],
    [['bitcount', 'bits', '-1', '-2'], '0\n'],
    [['bitcount', 'bits', '-1', '-1'], '2\n'],
    [['client', 'kill', 'type', 'wrong_type'], "ERR Unknown client type 'wrong_type'\n\n"],
    [['client', 'kill', 'user', 'nobody'], "ERR No such user 'nobody'\n\n"],
    [['client', 'kill', 'type', 'master'], '0\n'],
  ]);
});

test.serial('a command that finishes asynchronously (SAVE) still answers in order: pipelined commands wait for its reply; SAVE is refused inside MULTI', async (t) => {
  const got = (await raw(g.port, resp('SAVE') + resp('PING') + resp('MULTI') + resp('SAVE') + resp('EXEC'))).reply;
  t.is(got, '+OK\r\n+PONG\r\n+OK\r\n-ERR Command not allowed inside a transaction\r\n-EXECABORT Transaction discarded because of previous errors.\r\n');
});

test.serial('INCRBYFLOAT and HINCRBYFLOAT compute in x87 long double and print %.17Lf, as Redis on x86-64 (expected strings from redis-server 7.0.15)', async (t) => {
  await cli_batch(g.port, [['del', 'fl', 'fh']]);
  const steps: [string, string][] = [['0.1', '0.1'], ['0.2', '0.3'], ['1e17', '100000000000000000.296875'], ['-1e17', '0.296875'],
    ['5e-18', '0.296875'], ['9223372036854775807', '9223372036854775807.5'], ['-9223372036854775808', '-0.5'], ['0x1p-3', '-0.375'], ['1e-4940', '-0.375']];
  for (const [by, want] of steps) t.is((await r('incrbyfloat', 'fl', by)).trim(), want, `+${by}`);
  t.true((await r('incrbyfloat', 'fl', '1e4932')).startsWith('10000000000000000000060189493879638913238377742545331147737850413525330194866087'));
  t.is((await r('incrbyfloat', 'fl', '1e4932')).trim(), 'ERR increment would produce NaN or Infinity');
  t.is((await r('incrbyfloat', 'fl', '1e5000')).trim(), 'ERR value is not a valid float', 'a literal past the range (ERANGE)');
  await r('del', 'fl');
  for (let i = 0; i < 10; i++) await r('incrbyfloat', 'fl', '0.1');
  t.is((await r('get', 'fl')).trim(), '1', 'ten times 0.1 is 1 in long double');
  const h = await cli_batch(g.port, [['hincrbyfloat', 'fh', 'f', '-9223372036854775808'], ['hincrbyfloat', 'fh', 'f', '9223372036854775807'], ['hincrbyfloat', 'fh', 'f', '0.1']]);
  t.is(h.trim().split('\n').join(' '), '-9223372036854775808 -1 -0.9');
  await r('del', 'fl', 'fh');
});
