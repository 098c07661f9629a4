/**
 * redis-lite in privos: commands and behaviours Redis 7.0.15's own test suite exercises
 * beyond the basic types (ZMPOP/BZMPOP, …), each reply checked as Redis 7.0 gives it
 * through the real redis-cli or as raw RESP.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { cli, cli_batch, cli_check, has_tool, open, raw_conn, start_redis, wait_blocked_clients, type Guest } from './helpers.ts';

let g: Guest;
const check = (t: ExecutionContext, pairs: [string[], string][]): Promise<void> => cli_check(t, g.port, pairs);

const blocked_clients = (n: number): Promise<void> => wait_blocked_clients(g.port, n);

/** Sends one command on a fresh connection and resolves with its first reply chunk. */
async function send(cmd: string): Promise<string> {
  const s = await open(g.port);
  return new Promise((res) => { s.once('data', (b: Buffer) => { s.destroy(); res(b.toString('latin1')); }); s.write(cmd); });
}

const conn = (): ReturnType<typeof raw_conn> => raw_conn(g.port);

test.before(async () => { g = await start_redis(); });
test.after.always(() => g?.stop());

test.serial('ZMPOP: first non-empty key, MIN/MAX with COUNT, argument errors', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c'], '3\n'],
    [['zmpop', '2', 'none', 'z', 'MAX', 'COUNT', '2'], 'z\nc\n3\nb\n2\n'],
    [['zmpop', '1', 'z', 'min', 'count', '10'], 'z\na\n1\n'],
    [['exists', 'z'], '0\n'],
    [['zmpop', '1', 'z', 'MIN'], '\n'],
    [['zmpop', '0', 'z', 'MIN'], 'ERR numkeys should be greater than 0\n\n'],
    [['zmpop', '1', 'z', 'MIDDLE'], 'ERR syntax error\n\n'],
    [['zmpop', '2', 'z', 'MIN'], 'ERR syntax error\n\n'],
    [['zmpop', '1', 'z', 'MIN', 'COUNT', '0'], 'ERR count should be greater than 0\n\n'],
    [['zmpop', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1'], 'ERR syntax error\n\n'],
    [['set', 's', 'x'], 'OK\n'],
    [['zmpop', '1', 's', 'MIN'], 'WRONGTYPE Operation against a key holding the wrong kind of value\n\n'],
    [['zintercard', '0', 'z'], "ERR at least 1 input key is needed for 'zintercard' command\n\n"],
    [['zintercard', '2', 'z'], 'ERR syntax error\n\n'],
    [['sintercard', '2', 'z'], "ERR Number of keys can't be greater than number of args\n\n"],
  ]);
});

test.serial('BZMPOP: served at once, or blocks until a ZADD; errors before the timeout', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['zadd', 'bz', '5', 'e'], '1\n'],
    [['bzmpop', '0', '1', 'bz', 'MIN'], 'bz\ne\n5\n'],
    [['bzmpop', '-1', '1', 'bz', 'MIN', 'COUNT', '0'], 'ERR count should be greater than 0\n\n'],
    [['bzmpop', '-1', '1', 'bz', 'MIN'], 'ERR timeout is negative\n\n'],
  ]);
  const waiting = send('BZMPOP 0 2 nokey bz MAX COUNT 5\r\n');
  await blocked_clients(1);
  t.is(await cli(g.port, 'zadd', 'bz', '1', 'x', '2', 'y'), '2\n');
  t.is(await waiting, '*2\r\n$2\r\nbz\r\n*2\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n');
});

