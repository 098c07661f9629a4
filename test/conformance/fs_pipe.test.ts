/** Conformance: pipes — fds, blocking, O_NONBLOCK, EOF, EPIPE/SIGPIPE, capacity, PIPE_BUF, pipe size, FIONREAD. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';

const cases: ConfCase[] = [
  {
    name: 'pipe_basic',
    c: `int p[2]; R("pipe", pipe(p)); R("r", p[0]); R("w", p[1]); R("write", write(p[1], "hello", 5)); RD("read", read(p[0], buf, 3), buf); RD("rest", read(p[0], buf, 100), buf);
        S("fstat", fstat(p[0], &st)); R("getfl_r", fcntl(p[0], F_GETFL)); R("getfl_w", fcntl(p[1], F_GETFL)); R("read_wend", read(p[1], buf, 1)); R("write_rend", write(p[0], "x", 1));
        R("lseek", lseek(p[0], 0, SEEK_CUR)); R("pread", pread(p[0], buf, 1, 0)); R("pwrite", pwrite(p[1], "x", 1, 0)); R("efault", pipe((int *)8));`,
    run: async (p, l) => {
      await p.r('pipe', l.pipe(p.st));
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      await p.r('r', r);
      await p.r('w', w);
      await p.r('write', l.write(w, 'hello'));
      await p.rd('read', l.read(r, p.buf, 3));
      await p.rd('rest', l.read(r, p.buf, 100));
      await p.s('fstat', l.fstat(r, p.st));
      await p.r('getfl_r', l.fcntl(r, l.F_GETFL));
      await p.r('getfl_w', l.fcntl(w, l.F_GETFL));
      await p.r('read_wend', l.read(w, p.buf, 1));
      await p.r('write_rend', l.write(r, 'x'));
      await p.r('lseek', l.lseek(r, 0, l.SEEK_CUR));
      await p.r('pread', l.pread(r, p.buf, 1, 0));
      await p.r('pwrite', l.pwrite(w, 'x', 1, 0));
      await p.r('efault', l.pipe(8));
    },
  },
  {
    name: 'pipe2_flags_nonblock',
    c: `int p[2]; R("pipe2", pipe2(p, O_NONBLOCK|O_CLOEXEC)); R("getfl", fcntl(p[0], F_GETFL)); R("getfd", fcntl(p[1], F_GETFD)); R("empty_read", read(p[0], buf, 10));
        R("bad_flags", pipe2(p, O_APPEND)); write(p[1], "ab", 2); int n = -1; R("fionread", ioctl(p[0], FIONREAD, &n)); R("n", n); R("tcgets", ioctl(p[0], TCGETS, buf));`,
    run: async (p, l) => {
      await p.r('pipe2', l.pipe2(p.st, l.O_NONBLOCK | l.O_CLOEXEC));
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      await p.r('getfl', l.fcntl(r, l.F_GETFL));
      await p.r('getfd', l.fcntl(w, l.F_GETFD));
      await p.r('empty_read', l.read(r, p.buf, 10));
      await p.r('bad_flags', l.pipe2(p.st + 8, l.O_APPEND));
      await l.write(w, 'ab');
      const n = l.malloc(4);
      l.poke_u32(n, 0xffffffff);
      await p.r('fionread', l.ioctl(r, 0x541b, n));
      await p.r('n', l.peek_i32(n));
      await p.r('tcgets', l.ioctl(r, 0x5401, p.buf));
    },
  },
  {
    name: 'pipe_eof_and_epipe',
    c: `int p[2]; pipe(p); write(p[1], "x", 1); close(p[1]); RD("data", read(p[0], buf, 10), buf); R("eof", read(p[0], buf, 10)); R("eof2", read(p[0], buf, 10));
        int q[2]; pipe(q); close(q[0]); signal(SIGPIPE, SIG_IGN); R("epipe", write(q[1], "x", 1));`,
    run: async (p, l) => {
      await l.pipe(p.st);
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      await l.write(w, 'x');
      await l.close(w);
      await p.rd('data', l.read(r, p.buf, 10));
      await p.r('eof', l.read(r, p.buf, 10));
      await p.r('eof2', l.read(r, p.buf, 10));
      await l.pipe(p.st);
      const qr = l.peek_i32(p.st), qw = l.peek_i32(p.st + 4);
      await l.close(qr);
      await l.signal(l.SIGPIPE, l.SIG_IGN);
      await p.r('epipe', l.write(qw, 'x'));
    },
  },
  {
    name: 'pipe_sigpipe_kills',
    c: `pid_t pid = fork(); if (pid == 0) { int q[2]; pipe(q); close(q[0]); write(q[1], "x", 1); _exit(0); } int s; waitpid(pid, &s, 0);
        R("signaled", WIFSIGNALED(s)); R("sig", WTERMSIG(s));`,
    run: async (p, l) => {
      const pid = await l.fork(async (c) => { const b = c.malloc(8); await c.pipe(b); await c.close(c.peek_i32(b)); await c.write(c.peek_i32(b + 4), 'x'); return 0; });
      const s = l.malloc(4);
      await l.waitpid(pid, s, 0);
      const ws = l.peek_i32(s);
      await p.r('signaled', l.WIFSIGNALED(ws) ? 1 : 0);
      await p.r('sig', l.WTERMSIG(ws));
    },
  },
  {
    name: 'pipe_capacity_and_size',
    c: `int p[2]; pipe2(p, O_NONBLOCK); R("getsz", fcntl(p[0], F_GETPIPE_SZ)); long total = 0, n; static char big[4096]; while ((n = write(p[1], big, 4096)) > 0) total += n; int e = errno; R("last_eagain", n == -1 && e == EAGAIN); R("total", total);
        R("atomic_eagain", write(p[1], big, 1)); read(p[0], big, 100); R("pipebuf_eagain", write(p[1], big, 4096)); int q[2]; pipe2(q, O_NONBLOCK); R("setsz", fcntl(q[1], F_SETPIPE_SZ, 10000));
        R("getsz2", fcntl(q[0], F_GETPIPE_SZ)); total = 0; while ((n = write(q[1], big, 1000)) > 0) total += n; R("total2", total); R("shrink_busy", fcntl(q[0], F_SETPIPE_SZ, 4096));
        R("setsz_file", fcntl(open(".", O_RDONLY), F_GETPIPE_SZ)); R("setsz_zero", fcntl(q[0], F_SETPIPE_SZ, 0) > 0);`,
    run: async (p, l) => {
      await l.pipe2(p.st, l.O_NONBLOCK);
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      await p.r('getsz', l.fcntl(r, l.F_GETPIPE_SZ));
      const big = l.malloc(4096);
      let total = 0, n: number;
      while ((n = await l.write(w, big, 4096)) > 0) total += n;
      await p.r('last_eagain', n === -1 && l.errno === l.EAGAIN ? 1 : 0);
      await p.r('total', total);
      await p.r('atomic_eagain', l.write(w, big, 1));
      await l.read(r, big, 100);
      await p.r('pipebuf_eagain', l.write(w, big, 4096));
      await l.pipe2(p.st, l.O_NONBLOCK);
      const qr = l.peek_i32(p.st), qw = l.peek_i32(p.st + 4);
      await p.r('setsz', l.fcntl(qw, l.F_SETPIPE_SZ, 10000));
      await p.r('getsz2', l.fcntl(qr, l.F_GETPIPE_SZ));
      total = 0;
      while ((n = await l.write(qw, big, 1000)) > 0) total += n;
      await p.r('total2', total);
      await p.r('shrink_busy', l.fcntl(qr, l.F_SETPIPE_SZ, 4096));
      await p.r('setsz_file', l.fcntl(await l.open('.', l.O_RDONLY), l.F_GETPIPE_SZ));
      await p.r('setsz_zero', await l.fcntl(qr, l.F_SETPIPE_SZ, 0) > 0 ? 1 : 0);
    },
  },
  {
    name: 'pipe_blocking_across_fork',
    c: `int p[2]; pipe(p); pid_t pid = fork(); if (pid == 0) { close(p[0]); usleep(20000); write(p[1], "from child", 10); _exit(0); } close(p[1]);
        RD("blocking_read", read(p[0], buf, 100), buf); R("eof_after_exit", read(p[0], buf, 100)); int s; waitpid(pid, &s, 0); R("status", WEXITSTATUS(s));`,
    run: async (p, l) => {
      await l.pipe(p.st);
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      const pid = await l.fork(async (c) => { await c.close(r); await c.usleep(20000); await c.write(w, 'from child'); return 0; });
      await l.close(w);
      await p.rd('blocking_read', l.read(r, p.buf, 100));
      await p.r('eof_after_exit', l.read(r, p.buf, 100));
      const s = l.malloc(4);
      await l.waitpid(pid, s, 0);
      await p.r('status', l.WEXITSTATUS(l.peek_i32(s)));
    },
  },
  {
    name: 'pipe_large_write_blocks_until_read',
    c: `int p[2]; pipe(p); pid_t pid = fork(); static char big[200000]; if (pid == 0) { close(p[0]); memset(big, 'z', sizeof big); long w = write(p[1], big, sizeof big); _exit(w == sizeof big ? 0 : 1); } close(p[1]);
        long total = 0, n; while ((n = read(p[0], big, 65536)) > 0) total += n; R("total", total); int s; waitpid(pid, &s, 0); R("status", WEXITSTATUS(s));`,
    run: async (p, l) => {
      await l.pipe(p.st);
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      const pid = await l.fork(async (c) => { await c.close(r); const b = c.malloc(200000); c.poke(b, new Uint8Array(200000).fill(122)); return (await c.write(w, b, 200000)) === 200000 ? 0 : 1; });
      await l.close(w);
      const big = l.malloc(65536);
      let total = 0, n: number;
      while ((n = await l.read(r, big, 65536)) > 0) total += n;
      await p.r('total', total);
      const s = l.malloc(4);
      await l.waitpid(pid, s, 0);
      await p.r('status', l.WEXITSTATUS(l.peek_i32(s)));
    },
  },
  {
    name: 'sendfile_into_pipe',
    c: `int f = open("f", O_CREAT|O_RDWR, 0644); write(f, "0123456789", 10); lseek(f, 0, SEEK_SET); int p[2]; pipe(p); R("sendfile", sendfile(p[1], f, NULL, 6)); RD("read", read(p[0], buf, 100), buf);`,
    run: async (p, l) => {
      const f = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await l.write(f, '0123456789');
      await l.lseek(f, 0, l.SEEK_SET);
      await l.pipe(p.st);
      await p.r('sendfile', l.sendfile(l.peek_i32(p.st + 4), f, 0, 6));
      await p.rd('read', l.read(l.peek_i32(p.st), p.buf, 100));
    },
  },
  {
    name: 'pipe_poll_states',
    c: `int p[2]; pipe(p); struct pollfd f[2] = {{p[0], POLLIN|POLLOUT, 0}, {p[1], POLLIN|POLLOUT, 0}}; R("empty", poll(f, 2, 0)); R("r_rev", f[0].revents); R("w_rev", f[1].revents);
        write(p[1], "x", 1); R("data", poll(f, 2, 0)); R("r_rev2", f[0].revents); close(p[1]); f[1].fd = -1; R("hup", poll(f, 2, 0)); R("r_rev3", f[0].revents);
        read(p[0], buf, 1); R("hup_empty", poll(f, 1, 0)); R("r_rev4", f[0].revents); int q[2]; pipe(q); close(q[0]); struct pollfd g = {q[1], POLLOUT, 0}; R("noreader", poll(&g, 1, 0)); R("w_err", g.revents);`,
    run: async (p, l) => {
      await l.pipe(p.st);
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      const f = l.malloc(16);
      const set = (i: number, fd: number, ev: number): void => { l.poke_u32(f + i * 8, fd); l.poke_u32(f + i * 8 + 4, ev); };
      const rev = (i: number): number => l.peek_u32(f + i * 8 + 4) >>> 16;
      set(0, r, l.POLLIN | l.POLLOUT);
      set(1, w, l.POLLIN | l.POLLOUT);
      await p.r('empty', l.poll(f, 2, 0));
      await p.r('r_rev', rev(0));
      await p.r('w_rev', rev(1));
      await l.write(w, 'x');
      await p.r('data', l.poll(f, 2, 0));
      await p.r('r_rev2', rev(0));
      await l.close(w);
      l.poke_u32(f + 8, 0xffffffff);
      await p.r('hup', l.poll(f, 2, 0));
      await p.r('r_rev3', rev(0));
      await l.read(r, p.buf, 1);
      await p.r('hup_empty', l.poll(f, 1, 0));
      await p.r('r_rev4', rev(0));
      await l.pipe(p.st);
      const qr = l.peek_i32(p.st), qw = l.peek_i32(p.st + 4);
      await l.close(qr);
      set(0, qw, l.POLLOUT);
      await p.r('noreader', l.poll(f, 1, 0));
      await p.r('w_err', rev(0));
    },
  },
];

conformance(test, 'fs_pipe', cases);
