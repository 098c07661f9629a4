/**
 * Malformed RESP against redis-lite in privos: each case gets Redis 7.0's exact error and the
 * connection closes, while another client keeps being served. Where a native redis-server
 * is installed, each answer is also compared with the real one, byte for byte.
 */
import test from 'ava';
import { open, raw, start_native, start_redis, type Guest } from './helpers.ts';

const BIG = 70 * 1024;
const CASES: [string, Buffer | string, string][] = [
  ['out of range multibulk length', '*3000000000\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
  ['non-numeric multibulk length', '*abc\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
  ['negative bulk length', '*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
  ['huge bulk length', '*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
  ['non-numeric bulk length', '*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
  ['missing $', '*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n', "-ERR Protocol error: expected '$', got 'f'\r\n"],
  ['unbalanced quotes', 'set """test-key""" test-value\r\nping\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
  ['commands before the error still run', 'PING\r\n*1\r\nfoo\r\n', "+PONG\r\n-ERR Protocol error: expected '$', got 'f'\r\n"],
  ['endless inline line', 'a'.repeat(BIG), '-ERR Protocol error: too big inline request\r\n'],
  ['endless multibulk count', '*' + '1'.repeat(BIG), '-ERR Protocol error: too big mbulk count string\r\n'],
  ['endless bulk count', '*1\r\n$' + '1'.repeat(BIG), '-ERR Protocol error: too big bulk count string\r\n'],
  ['binary junk', Buffer.from([0x2a, 0xff, 0xfe, 0x80, 0x0d, 0x0a]), '-ERR Protocol error: invalid multibulk length\r\n'],
];

let g: Guest;
let native: Awaited<ReturnType<typeof start_native>> = null;

test.before(async () => { [g, native] = await Promise.all([start_redis(), start_native()]); });
test.after.always(() => { g?.stop(); native?.proc.kill('SIGKILL'); });

test('malformed requests get Redis 7.0\'s errors and close only that connection', async (t) => {
  const bystander = await open(g.port);
  let seen = '';
  bystander.on('data', (b: Buffer) => { seen += b.toString('latin1'); });
  for (const [name, data, want] of CASES) {
    const got = await raw(g.port, data);
    t.is(got.reply, want, name);
    t.true(got.closed, `${name}: connection closed`);
    if (native) t.deepEqual(await raw(native.port, data), got, `${name}: same as native redis-server`);
    bystander.write('PING\r\n');
  }
  while (seen.length < CASES.length * 7) await new Promise((r) => setTimeout(r, 10));
  t.is(seen, '+PONG\r\n'.repeat(CASES.length));
  bystander.destroy();
});

test('inline commands, empty lines, pipelining and quoting are parsed as Redis parses them', async (t) => {
  const data = '\r\n\r\nSET k "a\\x41\\n b"\r\nGET k\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nECHO \'it\\\'s\'\r\nPING x y z\r\n';
  const want = '+OK\r\n$5\r\naA\n b\r\n$5\r\naA\n b\r\n$4\r\nit\'s\r\n-ERR wrong number of arguments for \'ping\' command\r\n';
  const got = await raw(g.port, data);
  t.is(got.reply, want);
  if (native) t.is((await raw(native.port, data)).reply, want);
});
