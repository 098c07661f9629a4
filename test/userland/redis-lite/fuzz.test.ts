/**
 * Differential fuzz against redis-server 7.0 (run only where it is installed): commands drawn
 * from the data-type families with arguments drawn from a vocabulary of numbers, edge values,
 * option words and keys of every type, each sent to both servers after the same setup. The
 * kind of each reply must agree (an error's whole first line, otherwise its RESP type) — and, for
 * commands whose reply is determined by their arguments, every byte — so a
 * wrong order of checks (WRONGTYPE before a syntax error, …) or a missing check fails here.
 * The seed is fixed (REDIS_FUZZ_SEED, REDIS_FUZZ_RUNS and REDIS_FUZZ_ARGS explore further): a failure names the
 * command and reproduces.
 */
import test from 'ava';
import fc from 'fast-check';
import { connect, type Socket } from 'node:net';
import { start_native, start_redis, type Guest } from './helpers.ts';

let g: Guest;
let native: Awaited<ReturnType<typeof start_native>> = null;

test.before(async () => { [g, native] = await Promise.all([start_redis(), start_native()]); });
test.after.always(() => { g?.stop(); native?.proc.kill('SIGKILL'); });

const COMMANDS = [
  'set', 'get', 'getex', 'getdel', 'getrange', 'setrange', 'incrby', 'incrbyfloat', 'append', 'lcs', 'mset', 'msetnx',
  'bitcount', 'bitpos', 'setbit', 'getbit', 'bitfield', 'bitop',
  'lpush', 'lpop', 'lrange', 'linsert', 'lpos', 'lmove', 'lmpop', 'lrem', 'ltrim', 'lset', 'lindex',
  'hset', 'hget', 'hmget', 'hdel', 'hincrby', 'hincrbyfloat', 'hrandfield', 'hscan', 'hstrlen',
  'sadd', 'srem', 'spop', 'srandmember', 'smove', 'sinter', 'sintercard', 'sunionstore', 'sscan', 'smismember',
  'zadd', 'zrange', 'zrangestore', 'zunionstore', 'zinter', 'zrangebyscore', 'zrevrangebylex', 'zincrby', 'zmpop',
  'zrandmember', 'zscan', 'zremrangebyscore', 'zremrangebylex', 'zcount', 'zlexcount', 'zpopmin', 'zintercard', 'zmscore',
  'xadd', 'xrange', 'xrevrange', 'xtrim', 'xdel', 'xgroup', 'xack', 'xpending', 'xclaim', 'xautoclaim', 'xinfo', 'xsetid',
  'del', 'exists', 'type', 'rename', 'copy', 'move', 'expire', 'pexpireat', 'ttl', 'persist', 'object', 'sort', 'scan',
  'geoadd', 'geodist', 'geopos', 'geosearch', 'geosearchstore', 'pfadd', 'pfcount', 'pfmerge',
  'setex', 'psetex', 'setnx', 'getset', 'decrby', 'strlen', 'mget', 'incr', 'hsetnx', 'hexists', 'hlen', 'hkeys', 'hgetall',
  'scard', 'sismember', 'smembers', 'sdiff', 'sdiffstore', 'sinterstore', 'sunion', 'zscore', 'zrank', 'zrevrank', 'zcard',
  'zpopmax', 'zrevrange', 'zrangebylex', 'zrevrangebyscore', 'zremrangebyrank', 'zdiffstore', 'zunion', 'zdiff', 'zinterstore',
  'rpush', 'lpushx', 'rpushx', 'llen', 'rpoplpush', 'xlen', 'expiretime', 'pexpiretime', 'pttl', 'expireat', 'renamenx',
  'unlink', 'georadius', 'georadiusbymember', 'geohash', 'sort_ro', 'touch', 'dump', 'restore', 'echo', 'ping', 'substr',
];
const KEYS = ['k', 'l', 'z', 'h', 's', 'st', 'g', 'none'];
const WORDS = ['0', '1', '-1', '2', '10', '', '1.5', 'inf', '-inf', 'nan', '9223372036854775807', '-9223372036854775808',
  '99999999999999999999', 'a*', '*', 'withscores', 'limit', 'count', 'match', 'rev', 'byscore', 'bylex', '(1', '[a', '-', '+',
  'nx', 'xx', 'gt', 'lt', 'ch', 'incr', 'ex', 'px', 'get', 'keepttl', 'left', 'right', 'before', 'after', 'store', 'by',
  'alpha', 'desc', 'weights', 'aggregate', 'sum', 'withvalues', 'streams', '$', '>', 'mkstream', 'maxlen', '~', '=',
  '0-1', '1-1', 'group', 'g1', 'c1', 'idle', 'justid', 'type', 'replace', 'db', 'len', 'rank', 'minid', 'u8', 'i64',
  'overflow', 'wrap', 'fail', '#1', 'bit', 'byte', 'km', 'fromlonlat', 'frommember', 'bybox', 'byradius', 'withcoord',
  'any', 'storedist', '13.3', '52.5', ...KEYS];
