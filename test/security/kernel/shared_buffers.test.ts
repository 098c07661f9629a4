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
  const fd = await l.open(path, l.O_CREAT | l.O_WRONLY | l.O_TRUNC, 0o644) as number;
  await l.write(fd, new Uint8Array(len).fill(byte));
  await l.close(fd);
}

async function drain(l: Libc, fd: number, len: number): Promise<Uint8Array> {
  const out = new Uint8Array(len), b = l.malloc(CHUNK);
  for (let got = 0; got < len;) {
    const n = await l.read(fd, b, CHUNK) as number;
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
      }) as number;
      await l.usleep(20000);
      // B: a whole sendfile through the same path while A sleeps.
      const b = await l.fork(async (c) => {
        const fd = await c.open('/tmp/b', c.O_RDONLY) as number;
        return await c.sendfile(bw, fd, 0, CHUNK) === CHUNK ? 0 : 1;
      }) as number;
      t.true((await drain(l, br, CHUNK)).every((x) => x === 0x42));
      const got = await drain(l, ar, 2 * CHUNK);
      const foreign = got.filter((x) => x !== 0x41).length;
      t.is(foreign, 0, `${foreign} bytes of A's pipe came from another process`);
      const ws = l.malloc(4);
      for (const pid of [a, b]) { await l.waitpid(pid, ws, 0); t.is(l.WEXITSTATUS(l.peek_i32(ws)), 0); }
    });
  });
}
