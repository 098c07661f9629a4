/**
 * CLIENT PAUSE / UNPAUSE in redis-lite (userland/redis-lite/pause.ts), replies as redis-server
 * 7.0.15 gives them: WRITE postpones write and may-replicate commands (and an EXEC queuing
 * one) while reads go on; ALL postpones everything; postponed clients run, in order, when the
 * pause ends by UNPAUSE or by its time; no key expires while paused.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { cli, cli_batch, cli_check, has_tool, info_field as info, raw_conn, start_redis, wait_blocked_clients, type Guest } from './helpers.ts';

let g: Guest;
const check = (t: ExecutionContext, pairs: [string[], string][]): Promise<void> => cli_check(t, g.port, pairs);
const info_field = (section: string, name: string): Promise<string> => info(g.port, section, name);

test.before(async () => { g = await start_redis(); });
test.after.always(() => g?.stop());

test.serial('argument errors, as redis-server 7.0 answers them', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await check(t, [
    [['client', 'pause', 'abc'], 'ERR timeout is not an integer or out of range\n\n'],
    [['client', 'pause', '-1'], 'ERR timeout is negative\n\n'],
    [['client', 'pause', '100', 'foo'], 'ERR CLIENT PAUSE mode must be WRITE or ALL\n\n'],
    [['client', 'pause', '100', 'write', 'extra'], "ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\n\n"],
    [['client', 'pause'], "ERR wrong number of arguments for 'client|pause' command\n\n"],
    [['client', 'pause', '0'], 'OK\n'],
    [['set', 'k', 'v'], 'OK\n'], // a 0 timeout pauses nothing
    [['client', 'unpause'], 'OK\n'],
  ]);
});

test.serial('WRITE: reads run, writes and may-replicate commands wait, in order, until UNPAUSE', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli(g.port, 'pfadd', 'hll', 'a');
  await cli(g.port, 'client', 'pause', '100000', 'write');
  t.is(await cli(g.port, 'get', 'hll') !== '', true);
  t.is(await cli(g.port, 'ping'), 'PONG\n');
  const a = await raw_conn(g.port), b = await raw_conn(g.port), c = await raw_conn(g.port);
  const ra = a.send('*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n', /\r\n$/);
  await wait_blocked_clients(g.port, 1);
  const rb = b.send('*2\r\n$7\r\nPFCOUNT\r\n$3\r\nhll\r\n', /\r\n$/);
  await wait_blocked_clients(g.port, 2);
  const rc = c.send('*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$1\r\nm\r\n', /\r\n$/);
  await wait_blocked_clients(g.port, 3);
  t.is(await cli(g.port, 'get', 'foo'), '\n', 'the SET has not run');
  // A command with an arity error is answered at once (checked before the pause).
  t.is(await cli(g.port, 'set', 'foo'), "ERR wrong number of arguments for 'set' command\n\n");
  await cli(g.port, 'client', 'unpause');
  t.deepEqual([await ra, await rb, await rc], ['+OK\r\n', ':1\r\n', ':0\r\n']);
  t.is(await info_field('clients', 'blocked_clients'), '0');
  for (const x of [a, b, c]) x.close();
});

test.serial('WRITE: a read-only MULTI/EXEC runs; an EXEC with a queued write waits', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli(g.port, 'set', 'foo', 'bar');
  const m = await raw_conn(g.port);
  t.is(await m.send('*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nnew\r\n', /QUEUED\r\n$/), '+OK\r\n+QUEUED\r\n');
  await cli(g.port, 'client', 'pause', '100000', 'write');
  const r = await raw_conn(g.port);
  t.is(await r.send('*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n*1\r\n$4\r\nEXEC\r\n', /bar\r\n$/),
    '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+PONG\r\n$3\r\nbar\r\n');
  const exec = m.send('*1\r\n$4\r\nEXEC\r\n', /\r\n$/);
  await wait_blocked_clients(g.port, 1);
  t.is(await cli(g.port, 'get', 'foo'), 'bar\n');
  await cli(g.port, 'client', 'unpause');
  t.is(await exec, '*1\r\n+OK\r\n');
  t.is(await cli(g.port, 'get', 'foo'), 'new\n');
  m.close(); r.close();
});

test.serial('ALL postpones reads too; a pause ends by itself when its time is over', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await cli(g.port, 'client', 'pause', '300', 'all');
  const c = await raw_conn(g.port);
  const t0 = Date.now();
  const r = c.send('*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n', /\r\n$/);
  t.is(await r, '$3\r\nnew\r\n');
  t.true(Date.now() - t0 >= 200, 'the GET waited for the pause to end');
  c.close();
});

test.serial('no key expires while paused: reads see it gone, expired_keys does not move until the pause ends', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  const before = Number(await info_field('stats', 'expired_keys'));
  // One pipeline: under load two redis-cli runs can be more than the 20 ms TTL apart, and the key would expire before the pause.
  await cli_batch(g.port, [['set', 'gone', 'x', 'px', '20'], ['client', 'pause', '100000', 'write']]);
  await new Promise((r) => setTimeout(r, 250)); // past the TTL, and two active-expire cycles
  t.is(await cli(g.port, 'get', 'gone'), '\n');
  t.is(Number(await info_field('stats', 'expired_keys')), before);
  await cli(g.port, 'client', 'unpause');
  t.is(await cli(g.port, 'get', 'gone'), '\n');
  t.is(Number(await info_field('stats', 'expired_keys')), before + 1);
});
