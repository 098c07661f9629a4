/** Conformance: inotify(7) — instances, watches, the events the VFS sends, records, merging, readiness. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

/** EV(label, fd): reads once and prints each record (the cookie as 0, new or same as the last one). */
const HELPERS = String.raw`
#include <sys/inotify.h>
#include <sys/epoll.h>
static unsigned prev_cookie_;
static void EV(const char *l, int fd) {
  int n = read(fd, buf, sizeof buf);
  if (n < 0) { pr_err(l); return; }
  for (char *p = buf; p < buf + n;) {
    struct inotify_event *e = (void *)p;
    printf("%s: wd=%d mask=%x cookie=%s len=%u name=%s\n", l, e->wd, e->mask, e->cookie ? (e->cookie == prev_cookie_ ? "same" : "new") : "0", e->len, e->len ? e->name : "");
    if (e->cookie) prev_cookie_ = e->cookie;
    p += sizeof *e + e->len;
  }
}
static int mkf(const char *n) { return open(n, O_CREAT|O_RDWR, 0644); }
static char fdp_[64];
static const char *fdp(int fd) { sprintf(fdp_, "/proc/self/fd/%d", fd); return fdp_; }
`;

/** The privos EV: same lines; one per case (the cookie memory is per case, as the C side's per process). */
function events(p: P, l: Libc): (label: string, fd: number) => Promise<void> {
  let prev = 0;
  return async (label, fd) => {
    const n = await l.read(fd, p.buf, 4096);
    if (n === -1) { p.err(label); return; }
    const b = l.peek(p.buf, n), dv = new DataView(b.buffer);
    for (let o = 0; o < n;) {
      const wd = dv.getInt32(o, true), mask = dv.getUint32(o + 4, true), cookie = dv.getUint32(o + 8, true), len = dv.getUint32(o + 12, true);
      const raw = b.subarray(o + 16, o + 16 + len), z = raw.indexOf(0);
      const name = new TextDecoder().decode(z < 0 ? raw : raw.subarray(0, z));
      p.out(`${label}: wd=${wd} mask=${mask.toString(16)} cookie=${cookie ? (cookie === prev ? 'same' : 'new') : '0'} len=${len} name=${name}`);
      if (cookie) prev = cookie;
      o += 16 + len;
    }
  };
}
const mkf = (l: Libc, n: string): Promise<number> => l.open(n, l.O_CREAT | l.O_RDWR, 0o644) as Promise<number>;
const ALL = 0xfff;

