/**
 * Issue 11 item 9: no kernel buffer stays live across a sleep where another process can reach
 * it. Each test parks one process inside a syscall that holds data in flight and runs a second
 * process through the same path meanwhile; the first must still deliver its own bytes.
 */
import test from 'ava';
import type { Libc } from '../../../libc/index.ts';
import { boot, run_inline } from '../../../tools/machine.ts';

const CHUNK = 65536;

async function fill_file(l: Libc, path: string, byte: number, len: number): Promise<void> {
  const fd = await l.open(path, l.O_CREAT | l.O_WRONLY | l.O_TRUNC, 0o644);
  await l.write(fd, new Uint8Array(len).fill(byte));
  await l.close(fd);
}

async function drain(l: Libc, fd: number, len: number): Promise<Uint8Array> {
  const out = new Uint8Array(len), b = l.malloc(CHUNK);
  for (let got = 0; got < len;) {
    const n = await l.read(fd, b, CHUNK);
    if (n <= 0) break;
    out.set(l.peek(b, n), got); got += n;
  }
  return out;
}

async function pipe(l: Libc): Promise<[number, number]> {
  const p = l.malloc(8);
  await l.pipe(p);
  return [l.peek_i32(p), l.peek_i32(p + 4)];
}

for (const arch of ['x86_64', 'arm64'] as const) {
  test(`${arch}: sendfile sleeping on a full pipe keeps its own bytes while another process's sendfile runs`, async (t) => {
    const k = boot({ arch });
    await run_inline(k, async (l) => {
      await fill_file(l, '/tmp/a', 0x41, 2 * CHUNK);   // 'A': the sleeper's file
      await fill_file(l, '/tmp/b', 0x42, CHUNK);       // 'B': the other process's file
      const [ar, aw] = await pipe(l);
      const [br, bw] = await pipe(l);
      // A: the first chunk fills the 64 KiB pipe, the second sleeps in splice_write.
      const a = await l.fork(async (c) => {
        const fd = await c.open('/tmp/a', c.O_RDONLY) as number;
        return await c.sendfile(aw, fd, 0, 2 * CHUNK) === 2 * CHUNK ? 0 : 1;
      });
      await l.usleep(20000);
      // B: a whole sendfile through the same path while A sleeps.
      const b = await l.fork(async (c) => {
        const fd = await c.open('/tmp/b', c.O_RDONLY) as number;
        return await c.sendfile(bw, fd, 0, CHUNK) === CHUNK ? 0 : 1;
      });
      t.true((await drain(l, br, CHUNK)).every((x) => x === 0x42));
      const got = await drain(l, ar, 2 * CHUNK);
      const foreign = got.filter((x) => x !== 0x41).length;
      t.is(foreign, 0, `${foreign} bytes of A's pipe came from another process`);
      const ws = l.malloc(4);
      for (const pid of [a, b]) { await l.waitpid(pid, ws, 0); t.is(l.WEXITSTATUS(l.peek_i32(ws)), 0); }
    });
  });
}

/** A u64 in user memory, as eventfd reads and writes it. */
function u64(l: Libc, v: bigint): number {
  const p = l.malloc(8);
  l.poke(p, new Uint8Array(new BigUint64Array([v]).buffer));
  return p;
}
const get_u64 = (l: Libc, p: number): bigint => new BigUint64Array(l.peek(p, 8).slice().buffer)[0];

test('eventfd: a write sleeping on a full counter adds its own value while another process writes through the same path', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    const efd = l.eventfd(0, 0) as number;
    t.is(await l.write(efd, u64(l, 0xfffffffffffffffen), 8), 8); // full: any add must wait
    const a = await l.fork(async (c) => (await c.write(efd, u64(c, 5n), 8) === 8 ? 0 : 1));
    await l.usleep(20000);
    const b = await l.fork(async (c) => {
      const own = c.eventfd(0, 0) as number;
      return await c.write(own, u64(c, 7n), 8) === 8 ? 0 : 1;
    });
    const ws = l.malloc(4);
    await l.waitpid(b, ws, 0);
    const r = l.malloc(8);
    t.is(await l.read(efd, r, 8), 8); // drains: the sleeper's write goes in
    await l.waitpid(a, ws, 0);
    t.is(l.WEXITSTATUS(l.peek_i32(ws)), 0);
    t.is(await l.read(efd, r, 8), 8);
    t.is(get_u64(l, r), 5n, "the sleeper's own value, not the other process's 7");
  });
});

test('epoll_wait: the event a sleeper wakes with carries its own data while another process uses epoll_ctl', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    const p = l.malloc(8);
    await l.pipe(p);
    const [r, w] = [l.peek_i32(p), l.peek_i32(p + 4)];
    const a = await l.fork(async (c) => {
      const ep = c.epoll_create1(0) as number;
      c.epoll_ctl_ev(ep, 1, r, 1, 0x1111);
      const ev = c.malloc(16);
      if (await c.epoll_wait(ep, ev, 1, 5000) !== 1) return 1;
      return c.peek_u64(ev + (c.EPOLL_EVENT_SIZE === 12 ? 4 : 8)) === 0x1111 ? 0 : 2;
    });
    await l.usleep(20000);
    const b = await l.fork(async (c) => {
      const ep = c.epoll_create1(0) as number;
      const q = c.malloc(8);
      await c.pipe(q);
      return c.epoll_ctl_ev(ep, 1, c.peek_i32(q), 1, 0x2222) === 0 ? 0 : 1;
    });
    const ws = l.malloc(4);
    await l.waitpid(b, ws, 0);
    await l.write(w, 'x');
    await l.waitpid(a, ws, 0);
    t.is(l.WEXITSTATUS(l.peek_i32(ws)), 0);
  });
});
