/**
 * lighttpd-lite's pure parts: MD5 and SHA-1 against node:crypto (property test), apr1 and {SHA}
 * against hashes made by the real htpasswd, base64, URL decoding and path simplification,
 * ranges, HTTP dates, ETags and the config parser.
 */
import test from 'ava';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { md5 } from '../../../libc/crypt/md5.ts';
import { sha1 } from '../../../libc/crypt/sha1.ts';
import { apr1_crypt } from '../../../libc/crypt/md5_crypt.ts';
import { base64_decode, base64_encode } from '../../../userland/lighttpd-lite/base64.ts';
import { htpasswd_lookup, htpasswd_verify } from '../../../userland/lighttpd-lite/htpasswd.ts';
import { path_is_plain, path_simplify, urldecode_path } from '../../../userland/lighttpd-lite/burl.ts';
import { host_valid } from '../../../userland/lighttpd-lite/request.ts';
import { http_range_parse } from '../../../userland/lighttpd-lite/http_range.ts';
import { http_date, http_date_parse } from '../../../userland/lighttpd-lite/http_date.ts';
import { etag_create, etag_matches } from '../../../userland/lighttpd-lite/etag.ts';
import { config_parse, ConfigError } from '../../../userland/lighttpd-lite/configfile.ts';
import { RequestConfig, conf_bool } from '../../../userland/lighttpd-lite/configfile_glue.ts';
import { have } from './helpers.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('md5 and sha1 agree with node:crypto on any input', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (m) =>
    hex(md5(m)) === createHash('md5').update(m).digest('hex') && hex(sha1(m)) === createHash('sha1').update(m).digest('hex')));
  t.pass();
});

test('apr1-MD5, {SHA}, bcrypt and SHA-crypt entries made by the real htpasswd verify; wrong passwords do not', (t) => {
  const lines = have('htpasswd')
    ? ['-nbm', '-nbs', '-nbB', '-nb2', '-nb5'].map((f) => execFileSync('htpasswd', [f, 'u', 'pässword'], { encoding: 'utf8' }).trim())
    : ['u:$apr1$cbRUhcp0$5p/7pGqlwZaPz3fAJNW3f1'];
  for (const line of lines) {
    const hash = htpasswd_lookup(enc(`other:x\n${line}\n`), 'u')!;
    if (have('htpasswd')) t.true(htpasswd_verify(hash, enc('pässword')), line);
    t.false(htpasswd_verify(hash, enc('password')), line);
  }
  t.is(apr1_crypt(enc('wonderland'), '$apr1$cbRUhcp0$'), '$apr1$cbRUhcp0$5p/7pGqlwZaPz3fAJNW3f1');
  t.false(htpasswd_verify('$2y$05$abcdefghijklmnopqrstuu', enc('x')), 'a bcrypt setting without its hash never matches');
  t.false(htpasswd_verify('abJnggxhB/yWI', enc('x')), 'traditional DES crypt is not implemented: never matches');
  t.is(htpasswd_lookup(enc('a:b\n'), 'nobody'), null);
});

test('base64 round trip; undecodable input is null', (t) => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (b) => hex(base64_decode(base64_encode(b))!) === hex(b) && base64_encode(b) === Buffer.from(b).toString('base64')));
  t.is(base64_decode('!!!!'), null);
  t.is(base64_decode('abcde'), null);
  // lighttpd's decoder: blanks skipped, the first character outside the alphabet ends the input.
  const txt = (s: string): string => Buffer.from(base64_decode(s) ?? []).toString();
  t.is(txt('YWxp Y2U6\td29uZGVy'), 'alice:wonder');
  t.is(txt('YWxpY2U6d29uZGVy!junk'), 'alice:wonder');
  t.is(txt('YWxpY2U6d29uZGVy=YWxp'), 'alice:wonder');
  t.is(base64_decode('!YWxp'), null);
  t.is(base64_decode('YWxpY2U6d29uZGVyY!'), null);
});

test('Host: labels of letters, digits and hyphens, a trailing dot, bracketed IPv6, ports 1-65535 without leading zeros', (t) => {
  for (const h of ['a', 'a.', 'a-b.c', 'A1', 'a-', '127.0.0.1:7203', '[::1]', '[::1]:80', 'a:65535', 'a:']) t.true(host_valid(h), h);
  for (const h of ['', '.', 'a..', '..', '.a', '-a', 'a.-b', 'a_b', 'a:0', 'a:65536', 'a:080', 'a:123456', ':80', '[::1]x', '[zz]', 'a:1x', 'a b']) t.false(host_valid(h), h);
});