test.serial('BITFIELD: GET/SET/INCRBY at bit offsets, #n offsets, OVERFLOW WRAP/SAT/FAIL, BITFIELD_RO', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['bitfield', 'bf', 'set', 'i8', '0', '-100'], '0\n'],
    [['bitfield', 'bf', 'get', 'u8', '0', 'get', 'i4', '4'], '156\n-4\n'],
    [['bitfield', 'bf', 'overflow', 'sat', 'incrby', 'i8', '0', '-100', 'overflow', 'fail', 'incrby', 'i8', '0', '-1', 'overflow', 'wrap', 'incrby', 'i8', '0', '-1'], '-128\n\n127\n'],
    [['bitfield', 'bf', 'overflow', 'sat', 'set', 'u8', '#2', '-1', 'get', 'u32', '0'], '0\n2130771712\n'],
    [['bitfield', 'bf', 'set', 'u3', '5', '9', 'get', 'u3', '5', 'incrby', 'u2', '100', '-1'], '7\n1\n3\n'],
    [['strlen', 'bf'], '13\n'],
    [['bitfield', 'i64', 'incrby', 'i64', '0', '9223372036854775807', 'incrby', 'i64', '0', '2'], '9223372036854775807\n-9223372036854775807\n'],
    [['bitfield', 'bf', 'get', 'u64', '0'], 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\n\n'],
    [['bitfield', 'bf', 'get', 'i8', '-1'], 'ERR bit offset is not an integer or out of range\n\n'],
    [['bitfield', 'bf', 'overflow', 'x'], 'ERR Invalid OVERFLOW type specified\n\n'],
    [['bitfield', 'bf', 'get', 'i8', '0', 'set'], 'ERR syntax error\n\n'],
    [['bitfield_ro', 'bf', 'set', 'i8', '0', '1'], 'ERR BITFIELD_RO only supports the GET subcommand\n\n'],
    [['bitfield_ro', 'bf', 'get', 'i8', '0'], '121\n'],
    // A failed write still creates the zero-padded key.
    [['bitfield', 'nokey', 'overflow', 'fail', 'set', 'u2', '0', '7'], '\n'],
    [['strlen', 'nokey'], '1\n'],
  ]);
});

test.serial('SETBIT and BITFIELD count as changes only when a bit changes or the string grows', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  const dirty = async (): Promise<number> => +/rdb_changes_since_last_save:(\d+)/.exec(await cli(g.port, 'info', 'persistence'))![1];
  const d0 = await dirty();
  await cli_batch(g.port, [['setbit', 'sb', '0', '0'], ['bitfield', 'sf', 'set', 'i5', '0', '0']]);
  t.is(await dirty(), d0 + 2);
  await cli_batch(g.port, [['setbit', 'sb', '0', '0'], ['bitfield', 'sf', 'set', 'i5', '0', '0']]);
  t.is(await dirty(), d0 + 2);
  await cli_batch(g.port, [['setbit', 'sb', '0', '1'], ['setbit', 'sb', '0', '1'], ['bitfield', 'sf', 'set', 'i5', '0', '1']]);
  t.is(await dirty(), d0 + 4);
});

/** PSUBSCRIBEs to every channel on a fresh connection; resolves with a reader of the next n messages. */
async function watch_events(): Promise<{ next: (n: number) => Promise<string[]>; close: () => void }> {
  const c = await conn();
  await c.send('PSUBSCRIBE *\r\n', /:1\r\n/);
  // Each pmessage is *4 $7 pmessage $1 * $len channel $len payload: 9 CRLF-terminated lines.
  let carry = '';
  const next = async (n: number): Promise<string[]> => {
    while (carry.split('\r\n').length - 1 < n * 9) carry += await c.send('', /[\s\S]/);
    const lines = carry.split('\r\n');
    carry = lines.slice(n * 9).join('\r\n');
    return Array.from({ length: n }, (_, i) => `${lines[i * 9 + 6]} ${lines[i * 9 + 8]}`);
  };
  return { next, close: c.close };
}

test.serial('keyspace notifications: K and E channels, class masks, new/expired/del events, CONFIG spelling', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['config', 'set', 'notify-keyspace-events', 'KA'], 'OK\n'],
    [['config', 'get', 'notify-keyspace-events'], 'notify-keyspace-events\nAK\n'],
    [['config', 'set', 'notify-keyspace-events', '$lshzxeKEn'], 'OK\n'],
    [['config', 'get', 'notify-keyspace-events'], 'notify-keyspace-events\n$lshzxenKE\n'],
    [['config', 'set', 'notify-keyspace-events', 'Q'], "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\n\n"],
    [['config', 'set', 'notify-keyspace-events', 'Elgn'], 'OK\n'],
  ]);
  const ev = await watch_events();
  // Only list, generic and new-key events are enabled: the SET and the SADD are silent.
  await cli_batch(g.port, [['set', 'ks', 'v'], ['rpush', 'kl', 'a', 'b'], ['lpop', 'kl', '2'], ['sadd', 'kset', 'm'], ['expire', 'kset', '100'], ['del', 'kset']]);
  t.deepEqual(await ev.next(6), [
    '__keyevent@0__:new ks', '__keyevent@0__:new kl', '__keyevent@0__:rpush kl', '__keyevent@0__:lpop kl',
    '__keyevent@0__:del kl', '__keyevent@0__:new kset',
  ]);
  t.deepEqual(await ev.next(2), ['__keyevent@0__:expire kset', '__keyevent@0__:del kset']);
  await cli(g.port, 'config', 'set', 'notify-keyspace-events', 'Kzhx');
  await cli_batch(g.port, [['zadd', 'kz', '1', 'a'], ['zrem', 'kz', 'nope'], ['hset', 'kh', 'f', '1'], ['hincrby', 'kh', 'f', '2'], ['psetex', 'kx', '1', 'v']]);
  t.deepEqual(await ev.next(3), ['__keyspace@0__:kz zadd', '__keyspace@0__:kh hset', '__keyspace@0__:kh hincrby']);
  // Found expired on access (or by the active cycle, whichever comes first): one expired event.
  while ((await cli(g.port, 'exists', 'kx')) !== '0\n') await new Promise((r) => setTimeout(r, 5));
  t.deepEqual(await ev.next(1), ['__keyspace@0__:kx expired']);
  await cli(g.port, 'config', 'set', 'notify-keyspace-events', 'Elg');
  await cli_batch(g.port, [['rpush', 'ksrc', '2', '1'], ['sort', 'ksrc', 'STORE', 'kdst'], ['sort', 'nolist', 'STORE', 'kdst']]);
  t.deepEqual(await ev.next(3), ['__keyevent@0__:rpush ksrc', '__keyevent@0__:sortstore kdst', '__keyevent@0__:del kdst']);
  ev.close();
  await cli(g.port, 'config', 'set', 'notify-keyspace-events', '');
});

