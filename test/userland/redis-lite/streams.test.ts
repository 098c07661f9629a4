/**
 * redis-lite's streams and DUMP/RESTORE driven by the real redis-cli: the stream commands'
 * replies and errors as Redis 7.0 gives them, and DUMP payloads exchanged byte for byte
 * with a native redis-server 7.0 in both directions.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { cli, cli_batch, has_tool, raw, start_native, start_redis, type Guest } from './helpers.ts';

let g: Guest;
let native: Awaited<ReturnType<typeof start_native>> = null;

async function check(t: ExecutionContext, pairs: [string[], string][]): Promise<void> {
  t.is(await cli_batch(g.port, pairs.map((p) => p[0])), pairs.map((p) => p[1]).join(''));
}

test.before(async () => { [g, native] = await Promise.all([start_redis(), start_native()]); });
test.after.always(() => { g?.stop(); native?.proc.kill('SIGKILL'); });

test.serial('XADD IDs, trimming options and their errors', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['xadd', 's', '1-1', 'f', 'v'], '1-1\n'],
    [['xadd', 's', '1-*', 'f', 'v'], '1-2\n'],
    [['xadd', 's', '1', 'f', 'v'], 'ERR The ID specified in XADD is equal or smaller than the target stream top item\n\n'],
    [['xadd', 's', '0-0', 'f', 'v'], 'ERR The ID specified in XADD must be greater than 0-0\n\n'],
    [['xadd', 's', 'x-1', 'f', 'v'], 'ERR Invalid stream ID specified as stream command argument\n\n'],
    [['xadd', 's', '5-0', 'f'], "ERR wrong number of arguments for 'xadd' command\n\n"],
    [['xadd', 's', 'MAXLEN', '2', 'MINID', '1', '*', 'f', 'v'], 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible\n\n'],
    [['xadd', 's', 'MAXLEN', '2', 'LIMIT', '1', '*', 'f', 'v'], 'ERR syntax error, LIMIT cannot be used without the special ~ option\n\n'],
    [['xadd', 's', 'MAXLEN', '-1', '*', 'f', 'v'], 'ERR The MAXLEN argument must be >= 0.\n\n'],
    [['xadd', 's', 'MAXLEN', '=', '2', '2-0', 'f', 'v'], '2-0\n'],
    [['xlen', 's'], '2\n'],
    [['xadd', 'nos', 'NOMKSTREAM', '*', 'f', 'v'], '\n'],
    [['exists', 'nos'], '0\n'],
    [['type', 's'], 'stream\n'],
    [['object', 'encoding', 's'], 'stream\n'],
    [['xtrim', 's', 'MINID', '2'], '1\n'],
    [['xtrim', 's', 'LIMIT', '2'], 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\n\n'],
    [['xtrim', 's', 'MAXLEN'], "ERR wrong number of arguments for 'xtrim' command\n\n"],
    [['set', 'str', 'x'], 'OK\n'],
    [['xadd', 'str', '*', 'f', 'v'], 'WRONGTYPE Operation against a key holding the wrong kind of value\n\n'],
  ]);
});

test.serial('approximate trimming removes whole nodes (stream-node-max-entries)', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  const cmds: string[][] = [['config', 'set', 'stream-node-max-entries', '10']];
  for (let i = 1; i <= 100; i++) cmds.push(['xadd', 'big', `${i}-0`, 'k', String(i)]);
  await cli_batch(g.port, cmds);
  t.regex(await cli(g.port, 'xadd', 'big', 'MAXLEN', '~', '55', 'LIMIT', '30', '*', 'xadd', '1'), /^\d+-0\n$/);
  t.is(await cli(g.port, 'xlen', 'big'), '71\n');
  t.is(await cli(g.port, 'xtrim', 'big', 'MAXLEN', '~', '55'), '10\n');
  t.is(await cli(g.port, 'xlen', 'big'), '61\n');
  await cli(g.port, 'config', 'set', 'stream-node-max-entries', '100');
});

test.serial('XRANGE/XREVRANGE with exclusive bounds and COUNT, XDEL, XINFO STREAM', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli_batch(g.port, [['del', 'r'], ['xadd', 'r', '1-0', 'a', '1'], ['xadd', 'r', '2-0', 'b', '2'], ['xadd', 'r', '3-0', 'c', '3']]);
  await check(t, [
    [['xrange', 'r', '(1-0', '+'], '2-0\nb\n2\n3-0\nc\n3\n'],
    [['xrevrange', 'r', '+', '-', 'COUNT', '1'], '3-0\nc\n3\n'],
    [['xrange', 'r', '-', '(0-0'], 'ERR invalid end ID for the interval\n\n'],
    [['xrange', 'r', '-', '+', 'COUNT', '0'], '\n'],
    [['xdel', 'r', '2-0', '9-0'], '1\n'],
    [['xrange', 'r', '-', '+'], '1-0\na\n1\n3-0\nc\n3\n'],
    [['xsetid', 'r', '2-0'], 'ERR The ID specified in XSETID is smaller than the target stream top item\n\n'],
    [['xsetid', 'nokey', '2-0'], 'ERR no such key\n\n'],
  ]);
  const info = await cli(g.port, 'xinfo', 'stream', 'r');
  t.true(info.startsWith('length\n2\nradix-tree-keys\n1\n'));
  t.true(info.includes('last-generated-id\n3-0\nmax-deleted-entry-id\n2-0\nentries-added\n3\nrecorded-first-entry-id\n1-0\ngroups\n0\n'));
});

test.serial('consumer groups: XREADGROUP, XPENDING, XACK, XCLAIM, XAUTOCLAIM, XINFO', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli_batch(g.port, [['del', 'q'], ['xadd', 'q', '1-0', 'a', '1'], ['xadd', 'q', '2-0', 'b', '2']]);
  await check(t, [
    [['xgroup', 'create', 'nokey', 'g', '$'], 'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\n\n'],
    [['xgroup', 'create', 'q', 'g', '0'], 'OK\n'],
    [['xgroup', 'create', 'q', 'g', '0'], 'BUSYGROUP Consumer Group name already exists\n\n'],
    [['xreadgroup', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 'q', '>'], 'q\n1-0\na\n1\n'],
    [['xreadgroup', 'GROUP', 'g', 'bob', 'STREAMS', 'q', '>'], 'q\n2-0\nb\n2\n'],
    [['xreadgroup', 'GROUP', 'g', 'alice', 'STREAMS', 'q', '0'], 'q\n1-0\na\n1\n'],
    [['xreadgroup', 'GROUP', 'nog', 'alice', 'STREAMS', 'q', '>'], "NOGROUP No such key 'q' or consumer group 'nog' in XREADGROUP with GROUP option\n\n"],
    [['xpending', 'q', 'g'], '2\n1-0\n2-0\nalice\n1\nbob\n1\n'],
    [['xclaim', 'q', 'g', 'bob', '0', '1-0', 'JUSTID'], '1-0\n'],
    [['xpending', 'q', 'g', '-', '+', '10', 'alice'], '\n'],
    [['xack', 'q', 'g', '1-0', '1-0', '7-0'], '1\n'],
    [['xautoclaim', 'q', 'g', 'carol', '0', '0', 'COUNT', '0'], 'ERR COUNT must be > 0\n\n'],
    [['xautoclaim', 'q', 'g', 'carol', '0', '0', 'JUSTID'], '0-0\n2-0\n\n'],
    [['xgroup', 'delconsumer', 'q', 'g', 'carol'], '1\n'],
    [['xgroup', 'createconsumer', 'q', 'g', 'dave'], '1\n'],
    [['xgroup', 'setid', 'q', 'nog', '0'], "NOGROUP No such consumer group 'nog' for key name 'q'\n\n"],
  ]);
  const groups = await cli(g.port, 'xinfo', 'groups', 'q');
  t.is(groups, 'name\ng\nconsumers\n3\npending\n0\nlast-delivered-id\n2-0\nentries-read\n2\nlag\n0\n');
});

test.serial('blocking XREAD with $ is served by the next XADD, in blocking order', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli(g.port, 'del', 'b');
  const first = cli(g.port, 'xread', 'BLOCK', '0', 'STREAMS', 'b', '$');
  const second = cli(g.port, 'xread', 'BLOCK', '0', 'STREAMS', 'b', '$');
  for (let i = 0; i < 200 && !(await cli(g.port, 'client', 'list')).includes('cmd=xread'); i++) await new Promise((r) => setTimeout(r, 20));
  // both clients must be blocked before the write (CLIENT LIST shows the second once the first shows)
  for (let i = 0; i < 200 && ((await cli(g.port, 'client', 'list')).match(/cmd=xread/g) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  t.is(await cli(g.port, 'xadd', 'b', '5-0', 'k', 'v'), '5-0\n');
  t.is(await first, 'b\n5-0\nk\nv\n');
  t.is(await second, 'b\n5-0\nk\nv\n');
});

/** A bulk reply's payload from a raw RESP exchange (the payload is binary). */
async function dump_raw(port: number, key: string): Promise<Buffer> {
  const cmd = `*2\r\n$4\r\nDUMP\r\n$${key.length}\r\n${key}\r\n`;
  const { reply } = await raw(port, cmd, 150);
  const b = Buffer.from(reply, 'latin1'), nl = b.indexOf('\r\n');
  return b.subarray(nl + 2, nl + 2 + Number(b.subarray(1, nl).toString()));
}

