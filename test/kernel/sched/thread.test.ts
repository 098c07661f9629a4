/** Threads: clone(CLONE_THREAD…), clear_child_tid + pthread_join, thread-group exit and wait4. */
import test, { type ExecutionContext } from 'ava';
import { boot, run_inline, capture_console, task_of } from '../../../tools/machine.ts';
import type { Libc } from '../../../libc/index.ts';
import type { Kernel } from '../../../kernel/kernel.ts';

/** run_inline, and the program must have run to its end (a crash would skip assertions). */
async function run_ok(t: ExecutionContext, k: Kernel, body: Parameters<typeof run_inline>[1]): Promise<void> {
  t.is((await run_inline(k, body)).status, 0, 'the program ran to its end');
}

const THREAD = (l: Libc): number => l.CLONE_VM | l.CLONE_FS | l.CLONE_FILES | l.CLONE_SIGHAND | l.CLONE_THREAD;
const CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x01000000;

/** A fresh thread stack (top address). */
function stack(l: Libc): number {
  return (l.mmap(0, 1 << 16, l.PROT_READ | l.PROT_WRITE, l.MAP_PRIVATE | l.MAP_ANONYMOUS | l.MAP_STACK, -1, 0) as number) + (1 << 16);
}

test('pthread_join sleeps on the tid word until the exiting thread clears it (CLONE_CHILD_CLEARTID)', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const res = libc.malloc(8);
    const th = libc.pthread_create(async (lc, a) => { await lc.nanosleep(20e6); return a + 1; }, 41);
    t.true(th > 0);
    const tid = libc.peek_u32(th);
    t.true(tid > 1, 'CLONE_PARENT_SETTID wrote the tid before clone returned');
    t.truthy(k.tasks.get(tid));
    const t0 = libc.clock_ns(libc.CLOCK_MONOTONIC) as number;
    t.is(await libc.pthread_join(th, res), 0);
    t.true((libc.clock_ns(libc.CLOCK_MONOTONIC) as number) - t0 >= 15e6, 'join waited for the thread');
    t.is(libc.peek_u64(res), 42);
    t.is(k.tasks.get(tid), undefined, 'a thread is reaped at exit, never a zombie');
  });
});

test('set_tid_address: the kernel zeroes the word and wakes a waiter at exit; CLONE_CHILD_SETTID', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const w = libc.malloc(16);
    libc.poke_u32(w, 0xdead); libc.poke_u32(w + 4, 0);
    const tid = await libc.clone(async (lc) => {
      t.is(lc.peek_u32(w + 4), lc.gettid() as number, 'CLONE_CHILD_SETTID: the child stored its tid');
      t.is(await lc.syscall(lc.SYS.set_tid_address, w), lc.gettid() as number);
      await lc.nanosleep(10e6);
      return 0;
    }, stack(libc), THREAD(libc) | CLONE_CHILD_SETTID, 0, 0, 0, w + 4);
    t.true(tid > 0);
    t.is(await libc.futex(w, libc.FUTEX_WAIT, 0xdead), 0, 'woken by the exit');
    t.is(libc.peek_u32(w), 0);
  });
});

test('a CLONE_CHILD_CLEARTID word is left alone when the mm has no other user', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const w = libc.mmap(0, 4096, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_SHARED | libc.MAP_ANONYMOUS, -1, 0) as number;
    libc.poke_u32(w, 7);
    const st = libc.malloc(4);
    const pid = await libc.clone(() => 0, 0, libc.SIGCHLD | CLONE_CHILD_CLEARTID, 0, 0, 0, w);
    await libc.waitpid(pid, st, 0);
    t.is(libc.peek_u32(w), 7, 'mm_release only clears it while the mm is shared');
  });
});

test('getpid is the tgid in a thread, gettid its own; getppid is the process parent', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const ids = libc.malloc(16);
    const th = libc.pthread_create((lc) => {
      lc.poke_u32(ids, lc.getpid() as number); lc.poke_u32(ids + 4, lc.gettid() as number);
      lc.poke_u32(ids + 8, lc.getppid() as number);
      return 0;
    });
    await libc.pthread_join(th);
    t.is(libc.peek_u32(ids), libc.getpid() as number);
    t.not(libc.peek_u32(ids + 4), libc.getpid());
    t.is(libc.peek_u32(ids + 8), libc.getppid() as number);
  });
});

