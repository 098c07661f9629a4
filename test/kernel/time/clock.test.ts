import test from 'ava';
import { boot, run_inline, task_of } from '../../../tools/machine.ts';

test('CLOCK_MONOTONIC advances with host time; REALTIME is near the host clock', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const a = libc.clock_ns(libc.CLOCK_MONOTONIC) as number;
    await libc.nanosleep(15e6);
    const b = libc.clock_ns(libc.CLOCK_MONOTONIC) as number;
    t.true(b - a >= 14e6, `slept ${b - a} ns`);
    const rt = libc.clock_ns(libc.CLOCK_REALTIME) as number;
    t.true(Math.abs(rt / 1e6 - Date.now()) < 1000);
    t.is(libc.clock_gettime(99, libc.malloc(16)), -1); t.is(libc.errno, libc.EINVAL);
  });
});

test('CLOCK_REALTIME is never behind the host clock: a time read on the host, then in privos, is in order', async (t) => {
  // A client computes a deadline from its clock and the server reads its own (redis's GETEX PXAT
  // then PTTL): an emulated clock that lags the host's by a dropped millisecond breaks that order.
  const k = boot();
  await run_inline(k, (libc) => {
    for (let i = 0; i < 200; i++) {
      const host_ns = (performance.timeOrigin + performance.now()) * 1e6;
      const rt = libc.clock_ns(libc.CLOCK_REALTIME) as number;
      t.true(rt >= host_ns - 2e3 && rt < host_ns + 50e6, `emulated ${rt} vs host ${host_ns}`);
      if (rt < host_ns - 2e3) break;
    }
  });
});

test('CPU-time clocks come from the cycle model, not the host', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    const a = libc.clock_ns(libc.CLOCK_PROCESS_CPUTIME_ID) as number;
    for (let i = 0; i < 1000; i++) libc.getpid();
    const b = libc.clock_ns(libc.CLOCK_PROCESS_CPUTIME_ID) as number;
    const expect = (1000 * 953) / k.cpu.profile.hz * 1e9;
    t.true(b - a >= expect * 0.95 && b - a < expect * 1.5, `cputime grew ${b - a} ns for 1000 getpids (model ${expect})`);
    const task = task_of(k, libc);
    t.true(task.stime > task.utime, 'syscall-heavy: mostly system time');
  });
});

test('nanosleep rejects a bad timespec with EINVAL and a bad pointer with EFAULT', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    const ts = libc.malloc(16);
    libc.poke_u64(ts, 0); libc.poke_u64(ts + 8, 2e9);
    t.is(libc.raw(libc.SYS.nanosleep, ts, 0), -libc.EINVAL);
    t.is(libc.raw(libc.SYS.nanosleep, 8, 0), -libc.EFAULT);
  });
});
