/**
 * KCOV (kernel/kcov.ts) through the guest ABI: a process opens /sys/kernel/debug/kcov, sizes,
 * maps and enables it, and reads back the PCs of the kernel blocks its syscalls ran.
 */
import test from 'ava';
import { boot, run_inline } from '../../tools/machine.ts';
import type { Libc } from '../../libc/index.ts';
import { KCOV_CMP_CONST, KCOV_CMP_SIZE, KCOV_DISABLE, KCOV_ENABLE, KCOV_INIT_TRACE, KCOV_PATH, KCOV_REMOTE_ENABLE, KCOV_TRACE_CMP, KCOV_TRACE_PC } from '../../kernel/include/uapi/kcov.ts';
import { kcov_table } from '../../tools/kcov/build.ts';
import { kcov_symbolize } from '../../tools/kcov/symbolize.ts';

const COVER_SIZE = 64 << 10; // entries

/** Opens, sizes, maps and enables kcov; returns the fd and the buffer's address. */
async function kcov_start(lc: Libc): Promise<{ fd: number; cover: number }> {
  const fd = await lc.open(KCOV_PATH, lc.O_RDWR);
  if (fd < 0) throw new Error(`open kcov: errno ${lc.errno}`);
  if (await lc.ioctl(fd, KCOV_INIT_TRACE, COVER_SIZE) !== 0) throw new Error(`INIT_TRACE: errno ${lc.errno}`);
  const cover = await lc.mmap(0, COVER_SIZE * 8, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0);
  if (cover < 0) throw new Error(`mmap: errno ${lc.errno}`);
  if (await lc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC) !== 0) throw new Error(`ENABLE: errno ${lc.errno}`);
  return { fd, cover };
}

/** The PCs in the buffer (word 0 the count), as sign-extended numbers. */
function read_pcs(lc: Libc, cover: number): number[] {
  const dv = (p: number, n: number): DataView => { const b = lc.peek(p, n); return new DataView(b.buffer, b.byteOffset, n); };
  const n = Number(dv(cover, 8).getBigUint64(0, true));
  const words = dv(cover + 8, n * 8), out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number(BigInt.asIntN(64, words.getBigUint64(i * 8, true))));
  return out;
}

/** Resets the count (user space's __atomic_store_n(&cover[0], 0)). */
function reset(lc: Libc, cover: number): void { lc.poke(cover, new Uint8Array(8)); }

for (const arch of ['x86_64', 'arm64'] as const) test(`${arch}: read(2) on a pipe: the PCs kcov collects map to kernel/fs/read_write.ts and pipe.ts`, async (t) => {
  const k = boot({ kcov: true, arch });
  const table = kcov_table();
  let pcs: number[] = [];
  const r = await run_inline(k, async (lc) => {
    const fds = lc.malloc(8);
    await lc.pipe2(fds, 0);
    const [rfd, wfd] = [lc.peek(fds, 4), lc.peek(fds + 4, 4)].map((b) => new DataView(b.buffer, b.byteOffset).getInt32(0, true));
    await lc.write(wfd, 'hello', 5);
    const buf = lc.malloc(16);
    const { fd, cover } = await kcov_start(lc);
    reset(lc, cover);
    const n = await lc.read(rfd, buf, 16);
    pcs = read_pcs(lc, cover);
    if (await lc.ioctl(fd, KCOV_DISABLE, 0) !== 0) return 10;
    return n === 5 ? 0 : 11;
  });
  t.is(r.status, 0);
  const files = new Set(pcs.map((pc) => kcov_symbolize(table, pc)?.file));
  t.true(pcs.length > 5, `${pcs.length} PCs`);
  t.true(files.has('kernel/fs/read_write.ts'), [...files].join(' '));
  t.true(files.has('kernel/fs/pipe.ts'), [...files].join(' '));
  t.false(files.has(undefined), 'every PC is a block of the table');
  t.false(files.has('kernel/fs/open.ts'), 'nothing of the earlier open(2)');
});

/** The pipe2 pair of an inline program. */
async function pipe(lc: Libc): Promise<[number, number]> {
  const fds = lc.malloc(8);
  await lc.pipe2(fds, 0);
  const b = lc.peek(fds, 8), dv = new DataView(b.buffer, b.byteOffset, 8);
  return [dv.getInt32(0, true), dv.getInt32(4, true)];
}

