/**
 * redis-lite's process life: SIGTERM and SHUTDOWN exit cleanly (status 0, Redis's log lines);
 * BGSAVE forks a child whose RDB the next server loads; BGREWRITEAOF forks a child that writes
 * a new base and the manifest moves to it; --kerncall yes serves from inside a PrivBox; and
 * redis-benchmark runs with no errors.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { send_signal } from '../../../kernel/sched/signal.ts';
import { SIGTERM } from '../../../kernel/include/uapi/signal.ts';
import { privbox_of } from '../../../kernel/privbox/privbox.ts';
import { install_program } from '../../../kernel/init/initramfs.ts';
import type { Kernel } from '../../../kernel/kernel.ts';
import { link_program } from '../../../tools/link/link.ts';
import { cli, cli_batch, exit_status, has_tool, start_redis } from './helpers.ts';

async function until(f: () => Promise<boolean> | boolean, ms = 20000): Promise<boolean> {
  for (let i = 0; i < ms / 20; i++) { if (await f()) return true; await new Promise((r) => setTimeout(r, 20)); }
  return false;
}

test('SIGTERM: the AOF is flushed and the server exits 0', async (t) => {
  const g = await start_redis(['--appendonly', 'yes', '--dir', '/tmp']);
  t.teardown(g.stop);
  t.is(await cli(g.port, 'set', 'k', 'v'), 'OK\n');
  send_signal(g.task, SIGTERM);
  t.is(await exit_status(g.task), 0);
  t.regex(g.log(), /# Received SIGTERM scheduling shutdown\.\.\.\n.*# User requested shutdown\.\.\.\n.*Calling fsync\(\) on the AOF file\.\n.*# Redis is now ready to exit, bye bye\.\.\./);
});

test('BGSAVE forks a child; its RDB is loaded by the next server; SHUTDOWN exits 0', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  const g = await start_redis(['--dir', '/tmp']);
  t.teardown(g.stop);
  t.is(await cli_batch(g.port, [['rpush', 'l', 'a', 'b'], ['hset', 'h', 'f', 'v'], ['sadd', 's', 'x'], ['zadd', 'z', '1.5', 'm'], ['set', 'str', 'val'], ['pexpire', 'str', '100000'], ['bgsave']]),
    '2\n1\n1\n1\nOK\n1\nBackground saving started\n');
  t.true(await until(() => /Background saving terminated with success/.test(g.log())), g.log());
  t.regex(g.log(), /Background saving started by pid \d+/);
  t.is(await cli(g.port, 'shutdown', 'nosave'), '');
  t.is(await exit_status(g.task), 0);
  const g2 = await start_redis(['--dir', '/tmp'], g);
  t.teardown(g2.stop);
  t.is(await cli_batch(g2.port, [['lrange', 'l', '0', '-1'], ['hget', 'h', 'f'], ['smembers', 's'], ['zscore', 'z', 'm'], ['get', 'str']]),
    'a\nb\nv\nx\n1.5\nval\n');
  t.true(Number(await cli(g2.port, 'ttl', 'str')) > 50);
});

test('BGREWRITEAOF writes a new base in a child and the manifest moves to it', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  const g = await start_redis(['--appendonly', 'yes', '--dir', '/var']);
  t.teardown(g.stop);
  t.is(await cli_batch(g.port, [['incr', 'n'], ['incr', 'n'], ['bgrewriteaof'], ['incr', 'n']]), '1\n2\nBackground append only file rewriting started\n3\n');
  t.true(await until(() => /Background AOF rewrite finished successfully/.test(g.log())), g.log());
  t.is(await cli(g.port, 'shutdown'), '');
  t.is(await exit_status(g.task), 0);
  const g2 = await start_redis(['--appendonly', 'yes', '--dir', '/var'], g);
  t.teardown(g2.stop);
  t.is(await cli(g2.port, 'get', 'n'), '3\n');
});

test('--kerncall yes serves from a PrivBox; redis-benchmark sees no errors', async (t) => {
  if (!(await has_tool('redis-benchmark'))) return t.pass('redis-benchmark not installed');
  // Without an SFI-instrumented image the kernel refuses the box (EPERM) and redis-lite says so.
  const refused = await start_redis(['--kerncall', 'yes']);
  t.is(await exit_status(refused.task), 1);
  t.regex(refused.log(), /kerncall_spawn failed: errno 1 \(the image is not SFI-instrumented/);
  // Its SFI build (`privos cc --sfi full`: the pass over program and libc) is box code the
  // kernel accepts without PrivBox's unsafe mode.
  const sfi_build = (k: Kernel): void => install_program(k.root, '/bin/redis-lite', link_program('userland/redis-lite/main.ts', 'full'));
  const g = await start_redis(['--kerncall', 'yes', '--kerncall-iterations', '50'], undefined, sfi_build);
  t.false(privbox_of(g.k).config.unsafe);
  t.teardown(g.stop);
  t.regex(g.log(), /kerncall: aeProcessEvents runs in a PrivBox, 50 iterations per spawn/);
  const out = await new Promise<string>((res) => execFile('redis-benchmark',
    ['-p', String(g.port), '-n', '400', '-c', '8', '-t', 'ping,set,get,incr,lpush,lpop', '--csv'], { timeout: 60000 }, (_e, o, e) => res(o + e)));
  const rows = out.trim().split('\n').filter((l) => !l.startsWith('"test"'));
  t.is(rows.length, 7, out);
  for (const r of rows) t.regex(r, /^"[A-Z_]+( \(needed by LRANGE\))?","\d+(\.\d+)?"/);
  t.false(/error|ERR/i.test(out), out);
  t.regex(await cli(g.port, 'get', 'key:__rand_int__'), /^.{3}\n$/); // redis-benchmark's default 3-byte value
});
