/**
 * Kernel bugs the syscall fuzzer (tools/fuzz, `privos fuzz`) found, each replayed through the
 * fuzzer's program form and checked against what Linux does (the C oracle's results are noted).
 */
import test from 'ava';
import { boot } from '../../tools/machine.ts';
import { run_prog_text } from '../../tools/fuzz/repro.ts';

for (const arch of ['x86_64', 'arm64'] as const) {
  // Linux (6.x, as root): open("/proc/self/maps", O_RDWR|O_TRUNC) = 3, ftruncate(3, 0) = 0,
  // truncate("/proc/self/status", 0) = 0: proc_setattr() ignores the size. privos oopsed in
  // shmem_setsize (a procfs inode has no memfs storage).
  test(`${arch}: O_TRUNC, ftruncate and truncate of procfs files succeed and change nothing, no oops`, async (t) => {
    const O_RDWR_TRUNC = 0o1002;
    const r = await run_prog_text(boot({ arch }), [
      `r0 = openat(0xffffffffffffff9c, &"/proc/self/maps", ${O_RDWR_TRUNC}, 0x0)`,
      'r1 = ftruncate(r0, 0x0)',
      'r2 = truncate(&"/proc/self/status", 0x0)',
      'r3 = read(r0, &[64], 0x40)',
    ].join('\n'));
    t.deepEqual(r.oopses, []);
    t.true(r.rets[0] >= 0);
    t.deepEqual(r.rets.slice(1, 3), [0, 0]);
    t.true(r.rets[3] > 0, 'maps still reads');
  });
}
