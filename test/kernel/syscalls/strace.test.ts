import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import { strace_attach, quote } from '../../../kernel/syscalls/trace.ts';

test("strace's format: decoded flags, quoted buffers cut at 32 bytes, errors with errno names", async (t) => {
  const k = boot();
  const lines: string[] = [];
  strace_attach(k, (l) => lines.push(l));
  await run_inline(k, async (libc) => {
    const fd = await libc.open('/etc/passwd', libc.O_RDONLY | libc.O_CLOEXEC);
    const buf = libc.malloc(4096);
    await libc.read(fd, buf, 4096);
    await libc.open('/nope', libc.O_RDONLY);
    await libc.write(1, 'hi\n');
    libc.getpid();
    await libc.close(fd);
    return 7;
  });
  const text = lines.join('\n');
  t.regex(text, /^openat\(AT_FDCWD, "\/etc\/passwd", O_RDONLY\|O_CLOEXEC\) += 3$/m);
  t.regex(text, /^read\(3, "root:x:0:0:root:\/root:\/bin\/sh\\nno"\.\.\., 4096\) += \d+$/m);
  t.regex(text, /^openat\(AT_FDCWD, "\/nope", O_RDONLY\) += -1 ENOENT \(No such file or directory\)$/m);
  t.regex(text, /^write\(1, "hi\\n", 3\) += 3$/m);
  t.regex(text, /^getpid\(\) += 1$/m);
  t.regex(text, /^close\(3\) += 0$/m);
  t.regex(text, /^exit_group\(7\) += \?$/m);
  t.regex(text, /^\+\+\+ exited with 7 \+\+\+$/m);
});

test('strace quoting escapes like strace', (t) => {
  t.is(quote(new Uint8Array([0x41, 10, 9, 0, 0x22, 0x5c, 0xff]), false), '"A\\n\\t\\0\\"\\\\\\377"');
  t.is(quote(new TextEncoder().encode('abc'), true), '"abc"...');
});

test('a death by signal is reported as strace does', async (t) => {
  const k = boot();
  const lines: string[] = [];
  strace_attach(k, (l) => lines.push(l));
  await run_inline(k, (libc) => { libc.peek_u8(0); return 0; });
  t.is(lines[lines.length - 1], '+++ killed by SIGSEGV +++');
});

for (const arch of ['x86_64', 'arm64'] as const) {
  test(`${arch}: struct stat, pollfd and epoll_event decoded as strace prints them`, async (t) => {
    const k = boot({ arch });
    const lines: string[] = [];
    strace_attach(k, (l) => lines.push(l));
    await run_inline(k, async (libc) => {
      const st = libc.malloc(256), fds = libc.malloc(8), pfd = libc.malloc(16), evs = libc.malloc(64);
      await libc.write(libc.open('/tmp/f', libc.O_CREAT | libc.O_WRONLY, 0o755) as number, 'abc');
      libc.stat('/tmp/f', st);
      libc.stat('/dev/null', st);
      libc.stat('/nope', st);
      libc.pipe2(fds, 0);
      const r = libc.peek_u32(fds), w = libc.peek_u32(fds + 4);
      await libc.write(w, 'x');
      libc.poke_u32(pfd, r); libc.poke_u32(pfd + 4, 1); // POLLIN
      libc.poke_u32(pfd + 8, w); libc.poke_u32(pfd + 12, 1 | 4); // POLLIN|POLLOUT
      await libc.poll(pfd, 2, 0);
      const ep = libc.epoll_create1(0) as number;
      libc.epoll_ctl_ev(ep, 1, r, 1 | 0x80000000, 7); // EPOLL_CTL_ADD, EPOLLIN|EPOLLET
      await libc.epoll_wait(ep, evs, 4, 0);
      return 0;
    });
    const text = lines.join('\n');
    const stat = 'newfstatat', at = 'AT_FDCWD, ', flags = ', 0'; // libc's stat is newfstatat on both, as glibc's
    t.regex(text, new RegExp(`^${stat}\\(${at}"/tmp/f", \\{st_mode=S_IFREG\\|0755, st_size=3, \\.\\.\\.\\}${flags}\\) += 0$`, 'm'));
    t.regex(text, new RegExp(`^${stat}\\(${at}"/dev/null", \\{st_mode=S_IFCHR\\|0666, st_rdev=makedev\\(0x1, 0x3\\), \\.\\.\\.\\}${flags}\\) += 0$`, 'm'));
    t.regex(text, new RegExp(`^${stat}\\(${at}"/nope", 0x[0-9a-f]+${flags}\\) += -1 ENOENT`, 'm'));
    t.regex(text, /^pipe2\(\[4, 5\], 0\) += 0$/m);
    t.regex(text, /^epoll_create1\(0\) += 6$/m);
    const poll = arch === 'x86_64' ? 'poll' : 'ppoll', wait = arch === 'x86_64' ? 'epoll_wait' : 'epoll_pwait';
    const ptail = arch === 'x86_64' ? '0' : '0x[0-9a-f]+, NULL, 8', wtail = arch === 'x86_64' ? '0' : '0, NULL, 8';
    t.regex(text, new RegExp(`^${poll}\\(\\[\\{fd=4, events=POLLIN\\}, \\{fd=5, events=POLLIN\\|POLLOUT\\}\\], 2, ${ptail}\\) += 2 \\(\\[\\{fd=4, revents=POLLIN\\}, \\{fd=5, revents=POLLOUT\\}\\]\\)$`, 'm'));
    t.regex(text, new RegExp(`^${wait}\\(6, \\[\\{events=EPOLLIN, data=\\{u32=7, u64=7\\}\\}\\], 4, ${wtail}\\) += 1$`, 'm'));
    t.regex(text, /^epoll_ctl\(6, EPOLL_CTL_ADD, 4, \{events=EPOLLIN\|EPOLLET, data=\{u32=7, u64=7\}\}\) += 0$/m);
  });
}

test('rt_sigaction: the new and the old action decoded as strace prints them', async (t) => {
  const k = boot();
  const lines: string[] = [];
  strace_attach(k, (l) => lines.push(l));
  await run_inline(k, (libc) => {
    const act = libc.malloc(32), old = libc.malloc(32);
    libc.poke_u64(act, 1); libc.poke_u64(act + 8, 0x14000000); libc.poke_u64(act + 16, 0x1000); // SIG_IGN, SA_RESTORER|SA_RESTART
    libc.poke_u32(act + 24, (1 << 1) | (1 << 14)); libc.poke_u32(act + 28, 0); // INT, TERM
    libc.raw(libc.SYS.rt_sigaction, 13, act, 0, 8);
    libc.raw(libc.SYS.rt_sigaction, 13, 0, old, 8);
    return 0;
  });
  const text = lines.join('\n');
  t.regex(text, /^rt_sigaction\(SIGPIPE, \{sa_handler=SIG_IGN, sa_mask=\[INT TERM\], sa_flags=SA_RESTORER\|SA_RESTART, sa_restorer=0x1000\}, NULL, 8\) += 0$/m);
  t.regex(text, /^rt_sigaction\(SIGPIPE, NULL, \{sa_handler=SIG_IGN, sa_mask=\[INT TERM\], sa_flags=SA_RESTORER\|SA_RESTART, sa_restorer=0x1000\}, 8\) += 0$/m);
});
