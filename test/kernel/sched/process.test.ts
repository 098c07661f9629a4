import test from 'ava';
import { boot, run, run_inline, capture_console } from '../../../tools/machine.ts';

test('exit status passes through; wait4 encodes exits and deaths like Linux', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const st = libc.malloc(4);
    const a = await libc.fork(() => 42);
    t.is(await libc.waitpid(a, st, 0), a);
    const s1 = libc.peek_i32(st);
    t.is(s1, 42 << 8);
    t.true(libc.WIFEXITED(s1)); t.is(libc.WEXITSTATUS(s1), 42);
    const b = await libc.fork(async (c) => { await c.kill(c.getpid() as number, c.SIGTERM); return 0; });
    t.is(await libc.waitpid(b, st, 0), b);
    const s2 = libc.peek_i32(st);
    t.true(libc.WIFSIGNALED(s2)); t.is(libc.WTERMSIG(s2), libc.SIGTERM);
    t.is(await libc.waitpid(-1, st, libc.WNOHANG), -1); t.is(libc.errno, libc.ECHILD);
  });
});

test('getpid/getppid/gettid and parent links', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const me = libc.getpid() as number;
    t.is(me, 1);
    t.is(libc.gettid(), me);
    t.is(libc.getppid(), 0);
    const st = libc.malloc(4);
    const c = await libc.fork((cl) => (cl.getppid() === me && cl.getpid() !== me ? 0 : 1));
    await libc.waitpid(c, st, 0);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 0);
  });
});

test('WNOHANG returns 0 while the child runs; a blocked wait4 wakes at its exit', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const c = await libc.fork(async (cl) => { await cl.nanosleep(20e6); return 3; });
    const st = libc.malloc(4);
    t.is(await libc.waitpid(c, st, libc.WNOHANG), 0);
    t.is(await libc.waitpid(c, st, 0), c);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 3);
  });
});

test('signal handlers run on return from a syscall; SIG_IGN ignores; SIGKILL cannot be caught', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const got: number[] = [];
    t.is(await libc.sigaction(libc.SIGUSR1, { handler: (sig: number) => { got.push(sig); } }), 0);
    t.is(await libc.kill(libc.getpid() as number, libc.SIGUSR1), 0);
    t.deepEqual(got, [libc.SIGUSR1]);
    t.is(await libc.signal(libc.SIGUSR2, libc.SIG_IGN), 0);
    t.is(await libc.kill(libc.getpid() as number, libc.SIGUSR2), 0);
    t.is(await libc.sigaction(libc.SIGKILL, { handler: () => undefined }), -1);
    t.is(libc.errno, libc.EINVAL);
    t.is(await libc.sigaction(65, { handler: () => undefined }), -1);
    t.is(libc.errno, libc.EINVAL);
  });
});

test('blocked signals stay pending until unblocked', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const got: number[] = [];
    await libc.sigaction(libc.SIGUSR1, { handler: (s: number) => { got.push(s); } });
    t.is(await libc.sigprocmask(libc.SIG_BLOCK, [libc.SIGUSR1]), 0);
    await libc.kill(libc.getpid() as number, libc.SIGUSR1);
    t.deepEqual(got, []);
    await libc.sigprocmask(libc.SIG_UNBLOCK, [libc.SIGUSR1]);
    t.deepEqual(got, [libc.SIGUSR1]);
  });
});

test('a signal interrupts nanosleep with EINTR, with SA_RESTART too (ERESTART_RESTARTBLOCK)', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    let hits = 0;
    await libc.sigaction(libc.SIGUSR1, { handler: () => { hits++; } });
    const parent = libc.getpid() as number;
    await libc.fork(async (c) => { await c.nanosleep(10e6); await c.kill(parent, c.SIGUSR1); return 0; });
    const t0 = Date.now();
    t.is(await libc.nanosleep(5e9), -1);
    t.is(libc.errno, libc.EINTR);
    t.true(Date.now() - t0 < 4000);
    t.is(hits, 1);
    await libc.wait(0);
    await libc.sigaction(libc.SIGUSR1, { handler: () => { hits++; }, flags: libc.SA_RESTART });
    await libc.fork(async (c) => { await c.nanosleep(10e6); await c.kill(parent, c.SIGUSR1); return 0; });
    t.is(await libc.nanosleep(5e9), -1, 'nanosleep is never restarted after a handler (signal(7))');
    t.is(libc.errno, libc.EINTR);
    t.is(hits, 2);
  });
});

test('SIGPIPE-like default actions: SIGTERM kills a sleeping process; status 143 for the shell', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (libc) => {
    await libc.fork(async (c) => { await c.kill(c.getppid() as number, c.SIGTERM); return 0; });
    await libc.nanosleep(5e9);
    return 0;
  });
  t.is(r.status, 143);
});

test('execve replaces the image; argv and envp arrive; close-on-exec fds are closed', async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const r = await run_inline(k, async (libc) => {
    const fd = await libc.open('/etc/hostname', libc.O_RDONLY | libc.O_CLOEXEC);
    t.is(fd, 3);
    await libc.execve('/bin/echo', ['echo', 'from', 'exec'], ['A=1']);
    return 99;
  });
  t.is(r.status, 0);
  t.is(cap.output(), 'from exec\n');
  t.is(r.task.files.fcheck(3), null);
});

test('execve errors: ENOENT, EACCES for a directory, ENOEXEC for a non-program', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    t.is(await libc.execve('/bin/nope', ['x'], []), -1); t.is(libc.errno, libc.ENOENT);
    t.is(await libc.execve('/etc', ['x'], []), -1); t.is(libc.errno, libc.EACCES);
    t.is(await libc.execve('/etc/passwd', ['x'], []), -1); t.is(libc.errno, libc.EACCES, 'not executable (mode 0644)');
  });
});

test('a JS exception escaping user code is a crash (SIGSEGV), not a host error', async (t) => {
  const k = boot();
  const r = await run_inline(k, () => { throw new TypeError('boom'); });
  t.is(r.status, 139);
  t.regex(k.log.text(), /uncaught exception in user code: TypeError: boom/);
});

test('a guest program from /bin runs with the console', async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const r = await run(k, { program: '/bin/echo', argv: ['echo', '-n', 'hi'] });
  t.is(r.status, 0);
  t.is(cap.output(), 'hi');
});

test('a kernel bug while a task exits is logged and the exit completes (its parent is not stranded)', async (t) => {
  const k = boot();
  k.exit_hooks.push((task) => { if (task.pid === 2) throw new Error('planted exit bug'); });
  await run_inline(k, async (libc) => {
    const st = libc.malloc(4);
    const c = await libc.fork(() => 5);
    t.is(await libc.waitpid(c, st, 0), c);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 5);
  });
  t.regex(k.log.text(), /BUG: in exit hook of exiting task .*\[2\]: planted exit bug/);
});
