/**
 * KCOV (kernel/kcov.ts) through the guest ABI: a process opens /sys/kernel/debug/kcov, sizes,
 * maps and enables it, and reads back the PCs of the kernel blocks its syscalls ran.
 */
import test from 'ava';
import { boot, run_inline } from '../../tools/machine.ts';
import type { Libc } from '../../libc/index.ts';
import { KCOV_DISABLE, KCOV_ENABLE, KCOV_INIT_TRACE, KCOV_PATH, KCOV_TRACE_PC } from '../../kernel/include/uapi/kcov.ts';
import { kcov_table } from '../../tools/kcov/build.ts';
import { kcov_symbolize } from '../../tools/kcov/symbolize.ts';

const COVER_SIZE = 64 << 10; // entries

/** Opens, sizes, maps and enables kcov; returns the fd and the buffer's address. */
async function kcov_start(lc: Libc): Promise<{ fd: number; cover: number }> {
  const fd = await lc.open(KCOV_PATH, lc.O_RDWR) as number;
  if (fd < 0) throw new Error(`open kcov: errno ${lc.errno}`);
  if (await lc.ioctl(fd, KCOV_INIT_TRACE, COVER_SIZE) !== 0) throw new Error(`INIT_TRACE: errno ${lc.errno}`);
  const cover = await lc.mmap(0, COVER_SIZE * 8, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0) as number;
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

test('read(2) on a pipe: the PCs kcov collects map to kernel/fs/read_write.ts and pipe.ts', async (t) => {
  const k = boot({ kcov: true });
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
