/**
 * Big arguments through the query buffer (networking.c's PROTO_MBULK_BIG_ARG path): reads are
 * 16 KiB unless a bulk of 32 KiB or more is pending, then sized to the rest of it. Binary values
 * of 100 KB pipelined on one connection, behind and ahead of small commands, and a 3 MB value,
 * come back byte for byte.
 */
import test from 'ava';
import { open, start_redis } from './helpers.ts';

/** RESP multibulk of binary-safe arguments. */
function cmd(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) { const b = Buffer.isBuffer(a) ? a : Buffer.from(a, 'latin1'); parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')); }
  return Buffer.concat(parts);
}

function value(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 251 + seed) & 0xff;
  return b;
}

/** Sends data and resolves once the reply is `want` bytes long. */
async function exchange(port: number, data: Buffer, want: number): Promise<Buffer> {
  const s = await open(port);
  return new Promise((res, rej) => {
    const got: Buffer[] = [];
    let n = 0;
    s.on('data', (b: Buffer) => { got.push(b); n += b.length; if (n >= want) { s.destroy(); res(Buffer.concat(got)); } });
    s.on('error', rej);
    s.write(data);
  });
}

test('100 KB binary values pipelined with small commands, and a 3 MB value, come back byte for byte', async (t) => {
  const g = await start_redis();
  t.teardown(g.stop);
  const vals = [0, 1, 2, 3].map((i) => value(100_000 + i * 4099, i));
  const big = value(3_000_000, 9);
  const req = Buffer.concat([
    ...vals.map((v, i) => Buffer.concat([cmd('SET', `k${i}`, v), cmd('PING')])),
    cmd('SET', 'big', big), cmd('GET', 'k2'), cmd('STRLEN', 'big'), cmd('GET', 'big'),
  ]);
  const want = Buffer.concat([
    ...vals.map(() => Buffer.from('+OK\r\n+PONG\r\n')),
    Buffer.from('+OK\r\n'), Buffer.from(`$${vals[2].length}\r\n`), vals[2], Buffer.from(`\r\n:${big.length}\r\n`),
    Buffer.from(`$${big.length}\r\n`), big, Buffer.from('\r\n'),
  ]);
  const got = await exchange(g.port, req, want.length);
  t.is(got.length, want.length);
  t.true(got.equals(want), 'replies byte for byte');
});
