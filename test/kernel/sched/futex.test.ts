/** futex(2): wait/wake between threads and processes, timeouts, requeue, bitsets, signals. */
import test, { type ExecutionContext } from 'ava';
import { boot, run_inline, task_of } from '../../../tools/machine.ts';
import type { Libc } from '../../../libc/index.ts';
import type { Kernel } from '../../../kernel/kernel.ts';

/** run_inline, and the program must have run to its end (a crash would skip assertions). */
async function run_ok(t: ExecutionContext, k: Kernel, body: Parameters<typeof run_inline>[1]): Promise<void> {
  t.is((await run_inline(k, body)).status, 0, 'the program ran to its end');
}
import { TASK_INTERRUPTIBLE } from '../../../kernel/sched/task.ts';

/** Lets the other tasks run until they block (a short real sleep). */
const settle = (libc: Libc): Promise<unknown> => libc.nanosleep(15e6) as Promise<unknown>;

/** A thread that waits on `word` (op) for the value 0 and returns what futex returned (or -errno). */
function waiter(op: number) {
  return async (lc: Libc, word: number): Promise<number> => {
    const r = await lc.futex(word, op, 0);
    return r < 0 ? -lc.errno : r;
  };
}

function sleeping_threads(k: Kernel, libc: Libc): number {
  const me = task_of(k, libc);
  let n = 0;
  for (const x of k.tasks.values()) if (x.tgid === me.tgid && x !== me && x.state === TASK_INTERRUPTIBLE) n++;
  return n;
}

test('FUTEX_WAIT sleeps until FUTEX_WAKE from another thread; the value check comes first', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const word = libc.malloc(8), res = libc.malloc(8);
    libc.poke_u32(word, 0);
    const th = libc.pthread_create(waiter(libc.FUTEX_WAIT_PRIVATE), word);
    t.true(th > 0);
    await settle(libc);
    t.is(sleeping_threads(k, libc), 1, 'the waiter sleeps in the kernel');
    t.is(await libc.futex(word, libc.FUTEX_WAKE_PRIVATE, 1), 1, 'one waiter woken');
    t.is(await libc.pthread_join(th, res), 0);
    t.is(libc.peek_u64(res), 0, "the waiter's FUTEX_WAIT returned 0");
    t.is(await libc.futex(word, libc.FUTEX_WAKE_PRIVATE, 1), 0, 'nobody left to wake');
  });
});

test('EAGAIN when the word differs; EINVAL for misalignment and an empty bitset; ENOSYS for PI ops', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const w = libc.malloc(8);
    libc.poke_u32(w, 5);
    t.is(await libc.futex(w, libc.FUTEX_WAIT, 4), -1); t.is(libc.errno, libc.EAGAIN);
    t.is(await libc.futex(w + 1, libc.FUTEX_WAIT, 5), -1); t.is(libc.errno, libc.EINVAL);
    t.is(await libc.futex(w, libc.FUTEX_WAIT_BITSET, 5, null, 0, 0), -1); t.is(libc.errno, libc.EINVAL);
    t.is(await libc.futex(w, libc.FUTEX_LOCK_PI, 0), -1); t.is(libc.errno, libc.ENOSYS);
    t.is(await libc.futex(w, 99, 0), -1); t.is(libc.errno, libc.ENOSYS);
    t.is(await libc.futex(0, libc.FUTEX_WAIT, 0), -1); t.is(libc.errno, libc.EFAULT);
    t.is(await libc.futex(0, libc.FUTEX_WAKE_PRIVATE, 1), 0, 'a private wake does not touch the page');
    t.is(await libc.futex(0, libc.FUTEX_WAKE, 1), -1); t.is(libc.errno, libc.EFAULT);
  });
});

