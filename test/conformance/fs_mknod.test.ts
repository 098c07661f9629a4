/** Conformance: mknod(2)/mknodat(2)/mkfifo(3) — node types, errnos, umask, CAP_MKNOD, and FIFOs' open(2) rules. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

const HELPERS = String.raw`
#include <sys/sysmacros.h>
static void RDEV(const char *l, const char *path) { if (stat(path, &st)) pr_err(l); else printf("%s: %u:%u\n", l, major(st.st_rdev), minor(st.st_rdev)); }
`;

async function rdev(p: P, l: Libc, label: string, path: string): Promise<void> {
  if (await l.stat(path, p.st) === -1) { p.err(label); return; }
  const d = l.parse_stat(p.st).rdev;
  p.out(`${label}: ${(d >>> 8) & 0xfff}:${(d & 0xff) | ((d >>> 12) & ~0xff)}`);
}

async function status(l: Libc, pid: number): Promise<number> {
  const s = l.malloc(4); await l.waitpid(pid, s, 0); return l.WEXITSTATUS(l.peek_i32(s));
}

const S_IFIFO = 0o10000, S_IFCHR = 0o20000, S_IFDIR = 0o40000, S_IFBLK = 0o60000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFSOCK = 0o140000;

const cases: ConfCase[] = [
  {
    name: 'mknod_types', c_globals: HELPERS,
    c: `umask(022); R("reg", mknod("r", S_IFREG|0666, 0)); S("reg_st", stat("r", &st)); R("zero_type", mknod("z", 0644, 0)); S("zero_st", stat("z", &st));
        R("fifo", mknod("p", S_IFIFO|0666, 0)); S("fifo_st", stat("p", &st)); R("mkfifo", mkfifo("q", 0600)); S("mkfifo_st", stat("q", &st)); R("sock", mknod("s", S_IFSOCK|0777, 0)); S("sock_st", stat("s", &st));
        R("eexist", mknod("p", S_IFIFO|0600, 0)); R("mkfifo_eexist", mkfifo("r", 0600)); R("dir_type", mknod("d", S_IFDIR|0755, 0)); R("bad_type", mknod("x", 0070000|0644, 0)); R("bad_type2", mknod("x", 0170000|0644, 0));
        R("lnk_type", mknod("x", S_IFLNK|0777, 0)); R("enoent", mknod("no/x", S_IFIFO|0600, 0)); R("enotdir", mknod("r/x", S_IFIFO|0600, 0)); R("trailing_slash", mknod("y/", S_IFIFO|0600, 0));
        R("efault", mknod((char *)8, S_IFIFO|0600, 0)); R("bad_type_eexist", mknod("p", 0070000, 0)); R("dir_type_eexist", mknod("p", S_IFDIR, 0)); R("special_bits", mknod("b4", S_IFIFO|07777, 0)); S("special_st", stat("b4", &st));
        R("mknodat", mknodat(AT_FDCWD, "at", S_IFIFO|0644, 0)); R("mknodat_ebadf", mknodat(99, "at2", S_IFIFO|0644, 0)); int fd = open("r", O_RDONLY); R("mknodat_enotdir", mknodat(fd, "at3", S_IFIFO|0644, 0));
        R("fifo_dev_ignored", mknod("pd", S_IFIFO|0600, makedev(1, 3))); RDEV("fifo_rdev", "pd"); R("rmdir_fifo", rmdir("p")); R("unlink_fifo", unlink("p")); LS("ls", ".");`,
    run: async (p, l) => {
      await l.umask(0o22); await p.r('reg', l.mknod('r', S_IFREG | 0o666, 0)); await p.s('reg_st', l.stat('r', p.st)); await p.r('zero_type', l.mknod('z', 0o644, 0)); await p.s('zero_st', l.stat('z', p.st));
      await p.r('fifo', l.mknod('p', S_IFIFO | 0o666, 0)); await p.s('fifo_st', l.stat('p', p.st)); await p.r('mkfifo', l.mkfifo('q', 0o600)); await p.s('mkfifo_st', l.stat('q', p.st)); await p.r('sock', l.mknod('s', S_IFSOCK | 0o777, 0)); await p.s('sock_st', l.stat('s', p.st));
      await p.r('eexist', l.mknod('p', S_IFIFO | 0o600, 0)); await p.r('mkfifo_eexist', l.mkfifo('r', 0o600)); await p.r('dir_type', l.mknod('d', S_IFDIR | 0o755, 0)); await p.r('bad_type', l.mknod('x', 0o70000 | 0o644, 0)); await p.r('bad_type2', l.mknod('x', 0o170000 | 0o644, 0));
      await p.r('lnk_type', l.mknod('x', S_IFLNK | 0o777, 0)); await p.r('enoent', l.mknod('no/x', S_IFIFO | 0o600, 0)); await p.r('enotdir', l.mknod('r/x', S_IFIFO | 0o600, 0)); await p.r('trailing_slash', l.mknod('y/', S_IFIFO | 0o600, 0));
      await p.r('efault', l.call_sys('mknodat', l.AT_FDCWD, 8, S_IFIFO | 0o600, 0)); await p.r('bad_type_eexist', l.mknod('p', 0o70000, 0)); await p.r('dir_type_eexist', l.mknod('p', S_IFDIR, 0)); await p.r('special_bits', l.mknod('b4', S_IFIFO | 0o7777, 0)); await p.s('special_st', l.stat('b4', p.st));
      await p.r('mknodat', l.mknodat(l.AT_FDCWD, 'at', S_IFIFO | 0o644, 0)); await p.r('mknodat_ebadf', l.mknodat(99, 'at2', S_IFIFO | 0o644, 0)); const fd = await l.open('r', l.O_RDONLY) as number; await p.r('mknodat_enotdir', l.mknodat(fd, 'at3', S_IFIFO | 0o644, 0));
      await p.r('fifo_dev_ignored', l.mknod('pd', S_IFIFO | 0o600, l.makedev(1, 3))); await rdev(p, l, 'fifo_rdev', 'pd'); await p.r('rmdir_fifo', l.rmdir('p')); await p.r('unlink_fifo', l.unlink('p')); await p.ls('ls', '.');
    },
  },
  {
    name: 'mknod_devices', c_globals: HELPERS,
    c: `umask(0); R("null", mknod("n", S_IFCHR|0666, makedev(1, 3))); S("null_st", stat("n", &st)); RDEV("null_rdev", "n"); int fd = open("n", O_RDWR); R("open_null", fd >= 0); R("write_null", write(fd, "abc", 3)); R("read_null", read(fd, buf, 10));
        R("zero", mknod("zr", S_IFCHR|0444, makedev(1, 5))); fd = open("zr", O_RDONLY); RD("read_zero", read(fd, buf, 4), buf); R("nodev", mknod("nd", S_IFCHR|0600, makedev(60, 7))); RDEV("nodev_rdev", "nd"); R("open_nodev", open("nd", O_RDONLY));
        R("blk", mknod("bk", S_IFBLK|0600, makedev(60, 0))); S("blk_st", stat("bk", &st)); R("open_blk", open("bk", O_RDONLY)); R("sock", mknod("s", S_IFSOCK|0600, 0)); R("open_sock", open("s", O_RDONLY)); R("open_sock_path", open("s", O_PATH) >= 0);
        R("big_minor", mknod("bm", S_IFCHR|0600, makedev(1, 300))); RDEV("big_minor_rdev", "bm"); mkdir("ro", 0755); chmod(".", 0777); R("setuid", setuid(1000));
        R("chr_eperm", mknod("u", S_IFCHR|0600, makedev(1, 3))); R("blk_eperm", mknod("u", S_IFBLK|0600, makedev(7, 0))); R("eacces_before_eperm", mknod("ro/u", S_IFCHR|0600, makedev(1, 3)));
        R("fifo_user", mknod("uf", S_IFIFO|0600, 0)); R("reg_user", mknod("ur", S_IFREG|0600, 0)); R("sock_user", mknod("us", S_IFSOCK|0600, 0)); R("fifo_eacces", mknod("ro/f", S_IFIFO|0600, 0)); R("open_null_as_user", open("n", O_WRONLY) >= 0);`,
    run: async (p, l) => {
      await l.umask(0); await p.r('null', l.mknod('n', S_IFCHR | 0o666, l.makedev(1, 3))); await p.s('null_st', l.stat('n', p.st)); await rdev(p, l, 'null_rdev', 'n'); let fd = await l.open('n', l.O_RDWR) as number; await p.r('open_null', fd >= 0 ? 1 : 0); await p.r('write_null', l.write(fd, 'abc')); await p.r('read_null', l.read(fd, p.buf, 10));
      await p.r('zero', l.mknod('zr', S_IFCHR | 0o444, l.makedev(1, 5))); fd = await l.open('zr', l.O_RDONLY) as number; await p.rd('read_zero', l.read(fd, p.buf, 4)); await p.r('nodev', l.mknod('nd', S_IFCHR | 0o600, l.makedev(60, 7))); await rdev(p, l, 'nodev_rdev', 'nd'); await p.r('open_nodev', l.open('nd', l.O_RDONLY));
      await p.r('blk', l.mknod('bk', S_IFBLK | 0o600, l.makedev(60, 0))); await p.s('blk_st', l.stat('bk', p.st)); await p.r('open_blk', l.open('bk', l.O_RDONLY)); await p.r('sock', l.mknod('s', S_IFSOCK | 0o600, 0)); await p.r('open_sock', l.open('s', l.O_RDONLY)); await p.r('open_sock_path', (await l.open('s', l.O_PATH) as number) >= 0 ? 1 : 0);
      await p.r('big_minor', l.mknod('bm', S_IFCHR | 0o600, l.makedev(1, 300))); await rdev(p, l, 'big_minor_rdev', 'bm'); await l.mkdir('ro', 0o755); await l.chmod('.', 0o777); await p.r('setuid', l.setuid(1000));
      await p.r('chr_eperm', l.mknod('u', S_IFCHR | 0o600, l.makedev(1, 3))); await p.r('blk_eperm', l.mknod('u', S_IFBLK | 0o600, l.makedev(7, 0))); await p.r('eacces_before_eperm', l.mknod('ro/u', S_IFCHR | 0o600, l.makedev(1, 3)));
      await p.r('fifo_user', l.mknod('uf', S_IFIFO | 0o600, 0)); await p.r('reg_user', l.mknod('ur', S_IFREG | 0o600, 0)); await p.r('sock_user', l.mknod('us', S_IFSOCK | 0o600, 0)); await p.r('fifo_eacces', l.mknod('ro/f', S_IFIFO | 0o600, 0)); await p.r('open_null_as_user', (await l.open('n', l.O_WRONLY) as number) >= 0 ? 1 : 0);
    },
  },
  {
    name: 'fifo_nonblocking_opens', c_globals: HELPERS,
    c: `mkfifo("p", 0600); R("wronly_nb_no_reader", open("p", O_WRONLY|O_NONBLOCK)); int r = open("p", O_RDONLY|O_NONBLOCK); R("rdonly_nb", r); R("read_no_writer", read(r, buf, 10));
        int w = open("p", O_WRONLY|O_NONBLOCK); R("wronly_nb_with_reader", w); R("write", write(w, "hello", 5)); int n = 0; ioctl(r, FIONREAD, &n); R("fionread", n); RD("read", read(r, buf, 10), buf); R("read_empty", read(r, buf, 10));
        R("lseek", lseek(r, 0, SEEK_SET)); R("pread", pread(r, buf, 1, 0)); R("pwrite", pwrite(w, "x", 1, 0)); R("pipe_sz", fcntl(r, F_GETPIPE_SZ)); S("fstat", fstat(r, &st)); R("fl", fcntl(r, F_GETFL) & (O_ACCMODE|O_NONBLOCK));
        int rw = open("p", O_RDWR); R("rdwr", rw >= 0); write(w, "xy", 2); close(w); close(r); RD("rdwr_reads", read(rw, buf, 10), buf); close(rw);
        rw = open("p", O_RDWR|O_NONBLOCK); R("data_gone", read(rw, buf, 10)); write(rw, "kept", 4); int r2 = open("p", O_RDONLY|O_NONBLOCK); close(rw); RD("kept_while_open", read(r2, buf, 10), buf); R("eof", read(r2, buf, 10)); close(r2);
        R("trunc_ignored", open("p", O_RDWR|O_TRUNC) >= 0); R("creat_existing", open("p", O_RDWR|O_CREAT, 0600) >= 0); R("excl", open("p", O_RDWR|O_CREAT|O_EXCL, 0600)); R("directory", open("p", O_RDONLY|O_DIRECTORY)); R("truncate", truncate("p", 0));`,
    run: async (p, l) => {
      await l.mkfifo('p', 0o600); await p.r('wronly_nb_no_reader', l.open('p', l.O_WRONLY | l.O_NONBLOCK)); const r = await p.r('rdonly_nb', l.open('p', l.O_RDONLY | l.O_NONBLOCK)); await p.r('read_no_writer', l.read(r, p.buf, 10));
      const w = await p.r('wronly_nb_with_reader', l.open('p', l.O_WRONLY | l.O_NONBLOCK)); await p.r('write', l.write(w, 'hello')); const n = l.malloc(4); await l.ioctl(r, l.FIONREAD, n); await p.r('fionread', l.peek_i32(n)); await p.rd('read', l.read(r, p.buf, 10)); await p.r('read_empty', l.read(r, p.buf, 10));
      await p.r('lseek', l.lseek(r, 0, l.SEEK_SET)); await p.r('pread', l.pread(r, p.buf, 1, 0)); await p.r('pwrite', l.pwrite(w, 'x', 1, 0)); await p.r('pipe_sz', l.fcntl(r, l.F_GETPIPE_SZ)); await p.s('fstat', l.fstat(r, p.st)); await p.r('fl', (await l.fcntl(r, l.F_GETFL) as number) & (l.O_ACCMODE | l.O_NONBLOCK));
      let rw = await l.open('p', l.O_RDWR) as number; await p.r('rdwr', rw >= 0 ? 1 : 0); await l.write(w, 'xy'); await l.close(w); await l.close(r); await p.rd('rdwr_reads', l.read(rw, p.buf, 10)); await l.close(rw);
      rw = await l.open('p', l.O_RDWR | l.O_NONBLOCK) as number; await p.r('data_gone', l.read(rw, p.buf, 10)); await l.write(rw, 'kept'); const r2 = await l.open('p', l.O_RDONLY | l.O_NONBLOCK) as number; await l.close(rw); await p.rd('kept_while_open', l.read(r2, p.buf, 10)); await p.r('eof', l.read(r2, p.buf, 10)); await l.close(r2);
      await p.r('trunc_ignored', (await l.open('p', l.O_RDWR | l.O_TRUNC) as number) >= 0 ? 1 : 0); await p.r('creat_existing', (await l.open('p', l.O_RDWR | l.O_CREAT, 0o600) as number) >= 0 ? 1 : 0); await p.r('excl', l.open('p', l.O_RDWR | l.O_CREAT | l.O_EXCL, 0o600)); await p.r('directory', l.open('p', l.O_RDONLY | l.O_DIRECTORY)); await p.r('truncate', l.truncate('p', 0));
    },
  },
  {
    name: 'fifo_blocking_opens', c_globals: HELPERS,
    c: `mkfifo("p", 0600); fflush(stdout); pid_t c = fork(); if (c == 0) { int w = open("p", O_WRONLY); write(w, "from child", 10); _exit(0); }
        int r = open("p", O_RDONLY); R("rdonly_waits_for_writer", r >= 0); RD("got", read(r, buf, sizeof buf), buf); int s; waitpid(c, &s, 0); R("eof_after_writer", read(r, buf, sizeof buf)); close(r);
        c = fork(); if (c == 0) { int rr = open("p", O_RDONLY); _exit(read(rr, buf, sizeof buf)); } int w = open("p", O_WRONLY); R("wronly_waits_for_reader", w >= 0); R("write", write(w, "abc", 3)); close(w); waitpid(c, &s, 0); R("child_read", WEXITSTATUS(s));
        c = fork(); if (c == 0) { int rr = open("p", O_RDONLY|O_NONBLOCK); usleep(0); _exit(rr >= 0 ? 0 : 1); } waitpid(c, &s, 0); R("nonblock_reader_child", WEXITSTATUS(s)); R("reader_gone", open("p", O_WRONLY|O_NONBLOCK));`,
    run: async (p, l) => {
      await l.mkfifo('p', 0o600); let c = await l.fork(async (cl) => { const w = await cl.open('p', cl.O_WRONLY) as number; await cl.write(w, 'from child'); return 0; }) as number;
      const r = await l.open('p', l.O_RDONLY) as number; await p.r('rdonly_waits_for_writer', r >= 0 ? 1 : 0); await p.rd('got', l.read(r, p.buf, 4096)); await status(l, c); await p.r('eof_after_writer', l.read(r, p.buf, 4096)); await l.close(r);
      c = await l.fork(async (cl) => { const rr = await cl.open('p', cl.O_RDONLY) as number; return await cl.read(rr, cl.malloc(64), 64) as number; }) as number; const w = await l.open('p', l.O_WRONLY) as number; await p.r('wronly_waits_for_reader', w >= 0 ? 1 : 0); await p.r('write', l.write(w, 'abc')); await l.close(w); await p.r('child_read', status(l, c));
      c = await l.fork(async (cl) => ((await cl.open('p', cl.O_RDONLY | cl.O_NONBLOCK) as number) >= 0 ? 0 : 1)) as number; await p.r('nonblock_reader_child', status(l, c)); await p.r('reader_gone', l.open('p', l.O_WRONLY | l.O_NONBLOCK));
    },
  },
  {
    name: 'fifo_poll', c_globals: HELPERS,
    c: `mkfifo("p", 0600); int r = open("p", O_RDONLY|O_NONBLOCK); struct pollfd pf = {r, POLLIN, 0}; R("reader_no_writer_yet", poll(&pf, 1, 0)); R("rev", pf.revents);
        int w = open("p", O_WRONLY|O_NONBLOCK); struct pollfd pw = {w, POLLOUT, 0}; R("writer", poll(&pw, 1, 0)); R("wrev", pw.revents); R("reader_with_writer", poll(&pf, 1, 0)); R("rev2", pf.revents);
        write(w, "x", 1); R("reader_data", poll(&pf, 1, 0)); R("rev3", pf.revents); close(w); R("reader_writer_gone", poll(&pf, 1, 0)); R("rev4", pf.revents); read(r, buf, 10); R("reader_hup", poll(&pf, 1, 0)); R("rev5", pf.revents);
        int w2 = open("p", O_WRONLY|O_NONBLOCK); R("reader_new_writer", poll(&pf, 1, 0)); R("rev6", pf.revents); close(r); pw.fd = w2; R("writer_no_reader", poll(&pw, 1, 0)); R("wrev2", pw.revents); signal(SIGPIPE, SIG_IGN); R("epipe", write(w2, "x", 1));`,
    run: async (p, l) => {
      const poll1 = async (label: string, fd: number, ev: number): Promise<void> => { const pf = l.malloc(8); l.poke_u32(pf, fd); l.poke_u32(pf + 4, ev); await p.r(label, l.poll(pf, 1, 0)); await p.r(label.startsWith('writer') ? (label === 'writer' ? 'wrev' : 'wrev2') : REV[label], l.peek_i32(pf + 4) >>> 16); };
      await l.mkfifo('p', 0o600); const r = await l.open('p', l.O_RDONLY | l.O_NONBLOCK) as number; await poll1('reader_no_writer_yet', r, l.POLLIN);
      const w = await l.open('p', l.O_WRONLY | l.O_NONBLOCK) as number; await poll1('writer', w, l.POLLOUT); await poll1('reader_with_writer', r, l.POLLIN);
      await l.write(w, 'x'); await poll1('reader_data', r, l.POLLIN); await l.close(w); await poll1('reader_writer_gone', r, l.POLLIN); await l.read(r, p.buf, 10); await poll1('reader_hup', r, l.POLLIN);
      const w2 = await l.open('p', l.O_WRONLY | l.O_NONBLOCK) as number; await poll1('reader_new_writer', r, l.POLLIN); await l.close(r); await poll1('writer_no_reader', w2, l.POLLOUT); await l.signal(l.SIGPIPE, l.SIG_IGN); await p.r('epipe', l.write(w2, 'x'));
    },
  },
];

const REV: Record<string, string> = { reader_no_writer_yet: 'rev', reader_with_writer: 'rev2', reader_data: 'rev3', reader_writer_gone: 'rev4', reader_hup: 'rev5', reader_new_writer: 'rev6' };
void S_IFBLK; void S_IFCHR;
conformance(test, 'fs_mknod', cases);
