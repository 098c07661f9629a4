/**
 * libc's crypt(3) family against vectors: each expected string was printed by this machine's
 * glibc/libxcrypt crypt() (Python's crypt module) or is the published test vector of its scheme
 * (Drepper's SHA-crypt specification; OpenBSD's/Openwall's bcrypt vectors). SHA-512 is compared
 * with node:crypto on arbitrary input.
 */
import test from 'ava';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { crypt } from '../../libc/crypt/crypt.ts';
import { bcrypt_b64_decode, bcrypt_b64_encode } from '../../libc/crypt/bcrypt.ts';
import { blf_initstate } from '../../libc/crypt/blowfish.ts';
import { sha512 } from '../../libc/crypt/sha512.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('sha512 agrees with node:crypto on any input', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (m) => Buffer.from(sha512(m)).toString('hex') === createHash('sha512').update(m).digest('hex')), { numRuns: 200 });
  t.pass();
});

test("Blowfish's initial state is pi's fraction in hex (P[0], P[17], S0[0], S3[255])", (t) => {
  const c = blf_initstate();
  t.deepEqual([c.P[0], c.P[17], c.S[0], c.S[1023]], [0x243f6a88, 0x8979fb1b, 0xd1310ba6, 0x3ac372e6]);
});

const VECTORS: [string, string, string][] = [
  ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['U*U*', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK'],
  ['', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy'],
  ['x'.repeat(80), '$2b$04$abcdefghijklmnopqrstuu', '$2b$04$abcdefghijklmnopqrstuubzadhGtS2zEF.gu0yd0opP6cVzb.e0i'],
  ['x'.repeat(72), '$2b$04$abcdefghijklmnopqrstuu', '$2b$04$abcdefghijklmnopqrstuubzadhGtS2zEF.gu0yd0opP6cVzb.e0i'],
  ['päss', '$2y$06$0123456789ABCDEFGHIJKu', '$2y$06$0123456789ABCDEFGHIJKu1hQMPSmaEAdJirWFH0fF6qRwIpf/B1e'],
  ['Hello world!', '$5$saltstring', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  ['Hello world!', '$6$saltstring', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['Hello world!', '$6$rounds=10000$saltstringsaltstring', '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
  ['', '$5$rounds=1000$x', '$5$rounds=1000$x$kIBhdUvT3pHpfTjzR8s1XJu3y/HRJeFxMSffBtF8jx9'],
  ['toolongsaltpw', '$5$0123456789abcdefXYZ', '$5$0123456789abcdef$ZexEbIAXfJ1zu807yvmOkseCuedY0LlK0Z4G0Ko9/W5'],
  ['pw', '$1$abcdefgh', '$1$abcdefgh$IQtUouv7y7Q9dRWkQEPCc.'],
  ['pw', '$1$$', '$1$$F0Fc2lbYpzr3KKdKkM0Wj.'],
];

test('crypt: md5-crypt, bcrypt (72-byte key limit) and SHA-crypt (rounds, 16-char salt) as glibc computes them', (t) => {
  for (const [pw, setting, want] of VECTORS) t.is(crypt(enc(pw), setting), want, `${setting} ${pw.slice(0, 12)}`);
  t.is(crypt(enc('U*U'), VECTORS[0][2]), VECTORS[0][2], 'a full hash is its own setting');
  t.is(crypt(enc('U*U\0ignored'), VECTORS[0][1]), VECTORS[0][2], 'the password is a C string');
});

test('crypt: settings it cannot use fail (null), never a hash', (t) => {
  for (const s of ['ab', '$2y$03$abcdefghijklmnopqrstuu', '$2y$32$abcdefghijklmnopqrstuu', '$2c$05$abcdefghijklmnopqrstuu', '$2y$05$short', '$2y$05$!bcdefghijklmnopqrstuu', '$y$j9T$x$', ''])
    t.is(crypt(enc('pw'), s), null, s);
});

test("bcrypt's base64 round-trips 16-byte salts", (t) => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => Buffer.from(bcrypt_b64_decode(bcrypt_b64_encode(b), 16)!).equals(Buffer.from(b))));
  t.is(bcrypt_b64_encode(new Uint8Array(16)).length, 22);
});
