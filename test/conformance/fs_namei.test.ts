/** Conformance: the namespace — mkdir/rmdir/unlink/link/symlink/rename, path walk, stat, getdents, cwd, modes, times. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';
import type { Libc } from '../../libc/index.ts';

async function touch(l: Libc, name: string, content = ''): Promise<void> {
  const fd = await l.open(name, l.O_CREAT | l.O_WRONLY | l.O_TRUNC, 0o644);
  if (content) await l.write(fd, content);
  await l.close(fd);
}
const T = String.raw`static void touch(const char *n, const char *c) { int fd = open(n, O_CREAT|O_WRONLY|O_TRUNC, 0644); write(fd, c, strlen(c)); close(fd); }`;

const cases: ConfCase[] = [
  {
    name: 'mkdir_rules', c_globals: T,
    c: `S("dot", stat(".", &st)); R("mkdir", mkdir("d", 0755)); S("d", stat("d", &st)); S("parent", stat(".", &st)); R("eexist", mkdir("d", 0755)); R("enoent", mkdir("x/y", 0755));
        R("trailing", mkdir("t/", 0700)); S("t", stat("t", &st)); touch("f", ""); R("under_file", mkdir("f/x", 0755)); R("dot", mkdir(".", 0755)); R("dotdot", mkdir("..", 0755));
        R("mode_bits", mkdir("m", 07777)); S("m", stat("m", &st)); R("mkdirat", mkdirat(AT_FDCWD, "d/sub", 0755)); S("d_after", stat("d", &st));`,
    run: async (p, l) => {
      await p.s('dot', l.stat('.', p.st));
      await p.r('mkdir', l.mkdir('d', 0o755));
      await p.s('d', l.stat('d', p.st));
      await p.s('parent', l.stat('.', p.st));
      await p.r('eexist', l.mkdir('d', 0o755));
      await p.r('enoent', l.mkdir('x/y', 0o755));
      await p.r('trailing', l.mkdir('t/', 0o700));
      await p.s('t', l.stat('t', p.st));
      await touch(l, 'f');
      await p.r('under_file', l.mkdir('f/x', 0o755));
      await p.r('dot', l.mkdir('.', 0o755));
      await p.r('dotdot', l.mkdir('..', 0o755));
      await p.r('mode_bits', l.mkdir('m', 0o7777));
      await p.s('m', l.stat('m', p.st));
      await p.r('mkdirat', l.mkdirat(l.AT_FDCWD, 'd/sub', 0o755));
      await p.s('d_after', l.stat('d', p.st));
    },
  },
  {
    name: 'rmdir_rules', c_globals: T,
    c: `mkdir("d", 0755); mkdir("d/sub", 0755); touch("f", ""); R("notempty", rmdir("d")); R("dot", rmdir("d/sub/.")); R("dotdot", rmdir("d/sub/..")); R("file", rmdir("f"));
        R("missing", rmdir("nope")); R("ok", rmdir("d/sub")); S("d", stat("d", &st)); R("ok2", rmdir("d/")); R("gone", stat("d", &st)); R("root", rmdir("/"));
        mkdir("e", 0755); R("unlinkat_removedir", unlinkat(AT_FDCWD, "e", AT_REMOVEDIR)); R("unlinkat_removedir_file", unlinkat(AT_FDCWD, "f", AT_REMOVEDIR)); R("unlinkat_badflag", unlinkat(AT_FDCWD, "f", 1));`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755);
      await l.mkdir('d/sub', 0o755);
      await touch(l, 'f');
      await p.r('notempty', l.rmdir('d'));
      await p.r('dot', l.rmdir('d/sub/.'));
      await p.r('dotdot', l.rmdir('d/sub/..'));
      await p.r('file', l.rmdir('f'));
      await p.r('missing', l.rmdir('nope'));
      await p.r('ok', l.rmdir('d/sub'));
      await p.s('d', l.stat('d', p.st));
      await p.r('ok2', l.rmdir('d/'));
      await p.r('gone', l.stat('d', p.st));
      await p.r('root', l.rmdir('/'));
      await l.mkdir('e', 0o755);
      await p.r('unlinkat_removedir', l.unlinkat(l.AT_FDCWD, 'e', l.AT_REMOVEDIR));
      await p.r('unlinkat_removedir_file', l.unlinkat(l.AT_FDCWD, 'f', l.AT_REMOVEDIR));
      await p.r('unlinkat_badflag', l.unlinkat(l.AT_FDCWD, 'f', 1));
    },
  },
  {
    name: 'unlink_rules', c_globals: T,
    c: `mkdir("d", 0755); touch("f", ""); symlink("d", "ld"); R("dir", unlink("d")); R("missing", unlink("nope")); R("trailing_file", unlink("f/")); R("trailing_dir", unlink("d/"));
        R("dot", unlink(".")); R("link_to_dir", unlink("ld")); S("d_still", stat("d", &st)); R("file", unlink("f")); R("again", unlink("f")); R("in_missing_dir", unlink("x/y"));`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755);
      await touch(l, 'f');
      await l.symlink('d', 'ld');
      await p.r('dir', l.unlink('d'));
      await p.r('missing', l.unlink('nope'));
      await p.r('trailing_file', l.unlink('f/'));
      await p.r('trailing_dir', l.unlink('d/'));
      await p.r('dot', l.unlink('.'));
      await p.r('link_to_dir', l.unlink('ld'));
      await p.s('d_still', l.stat('d', p.st));
      await p.r('file', l.unlink('f'));
      await p.r('again', l.unlink('f'));
      await p.r('in_missing_dir', l.unlink('x/y'));
    },
  },
  {
    name: 'rename_dir_rules', c_globals: T,
    c: `mkdir("a", 0755); mkdir("a/sub", 0755); mkdir("full", 0755); touch("full/x", ""); mkdir("empty", 0755); touch("f", "F");
        R("over_nonempty", rename("a", "full")); R("into_subtree", rename("a", "a/sub/deeper")); R("file_over_dir", rename("f", "empty")); R("dir_over_file", rename("a", "f"));
        R("onto_ancestor", rename("a/sub", "a")); R("dot", rename(".", "x")); R("to_dotdot", rename("f", "..")); R("missing", rename("nope", "x")); R("over_empty", rename("a", "empty"));
        S("empty_now", stat("empty", &st)); LS("ls_empty", "empty"); S("cwd", stat(".", &st)); R("trailing_file", rename("f/", "g")); R("trailing_dest_file", rename("f", "g/"));`,
    run: async (p, l) => {
      await l.mkdir('a', 0o755);
      await l.mkdir('a/sub', 0o755);
      await l.mkdir('full', 0o755);
      await touch(l, 'full/x');
      await l.mkdir('empty', 0o755);
      await touch(l, 'f', 'F');
      await p.r('over_nonempty', l.rename('a', 'full'));
      await p.r('into_subtree', l.rename('a', 'a/sub/deeper'));
      await p.r('file_over_dir', l.rename('f', 'empty'));
      await p.r('dir_over_file', l.rename('a', 'f'));
      await p.r('onto_ancestor', l.rename('a/sub', 'a'));
      await p.r('dot', l.rename('.', 'x'));
      await p.r('to_dotdot', l.rename('f', '..'));
      await p.r('missing', l.rename('nope', 'x'));
      await p.r('over_empty', l.rename('a', 'empty'));
      await p.s('empty_now', l.stat('empty', p.st));
      await p.ls('ls_empty', 'empty');
      await p.s('cwd', l.stat('.', p.st));
      await p.r('trailing_file', l.rename('f/', 'g'));
      await p.r('trailing_dest_file', l.rename('f', 'g/'));
    },
  },
  {
    name: 'rename_nlink_hardlinks', c_globals: T,
    c: `touch("a", "A"); link("a", "b"); touch("c", "C"); S("a0", stat("a", &st)); R("c_over_b", rename("c", "b")); S("a1", stat("a", &st)); S("b1", stat("b", &st));
        link("a", "a2"); R("same_inode", rename("a", "a2")); S("a_still", stat("a", &st)); S("a2", stat("a2", &st)); int fd = open("b", O_RDONLY); RD("b_content", read(fd, buf, 10), buf);
        mkdir("d1", 0755); mkdir("d2", 0755); mkdir("d1/x", 0755); R("move_dir", rename("d1/x", "d2/x")); S("d1", stat("d1", &st)); S("d2", stat("d2", &st));`,
    run: async (p, l) => {
      await touch(l, 'a', 'A');
      await l.link('a', 'b');
      await touch(l, 'c', 'C');
      await p.s('a0', l.stat('a', p.st));
      await p.r('c_over_b', l.rename('c', 'b'));
      await p.s('a1', l.stat('a', p.st));
      await p.s('b1', l.stat('b', p.st));
      await l.link('a', 'a2');
      await p.r('same_inode', l.rename('a', 'a2'));
      await p.s('a_still', l.stat('a', p.st));
      await p.s('a2', l.stat('a2', p.st));
      const fd = await l.open('b', l.O_RDONLY);
      await p.rd('b_content', l.read(fd, p.buf, 10));
      await l.mkdir('d1', 0o755);
      await l.mkdir('d2', 0o755);
      await l.mkdir('d1/x', 0o755);
      await p.r('move_dir', l.rename('d1/x', 'd2/x'));
      await p.s('d1', l.stat('d1', p.st));
      await p.s('d2', l.stat('d2', p.st));
    },
  },
  {
    name: 'renameat2_flags', c_globals: T,
    c: `touch("a", "AAA"); touch("b", "B"); mkdir("d", 0755); R("noreplace", renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE)); R("noreplace_new", renameat2(AT_FDCWD, "a", AT_FDCWD, "n", RENAME_NOREPLACE));
        R("exchange", renameat2(AT_FDCWD, "n", AT_FDCWD, "b", RENAME_EXCHANGE)); S("n", stat("n", &st)); S("b", stat("b", &st)); R("exchange_missing", renameat2(AT_FDCWD, "b", AT_FDCWD, "zz", RENAME_EXCHANGE));
        R("exchange_dir_file", renameat2(AT_FDCWD, "d", AT_FDCWD, "b", RENAME_EXCHANGE)); S("b_is_dir", stat("b", &st)); S("d_is_file", stat("d", &st));
        R("both_flags", renameat2(AT_FDCWD, "d", AT_FDCWD, "b", RENAME_EXCHANGE|RENAME_NOREPLACE)); R("bad_flag", renameat2(AT_FDCWD, "d", AT_FDCWD, "b", 8));
        int dfd = open("b", O_RDONLY); R("renameat_dirfd", renameat(AT_FDCWD, "n", dfd, "moved")); S("moved", stat("b/moved", &st));`,
    run: async (p, l) => {
      await touch(l, 'a', 'AAA');
      await touch(l, 'b', 'B');
      await l.mkdir('d', 0o755);
      await p.r('noreplace', l.renameat2(l.AT_FDCWD, 'a', l.AT_FDCWD, 'b', 1));
      await p.r('noreplace_new', l.renameat2(l.AT_FDCWD, 'a', l.AT_FDCWD, 'n', 1));
      await p.r('exchange', l.renameat2(l.AT_FDCWD, 'n', l.AT_FDCWD, 'b', 2));
      await p.s('n', l.stat('n', p.st));
      await p.s('b', l.stat('b', p.st));
      await p.r('exchange_missing', l.renameat2(l.AT_FDCWD, 'b', l.AT_FDCWD, 'zz', 2));
      await p.r('exchange_dir_file', l.renameat2(l.AT_FDCWD, 'd', l.AT_FDCWD, 'b', 2));
      await p.s('b_is_dir', l.stat('b', p.st));
      await p.s('d_is_file', l.stat('d', p.st));
      await p.r('both_flags', l.renameat2(l.AT_FDCWD, 'd', l.AT_FDCWD, 'b', 3));
      await p.r('bad_flag', l.renameat2(l.AT_FDCWD, 'd', l.AT_FDCWD, 'b', 8));
      const dfd = await l.open('b', l.O_RDONLY);
      await p.r('renameat_dirfd', l.renameat(l.AT_FDCWD, 'n', dfd, 'moved'));
      await p.s('moved', l.stat('b/moved', p.st));
    },
  },
  {
    name: 'link_rules', c_globals: T,
    c: `touch("f", "x"); mkdir("d", 0755); symlink("f", "s"); R("link", link("f", "g")); S("f", stat("f", &st)); R("exists", link("f", "g")); R("dir", link("d", "d2"));
        R("missing", link("nope", "h")); R("into_missing", link("f", "x/y")); R("link_symlink", link("s", "s2")); S("s2_lstat", lstat("s2", &st));
        R("linkat_follow", linkat(AT_FDCWD, "s", AT_FDCWD, "s3", AT_SYMLINK_FOLLOW)); S("s3_lstat", lstat("s3", &st)); R("linkat_badflag", linkat(AT_FDCWD, "f", AT_FDCWD, "z", 1));
        R("unlink_one", unlink("g")); S("f_after", stat("f", &st));`,
    run: async (p, l) => {
      await touch(l, 'f', 'x');
      await l.mkdir('d', 0o755);
      await l.symlink('f', 's');
      await p.r('link', l.link('f', 'g'));
      await p.s('f', l.stat('f', p.st));
      await p.r('exists', l.link('f', 'g'));
      await p.r('dir', l.link('d', 'd2'));
      await p.r('missing', l.link('nope', 'h'));
      await p.r('into_missing', l.link('f', 'x/y'));
      await p.r('link_symlink', l.link('s', 's2'));
      await p.s('s2_lstat', l.lstat('s2', p.st));
      await p.r('linkat_follow', l.linkat(l.AT_FDCWD, 's', l.AT_FDCWD, 's3', 0x400));
      await p.s('s3_lstat', l.lstat('s3', p.st));
      await p.r('linkat_badflag', l.linkat(l.AT_FDCWD, 'f', l.AT_FDCWD, 'z', 1));
      await p.r('unlink_one', l.unlink('g'));
      await p.s('f_after', l.stat('f', p.st));
    },
  },
  {
    name: 'symlink_readlink', c_globals: T,
    c: `touch("target", "T"); R("symlink", symlink("target", "l")); S("lstat", lstat("l", &st)); S("stat", stat("l", &st)); RD("readlink", readlink("l", buf, 100), buf);
        RD("readlink_trunc", readlink("l", buf, 3), buf); R("readlink_zero", readlink("l", buf, 0)); R("readlink_file", readlink("target", buf, 100)); R("readlink_missing", readlink("nope", buf, 100));
        R("exists", symlink("x", "l")); R("empty_target", symlink("", "e")); R("dangling", symlink("nowhere", "dl")); R("stat_dangling", stat("dl", &st)); int fd = open("dl", O_CREAT|O_WRONLY, 0600); R("creat_through", fd >= 0);
        S("nowhere", stat("nowhere", &st)); mkdir("d", 0755); int dfd = open("d", O_RDONLY); R("symlinkat", symlinkat("../target", dfd, "up")); RD("readlinkat", readlinkat(dfd, "up", buf, 100), buf);
        S("through_up", stat("d/up", &st));`,
    run: async (p, l) => {
      await touch(l, 'target', 'T');
      await p.r('symlink', l.symlink('target', 'l'));
      await p.s('lstat', l.lstat('l', p.st));
      await p.s('stat', l.stat('l', p.st));
      await p.rd('readlink', l.readlink('l', p.buf, 100));
      await p.rd('readlink_trunc', l.readlink('l', p.buf, 3));
      await p.r('readlink_zero', l.readlink('l', p.buf, 0));
      await p.r('readlink_file', l.readlink('target', p.buf, 100));
      await p.r('readlink_missing', l.readlink('nope', p.buf, 100));
      await p.r('exists', l.symlink('x', 'l'));
      await p.r('empty_target', l.symlink('', 'e'));
      await p.r('dangling', l.symlink('nowhere', 'dl'));
      await p.r('stat_dangling', l.stat('dl', p.st));
      const fd = await l.open('dl', l.O_CREAT | l.O_WRONLY, 0o600);
      await p.r('creat_through', fd >= 0 ? 1 : 0);
      await p.s('nowhere', l.stat('nowhere', p.st));
      await l.mkdir('d', 0o755);
      const dfd = await l.open('d', l.O_RDONLY);
      await p.r('symlinkat', l.symlinkat('../target', dfd, 'up'));
      await p.rd('readlinkat', l.readlinkat(dfd, 'up', p.buf, 100));
      await p.s('through_up', l.stat('d/up', p.st));
    },
  },
  {
    name: 'path_walk', c_globals: T,
    c: `mkdir("a", 0755); mkdir("a/b", 0755); touch("a/f", "x"); symlink("a", "la"); symlink("/", "root"); S("dotdot", stat("a/b/../f", &st)); S("dots", stat("./a/./b/./..//f", &st));
        S("via_link", stat("la/b/../f", &st)); S("trailing_dir", stat("a/", &st)); R("trailing_file", stat("a/f/", &st)); R("through_file", stat("a/f/x", &st)); R("root_dotdot", stat("/../../", &st) == 0 && S_ISDIR(st.st_mode));
        S("many_slashes", stat("a////f", &st)); S("link_trailing", stat("la/", &st)); S("lstat_link_trailing", lstat("la/", &st)); R("root_link", stat("root/dev/null", &st) == 0);`,
    run: async (p, l) => {
      await l.mkdir('a', 0o755);
      await l.mkdir('a/b', 0o755);
      await touch(l, 'a/f', 'x');
      await l.symlink('a', 'la');
      await l.symlink('/', 'root');
      await p.s('dotdot', l.stat('a/b/../f', p.st));
      await p.s('dots', l.stat('./a/./b/./..//f', p.st));
      await p.s('via_link', l.stat('la/b/../f', p.st));
      await p.s('trailing_dir', l.stat('a/', p.st));
      await p.r('trailing_file', l.stat('a/f/', p.st));
      await p.r('through_file', l.stat('a/f/x', p.st));
      await p.r('root_dotdot', (await l.stat('/../../', p.st)) === 0 && (l.parse_stat(p.st).mode & 0o170000) === 0o40000 ? 1 : 0);
      await p.s('many_slashes', l.stat('a////f', p.st));
      await p.s('link_trailing', l.stat('la/', p.st));
      await p.s('lstat_link_trailing', l.lstat('la/', p.st));
      await p.r('root_link', (await l.stat('root/dev/null', p.st)) === 0 ? 1 : 0);
    },
  },
  {
    name: 'stat_variants', c_globals: T,
    c: `touch("f", "12345"); symlink("f", "l"); int fd = open("f", O_RDONLY); S("fstat", fstat(fd, &st)); S("fstatat", fstatat(AT_FDCWD, "l", &st, 0)); S("fstatat_nofollow", fstatat(AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW));
        S("empty_path", fstatat(fd, "", &st, AT_EMPTY_PATH)); R("empty_no_flag", fstatat(fd, "", &st, 0)); R("bad_flag", fstatat(fd, "f", &st, 1)); R("badfd", fstat(99, &st));
        R("efault", stat("f", (void *)8)); R("efault_path", stat((void *)8, &st)); S("dev_null", stat("/dev/null", &st)); R("root", stat("/", &st) == 0 && S_ISDIR(st.st_mode));`,
    run: async (p, l) => {
      await touch(l, 'f', '12345');
      await l.symlink('f', 'l');
      const fd = await l.open('f', l.O_RDONLY);
      await p.s('fstat', l.fstat(fd, p.st));
      await p.s('fstatat', l.fstatat(l.AT_FDCWD, 'l', p.st, 0));
      await p.s('fstatat_nofollow', l.fstatat(l.AT_FDCWD, 'l', p.st, l.AT_SYMLINK_NOFOLLOW));
      await p.s('empty_path', l.fstatat(fd, '', p.st, l.AT_EMPTY_PATH));
      await p.r('empty_no_flag', l.fstatat(fd, '', p.st, 0));
      await p.r('bad_flag', l.fstatat(fd, 'f', p.st, 1));
      await p.r('badfd', l.fstat(99, p.st));
      await p.r('efault', l.stat('f', 8));
      await p.r('efault_path', l.stat(8, p.st));
      await p.s('dev_null', l.stat('/dev/null', p.st));
      await p.r('root', (await l.stat('/', p.st)) === 0 && (l.parse_stat(p.st).mode & 0o170000) === 0o40000 ? 1 : 0);
    },
  },
  {
    name: 'statx_basic', c_globals: T,
    c: `touch("f", "abcdef"); struct statx sx; memset(&sx, 0, sizeof sx); R("statx", statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx)); R("mask_basic", (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
        R("size", sx.stx_size); R("nlink", sx.stx_nlink); R("mode", sx.stx_mode); R("bad_mask", statx(AT_FDCWD, "f", 0, 0x80000000, &sx)); R("bad_flags", statx(AT_FDCWD, "f", 0x6000, STATX_BASIC_STATS, &sx));
        R("missing", statx(AT_FDCWD, "nope", 0, STATX_BASIC_STATS, &sx)); int fd = open("f", O_RDONLY); R("empty_path", statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx)); R("size2", sx.stx_size);`,
    run: async (p, l) => {
      await touch(l, 'f', 'abcdef');
      const sx = l.malloc(256);
      await p.r('statx', l.statx(l.AT_FDCWD, 'f', 0, 0x7ff, sx));
      await p.r('mask_basic', (l.peek_u32(sx) & 0x7ff) === 0x7ff ? 1 : 0);
      await p.r('size', l.peek_u64(sx + 40));
      await p.r('nlink', l.peek_u32(sx + 16));
      await p.r('mode', l.peek_u32(sx + 28) & 0xffff);
      await p.r('bad_mask', l.statx(l.AT_FDCWD, 'f', 0, 0x80000000, sx));
      await p.r('bad_flags', l.statx(l.AT_FDCWD, 'f', 0x6000, 0x7ff, sx));
      await p.r('missing', l.statx(l.AT_FDCWD, 'nope', 0, 0x7ff, sx));
      const fd = await l.open('f', l.O_RDONLY);
      await p.r('empty_path', l.statx(fd, '', l.AT_EMPTY_PATH, 0x7ff, sx));
      await p.r('size2', l.peek_u64(sx + 40));
    },
  },
  {
    name: 'getdents64_listing', c_globals: T,
    c: `mkdir("d", 0755); for (int i = 0; i < 50; i++) { char n[32]; sprintf(n, "d/entry_%02d", i); touch(n, ""); } mkdir("d/sub", 0755); symlink("x", "d/lnk"); LS("ls", "d");
        int fd = open("d", O_RDONLY|O_DIRECTORY); R("small_buf", syscall(SYS_getdents64, fd, buf, 10)); long n, total = 0, calls = 0; while ((n = syscall(SYS_getdents64, fd, buf, 256)) > 0) { total += n; calls++; }
        R("end", n); R("file", syscall(SYS_getdents64, open("d/entry_00", O_RDONLY), buf, 4096)); R("badfd", syscall(SYS_getdents64, 99, buf, 4096));
        R("efault", syscall(SYS_getdents64, open("d", O_RDONLY), (void *)8, 4096)); mkdir("e", 0755); int efd = open("e", O_RDONLY); rmdir("e"); R("removed_dir", syscall(SYS_getdents64, efd, buf, 4096));`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755);
      for (let i = 0; i < 50; i++) await touch(l, `d/entry_${String(i).padStart(2, '0')}`);
      await l.mkdir('d/sub', 0o755);
      await l.symlink('x', 'd/lnk');
      await p.ls('ls', 'd');
      const fd = await l.open('d', l.O_RDONLY | l.O_DIRECTORY);
      await p.r('small_buf', l.getdents64(fd, p.buf, 10));
      let n: number;
      while ((n = await l.getdents64(fd, p.buf, 256)) > 0) { /* drain */ }
      await p.r('end', n);
      await p.r('file', l.getdents64(await l.open('d/entry_00', l.O_RDONLY), p.buf, 4096));
      await p.r('badfd', l.getdents64(99, p.buf, 4096));
      await p.r('efault', l.getdents64(await l.open('d', l.O_RDONLY), 8, 4096));
      await l.mkdir('e', 0o755);
      const efd = await l.open('e', l.O_RDONLY);
      await l.rmdir('e');
      await p.r('removed_dir', l.getdents64(efd, p.buf, 4096));
    },
  },
  {
    name: 'chdir_getcwd', c_globals: T,
    c: `mkdir("sub", 0755); touch("f", ""); R("chdir", chdir("sub")); long n = syscall(SYS_getcwd, buf, 4096); R("ends_sub", n > 4 && strcmp(buf + n - 5, "/sub") == 0); R("len_counts_nul", (long)strlen(buf) + 1 == n);
        R("erange", syscall(SYS_getcwd, buf, 3)); R("chdir_file", chdir("../f")); R("chdir_missing", chdir("nope")); R("chdir_up", chdir(".."));
        int fd = open("sub", O_RDONLY); R("fchdir", fchdir(fd)); R("fchdir_file", fchdir(open("../f", O_RDONLY))); R("fchdir_bad", fchdir(99)); R("fchdir_opath", fchdir(open("..", O_PATH)));
        mkdir("gone", 0755); chdir("gone"); rmdir("../gone"); R("cwd_removed", syscall(SYS_getcwd, buf, 4096)); R("create_in_removed", open("x", O_CREAT|O_WRONLY, 0644));
        chdir("/"); R("root_cwd", syscall(SYS_getcwd, buf, 4096)); OUT(buf);`,
    run: async (p, l) => {
      await l.mkdir('sub', 0o755);
      await touch(l, 'f');
      await p.r('chdir', l.chdir('sub'));
      const n = await l.getcwd(p.buf, 4096);
      const cwd = l.cstr(p.buf);
      await p.r('ends_sub', n > 4 && cwd.endsWith('/sub') ? 1 : 0);
      await p.r('len_counts_nul', cwd.length + 1 === n ? 1 : 0);
      await p.r('erange', l.getcwd(p.buf, 3));
      await p.r('chdir_file', l.chdir('../f'));
      await p.r('chdir_missing', l.chdir('nope'));
      await p.r('chdir_up', l.chdir('..'));
      const fd = await l.open('sub', l.O_RDONLY);
      await p.r('fchdir', l.fchdir(fd));
      await p.r('fchdir_file', l.fchdir(await l.open('../f', l.O_RDONLY)));
      await p.r('fchdir_bad', l.fchdir(99));
      await p.r('fchdir_opath', l.fchdir(await l.open('..', l.O_PATH)));
      await l.mkdir('gone', 0o755);
      await l.chdir('gone');
      await l.rmdir('../gone');
      await p.r('cwd_removed', l.getcwd(p.buf, 4096));
      await p.r('create_in_removed', l.open('x', l.O_CREAT | l.O_WRONLY, 0o644));
      await l.chdir('/');
      await p.r('root_cwd', l.getcwd(p.buf, 4096));
      p.out(l.cstr(p.buf));
    },
  },
  {
    name: 'chmod_umask_access', c_globals: T,
    c: `touch("f", ""); R("chmod", chmod("f", 0751)); S("f", stat("f", &st)); R("chmod_high_bits", chmod("f", 0107777)); S("f2", stat("f", &st)); int fd = open("f", O_RDONLY);
        R("fchmod", fchmod(fd, 0600)); R("fchmodat", fchmodat(AT_FDCWD, "f", 0640, 0)); S("f3", stat("f", &st)); R("chmod_missing", chmod("nope", 0600));
        R("old_umask", umask(077)); close(open("g", O_CREAT|O_WRONLY, 0666)); S("g", stat("g", &st)); mkdir("gd", 0777); S("gd", stat("gd", &st)); R("umask_ret", umask(0));
        R("access_f", access("f", F_OK)); R("access_r", access("f", R_OK)); R("access_x", access("f", X_OK)); R("access_missing", access("nope", F_OK)); R("access_bad_mode", access("f", 8));
        R("faccessat2_bad", syscall(SYS_faccessat2, AT_FDCWD, "f", R_OK, 1)); R("faccessat_eaccess", faccessat(AT_FDCWD, "f", R_OK, AT_EACCESS));
        chmod("f", 0644); setuid(1000); R("nonroot_w", access("f", W_OK)); R("nonroot_r", access("f", R_OK)); R("nonroot_chmod", chmod("f", 0777));`,
    run: async (p, l) => {
      await touch(l, 'f');
      await p.r('chmod', l.chmod('f', 0o751));
      await p.s('f', l.stat('f', p.st));
      await p.r('chmod_high_bits', l.chmod('f', 0o107777));
      await p.s('f2', l.stat('f', p.st));
      const fd = await l.open('f', l.O_RDONLY);
      await p.r('fchmod', l.fchmod(fd, 0o600));
      await p.r('fchmodat', l.fchmodat(l.AT_FDCWD, 'f', 0o640, 0));
      await p.s('f3', l.stat('f', p.st));
      await p.r('chmod_missing', l.chmod('nope', 0o600));
      await p.r('old_umask', l.umask(0o77));
      await l.close(await l.open('g', l.O_CREAT | l.O_WRONLY, 0o666));
      await p.s('g', l.stat('g', p.st));
      await l.mkdir('gd', 0o777);
      await p.s('gd', l.stat('gd', p.st));
      await p.r('umask_ret', l.umask(0));
      await p.r('access_f', l.access('f', 0));
      await p.r('access_r', l.access('f', 4));
      await p.r('access_x', l.access('f', 1));
      await p.r('access_missing', l.access('nope', 0));
      await p.r('access_bad_mode', l.access('f', 8));
      await p.r('faccessat2_bad', l.faccessat(l.AT_FDCWD, 'f', 4, 1));
      await p.r('faccessat_eaccess', l.faccessat(l.AT_FDCWD, 'f', 4, 0x200));
      await l.chmod('f', 0o644);
      await l.setuid(1000);
      await p.r('nonroot_w', l.access('f', 2));
      await p.r('nonroot_r', l.access('f', 4));
      await p.r('nonroot_chmod', l.chmod('f', 0o777));
    },
  },
  {
    name: 'utimensat_times', c_globals: T,
    c: `touch("f", ""); struct timespec ts[2] = {{1000, 5}, {2000, 7}}; R("set", utimensat(AT_FDCWD, "f", ts, 0)); struct stat s; stat("f", &s); R("atime", s.st_atim.tv_sec); R("mtime", s.st_mtim.tv_sec);
        R("mtime_ns", s.st_mtim.tv_nsec); struct timespec om[2] = {{0, UTIME_OMIT}, {3000, 0}}; R("omit_atime", utimensat(AT_FDCWD, "f", om, 0)); stat("f", &s); R("atime2", s.st_atim.tv_sec); R("mtime2", s.st_mtim.tv_sec);
        struct timespec bad[2] = {{0, 1000000000}, {0, 0}}; R("bad_nsec", utimensat(AT_FDCWD, "f", bad, 0)); struct timespec both[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}}; R("both_omit_missing", utimensat(AT_FDCWD, "nope", both, 0));
        R("missing", utimensat(AT_FDCWD, "nope", NULL, 0)); R("bad_flags", utimensat(AT_FDCWD, "f", NULL, 1)); int fd = open("f", O_RDONLY); R("null_path_fd", syscall(SYS_utimensat, fd, NULL, ts, 0));
        R("null_path_cwd", syscall(SYS_utimensat, AT_FDCWD, NULL, ts, 0)); chmod("f", 0666); setuid(1000); R("nonowner_now", utimensat(AT_FDCWD, "f", NULL, 0)); R("nonowner_set", utimensat(AT_FDCWD, "f", ts, 0));`,
    run: async (p, l) => {
      await touch(l, 'f');
      const ts = l.malloc(32);
      const set = (a: number, an: number, m: number, mn: number): number => { l.poke_u64(ts, a); l.poke_u64(ts + 8, an); l.poke_u64(ts + 16, m); l.poke_u64(ts + 24, mn); return ts; };
      await p.r('set', l.utimensat(l.AT_FDCWD, 'f', set(1000, 5, 2000, 7), 0));
      await l.stat('f', p.st);
      let s = l.parse_stat(p.st);
      await p.r('atime', Math.floor(s.atime_ns / 1e9));
      await p.r('mtime', Math.floor(s.mtime_ns / 1e9));
      await p.r('mtime_ns', s.mtime_ns % 1e9);
      await p.r('omit_atime', l.utimensat(l.AT_FDCWD, 'f', set(0, 2 ** 30 - 2, 3000, 0), 0));
      await l.stat('f', p.st);
      s = l.parse_stat(p.st);
      await p.r('atime2', Math.floor(s.atime_ns / 1e9));
      await p.r('mtime2', Math.floor(s.mtime_ns / 1e9));
      await p.r('bad_nsec', l.utimensat(l.AT_FDCWD, 'f', set(0, 1e9, 0, 0), 0));
      await p.r('both_omit_missing', l.utimensat(l.AT_FDCWD, 'nope', set(0, 2 ** 30 - 2, 0, 2 ** 30 - 2), 0));
      await p.r('missing', l.utimensat(l.AT_FDCWD, 'nope', 0, 0));
      await p.r('bad_flags', l.utimensat(l.AT_FDCWD, 'f', 0, 1));
      const fd = await l.open('f', l.O_RDONLY);
      set(1000, 5, 2000, 7);
      await p.r('null_path_fd', l.utimensat(fd, 0, ts, 0));
      await p.r('null_path_cwd', l.utimensat(l.AT_FDCWD, 0, ts, 0));
      await l.chmod('f', 0o666);
      await l.setuid(1000);
      await p.r('nonowner_now', l.utimensat(l.AT_FDCWD, 'f', 0, 0));
      await p.r('nonowner_set', l.utimensat(l.AT_FDCWD, 'f', ts, 0));
    },
  },
  {
    name: 'sticky_dir_delete', c_globals: T,
    c: `mkdir("s", 01777); touch("s/rootfile", ""); chmod(".", 0777); setuid(1000); touch("s/mine", ""); R("unlink_other", unlink("s/rootfile")); R("rename_other", rename("s/rootfile", "s/x"));
        R("unlink_mine", unlink("s/mine")); S("s", stat("s", &st));`,
    run: async (p, l) => {
      await l.mkdir('s', 0o1777);
      await touch(l, 's/rootfile');
      await l.chmod('.', 0o777);
      await l.setuid(1000);
      await touch(l, 's/mine');
      await p.r('unlink_other', l.unlink('s/rootfile'));
      await p.r('rename_other', l.rename('s/rootfile', 's/x'));
      await p.r('unlink_mine', l.unlink('s/mine'));
      await p.s('s', l.stat('s', p.st));
    },
  },
];

conformance(test, 'fs_namei', cases);
