/**
 * The reused buffers of a keep-alive request: ByteBuf (bytes written, consumed, moved and grown)
 * and the request parser writing into one Request object again and again (no state carried
 * from one request to the next).
 */
import test from 'ava';
import fc from 'fast-check';
import { ByteBuf } from '../../../userland/lighttpd-lite/buffer.ts';
import { parse_request, request_new } from '../../../userland/lighttpd-lite/request.ts';

const text = (b: ByteBuf): string => Buffer.from(b.b.subarray(b.start, b.end)).toString('latin1');

test('ByteBuf: numbers and strings as bytes, through consume, move and growth', (t) => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.nat(), fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))), { maxLength: 30 }), fc.nat(50), (parts, drop) => {
    const b = new ByteBuf(8);
    let want = '';
    for (const p of parts) { if (typeof p === 'number') b.put_uint(p); else b.put_str(p); want += String(p); }
    b.consume(Math.min(drop, b.length)); want = want.slice(Math.min(drop, want.length));
    b.put_str('|'); b.put_uint(4294967296 + 7); want += '|4294967303';
    return text(b) === want && b.length === want.length;
  }));
  const b = new ByteBuf(4);
  b.put_str('abc'); b.consume(3);
  t.is(b.start, 0, 'all consumed: back to the front');
  b.put_uint(0); t.is(text(b), '0');
});

test('a reused Request holds only the latest request', (t) => {
  const r = request_new();
  t.is(parse_request('GET /a?x=1 HTTP/1.1\r\nHost: h\r\nRange: bytes=0-1\r\nAuthorization: Basic YTpi\r\nX-Other: 1', r), null);
  t.is(r.headers.get('range'), 'bytes=0-1');
  t.is(r.headers.get('authorization'), 'Basic YTpi');
  t.is(r.headers.get('x-other'), undefined, 'fields nothing reads are not kept');
  t.is(parse_request('HEAD /b HTTP/1.0\r\nconnection: Keep-Alive ', r), null);
  t.deepEqual([r.method, r.raw_path, r.query, r.minor, r.host, r.keep_alive], ['HEAD', '/b', '', 0, '', true]);
  t.is(r.headers.get('range'), undefined, 'the previous request\'s headers are gone');
  t.is(parse_request('GET / HTTP/1.1\r\nHost: a\r\nHOST: b', r)?.status, 400, 'duplicate Host in any case');
  t.is(parse_request('GET / HTTP/1.1\r\nHost: a\r\nConnection: x, CLOSE', r), null);
  t.false(r.keep_alive);
  t.is(parse_request('GET / HTTP/1.1\r\nHost: a\nX: y', r)?.status, 400, 'bare LF');
});
