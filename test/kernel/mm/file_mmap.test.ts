/**
 * mmap of tmpfs/hostfs files (kernel/mm/filemap.ts): private mappings fill from the file and
 * copy on write, shared mappings share page-cache frames coherent with read(2)/write(2),
 * SIGBUS past EOF, msync/madvise, Linux's errnos, /proc/PID/maps.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mount_hostfs } from '../../../kernel/fs/hostfs.ts';
import { boot, run_inline } from '../../../tools/machine.ts';
import type { Libc } from '../../../libc/index.ts';

const PG = 4096;
const str = (l: Libc, p: number, n: number): string => Buffer.from(l.peek(p, n)).toString('latin1');

/** Creates `path` with `content`, returns an fd opened with `flags`. */
async function file(l: Libc, path: string, content: string, flags: number): Promise<number> {
  const w = await l.open(path, l.O_CREAT | l.O_WRONLY | l.O_TRUNC, 0o644);
  await l.write(w, content);
  await l.close(w);
  return await l.open(path, flags);
}

async function pread_str(l: Libc, fd: number, n: number, pos: number): Promise<string> {
  const b = l.malloc(n);
  const got = await l.pread(fd, b, n, pos);
  return str(l, b, got);
}

test('MAP_PRIVATE reads the file, zeros past EOF in the last page; private writes never reach the file', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (l) => {
    const fd = await file(l, '/tmp/f', 'hello world', l.O_RDWR);
    const p = l.mmap(0, PG, l.PROT_READ | l.PROT_WRITE, l.MAP_PRIVATE, fd, 0) as number;
    t.true(p > 0, `mmap: errno ${l.errno}`);
    await l.close(fd); // the mapping holds its own reference on the file
    t.is(str(l, p, 11), 'hello world');
    t.deepEqual([...l.peek(p + 11, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
    l.poke(p, 'HELLO');
    t.is(str(l, p, 11), 'HELLO world');
    const fd2 = await l.open('/tmp/f', l.O_RDONLY);
    t.is(await pread_str(l, fd2, 64, 0), 'hello world', 'read() does not see the private store');
    t.is(l.msync(p, PG, l.MS_SYNC), 0);
    t.is(l.munmap(p, PG), 0);
    t.is(await pread_str(l, fd2, 64, 0), 'hello world', 'nor after msync and munmap');
    return 0;
  });
  t.is(r.status, 0);
});

test('MAP_SHARED: a store is seen by read() at once; write() is seen through the mapping; shared across mappings and fork', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (l) => {
    const fd = await file(l, '/tmp/s', 'abcdefghij', l.O_RDWR);
    const RW = l.PROT_READ | l.PROT_WRITE;
    const p = l.mmap(0, PG, RW, l.MAP_SHARED, fd, 0) as number;
    const q = l.mmap(0, PG, l.PROT_READ, l.MAP_SHARED, fd, 0) as number;
    t.true(p > 0 && q > 0);
    l.poke(p + 2, 'XY');
    t.is(await pread_str(l, fd, 10, 0), 'abXYefghij', 'read() sees the store without msync');
    t.is(str(l, q, 10), 'abXYefghij', 'the other mapping shares the frame');
    t.is(await l.pwrite(fd, 'zz', 2, 8), 2);
    t.is(str(l, p, 10), 'abXYefghzz', 'write() is seen through the mapping');
    const child = await l.fork((c) => { c.poke(p, 'K'); return 0; });
    const st = l.malloc(4);
    await l.waitpid(child, st, 0);
    t.is(str(l, q, 10), 'KbXYefghzz', "the child's store through its inherited shared mapping");
    t.is(l.msync(p, PG, l.MS_SYNC), 0);
    t.is(l.munmap(p, PG), 0); t.is(l.munmap(q, PG), 0);
    t.is(await pread_str(l, fd, 64, 0), 'KbXYefghzz', 'written back to the file at munmap');
    return 0;
  });
  t.is(r.status, 0);
});