test.serial('HyperLogLog: PFADD builds Redis\'s sparse bytes, PFCOUNT caches in the header, dense/sparse merge, corruption errors', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['pfadd', 'h', 'a', 'b', 'c'], '1\n'],
    [['pfadd', 'h', 'a', 'b', 'c'], '0\n'],
    // Header, stale-cache bit set, then XZERO/VAL opcodes: the bytes real Redis stores.
    [['pfdebug', 'decode', 'h'], 'Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603\n'],
    [['pfcount', 'h'], '3\n'],
    [['strlen', 'h'], '27\n'],
    [['pfadd', 'h2', 'x', 'y'], '1\n'],
    [['pfdebug', 'todense', 'h2'], '1\n'],
    [['pfdebug', 'encoding', 'h2'], 'dense\n'],
    [['strlen', 'h2'], '12304\n'],
    [['pfcount', 'h', 'h2'], '5\n'],
    [['pfmerge', 'h3', 'h', 'h2'], 'OK\n'],
    [['pfdebug', 'encoding', 'h3'], 'dense\n'],
    [['pfcount', 'h3'], '5\n'],
    [['set', 'str', 'bar'], 'OK\n'],
    [['pfadd', 'str', '1'], 'WRONGTYPE Key is not a valid HyperLogLog string value.\n\n'],
    [['lpush', 'lst', 'x'], '1\n'],
    [['pfcount', 'lst'], 'WRONGTYPE Operation against a key holding the wrong kind of value\n\n'],
    // Garbage after the opcodes: the cached count still answers, a recount detects it.
    [['append', 'h', 'hello'], '32\n'],
    [['pfcount', 'h'], '3\n'],
    [['pfadd', 'h', 'zz'], '1\n'],
    [['pfcount', 'h'], 'INVALIDOBJ Corrupted HLL object detected\n\n'],
    [['pfdebug', 'getreg', 'no-hll'], 'ERR The specified key does not exist\n\n'],
  ]);
});

test.serial('MONITOR: executed commands (MULTI/EXEC in order, quoted as sdscatrepr), not rejected or admin ones; RESET ends it', async (t) => {
  const m = await conn();
  await m.send('MONITOR\r\n', /\+OK\r\n/);
  await cli_batch(g.port, [['set', 'mk', 'a "b"\n\x01'], ['multi'], ['nosuchcmd'], ['exec'], ['config', 'get', 'port'], ['get', 'mk']]);
  const got = await m.send('', /"get"/);
  // redis-cli's own COMMAND DOCS at start is monitored too; the rest is what the batch ran.
  const lines = got.split('\r\n').filter((l) => l).map((l) => l.replace(/^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] /, '')).filter((l) => !l.startsWith('"COMMAND"'));
  t.deepEqual(lines, ['"set" "mk" "a \\"b\\"\\n\\x01"', '"multi"', '"exec"', '"get" "mk"']);
  t.regex(await cli(g.port, 'client', 'list'), /flags=O /);
  await m.send('RESET\r\n', /\+RESET\r\n/);
  t.notRegex(await cli(g.port, 'client', 'list'), /flags=O /);
  m.close();
});