test('timeouts: relative for FUTEX_WAIT, absolute (MONOTONIC or REALTIME) for FUTEX_WAIT_BITSET', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const w = libc.malloc(8);
    libc.poke_u32(w, 0);
    let t0 = libc.clock_ns(libc.CLOCK_MONOTONIC) as number;
    t.is(await libc.futex(w, libc.FUTEX_WAIT_PRIVATE, 0, 20e6), -1);
    t.is(libc.errno, libc.ETIMEDOUT);
    t.true((libc.clock_ns(libc.CLOCK_MONOTONIC) as number) - t0 >= 20e6);
    t0 = libc.clock_ns(libc.CLOCK_MONOTONIC) as number;
    t.is(await libc.futex(w, libc.FUTEX_WAIT_BITSET, 0, t0 + 15e6, 0, libc.FUTEX_BITSET_MATCH_ANY), -1);
    t.is(libc.errno, libc.ETIMEDOUT);
    t.true((libc.clock_ns(libc.CLOCK_MONOTONIC) as number) >= t0 + 15e6);
    const rt = libc.clock_ns(libc.CLOCK_REALTIME) as number;
    t.is(await libc.futex(w, libc.FUTEX_WAIT_BITSET | libc.FUTEX_CLOCK_REALTIME, 0, rt - 1e9, 0, -1), -1, 'a past deadline');
    t.is(libc.errno, libc.ETIMEDOUT);
    t.is(await libc.futex(w, libc.FUTEX_WAIT | libc.FUTEX_CLOCK_REALTIME, 0, 1e6), -1);
    t.is(libc.errno, libc.ENOSYS, 'CLOCK_REALTIME only with the absolute waits');
    t.is(await libc.futex(w, libc.FUTEX_WAIT, 0, -1), -1); t.is(libc.errno, libc.EINVAL, 'negative timespec');
  });
});

test('FUTEX_CMP_REQUEUE wakes some waiters and moves the rest to the second word', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const a = libc.malloc(8), b = libc.malloc(8), res = libc.malloc(8);
    libc.poke_u32(a, 0); libc.poke_u32(b, 0);
    const ths = [0, 1, 2].map(() => libc.pthread_create(waiter(libc.FUTEX_WAIT_PRIVATE), a));
    await settle(libc);
    t.is(sleeping_threads(k, libc), 3);
    t.is(await libc.futex(a, libc.FUTEX_CMP_REQUEUE_PI, 1, 1, b, 0), -1); t.is(libc.errno, libc.ENOSYS);
    const op = libc.FUTEX_CMP_REQUEUE | libc.FUTEX_PRIVATE_FLAG;
    t.is(await libc.futex(a, op, 1, 1, b, 7), -1);
    t.is(libc.errno, libc.EAGAIN, '*uaddr differs from val3');
    t.is(await libc.futex(a, op, -1, 1, b, 0), -1); t.is(libc.errno, libc.EINVAL, 'negative nr_wake');
    t.is(await libc.futex(a, op, 1, 1, b, 0), 2, 'one woken + one requeued');
    await settle(libc);
    t.is(sleeping_threads(k, libc), 2);
    t.is(await libc.futex(b, libc.FUTEX_WAKE_PRIVATE, 10), 1, 'the requeued waiter is on b');
    t.is(await libc.futex(a, libc.FUTEX_REQUEUE | libc.FUTEX_PRIVATE_FLAG, 0, 5, b), 1, 'REQUEUE moves the last one');
    t.is(await libc.futex(b, libc.FUTEX_WAKE_PRIVATE, 10), 1);
    for (const th of ths) { t.is(await libc.pthread_join(th, res), 0); t.is(libc.peek_u64(res), 0); }
  });
});

test('bitsets select waiters; private and shared keys on a private page do not meet', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const w = libc.malloc(8), res = libc.malloc(8);
    libc.poke_u32(w, 0);
    const bs = libc.pthread_create(async (lc, word) => {
      const r = await lc.futex(word, lc.FUTEX_WAIT_BITSET, 0, null, 0, 0b01);
      return r < 0 ? -lc.errno : 10 + r;
    }, w);
    await settle(libc);
    t.is(await libc.futex(w, libc.FUTEX_WAKE_BITSET, 1, null, 0, 0b10), 0, 'no common bit');
    t.is(await libc.futex(w, libc.FUTEX_WAKE_PRIVATE, 1), 0, 'a shared-op waiter is not on the private key');
    t.is(await libc.futex(w, libc.FUTEX_WAKE_BITSET, 1, null, 0, 0b11), 1);
    await libc.pthread_join(bs, res);
    t.is(libc.peek_u64(res), 10);
  });
});

