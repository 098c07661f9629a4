/**
 * redis-lite in privos driven by the real redis-cli: every data type, keys and expiry,
 * MULTI/WATCH, pub/sub and a blocking pop, each answer as Redis 7.0 gives it.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { cli, cli_batch, has_tool, open, start_redis, type Guest } from './helpers.ts';

let g: Guest;
const r = (...a: string[]): Promise<string> => cli(g.port, ...a);
/** Runs the commands through one redis-cli and compares the whole output with the expected replies. */
async function check(t: ExecutionContext, pairs: [string[], string][]): Promise<void> {
  t.is(await cli_batch(g.port, pairs.map((p) => p[0])), pairs.map((p) => p[1]).join(''));
}

test.before(async () => { g = await start_redis(); });
test.after.always(() => g?.stop());

test.serial('strings: SET options, GET, INCR family, APPEND/SETRANGE/GETRANGE, MSET/MGET', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['set', 's', 'hello'], 'OK\n'],
    [['set', 's', 'x', 'NX'], '\n'],
    [['set', 's', 'world', 'XX', 'GET'], 'hello\n'],
    [['append', 's', '!'], '6\n'],
    [['getrange', 's', '0', '-2'], 'world\n'],
    [['setrange', 's', '0', 'W'], '6\n'],
    [['get', 's'], 'World!\n'],
    [['incr', 'n'], '1\n'],
    [['incrby', 'n', '9223372036854775806'], '9223372036854775807\n'],
    [['incr', 'n'], 'ERR increment or decrement would overflow\n\n'],
    [['incrbyfloat', 'f', '10.5'], '10.5\n'],
    [['incr', 's'], 'ERR value is not an integer or out of range\n\n'],
    [['mset', 'a', '1', 'b', '2'], 'OK\n'],
    [['mget', 'a', 'b', 'nope'], '1\n2\n\n'],
    [['set', 'k', 'v', 'EX', '0'], "ERR invalid expire time in 'set' command\n\n"],
    [['get'], "ERR wrong number of arguments for 'get' command\n\n"],
    [['object', 'encoding', 'a'], 'int\n'],
  ]);
});

test.serial('lists: push/pop with count, LRANGE, LINSERT, LPOS, LMOVE, WRONGTYPE', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['rpush', 'l', 'a', 'b', 'c', 'd'], '4\n'],
    [['lpop', 'l', '2'], 'a\nb\n'],
    [['linsert', 'l', 'BEFORE', 'd', 'x'], '3\n'],
    [['lrange', 'l', '0', '-1'], 'c\nx\nd\n'],
    [['lpos', 'l', 'd'], '2\n'],
    [['lmove', 'l', 'l2', 'LEFT', 'RIGHT'], 'c\n'],
    [['lindex', 'l2', '0'], 'c\n'],
    [['lset', 'nolist', '0', 'x'], 'ERR no such key\n\n'],
    [['lpush', 's', 'x'], 'WRONGTYPE Operation against a key holding the wrong kind of value\n\n'],
    [['object', 'encoding', 'l'], 'quicklist\n'],
  ]);
});

test.serial('hashes, sets and sorted sets', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['hset', 'h', 'f1', 'v1', 'f2', '5'], '2\n'],
    [['hincrby', 'h', 'f2', '10'], '15\n'],
    [['hincrby', 'h', 'f1', '1'], 'ERR hash value is not an integer\n\n'],
    [['hmget', 'h', 'f1', 'none'], 'v1\n\n'],
    [['object', 'encoding', 'h'], 'listpack\n'],
    [['sadd', 'st', '3', '1', '2'], '3\n'],
    [['smembers', 'st'], '1\n2\n3\n'],
    [['object', 'encoding', 'st'], 'intset\n'],
    [['sadd', 'st', 'x'], '1\n'],
    [['object', 'encoding', 'st'], 'hashtable\n'],
    [['sinter', 'st', 'nokey'], '\n'],
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c'], '3\n'],
    [['zadd', 'z', 'GT', 'CH', '0', 'a', '5', 'b'], '1\n'],
    [['zrange', 'z', '(1', '+inf', 'BYSCORE', 'WITHSCORES'], 'c\n3\nb\n5\n'],
    [['zrank', 'z', 'b'], '2\n'],
    [['zscore', 'z', 'a'], '1\n'],
    [['zpopmin', 'z'], 'a\n1\n'],
    [['zadd', 'z', 'NX', 'XX', '1', 'a'], 'ERR XX and NX options at the same time are not compatible\n\n'],
  ]);
});

