/**
 * The AOF on a --mount'ed host directory, through the real CLI: with appendfsync always, a
 * write redis-cli saw acknowledged survives SIGKILL of the whole privos process; a torn last
 * command (a crash mid-write) is cut off at start with Redis's warning, the rest replayed.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, free_port, has_tool } from './helpers.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** `privos run --mount DIR:/data /bin/redis-lite …` as a child process; resolves once it is ready. */
async function start(dir: string, port: number): Promise<{ p: ChildProcess; out: () => string }> {
  const p = spawn(process.execPath, [join(ROOT, 'bin/privos.js'), 'run', '--mount', `${dir}:/data`, '/bin/redis-lite',
    '--dir', '/data', '--appendonly', 'yes', '--appendfsync', 'always', '--port', String(port), '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  p.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  for (let i = 0; i < 3000 && !out.includes('Ready to accept connections'); i++) {
    if (p.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!out.includes('Ready to accept connections')) { p.kill('SIGKILL'); throw new Error(`redis-lite did not start: ${out}`); }
  return { p, out: () => out };
}

function kill9(p: ChildProcess): Promise<void> {
  return new Promise((r) => { p.once('exit', () => r()); p.kill('SIGKILL'); });
}

test('an acknowledged write survives SIGKILL of privos; a torn tail is truncated with a warning', async (t) => {
  if (!(await has_tool('redis-cli'))) return t.pass('redis-cli not installed');
  const dir = mkdtempSync(join(tmpdir(), 'redis-lite-aof-'));
  const port = await free_port();
  try {
    let s = await start(dir, port);
    t.is(await cli(port, 'set', 'durable', 'yes'), 'OK\n');
    t.is(await cli(port, 'rpush', 'list', 'a', 'b'), '2\n');
    await kill9(s.p);

    const aofdir = join(dir, 'appendonlydir');
    t.deepEqual(readdirSync(aofdir).sort(), ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    const incr = join(aofdir, 'appendonly.aof.1.incr.aof');
    t.true(readFileSync(incr, 'latin1').endsWith('*4\r\n$5\r\nrpush\r\n$4\r\nlist\r\n$1\r\na\r\n$1\r\nb\r\n'));
    const good = statSync(incr).size;
    appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nva');

    s = await start(dir, port);
    t.is(await cli(port, 'get', 'durable'), 'yes\n');
    t.is(await cli(port, 'lrange', 'list', '0', '-1'), 'a\nb\n');
    t.is(await cli(port, 'exists', 'torn'), '0\n');
    t.regex(s.out(), /# !!! Warning: short read while loading the AOF file appendonly\.aof\.1\.incr\.aof!!!/);
    t.regex(s.out(), /AOF appendonly\.aof\.1\.incr\.aof loaded anyway because aof-load-truncated is enabled/);
    t.is(statSync(incr).size, good);
    await kill9(s.p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