const SETUP = [['flushall'], ['set', 'k', '10'], ['rpush', 'l', 'a', 'b', 'c'], ['zadd', 'z', '1', 'a', '2', 'b'],
  ['hset', 'h', 'f', 'v'], ['sadd', 's', 'a', 'b'], ['xadd', 'st', '1-1', 'f', 'v'], ['xgroup', 'create', 'st', 'g1', '0'],
  ['geoadd', 'g', '13.3', '52.5', 'p']];

const resp = (argv: string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** Where the RESP reply starting at i ends, or -1 if it is not complete yet. */
function reply_end(b: string, i: number): number {
  const eol = b.indexOf('\r\n', i);
  if (eol < 0) return -1;
  const t = b[i], n = Number(b.slice(i + 1, eol));
  if (t === '$') return n < 0 ? eol + 2 : eol + 2 + n + 2 <= b.length ? eol + 2 + n + 2 : -1;
  if (t === '*' || t === '%' || t === '~' || t === '>') {
    let at = eol + 2;
    for (let k = 0; k < (n < 0 ? 0 : t === '%' ? 2 * n : n); k++) { at = reply_end(b, at); if (at < 0) return -1; }
    return at;
  }
  return eol + 2;
}

/** A connection that sends a pipeline and resolves with its last reply once all have come. */
function client(port: number): Promise<(cmds: string[][]) => Promise<string>> {
  return new Promise((res) => {
    const s: Socket = connect(port, '127.0.0.1', () => res(ask));
    let buf = '', want = 0, done: ((r: string) => void) | null = null;
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let at = 0, last = 0, n = 0;
      for (let e = reply_end(buf, at); e >= 0 && n < want; e = reply_end(buf, at)) { last = at; at = e; n++; }
      if (n === want && done) { const r = buf.slice(last, at); buf = ''; const d2 = done; done = null; d2(r); }
    });
    function ask(cmds: string[][]): Promise<string> {
      want = cmds.length;
      return new Promise((r) => { done = r; s.write(cmds.map(resp).join('')); });
    }
  });
}

/** What must agree: an error's first line, or the reply's type. */
const kind = (r: string): string => (r.startsWith('-') ? r.split('\r\n')[0] : r[0]);

/** Commands whose whole reply is determined by their arguments and the setup (no randomness, set/hash order, time — XADD * — or cursors). */
const EXACT = ['set', 'get', 'getrange', 'setrange', 'incrby', 'incrbyfloat', 'append', 'lcs', 'bitcount', 'bitpos', 'setbit',
  'getbit', 'bitfield', 'lpush', 'lrange', 'linsert', 'lpos', 'lrem', 'ltrim', 'lset', 'lindex', 'rpush', 'zadd', 'zrange',
  'zrangestore', 'zunionstore', 'zinter', 'zrangebyscore', 'zrevrangebylex', 'zincrby', 'zcount', 'zlexcount', 'zmscore',
  'zscore', 'zrank', 'zrevrank', 'zrevrange', 'zremrangebyrank', 'zremrangebyscore', 'zpopmin', 'zpopmax', 'hset', 'hget',
  'hmget', 'hincrby', 'hincrbyfloat', 'hstrlen', 'xrange', 'xrevrange', 'xtrim', 'xdel', 'xlen', 'xpending', 'geoadd',
  'geodist', 'geopos', 'geohash', 'pfadd', 'pfcount', 'sort', 'sort_ro', 'type', 'exists', 'del', 'rename', 'copy', 'getset',
  'strlen', 'mget', 'substr', 'setex', 'setnx'];

/** Sends the same random commands to both servers; `same` says whether two replies agree. */
async function differential(t: import('ava').ExecutionContext, names: string[], same: (a: string, b: string) => boolean, runs: number): Promise<void> {
  if (!native) { t.pass('no redis-server installed'); return; }
  const [lite, real] = await Promise.all([client(g.port), client(native.port)]);
  const cmd = fc.tuple(fc.constantFrom(...names), fc.array(fc.constantFrom(...WORDS), { maxLength: Number(process.env.REDIS_FUZZ_ARGS ?? 6) }));
  await fc.assert(fc.asyncProperty(cmd, async ([name, args]) => {
    const batch = [...SETUP, [name, ...args]];
    const [a, b] = [await lite(batch), await real(batch)];
    if (!same(a, b)) throw new Error(`${JSON.stringify([name, ...args])}: redis-lite ${JSON.stringify(a.slice(0, 200))}, redis-server ${JSON.stringify(b.slice(0, 200))}`);
  }), { seed: Number(process.env.REDIS_FUZZ_SEED ?? 7015), numRuns: Number(process.env.REDIS_FUZZ_RUNS ?? runs) });
  t.pass();
}

test.serial('random commands get the same kind of reply from redis-lite and redis-server 7.0', (t) => differential(t, COMMANDS, (a, b) => kind(a) === kind(b), 1500));

test.serial('deterministic commands get byte-identical replies from redis-lite and redis-server 7.0', (t) => differential(t, EXACT, (a, b) => a === b, 1000));