test('a shared futex on a MAP_SHARED page works across fork; a private one does not', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const p = libc.mmap(0, 4096, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_SHARED | libc.MAP_ANONYMOUS, -1, 0) as number;
    libc.poke_u32(p + 64, 0);
    const st = libc.malloc(4);
    const child = await libc.fork(async (c) => {
      const r = (await c.futex(p + 64, c.FUTEX_WAIT, 0)) as number;
      return r === 0 && c.peek_u32(p + 64) === 1 ? 7 : 1;
    });
    await settle(libc);
    t.is(await libc.futex(p + 64, libc.FUTEX_WAKE_PRIVATE, 1), 0, 'the private key is per address space');
    libc.poke_u32(p + 64, 1);
    t.is(await libc.futex(p + 64, libc.FUTEX_WAKE, 1), 1, 'the shared key is the physical page');
    t.is(await libc.waitpid(child, st, 0), child);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 7);
  });
});

test('a private page is not a shared futex across fork (copy-on-write pages key by mm)', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const w = libc.malloc(8);
    libc.poke_u32(w, 0);
    const child = await libc.fork(async (c) => {
      const r = (await c.futex(w, c.FUTEX_WAIT, 0, 60e6)) as number;
      return r < 0 && c.errno === c.ETIMEDOUT ? 9 : 1;
    });
    await settle(libc);
    t.is(await libc.futex(w, libc.FUTEX_WAKE, 1), 0);
    const st = libc.malloc(4);
    await libc.waitpid(child, st, 0);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 9);
  });
});

test('a signal interrupts FUTEX_WAIT: EINTR, or a restart with SA_RESTART (untimed waits only)', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const w = libc.malloc(8);
    libc.poke_u32(w, 0);
    let hits = 0;
    await libc.sigaction(libc.SIGUSR1, { handler: () => { hits++; } });
    const me = libc.getpid() as number;
    const poke = (): Promise<unknown> => libc.fork(async (c) => { await c.nanosleep(10e6); await c.kill(me, c.SIGUSR1); return 0; }) as Promise<unknown>;
    await poke();
    t.is(await libc.futex(w, libc.FUTEX_WAIT_PRIVATE, 0), -1);
    t.is(libc.errno, libc.EINTR);
    t.is(hits, 1);
    await libc.wait(0);
    await libc.sigaction(libc.SIGUSR1, { handler: () => { hits++; }, flags: libc.SA_RESTART });
    await poke();
    // A timeout far beyond the 10 ms poke: the signal, not the clock, must end the wait (80 ms
    // timed out first on a loaded host).
    t.is(await libc.futex(w, libc.FUTEX_WAIT_PRIVATE, 0, 10e9), -1);
    t.is(libc.errno, libc.EINTR, 'a timed wait is not restarted');
    await libc.wait(0);
    // Untimed with SA_RESTART: the handler runs and the wait resumes until a thread wakes it.
    const th = libc.pthread_create(async (lc, word) => {
      await lc.nanosleep(10e6); await lc.kill(me, lc.SIGUSR1);
      await lc.nanosleep(20e6);
      return lc.futex(word, lc.FUTEX_WAKE_PRIVATE, 1) as Promise<number>;
    }, w);
    t.is(await libc.futex(w, libc.FUTEX_WAIT_PRIVATE, 0), 0, 'restarted, then woken');
    t.is(hits, 3);
    const res = libc.malloc(8);
    await libc.pthread_join(th, res);
    t.is(libc.peek_u64(res), 1);
  });
});