test("a thread's exit leaves the process running, its fds open, and its parent with no child to wait for", async (t) => {
  const k = boot();
  const r = await run_inline(k, async (libc) => {
    const fd = await libc.open('/tmp/f', libc.O_CREAT | libc.O_RDWR, 0o644);
    const th = libc.pthread_create(async (lc) => { await lc.write(fd, 'from thread\n'); return 0; });
    await libc.pthread_join(th);
    // A thread returning from clone's fn ends only itself (glibc's clone stub calls SYS_exit).
    await libc.clone(() => 5, stack(libc), THREAD(libc));
    await libc.nanosleep(10e6);
    t.is(await libc.write(fd, 'main\n'), 5, 'the shared fd table survived the threads');
    t.is(await libc.waitpid(-1, 0, libc.WNOHANG), -1, 'threads are not children');
    t.is(libc.errno, libc.ECHILD);
    return 3;
  });
  t.is(r.status, 3);
});

test('exit_group from a thread ends every thread, with its status', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (libc) => {
    libc.pthread_create(async (lc) => { await lc.nanosleep(10e6); lc._exit(9); return 0; });
    libc.pthread_create(async (lc) => { await lc.nanosleep(5e9); return 0; });
    await libc.nanosleep(5e9);
    return 0;
  });
  t.is(r.status, 9);
  t.is([...k.tasks.values()].filter((x) => x.tgid === r.task.tgid).length, 0, 'no thread left');
});

test('wait4: a leader that exits first stays unreported until its last thread exits (delay_group_leader)', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const st = libc.malloc(4);
    const child = await libc.fork(async (c) => {
      c.pthread_create(async (lc) => { await lc.nanosleep(1500e6); return 0; });
      await c.nanosleep(5e6);
      return c.raw(c.SYS.exit, 4) as number; // only the leader
    });
    // Wide margins: the leader exits after 5 ms, its thread after 1.5 s; look at 300 ms.
    await libc.nanosleep(300e6);
    t.is(await libc.waitpid(child, st, libc.WNOHANG), 0, 'leader gone, thread alive: not yet');
    const leader = k.tasks.get(child)!;
    t.false(leader.alive, 'the leader is a zombie');
    t.is(await libc.waitpid(child, st, 0), child);
    t.true(libc.WIFEXITED(libc.peek_i32(st)));
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 4, "the leader's status");
  });
});

test('SIGKILL ends a process whose threads all sleep on a futex', async (t) => {
  const k = boot();
  await run_ok(t, k, async (libc) => {
    const w = libc.malloc(8), st = libc.malloc(4);
    const child = await libc.fork(async (c) => {
      c.poke_u32(w, 0);
      c.pthread_create(async (lc) => lc.futex(w, lc.FUTEX_WAIT_PRIVATE, 0) as Promise<number>);
      await c.futex(w, c.FUTEX_WAIT_PRIVATE, 0);
      return 0;
    });
    await libc.nanosleep(15e6);
    await libc.kill(child, libc.SIGKILL);
    await libc.waitpid(child, st, 0);
    t.true(libc.WIFSIGNALED(libc.peek_i32(st)));
    t.is(libc.WTERMSIG(libc.peek_i32(st)), libc.SIGKILL);
    t.is([...k.tasks.values()].filter((x) => x.tgid === child).length, 0);
  });
});

test('arm64: pthread_join works with the CONFIG_CLONE_BACKWARDS argument order (tls before ctid)', async (t) => {
  const k = boot({ arch: 'arm64' });
  await run_ok(t, k, async (libc) => {
    const res = libc.malloc(8);
    const th = libc.pthread_create(async (lc, a) => { await lc.nanosleep(10e6); return a * 2; }, 21);
    t.true(libc.peek_u32(th) > 1, 'CLONE_PARENT_SETTID');
    t.is(await libc.pthread_join(th, res), 0);
    t.is(libc.peek_u64(res), 42, 'joined: the tid word was cleared through the ctid argument');
  });
});

test('execve ends the other threads of the process (de_thread) and the new image runs', async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const r = await run_inline(k, async (libc) => {
    libc.pthread_create(async (c) => { await c.nanosleep(5e9); return 0; }, 0);
    await libc.nanosleep(1e6);
    const threads = [...k.tasks.values()].filter((x) => x.tgid === task_of(k, libc).tgid && x.alive).length;
    if (threads !== 2) return 10 + threads;
    await libc.execve('/bin/echo', ['echo', 'exec from a threaded process'], []);
    return 99;
  });
  t.is(r.status, 0);
  t.is(cap.output(), 'exec from a threaded process\n');
  t.is([...k.tasks.values()].filter((x) => x.alive).length, 0, 'the sleeping thread did not survive the exec');
});