test.serial('CLIENT TRACKING: RESP2 redirect to __redis__:invalidate, RESP3 pushes after the reply, BCAST prefixes, flush, TRACKINGINFO', async (t) => {
  const sub = await conn(), rd = await conn();
  const id = /:(\d+)/.exec(await sub.send('CLIENT ID\r\n', /\r\n/))![1];
  await sub.send('SUBSCRIBE __redis__:invalidate\r\n', /:1\r\n$/);
  t.is(await rd.send(`CLIENT TRACKING on REDIRECT ${id}\r\n`, /\r\n/), '+OK\r\n');
  await rd.send('GET tk1\r\nMGET tk2 tk3\r\n', /\*2\r\n\$-1\r\n\$-1\r\n$/);
  await cli_batch(g.port, [['set', 'tk1', 'x'], ['set', 'tk3', 'y'], ['set', 'tk1', 'z']]);
  // One message per read key, and only once until it is read again.
  t.is(await sub.send('', /tk3\r\n$/), '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$3\r\ntk1\r\n'
    + '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$3\r\ntk3\r\n');
  t.regex(await cli(g.port, 'client', 'list'), new RegExp(`flags=t .* redir=${id} `));
  t.is(await rd.send('CLIENT TRACKING on BCAST\r\n', /\r\n/), "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n");
  await rd.send('CLIENT TRACKING off\r\n', /\r\n/);
  t.is(await rd.send('CLIENT TRACKING on BCAST PREFIX a PREFIX ab\r\n', /\r\n/), "-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap.\r\n");
  t.is(await rd.send('CLIENT TRACKING off\r\n', /\r\n/), '+OK\r\n');
  // RESP3: its own write's invalidation comes after the write's reply.
  await rd.send('HELLO 3\r\n', /proto/);
  await rd.send('CLIENT TRACKING on\r\nGET tk5\r\n', /_\r\n$/);
  t.is(await rd.send('SET tk5 v\r\n', /tk5\r\n$/), '+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\ntk5\r\n');
  await rd.send('GET tk5\r\n', /v\r\n$/);
  await cli(g.port, 'flushall');
  t.is(await rd.send('', /_\r\n$/), '>2\r\n$10\r\ninvalidate\r\n_\r\n');
  await rd.send('CLIENT TRACKING off\r\nCLIENT TRACKING on BCAST PREFIX bc: NOLOOP\r\n', /OK\r\n\+OK\r\n$/);
  // One command, one broadcast (broadcasts go out once per event-loop iteration).
  await cli(g.port, 'mset', 'bc:1', 'x', 'other', 'y', 'bc:2', 'z');
  t.is(await rd.send('', /bc:2\r\n$/), '>2\r\n$10\r\ninvalidate\r\n*2\r\n$4\r\nbc:1\r\n$4\r\nbc:2\r\n');
  t.is(await rd.send('CLIENT TRACKINGINFO\r\n', /prefixes\r\n\*1\r\n\$3\r\nbc:\r\n$/),
    '%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*1\r\n$3\r\nbc:\r\n');
  sub.close(); rd.close();
});

test.serial('GEO: GEOADD as ZADD of 52-bit geohashes, GEODIST/GEOPOS/GEOHASH, radius and box searches, STORE/STOREDIST, errors', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'], '2\n'],
    [['zscore', 'Sicily', 'Palermo'], '3479099956230698\n'],
    [['geodist', 'Sicily', 'Palermo', 'Catania', 'km'], '166.2742\n'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH', 'ASC'],
      'Catania\n56.4413\n3479447370796909\n15.08726745843887329\n37.50266842333162032\nPalermo\n190.4424\n3479099956230698\n13.36138933897018433\n38.11555639549629859\n'],
    [['georadius', 'Sicily', '15', '37', '100', 'km'], 'Catania\n'],
    [['geohash', 'Sicily', 'Palermo', 'Catania', 'nowhere'], 'sqc8b49rny0\nsqdtr74hyu0\n\n'],
    [['geosearch', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '100', 'km', 'COUNT', '1', 'ANY'], 'Palermo\n'],
    [['geosearchstore', 'gdst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'STOREDIST'], '2\n'],
    [['zrange', 'gdst', '0', '-1', 'withscores'], 'Catania\n56.441257870158204\nPalermo\n190.44242984775784\n'],
    [['geoadd', 'Sicily', '200', '100', 'bad'], 'ERR invalid longitude,latitude pair 200.000000,100.000000\n\n'],
    [['georadius', 'Sicily', '15', '37', '1', 'parsec'], 'ERR unsupported unit provided. please use M, KM, FT, MI\n\n'],
    [['geosearch', 'Sicily', 'BYRADIUS', '10', 'km', 'ASC', 'WITHDIST'], 'ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch\n\n'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'STORE', 'x', 'WITHDIST'], 'ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\n\n'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'ANY'], 'ERR the ANY argument requires COUNT argument\n\n'],
  ]);
});

