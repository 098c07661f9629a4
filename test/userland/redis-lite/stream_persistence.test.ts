/**
 * Streams survive a restart of redis-lite through both persistence paths: the RDB file
 * (STREAM_LISTPACKS_2, groups and PELs included) and the AOF (the propagated XADD/XCLAIM/
 * XGROUP commands, then a rewritten base).
 */
import test from 'ava';
import { cli, cli_batch, exit_status, has_tool, start_redis, type Guest } from './helpers.ts';

const SETUP: string[][] = [
  ['xadd', 'st', '1-0', 'a', '1'], ['xadd', 'st', '2-0', 'b', '2'], ['xadd', 'st', '3-0', 'a', '3', 'x', 'y'],
  ['xdel', 'st', '2-0'], ['xgroup', 'create', 'st', 'g1', '0'], ['xgroup', 'create', 'st', 'g2', '$'],
  ['xreadgroup', 'GROUP', 'g1', 'alice', 'COUNT', '1', 'STREAMS', 'st', '>'],
  ['xgroup', 'createconsumer', 'st', 'g1', 'bob'], ['xadd', 'empty', 'MAXLEN', '0', '7-7', 'f', 'v'],
];
/** What must read back identically (no idle times: those are measured at the moment of asking). */
const PROBE: string[][] = [
  ['xrange', 'st', '-', '+'], ['xpending', 'st', 'g1'], ['xinfo', 'groups', 'st'], ['xlen', 'empty'],
  ['xinfo', 'stream', 'st'], ['xinfo', 'stream', 'empty'], ['xpending', 'st', 'g1', '-', '+', '10', 'alice'],
];

/** The extended XPENDING (last probe) reports an idle time: not compared. */
const IDLE = /(\nalice\n)\d+\n(?=\d+\n$)/;

async function round_trip(t: import('ava').ExecutionContext, args: string[], persist: string[]): Promise<void> {
  let g: Guest | null = await start_redis(args);
  try {
    await cli_batch(g.port, SETUP);
    for (const p of persist) t.regex(await cli(g.port, p), /OK|started|scheduled/);
    for (let i = 0; i < 500 && /in_progress:1/.test(await cli(g.port, 'info', 'persistence')); i++) await new Promise((r) => setTimeout(r, 20));
    const before = (await cli_batch(g.port, PROBE)).replace(IDLE, '$1');
    t.true(before.includes('alice'));
    await cli(g.port, 'shutdown');
    await exit_status(g.task);
    g = await start_redis(args, g);
    t.is((await cli_batch(g.port, PROBE)).replace(IDLE, '$1'), before);
  } finally { g?.stop(); }
}

test.serial('streams with groups and pending entries survive SAVE and a restart', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await round_trip(t, ['--dir', '/tmp', '--dbfilename', 'streams.rdb'], ['save']);
});

test.serial('streams with groups and pending entries survive the AOF (the propagated commands)', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await round_trip(t, ['--dir', '/tmp', '--appendonly', 'yes', '--appenddirname', 'aofstreams'], []);
});

test.serial('streams with groups and pending entries survive an AOF rewrite', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  await round_trip(t, ['--dir', '/tmp', '--appendonly', 'yes', '--appenddirname', 'aofrewrite'], ['bgrewriteaof']);
});
