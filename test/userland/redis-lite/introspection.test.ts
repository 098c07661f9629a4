/**
 * Introspection as Redis 7.0 answers it: COMMAND GETKEYS for commands whose keys move (numkeys,
 * STREAMS, STORE) and their movablekeys flag, COMMAND INFO of names that are not commands,
 * CONFIG SET's all-or-nothing checks and CONFIG GET's hidden parameters, and the CLUSTER
 * commands of a server without cluster support. Each reply asserted here and, with a native
 * redis-server installed, byte-identical with it.
 */
import test from 'ava';
import { createServer, type AddressInfo } from 'node:net';
import { free_port, parse_resp, raw, type RespValue, start_native, start_redis, type Guest } from './helpers.ts';

let g: Guest;
let native: Awaited<ReturnType<typeof start_native>> = null;

test.before(async () => { [g, native] = await Promise.all([start_redis(), start_native()]); });
test.after.always(() => { g?.stop(); native?.proc.kill('SIGKILL'); });

/** A RESP request; strings are bytes (latin1), as payloads are. */
const resp = (...argv: string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;

/** The replies, as lines; compared with native's unless `alone` (replies with parts redis-lite lacks, such as key specs). */
async function run(t: import('ava').ExecutionContext, cmds: string[][], alone = false): Promise<string[]> {
  const data = Buffer.from(cmds.map((c) => resp(...c)).join(''), 'latin1');
  const got = (await raw(g.port, data)).reply;
  if (native && !alone) t.is(got, (await raw(native.port, data)).reply, 'same replies as native redis-server');
  return got.split('\r\n');
}

const getkeys = (...argv: string[]): string[] => ['COMMAND', 'GETKEYS', ...argv];

test.serial('COMMAND GETKEYS finds keys that move; such commands are marked movablekeys', async (t) => {
  const many = Array.from({ length: 260 }, (_, i) => `key${i}`);
  const got = await run(t, [
    getkeys('ZUNIONSTORE', 'target', '260', ...many), getkeys('zunion', '2', 'a', 'b', 'withscores'), getkeys('zunion', '0', 'a'),
    getkeys('zunion', '3', 'a'), getkeys('xread', 'count', '2', 'streams', 'a', 'b', '1', '2'), getkeys('xread', 'streams', 'a', 'b', '1'),
    getkeys('xreadgroup', 'group', 'g', 'c', 'streams', 's', '>'), getkeys('blmpop', '0', '2', 'a', 'b', 'left'),
    getkeys('georadius', 'k', '1', '2', '3', 'km', 'store', 'd', 'storedist', 'e'), getkeys('sort', 'k', 'by', 'w', 'store', 'dst'),
    getkeys('eval', 'return 1', '0'), getkeys('ping', 'x'), getkeys('get'), getkeys('nosuch', 'x'),
  ]);
  const at = got.indexOf('$6'); // the first reply: target, then the 260 keys
  t.deepEqual([got[at + 1], got[at + 3], got[at + 2 * 260 + 1]], ['target', 'key0', 'key259']);
  for (const e of ['-ERR Invalid arguments specified for command', '-ERR The command has no key arguments', '-ERR Invalid command specified']) t.true(got.includes(e), e);
  t.true(got.join('\n').includes('*2\n$1\na\n$1\nb\n*1\n$1\na\n*1\n$1\ns\n*2\n$1\na\n$1\nb\n*3\n$1\nk\n$1\nd\n$1\ne\n*2\n$1\nk\n$3\ndst\n*0'));
  // Not compared with native: COMMAND INFO's key specs are not modelled (docs/porting-a-program.md).
  const info = (await run(t, [['COMMAND', 'INFO', 'zunionstore', 'xread', 'eval', 'georadius', 'lmpop', 'sort_ro', 'get']], true)).join('\n');
  t.is(info.split('movablekeys').length - 1, 6, 'all but GET');
  t.regex(info, /xread\n:-4\n\*3\n\+readonly\n\+blocking\n\+movablekeys\n:0\n:0\n:0/);
});

/**
 * What redis-lite leaves out of COMMAND (docs/porting-a-program.md): replication and migration
 * commands, SCRIPT DEBUG; and the shard channels of SPUBLISH/SSUBSCRIBE/SUNSUBSCRIBE are
 * not declared as keys (Redis 7.0 marks them NOT_KEY key specs, for cluster slots only).
 */
const NOT_MODELLED = new Set(['migrate', 'psync', 'replconf', 'replicaof', 'slaveof', 'sync', 'script|debug', 'spublish', 'ssubscribe', 'sunsubscribe']);

test.serial('COMMAND INFO: every command\'s arity, flags, key positions and ACL categories as redis-server 7.0 lists them', async (t) => {
  if (!native) { t.pass('no redis-server here'); return; }
  const list = parse_resp((await raw(native.port, resp('COMMAND', 'LIST'))).reply)[0] as string[];
  const ask = async (port: number): Promise<RespValue[]> => parse_resp((await raw(port, resp('COMMAND', 'INFO', ...list))).reply)[0] as RespValue[];
  const [mine, theirs] = await Promise.all([ask(g.port), ask(native.port)]);
  /** name, arity, flags, first, last, step, categories (sorted: Redis lists flags in its own order), and the same of each subcommand. */
  const core = (e: RespValue): unknown[] => {
    const x = e as RespValue[];
    return [x[0], x[1], [...(x[2] as string[])].sort(), x[3], x[4], x[5], [...(x[6] as string[])].sort()];
  };
  let compared = 0;
  list.forEach((name, i) => {
    if (NOT_MODELLED.has(name)) return;
    t.deepEqual(core(mine[i]), core(theirs[i]), name);
    const subs = (theirs[i] as RespValue[])[9] as RespValue[], my_subs = new Map(((mine[i] as RespValue[])[9] as RespValue[]).map((s) => [(s as RespValue[])[0], s]));
    for (const s of subs) {
      const sn = (s as RespValue[])[0] as string;
      if (NOT_MODELLED.has(sn)) continue;
      t.deepEqual(my_subs.has(sn) ? core(my_subs.get(sn)!) : null, core(s), sn);
      compared++;
    }
    compared++;
  });
  t.true(compared > 300, `${compared} commands and subcommands compared`);
});

test.serial('LOLWUT: the version, Schotter (5) in Braille and a skyline (6) in colours; rows without randomness as redis-server draws them', async (t) => {
  // Deterministic: the version text, argument errors, and Schotter with at most two rows of squares (only lower rows are randomised).
  const got = await run(t, [['LOLWUT'], ['LOLWUT', 'VERSION', '7'], ['LOLWUT', 'VERSION', '-1'], ['LOLWUT', 'VERSION', '59'], ['LOLWUT', 'VERSION', 'x'],
    ['LOLWUT', 'VERSION', '5', '3', '2', '2'], ['LOLWUT', 'VERSION', '5', '40', '6', '2'], ['LOLWUT', 'VERSION', '5', '0', '0', '0'], ['LOLWUT', 'VERSION', '5', '9', 'y']]);
  t.true(got.includes('Redis ver. 7.0.15\n'));
  t.true(got.includes('-ERR value is not an integer or out of range'));
  const [five, six] = parse_resp((await raw(g.port, resp('LOLWUT', 'VERSION', '5')) ).reply + (await raw(g.port, resp('LOLWUT', 'VERSION', '6', '30', '8'))).reply) as string[];
  const braille = Buffer.from(five, 'latin1').toString('utf8').split('\n');
  t.regex(braille[0], /^[\u2800-\u28ff]{66}$/u, '66 columns of Braille');
  t.is(braille.at(-2), 'Georg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15');
  const rows = six.split('\n');
  t.is(rows.length, 8 + 3, '8 rows, then the two caption lines and the final newline');
  t.is(rows[0].split('\x1b[0m').length - 1, 30, '30 coloured columns');
  t.regex(six, /Original 8 bit image from Plaguemon by hikikomori\. Redis ver\. 7\.0\.15\n$/);
});

test.serial('COMMAND INFO of a name no command has is a nil entry', async (t) => {
  const got = await run(t, [['COMMAND', 'INFO', 'get|key', 'config|get|key', 'nosuch']]);
  t.deepEqual(got.slice(0, 4), ['*3', '$-1', '$-1', '$-1']);
});

test.serial('CONFIG SET checks every pair before setting any; CONFIG GET shows hidden ones only by name', async (t) => {
  const got = await run(t, [
    ['CONFIG', 'SET', 'maxmemory', '10000001', 'maxmemory', '10000002'], ['CONFIG', 'SET', 'maxmemory', '1', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory', '10000003', 'maxmemory-clients', '200%'], ['CONFIG', 'GET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory-clients', 'abc'], ['CONFIG', 'SET', 'maxmemory-clients', '10%'], ['CONFIG', 'GET', 'maxmemory-clients'],
    ['CONFIG', 'SET', 'maxmemory-clients', '0', 'nosuch', '1', 'daemonize', 'yes'], ['CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-samples', '5', 'MAXMEMORY', '1'],
    ['CONFIG', 'SET', 'slaveof', 'x'],
    ['CONFIG', 'GET', 'key-load-delay'],
  ]);
  const of = await run(t, [['CONFIG', 'GET', '*of']], true); // in Redis's (seeded) dict order there
  t.true(of.includes('replicaof') && of.includes('slaveof'), 'a name and its alias both match');
  const text = got.join('\n');
  t.true(text.includes("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter\n-ERR syntax error"));
  t.true(text.includes("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100\n*2\n$9\nmaxmemory\n$1\n0"), 'maxmemory rolled back');
  t.true(text.includes("argument must be a memory or percent value\n+OK\n*2\n$17\nmaxmemory-clients\n$3\n10%"));
  t.true(text.includes("-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
  t.true(text.includes("-ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter"), 'names are case-insensitive');
  t.true(text.includes("-ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable config"), 'REPLICAOF sets it');
  t.true(text.includes('$14\nkey-load-delay\n$1\n0'));
  const all = (await raw(g.port, resp('CONFIG', 'GET', '*'))).reply;
  t.false(all.includes('key-load-delay'), 'hidden from patterns');
  await raw(g.port, resp('CONFIG', 'SET', 'maxmemory-clients', '0'));
  if (native) await raw(native.port, resp('CONFIG', 'SET', 'maxmemory-clients', '0'));
});

test.serial('a server without cluster support says so for CLUSTER, READONLY, READWRITE and ASKING', async (t) => {
  const got = await run(t, [['CLUSTER', 'INFO'], ['CLUSTER', 'KEYSLOT', 'x'], ['CLUSTER', 'nosuch'], ['CLUSTER'], ['READONLY'], ['ASKING']]);
  t.deepEqual(got.slice(0, 6), [
    '-ERR This instance has cluster support disabled', '-ERR This instance has cluster support disabled',
    "-ERR unknown subcommand 'nosuch'. Try CLUSTER HELP.", "-ERR wrong number of arguments for 'cluster' command",
    '-ERR This instance has cluster support disabled', '-ERR This instance has cluster support disabled',
  ]);
  const list = await run(t, [['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'cl*help']], true); // in Redis's dict order there
  t.true(list.includes('cluster|help') && list.includes('client|help'));
});

test.serial('CONFIG SET port moves the listener; a port that cannot be had is refused and every parameter set with it rolled back', async (t) => {
  const blocker = await new Promise<import('node:net').Server>((res) => { const s = createServer().listen(0, '127.0.0.1', () => res(s)); });
  const used = (blocker.address() as AddressInfo).port;
  try {
    const [refused, mm] = await run(t, [['CONFIG', 'SET', 'maxmemory', '10000001', 'port', String(used)], ['CONFIG', 'GET', 'maxmemory']], true).then((l) => [l[0], l.slice(1).join(' ')]);
    t.is(refused, "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.");
    t.is(mm, '*2 $9 maxmemory $1 0 ', 'rolled back');
    const next = await free_port();
    t.is((await raw(g.port, resp('CONFIG', 'SET', 'port', String(next)))).reply, '+OK\r\n');
    t.is((await raw(next, resp('PING'))).reply, '+PONG\r\n', 'served on the new port');
    await t.throwsAsync(() => raw(g.port, resp('PING')), { code: 'ECONNREFUSED' }, 'the old port is closed');
    t.is((await raw(next, resp('CONFIG', 'SET', 'port', String(g.port)))).reply, '+OK\r\n');
    t.is((await raw(g.port, resp('PING'))).reply, '+PONG\r\n');
  } finally { blocker.close(); }
});

test.serial('a master without replicas or modules: ROLE, WAIT (blocks to its timeout), FAILOVER, MODULE, RESTORE-ASKING, CLIENT NO-EVICT', async (t) => {
  const got = await run(t, [
    ['ROLE'], ['WAIT', '0', '0'], ['WAIT', '1', '50'], ['WAIT', 'x', '1'], ['WAIT', '1', '-1'], ['FAILOVER'], ['FAILOVER', 'ABORT'],
    ['FAILOVER', 'TIMEOUT', 'x'], ['MODULE', 'LIST'], ['MODULE', 'LOAD', '/x.so'], ['MODULE', 'UNLOAD', 'x'], ['DEL', 'rk'],
    ['RESTORE-ASKING', 'rk', '0', '\x00\xc0\x01\t\x00\xf6\x8a\xb6z\x85\x87rM'], ['GET', 'rk'], ['CLIENT', 'NO-EVICT', 'maybe'],
    ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'SETINFO', 'lib-name', 'x'],
  ]);
  t.deepEqual(got.slice(0, 8), ['*3', '$6', 'master', ':0', '*0', ':0', ':0', '-ERR value is not an integer or out of range']);
  const text = got.join('\n');
  for (const e of ['-ERR timeout is negative', '-ERR FAILOVER requires connected replicas.', '-ERR No failover in progress.',
    '-ERR MODULE command not allowed. If the enable-module-command option is set to "local"', '$1\n1\n-ERR syntax error\n+OK',
    "-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP."]) t.true(text.includes(e), e);
});
