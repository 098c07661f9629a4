import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';

test('MAP_SHARED|MAP_ANONYMOUS pages are shared with a child even when first touched after the fork', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (libc) => {
    const s = libc.mmap(0, 3 * 4096, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_SHARED | libc.MAP_ANONYMOUS, -1, 0) as number;
    const st = libc.malloc(4);
    const pid = await libc.fork((c) => { c.poke_u32(s + 4096, 0xbeef); c.poke_u32(s + 8192, 7); return c.peek_u32(s) === 0 ? 0 : 1; });
    await libc.waitpid(pid, st, 0);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 0, 'untouched shared memory reads zeros in the child');
    t.is(libc.peek_u32(s + 4096), 0xbeef, "the parent sees the child's store to a page neither had touched");
    t.is(libc.peek_u32(s + 8192), 7);
    libc.poke_u32(s, 5);
    const pid2 = await libc.fork((c) => (c.peek_u32(s) === 5 ? 0 : 1));
    await libc.waitpid(pid2, st, 0);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 0, 'and the other way round');
    const maps = await libc.open('/proc/self/maps', libc.O_RDONLY);
    const b = new Uint8Array(4096);
    const n = await libc.read(maps, b, 4096);
    t.regex(new TextDecoder().decode(b.subarray(0, n)), /rw-s .*\/dev\/zero \(deleted\)/);
    return 0;
  });
  t.is(r.status, 0);
});

test('MAP_PRIVATE|MAP_ANONYMOUS pages stay private after a fork', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const p = libc.mmap(0, 4096, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_PRIVATE | libc.MAP_ANONYMOUS, -1, 0) as number;
    const pid = await libc.fork((c) => { c.poke_u32(p, 9); return 0; });
    await libc.waitpid(pid, 0, 0);
    t.is(libc.peek_u32(p), 0);
  });
});
