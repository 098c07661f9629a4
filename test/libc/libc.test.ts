import test from 'ava';
import fc from 'fast-check';
import { boot, run_inline, capture_console } from '../../tools/machine.ts';
import { format } from '../../libc/stdio.ts';
import { latin1 } from '../../libc/latin1.ts';
import { utf8_decode, utf8_encode } from '../../libc/utf8.ts';

test('printf formats like C', (t) => {
  t.is(format('%d|%5d|%-5d|%05d|%+d', [42, 42, 42, 42, 42]), '42|   42|42   |00042|+42');
  t.is(format('%x|%X|%#x|%o|%u', [255, 255, 255, 8, 7]), 'ff|FF|0xff|10|7');
  t.is(format('%x', [-1]), 'ffffffffffffffff');
  t.is(format('%s|%.2s|%5s|%-5s|%c|%%', ['abc', 'abc', 'ab', 'ab', 65]), 'abc|ab|   ab|ab   |A|%');
  t.is(format('%.3f|%8.2f|%e|%g', [3.14159, -2.5, 12345.678, 0.0001]), '3.142|   -2.50|1.234568e+04|0.0001');
  t.is(format('%ld %lld %zu %p', [1, 2, 3, 4096]), '1 2 3 0x1000');
  t.is(format('%*d|%.*f', [4, 7, 1, 2.25]), '   7|2.2');
});

test('malloc/free/calloc/realloc keep data in the process memory and reuse freed chunks', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    const a = libc.malloc(100);
    t.true(a > 0 && a % 16 === 0);
    libc.poke(a, new Uint8Array([1, 2, 3]));
    const b = libc.realloc(a, 5000);
    t.deepEqual([...libc.peek(b, 3)], [1, 2, 3]);
    const c = libc.calloc(10, 10);
    t.deepEqual([...libc.peek(c, 100)], new Array(100).fill(0));
    libc.free(b); libc.free(c);
    const d = libc.malloc(64);
    t.true(d <= b, 'freed memory is reused');
    const big = libc.malloc(1 << 20);
    t.true(big > 0x7e0000000000, 'large requests are mmapped');
    libc.free(big);
    t.is(libc.malloc(-1), 0); t.is(libc.errno, libc.ENOMEM);
    const s = libc.strdup('hello');
    t.is(libc.cstr(s), 'hello');
    t.is(libc.strlen(s), 5);
  });
});

test('malloc never hands out overlapping live chunks (property)', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 3000 })), { maxLength: 60 }), (ops) => {
      const live: [number, number][] = [];
      for (const [alloc, size] of ops) {
        if (alloc || live.length === 0) { const p = libc.malloc(size); live.push([p, size]); }
        else { const [p] = live.splice(size % live.length, 1)[0]; libc.free(p); }
      }
      const sorted = [...live].sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < sorted.length; i++) if (sorted[i - 1][0] + sorted[i - 1][1] > sorted[i][0]) return false;
      for (const [p] of live) libc.free(p);
      return true;
    }), { numRuns: 40 });
    t.pass();
  });
});

test('stdout is line-buffered on a terminal and fully buffered elsewhere; exit flushes', async (t) => {
  const cap = capture_console('', { tty: true });
  const k = boot({ console: cap.console });
  const writes: number[] = [];
  k.tracer = { enter: (_t, nr) => { if (nr === 1) writes.push(nr); }, exit: () => undefined };
  await run_inline(k, async (libc) => {
    await libc.printf('a');
    await libc.printf('b\n');
    await libc.printf('c');
    return 0;
  });
  t.is(cap.output(), 'ab\nc');
  t.is(writes.length, 2, 'one write for the line, one at exit');
  const piped = capture_console(), k2 = boot({ console: piped.console }), writes2: number[] = [];
  k2.tracer = { enter: (_t, nr) => { if (nr === 1) writes2.push(nr); }, exit: () => undefined };
  await run_inline(k2, async (libc) => { await libc.printf('a'); await libc.printf('b\n'); return 0; });
  t.is(piped.output(), 'ab\n');
  t.is(writes2.length, 1, 'not a terminal: fully buffered, one write at exit');
});

test('libc marshals JS strings and buffers, and reports errno as glibc does', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const fd = await libc.open('/tmp/f', libc.O_CREAT | libc.O_RDWR, 0o600);
    t.is(await libc.write(fd, 'hello'), 5);
    const b = new Uint8Array(5);
    t.is(await libc.pread(fd, b, 5, 0), 5);
    t.is(new TextDecoder().decode(b), 'hello');
    t.is(await libc.close(fd), 0);
    t.is(await libc.close(fd), -1);
    t.is(libc.errno, libc.EBADF);
    t.is(libc.strerror(libc.EBADF), 'Bad file descriptor');
    t.is(libc.O_DIRECTORY, 0o200000, 'x86_64 value');
  });
  await run_inline(boot({ arch: 'arm64' }), (libc) => { t.is(libc.O_DIRECTORY, 0o40000, 'arm64 value'); });
});

test('the realm\'s text codecs: latin1 is one char per byte, utf8_decode/encode agree with the host\'s on any input', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(80), fc.nat(80), (b, x, y) => {
    const from = Math.min(x, y, b.length), to = Math.min(Math.max(x, y), b.length);
    return latin1(b, from, to) === Buffer.from(b.subarray(from, to)).toString('latin1');
  }), { numRuns: 5000 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => utf8_decode(b) === new TextDecoder().decode(b)), { numRuns: 5000 });
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 32 }), (s) => Buffer.from(utf8_encode(s)).equals(Buffer.from(new TextEncoder().encode(s)))), { numRuns: 5000 });
  t.pass();
});
