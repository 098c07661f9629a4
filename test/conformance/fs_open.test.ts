/** Conformance: open(2) and friends — flags, errors, fd numbers, permissions. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';

const cases: ConfCase[] = [
  {
    name: 'open_enoent',
    c: `R("open", open("missing", O_RDONLY)); R("open_sub", open("no/such/file", O_RDONLY)); R("open_empty", open("", O_RDONLY));`,
    run: async (p, l) => { await p.r('open', l.open('missing', l.O_RDONLY)); await p.r('open_sub', l.open('no/such/file', l.O_RDONLY)); await p.r('open_empty', l.open('', l.O_RDONLY)); },
  },
  {
    name: 'open_creat_excl',
    c: `R("creat", open("f", O_CREAT|O_WRONLY|O_EXCL, 0644)); R("excl", open("f", O_CREAT|O_WRONLY|O_EXCL, 0644)); R("plain", open("f", O_CREAT|O_WRONLY, 0600)); S("st", stat("f", &st));`,
    run: async (p, l) => {
      await p.r('creat', l.open('f', l.O_CREAT | l.O_WRONLY | l.O_EXCL, 0o644));
      await p.r('excl', l.open('f', l.O_CREAT | l.O_WRONLY | l.O_EXCL, 0o644));
      await p.r('plain', l.open('f', l.O_CREAT | l.O_WRONLY, 0o600));
      await p.s('st', l.stat('f', p.st));
    },
  },
  {
    name: 'open_access_mode_ebadf',
    c: `int fd = open("f", O_CREAT|O_RDONLY, 0644); R("write_rdonly", write(fd, "x", 1)); close(fd);
        fd = open("f", O_WRONLY); R("read_wronly", read(fd, buf, 1)); R("write_wronly", write(fd, "ab", 2)); close(fd);
        fd = open("f", O_RDWR); RD("read_rdwr", read(fd, buf, 10), buf);`,
    run: async (p, l) => {
      let fd = await l.open('f', l.O_CREAT | l.O_RDONLY, 0o644);
      await p.r('write_rdonly', l.write(fd, 'x'));
      await l.close(fd);
      fd = await l.open('f', l.O_WRONLY);
      await p.r('read_wronly', l.read(fd, p.buf, 1));
      await p.r('write_wronly', l.write(fd, 'ab'));
      await l.close(fd);
      fd = await l.open('f', l.O_RDWR);
      await p.rd('read_rdwr', l.read(fd, p.buf, 10));
    },
  },
  {
    name: 'open_append',
    c: `int fd = open("f", O_CREAT|O_WRONLY, 0644); write(fd, "hello", 5); close(fd);
        fd = open("f", O_WRONLY|O_APPEND); R("lseek0", lseek(fd, 0, SEEK_SET)); R("write", write(fd, "XY", 2)); R("pos", lseek(fd, 0, SEEK_CUR)); close(fd);
        fd = open("f", O_RDONLY); RD("read", read(fd, buf, 100), buf);`,
    run: async (p, l) => {
      let fd = await l.open('f', l.O_CREAT | l.O_WRONLY, 0o644);
      await l.write(fd, 'hello');
      await l.close(fd);
      fd = await l.open('f', l.O_WRONLY | l.O_APPEND);
      await p.r('lseek0', l.lseek(fd, 0, l.SEEK_SET));
      await p.r('write', l.write(fd, 'XY'));
      await p.r('pos', l.lseek(fd, 0, l.SEEK_CUR));
      await l.close(fd);
      fd = await l.open('f', l.O_RDONLY);
      await p.rd('read', l.read(fd, p.buf, 100));
    },
  },
  {
    name: 'open_trunc',
    c: `int fd = open("f", O_CREAT|O_WRONLY, 0644); write(fd, "hello", 5); close(fd);
        S("before", stat("f", &st)); R("trunc_rdonly", open("f", O_RDONLY|O_TRUNC)); S("after", stat("f", &st));`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_WRONLY, 0o644);
      await l.write(fd, 'hello');
      await l.close(fd);
      await p.s('before', l.stat('f', p.st));
      await p.r('trunc_rdonly', l.open('f', l.O_RDONLY | l.O_TRUNC));
      await p.s('after', l.stat('f', p.st));
    },
  },
  {
    name: 'open_directory_flags',
    c: `close(open("f", O_CREAT|O_WRONLY, 0644)); mkdir("d", 0755);
        R("dir_on_file", open("f", O_RDONLY|O_DIRECTORY)); R("dir_on_dir", open("d", O_RDONLY|O_DIRECTORY));
        R("dir_wronly", open("d", O_WRONLY)); R("dir_rdwr", open("d", O_RDWR)); R("creat_dir", open("d", O_CREAT|O_RDONLY, 0644));
        R("creat_directory", open("n", O_CREAT|O_DIRECTORY|O_RDONLY, 0644)); R("trailing_creat", open("new/", O_CREAT|O_WRONLY, 0644));
        R("trailing_file", open("f/", O_RDONLY));`,
    run: async (p, l) => {
      await l.close(await l.open('f', l.O_CREAT | l.O_WRONLY, 0o644));
      await l.mkdir('d', 0o755);
      await p.r('dir_on_file', l.open('f', l.O_RDONLY | l.O_DIRECTORY));
      await p.r('dir_on_dir', l.open('d', l.O_RDONLY | l.O_DIRECTORY));
      await p.r('dir_wronly', l.open('d', l.O_WRONLY));
      await p.r('dir_rdwr', l.open('d', l.O_RDWR));
      await p.r('creat_dir', l.open('d', l.O_CREAT | l.O_RDONLY, 0o644));
      await p.r('creat_directory', l.open('n', l.O_CREAT | l.O_DIRECTORY | l.O_RDONLY, 0o644));
      await p.r('trailing_creat', l.open('new/', l.O_CREAT | l.O_WRONLY, 0o644));
      await p.r('trailing_file', l.open('f/', l.O_RDONLY));
    },
  },
  {
    name: 'open_nofollow',
    c: `close(open("t", O_CREAT|O_WRONLY, 0644)); symlink("t", "l");
        R("nofollow", open("l", O_RDONLY|O_NOFOLLOW)); R("follow", open("l", O_RDONLY));
        int fd = open("l", O_PATH|O_NOFOLLOW); R("path_nofollow", fd); S("fstat_link", fstat(fd, &st));
        R("excl_link", open("l", O_CREAT|O_EXCL|O_WRONLY, 0644));`,
    run: async (p, l) => {
      await l.close(await l.open('t', l.O_CREAT | l.O_WRONLY, 0o644));
      await l.symlink('t', 'l');
      await p.r('nofollow', l.open('l', l.O_RDONLY | l.O_NOFOLLOW));
      await p.r('follow', l.open('l', l.O_RDONLY));
      const fd = await p.r('path_nofollow', l.open('l', l.O_PATH | l.O_NOFOLLOW));
      await p.s('fstat_link', l.fstat(fd, p.st));
      await p.r('excl_link', l.open('l', l.O_CREAT | l.O_EXCL | l.O_WRONLY, 0o644));
    },
  },
  {
    name: 'open_cloexec',
    c: `int a = open(".", O_RDONLY); int b = open(".", O_RDONLY|O_CLOEXEC);
        R("a", a); R("b", b); R("getfd_a", fcntl(a, F_GETFD)); R("getfd_b", fcntl(b, F_GETFD)); R("getfl_b", fcntl(b, F_GETFL) & O_CLOEXEC);`,
    run: async (p, l) => {
      const a = await l.open('.', l.O_RDONLY), b = await l.open('.', l.O_RDONLY | l.O_CLOEXEC);
      await p.r('a', a);
      await p.r('b', b);
      await p.r('getfd_a', l.fcntl(a, l.F_GETFD));
      await p.r('getfd_b', l.fcntl(b, l.F_GETFD));
      await p.r('getfl_b', await l.fcntl(b, l.F_GETFL) & l.O_CLOEXEC);
    },
  },
  {
    name: 'open_path_io',
    c: `int f = open("f", O_CREAT|O_WRONLY, 0644); write(f, "abc", 3); close(f);
        int fd = open("f", O_PATH); R("fd", fd); R("read", read(fd, buf, 1)); R("write", write(fd, "x", 1)); S("fstat", fstat(fd, &st));
        R("getfl", fcntl(fd, F_GETFL)); R("ioctl", ioctl(fd, FIONREAD, buf)); R("lseek", lseek(fd, 0, SEEK_SET)); R("fsync", fsync(fd));
        R("fchmod", fchmod(fd, 0600)); R("ftruncate", ftruncate(fd, 0)); R("dup", dup(fd)); R("close", close(fd));`,
    run: async (p, l) => {
      const f = await l.open('f', l.O_CREAT | l.O_WRONLY, 0o644);
      await l.write(f, 'abc');
      await l.close(f);
      const fd = await p.r('fd', l.open('f', l.O_PATH));
      await p.r('read', l.read(fd, p.buf, 1));
      await p.r('write', l.write(fd, 'x'));
      await p.s('fstat', l.fstat(fd, p.st));
      await p.r('getfl', l.fcntl(fd, l.F_GETFL));
      await p.r('ioctl', l.ioctl(fd, 0x541b, p.buf));
      await p.r('lseek', l.lseek(fd, 0, l.SEEK_SET));
      await p.r('fsync', l.fsync(fd));
      await p.r('fchmod', l.fchmod(fd, 0o600));
      await p.r('ftruncate', l.ftruncate(fd, 0));
      await p.r('dup', l.dup(fd));
      await p.r('close', l.close(fd));
    },
  },
  {
    name: 'open_lowest_fd',
    c: `int a = open(".", O_RDONLY), b = open(".", O_RDONLY), c = open(".", O_RDONLY); R("a", a); R("b", b); R("c", c);
        close(b); R("reuse", open(".", O_RDONLY)); close(a); close(c); R("next", open(".", O_RDONLY)); R("next2", open(".", O_RDONLY));`,
    run: async (p, l) => {
      const a = await l.open('.', l.O_RDONLY), b = await l.open('.', l.O_RDONLY), c = await l.open('.', l.O_RDONLY);
      await p.r('a', a);
      await p.r('b', b);
      await p.r('c', c);
      await l.close(b);
      await p.r('reuse', l.open('.', l.O_RDONLY));
      await l.close(a);
      await l.close(c);
      await p.r('next', l.open('.', l.O_RDONLY));
      await p.r('next2', l.open('.', l.O_RDONLY));
    },
  },
  {
    name: 'open_nametoolong',
    c: `char n[300]; memset(n, 'a', 256); n[256] = 0; R("name256", open(n, O_CREAT|O_WRONLY, 0644)); n[255] = 0; R("name255", open(n, O_CREAT|O_WRONLY, 0644));
        static char pth[5000]; for (int i = 0; i < 4200; i += 2) { pth[i] = '.'; pth[i+1] = '/'; } pth[4200] = 0; R("path4200", open(pth, O_RDONLY));
        pth[4094] = 0; R("path4094", open(pth, O_RDONLY));`,
    run: async (p, l) => {
      await p.r('name256', l.open('a'.repeat(256), l.O_CREAT | l.O_WRONLY, 0o644));
      await p.r('name255', l.open('a'.repeat(255), l.O_CREAT | l.O_WRONLY, 0o644));
      await p.r('path4200', l.open('./'.repeat(2100), l.O_RDONLY));
      await p.r('path4094', l.open('./'.repeat(2047), l.O_RDONLY));
    },
  },
  {
    name: 'open_symlink_loops',
    c: `symlink("self", "self"); symlink("b", "a"); symlink("a", "b"); R("self", open("self", O_RDONLY)); R("ab", open("a", O_RDONLY));
        R("stat_loop", stat("a", &(struct stat){0})); S("lstat_loop", lstat("a", &st));
        mkdir("d", 0755); char nm[16], prev[16]; strcpy(prev, "d"); for (int i = 0; i < 41; i++) { sprintf(nm, "l%d", i); symlink(prev, nm); strcpy(prev, nm); }
        R("chain40", open("l39", O_RDONLY|O_DIRECTORY) >= 0); R("chain41", open("l40", O_RDONLY|O_DIRECTORY));`,
    run: async (p, l) => {
      await l.symlink('self', 'self');
      await l.symlink('b', 'a');
      await l.symlink('a', 'b');
      await p.r('self', l.open('self', l.O_RDONLY));
      await p.r('ab', l.open('a', l.O_RDONLY));
      await p.r('stat_loop', l.stat('a', p.st));
      await p.s('lstat_loop', l.lstat('a', p.st));
      await l.mkdir('d', 0o755);
      let prev = 'd';
      for (let i = 0; i < 41; i++) { await l.symlink(prev, `l${i}`); prev = `l${i}`; }
      await p.r('chain40', await l.open('l39', l.O_RDONLY | l.O_DIRECTORY) >= 0 ? 1 : 0);
      await p.r('chain41', l.open('l40', l.O_RDONLY | l.O_DIRECTORY));
    },
  },
  {
    name: 'open_permissions_nonroot',
    c: `close(open("secret", O_CREAT|O_WRONLY, 0600)); close(open("pub", O_CREAT|O_WRONLY, 0644)); mkdir("locked", 0700); close(open("locked/x", O_CREAT|O_WRONLY, 0666));
        chmod(".", 0777); setgid(1000); setuid(1000);
        R("secret_r", open("secret", O_RDONLY)); R("pub_r", open("pub", O_RDONLY)); R("pub_w", open("pub", O_WRONLY)); R("locked_x", open("locked/x", O_RDONLY));
        R("create_ok", open("mine", O_CREAT|O_WRONLY, 0600)); S("mine", stat("mine", &st));`,
    run: async (p, l) => {
      await l.close(await l.open('secret', l.O_CREAT | l.O_WRONLY, 0o600));
      await l.close(await l.open('pub', l.O_CREAT | l.O_WRONLY, 0o644));
      await l.mkdir('locked', 0o700);
      await l.close(await l.open('locked/x', l.O_CREAT | l.O_WRONLY, 0o666));
      await l.chmod('.', 0o777);
      await l.setgid(1000);
      await l.setuid(1000);
      await p.r('secret_r', l.open('secret', l.O_RDONLY));
      await p.r('pub_r', l.open('pub', l.O_RDONLY));
      await p.r('pub_w', l.open('pub', l.O_WRONLY));
      await p.r('locked_x', l.open('locked/x', l.O_RDONLY));
      await p.r('create_ok', l.open('mine', l.O_CREAT | l.O_WRONLY, 0o600));
      await p.s('mine', l.stat('mine', p.st));
    },
  },
  {
    name: 'root_dac_override',
    c: `int fd = open("ro", O_CREAT|O_WRONLY, 0444); close(fd); fd = open("ro", O_WRONLY); R("open_w", fd); R("write", write(fd, "root", 4)); close(fd);
        S("st", stat("ro", &st)); R("access_w", access("ro", W_OK)); R("access_x", access("ro", X_OK));`,
    run: async (p, l) => {
      let fd = await l.open('ro', l.O_CREAT | l.O_WRONLY, 0o444);
      await l.close(fd);
      fd = await p.r('open_w', l.open('ro', l.O_WRONLY));
      await p.r('write', l.write(fd, 'root'));
      await l.close(fd);
      await p.s('st', l.stat('ro', p.st));
      await p.r('access_w', l.access('ro', 2));
      await p.r('access_x', l.access('ro', 1));
    },
  },
  {
    name: 'openat_dirfd',
    c: `mkdir("d", 0755); close(open("f", O_CREAT|O_WRONLY, 0644)); int d = open("d", O_RDONLY|O_DIRECTORY); int f = open("f", O_RDONLY);
        R("at_create", openat(d, "x", O_CREAT|O_WRONLY, 0644)); S("at_stat", stat("d/x", &st)); R("at_notdir", openat(f, "x", O_RDONLY));
        R("at_badfd", openat(99, "x", O_RDONLY)); R("at_abs_ignores_fd", openat(99, "/", O_RDONLY) >= 0); R("at_fdcwd", openat(AT_FDCWD, "f", O_RDONLY));
        int pd = open("d", O_PATH); R("at_opath_dir", openat(pd, "x", O_RDONLY));`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755);
      await l.close(await l.open('f', l.O_CREAT | l.O_WRONLY, 0o644));
      const d = await l.open('d', l.O_RDONLY | l.O_DIRECTORY), f = await l.open('f', l.O_RDONLY);
      await p.r('at_create', l.openat(d, 'x', l.O_CREAT | l.O_WRONLY, 0o644));
      await p.s('at_stat', l.stat('d/x', p.st));
      await p.r('at_notdir', l.openat(f, 'x', l.O_RDONLY));
      await p.r('at_badfd', l.openat(99, 'x', l.O_RDONLY));
      await p.r('at_abs_ignores_fd', await l.openat(99, '/', l.O_RDONLY) >= 0 ? 1 : 0);
      await p.r('at_fdcwd', l.openat(l.AT_FDCWD, 'f', l.O_RDONLY));
      const pd = await l.open('d', l.O_PATH);
      await p.r('at_opath_dir', l.openat(pd, 'x', l.O_RDONLY));
    },
  },
  {
    name: 'openat2_resolve',
    c: `struct open_how h; memset(&h, 0, sizeof h); mkdir("d", 0755); close(open("d/f", O_CREAT|O_WRONLY, 0644)); symlink("f", "d/l");
        int d = open("d", O_RDONLY); h.flags = O_RDONLY;
        R("basic", syscall(SYS_openat2, d, "f", &h, sizeof h)); R("small", syscall(SYS_openat2, d, "f", &h, 16));
        h.resolve = RESOLVE_BENEATH; R("beneath_abs", syscall(SYS_openat2, d, "/", &h, sizeof h)); R("beneath_dotdot", syscall(SYS_openat2, d, "../d/f", &h, sizeof h));
        R("beneath_ok", syscall(SYS_openat2, d, "f", &h, sizeof h)); h.resolve = RESOLVE_NO_SYMLINKS; R("no_symlinks", syscall(SYS_openat2, d, "l", &h, sizeof h));
        h.resolve = 0x40; R("bad_resolve", syscall(SYS_openat2, d, "f", &h, sizeof h)); h.resolve = 0; h.mode = 0644; R("mode_no_creat", syscall(SYS_openat2, d, "f", &h, sizeof h));
        h.mode = 0; h.flags = 1ULL << 40; R("bad_flags", syscall(SYS_openat2, d, "f", &h, sizeof h));`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755);
      await l.close(await l.open('d/f', l.O_CREAT | l.O_WRONLY, 0o644));
      await l.symlink('f', 'd/l');
      const d = await l.open('d', l.O_RDONLY);
      const h = l.malloc(64);
      const set = (fl: number, mode: number, res: number): void => { l.poke_u64(h, fl); l.poke_u64(h + 8, mode); l.poke_u64(h + 16, res); };
      set(l.O_RDONLY, 0, 0);
      await p.r('basic', l.openat2(d, 'f', h, 24));
      await p.r('small', l.openat2(d, 'f', h, 16));
      set(l.O_RDONLY, 0, 8);
      await p.r('beneath_abs', l.openat2(d, '/', h, 24));
      await p.r('beneath_dotdot', l.openat2(d, '../d/f', h, 24));
      await p.r('beneath_ok', l.openat2(d, 'f', h, 24));
      set(l.O_RDONLY, 0, 4);
      await p.r('no_symlinks', l.openat2(d, 'l', h, 24));
      set(l.O_RDONLY, 0, 0x40);
      await p.r('bad_resolve', l.openat2(d, 'f', h, 24));
      set(l.O_RDONLY, 0o644, 0);
      await p.r('mode_no_creat', l.openat2(d, 'f', h, 24));
      set(2 ** 40, 0, 0);
      await p.r('bad_flags', l.openat2(d, 'f', h, 24));
    },
  },
  {
    name: 'open_tmpfile',
    c: `int fd = open(".", O_TMPFILE|O_RDWR, 0600); R("fd", fd); R("write", write(fd, "tmp", 3)); S("fstat", fstat(fd, &st));
        LS("ls", "."); R("link", linkat(fd, "", AT_FDCWD, "named", AT_EMPTY_PATH)); S("named", stat("named", &st)); R("rdonly", open(".", O_TMPFILE|O_RDONLY, 0600));`,
    run: async (p, l) => {
      const fd = await p.r('fd', l.open('.', l.O_TMPFILE | l.O_RDWR, 0o600));
      await p.r('write', l.write(fd, 'tmp'));
      await p.s('fstat', l.fstat(fd, p.st));
      await p.ls('ls', '.');
      await p.r('link', l.linkat(fd, '', l.AT_FDCWD, 'named', l.AT_EMPTY_PATH));
      await p.s('named', l.stat('named', p.st));
      await p.r('rdonly', l.open('.', l.O_TMPFILE | l.O_RDONLY, 0o600));
    },
  },
  {
    name: 'fcntl_getfl_flags', arch_specific: true, // F_GETFL shows O_LARGEFILE, whose value differs on arm64
    c: `close(open("f", O_CREAT|O_WRONLY, 0644)); R("rdwr", fcntl(open("f", O_RDWR), F_GETFL)); R("wr_append", fcntl(open("f", O_WRONLY|O_APPEND|O_TRUNC|O_CREAT, 0644), F_GETFL));
        R("rd_nonblock", fcntl(open("f", O_RDONLY|O_NONBLOCK), F_GETFL)); R("path", fcntl(open("f", O_PATH|O_RDWR), F_GETFL));`,
    run: async (p, l) => {
      await l.close(await l.open('f', l.O_CREAT | l.O_WRONLY, 0o644));
      await p.r('rdwr', l.fcntl(await l.open('f', l.O_RDWR), l.F_GETFL));
      await p.r('wr_append', l.fcntl(await l.open('f', l.O_WRONLY | l.O_APPEND | l.O_TRUNC | l.O_CREAT, 0o644), l.F_GETFL));
      await p.r('rd_nonblock', l.fcntl(await l.open('f', l.O_RDONLY | l.O_NONBLOCK), l.F_GETFL));
      await p.r('path', l.fcntl(await l.open('f', l.O_PATH | l.O_RDWR), l.F_GETFL));
    },
  },
  {
    name: 'creat_syscall',
    c: `int fd = creat("f", 0640); R("fd", fd); write(fd, "data", 4); R("read_wronly", read(fd, buf, 4)); close(fd); S("st", stat("f", &st));
        R("again", creat("f", 0600)); S("truncated", stat("f", &st));`,
    run: async (p, l) => {
      const fd = await p.r('fd', l.creat('f', 0o640));
      await l.write(fd, 'data');
      await p.r('read_wronly', l.read(fd, p.buf, 4));
      await l.close(fd);
      await p.s('st', l.stat('f', p.st));
      await p.r('again', l.creat('f', 0o600));
      await p.s('truncated', l.stat('f', p.st));
    },
  },
];

conformance(test, 'fs_open', cases);
