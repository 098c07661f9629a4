/** Conformance: unlinked files through /proc/PID/fd (magic links) and O_TMPFILE's rules from open(2). */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

/** LNK(label, path): the link's last component, each run of digits as N (inode numbers differ between kernels). */
const HELPERS = String.raw`
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
static char path_[64];
static const char *fdp(int fd) { sprintf(path_, "/proc/self/fd/%d", fd); return path_; }
static void LNK(const char *l, const char *p) {
  char t[4096]; int n = readlink(p, t, sizeof t - 1); if (n < 0) { pr_err(l); return; } t[n] = 0;
  char *b = strrchr(t, '/'); b = b ? b + 1 : t; printf("%s: ", l);
  for (char *c = b; *c; c++) if (*c < '0' || *c > '9') putchar(*c); else if (c[1] < '0' || c[1] > '9') putchar('N');
  putchar('\n');
}
static int same_ino(int a, int b) { struct stat x, y; fstat(a, &x); fstat(b, &y); return x.st_ino == y.st_ino && x.st_dev == y.st_dev; }
`;

const fdp = (fd: number): string => `/proc/self/fd/${fd}`;
async function lnk(p: P, l: Libc, label: string, path: string): Promise<void> {
  const n = await l.readlink(path, p.buf, 4095);
  if (n === -1) { p.err(label); return; }
  const t = new TextDecoder().decode(l.peek(p.buf, n));
  p.out(`${label}: ${t.slice(t.lastIndexOf('/') + 1).replace(/[0-9]+/g, 'N')}`);
}
async function same_ino(l: Libc, a: number, b: number): Promise<number> {
  const x = l.malloc(256), y = l.malloc(256); await l.fstat(a, x); await l.fstat(b, y);
  const sx = l.parse_stat(x), sy = l.parse_stat(y);
  return sx.ino === sy.ino && sx.dev === sy.dev ? 1 : 0;
}
const AT_SYMLINK_FOLLOW = 0x400, AT_EMPTY_PATH = 0x1000, RESOLVE_NO_MAGICLINKS = 2;

