import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';

test('bad user pointers give EFAULT from syscalls, never a crash', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (libc) => {
    const fd = await libc.open('/etc/passwd', libc.O_RDONLY);
    t.is(await libc.read(fd, 0, 10), -1); t.is(libc.errno, libc.EFAULT);
    t.is(await libc.read(fd, 0x7ffffff00000 * 2, 10), -1); t.is(libc.errno, libc.EFAULT);
    t.is(await libc.read(fd, k.sys_call_table, 8), -1, 'a kernel address is not a user buffer'); t.is(libc.errno, libc.EFAULT);
    t.is(await libc.write(1, 0x1000, 5), -1); t.is(libc.errno, libc.EFAULT);
    t.is(await libc.open(0x1000, libc.O_RDONLY), -1); t.is(libc.errno, libc.EFAULT);
    t.is(libc.raw(libc.SYS.clock_gettime, 1, 0x1000), -libc.EFAULT);
    t.is(libc.raw(libc.SYS.uname, -5), -libc.EFAULT);
    return 0;
  });
  t.is(r.status, 0);
});

test('copies cross page boundaries and fault pages in on demand', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const p = libc.mmap(0, 3 * 4096, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_PRIVATE | libc.MAP_ANONYMOUS, -1, 0) as number;
    const fd = await libc.open('/tmp/x', libc.O_RDWR | libc.O_CREAT, 0o644);
    const data = Uint8Array.from({ length: 9000 }, (_, i) => i & 0xff);
    libc.poke(p + 100, data);
    t.is(await libc.write(fd, p + 100, 9000), 9000);
    t.is(await libc.lseek(fd, 0, libc.SEEK_SET), 0);
    const q = libc.mmap(0, 3 * 4096, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_PRIVATE | libc.MAP_ANONYMOUS, -1, 0) as number;
    t.is(await libc.read(fd, q + 4000, 9000), 9000);
    t.deepEqual(libc.peek(q + 4000, 9000), data);
  });
});

test('a read into a read-only mapping is EFAULT (the kernel honours page permissions)', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const p = libc.mmap(0, 4096, libc.PROT_READ, libc.MAP_PRIVATE | libc.MAP_ANONYMOUS, -1, 0) as number;
    const fd = await libc.open('/etc/passwd', libc.O_RDONLY);
    t.is(await libc.read(fd, p, 16), -1);
    t.is(libc.errno, libc.EFAULT);
  });
});
