/** Conformance: shared open file descriptions, directories as files, *at calls with dirfds, more pipe and device paths. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';

const cases: ConfCase[] = [
  {
    name: 'fork_shares_file_offset',
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); write(fd, "abcdefgh", 8); lseek(fd, 0, SEEK_SET); pid_t pid = fork(); if (pid == 0) { read(fd, buf, 3); _exit(0); }
        int s; waitpid(pid, &s, 0); R("parent_pos", lseek(fd, 0, SEEK_CUR)); RD("rest", read(fd, buf, 10), buf);`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await l.write(fd, 'abcdefgh');
      await l.lseek(fd, 0, l.SEEK_SET);
      const pid = await l.fork(async (c) => { await c.read(fd, c.malloc(8), 3); return 0; });
      await l.waitpid(pid, 0, 0);
      await p.r('parent_pos', l.lseek(fd, 0, l.SEEK_CUR));
      await p.rd('rest', l.read(fd, p.buf, 10));
    },
  },
  {
    name: 'dup_shares_status_flags',
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); int d = dup(fd); R("setfl_dup", fcntl(d, F_SETFL, O_APPEND)); R("orig_has_append", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
        R("setfd_dup", fcntl(d, F_SETFD, FD_CLOEXEC)); R("orig_fd_flags", fcntl(fd, F_GETFD)); int o = open("f", O_RDWR); R("separate_open", (fcntl(o, F_GETFL) & O_APPEND) != 0);`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      const d = await l.dup(fd);
      await p.r('setfl_dup', l.fcntl(d, l.F_SETFL, l.O_APPEND));
      await p.r('orig_has_append', await l.fcntl(fd, l.F_GETFL) & l.O_APPEND ? 1 : 0);
      await p.r('setfd_dup', l.fcntl(d, l.F_SETFD, l.FD_CLOEXEC));
      await p.r('orig_fd_flags', l.fcntl(fd, l.F_GETFD));
      const o = await l.open('f', l.O_RDWR);
      await p.r('separate_open', await l.fcntl(o, l.F_GETFL) & l.O_APPEND ? 1 : 0);
    },
  },
  {
    name: 'getdents_rewind_and_new_entries',
    c: `mkdir("d", 0755); close(open("d/a", O_CREAT|O_WRONLY, 0644)); int fd = open("d", O_RDONLY|O_DIRECTORY); long n1 = syscall(SYS_getdents64, fd, buf, 4096); R("first_nonzero", n1 > 0);
        R("then_eof", syscall(SYS_getdents64, fd, buf, 4096)); R("rewind", lseek(fd, 0, SEEK_SET)); R("again_same", syscall(SYS_getdents64, fd, buf, 4096) == n1); LS("ls", "d");
        unlink("d/a"); close(open("d/b", O_CREAT|O_WRONLY, 0644)); LS("ls2", "d");`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755);
      await l.close(await l.open('d/a', l.O_CREAT | l.O_WRONLY, 0o644));
      const fd = await l.open('d', l.O_RDONLY | l.O_DIRECTORY);
      const n1 = await l.getdents64(fd, p.buf, 4096);
      await p.r('first_nonzero', n1 > 0 ? 1 : 0);
      await p.r('then_eof', l.getdents64(fd, p.buf, 4096));
      await p.r('rewind', l.lseek(fd, 0, l.SEEK_SET));
      await p.r('again_same', (await l.getdents64(fd, p.buf, 4096)) === n1 ? 1 : 0);
      await p.ls('ls', 'd');
      await l.unlink('d/a');
      await l.close(await l.open('d/b', l.O_CREAT | l.O_WRONLY, 0o644));
      await p.ls('ls2', 'd');
    },
  },
  {
    name: 'at_calls_with_dirfd',
    c: `mkdir("d", 0755); int d = open("d", O_RDONLY|O_DIRECTORY); R("mkdirat", mkdirat(d, "sub", 0700)); R("symlinkat", symlinkat("sub", d, "ln")); close(openat(d, "file", O_CREAT|O_WRONLY, 0640));
        R("linkat", linkat(d, "file", d, "file2", 0)); S("fstatat", fstatat(d, "file2", &st, 0)); R("faccessat", faccessat(d, "file", R_OK, 0)); R("fchmodat", fchmodat(d, "file", 0600, 0));
        S("after_chmod", fstatat(d, "file2", &st, 0)); R("renameat", renameat(d, "file2", d, "sub/moved")); R("unlinkat", unlinkat(d, "sub/moved", 0)); R("unlinkat_dir", unlinkat(d, "sub", AT_REMOVEDIR));
        R("readlinkat_gone", readlinkat(d, "ln", buf, 100)); LS("ls", "d"); R("badfd", mkdirat(42, "x", 0755)); R("file_dirfd", mkdirat(open("d/file", O_RDONLY), "x", 0755));`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755);
      const d = await l.open('d', l.O_RDONLY | l.O_DIRECTORY);
      await p.r('mkdirat', l.mkdirat(d, 'sub', 0o700));
      await p.r('symlinkat', l.symlinkat('sub', d, 'ln'));
      await l.close(await l.openat(d, 'file', l.O_CREAT | l.O_WRONLY, 0o640));
      await p.r('linkat', l.linkat(d, 'file', d, 'file2', 0));
      await p.s('fstatat', l.fstatat(d, 'file2', p.st, 0));
      await p.r('faccessat', l.faccessat(d, 'file', 4, 0));
      await p.r('fchmodat', l.fchmodat(d, 'file', 0o600, 0));
      await p.s('after_chmod', l.fstatat(d, 'file2', p.st, 0));
      await p.r('renameat', l.renameat(d, 'file2', d, 'sub/moved'));
      await p.r('unlinkat', l.unlinkat(d, 'sub/moved', 0));
      await p.r('unlinkat_dir', l.unlinkat(d, 'sub', l.AT_REMOVEDIR));
      await p.r('readlinkat_gone', l.readlinkat(d, 'ln', p.buf, 100));
      await p.ls('ls', 'd');
      await p.r('badfd', l.mkdirat(42, 'x', 0o755));
      await p.r('file_dirfd', l.mkdirat(await l.open('d/file', l.O_RDONLY), 'x', 0o755));
    },
  },
  {
    name: 'nonroot_dir_permissions',
    c: `mkdir("ro", 0755); mkdir("nox", 0766); close(open("nox/f", O_CREAT|O_WRONLY, 0644)); chmod(".", 0777); setuid(1000);
        R("create_in_ro", open("ro/x", O_CREAT|O_WRONLY, 0644)); R("mkdir_in_ro", mkdir("ro/d", 0755)); R("stat_through_nox", stat("nox/f", &st)); R("list_nox", open("nox", O_RDONLY) >= 0);
        R("chdir_nox", chdir("nox")); R("rmdir_ro", rmdir("ro")); R("rename_ro", rename("ro", "ro2"));`,
    run: async (p, l) => {
      await l.mkdir('ro', 0o755);
      await l.mkdir('nox', 0o766);
      await l.close(await l.open('nox/f', l.O_CREAT | l.O_WRONLY, 0o644));
      await l.chmod('.', 0o777);
      await l.setuid(1000);
      await p.r('create_in_ro', l.open('ro/x', l.O_CREAT | l.O_WRONLY, 0o644));
      await p.r('mkdir_in_ro', l.mkdir('ro/d', 0o755));
      await p.r('stat_through_nox', l.stat('nox/f', p.st));
      await p.r('list_nox', await l.open('nox', l.O_RDONLY) >= 0 ? 1 : 0);
      await p.r('chdir_nox', l.chdir('nox'));
      await p.r('rmdir_ro', l.rmdir('ro'));
      await p.r('rename_ro', l.rename('ro', 'ro2'));
    },
  },
  {
    name: 'pipe_vectored_and_nonblock_epipe',
    c: `int p[2]; pipe2(p, O_NONBLOCK); struct iovec v[2] = {{"ab", 2}, {"cde", 3}}; R("writev", writev(p[1], v, 2)); char a[1], b[10]; struct iovec r[2] = {{a, 1}, {b, 10}}; R("readv", readv(p[0], r, 2)); RD("b", 4, b);
        R("readv_empty", readv(p[0], r, 2)); close(p[0]); signal(SIGPIPE, SIG_IGN); R("write_noreader", write(p[1], "x", 1)); R("writev_noreader", writev(p[1], v, 2));`,
    run: async (p, l) => {
      await l.pipe2(p.st, l.O_NONBLOCK);
      const r0 = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      const s = l.malloc(16);
      l.poke(s, 'abcde');
      const v = l.iovec(l.malloc(32), [[s, 2], [s + 2, 3]]);
      await p.r('writev', l.writev(w, v, 2));
      const a = l.malloc(1), b = l.malloc(10);
      const r = l.iovec(l.malloc(32), [[a, 1], [b, 10]]);
      await p.r('readv', l.readv(r0, r, 2));
      await p.rd('b', 4, b);
      await p.r('readv_empty', l.readv(r0, r, 2));
      await l.close(r0);
      await l.signal(l.SIGPIPE, l.SIG_IGN);
      await p.r('write_noreader', l.write(w, 'x'));
      await p.r('writev_noreader', l.writev(w, v, 2));
    },
  },
  {
    name: 'dev_reads_counts',
    c: `int z = open("/dev/zero", O_RDONLY); static char big[100000]; memset(big, 1, sizeof big); R("zero_big", read(z, big, sizeof big)); long sum = 0; for (int i = 0; i < 100000; i++) sum += big[i]; R("sum", sum);
        R("urandom_big", read(open("/dev/urandom", O_RDONLY), big, 70000)); R("random_1", read(open("/dev/random", O_RDONLY), big, 1)); R("null_seek_end", lseek(open("/dev/null", O_RDONLY), 0, SEEK_END));
        R("zero_pread", pread(z, big, 10, 1000)); R("full_pwrite", pwrite(open("/dev/full", O_WRONLY), "x", 1, 0));`,
    run: async (p, l) => {
      const z = await l.open('/dev/zero', l.O_RDONLY);
      const big = l.malloc(100000);
      l.poke(big, new Uint8Array(100000).fill(1));
      await p.r('zero_big', l.read(z, big, 100000));
      await p.r('sum', l.peek(big, 100000).reduce((a, c) => a + c, 0));
      await p.r('urandom_big', l.read(await l.open('/dev/urandom', l.O_RDONLY), big, 70000));
      await p.r('random_1', l.read(await l.open('/dev/random', l.O_RDONLY), big, 1));
      await p.r('null_seek_end', l.lseek(await l.open('/dev/null', l.O_RDONLY), 0, l.SEEK_END));
      await p.r('zero_pread', l.pread(z, big, 10, 1000));
      await p.r('full_pwrite', l.pwrite(await l.open('/dev/full', l.O_WRONLY), 'x', 1, 0));
    },
  },
  {
    name: 'dir_nlink_accounting',
    c: `mkdir("p", 0755); S("p0", stat("p", &st)); mkdir("p/a", 0755); mkdir("p/b", 0755); close(open("p/f", O_CREAT|O_WRONLY, 0644)); S("p2", stat("p", &st)); rmdir("p/a"); S("p1", stat("p", &st));
        rename("p/b", "q"); S("p_after_move", stat("p", &st)); S("cwd_after_move", stat(".", &st)); S("q", stat("q", &st));`,
    run: async (p, l) => {
      await l.mkdir('p', 0o755);
      await p.s('p0', l.stat('p', p.st));
      await l.mkdir('p/a', 0o755);
      await l.mkdir('p/b', 0o755);
      await l.close(await l.open('p/f', l.O_CREAT | l.O_WRONLY, 0o644));
      await p.s('p2', l.stat('p', p.st));
      await l.rmdir('p/a');
      await p.s('p1', l.stat('p', p.st));
      await l.rename('p/b', 'q');
      await p.s('p_after_move', l.stat('p', p.st));
      await p.s('cwd_after_move', l.stat('.', p.st));
      await p.s('q', l.stat('q', p.st));
    },
  },
  {
    name: 'symlink_edge_paths',
    c: `close(open("f", O_CREAT|O_WRONLY, 0644)); symlink("f", "lf"); symlink("d/", "ld"); mkdir("d", 0755); R("file_link_slash", stat("lf/", &st)); S("dir_link", stat("ld", &st));
        R("mkdir_through_dangling", mkdir("dang", 0755) == 0 && symlink("nowhere/x", "dl") == 0); R("open_dangling_dir", open("dl", O_RDONLY)); R("creat_through_to_missing_dir", open("dl", O_CREAT|O_WRONLY, 0644));
        symlink("/dev/null", "abs"); S("abs", stat("abs", &st)); R("unlink_link_keeps_target", unlink("lf") == 0 && stat("f", &st) == 0);`,
    run: async (p, l) => {
      await l.close(await l.open('f', l.O_CREAT | l.O_WRONLY, 0o644));
      await l.symlink('f', 'lf');
      await l.symlink('d/', 'ld');
      await l.mkdir('d', 0o755);
      await p.r('file_link_slash', l.stat('lf/', p.st));
      await p.s('dir_link', l.stat('ld', p.st));
      await p.r('mkdir_through_dangling', (await l.mkdir('dang', 0o755)) === 0 && (await l.symlink('nowhere/x', 'dl')) === 0 ? 1 : 0);
      await p.r('open_dangling_dir', l.open('dl', l.O_RDONLY));
      await p.r('creat_through_to_missing_dir', l.open('dl', l.O_CREAT | l.O_WRONLY, 0o644));
      await l.symlink('/dev/null', 'abs');
      await p.s('abs', l.stat('abs', p.st));
      await p.r('unlink_link_keeps_target', (await l.unlink('lf')) === 0 && (await l.stat('f', p.st)) === 0 ? 1 : 0);
    },
  },
  {
    name: 'large_file_io',
    c: `int fd = open("big", O_CREAT|O_RDWR, 0644); static char b[300000]; for (int i = 0; i < 300000; i++) b[i] = i % 251; R("write", write(fd, b, sizeof b)); S("st", fstat(fd, &st));
        memset(b, 0, sizeof b); R("pread", pread(fd, b, sizeof b, 0)); long bad = 0; for (int i = 0; i < 300000; i++) if ((unsigned char)b[i] != i % 251) bad++; R("mismatches", bad);
        R("pread_tail", pread(fd, b, 1000, 299500)); R("seek_far", lseek(fd, 1L << 33, SEEK_SET)); R("write_far", write(fd, "E", 1)); S("sparse", fstat(fd, &st));`,
    run: async (p, l) => {
      const fd = await l.open('big', l.O_CREAT | l.O_RDWR, 0o644);
      const b = l.malloc(300000);
      const data = new Uint8Array(300000).map((_, i) => i % 251);
      l.poke(b, data);
      await p.r('write', l.write(fd, b, 300000));
      await p.s('st', l.fstat(fd, p.st));
      l.poke(b, new Uint8Array(300000));
      await p.r('pread', l.pread(fd, b, 300000, 0));
      const got = l.peek(b, 300000);
      let bad = 0;
      for (let i = 0; i < 300000; i++) if (got[i] !== i % 251) bad++;
      await p.r('mismatches', bad);
      await p.r('pread_tail', l.pread(fd, b, 1000, 299500));
      await p.r('seek_far', l.lseek(fd, 2 ** 33, l.SEEK_SET));
      await p.r('write_far', l.write(fd, 'E'));
      await p.s('sparse', l.fstat(fd, p.st));
    },
    differs: {
      why: 'tmpfs on memfs stores a file in one contiguous buffer: a write at 8 GiB would allocate 8 GiB, so privos refuses files above 1 GiB with EFBIG (Linux tmpfs stores sparse pages)',
      privos: ['write: 300000', 'st: mode=100644 size=300000 nlink=1', 'pread: 300000', 'mismatches: 0', 'pread_tail: 500', 'seek_far: 8589934592', 'write_far: -1 EFBIG', 'sparse: mode=100644 size=300000 nlink=1'],
    },
  },
  {
    name: 'sendfile_devices',
    c: `int z = open("/dev/zero", O_RDONLY), n = open("/dev/null", O_WRONLY), f = open("f", O_CREAT|O_RDWR, 0644); write(f, "abcdef", 6); lseek(f, 0, SEEK_SET);
        R("zero_to_file", sendfile(f, z, NULL, 10)); S("f", fstat(f, &st)); lseek(f, 0, SEEK_SET); R("file_to_null", sendfile(n, f, NULL, 100)); R("file_pos", lseek(f, 0, SEEK_CUR));
        R("full_out", sendfile(open("/dev/full", O_WRONLY), z, NULL, 5)); R("dir_in", sendfile(n, open(".", O_RDONLY), NULL, 5));`,
    run: async (p, l) => {
      const z = await l.open('/dev/zero', l.O_RDONLY), n = await l.open('/dev/null', l.O_WRONLY), f = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await l.write(f, 'abcdef');
      await l.lseek(f, 0, l.SEEK_SET);
      await p.r('zero_to_file', l.sendfile(f, z, 0, 10));
      await p.s('f', l.fstat(f, p.st));
      await l.lseek(f, 0, l.SEEK_SET);
      await p.r('file_to_null', l.sendfile(n, f, 0, 100));
      await p.r('file_pos', l.lseek(f, 0, l.SEEK_CUR));
      await p.r('full_out', l.sendfile(await l.open('/dev/full', l.O_WRONLY), z, 0, 5));
      await p.r('dir_in', l.sendfile(n, await l.open('.', l.O_RDONLY), 0, 5));
    },
  },
];

conformance(test, 'fs_misc', cases);