test.serial('keys: EXPIRE/TTL, RENAME, SCAN, TYPE, SELECT/MOVE, unknown commands', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['set', 'e', 'v', 'PX', '5000'], 'OK\n'],
  ]);
  t.regex(await r('pttl', 'e'), /^\d{4}\n$/);
  await check(t, [
    [['pexpire', 'e', '1'], '1\n'],
    [['expire', 'a', '100', 'XX'], '0\n'],
    [['expire', 'a', '100', 'NX'], '1\n'],
    [['ttl', 'a'], '100\n'],
    [['expire', 'a', '10', 'NX', 'GT'], 'ERR NX and XX, GT or LT options at the same time are not compatible\n\n'],
  ]);
  await new Promise((res) => setTimeout(res, 20));
  await check(t, [
    [['exists', 'e'], '0\n'],
    [['rename', 'nokey', 'x'], 'ERR no such key\n\n'],
    [['type', 'h'], 'hash\n'],
    [['move', 'b', '3'], '1\n'],
    [['select', '3'], 'OK\n'],
    [['get', 'b'], '2\n'],
    [['select', '0'], 'OK\n'],
    [['select', '16'], 'ERR DB index is out of range\n\n'],
  ]);
  const scan = await r('scan', '0', 'COUNT', '1000', 'MATCH', 'l*');
  t.deepEqual(scan.trim().split('\n').slice(1).sort(), ['l', 'l2']);
  await check(t, [
    [['nosuch', 'a', 'b'], "ERR unknown command 'nosuch', with args beginning with: 'a' 'b' \n\n"],
    [['config', 'nosub'], "ERR unknown subcommand 'nosub'. Try CONFIG HELP.\n\n"],
  ]);
});

test.serial('MULTI/EXEC/WATCH and an EXECABORT', async (t) => {
  const s = await open(g.port);
  const reply = (data: string, until: RegExp): Promise<string> => new Promise((res) => {
    let acc = '';
    const on = (b: Buffer): void => { acc += b.toString('latin1'); if (until.test(acc)) { s.off('data', on); res(acc); } };
    s.on('data', on);
    s.write(data);
  });
  t.is(await reply('WATCH w\r\nMULTI\r\nINCR w\r\nEXEC\r\n', /\*1\r\n:1\r\n$/), '+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n:1\r\n');
  await reply('WATCH w\r\n', /OK/);
  t.is(await cli(g.port, 'set', 'w', '10'), 'OK\n');
  t.is(await reply('MULTI\r\nINCR w\r\nEXEC\r\n', /\*-1\r\n$/), '+OK\r\n+QUEUED\r\n*-1\r\n');
  t.is(await reply('MULTI\r\nGET\r\nEXEC\r\n', /EXECABORT.*\r\n$/),
    "+OK\r\n-ERR wrong number of arguments for 'get' command\r\n-EXECABORT Transaction discarded because of previous errors.\r\n");
  s.destroy();
});

test.serial('pub/sub and BLPOP wake in order', async (t) => {
  const sub = await open(g.port);
  let got = '';
  sub.on('data', (b: Buffer) => { got += b.toString('latin1'); });
  sub.write('SUBSCRIBE news\r\n');
  while (!got.includes('subscribe')) await new Promise((res) => setTimeout(res, 10));
  t.is(await cli(g.port, 'publish', 'news', 'hi'), '1\n');
  while (!got.includes('hi')) await new Promise((res) => setTimeout(res, 10));
  t.is(got, '*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
  sub.destroy();

  const waiters = await Promise.all([open(g.port), open(g.port)]);
  const answers = waiters.map((w, i) => new Promise<string>((res) => {
    w.once('data', (b: Buffer) => res(b.toString('latin1')));
    w.write(`BLPOP q 5\r\n`);
    void i;
  }));
  await new Promise((res) => setTimeout(res, 100));
  t.is(await cli(g.port, 'rpush', 'q', 'first', 'second'), '2\n');
  t.deepEqual(await Promise.all(answers), ['*2\r\n$1\r\nq\r\n$5\r\nfirst\r\n', '*2\r\n$1\r\nq\r\n$6\r\nsecond\r\n']);
  for (const w of waiters) w.destroy();
  t.is(await cli(g.port, 'blpop', 'empty', '0.05'), '\n');
});
