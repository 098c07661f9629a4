/**
 * Differential fuzz against the real lighttpd 1.4.69 (run only where it is installed): request
 * lines and header sets drawn from methods, targets, versions and fields with edge values, the
 * same bytes to both servers; the first status line must agree. Requests that announce a body
 * they do not send are left out (both servers would wait for it). The seed is fixed
 * (LIGHTTPD_FUZZ_SEED and LIGHTTPD_FUZZ_RUNS explore further); a failure names the request.
 */
import test from 'ava';
import fc from 'fast-check';
import { have, raw, statuses, with_native_pair } from './helpers.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'get', 'BREW', 'CONNECT', 'TRACE', ''];
const TARGETS = ['/', '/a.txt', '/index.html', '/sub/', '/sub', '/private/s.txt', '/nope', '/x.inc', '*', 'a.txt', '/%2e%2e/a.txt',
  '/a%20b', '/a.txt?x=1', '/a.txt#f', '//a.txt', '/./a.txt', '/sub/../a.txt', '/%00', '/%zz', 'http://x/a.txt', 'http://x', '/a.txt/',
  '/dl/f.txt', ':80', ''];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'http/1.1', 'HTTP/11', ''];
const FIELDS = ['Host: x', 'Host: ', 'Host: a b', 'Host: [::1]', 'Host: x:80', 'Host: X', 'Connection: keep-alive', 'Content-Length: 0',
  'Content-Length: -1', 'Content-Length: abc', 'Range: bytes=5-', 'Range: bytes=0-1,95-99', 'Range: bytes=x', 'Range: bytes=-0',
  'If-None-Match: *', 'If-None-Match: "x"', 'If-Modified-Since: Thu, 01 Jan 2099 00:00:00 GMT', 'Content-Type: a',
  'Authorization: Basic YWxpY2U6d29uZGVybGFuZA==', 'Authorization: Basic !!', 'X: y', 'Bad Header', ': empty', 'X:\ty', ' folded',
  'Upgrade: h2c', 'Transfer-Encoding: gzip'];

const t_native = have('lighttpd') && have('htpasswd') ? test : test.skip;

t_native('random requests get the same status from lighttpd 1.4.69 and lighttpd-lite', async (t) => {
  await with_native_pair(async (port, emu) => {
    const req = fc.tuple(fc.constantFrom(...METHODS), fc.constantFrom(...TARGETS), fc.constantFrom(...VERSIONS),
      fc.array(fc.constantFrom(...FIELDS), { maxLength: 4 }), fc.constantFrom('\r\n', '\n'));
    await fc.assert(fc.asyncProperty(req, async ([method, target, version, fields, eol]) => {
      const line = [method, target, version].filter((x) => x !== '').join(' ');
      const data = [line, ...fields, 'Connection: close', '', ''].join(eol);
      const o = { head: method === 'HEAD' }; // a HEAD answer has no body to wait for
      const [n, e] = await Promise.all([raw(port, data, o), raw(emu.port, data, o)]);
      const [a, b] = [statuses(n)[0] ?? '(none)', statuses(e)[0] ?? '(none)'];
      if (a !== b) throw new Error(`${JSON.stringify(data)}: lighttpd ${a}, lighttpd-lite ${b}`);
    }), { seed: Number(process.env.LIGHTTPD_FUZZ_SEED ?? 1469), numRuns: Number(process.env.LIGHTTPD_FUZZ_RUNS ?? 400) });
    t.pass();
  });
});