test('a task that has not enabled kcov sees nothing in its buffer', async (t) => {
  const k = boot({ kcov: true });
  let count = -1;
  const r = await run_inline(k, async (lc) => {
    const fd = await lc.open(KCOV_PATH, lc.O_RDWR);
    await lc.ioctl(fd, KCOV_INIT_TRACE, COVER_SIZE);
    const cover = await lc.mmap(0, COVER_SIZE * 8, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0);
    const [rfd, wfd] = await pipe(lc);
    await lc.write(wfd, 'x', 1);
    await lc.read(rfd, lc.malloc(4), 4);
    count = read_pcs(lc, cover).length;
    return cover > 0 ? 0 : 1;
  });
  t.is(r.status, 0);
  t.is(count, 0);
});

test("another task's syscalls (a forked child's mkdir) do not reach this task's buffer", async (t) => {
  const k = boot({ kcov: true });
  const table = kcov_table();
  let pcs: number[] = [];
  const r = await run_inline(k, async (lc) => {
    const [rfd, wfd] = await pipe(lc);
    const { fd, cover } = await kcov_start(lc);
    reset(lc, cover);
    // The child (which does not inherit kcov) makes a directory, then wakes the parent's read.
    const child = await lc.fork(async (c) => { await c.mkdir('/tmp/kcov_child', 0o755); await c.write(wfd, 'y', 1); return 0; });
    await lc.read(rfd, lc.malloc(4), 4);
    pcs = read_pcs(lc, cover);
    await lc.ioctl(fd, KCOV_DISABLE, 0);
    await lc.waitpid(child, 0, 0);
    return child > 0 ? 0 : 1;
  });
  t.is(r.status, 0);
  const files = new Set(pcs.map((pc) => kcov_symbolize(table, pc)?.file));
  t.true(files.has('kernel/fs/read_write.ts'), 'the parent\'s own read is there');
  t.true(files.has('kernel/sched/fork.ts'), 'and its own fork');
  t.false(files.has('kernel/fs/namei_dir.ts'), "the child's mkdir is not");
});

test('KCOV_DISABLE stops collection, and the fd can be enabled again', async (t) => {
  const k = boot({ kcov: true });
  const counts: number[] = [];
  const r = await run_inline(k, async (lc) => {
    const { fd, cover } = await kcov_start(lc);
    await lc.ioctl(fd, KCOV_DISABLE, 0);
    reset(lc, cover);
    await lc.getpid();
    counts.push(read_pcs(lc, cover).length);
    counts.push(await lc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC));
    await lc.getpid();
    counts.push(read_pcs(lc, cover).length);
    return 0;
  });
  t.is(r.status, 0);
  t.is(counts[0], 0);
  t.is(counts[1], 0);
  t.true(counts[2] > 0);
});

test("errnos as kernel/kcov.c gives them", async (t) => {
  const k = boot({ kcov: true });
  const got: Record<string, number> = {};
  const r = await run_inline(k, async (lc) => {
    const e = async (name: string, p: unknown): Promise<void> => { got[name] = (await p) as number < 0 ? lc.errno : 0; };
    const fd = await lc.open(KCOV_PATH, lc.O_RDWR);
    await e('enable before init', lc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC));
    await e('mmap before init', lc.mmap(0, 4096, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0));
    await e('init size 1', lc.ioctl(fd, KCOV_INIT_TRACE, 1));
    await e('init size > INT_MAX/8', lc.ioctl(fd, KCOV_INIT_TRACE, 0x10000000));
    await e('init', lc.ioctl(fd, KCOV_INIT_TRACE, 1024));
    await e('init twice', lc.ioctl(fd, KCOV_INIT_TRACE, 1024));
    await e('mmap wrong size', lc.mmap(0, 4096, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0));
    await e('mmap offset', lc.mmap(0, 8192, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 4096));
    await e('mmap', lc.mmap(0, 8192, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0));
    await e('enable bad mode', lc.ioctl(fd, KCOV_ENABLE, 7));
    await e('disable not enabled', lc.ioctl(fd, KCOV_DISABLE, 0));
    await e('enable', lc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC));
    await e('enable twice', lc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC));
    const fd2 = await lc.open(KCOV_PATH, lc.O_RDWR);
    await lc.ioctl(fd2, KCOV_INIT_TRACE, 1024);
    await e('second kcov on an enabled task', lc.ioctl(fd2, KCOV_ENABLE, KCOV_TRACE_PC));
    await e('disable arg 1', lc.ioctl(fd, KCOV_DISABLE, 1));
    await e('disable other fd', lc.ioctl(fd2, KCOV_DISABLE, 0));
    await e('unknown ioctl', lc.ioctl(fd, 0x6366, 0));
    await e('remote enable', lc.ioctl(fd, KCOV_REMOTE_ENABLE, 0));
    await e('lseek', lc.lseek(fd, 0, lc.SEEK_SET));
    await e('disable', lc.ioctl(fd, KCOV_DISABLE, 0));
    return 0;
  });
  t.is(r.status, 0);
  t.deepEqual(got, {
    'enable before init': 22, 'mmap before init': 22, 'init size 1': 22, 'init size > INT_MAX/8': 22, init: 0,
    'init twice': 16, 'mmap wrong size': 22, 'mmap offset': 22, mmap: 0, 'enable bad mode': 22,
'disable not enabled': 22, enable: 0, 'enable twice': 22, // mode is no longer INIT: EINVAL before kcov->t's EBUSY
    'second kcov on an enabled task': 16, 'disable arg 1': 22, 'disable other fd': 22, 'unknown ioctl': 25,
    'remote enable': 38, lseek: 29, disable: 0,
  });
});