test('page-cache frames are freed when the last mapping goes; write() extending the file reaches mapped pages', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (l) => {
    const fd = await file(l, '/tmp/g', 'x'.repeat(3 * PG), l.O_RDWR);
    const free0 = k.phys.free_pages, shmem0 = k.phys.nr_shmem;
    const p = l.mmap(0, 4 * PG, l.PROT_READ | l.PROT_WRITE, l.MAP_SHARED, fd, 0) as number;
    for (let i = 0; i < 3; i++) l.poke(p + i * PG, 'S');
    t.true(k.phys.free_pages < free0);
    t.is(await l.ftruncate(fd, 3 * PG + 10), 0);
    t.is(await l.pwrite(fd, 'EXT', 3, 3 * PG + 4), 3);
    t.deepEqual([...l.peek(p + 3 * PG, 8)], [0, 0, 0, 0, 0x45, 0x58, 0x54, 0], 'the grown page reads the new bytes, zeros between');
    t.is(l.munmap(p, 4 * PG), 0);
    // The file grew by a page: tmpfs charges it (Shmem); every page-cache frame is back.
    const held = free0 - k.phys.free_pages - (k.phys.nr_shmem - shmem0);
    t.is(k.phys.nr_shmem - shmem0, 1);
    t.true(held <= 0, `frames returned (${held} still held)`);
    t.is(await pread_str(l, fd, 1, 2 * PG), 'S');
    return 0;
  });
  t.is(r.status, 0);
});

test('a user access to a mapped page wholly past EOF is SIGBUS (status 135); read() into it is EFAULT', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (l) => {
    const fd = await file(l, '/tmp/b', 'short', l.O_RDWR);
    const p = l.mmap(0, 2 * PG, l.PROT_READ | l.PROT_WRITE, l.MAP_SHARED, fd, 0) as number;
    t.is(l.peek_u8(p + PG - 1), 0, 'the last page past EOF reads zero');
    t.is(await l.pread(fd, p + PG, 4, 0), -1);
    t.is(l.errno, l.EFAULT);
    l.peek_u8(p + PG);
    return 0;
  });
  t.is(r.status, 135);
  t.is(r.wstatus & 0x7f, 7);
  t.regex(k.log.text(), /bus error at/);
});

test('mmap errnos as Linux: EACCES, ENODEV, EINVAL, EOVERFLOW, EBADF; mprotect(PROT_WRITE) of a read-only shared mapping is EACCES', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (l) => {
    const ro = await file(l, '/tmp/e', 'data', l.O_RDONLY);
    const wo = await l.open('/tmp/e', l.O_WRONLY);
    const RW = l.PROT_READ | l.PROT_WRITE;
    const err = (v: unknown): number => (v === -1 ? l.errno : 0);
    t.is(err(l.mmap(0, PG, RW, l.MAP_SHARED, ro, 0)), l.EACCES);
    t.is(err(l.mmap(0, PG, l.PROT_READ, l.MAP_PRIVATE, wo, 0)), l.EACCES);
    t.is(err(l.mmap(0, PG, l.PROT_READ, l.MAP_PRIVATE, ro, 100)), l.EINVAL);
    t.is(err(l.mmap(0, 2 * PG, l.PROT_READ, l.MAP_PRIVATE, ro, 2 ** 63 - PG)), l.EOVERFLOW);
    const dir = await l.open('/tmp', l.O_RDONLY);
    t.is(err(l.mmap(0, PG, l.PROT_READ, l.MAP_PRIVATE, dir, 0)), l.ENODEV);
    const path = await l.open('/tmp/e', l.O_PATH);
    t.is(err(l.mmap(0, PG, l.PROT_READ, l.MAP_PRIVATE, path, 0)), l.EBADF);
    t.is(err(l.mmap(0, PG, l.PROT_READ, l.MAP_PRIVATE | l.MAP_GROWSDOWN, ro, 0)), l.EINVAL);
    t.true(l.mmap(0, PG, RW, l.MAP_PRIVATE, ro, 0) as number > 0, 'a private writable mapping of an O_RDONLY fd is fine');
    const s = l.mmap(0, PG, l.PROT_READ, l.MAP_SHARED, ro, 0) as number;
    t.true(s > 0);
    t.is(err(l.mprotect(s, PG, RW)), l.EACCES);
    t.is(l.mprotect(s, PG, l.PROT_READ | l.PROT_EXEC), 0);
    return 0;
  });
  t.is(r.status, 0);
});

