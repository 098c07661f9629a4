/**
 * KCOV's costs (docs/kcov.md): the instrumented build's build time and block count, the boot
 * of an instrumented machine beside a plain one, and what a syscall costs — read(-1, NULL, 0),
 * kcov.rst's example call, plus the one user store that resets the buffer's count — on the
 * default kernel, on the instrumented one with kcov off, with KCOV_ENABLE'd tracing, and
 * under `privos cover`'s counting. Timed in alternating runs so all see the same load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KCOV_ENABLE, KCOV_INIT_TRACE, KCOV_PATH, KCOV_TRACE_PC } from '../../kernel/include/uapi/kcov.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import type { Libc } from '../../libc/index.ts';
import { boot, kcov_cover, run_inline } from '../machine.ts';
import { kcov_build_uncached, kcov_table } from '../kcov/build.ts';
import { alternating_ns, fmt_spread, spread, table } from './harness.ts';

const ITERS = 2000, COVER_SIZE = 64 << 10;

/** Milliseconds of fn, median of n runs. */
function ms(fn: () => unknown, n: number): string {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) { const t0 = process.hrtime.bigint(); fn(); xs.push(Number(process.hrtime.bigint() - t0) / 1e6); }
  return fmt_spread(spread(xs), 1);
}

/** A process of k that hands out its libc and lives until `done` resolves. */
function hold(k: Kernel, done: Promise<void>, setup: (lc: Libc) => Promise<void> = async () => undefined): Promise<{ lc: Libc; cover: number }> {
  return new Promise((got) => {
    void run_inline(k, async (lc) => {
      const cover = lc.malloc(8);
      await setup(lc);
      got({ lc, cover: (lc as Libc & { kcov_cover?: number }).kcov_cover ?? cover });
      await done;
    });
  });
}

/** Opens, maps and enables kcov in lc's process; the buffer's address is left on the libc. */
async function enable(lc: Libc): Promise<void> {
  const fd = await lc.open(KCOV_PATH, lc.O_RDWR) as number;
  await lc.ioctl(fd, KCOV_INIT_TRACE, COVER_SIZE);
  const cover = await lc.mmap(0, COVER_SIZE * 8, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0) as number;
  if (cover < 0 || await lc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC) !== 0) throw new Error(`kcov bench: enable failed (errno ${lc.errno})`);
  (lc as Libc & { kcov_cover?: number }).kcov_cover = cover;
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'privos-kcov-'));
  const build = ms(() => kcov_build_uncached(join(dir, `b${Math.random()}`)), 1);
  rmSync(dir, { recursive: true, force: true });
  const blocks = kcov_table().blocks.length / 3;
  table('kcov', 'KCOV: the instrumented build (wall ms)', ['what', 'ms'], [
    [`build: trace-pc pass over kernel/ (${blocks} blocks) + bundle, uncached`, build],
    ['boot, default kernel', ms(() => boot(), 5)],
    ['boot, kcov kernel (the cached bundle, loaded once per process)', ms(() => boot({ kcov: true }), 5)],
  ]);

  let finish = (): void => undefined;
  const done = new Promise<void>((r) => { finish = r; });
  const plain = await hold(boot(), done);
  const off = await hold(boot({ kcov: true }), done);
  const on = await hold(boot({ kcov: true }), done, enable);
  const kc = boot({ kcov: true });
  kcov_cover(kc);
  const counted = await hold(kc, done);
  const zero = new Uint8Array(8);
  const call = (h: { lc: Libc; cover: number }) => (): unknown => { h.lc.poke(h.cover, zero); return h.lc.read(-1, 0, 0); };
  const r = await alternating_ns([plain, off, on, counted].map(call), ITERS);
  finish();
  const names = ['default kernel', 'kcov kernel, kcov off', 'kcov kernel, KCOV_ENABLE (trace-pc)', 'kcov kernel, privos cover counting'];
  table('kcov', `KCOV: read(-1, NULL, 0) + count reset, wall ns per call (${ITERS} calls × 9 alternating runs)`,
    ['kernel', 'ns/call', 'vs default'], names.map((n, i) => [n, fmt_spread(r.each[i], 0), `${fmt_spread(r.ratio[i], 2)}×`]));
}