test.serial('query buffer: grown by a 400 KB argument, trimmed by the clients cron to the recent peak once small commands follow', async (t) => {
  const c = await conn();
  await c.send('CLIENT SETNAME qb\r\n', /\r\n/);
  const big = 'A'.repeat(400000);
  await c.send(`*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$${big.length}\r\n${big}\r\n`, /\+OK\r\n/);
  const size = async (): Promise<number> => {
    const m = /name=qb .*? qbuf=(\d+) qbuf-free=(\d+)/.exec(await cli(g.port, 'client', 'list'))!;
    return +m[1] + +m[2];
  };
  const grown = await size();
  t.true(grown > 32768);
  // Small commands keep the peak at one read (16 KiB); the cron (10 times a second) sees it under half.
  let now = grown;
  for (let i = 0; i < 500 && now === grown; i++) { await c.send('SET x y\r\n', /\+OK\r\n/); now = await size(); }
  t.true(now < grown);
  // (Two cron ticks with no read in between trim it to nothing; the next read brings back one read's worth.)
  await c.send('SET x y\r\n', /\+OK\r\n/);
  now = await size();
  t.true(now > 0 && now <= 32768);
  c.close();
});

test.serial('SLOWLOG: entries newest first with trimmed arguments, the original argv of rewritten commands, max-len, GET count, RESET', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['config', 'set', 'slowlog-log-slower-than', '0'], 'OK\n'],
    [['config', 'set', 'slowlog-max-len', '3'], 'OK\n'],
    [['slowlog', 'reset'], 'OK\n'],
    [['geoadd', 'sl-geo', '13.361389', '38.115556', 'Palermo'], '1\n'],
    [['sadd', 'sl-set', ...Array.from({ length: 33 }, (_, i) => String(i))], '33\n'],
    [['slowlog', 'len'], '3\n'],
    [['slowlog', 'get', '-2'], 'ERR count should be greater than or equal to -1\n\n'],
    [['config', 'set', 'slowlog-log-slower-than', '-1'], 'OK\n'],
  ]);
  const e = (await cli(g.port, 'slowlog', 'get', '-1')).split('\n');
  // The SADD (35 arguments) kept 31 and a count of the other 4; the CONFIG SET that turned the log off is not in it.
  t.is(e[e.indexOf('... (4 more arguments)') - 1], '28');
  t.false(e.includes('config'));
  await check(t, [
    [['config', 'set', 'slowlog-log-slower-than', '0'], 'OK\n'],
    [['slowlog', 'reset'], 'OK\n'],
    [['geoadd', 'sl-geo', '15', '37', 'X'.repeat(130)], '1\n'],
    [['config', 'set', 'slowlog-log-slower-than', '10000'], 'OK\n'],
  ]);
  // GEOADD ran as ZADD but is logged as received; a long argument is cut at 128 bytes.
  const rows = (await cli(g.port, 'slowlog', 'get', '-1')).split('\n');
  t.true(rows.includes('geoadd'));
  t.true(rows.includes(`${'X'.repeat(128)}... (2 more bytes)`));
  t.false(rows.includes('zadd'));
});

test.serial('strings past what a JS string holds: with proto-max-bulk-len raised, SETRANGE, APPEND and SETBIT answer the size error and the server lives on', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  const too_big = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)\n\n';
  await check(t, [
    [['config', 'set', 'proto-max-bulk-len', '10000000000'], 'OK\n'],
    [['setrange', 'big', '2147483647', 'A'], too_big],
    [['setrange', 'big', String(512 * 1024 * 1024 - 4), 'world'], too_big],
    [['set', 'big', 'hello'], 'OK\n'],
    [['append', 'big', 'x'], '6\n'],
    [['setbit', 'big', String(2 ** 32), '1'], 'ERR bit offset is not an integer or out of range\n\n'],
    [['config', 'set', 'proto-max-bulk-len', '536870912'], 'OK\n'],
    [['ping'], 'PONG\n'],
  ]);
});
