import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import type { Libc } from '../../../libc/index.ts';

const RW = (l: Libc): number => l.PROT_READ | l.PROT_WRITE;
const ANON = (l: Libc): number => l.MAP_PRIVATE | l.MAP_ANONYMOUS;

test('anonymous mmap: zero-filled on demand, frames allocated only when touched', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    const free0 = k.phys.free_pages;
    const p = libc.mmap(0, 1 << 20, RW(libc), ANON(libc), -1, 0) as number;
    t.true(p > 0 && p % 4096 === 0);
    t.is(k.phys.free_pages, free0, 'no frame before the first touch');
    t.deepEqual([...libc.peek(p + 5000, 4)], [0, 0, 0, 0]);
    libc.poke(p + 5000, new Uint8Array([1, 2, 3]));
    t.deepEqual([...libc.peek(p + 5000, 3)], [1, 2, 3]);
    t.true(free0 - k.phys.free_pages <= 4, 'only the touched page (and its tables) came from the allocator');
    t.is(libc.munmap(p, 1 << 20), 0);
  });
});

test('mmap errors: EINVAL for length 0, unaligned MAP_FIXED, bad flags; EBADF for a bad fd', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    t.is(libc.mmap(0, 0, RW(libc), ANON(libc), -1, 0), -1); t.is(libc.errno, libc.EINVAL);
    t.is(libc.mmap(0x10001, 4096, RW(libc), ANON(libc) | libc.MAP_FIXED, -1, 0), -1); t.is(libc.errno, libc.EINVAL);
    t.is(libc.mmap(0, 4096, RW(libc), libc.MAP_ANONYMOUS, -1, 0), -1); t.is(libc.errno, libc.EINVAL);
    t.is(libc.mmap(0, 4096, RW(libc), libc.MAP_PRIVATE, 99, 0), -1); t.is(libc.errno, libc.EBADF);
    t.is(libc.munmap(0x10001, 4096), -1); t.is(libc.errno, libc.EINVAL);
    t.is(libc.mprotect(0x20000000, 4096, libc.PROT_READ), -1); t.is(libc.errno, libc.ENOMEM);
  });
});

test('MAP_FIXED replaces an existing mapping; MAP_FIXED_NOREPLACE refuses with EEXIST', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    const p = libc.mmap(0, 8192, RW(libc), ANON(libc), -1, 0) as number;
    libc.poke(p, new Uint8Array([9]));
    t.is(libc.mmap(p, 4096, RW(libc), ANON(libc) | libc.MAP_FIXED, -1, 0), p);
    t.is(libc.peek_u8(p), 0, 'the old page is gone');
    t.is(libc.mmap(p, 4096, RW(libc), ANON(libc) | libc.MAP_FIXED_NOREPLACE, -1, 0), -1);
    t.is(libc.errno, libc.EEXIST);
  });
});

test('a user access to unmapped memory is SIGSEGV: status 139', async (t) => {
  const k = boot();
  const r = await run_inline(k, (libc) => {
    const p = libc.mmap(0, 4096, RW(libc), ANON(libc), -1, 0) as number;
    libc.munmap(p, 4096);
    libc.peek_u8(p);
    return 0;
  });
  t.is(r.status, 139);
  t.is(r.wstatus & 0x7f, 11);
  t.regex(k.log.text(), /segfault at/);
});

test('mprotect(PROT_READ) makes a write fault; PROT_NONE makes a read fault; the data survives', async (t) => {
  const k = boot();
  let p = 0;
  const r = await run_inline(k, (libc) => {
    p = libc.mmap(0, 4096, RW(libc), ANON(libc), -1, 0) as number;
    libc.poke(p, new Uint8Array([7]));
    t.is(libc.mprotect(p, 4096, libc.PROT_NONE), 0);
    t.is(libc.mprotect(p, 4096, libc.PROT_READ), 0);
    t.is(libc.peek_u8(p), 7);
    libc.poke_u8(p, 8);
    return 0;
  });
  t.is(r.status, 139);
});

test('user code cannot read kernel memory: SIGSEGV', async (t) => {
  const k = boot();
  const r = await run_inline(k, (libc) => { libc.peek_u64(k.sys_call_table); return 0; });
  t.is(r.status, 139);
});

test('brk grows and shrinks the heap; malloc uses it', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    const b0 = libc.sbrk(0) as number;
    t.is(libc.sbrk(8192), b0);
    libc.poke(b0 + 8000, new Uint8Array([5]));
    t.is(libc.sbrk(0), b0 + 8192);
    t.is(libc.brk(b0), 0);
    t.is(libc.raw(libc.SYS.brk, 0), b0);
    t.is(libc.raw(libc.SYS.brk, 1), b0, 'a break below the start is refused: the old one is returned');
  });
});

test('clone without CLONE_VM copies the address space copy-on-write', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const p = libc.mmap(0, 4096, RW(libc), ANON(libc), -1, 0) as number;
    const s = libc.mmap(0, 4096, RW(libc), libc.MAP_SHARED | libc.MAP_ANONYMOUS, -1, 0) as number;
    libc.poke_u32(p, 1111);
    libc.poke_u32(s, 1);
    const used0 = k.phys.free_pages;
    const pid = await libc.fork((c) => { c.poke_u32(p, 2222); c.poke_u32(s, 2); return c.peek_u32(p) === 2222 ? 0 : 1; });
    t.true(pid > 1);
    t.true(used0 - k.phys.free_pages < 64, 'fork shares frames instead of copying them');
    const st = libc.malloc(4);
    t.is(await libc.waitpid(pid, st, 0), pid);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 0, 'the child saw its own write');
    t.is(libc.peek_u32(p), 1111, 'the private page kept the parent value');
    t.is(libc.peek_u32(s), 2, 'the shared page carries the child write');
  });
});