const cases: ConfCase[] = [
  {
    name: 'proc_fd_unlinked_file', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); write(fd, "data", 4); LNK("before", fdp(fd)); R("unlink", unlink("f")); LNK("after", fdp(fd));
        int r = open(fdp(fd), O_RDONLY); R("reopen", r >= 0); RD("reopen_reads", read(r, buf, 10), buf); S("reopen_fstat", fstat(r, &st)); R("same_inode", same_ino(fd, r)); R("own_offset", lseek(r, 0, SEEK_CUR));
        int w = open(fdp(fd), O_WRONLY|O_APPEND); write(w, "more", 4); RD("via_orig", pread(fd, buf, 20, 0), buf); S("stat_follows", stat(fdp(fd), &st)); R("open_creat", open(fdp(fd), O_RDWR|O_CREAT, 0644) >= 0);
        R("creat_excl", open(fdp(fd), O_RDWR|O_CREAT|O_EXCL, 0644)); R("nofollow", open(fdp(fd), O_RDONLY|O_NOFOLLOW)); struct open_how how = {O_RDONLY, 0, RESOLVE_NO_MAGICLINKS}; R("no_magiclinks", syscall(SYS_openat2, AT_FDCWD, fdp(fd), &how, sizeof how));
        R("linkat_follow", linkat(AT_FDCWD, fdp(fd), AT_FDCWD, "g", AT_SYMLINK_FOLLOW)); R("linkat_empty_path", linkat(fd, "", AT_FDCWD, "g", AT_EMPTY_PATH)); R("linkat_nofollow", linkat(AT_FDCWD, fdp(fd), AT_FDCWD, "g", 0));
        R("bad_fd", open("/proc/self/fd/99", O_RDONLY)); mkdir("d", 0755); int dfd = open("d", O_RDONLY|O_DIRECTORY); R("through_dir_fd", open(fdp(dfd), O_RDONLY|O_DIRECTORY) >= 0); sprintf(buf, "%s/new", fdp(dfd)); R("create_below_dir_fd", open(buf, O_CREAT|O_RDWR, 0600) >= 0); LS("d_ls", "d");
        R("rdonly_fd_reopened_rw", open(fdp(r), O_RDWR) >= 0); chmod(fdp(fd), 0400); S("chmod_through_link", fstat(fd, &st)); LS("ls", ".");`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644) as number; await l.write(fd, 'data'); await lnk(p, l, 'before', fdp(fd)); await p.r('unlink', l.unlink('f')); await lnk(p, l, 'after', fdp(fd));
      const r = await l.open(fdp(fd), l.O_RDONLY) as number; await p.r('reopen', r >= 0 ? 1 : 0); await p.rd('reopen_reads', l.read(r, p.buf, 10)); await p.s('reopen_fstat', l.fstat(r, p.st)); await p.r('same_inode', same_ino(l, fd, r)); await p.r('own_offset', l.lseek(r, 0, l.SEEK_CUR));
      const w = await l.open(fdp(fd), l.O_WRONLY | l.O_APPEND) as number; await l.write(w, 'more'); await p.rd('via_orig', l.pread(fd, p.buf, 20, 0)); await p.s('stat_follows', l.stat(fdp(fd), p.st)); await p.r('open_creat', (await l.open(fdp(fd), l.O_RDWR | l.O_CREAT, 0o644) as number) >= 0 ? 1 : 0);
      await p.r('creat_excl', l.open(fdp(fd), l.O_RDWR | l.O_CREAT | l.O_EXCL, 0o644)); await p.r('nofollow', l.open(fdp(fd), l.O_RDONLY | l.O_NOFOLLOW));
      const how = l.malloc(24); l.poke_u64(how, l.O_RDONLY); l.poke_u64(how + 8, 0); l.poke_u64(how + 16, RESOLVE_NO_MAGICLINKS); await p.r('no_magiclinks', l.with_scratch(() => l.call_sys('openat2', l.AT_FDCWD, l.str(fdp(fd)), how, 24)));
      await p.r('linkat_follow', l.linkat(l.AT_FDCWD, fdp(fd), l.AT_FDCWD, 'g', AT_SYMLINK_FOLLOW)); await p.r('linkat_empty_path', l.linkat(fd, '', l.AT_FDCWD, 'g', AT_EMPTY_PATH)); await p.r('linkat_nofollow', l.linkat(l.AT_FDCWD, fdp(fd), l.AT_FDCWD, 'g', 0));
      await p.r('bad_fd', l.open('/proc/self/fd/99', l.O_RDONLY)); await l.mkdir('d', 0o755); const dfd = await l.open('d', l.O_RDONLY | l.O_DIRECTORY) as number; await p.r('through_dir_fd', (await l.open(fdp(dfd), l.O_RDONLY | l.O_DIRECTORY) as number) >= 0 ? 1 : 0); await p.r('create_below_dir_fd', (await l.open(`${fdp(dfd)}/new`, l.O_CREAT | l.O_RDWR, 0o600) as number) >= 0 ? 1 : 0); await p.ls('d_ls', 'd');
      await p.r('rdonly_fd_reopened_rw', (await l.open(fdp(r), l.O_RDWR) as number) >= 0 ? 1 : 0); await l.chmod(fdp(fd), 0o400); await p.s('chmod_through_link', l.fstat(fd, p.st)); await p.ls('ls', '.');
    },
  },
  {
    name: 'tmpfile_linkat', c_globals: HELPERS,
    c: `int fd = open(".", O_TMPFILE|O_RDWR, 0640); R("tmpfile", fd >= 0); S("fstat", fstat(fd, &st)); LNK("link", fdp(fd)); write(fd, "tmp", 3); LS("invisible", ".");
        R("linkat_follow", linkat(AT_FDCWD, fdp(fd), AT_FDCWD, "g", AT_SYMLINK_FOLLOW)); S("g", stat("g", &st)); RD("g_reads", read(open("g", O_RDONLY), buf, 10), buf); S("fstat_after", fstat(fd, &st)); LNK("link_after", fdp(fd));
        R("link_again", linkat(fd, "", AT_FDCWD, "h", AT_EMPTY_PATH)); S("fstat_two", fstat(fd, &st)); R("eexist", linkat(fd, "", AT_FDCWD, "h", AT_EMPTY_PATH)); unlink("g"); unlink("h"); S("fstat_zero", fstat(fd, &st));
        R("relink_after_unlink", linkat(fd, "", AT_FDCWD, "i", AT_EMPTY_PATH)); int t2 = open(".", O_TMPFILE|O_WRONLY, 0600); R("empty_path_needs_flag", linkat(t2, "", AT_FDCWD, "k", 0)); R("empty_path", linkat(t2, "", AT_FDCWD, "j", AT_EMPTY_PATH));
        mkdir("d", 0755); int t3 = open("d", O_TMPFILE|O_RDWR, 0600); R("into_other_dir", linkat(t3, "", AT_FDCWD, "k", AT_EMPTY_PATH)); R("cwd_empty_path", linkat(AT_FDCWD, "", AT_FDCWD, "m", AT_EMPTY_PATH)); LS("ls", "."); LS("d_ls", "d");`,
    run: async (p, l) => {
      const fd = await l.open('.', l.O_TMPFILE | l.O_RDWR, 0o640) as number; await p.r('tmpfile', fd >= 0 ? 1 : 0); await p.s('fstat', l.fstat(fd, p.st)); await lnk(p, l, 'link', fdp(fd)); await l.write(fd, 'tmp'); await p.ls('invisible', '.');
      await p.r('linkat_follow', l.linkat(l.AT_FDCWD, fdp(fd), l.AT_FDCWD, 'g', AT_SYMLINK_FOLLOW)); await p.s('g', l.stat('g', p.st)); await p.rd('g_reads', l.read(await l.open('g', l.O_RDONLY) as number, p.buf, 10)); await p.s('fstat_after', l.fstat(fd, p.st)); await lnk(p, l, 'link_after', fdp(fd));
      await p.r('link_again', l.linkat(fd, '', l.AT_FDCWD, 'h', AT_EMPTY_PATH)); await p.s('fstat_two', l.fstat(fd, p.st)); await p.r('eexist', l.linkat(fd, '', l.AT_FDCWD, 'h', AT_EMPTY_PATH)); await l.unlink('g'); await l.unlink('h'); await p.s('fstat_zero', l.fstat(fd, p.st));
      await p.r('relink_after_unlink', l.linkat(fd, '', l.AT_FDCWD, 'i', AT_EMPTY_PATH)); const t2 = await l.open('.', l.O_TMPFILE | l.O_WRONLY, 0o600) as number; await p.r('empty_path_needs_flag', l.linkat(t2, '', l.AT_FDCWD, 'k', 0)); await p.r('empty_path', l.linkat(t2, '', l.AT_FDCWD, 'j', AT_EMPTY_PATH));
      await l.mkdir('d', 0o755); const t3 = await l.open('d', l.O_TMPFILE | l.O_RDWR, 0o600) as number; await p.r('into_other_dir', l.linkat(t3, '', l.AT_FDCWD, 'k', AT_EMPTY_PATH)); await p.r('cwd_empty_path', l.linkat(l.AT_FDCWD, '', l.AT_FDCWD, 'm', AT_EMPTY_PATH)); await p.ls('ls', '.'); await p.ls('d_ls', 'd');
    },
  },
  {
    name: 'tmpfile_open_rules', c_globals: HELPERS,
    c: `umask(022); R("rdonly", open(".", O_TMPFILE|O_RDONLY, 0600)); R("no_directory_bit", open(".", (O_TMPFILE & ~O_DIRECTORY)|O_RDWR, 0600)); R("creat", open(".", O_TMPFILE|O_RDWR|O_CREAT, 0600));
        close(open("f", O_CREAT|O_RDWR, 0644)); R("on_file", open("f", O_TMPFILE|O_RDWR, 0600)); R("missing", open("missing", O_TMPFILE|O_RDWR, 0600)); R("missing_parent", open("a/b", O_TMPFILE|O_RDWR, 0600));
        int fd = open(".", O_TMPFILE|O_RDWR, 0666); S("umask_applied", fstat(fd, &st)); R("acc", fcntl(fd, F_GETFL) & O_ACCMODE); R("proc", open("/proc", O_TMPFILE|O_RDWR, 0600));
        int ex = open(".", O_TMPFILE|O_RDWR|O_EXCL, 0600); R("excl", ex >= 0); R("excl_link_follow", linkat(AT_FDCWD, fdp(ex), AT_FDCWD, "x", AT_SYMLINK_FOLLOW)); R("excl_empty_path", linkat(ex, "", AT_FDCWD, "x", AT_EMPTY_PATH));
        R("wronly", open(".", O_TMPFILE|O_WRONLY, 0600) >= 0); R("trailing_slash", open("./", O_TMPFILE|O_RDWR, 0600) >= 0); R("mode_high_bits", open(".", O_TMPFILE|O_RDWR, 07777) >= 0); S("high_st", fstat(open(".", O_TMPFILE|O_RDWR, 07777), &st));
        R("symlink_to_dir", (symlink(".", "sl"), open("sl", O_TMPFILE|O_RDWR, 0600) >= 0)); R("symlink_nofollow", open("sl", O_TMPFILE|O_RDWR|O_NOFOLLOW, 0600));
        mkdir("ro", 0755); chmod(".", 0777); R("setuid", setuid(1000)); R("eacces", open("ro", O_TMPFILE|O_RDWR, 0600)); int u = open(".", O_TMPFILE|O_RDWR, 0600); R("user_ok", u >= 0); S("user_st", fstat(u, &st));
        R("user_linkat_own", linkat(u, "", AT_FDCWD, "u", AT_EMPTY_PATH)); S("u", stat("u", &st)); LS("ls", ".");`,
    run: async (p, l) => {
      const TMP = l.O_TMPFILE; await l.umask(0o22); await p.r('rdonly', l.open('.', TMP | l.O_RDONLY, 0o600)); await p.r('no_directory_bit', l.open('.', (TMP & ~l.O_DIRECTORY) | l.O_RDWR, 0o600)); await p.r('creat', l.open('.', TMP | l.O_RDWR | l.O_CREAT, 0o600));
      await l.close(await l.open('f', l.O_CREAT | l.O_RDWR, 0o644) as number); await p.r('on_file', l.open('f', TMP | l.O_RDWR, 0o600)); await p.r('missing', l.open('missing', TMP | l.O_RDWR, 0o600)); await p.r('missing_parent', l.open('a/b', TMP | l.O_RDWR, 0o600));
      const fd = await l.open('.', TMP | l.O_RDWR, 0o666) as number; await p.s('umask_applied', l.fstat(fd, p.st)); await p.r('acc', (await l.fcntl(fd, l.F_GETFL) as number) & l.O_ACCMODE); await p.r('proc', l.open('/proc', TMP | l.O_RDWR, 0o600));
      const ex = await l.open('.', TMP | l.O_RDWR | l.O_EXCL, 0o600) as number; await p.r('excl', ex >= 0 ? 1 : 0); await p.r('excl_link_follow', l.linkat(l.AT_FDCWD, fdp(ex), l.AT_FDCWD, 'x', AT_SYMLINK_FOLLOW)); await p.r('excl_empty_path', l.linkat(ex, '', l.AT_FDCWD, 'x', AT_EMPTY_PATH));
      await p.r('wronly', (await l.open('.', TMP | l.O_WRONLY, 0o600) as number) >= 0 ? 1 : 0); await p.r('trailing_slash', (await l.open('./', TMP | l.O_RDWR, 0o600) as number) >= 0 ? 1 : 0); await p.r('mode_high_bits', (await l.open('.', TMP | l.O_RDWR, 0o7777) as number) >= 0 ? 1 : 0); await p.s('high_st', l.fstat(await l.open('.', TMP | l.O_RDWR, 0o7777) as number, p.st));
      await l.symlink('.', 'sl'); await p.r('symlink_to_dir', (await l.open('sl', TMP | l.O_RDWR, 0o600) as number) >= 0 ? 1 : 0); await p.r('symlink_nofollow', l.open('sl', TMP | l.O_RDWR | l.O_NOFOLLOW, 0o600));
      await l.mkdir('ro', 0o755); await l.chmod('.', 0o777); await p.r('setuid', l.setuid(1000)); await p.r('eacces', l.open('ro', TMP | l.O_RDWR, 0o600)); const u = await l.open('.', TMP | l.O_RDWR, 0o600) as number; await p.r('user_ok', u >= 0 ? 1 : 0); await p.s('user_st', l.fstat(u, p.st));
      await p.r('user_linkat_own', l.linkat(u, '', l.AT_FDCWD, 'u', AT_EMPTY_PATH)); await p.s('u', l.stat('u', p.st)); await p.ls('ls', '.');
    },
  },
  {
    name: 'proc_cwd_removed_dir', c_globals: HELPERS,
    c: `mkdir("d", 0755); chdir("d"); R("rmdir", rmdir("../d")); LNK("cwd", "/proc/self/cwd"); int fd = open("/proc/self/cwd", O_RDONLY|O_DIRECTORY); R("open_cwd", fd >= 0); R("getdents", syscall(SYS_getdents64, fd, buf, sizeof buf));
        R("create_in_dead", open("x", O_CREAT|O_RDWR, 0600)); R("tmpfile_in_dead", open(".", O_TMPFILE|O_RDWR, 0600)); R("mkdir_in_dead", mkdir("y", 0755)); R("mkfifo_in_dead", mkfifo("z", 0600)); S("dot", stat(".", &st)); LNK("fd_link", fdp(fd));`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755); await l.chdir('d'); await p.r('rmdir', l.rmdir('../d')); await lnk(p, l, 'cwd', '/proc/self/cwd'); const fd = await l.open('/proc/self/cwd', l.O_RDONLY | l.O_DIRECTORY) as number; await p.r('open_cwd', fd >= 0 ? 1 : 0); await p.r('getdents', l.getdents64(fd, p.buf, 4096));
      await p.r('create_in_dead', l.open('x', l.O_CREAT | l.O_RDWR, 0o600)); await p.r('tmpfile_in_dead', l.open('.', l.O_TMPFILE | l.O_RDWR, 0o600)); await p.r('mkdir_in_dead', l.mkdir('y', 0o755)); await p.r('mkfifo_in_dead', l.mkfifo('z', 0o600)); await p.s('dot', l.stat('.', p.st)); await lnk(p, l, 'fd_link', fdp(fd));
    },
  },
  {
    name: 'proc_fd_pipes_and_anon', c_globals: HELPERS,
    c: `int p[2]; pipe(p); write(p[1], "abc", 3); int r = open(fdp(p[1]), O_RDONLY); R("reopen_write_end_for_read", r >= 0); RD("reads_same_pipe", read(r, buf, 10), buf); LNK("link", fdp(r));
        S("stat_pipe", stat(fdp(p[0]), &st)); R("same_inode", same_ino(r, p[0])); int w = open(fdp(p[0]), O_WRONLY); write(w, "z", 1); RD("via_reopened_write", read(p[0], buf, 10), buf);
        close(p[1]); close(w); R("eof_needs_all_writers", read(r, buf, 10)); int e = eventfd(0, 0); R("eventfd", open(fdp(e), O_RDWR)); int s = socket(AF_UNIX, SOCK_STREAM, 0); R("socket", open(fdp(s), O_RDWR));
        S("stat_socket", stat(fdp(s), &st)); int ep = epoll_create1(0); R("epoll", open(fdp(ep), O_RDONLY)); R("epoll_o_path", open(fdp(ep), O_PATH) >= 0);
        R("pipe_via_fd0", (dup2(r, 0), open("/proc/self/fd/0", O_RDONLY) >= 0));`,
    run: async (p, l) => {
      const pp = l.malloc(8); await l.pipe2(pp, 0); const p0 = l.peek_i32(pp), p1 = l.peek_i32(pp + 4); await l.write(p1, 'abc'); const r = await l.open(fdp(p1), l.O_RDONLY) as number; await p.r('reopen_write_end_for_read', r >= 0 ? 1 : 0); await p.rd('reads_same_pipe', l.read(r, p.buf, 10)); await lnk(p, l, 'link', fdp(r));
      await p.s('stat_pipe', l.stat(fdp(p0), p.st)); await p.r('same_inode', same_ino(l, r, p0)); const w = await l.open(fdp(p0), l.O_WRONLY) as number; await l.write(w, 'z'); await p.rd('via_reopened_write', l.read(p0, p.buf, 10));
      await l.close(p1); await l.close(w); await p.r('eof_needs_all_writers', l.read(r, p.buf, 10)); const e = await l.eventfd(0, 0) as number; await p.r('eventfd', l.open(fdp(e), l.O_RDWR)); const s = await l.socket(l.AF_UNIX, l.SOCK_STREAM, 0) as number; await p.r('socket', l.open(fdp(s), l.O_RDWR));
      await p.s('stat_socket', l.stat(fdp(s), p.st)); const ep = await l.epoll_create1(0) as number; await p.r('epoll', l.open(fdp(ep), l.O_RDONLY)); await p.r('epoll_o_path', (await l.open(fdp(ep), l.O_PATH) as number) >= 0 ? 1 : 0);
      await l.dup2(r, 0); await p.r('pipe_via_fd0', (await l.open('/proc/self/fd/0', l.O_RDONLY) as number) >= 0 ? 1 : 0);
    },
  },
];

conformance(test, 'fs_tmpfile', cases);