test('URL paths: decoding, NUL refused, simplification never climbs above /', (t) => {
  t.is(new TextDecoder().decode(urldecode_path('/a%20b%zz')!), '/a b%zz');
  t.is(urldecode_path('/a%00'), null);
  t.is(path_simplify('/../../etc/passwd'), '/etc/passwd');
  t.is(path_simplify('/a/./b//../c/'), '/a/c/');
  t.is(path_simplify('/a/..'), '/');
  fc.assert(fc.property(fc.array(fc.constantFrom('..', '.', '', 'a', 'b%2e'), { maxLength: 12 }), (segs) => {
    const p = path_simplify('/' + segs.join('/'));
    return p.startsWith('/') && !p.split('/').includes('..') && !p.split('/').includes('.');
  }));
  // A "plain" path skips decoding and simplifying: it must be one both leave as it is.
  for (const p of ['/', '/a', '/a/', '/f100.bin', '/.a', '/..a/b']) t.true(path_is_plain(p), p);
  for (const p of ['', 'a', '//', '/a//b', '/.', '/..', '/a/./b', '/a/../b', '/a/..', '/%41', '/a b', '/\u00e9']) t.false(path_is_plain(p), p);
  const dec = new TextDecoder();
  fc.assert(fc.property(fc.array(fc.constantFrom('/', 'a', '.', '..', '%2e', '%00', '~', '\u00e9', ' '), { maxLength: 10 }).map((a) => '/' + a.join('')),
    (p) => !path_is_plain(p) || path_simplify(dec.decode(urldecode_path(p)!)) === p), { numRuns: 20000 });
});

test('Range as lighttpd 1.4.69 reads it: single, suffix, open, coalesced, several in order, invalid specs skipped, unsatisfiable, ignored', (t) => {
  t.deepEqual(http_range_parse('bytes=0-9', 100), [0, 9]);
  t.deepEqual(http_range_parse('BYTES=0-9', 100), [0, 9]);
  t.deepEqual(http_range_parse('bytes=-5', 100), [95, 99]);
  t.deepEqual(http_range_parse('bytes=90-', 100), [90, 99]);
  t.deepEqual(http_range_parse('bytes=0-1,5-6', 100), [0, 6], 'within 80 bytes: one range');
  t.deepEqual(http_range_parse('bytes=500-502,0-1,-3', 1000), [500, 502, 0, 1, 997, 999], 'several: multipart, in the order given');
  t.deepEqual(http_range_parse('bytes=0-1, bytes=3-4', 100), [0, 1], 'a repeated Range field, joined: its second spec is skipped');
  t.deepEqual(http_range_parse('bytes=x,2-', 100), [2, 99]);
  t.deepEqual(http_range_parse('bytes= 5 - 7 ', 100), [5, 7], 'strtoll skips blanks');
  t.deepEqual(http_range_parse('bytes=0-+5', 100), [0, 5], 'and takes a sign');
  t.is(http_range_parse(`bytes=${Array.from({ length: 11 }, (_, i) => `${i * 100}-${i * 100}`).join(',')}`, 2000)?.length, 20, 'at most 10 ranges');
  t.deepEqual(http_range_parse('bytes=200-', 100), [], 'past the end: 416');
  t.deepEqual(http_range_parse('bytes=5-2', 100), []);
  t.deepEqual(http_range_parse('bytes=-0', 100), []);
  t.deepEqual(http_range_parse('bytes=0-99999999999999999999', 100), [], 'an end past LLONG_MAX is invalid');
  t.is(http_range_parse('foo=0-1', 100), null);
  t.is(http_range_parse('bytes=0-1', 0), null, 'an empty body ignores Range');
});

test('HTTP dates and ETags', (t) => {
  t.is(http_date(0), 'Thu, 01 Jan 1970 00:00:00 GMT');
  t.is(http_date_parse('Sun, 06 Nov 1994 08:49:37 GMT'), 784111777);
  t.is(http_date_parse('Sunday, 06-Nov-94 08:49:37 GMT'), 784111777);
  t.is(http_date_parse('Sun Nov  6 08:49:37 1994'), 784111777);
  t.is(http_date_parse('garbage'), null);
  const e = etag_create({ ino: 12, size: 100, mtime_ns: 1.5e9 }, { inode: true, size: true, mtime: true });
  t.regex(e, /^"\d+"$/);
  t.not(e, etag_create({ ino: 12, size: 101, mtime_ns: 1.5e9 }, { inode: true, size: true, mtime: true }));
  t.true(etag_matches(e, `"x", ${e}`, true));
  t.true(etag_matches(e, '*', true));
  t.false(etag_matches(e, '"x"', true));
});

test('config: conditionals select settings per URL; errors carry the line', (t) => {
  const pc = config_parse('dir-listing.activate = "disable"\n$HTTP["url"] =~ "^/dl/" {\n  dir-listing.activate = "enable"\n}\n', 'c');
  const at = (url: string): boolean => conf_bool(RequestConfig.for(pc, { url, host: '', querystring: '', method: 'GET', useragent: '', referer: '', remoteip: '' }), 'dir-listing.activate', false);
  t.true(at('/dl/x'));
  t.false(at('/other'));
  const err = t.throws(() => config_parse('a = 1\nb = (\n"x" "y")\n', 'f.conf'), { instanceOf: ConfigError });
  t.regex(err!.message, /source: f\.conf line: 3 pos: \d+ parser failed somehow near here: y/);
});