test('msync and madvise: errnos; MADV_DONTNEED drops private copies and keeps shared stores', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (l) => {
    const fd = await file(l, '/tmp/m', 'original', l.O_RDWR);
    const err = (v: unknown): number => (v === -1 ? l.errno : v as number);
    const RW = l.PROT_READ | l.PROT_WRITE;
    const s = l.mmap(0, 2 * PG, RW, l.MAP_SHARED, fd, 0) as number;
    const p = l.mmap(0, PG, RW, l.MAP_PRIVATE, fd, 0) as number;
    t.is(err(l.msync(s, PG, l.MS_SYNC | l.MS_ASYNC)), l.EINVAL);
    t.is(err(l.msync(s, PG, 8)), l.EINVAL);
    t.is(err(l.msync(s + 1, PG, l.MS_SYNC)), l.EINVAL);
    t.is(err(l.msync(s, 0, l.MS_SYNC)), 0);
    t.is(err(l.msync(s, PG, l.MS_INVALIDATE)), 0);
    t.is(err(l.msync(0x10000, PG, l.MS_ASYNC)), l.ENOMEM);
    t.is(err(l.madvise(s, PG, 999)), l.EINVAL);
    t.is(err(l.madvise(s + 1, PG, l.MADV_NORMAL)), l.EINVAL);
    t.is(err(l.madvise(0x10000, PG, l.MADV_WILLNEED)), l.ENOMEM);
    t.is(err(l.madvise(s, 0, 999)), l.EINVAL);
    t.is(err(l.madvise(s, PG, l.MADV_FREE)), l.EINVAL, 'MADV_FREE is for anonymous private memory');
    for (const a of [l.MADV_NORMAL, l.MADV_RANDOM, l.MADV_SEQUENTIAL, l.MADV_WILLNEED]) t.is(err(l.madvise(s, PG, a)), 0);
    l.poke(s, 'SHARED');
    l.poke(p + 6, '!!');
    t.is(str(l, p, 8), 'SHARED!!');
    t.is(err(l.madvise(p, PG, l.MADV_DONTNEED)), 0);
    t.is(str(l, p, 8), 'SHAREDal', 'the private copy is gone: the page is re-read from the file');
    t.is(err(l.madvise(s, PG, l.MADV_DONTNEED)), 0);
    t.is(str(l, s, 8), 'SHAREDal', 'shared stores survive MADV_DONTNEED');
    l.munmap(s + PG, PG);
    t.is(err(l.msync(s, 2 * PG, l.MS_SYNC)), l.ENOMEM, 'a hole in the range');
    t.is(err(l.madvise(s, 2 * PG, l.MADV_DONTNEED)), l.ENOMEM);
    return 0;
  });
  t.is(r.status, 0);
});

test('/proc/self/maps shows the path and offset of a file mapping', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (l) => {
    const fd = await file(l, '/tmp/mapped', 'y'.repeat(3 * PG), l.O_RDONLY);
    const p = l.mmap(0, PG, l.PROT_READ, l.MAP_SHARED, fd, 2 * PG) as number;
    const mf = await l.open('/proc/self/maps', l.O_RDONLY);
    const text = await pread_str(l, mf, 4000, 0);
    const line = text.split('\n').find((s) => s.startsWith(p.toString(16).padStart(8, '0')));
    t.truthy(line, text);
    t.regex(line!, /^[0-9a-f]+-[0-9a-f]+ r--s 00002000 00:[0-9a-f]{2} \d+ +\/tmp\/mapped$/);
    return 0;
  });
  t.is(r.status, 0);
});

test('hostfs: stores through a shared mapping reach the host file at msync(MS_SYNC) and at munmap after close', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'privos-mmap-'));
  writeFileSync(join(d, 'h.txt'), 'host bytes');
  const k = boot();
  t.is(mount_hostfs(k, d, '/mnt/h'), 0);
  const r = await run_inline(k, async (l) => {
    const fd = await l.open('/mnt/h/h.txt', l.O_RDWR);
    const p = l.mmap(0, PG, l.PROT_READ | l.PROT_WRITE, l.MAP_SHARED, fd, 0) as number;
    t.is(str(l, p, 10), 'host bytes');
    l.poke(p, 'HOST');
    t.is(readFileSync(join(d, 'h.txt'), 'latin1'), 'host bytes', 'not yet written back');
    t.is(l.msync(p, PG, l.MS_SYNC), 0);
    t.is(readFileSync(join(d, 'h.txt'), 'latin1'), 'HOST bytes');
    await l.close(fd);
    l.poke(p + 5, 'BYTES');
    t.is(l.munmap(p, PG), 0);
    t.is(readFileSync(join(d, 'h.txt'), 'latin1'), 'HOST BYTES', 'the last reference (the mapping) wrote it back');
    return 0;
  });
  t.is(r.status, 0);
});