test('the default build has no kcov file (ENOENT), as a kernel without CONFIG_KCOV', async (t) => {
  const k = boot();
  let errno = 0;
  const r = await run_inline(k, async (lc) => { if (await lc.open(KCOV_PATH, lc.O_RDWR) < 0) errno = lc.errno; return 0; });
  t.is(r.status, 0);
  t.is(errno, 2);
});

test('two machines in one process: each buffer sees only its own machine', async (t) => {
  const a = boot({ kcov: true }), b = boot({ kcov: true });
  const table = kcov_table();
  let go = (): void => undefined;
  const b_done = new Promise<void>((r) => { go = r; });
  let pcs: number[] = [];
  const ra = run_inline(a, async (lc) => {
    const { cover } = await kcov_start(lc);
    reset(lc, cover);
    await b_done; // machine b runs its mkdir while a's task stays current on a
    await lc.getppid();
    pcs = read_pcs(lc, cover);
    return 0;
  });
  const rb = run_inline(b, async (lc) => { await lc.mkdir('/tmp/other_machine', 0o755); go(); return 0; });
  t.is((await rb).status, 0);
  t.is((await ra).status, 0);
  const files = new Set(pcs.map((pc) => kcov_symbolize(table, pc)?.file));
  t.true(files.has('kernel/syscalls/entry.ts'), "a's getppid is there");
  t.false(files.has('kernel/fs/namei_dir.ts'), "b's mkdir is not");
});

test('KCOV_TRACE_CMP: records of (type, arg1, arg2, ip) with the operands the kernel compared', async (t) => {
  const k = boot({ kcov: true });
  const table = kcov_table();
  let recs: number[][] = [];
  const r = await run_inline(k, async (lc) => {
    const [rfd, wfd] = await pipe(lc);
    await lc.write(wfd, 'abc', 3);
    const buf = lc.malloc(0x7777);
    const fd = await lc.open(KCOV_PATH, lc.O_RDWR);
    await lc.ioctl(fd, KCOV_INIT_TRACE, COVER_SIZE);
    const cover = await lc.mmap(0, COVER_SIZE * 8, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0);
    if (await lc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_CMP) !== 0) return 1;
    reset(lc, cover);
    const n = await lc.read(rfd, buf, 0x7777);
    const head = lc.peek(cover, 8), count = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
    const words = lc.peek(cover + 8, count * 32), dv = new DataView(words.buffer, words.byteOffset);
    for (let i = 0; i < count; i++) recs.push([0, 1, 2, 3].map((j) => Number(BigInt.asIntN(64, dv.getBigUint64((i * 4 + j) * 8, true)))));
    await lc.ioctl(fd, KCOV_DISABLE, 0);
    return n === 3 ? 0 : 2;
  });
  t.is(r.status, 0);
  t.true(recs.length > 3, `${recs.length} records`);
  t.true(recs.every(([type]) => (type & ~KCOV_CMP_CONST) === KCOV_CMP_SIZE(3)), 'every record: 8-byte operands');
  const mine = recs.filter(([, a, b]) => a === 0x7777 || b === 0x7777);
  t.true(mine.length > 0, 'the count read(2) was given is compared somewhere');
  t.true(mine.every(([, , , ip]) => kcov_symbolize(table, ip)?.file.startsWith('kernel/') === true), 'at a comparison site of the kernel');
  t.true(recs.some(([type]) => (type & KCOV_CMP_CONST) !== 0), 'some compare with a constant');
});
