/**
 * Pub/Sub beyond the basics: shard channels (SSUBSCRIBE/SPUBLISH/SUNSUBSCRIBE, PUBSUB
 * SHARDCHANNELS/SHARDNUMSUB), RESP3 pushes, and HELP texts, compared byte for byte with a
 * native redis-server 7.0 when one is installed.
 */
import test from 'ava';
import { raw, raw_conn, start_native, start_redis, type Guest } from './helpers.ts';

let g: Guest;
let native: Awaited<ReturnType<typeof start_native>> = null;

test.before(async () => { [g, native] = await Promise.all([start_redis(), start_native()]); });
test.after.always(() => { g?.stop(); native?.proc.kill('SIGKILL'); });

/** Client ids differ between servers: HELLO's id is masked. */
const mask_id = (s: string): string => s.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:N\r\n');

test('shard channels are a namespace of their own, counted apart, and pushed in RESP3', async (t) => {
  const script = 'SSUBSCRIBE a b\r\nSUBSCRIBE c\r\nSSUBSCRIBE a\r\nSUNSUBSCRIBE x a\r\nPING\r\nSUNSUBSCRIBE\r\nSUNSUBSCRIBE\r\nUNSUBSCRIBE\r\n' +
    'HELLO 3\r\nSSUBSCRIBE z\r\nSUBSCRIBE y\r\nSUNSUBSCRIBE\r\nUNSUBSCRIBE\r\nSSUBSCRIBE\r\nPUBSUB SHARDNUMSUB z\r\n';
  const got = mask_id((await raw(g.port, script)).reply);
  t.true(got.startsWith('*3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$10\r\nssubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n'));
  t.true(got.includes('>3\r\n$10\r\nssubscribe\r\n$1\r\nz\r\n:1\r\n>3\r\n$9\r\nsubscribe\r\n$1\r\ny\r\n:1\r\n'), 'RESP3 pushes');
  t.true(got.endsWith("-ERR wrong number of arguments for 'ssubscribe' command\r\n*2\r\n$1\r\nz\r\n:0\r\n"));
  if (native) t.is(got, mask_id((await raw(native.port, script)).reply));
});

test('SPUBLISH reaches shard subscribers only; PUBLISH does not', async (t) => {
  const sub = await raw_conn(g.port), pub = await raw_conn(g.port);
  await sub.send('SSUBSCRIBE news\r\nSUBSCRIBE plain\r\n', /plain\r\n:1\r\n/);
  t.is(await pub.send('SPUBLISH news hello\r\n', /\r\n$/), ':1\r\n');
  t.is(await sub.send('', /hello\r\n/), '*3\r\n$8\r\nsmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n');
  t.is(await pub.send('PUBLISH news x\r\nSPUBLISH plain y\r\nPUBSUB SHARDCHANNELS\r\nPUBSUB SHARDNUMSUB news\r\n', /:1\r\n$/),
    ':0\r\n:0\r\n*1\r\n$4\r\nnews\r\n*2\r\n$4\r\nnews\r\n:1\r\n');
  sub.close(); pub.close();
});

test('HELP replies are status lines with Redis 7.0\'s trailer', async (t) => {
  for (const cmd of ['CLIENT', 'CONFIG', 'OBJECT', 'ACL', 'PUBSUB', 'XINFO', 'XGROUP', 'LATENCY', 'SLOWLOG']) {
    const got = (await raw(g.port, `${cmd} HELP\r\n`, 100)).reply;
    t.regex(got, new RegExp(`^\\*\\d+\\r\\n\\+${cmd} <subcommand> \\[<arg> \\[value\\] \\[opt\\] \\.\\.\\.\\]\\. Subcommands are:\\r\\n`), cmd);
    t.true(got.endsWith('+HELP\r\n+    Prints this help.\r\n'), cmd);
    if (native) t.is(got, (await raw(native.port, `${cmd} HELP\r\n`, 100)).reply, cmd);
  }
});
