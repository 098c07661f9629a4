/**
 * redis-lite's byte strings (userland/redis-lite/bytes.ts): latin1() must give back every byte
 * value exactly at each of its size classes (every fixed-arity length up to 16, one apply up to
 * 8 KiB, chunks beyond), since keys and values are binary-safe.
 */
import test from 'ava';
import { latin1, put_latin1 } from '../../../userland/redis-lite/bytes.ts';

function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n + 7);
  for (let i = 0; i < b.length; i++) b[i] = (i * 131 + 7) & 0xff;
  return b;
}

test('latin1 round-trips every byte value at every size class, from any offset', (t) => {
  for (const n of [...Array(20).keys(), 255, 8191, 8192, 8193, 20000]) {
    const b = pattern(n);
    const s = latin1(b, 3, 3 + n);
    t.is(s.length, n, `length ${n}`);
    const back = new Uint8Array(n);
    put_latin1(back, s, 0);
    t.deepEqual(back, b.subarray(3, 3 + n), `bytes of ${n}`);
  }
  const all = Uint8Array.from({ length: 256 }, (_v, i) => i);
  t.is(latin1(all, 0, 256), String.fromCharCode(...all));
  t.is(latin1(all, 10, 5), '', 'an empty or inverted range is the empty string');
});
