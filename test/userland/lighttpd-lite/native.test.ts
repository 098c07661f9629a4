/**
 * Differential test: the same site and configuration served by the real lighttpd 1.4 and by
 * lighttpd-lite in privos; the same raw requests to both; status lines and the headers that
 * carry meaning (lengths, ranges, locations, Connection, WWW-Authenticate, Content-Type) must
 * agree. The one departure on purpose — a symlink out of the document root, which lighttpd
 * follows and lighttpd-lite refuses — is checked separately. Skipped where lighttpd is absent.
 */
import test from 'ava';
import { have, raw, with_native_pair } from './helpers.ts';

const KEEP = /^(HTTP\/1\.[01] |Content-Length|Content-Range|Location|Connection|WWW-Authenticate|Content-Type|Allow|Accept-Ranges)/;

/** The comparable part of a raw reply: status lines and meaningful headers, in order. */
function shape(reply: string): string[] {
  return reply.split('\r\n').filter((l) => KEEP.test(l));
}

const H = 'Host: x\r\n';
const PROBES = [
  'GET / HTTP/1.0\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n', `GET / HTTP/2.0\r\n${H}\r\n`, `GET / FOO/1.1\r\n${H}\r\n`, 'GET /\r\n\r\n',
  `BLAH / HTTP/1.1\r\n${H}\r\n`, `get / HTTP/1.1\r\n${H}\r\n`, `PUT /a.txt HTTP/1.1\r\n${H}\r\n`, `OPTIONS * HTTP/1.1\r\n${H}\r\n`,
  `POST /a.txt HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc`, `GET /a.txt HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}Content-Length: 99999999999999999999\r\n\r\n`, `GET /../../etc/passwd HTTP/1.1\r\n${H}\r\n`,
  `GET /%2e%2e/outside.txt HTTP/1.1\r\n${H}\r\n`, `GET /a.txt%00 HTTP/1.1\r\n${H}\r\n`, `GET /sub?q=1 HTTP/1.1\r\n${H}\r\n`,
  `GET /nope HTTP/1.1\r\n${H}\r\n`, `GET /x.inc HTTP/1.1\r\n${H}\r\n`, `GET a.txt HTTP/1.1\r\n${H}\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}Bad Header\r\n\r\n`, `GET /a.txt HTTP/1.1\r\n${H}Host: y\r\n\r\n`, 'GET /a.txt HTTP/1.1\r\nHost: x y\r\n\r\n',
  `GET  /a.txt HTTP/1.1\r\n${H}\r\n`, 'GET /a.txt HTTP/1.1\nHost: x\n\n', `GET /${'a'.repeat(9000)} HTTP/1.1\r\n${H}\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}X-Long: ${'a'.repeat(9000)}\r\n\r\n`, `GET /${'a'.repeat(5000)} HTTP/1.1\r\n${H}\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}Range: bytes=0-9\r\n\r\n`, `GET /a.txt HTTP/1.1\r\n${H}Range: bytes=200-\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}Range: bytes=-5\r\n\r\n`, `GET /a.txt HTTP/1.1\r\n${H}Range: bytes=0-1,5-6\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}Range: foo=0-1\r\n\r\n`, `GET /a.txt HTTP/1.1\r\n${H}Range: bytes=5-2\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}If-Modified-Since: Wed, 02 Dec 2037 07:48:39 GMT\r\n\r\n`, `GET /a.txt HTTP/1.1\r\n${H}If-None-Match: *\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}If-Modified-Since: garbage\r\n\r\n`, `HEAD /a.txt HTTP/1.1\r\n${H}\r\n`, `GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}\r\nGET /index.html HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, `GET /sub/ HTTP/1.1\r\n${H}\r\n`,
  `GET http://x/a.txt HTTP/1.1\r\n${H}\r\n`, `GET /a%zz HTTP/1.1\r\n${H}\r\n`, `GET /sub/../a.txt HTTP/1.1\r\n${H}\r\n`,
  `GET /private/s.txt HTTP/1.1\r\n${H}\r\n`, `GET /private/s.txt HTTP/1.1\r\n${H}Authorization: Basic YWxpY2U6d29uZGVybGFuZA==\r\n\r\n`,
  `GET /private/s.txt HTTP/1.1\r\n${H}Authorization: Basic Ym9iOmJ1aWxkZXI=\r\n\r\n`, `GET /private/s.txt HTTP/1.1\r\n${H}Authorization: Basic !!!!\r\n\r\n`,
  `GET /private/s.txt HTTP/1.1\r\n${H}Authorization: Digest x\r\n\r\n`, `GET /private/s.txt HTTP/1.1\r\n${H}Authorization: Basic Ym9iOmJhZA==\r\n\r\n`,
  // Versions (lighttpd's proto_loose), fragments, path-info, bodies on GET/HEAD, POST without a length.
  `GET /a.txt HTTP/1.x\r\n${H}\r\n`, `GET /a.txt HTTP/01.0\r\n${H}\r\n`, `GET /a.txt HTTP/1.01\r\n${H}\r\n`, `GET /a.txt HTTP/1.1x\r\n${H}\r\n`,
  `BLAH /a.txt HTTP/3.0\r\n${H}\r\n`, 'GET /a.txt HTTP/1.0 \r\n\r\n', 'GET /a b HTTP/1.0\r\n\r\n', `GET /a.txt#frag HTTP/1.1\r\n${H}\r\n`,
  `GET /a.txt/ HTTP/1.1\r\n${H}\r\n`, `GET /a.txt/more/info HTTP/1.1\r\n${H}\r\n`, `GET /nope/more HTTP/1.1\r\n${H}\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nab`, `HEAD /a.txt HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nab`,
  `GET /a.txt HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, `POST /a.txt HTTP/1.1\r\n${H}\r\n`, 'POST /a.txt HTTP/1.0\r\n\r\n',
  ...['chunked', 'CHUNKED', 'gzip', 'gzip, chunked'].map((te) => `POST /a.txt HTTP/1.1\r\n${H}Transfer-Encoding: ${te}\r\n\r\n0\r\n\r\n`),
  `POST /a.txt HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc`, 'POST /a.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  // Line endings: CRLF after every line; a bare LF only as the blank line; one CRLF skipped between requests.
  'GET /a.txt HTTP/1.0\r\n\n', 'GET /a.txt HTTP/1.0\r\nA: b\r\n\n', 'GET /a.txt HTTP/1.0\r\nA: b\n\r\n', 'GET /a.txt HTTP/1.0\r\nA: b\n\n',
  'GET /a.txt HTTP/1.0\n\r\n', '\r\nGET /a.txt HTTP/1.0\r\n\r\n', `GET /a.txt HTTP/1.1\r\n${H}\r\n\r\nGET /a.txt HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}\r\n\r\n\r\nGET /a.txt HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  // Host policy: labels, ports, IPv6.
  ...['a:65535', 'a:65536', 'a:080', 'a:', ':80', '..', 'a..b', '.a', 'a.', '-a', 'a-', 'a_b', '%41', '[::1]:80', '[::1', '[zz]'].map((h) => `GET /a.txt HTTP/1.1\r\nHost: ${h}\r\n\r\n`),
  `GET http://a..b/a.txt HTTP/1.1\r\n${H}\r\n`,
  // Basic credentials through lighttpd's lenient base64; the range unit in any case.
  ...['Ym9iOmJ1aWxkZXI!junk', 'Ym9i OmJ1aWxkZXI', 'Ym9iOmJ1aWxkZXI x', '!Ym9iOmJ1aWxkZXI', 'Ym9iOmJ1aWxkZXI=Ym9i'].map((b) => `GET /private/s.txt HTTP/1.1\r\n${H}Authorization: Basic ${b}\r\n\r\n`),
  `GET /a.txt HTTP/1.1\r\n${H}Range: BYTES=0-9\r\n\r\n`,
  // URL normalization's refusals (controls, bytes never in UTF-8) in path and query; empty and hop-by-hop fields.
  ...['/%C1', '/%F5', '/%F4', '/a%0ab', '/a%7f', '/a.txt?a=%c0', '/a.txt?a=%00', '/a.txt?a=%zz', '/a.txt?%2'].map((u) => `GET ${u} HTTP/1.1\r\n${H}\r\n`),
  'GET /a.txt HTTP/1.0\r\nHost:\r\nContent-Length: \r\n\r\n', 'GET /a.txt HTTP/1.1\r\nHost: \r\n\r\n',
  'GET /a.txt HTTP/1.0\r\nUpgrade: h2c\r\n\r\n', 'GET /a.txt HTTP/1.0\r\nHTTP2-Settings: x\r\n\r\n', `GET /a.txt HTTP/1.1\r\n${H}Upgrade: h2c\r\n\r\n`,
  // The request line in http_request_parse_reqline's order: length, protocol, method (unknown: 501, whatever its bytes), target.
  'get HTTP/1.0\r\n\r\n', 'G\x01T / HTTP/1.0\r\n\r\n', '/ HTTP/1.1\r\n\r\n', 'xx HTTP/1.1\r\n\r\n', 'a:b / HTTP/1.0\r\n\r\n',
  ' GET /a.txt HTTP/1.0\r\n\r\n', 'GET  HTTP/1.0\r\n\r\n', 'GET x HTTP/1.0\r\n\r\n', 'GET http://x HTTP/1.0\r\n\r\n',
  'CONNECT :80 HTTP/1.0\r\n\r\n', 'CONNECT 1 HTTP/1.0\r\n\r\n', 'CONNECT /private/s.txt HTTP/1.0\r\n\r\n',
  // Methods no module serves are answered after access, auth and the physical path.
  ...['PUT /nope', 'DELETE /nope', 'PUT /private/s.txt', 'PUT /x.inc', 'OPTIONS /nope', 'PUT /sub', 'PUT /sub/', 'PUT /a.txt/x', 'TRACE /', 'OPTIONS /sub/'].map((l) => `${l} HTTP/1.0\r\n\r\n`),
  // Folded fields continue the one before; repeated Host/If-None-Match/… only with the same value.
  `GET /a.txt HTTP/1.1\r\n${H}Range: bytes=0-\r\n 3\r\n\r\n`, `GET /a.txt HTTP/1.1\r\n${H}Host: x\r\n\r\n`, `GET /a.txt HTTP/1.1\r\n${H}Host: X\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}If-None-Match: "a"\r\nIf-None-Match: "b"\r\n\r\n`, `GET /a.txt HTTP/1.1\r\n${H}Content-Type: a\r\nContent-Type: A\r\n\r\n`,
  'GET http://x/a.txt HTTP/1.1\r\nHost: y\r\n\r\n', 'GET http://x/a.txt HTTP/1.1\r\nHost: X\r\n\r\n',
  // Transfer-Encoding and Content-Length are judged as their lines are read; CONNECT to a path is not normalized.
  'GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 'GET / HTTP/1.1\r\nContent-Length: abc\r\nTransfer-Encoding: gzip\r\n\r\n',
  `CONNECT /%00 HTTP/1.1\r\n${H}\r\n`, 'CONNECT /nope HTTP/1.0\r\n\r\n', 'CONNECT /a%20b HTTP/1.0\r\n\r\n',
  // A fold keeps its blanks when the first line had no value: an empty Host continued is "   x", a bad host.
  'GET / HTTP/1.1\r\nHost: \r\n folded\r\n\r\n', 'GET / HTTP/1.1\r\nX: \r\n folded\r\nHost: x\r\n\r\n',
  // A matching If-None-Match is 412 for POST (304 only for GET/HEAD).
  `POST /a.txt HTTP/1.1\r\n${H}Content-Length: 0\r\nIf-None-Match: *\r\n\r\n`, `POST / HTTP/1.1\r\n${H}Content-Length: 0\r\nIf-None-Match: *\r\n\r\n`,
  `GET /a.txt HTTP/1.1\r\n${H}Content-Length: 0\r\nContent-Length: 0\r\n\r\n`, `POST /a.txt HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 1\r\n\r\nx`,
  // A control character in the target (raw or %-encoded) is judged after the fields, before a POST's missing length.
  ...['/%00', '/\x01', '/%c0', 'http://x/%00', '/a b', '*', 'http://x'].map((u) => `GET ${u} HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n`),
  `POST /%00 HTTP/1.1\r\n${H}\r\n`, `POST /\x01 HTTP/1.1\r\n${H}\r\n`, 'GET /%00 HTTP/1.0\r\nUpgrade: x\r\n\r\n',
  // Range as http_range.c reads it: several ranges are multipart/byteranges (its part headers are compared too), invalid
  // specs are skipped, a repeated field is joined, strtoll's blanks and signs.
  ...['bytes=0-1,95-99', 'bytes=-3,0-0', 'bytes=95-99,0-1,50-50', 'bytes=x,2-', 'bytes= 5 - 7', 'bytes=0-+5', 'bytes=0-1\r\nRange: bytes=5-6', 'bytes=0-1, x',
    'bytes=-0', 'bytes=0-99999999999999999999'].map((v) => `GET /a.txt HTTP/1.1\r\n${H}Range: ${v}\r\n\r\n`),
  `HEAD /a.txt HTTP/1.1\r\n${H}Range: bytes=0-1,95-99\r\n\r\n`,
];

const t_native = have('lighttpd') && have('htpasswd') ? test : test.skip;

t_native('the same requests get the same answers from lighttpd 1.4.69 and lighttpd-lite', async (t) => {
  await with_native_pair(async (port, emu) => {
    const opts = (p: string): { head: boolean; responses: number } => ({ head: p.startsWith('HEAD'), responses: p.split(' HTTP/1.1\r\n').length - 1 || 1 });
    const replies = await Promise.all(PROBES.map((p) => Promise.all([raw(port, p, opts(p)), raw(emu.port, p, opts(p))])));
    PROBES.forEach((p, i) => t.deepEqual(shape(replies[i][1]), shape(replies[i][0]), JSON.stringify(p.slice(0, 60))));
    const [n_link, e_link] = await Promise.all([raw(port, `GET /link.txt HTTP/1.1\r\n${H}Connection: close\r\n\r\n`), raw(emu.port, `GET /link.txt HTTP/1.1\r\n${H}Connection: close\r\n\r\n`)]);
    t.regex(n_link, /^HTTP\/1\.1 200 OK[^]*outside the root/, 'lighttpd follows a symlink out of the root');
    t.regex(e_link, /^HTTP\/1\.1 403 Forbidden/, 'lighttpd-lite does not');
  });
});