function restore_cmd(key: string, payload: Buffer, ...extra: string[]): Buffer {
  const args = [Buffer.from('RESTORE'), Buffer.from(key), Buffer.from('0'), payload, ...extra.map((e) => Buffer.from(e))];
  return Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...args.flatMap((a) => [Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n')])]);
}

const FIXTURE: string[][] = [
  ['set', 'str', 'hello'], ['set', 'int', '12345'], ['set', 'long', '5000000000'],
  ['set', 'lzf', `${'a'.repeat(50)}${'b'.repeat(30)}`],
  ['rpush', 'list', 'a', 'b', '1', '300', '-5', '99999999999'],
  ['hset', 'hash', 'f1', 'v1', 'num', '17'], ['sadd', 'iset', '1', '5', '70000', '-3'],
  ['zadd', 'zset', '1', 'a', '2.5', 'b', '-3', 'c', '1e20', 'd'],
  ['xadd', 'strm', '1-1', 'f', 'v'], ['xadd', 'strm', '1-2', 'f', 'w'], ['xadd', 'strm', '2-0', 'other', '1'],
  ['xgroup', 'create', 'strm', 'grp', '0'],
];

test.serial('DUMP payloads are byte-identical with native redis 7.0 and RESTORE both ways', async (t) => {
  if (!native || !(await has_tool('redis-cli'))) return t.pass('redis-server/redis-cli not installed');
  for (const port of [g.port, native.port]) await cli_batch(port, [['flushall'], ...FIXTURE]);
  for (const key of ['str', 'int', 'long', 'lzf', 'list', 'hash', 'iset', 'zset', 'strm']) {
    const mine = await dump_raw(g.port, key), theirs = await dump_raw(native.port, key);
    t.true(mine.equals(theirs), `DUMP ${key}: ${mine.toString('hex')} vs ${theirs.toString('hex')}`);
    t.is((await raw(native.port, restore_cmd(`from_lite_${key}`, mine), 150)).reply, '+OK\r\n');
    t.is((await raw(g.port, restore_cmd(`from_native_${key}`, theirs), 150)).reply, '+OK\r\n');
    t.true((await dump_raw(g.port, `from_native_${key}`)).equals(theirs));
  }
  t.is(await cli(g.port, 'xinfo', 'groups', 'from_native_strm'), 'name\ngrp\nconsumers\n0\npending\n0\nlast-delivered-id\n0-0\nentries-read\n\nlag\n3\n');
});

test.serial('RESTORE errors: BUSYKEY, TTL, checksum, bad data', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli(g.port, 'set', 'k', 'v');
  const good = await dump_raw(g.port, 'k');
  t.is((await raw(g.port, restore_cmd('k', good), 150)).reply, '-BUSYKEY Target key name already exists.\r\n');
  t.is(await cli(g.port, 'restore', 'k2', '-1', 'x'), 'ERR Invalid TTL value, must be >= 0\n\n');
  const bad = Buffer.from(good); bad[bad.length - 1] ^= 1;
  t.is((await raw(g.port, restore_cmd('k3', bad), 150)).reply, '-ERR DUMP payload version or checksum are wrong\r\n');
  t.is((await raw(g.port, restore_cmd('k4', good, 'FREQ', '300'), 150)).reply, '-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n');
  t.is((await raw(g.port, restore_cmd('k5', good, 'ABSTTL', 'REPLACE'), 150)).reply, '+OK\r\n');
  t.is(await cli(g.port, 'get', 'k5'), 'v\n');
});