const cases: ConfCase[] = [
  {
    name: 'inotify_init_flags', c_globals: HELPERS,
    c: `int a = inotify_init(); R("init", a); R("init_fl", fcntl(a, F_GETFL) & (O_NONBLOCK|O_ACCMODE)); R("init_fd", fcntl(a, F_GETFD));
        int b = inotify_init1(IN_NONBLOCK|IN_CLOEXEC); R("init1", b); R("init1_fl", fcntl(b, F_GETFL) & (O_NONBLOCK|O_ACCMODE)); R("init1_fd", fcntl(b, F_GETFD));
        R("bad_flags", inotify_init1(1)); R("bad_flags2", inotify_init1(IN_NONBLOCK|O_RDWR)); sprintf(buf, "/proc/self/fd/%d", a); char l[64] = {0}; R("readlink", readlink(buf, l, sizeof l)); OUT(l);
        R("write", write(a, "x", 1)); R("lseek", lseek(a, 0, SEEK_SET)); R("empty_nonblock", read(b, buf, sizeof buf));`,
    run: async (p, l) => {
      const a = await p.r('init', l.inotify_init()); await p.r('init_fl', (await l.fcntl(a, l.F_GETFL) as number) & (l.O_NONBLOCK | l.O_ACCMODE)); await p.r('init_fd', l.fcntl(a, l.F_GETFD));
      const b = await p.r('init1', l.inotify_init1(l.IN_NONBLOCK | l.IN_CLOEXEC)); await p.r('init1_fl', (await l.fcntl(b, l.F_GETFL) as number) & (l.O_NONBLOCK | l.O_ACCMODE)); await p.r('init1_fd', l.fcntl(b, l.F_GETFD));
      await p.r('bad_flags', l.inotify_init1(1)); await p.r('bad_flags2', l.inotify_init1(l.IN_NONBLOCK | l.O_RDWR)); const n = await p.r('readlink', l.readlink(`/proc/self/fd/${a}`, p.buf, 64)); p.out(new TextDecoder().decode(l.peek(p.buf, n)));
      await p.r('write', l.write(a, 'x')); await p.r('lseek', l.lseek(a, 0, l.SEEK_SET)); await p.r('empty_nonblock', l.read(b, p.buf, 4096));
    },
  },
  {
    name: 'inotify_watch_errnos', c_globals: HELPERS,
    c: `int in = inotify_init1(0); close(mkf("f")); mkdir("d", 0755); symlink("f", "ln"); int fd = open("f", O_RDONLY);
        R("ebadf", inotify_add_watch(99, "f", IN_ALL_EVENTS)); R("not_inotify", inotify_add_watch(fd, "f", IN_ALL_EVENTS)); R("mask0", inotify_add_watch(in, "f", 0));
        R("mask0_ebadf", inotify_add_watch(99, "f", 0)); R("add_and_create", inotify_add_watch(in, "f", IN_MODIFY|IN_MASK_ADD|IN_MASK_CREATE)); R("only_flags", inotify_add_watch(in, "f", IN_ONESHOT));
        R("enoent", inotify_add_watch(in, "missing", IN_MODIFY)); R("empty_path", inotify_add_watch(in, "", IN_MODIFY)); R("efault", inotify_add_watch(in, (char *)8, IN_MODIFY)); R("onlydir_file", inotify_add_watch(in, "f", IN_MODIFY|IN_ONLYDIR));
        R("onlydir_dir", inotify_add_watch(in, "d", IN_MODIFY|IN_ONLYDIR)); R("file", inotify_add_watch(in, "f", IN_MODIFY)); R("same_again", inotify_add_watch(in, "f", IN_ATTRIB)); R("via_link", inotify_add_watch(in, "ln", IN_ATTRIB));
        R("dont_follow", inotify_add_watch(in, "ln", IN_ATTRIB|IN_DONT_FOLLOW)); R("mask_create_exists", inotify_add_watch(in, "f", IN_ATTRIB|IN_MASK_CREATE)); R("trailing_slash", inotify_add_watch(in, "f/", IN_ATTRIB));
        R("rm_ebadf", inotify_rm_watch(99, 1)); R("rm_not_inotify", inotify_rm_watch(fd, 1)); R("rm_bad_wd", inotify_rm_watch(in, 42)); R("rm_neg_wd", inotify_rm_watch(in, -1)); R("rm", inotify_rm_watch(in, 2)); R("rm_again", inotify_rm_watch(in, 2));
        R("next_wd", inotify_add_watch(in, "f", IN_MODIFY)); R("proc_file", inotify_add_watch(in, "/proc/self/status", IN_ACCESS) > 0);`,
    run: async (p, l) => {
      const inn = await l.inotify_init1(0) as number; await l.close(await mkf(l, 'f')); await l.mkdir('d', 0o755); await l.symlink('f', 'ln'); const fd = await l.open('f', l.O_RDONLY) as number;
      await p.r('ebadf', l.inotify_add_watch(99, 'f', ALL)); await p.r('not_inotify', l.inotify_add_watch(fd, 'f', ALL)); await p.r('mask0', l.inotify_add_watch(inn, 'f', 0));
      await p.r('mask0_ebadf', l.inotify_add_watch(99, 'f', 0)); await p.r('add_and_create', l.inotify_add_watch(inn, 'f', l.IN_MODIFY | l.IN_MASK_ADD | l.IN_MASK_CREATE)); await p.r('only_flags', l.inotify_add_watch(inn, 'f', l.IN_ONESHOT));
      await p.r('enoent', l.inotify_add_watch(inn, 'missing', l.IN_MODIFY)); await p.r('empty_path', l.inotify_add_watch(inn, '', l.IN_MODIFY)); await p.r('efault', l.call_sys('inotify_add_watch', inn, 8, l.IN_MODIFY)); await p.r('onlydir_file', l.inotify_add_watch(inn, 'f', l.IN_MODIFY | l.IN_ONLYDIR));
      await p.r('onlydir_dir', l.inotify_add_watch(inn, 'd', l.IN_MODIFY | l.IN_ONLYDIR)); await p.r('file', l.inotify_add_watch(inn, 'f', l.IN_MODIFY)); await p.r('same_again', l.inotify_add_watch(inn, 'f', l.IN_ATTRIB)); await p.r('via_link', l.inotify_add_watch(inn, 'ln', l.IN_ATTRIB));
      await p.r('dont_follow', l.inotify_add_watch(inn, 'ln', l.IN_ATTRIB | l.IN_DONT_FOLLOW)); await p.r('mask_create_exists', l.inotify_add_watch(inn, 'f', l.IN_ATTRIB | l.IN_MASK_CREATE)); await p.r('trailing_slash', l.inotify_add_watch(inn, 'f/', l.IN_ATTRIB));
      await p.r('rm_ebadf', l.inotify_rm_watch(99, 1)); await p.r('rm_not_inotify', l.inotify_rm_watch(fd, 1)); await p.r('rm_bad_wd', l.inotify_rm_watch(inn, 42)); await p.r('rm_neg_wd', l.inotify_rm_watch(inn, -1)); await p.r('rm', l.inotify_rm_watch(inn, 2)); await p.r('rm_again', l.inotify_rm_watch(inn, 2));
      await p.r('next_wd', l.inotify_add_watch(inn, 'f', l.IN_MODIFY)); await p.r('proc_file', (await l.inotify_add_watch(inn, '/proc/self/status', l.IN_ACCESS) as number) > 0 ? 1 : 0);
    },
  },
  {
    name: 'inotify_file_events', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); mkdir("d", 0755); R("wd", inotify_add_watch(in, "d", IN_ALL_EVENTS)); int fd = mkf("d/f"); EV("create", in);
        write(fd, "abc", 3); EV("write", in); pread(fd, buf, 2, 0); EV("pread", in); R("read_eof", read(fd, buf, 10)); EV("read_eof_no_event", in); close(fd); EV("close_write", in);
        fd = open("d/f", O_RDONLY); read(fd, buf, 1); close(fd); EV("open_read_close", in); chmod("d/f", 0600); EV("chmod", in); truncate("d/f", 1); EV("truncate", in);
        fd = open("d/f", O_WRONLY|O_TRUNC); EV("open_trunc", in); ftruncate(fd, 5); close(fd); EV("ftruncate", in); utimensat(AT_FDCWD, "d/f", NULL, 0); EV("utimes", in);
        R("opath", fd = open("d/f", O_PATH)); close(fd); EV("o_path_none", in); unlink("d/f"); EV("unlink", in); symlink("x", "d/s"); EV("symlink", in);
        mkdir("d/sub", 0755); EV("mkdir", in); close(mkf("d/sub/deep")); EV("grandchild_none", in); mkfifo("d/p", 0600); EV("mkfifo", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; await l.mkdir('d', 0o755); await p.r('wd', l.inotify_add_watch(inn, 'd', ALL)); let fd = await mkf(l, 'd/f'); await ev('create', inn);
      await l.write(fd, 'abc'); await ev('write', inn); await l.pread(fd, p.buf, 2, 0); await ev('pread', inn); await p.r('read_eof', l.read(fd, p.buf, 10)); await ev('read_eof_no_event', inn); await l.close(fd); await ev('close_write', inn);
      fd = await l.open('d/f', l.O_RDONLY) as number; await l.read(fd, p.buf, 1); await l.close(fd); await ev('open_read_close', inn); await l.chmod('d/f', 0o600); await ev('chmod', inn); await l.truncate('d/f', 1); await ev('truncate', inn);
      fd = await l.open('d/f', l.O_WRONLY | l.O_TRUNC) as number; await ev('open_trunc', inn); await l.ftruncate(fd, 5); await l.close(fd); await ev('ftruncate', inn); await l.utimensat(l.AT_FDCWD, 'd/f', 0, 0); await ev('utimes', inn);
      fd = await p.r('opath', l.open('d/f', l.O_PATH)); await l.close(fd); await ev('o_path_none', inn); await l.unlink('d/f'); await ev('unlink', inn); await l.symlink('x', 'd/s'); await ev('symlink', inn);
      await l.mkdir('d/sub', 0o755); await ev('mkdir', inn); await l.close(await mkf(l, 'd/sub/deep')); await ev('grandchild_none', inn); await l.mkfifo('d/p', 0o600); await ev('mkfifo', inn);
    },
  },
  {
    name: 'inotify_read_rules', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); mkdir("d", 0755); inotify_add_watch(in, "d", IN_CREATE); int n = 0; R("fionread_empty", ioctl(in, FIONREAD, &n)); R("n", n);
        close(mkf("d/a")); close(mkf("d/bbbbbbbbbbbbbbbbbbbb")); close(mkf("d/c")); R("fionread", ioctl(in, FIONREAD, &n)); R("n", n);
        struct pollfd pf = {in, POLLIN, 0}; R("poll", poll(&pf, 1, 0)); R("revents", pf.revents); R("too_small", read(in, buf, 16)); R("too_small_31", read(in, buf, 31));
        R("one_fits", read(in, buf, 40)); R("len", ((struct inotify_event *)buf)->len); R("two_fit_third_not", read(in, buf, 32 + 48 + 10)); R("last", read(in, buf, sizeof buf));
        R("empty", read(in, buf, sizeof buf)); R("poll_empty", poll(&pf, 1, 0)); R("zero_len", read(in, buf, 0)); R("efault", read(in, (char *)8, 100));
        close(mkf("d/e")); R("efault_pending", read(in, (char *)8, 100)); R("still_there", ioctl(in, FIONREAD, &n)); R("n", n);
        int ep = epoll_create1(0); struct epoll_event ee = {EPOLLIN, {0}}; R("epoll_add", epoll_ctl(ep, EPOLL_CTL_ADD, in, &ee)); R("epoll_ready", epoll_wait(ep, &ee, 1, 0)); read(in, buf, sizeof buf); R("epoll_drained", epoll_wait(ep, &ee, 1, 0));`,
    run: async (p, l) => {
      const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; await l.mkdir('d', 0o755); await l.inotify_add_watch(inn, 'd', l.IN_CREATE); const n = l.malloc(4); l.poke_u32(n, 0); await p.r('fionread_empty', l.ioctl(inn, l.FIONREAD, n)); await p.r('n', l.peek_i32(n));
      await l.close(await mkf(l, 'd/a')); await l.close(await mkf(l, 'd/bbbbbbbbbbbbbbbbbbbb')); await l.close(await mkf(l, 'd/c')); await p.r('fionread', l.ioctl(inn, l.FIONREAD, n)); await p.r('n', l.peek_i32(n));
      const pf = l.malloc(8); l.poke_u32(pf, inn); l.poke_u32(pf + 4, l.POLLIN); await p.r('poll', l.poll(pf, 1, 0)); await p.r('revents', l.peek_i32(pf + 4) >>> 16); await p.r('too_small', l.read(inn, p.buf, 16)); await p.r('too_small_31', l.read(inn, p.buf, 31));
      await p.r('one_fits', l.read(inn, p.buf, 40)); await p.r('len', l.peek_i32(p.buf + 12)); await p.r('two_fit_third_not', l.read(inn, p.buf, 32 + 48 + 10)); await p.r('last', l.read(inn, p.buf, 4096));
      await p.r('empty', l.read(inn, p.buf, 4096)); l.poke_u32(pf + 4, l.POLLIN); await p.r('poll_empty', l.poll(pf, 1, 0)); await p.r('zero_len', l.read(inn, p.buf, 0)); await p.r('efault', l.read(inn, 8, 100));
      await l.close(await mkf(l, 'd/e')); await p.r('efault_pending', l.read(inn, 8, 100)); await p.r('still_there', l.ioctl(inn, l.FIONREAD, n)); await p.r('n', l.peek_i32(n));
      const ep = await l.epoll_create1(0) as number; const ee = l.malloc(16); l.poke_u32(ee, l.EPOLLIN); await p.r('epoll_add', l.epoll_ctl(ep, l.EPOLL_CTL_ADD, inn, ee)); await p.r('epoll_ready', l.epoll_wait(ep, ee, 1, 0)); await l.read(inn, p.buf, 4096); await p.r('epoll_drained', l.epoll_wait(ep, ee, 1, 0));
    },
  },
  {
    name: 'inotify_merge_and_ignored', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); int fd = mkf("f"); int wd = inotify_add_watch(in, "f", IN_MODIFY|IN_ATTRIB); write(fd, "a", 1); write(fd, "b", 1); write(fd, "c", 1); EV("merged", in);
        write(fd, "a", 1); fchmod(fd, 0600); write(fd, "b", 1); EV("interleaved", in); write(fd, "a", 1); EV("first", in); write(fd, "a", 1); EV("after_read_not_merged", in);
        R("rm", inotify_rm_watch(in, wd)); write(fd, "z", 1); EV("ignored", in); R("new_wd", inotify_add_watch(in, "f", IN_MODIFY)); R("rm_twice", inotify_rm_watch(in, wd));
        int w2 = inotify_add_watch(in, "f", IN_MODIFY); write(fd, "q", 1); inotify_rm_watch(in, w2); R("readd", w2 = inotify_add_watch(in, "f", IN_MODIFY)); write(fd, "q", 1); EV("modify_ignored_modify", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; const fd = await mkf(l, 'f'); const wd = await l.inotify_add_watch(inn, 'f', l.IN_MODIFY | l.IN_ATTRIB) as number; await l.write(fd, 'a'); await l.write(fd, 'b'); await l.write(fd, 'c'); await ev('merged', inn);
      await l.write(fd, 'a'); await l.fchmod(fd, 0o600); await l.write(fd, 'b'); await ev('interleaved', inn); await l.write(fd, 'a'); await ev('first', inn); await l.write(fd, 'a'); await ev('after_read_not_merged', inn);
      await p.r('rm', l.inotify_rm_watch(inn, wd)); await l.write(fd, 'z'); await ev('ignored', inn); await p.r('new_wd', l.inotify_add_watch(inn, 'f', l.IN_MODIFY)); await p.r('rm_twice', l.inotify_rm_watch(inn, wd));
      let w2 = await l.inotify_add_watch(inn, 'f', l.IN_MODIFY) as number; await l.write(fd, 'q'); await l.inotify_rm_watch(inn, w2); w2 = await p.r('readd', l.inotify_add_watch(inn, 'f', l.IN_MODIFY)); await l.write(fd, 'q'); await ev('modify_ignored_modify', inn);
    },
  },
  {
    name: 'inotify_delete_self', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); mkdir("d", 0755); inotify_add_watch(in, "d", IN_ALL_EVENTS); int fd = mkf("d/f"); inotify_add_watch(in, "d/f", IN_ALL_EVENTS); EV("setup", in);
        write(fd, "x", 1); unlink("d/f"); EV("unlink_open", in); write(fd, "y", 1); EV("write_unlinked", in); close(fd); EV("last_close", in);
        close(mkf("d/g")); inotify_add_watch(in, "d/g", IN_ALL_EVENTS); link("d/g", "d/h"); EV("link", in); unlink("d/h"); EV("unlink_one_of_two", in); unlink("d/g"); EV("unlink_last", in);
        mkdir("d/sub", 0755); inotify_add_watch(in, "d/sub", IN_ALL_EVENTS); rmdir("d/sub"); EV("rmdir", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; await l.mkdir('d', 0o755); await l.inotify_add_watch(inn, 'd', ALL); const fd = await mkf(l, 'd/f'); await l.inotify_add_watch(inn, 'd/f', ALL); await ev('setup', inn);
      await l.write(fd, 'x'); await l.unlink('d/f'); await ev('unlink_open', inn); await l.write(fd, 'y'); await ev('write_unlinked', inn); await l.close(fd); await ev('last_close', inn);
      await l.close(await mkf(l, 'd/g')); await l.inotify_add_watch(inn, 'd/g', ALL); await l.link('d/g', 'd/h'); await ev('link', inn); await l.unlink('d/h'); await ev('unlink_one_of_two', inn); await l.unlink('d/g'); await ev('unlink_last', inn);
      await l.mkdir('d/sub', 0o755); await l.inotify_add_watch(inn, 'd/sub', ALL); await l.rmdir('d/sub'); await ev('rmdir', inn);
    },
  },
  {
    name: 'inotify_moves', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); mkdir("d", 0755); mkdir("e", 0755); close(mkf("d/a")); inotify_add_watch(in, "d", IN_ALL_EVENTS); inotify_add_watch(in, "e", IN_ALL_EVENTS); inotify_add_watch(in, "d/a", IN_ALL_EVENTS);
        rename("d/a", "d/b"); EV("same_dir", in); rename("d/b", "e/c"); EV("across", in); close(mkf("e/t")); inotify_add_watch(in, "e/t", IN_ALL_EVENTS); EV("setup", in);
        rename("e/c", "e/t"); EV("over_target", in); mkdir("d/sub", 0755); rename("d/sub", "e/sub"); EV("dir", in); close(mkf("d/x")); EV("x", in);
        R("exchange", renameat2(AT_FDCWD, "d/x", AT_FDCWD, "e/t", RENAME_EXCHANGE)); EV("exchange", in); R("noreplace_fails", renameat2(AT_FDCWD, "d/x", AT_FDCWD, "e/t", RENAME_NOREPLACE)); EV("failed_none", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; await l.mkdir('d', 0o755); await l.mkdir('e', 0o755); await l.close(await mkf(l, 'd/a')); await l.inotify_add_watch(inn, 'd', ALL); await l.inotify_add_watch(inn, 'e', ALL); await l.inotify_add_watch(inn, 'd/a', ALL);
      await l.rename('d/a', 'd/b'); await ev('same_dir', inn); await l.rename('d/b', 'e/c'); await ev('across', inn); await l.close(await mkf(l, 'e/t')); await l.inotify_add_watch(inn, 'e/t', ALL); await ev('setup', inn);
      await l.rename('e/c', 'e/t'); await ev('over_target', inn); await l.mkdir('d/sub', 0o755); await l.rename('d/sub', 'e/sub'); await ev('dir', inn); await l.close(await mkf(l, 'd/x')); await ev('x', inn);
      await p.r('exchange', l.renameat2(l.AT_FDCWD, 'd/x', l.AT_FDCWD, 'e/t', 2)); await ev('exchange', inn); await p.r('noreplace_fails', l.renameat2(l.AT_FDCWD, 'd/x', l.AT_FDCWD, 'e/t', 1)); await ev('failed_none', inn);
    },
  },
  {
    name: 'inotify_dir_self', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); mkdir("d", 0755); mkdir("d/sub", 0755); inotify_add_watch(in, "d", IN_ALL_EVENTS); inotify_add_watch(in, "d/sub", IN_ALL_EVENTS);
        int fd = open("d", O_RDONLY|O_DIRECTORY); syscall(SYS_getdents64, fd, buf, sizeof buf); close(fd); EV("list_dir", in); chmod("d", 0700); EV("chmod_dir", in);
        fd = open("d/sub", O_RDONLY|O_DIRECTORY); close(fd); EV("open_subdir", in); R("rename_self", rename("d", "d2")); EV("renamed", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; await l.mkdir('d', 0o755); await l.mkdir('d/sub', 0o755); await l.inotify_add_watch(inn, 'd', ALL); await l.inotify_add_watch(inn, 'd/sub', ALL);
      let fd = await l.open('d', l.O_RDONLY | l.O_DIRECTORY) as number; await l.getdents64(fd, p.buf, 4096); await l.close(fd); await ev('list_dir', inn); await l.chmod('d', 0o700); await ev('chmod_dir', inn);
      fd = await l.open('d/sub', l.O_RDONLY | l.O_DIRECTORY) as number; await l.close(fd); await ev('open_subdir', inn); await p.r('rename_self', l.rename('d', 'd2')); await ev('renamed', inn);
    },
  },
  {
    name: 'inotify_watch_flags', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); int fd = mkf("f"); int wd = inotify_add_watch(in, "f", IN_MODIFY|IN_ONESHOT); write(fd, "a", 1); fchmod(fd, 0600); write(fd, "b", 1); EV("oneshot", in);
        R("rm_after_oneshot", inotify_rm_watch(in, wd)); wd = inotify_add_watch(in, "f", IN_MODIFY); R("mask_add", inotify_add_watch(in, "f", IN_ATTRIB|IN_MASK_ADD)); write(fd, "a", 1); fchmod(fd, 0644); EV("added", in);
        R("replace", inotify_add_watch(in, "f", IN_ATTRIB)); write(fd, "a", 1); fchmod(fd, 0600); EV("replaced", in);
        mkdir("d", 0755); int g = mkf("d/g"); int h = mkf("d/h"); inotify_add_watch(in, "d", IN_MODIFY|IN_CLOSE|IN_EXCL_UNLINK); unlink("d/g"); write(g, "x", 1); close(g); write(h, "y", 1); EV("excl_unlink", in);
        R("ignored_alone", inotify_add_watch(in, "f", IN_IGNORED)); R("isdir_alone", inotify_add_watch(in, "f", IN_ISDIR)); write(fd, "a", 1); fchmod(fd, 0644); EV("after_isdir_mask", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; const fd = await mkf(l, 'f'); let wd = await l.inotify_add_watch(inn, 'f', l.IN_MODIFY | l.IN_ONESHOT) as number; await l.write(fd, 'a'); await l.fchmod(fd, 0o600); await l.write(fd, 'b'); await ev('oneshot', inn);
      await p.r('rm_after_oneshot', l.inotify_rm_watch(inn, wd)); wd = await l.inotify_add_watch(inn, 'f', l.IN_MODIFY) as number; await p.r('mask_add', l.inotify_add_watch(inn, 'f', l.IN_ATTRIB | l.IN_MASK_ADD)); await l.write(fd, 'a'); await l.fchmod(fd, 0o644); await ev('added', inn);
      await p.r('replace', l.inotify_add_watch(inn, 'f', l.IN_ATTRIB)); await l.write(fd, 'a'); await l.fchmod(fd, 0o600); await ev('replaced', inn);
      await l.mkdir('d', 0o755); const g = await mkf(l, 'd/g'); const h = await mkf(l, 'd/h'); await l.inotify_add_watch(inn, 'd', l.IN_MODIFY | l.IN_CLOSE | l.IN_EXCL_UNLINK); await l.unlink('d/g'); await l.write(g, 'x'); await l.close(g); await l.write(h, 'y'); await ev('excl_unlink', inn);
      await p.r('ignored_alone', l.inotify_add_watch(inn, 'f', l.IN_IGNORED)); await p.r('isdir_alone', l.inotify_add_watch(inn, 'f', l.IN_ISDIR)); await l.write(fd, 'a'); await l.fchmod(fd, 0o644); await ev('after_isdir_mask', inn);
    },
  },
  {
    name: 'inotify_blocking_read', c_globals: HELPERS,
    c: `int in = inotify_init1(0); mkdir("d", 0755); inotify_add_watch(in, "d", IN_CREATE); fflush(stdout); pid_t c = fork(); if (c == 0) { close(mkf("d/f")); _exit(0); }
        EV("blocking", in); int s; waitpid(c, &s, 0); R("child", WEXITSTATUS(s));`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(0) as number; await l.mkdir('d', 0o755); await l.inotify_add_watch(inn, 'd', l.IN_CREATE); const c = await l.fork(async (cl) => { await cl.close(await mkf(cl, 'd/f')); return 0; }) as number;
      await ev('blocking', inn); const s = l.malloc(4); await l.waitpid(c, s, 0); await p.r('child', l.WEXITSTATUS(l.peek_i32(s)));
    },
  },
  {
    name: 'inotify_queue_overflow', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); int fd = mkf("f"); inotify_add_watch(in, "f", IN_MODIFY|IN_ATTRIB); for (int i = 0; i < 8200; i++) { write(fd, "a", 1); fchmod(fd, 0644); }
        int n = 0; ioctl(in, FIONREAD, &n); R("bytes", n); int total = 0, last_wd = 0; unsigned last_mask = 0;
        for (;;) { int k = read(in, buf, sizeof buf); if (k <= 0) break; for (char *p = buf; p < buf + k; p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len) { total++; last_wd = ((struct inotify_event *)p)->wd; last_mask = ((struct inotify_event *)p)->mask; } }
        R("events", total); R("last_wd_plus_1", last_wd + 1); R("last_mask", last_mask); write(fd, "a", 1); EV("after_drain", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; const fd = await mkf(l, 'f'); await l.inotify_add_watch(inn, 'f', l.IN_MODIFY | l.IN_ATTRIB); for (let i = 0; i < 8200; i++) { await l.write(fd, 'a'); await l.fchmod(fd, 0o644); }
      const n = l.malloc(4); await l.ioctl(inn, l.FIONREAD, n); await p.r('bytes', l.peek_i32(n)); let total = 0, last_wd = 0, last_mask = 0;
      for (;;) { const k = await l.read(inn, p.buf, 4096) as number; if (k <= 0) break; for (let o = 0; o < k; o += 16 + l.peek_i32(p.buf + o + 12)) { total++; last_wd = l.peek_i32(p.buf + o); last_mask = l.peek_i32(p.buf + o + 4); } }
      await p.r('events', total); await p.r('last_wd_plus_1', last_wd + 1); await p.r('last_mask', last_mask); await l.write(fd, 'a'); await ev('after_drain', inn);
    },
  },
  {
    name: 'inotify_fifo_and_magic_link', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); mkfifo("p", 0600); R("watch_fifo", inotify_add_watch(in, "p", IN_ALL_EVENTS)); int rw = open("p", O_RDWR); write(rw, "ab", 2); read(rw, buf, 2); close(rw); EV("fifo", in);
        int fd = mkf("f"); unlink("f"); R("watch_via_magic_link", inotify_add_watch(in, fdp(fd), IN_ALL_EVENTS)); write(fd, "x", 1); close(fd); EV("unlinked", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; await l.mkfifo('p', 0o600); await p.r('watch_fifo', l.inotify_add_watch(inn, 'p', ALL)); const rw = await l.open('p', l.O_RDWR) as number; await l.write(rw, 'ab'); await l.read(rw, p.buf, 2); await l.close(rw); await ev('fifo', inn);
      const fd = await mkf(l, 'f'); await l.unlink('f'); await p.r('watch_via_magic_link', l.inotify_add_watch(inn, `/proc/self/fd/${fd}`, ALL)); await l.write(fd, 'x'); await l.close(fd); await ev('unlinked', inn);
    },
  },
  {
    name: 'inotify_transfers', c_globals: HELPERS,
    c: `int in = inotify_init1(IN_NONBLOCK); mkdir("d", 0755); int a = mkf("d/a"), b = mkf("d/b"); write(a, "hello", 5); inotify_add_watch(in, "d", IN_ACCESS|IN_MODIFY); EV("setup", in);
        off_t o = 0; R("sendfile", sendfile(b, a, &o, 5)); EV("sendfile", in); loff_t oi = 0, oo = 0; R("copy_file_range", copy_file_range(a, &oi, b, &oo, 3, 0)); EV("copy_file_range", in);
        int p[2]; pipe(p); oi = 0; R("splice_in", splice(a, &oi, p[1], 0, 4, 0)); EV("splice_file_to_pipe", in); R("splice_out", splice(p[0], 0, b, 0, 4, 0)); EV("splice_pipe_to_file", in);
        R("fallocate", fallocate(b, 0, 0, 100)); EV("fallocate", in); R("keep_size", fallocate(b, FALLOC_FL_KEEP_SIZE, 0, 200)); EV("fallocate_keep_size", in); o = 100; R("sendfile_eof", sendfile(b, a, &o, 5)); EV("nothing_moved", in);`,
    run: async (p, l) => {
      const ev = events(p, l); const inn = await l.inotify_init1(l.IN_NONBLOCK) as number; await l.mkdir('d', 0o755); const a = await mkf(l, 'd/a'), b = await mkf(l, 'd/b'); await l.write(a, 'hello'); await l.inotify_add_watch(inn, 'd', l.IN_ACCESS | l.IN_MODIFY); await ev('setup', inn);
      const o = l.malloc(8), oo = l.malloc(8); l.poke_u64(o, 0); await p.r('sendfile', l.sendfile(b, a, o, 5)); await ev('sendfile', inn); l.poke_u64(o, 0); l.poke_u64(oo, 0); await p.r('copy_file_range', l.copy_file_range(a, o, b, oo, 3, 0)); await ev('copy_file_range', inn);
      const pp = l.malloc(8); await l.pipe2(pp, 0); const pr = l.peek_i32(pp), pw = l.peek_i32(pp + 4); l.poke_u64(o, 0); await p.r('splice_in', l.splice(a, o, pw, 0, 4, 0)); await ev('splice_file_to_pipe', inn); await p.r('splice_out', l.splice(pr, 0, b, 0, 4, 0)); await ev('splice_pipe_to_file', inn);
      await p.r('fallocate', l.fallocate(b, 0, 0, 100)); await ev('fallocate', inn); await p.r('keep_size', l.fallocate(b, 1, 0, 200)); await ev('fallocate_keep_size', inn); l.poke_u64(o, 100); await p.r('sendfile_eof', l.sendfile(b, a, o, 5)); await ev('nothing_moved', inn);
    },
  },
];

conformance(test, 'fs_inotify', cases);
