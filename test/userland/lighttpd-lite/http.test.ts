/**
 * lighttpd-lite over HTTP with the real curl: every status it answers, keep-alive and
 * pipelining, traversal attempts, malformed requests while another client keeps being served,
 * ab -k with no failures, and the access log.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { complete_responses, curl, have, raw, start, statuses, type Running } from './helpers.ts';
import { run } from '../../../tools/machine.ts';

const CLIENTS = have('curl');
let srv: Running;
const url = (p: string): string => `http://127.0.0.1:${srv.port}${p}`;

test.before(async () => { srv = await start(); });
test.after.always(async () => { await srv?.stop(); });

const t_curl = CLIENTS ? test : test.skip;

t_curl('200, HEAD, 206, 416, 304 and 301 as lighttpd answers them', async (t) => {
  const ok = await curl([url('/a.txt')]);
  t.is(ok.status, 200);
  t.is(ok.body.length, 100);
  t.is(ok.headers['content-type'], 'text/plain');
  t.is(ok.headers['content-length'], '100');
  t.is(ok.headers['accept-ranges'], 'bytes');
  t.is(ok.headers.server, 'lighttpd-lite');
  t.regex(ok.headers.etag, /^"\d+"$/);
  t.regex(ok.headers.date, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
  const head = await curl(['-I', url('/a.txt')]);
  t.is(head.status, 200); t.is(head.headers['content-length'], '100'); t.is(head.body, '');
  const part = await curl(['-r', '10-19', url('/a.txt')]);
  t.is(part.status, 206); t.is(part.headers['content-range'], 'bytes 10-19/100'); t.is(part.body, ok.body.slice(10, 20));
  const tail = await curl(['-r', '-5', url('/a.txt')]);
  t.is(tail.status, 206); t.is(tail.body, ok.body.slice(95));
  t.is((await curl(['-r', '500-', url('/a.txt')])).status, 416);
  t.is((await curl(['-H', `If-None-Match: ${ok.headers.etag}`, url('/a.txt')])).status, 304);
  t.is((await curl(['-H', `If-Modified-Since: ${ok.headers['last-modified']}`, url('/a.txt')])).status, 304);
  t.is((await curl(['-H', 'If-None-Match: "other"', url('/a.txt')])).status, 200);
  const moved = await curl([url('/sub?q=1')]);
  t.is(moved.status, 301); t.is(moved.headers.location, '/sub/?q=1');
  t.is((await curl([url('/sub/')])).body, 'sub\n');
  t.is((await curl([url('/')])).body, 'hello\n');
  const listing = await curl([url('/dl/')]);
  t.is(listing.status, 200); t.regex(listing.body, /Index of \/dl\/[\s\S]*f\.txt/);
});

t_curl('400, 403, 404, 413, 431, 501 and 505', async (t) => {
  t.is((await curl(['-H', 'Host:', url('/')])).status, 400, 'HTTP/1.1 without Host');
  t.is((await curl([url('/x.inc')])).status, 403, 'url.access-deny');
  t.is((await curl([url('/sub/nothing')])).status, 404);
  t.is((await curl(['-X', 'POST', '-H', 'Content-Length: 40000', url('/a.txt')])).status, 413, 'server.max-request-size = 16 (KiB)');
  t.is((await curl(['-H', `X-Long: ${'a'.repeat(9000)}`, url('/a.txt')])).status, 431);
  t.is((await curl(['-X', 'PUT', url('/a.txt')])).status, 501);
  t.regex(await raw(srv.port, 'GET / HTTP/1.2\r\nHost: x\r\n\r\n'), /^HTTP\/1\.0 505 HTTP Version Not Supported\r\n/);
  t.regex(await raw(srv.port, 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 501 Not Implemented\r\n/);
});

t_curl('401 with WWW-Authenticate; apr1, SHA1 and bcrypt users from the real htpasswd get in; bad credentials do not', async (t) => {
  if (!have('htpasswd')) return t.pass('no htpasswd');
  const no = await curl([url('/private/s.txt')]);
  t.is(no.status, 401);
  t.is(no.headers['www-authenticate'], 'Basic realm="priv", charset="UTF-8"');
  t.is((await curl(['-u', 'alice:wonderland', url('/private/s.txt')])).body, 'secret\n');
  t.is((await curl(['-u', 'bob:builder', url('/private/s.txt')])).body, 'secret\n');
  t.is((await curl(['-u', 'carol:crypt0', url('/private/s.txt')])).body, 'secret\n');
  t.is((await curl(['-u', 'carol:crypt1', url('/private/s.txt')])).status, 401);
  const bad = await curl(['-u', 'alice:wrong', url('/private/s.txt')]);
  t.is(bad.status, 401); t.is(bad.headers.connection, 'close');
  t.is((await curl(['-u', 'mallory:x', url('/private/s.txt')])).status, 401);
  t.is((await curl(['-H', 'Authorization: Basic !!!!', url('/private/s.txt')])).status, 400);
  t.is((await curl(['-H', 'Authorization: Basic YWxpY2U=', url('/private/s.txt')])).status, 400, "no ':'");
});

t_curl('no path outside the document root: .., %2e%2e, NUL, symlinks out', async (t) => {
  for (const p of ['/../outside.txt', '/%2e%2e/outside.txt', '/sub/%2E%2E/%2e%2e/outside.txt', '/..%2foutside.txt', '/sub/../../../outside.txt']) {
    const r = await curl(['--path-as-is', url(p)]);
    t.not(r.body, 'outside the root\n', p);
    t.is(r.status, 404, p);
  }
  t.is((await curl([url('/a.txt%00.html')])).status, 400);
  t.is((await curl([url('/link.txt')])).status, 403, 'a symlink out of the root');
  t.is((await curl([url('/inlink.html')])).body, 'hello\n', 'a symlink inside the root');
});

test('keep-alive and pipelining on one connection; HTTP/1.0 keep-alive; Connection: close', async (t) => {
  const two = await raw(srv.port, 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { responses: 2 });
  t.deepEqual(statuses(two), ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
  t.true(two.endsWith('hello\n'));
  const ten = await raw(srv.port, 'GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'.repeat(9) + 'GET /index.html HTTP/1.0\r\n\r\n', { responses: 10 });
  t.is(statuses(ten).length, 10);
  t.is(ten.split('Connection: keep-alive').length - 1, 9);
  t.regex(ten, /Connection: close\r\n[^]*hello\n$/);
});

test('malformed requests get their status and close, while another keep-alive client is still served', async (t) => {
  const s = connect(srv.port, '127.0.0.1');
  let got = '', waiting: { n: number; done: () => void } | null = null;
  s.on('data', (b) => {
    got += b.toString('latin1');
    if (waiting && complete_responses(got) >= waiting.n) { const w = waiting; waiting = null; w.done(); }
  });
  /** One more request on the kept-alive connection; resolves when its answer is complete. */
  const ask = (n: number): Promise<void> => new Promise((done) => {
    waiting = { n, done };
    s.write('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n');
  });
  await ask(1);
  const cases: [string, RegExp][] = [
    ['GET /\r\n\r\n', /^HTTP\/1\.0 400/],
    ['GET / FOO/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.0 400/],
    ['GET / HTTP/9.9\r\nHost: x\r\n\r\n', /^HTTP\/1\.0 505/],
    ['GET  / HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400/],
    ['get / HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 501/],
    ['GET a HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400/],
    ['GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n', /^HTTP\/1\.1 400/],
    ['GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', /^HTTP\/1\.1 400/],
    ['GET / HTTP/1.1\nHost: x\n\n', /^HTTP\/1\.0 400/],
    [`GET /${'a'.repeat(10000)} HTTP/1.1\r\nHost: x\r\n\r\n`, /^HTTP\/1\.0 431/],
    [`GET / HTTP/1.1\r\nHost: x\r\nX: ${'b'.repeat(10000)}\r\n\r\n`, /^HTTP\/1\.0 431/],
    ['GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', /^HTTP\/1\.1 400/],
    ['GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n', /^HTTP\/1\.1 400/],
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n', /^HTTP\/1\.1 413/],
    ['\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03junk\r\n\r\n', /^HTTP\/1\.0 400/],
  ];
  // All the malformed requests at once, while the kept-alive client keeps asking.
  const replies = Promise.all(cases.map(([req]) => raw(srv.port, req)));
  for (let n = 2; n <= 6; n++) await ask(n);
  (await replies).forEach((reply, i) => {
    t.regex(reply, cases[i][1], JSON.stringify(cases[i][0].slice(0, 40)));
    t.regex(reply, /Connection: close\r\n/);
  });
  await ask(7);
  t.is(statuses(got).length, 7);
  t.true(statuses(got).every((l) => l === 'HTTP/1.1 200 OK'));
  s.destroy();
});

const t_ab = have('ab') ? test : test.skip;
t_ab('ab -k: 0 failed requests', async (t) => {
  const out = await new Promise<string>((res) => execFile('ab', ['-k', '-n', '400', '-c', '10', url('/a.txt')], (_e, so) => res(so)));
  t.regex(out, /Complete requests:\s+400\n/);
  t.regex(out, /Failed requests:\s+0\n/);
  t.regex(out, /Keep-Alive requests:\s+400\n/);
});

test('the access log is in lighttpd\'s combined format', async (t) => {
  await raw(srv.port, 'GET /a.txt?x=1 HTTP/1.1\r\nHost: logged\r\nReferer: http://r/\r\nUser-Agent: ua "q"\r\nConnection: close\r\n\r\n');
  const before = srv.out().length;
  await run(srv.k, { program: '/bin/cat', argv: ['cat', `/srv/access-${srv.port}.log`] });
  const log = srv.out().slice(before);
  t.regex(log, /127\.0\.0\.1 logged - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/a\.txt\?x=1 HTTP\/1\.1" 200 100 "http:\/\/r\/" "ua \\"q\\""\n/);
});

t_curl('a large body leaves with sendfile(2) after the header, as lighttpd sends it; a small one with writev', async (t) => {
  const { writeFileSync } = await import('node:fs');
  const { strace_attach } = await import('../../../kernel/syscalls/trace.ts');
  // 300 KiB of distinct bytes (a shifted copy would show).
  const body = Buffer.alloc(300 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 10)) & 0xff;
  writeFileSync(`${srv.dir}/www/big.bin`, body);
  const lines: string[] = [];
  const tr = strace_attach(srv.k, (l) => lines.push(l), { expr: 'trace=sendfile,writev' });
  try {
    const got = await new Promise<Buffer>((res, rej) => execFile('curl', ['-s', '--max-time', '20', url('/big.bin')], { encoding: 'buffer', maxBuffer: 1 << 22 }, (e, out) => (e ? rej(e) : res(out))));
    t.true(got.equals(body), 'the whole body, byte for byte');
    const part = await new Promise<Buffer>((res, rej) => execFile('curl', ['-s', '--max-time', '20', '-r', '70000-199999', url('/big.bin')], { encoding: 'buffer', maxBuffer: 1 << 22 }, (e, out) => (e ? rej(e) : res(out))));
    t.true(part.equals(body.subarray(70000, 200000)), 'a range from an offset');
    t.is((await curl([url('/a.txt')])).body.length, 100);
  } finally { if (srv.k.tracer === tr) srv.k.tracer = null; }
  const sf = lines.filter((l) => l.startsWith('sendfile('));
  t.true(sf.length >= 2, 'both large bodies went with sendfile');
  t.true(sf.some((l) => / 130000\)/.test(l)), `the range is one sendfile of its length: ${sf.join(' | ')}`);
  t.true(lines.filter((l) => l.startsWith('writev(')).length >= 3, 'headers (and the small body) with writev');
});
