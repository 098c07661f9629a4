/** Conformance: the fd table — dup*, fcntl, close, close_range, RLIMIT_NOFILE. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';

const cases: ConfCase[] = [
  {
    name: 'dup_lowest_shared_pos',
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); write(fd, "abcdef", 6); int d = dup(fd); R("dup", d); R("seek_via_dup", lseek(d, 2, SEEK_SET)); RD("read_orig", read(fd, buf, 2), buf);
        R("pos_dup", lseek(d, 0, SEEK_CUR)); R("dup_bad", dup(99)); close(0); R("dup_into_0", dup(fd)); R("getfd_dup", fcntl(d, F_GETFD));`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await l.write(fd, 'abcdef');
      const d = await p.r('dup', l.dup(fd));
      await p.r('seek_via_dup', l.lseek(d, 2, l.SEEK_SET));
      await p.rd('read_orig', l.read(fd, p.buf, 2));
      await p.r('pos_dup', l.lseek(d, 0, l.SEEK_CUR));
      await p.r('dup_bad', l.dup(99));
      await l.close(0);
      await p.r('dup_into_0', l.dup(fd));
      await p.r('getfd_dup', l.fcntl(d, l.F_GETFD));
    },
  },
  {
    name: 'dup2_dup3_rules',
    c: `int fd = open(".", O_RDONLY|O_CLOEXEC); R("dup2_same", dup2(fd, fd)); R("dup2_same_bad", dup2(50, 50)); R("dup2_high", dup2(fd, 100)); R("getfd_100", fcntl(100, F_GETFD));
        R("dup2_bad_old", dup2(77, 5)); R("dup2_neg_new", dup2(fd, -1)); R("dup3_same", dup3(fd, fd, 0)); R("dup3_flags", dup3(fd, 7, O_NONBLOCK));
        R("dup3_cloexec", dup3(fd, 8, O_CLOEXEC)); R("getfd_8", fcntl(8, F_GETFD)); int g = open(".", O_RDONLY); R("dup2_over_open", dup2(fd, g)); R("getfd_g", fcntl(g, F_GETFD));
        R("dup2_huge", dup2(fd, 1 << 30));`,
    run: async (p, l) => {
      const fd = await l.open('.', l.O_RDONLY | l.O_CLOEXEC);
      await p.r('dup2_same', l.dup2(fd, fd));
      await p.r('dup2_same_bad', l.dup2(50, 50));
      await p.r('dup2_high', l.dup2(fd, 100));
      await p.r('getfd_100', l.fcntl(100, l.F_GETFD));
      await p.r('dup2_bad_old', l.dup2(77, 5));
      await p.r('dup2_neg_new', l.dup2(fd, -1));
      await p.r('dup3_same', l.dup3(fd, fd, 0));
      await p.r('dup3_flags', l.dup3(fd, 7, l.O_NONBLOCK));
      await p.r('dup3_cloexec', l.dup3(fd, 8, l.O_CLOEXEC));
      await p.r('getfd_8', l.fcntl(8, l.F_GETFD));
      const g = await l.open('.', l.O_RDONLY);
      await p.r('dup2_over_open', l.dup2(fd, g));
      await p.r('getfd_g', l.fcntl(g, l.F_GETFD));
      await p.r('dup2_huge', l.dup2(fd, 2 ** 30));
    },
  },
  {
    name: 'fcntl_dupfd_setfd',
    c: `int fd = open(".", O_RDONLY); R("dupfd_10", fcntl(fd, F_DUPFD, 10)); R("dupfd_10_again", fcntl(fd, F_DUPFD, 10)); R("dupfd_cloexec", fcntl(fd, F_DUPFD_CLOEXEC, 0));
        R("getfd", fcntl(5, F_GETFD)); R("setfd", fcntl(fd, F_SETFD, FD_CLOEXEC)); R("getfd2", fcntl(fd, F_GETFD)); R("setfd_other_bits", fcntl(fd, F_SETFD, 6)); R("getfd3", fcntl(fd, F_GETFD));
        R("dupfd_neg", fcntl(fd, F_DUPFD, -1)); R("dupfd_huge", fcntl(fd, F_DUPFD, 1 << 30)); R("bad_cmd", fcntl(fd, 9999)); R("bad_fd", fcntl(99, F_GETFD));`,
    run: async (p, l) => {
      const fd = await l.open('.', l.O_RDONLY);
      await p.r('dupfd_10', l.fcntl(fd, l.F_DUPFD, 10));
      await p.r('dupfd_10_again', l.fcntl(fd, l.F_DUPFD, 10));
      await p.r('dupfd_cloexec', l.fcntl(fd, l.F_DUPFD_CLOEXEC, 0));
      await p.r('getfd', l.fcntl(5, l.F_GETFD));
      await p.r('setfd', l.fcntl(fd, l.F_SETFD, l.FD_CLOEXEC));
      await p.r('getfd2', l.fcntl(fd, l.F_GETFD));
      await p.r('setfd_other_bits', l.fcntl(fd, l.F_SETFD, 6));
      await p.r('getfd3', l.fcntl(fd, l.F_GETFD));
      await p.r('dupfd_neg', l.fcntl(fd, l.F_DUPFD, -1));
      await p.r('dupfd_huge', l.fcntl(fd, l.F_DUPFD, 2 ** 30));
      await p.r('bad_cmd', l.fcntl(fd, 9999));
      await p.r('bad_fd', l.fcntl(99, l.F_GETFD));
    },
  },
  {
    name: 'fcntl_setfl', arch_specific: true, // F_GETFL shows O_LARGEFILE, whose value differs on arm64
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("getfl", fcntl(fd, F_GETFL)); R("setfl", fcntl(fd, F_SETFL, O_APPEND|O_NONBLOCK|O_RDONLY|O_TRUNC)); R("getfl2", fcntl(fd, F_GETFL));
        write(fd, "ab", 2); lseek(fd, 0, SEEK_SET); write(fd, "cd", 2); RD("append_now", pread(fd, buf, 10, 0), buf); R("clear", fcntl(fd, F_SETFL, 0)); R("getfl3", fcntl(fd, F_GETFL));`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await p.r('getfl', l.fcntl(fd, l.F_GETFL));
      await p.r('setfl', l.fcntl(fd, l.F_SETFL, l.O_APPEND | l.O_NONBLOCK | l.O_RDONLY | l.O_TRUNC));
      await p.r('getfl2', l.fcntl(fd, l.F_GETFL));
      await l.write(fd, 'ab');
      await l.lseek(fd, 0, l.SEEK_SET);
      await l.write(fd, 'cd');
      await p.rd('append_now', l.pread(fd, p.buf, 10, 0));
      await p.r('clear', l.fcntl(fd, l.F_SETFL, 0));
      await p.r('getfl3', l.fcntl(fd, l.F_GETFL));
    },
  },
  {
    name: 'close_and_close_range',
    c: `for (int i = 0; i < 6; i++) open(".", O_RDONLY); R("close", close(4)); R("close_again", close(4)); R("close_neg", close(-1));
        R("cr_cloexec", syscall(SYS_close_range, 5, 6, 4)); R("getfd5", fcntl(5, F_GETFD)); R("cr", syscall(SYS_close_range, 3, 7, 0)); R("getfd3", fcntl(3, F_GETFD)); R("getfd8", fcntl(8, F_GETFD));
        R("cr_inverted", syscall(SYS_close_range, 9, 3, 0)); R("cr_badflags", syscall(SYS_close_range, 3, 9, 1)); R("cr_all_high", syscall(SYS_close_range, 100, ~0U, 0)); R("next", open(".", O_RDONLY));`,
    run: async (p, l) => {
      for (let i = 0; i < 6; i++) await l.open('.', l.O_RDONLY);
      await p.r('close', l.close(4));
      await p.r('close_again', l.close(4));
      await p.r('close_neg', l.close(-1));
      await p.r('cr_cloexec', l.close_range(5, 6, 4));
      await p.r('getfd5', l.fcntl(5, l.F_GETFD));
      await p.r('cr', l.close_range(3, 7, 0));
      await p.r('getfd3', l.fcntl(3, l.F_GETFD));
      await p.r('getfd8', l.fcntl(8, l.F_GETFD));
      await p.r('cr_inverted', l.close_range(9, 3, 0));
      await p.r('cr_badflags', l.close_range(3, 9, 1));
      await p.r('cr_all_high', l.close_range(100, 0xffffffff, 0));
      await p.r('next', l.open('.', l.O_RDONLY));
    },
  },
  {
    name: 'rlimit_nofile',
    c: `struct rlimit r = {6, 6}; R("setrlimit", setrlimit(RLIMIT_NOFILE, &r)); struct rlimit g; R("getrlimit", getrlimit(RLIMIT_NOFILE, &g)); R("cur", g.rlim_cur);
        R("o3", open(".", O_RDONLY)); R("o4", open(".", O_RDONLY)); R("o5", open(".", O_RDONLY)); R("emfile", open(".", O_RDONLY)); R("dup_emfile", dup(0));
        int p[2]; R("pipe_emfile", pipe(p)); R("dup2_over", dup2(0, 6)); R("dupfd_over", fcntl(0, F_DUPFD, 6)); close(5); R("pipe_one_free", pipe(p));
        struct rlimit bad = {9, 8}; R("cur_gt_max", setrlimit(RLIMIT_NOFILE, &bad));
        struct rlimit old; R("prlimit", prlimit(0, RLIMIT_NOFILE, NULL, &old)); R("old_max", old.rlim_max);`,
    run: async (p, l) => {
      const r = l.malloc(16);
      const set = (c: number, m: number): void => { l.poke_u64(r, c); l.poke_u64(r + 8, m); };
      set(6, 6);
      await p.r('setrlimit', l.setrlimit(7, r));
      const g = l.malloc(16);
      await p.r('getrlimit', l.getrlimit(7, g));
      await p.r('cur', l.peek_u64(g));
      await p.r('o3', l.open('.', l.O_RDONLY));
      await p.r('o4', l.open('.', l.O_RDONLY));
      await p.r('o5', l.open('.', l.O_RDONLY));
      await p.r('emfile', l.open('.', l.O_RDONLY));
      await p.r('dup_emfile', l.dup(0));
      await p.r('pipe_emfile', l.pipe(p.st));
      await p.r('dup2_over', l.dup2(0, 6));
      await p.r('dupfd_over', l.fcntl(0, l.F_DUPFD, 6));
      await l.close(5);
      await p.r('pipe_one_free', l.pipe(p.st));
      set(9, 8);
      await p.r('cur_gt_max', l.setrlimit(7, r));
      await p.r('prlimit', l.prlimit(0, 7, 0, g));
      await p.r('old_max', l.peek_u64(g + 8));
    },
  },
  {
    name: 'cloexec_across_exec_flags',
    c: `int a = open(".", O_RDONLY), b = open(".", O_RDONLY|O_CLOEXEC); int c = dup(b); R("getfd_dup_of_cloexec", fcntl(c, F_GETFD)); R("fionclex", ioctl(b, FIONCLEX)); R("getfd_b", fcntl(b, F_GETFD));
        R("a", a);`,
    run: async (p, l) => {
      const a = await l.open('.', l.O_RDONLY), b = await l.open('.', l.O_RDONLY | l.O_CLOEXEC);
      const c = await l.dup(b);
      await p.r('getfd_dup_of_cloexec', l.fcntl(c, l.F_GETFD));
      await p.r('fionclex', l.ioctl(b, 0x5450));
      await p.r('getfd_b', l.fcntl(b, l.F_GETFD));
      await p.r('a', a);
    },
  },
];

conformance(test, 'fs_fd', cases);
