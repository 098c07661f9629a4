/**
 * Kernel code of a task that resumes after a host event (not a wake-up through sleep_on) must
 * run as that task: the CPU may hold another process's address space and mode by then.
 * epoll_wait batches events by yielding to the host once after its wake-up (coalescing); here
 * the waker runs user code in that gap, and the waiter's ep_send_events must still see itself
 * as current, in kernel mode, on its own mm when it polls the ready file.
 */
import test from 'ava';
import { boot, run_inline, task_of } from '../../../tools/machine.ts';
import type { Libc } from '../../../libc/index.ts';
import { MODE_KERNEL } from '../../../kernel/arch/cpu.ts';
import type { FileOperations } from '../../../kernel/fs/fs_types.ts';

test('epoll_wait resumed after coalescing polls as the waiting task, not as the task that ran meanwhile', async (t) => {
  const k = boot({ arch: 'x86_64' });
  const seen: string[] = [];
  let events = -1;
  const { status } = await run_inline(k, async (libc: Libc) => {
    const me = task_of(k, libc);
    const fds = libc.malloc(64), ev = libc.malloc(64);
    await libc.pipe(fds);
    const rfd = libc.peek_i32(fds), wfd = libc.peek_i32(fds + 4);
    // Watch what the read end's poll sees when the waiting task calls it.
    const f = me.files.fcheck(rfd)!;
    const orig = f.f_op.poll!;
    const fops: FileOperations = { ...f.f_op, poll(file, task, pt) {
      if (task === me) seen.push(k.current === me && k.cpu.mm === me.mm && k.cpu.mode === MODE_KERNEL ? 'as self' : `as pid ${k.current?.pid} mode ${k.cpu.mode}`);
      return orig(file, task, pt);
    } };
    (f as { f_op: FileOperations }).f_op = fops;
    const ep = await libc.epoll_create1(0);
    await libc.epoll_ctl_ev(ep, 1 /* EPOLL_CTL_ADD */, rfd, 1 /* EPOLLIN */, 7);
    await libc.fork(async (c) => {
      await c.nanosleep(5e6);
      await c.write(wfd, new TextEncoder().encode('x'), 1);
      // Run user code (and a syscall) of this process in the waiter's coalescing gap.
      await new Promise((r) => setImmediate(r));
      c.getpid();
      await c.nanosleep(20e6);
      return 0;
    });
    seen.length = 0;
    events = await libc.epoll_wait(ep, ev, 4, -1);
    return 0;
  });
  t.is(status, 0);
  t.is(events, 1);
  t.true(seen.length > 0);
  t.deepEqual([...new Set(seen)], ['as self']);
});
