/** Conformance: extended attributes on tmpfs — {,l,f}{set,get,list,remove}xattr, namespaces, flags, sizes, errnos. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

const HELPERS = String.raw`
#include <sys/xattr.h>
static void LX(const char *l, long n) { if (n < 0) { pr_err(l); return; } printf("%s: %ld ", l, n); for (long i = 0; i < n; i++) putchar(buf[i] ? buf[i] : '|'); printf("\n"); }
`;

/** LX: a listxattr result with NULs shown as '|'. */
async function lx(p: P, l: Libc, label: string, v: number | Promise<number>): Promise<void> {
  const n = await v;
  if (n < 0) { p.err(label); return; }
  p.out(`${label}: ${n} ${[...l.peek(p.buf, n)].map((c) => (c ? String.fromCharCode(c) : '|')).join('')}`);
}

const cases: ConfCase[] = [
  {
    name: 'xattr_set_get_list_remove', c_globals: HELPERS,
    c: `close(open("f", O_CREAT|O_RDWR, 0644)); LX("list_empty", listxattr("f", buf, sizeof buf)); R("set", setxattr("f", "user.b", "hello", 5, 0)); R("set2", setxattr("f", "user.a", "x", 1, 0));
        R("set_trusted", setxattr("f", "trusted.t", "tt", 2, 0)); R("set_security", setxattr("f", "security.s", "s", 1, 0)); R("set_empty_value", setxattr("f", "user.e", "", 0, 0));
        RD("get", getxattr("f", "user.b", buf, sizeof buf), buf); R("get_size", getxattr("f", "user.b", 0, 0)); R("get_small", getxattr("f", "user.b", buf, 3)); RD("get_empty", getxattr("f", "user.e", buf, sizeof buf), buf);
        LX("list", listxattr("f", buf, sizeof buf)); R("list_size", listxattr("f", 0, 0)); R("list_small", listxattr("f", buf, 5)); R("create_exists", setxattr("f", "user.a", "y", 1, XATTR_CREATE));
        R("replace_missing", setxattr("f", "user.z", "y", 1, XATTR_REPLACE)); R("replace", setxattr("f", "user.a", "yy", 2, XATTR_REPLACE)); RD("replaced", getxattr("f", "user.a", buf, sizeof buf), buf);
        R("remove", removexattr("f", "user.a")); R("remove_again", removexattr("f", "user.a")); R("get_removed", getxattr("f", "user.a", buf, sizeof buf)); LX("list_after", listxattr("f", buf, sizeof buf));
        S("stat_unchanged", stat("f", &st));`,
    run: async (p, l) => {
      await l.close(await l.open('f', l.O_CREAT | l.O_RDWR, 0o644));
      const B = p.buf;
      await lx(p, l, 'list_empty', l.listxattr('f', B, 4096));
      await p.r('set', l.setxattr('f', 'user.b', 'hello', 5, 0));
      await p.r('set2', l.setxattr('f', 'user.a', 'x', 1, 0));
      await p.r('set_trusted', l.setxattr('f', 'trusted.t', 'tt', 2, 0));
      await p.r('set_security', l.setxattr('f', 'security.s', 's', 1, 0));
      await p.r('set_empty_value', l.setxattr('f', 'user.e', '', 0, 0));
      await p.rd('get', l.getxattr('f', 'user.b', B, 4096));
      await p.r('get_size', l.getxattr('f', 'user.b', 0, 0));
      await p.r('get_small', l.getxattr('f', 'user.b', B, 3));
      await p.rd('get_empty', l.getxattr('f', 'user.e', B, 4096));
      await lx(p, l, 'list', l.listxattr('f', B, 4096));
      await p.r('list_size', l.listxattr('f', 0, 0));
      await p.r('list_small', l.listxattr('f', B, 5));
      await p.r('create_exists', l.setxattr('f', 'user.a', 'y', 1, 1));
      await p.r('replace_missing', l.setxattr('f', 'user.z', 'y', 1, 2));
      await p.r('replace', l.setxattr('f', 'user.a', 'yy', 2, 2));
      await p.rd('replaced', l.getxattr('f', 'user.a', B, 4096));
      await p.r('remove', l.removexattr('f', 'user.a'));
      await p.r('remove_again', l.removexattr('f', 'user.a'));
      await p.r('get_removed', l.getxattr('f', 'user.a', B, 4096));
      await lx(p, l, 'list_after', l.listxattr('f', B, 4096));
      await p.s('stat_unchanged', l.stat('f', p.st));
    },
  },
  {
    name: 'xattr_names_and_namespaces', c_globals: HELPERS,
    c: `close(open("f", O_CREAT|O_RDWR, 0644)); R("no_prefix", setxattr("f", "a", "x", 1, 0)); R("empty_name", setxattr("f", "", "x", 1, 0)); R("unknown_ns", setxattr("f", "foo.a", "x", 1, 0));
        R("user_only", setxattr("f", "user.", "x", 1, 0)); R("system", setxattr("f", "system.x", "x", 1, 0)); R("get_unknown_ns", getxattr("f", "foo.a", buf, 10)); R("get_user_only", getxattr("f", "user.", buf, 10));
        char n[300]; memset(n, 'a', sizeof n); memcpy(n, "user.", 5); n[255] = 0; R("name_255", setxattr("f", n, "x", 1, 0)); n[255] = 'a'; n[256] = 0; R("name_256", setxattr("f", n, "x", 1, 0));
        R("bad_flags", setxattr("f", "user.a", "x", 1, 4)); R("both_flags", setxattr("f", "user.a", "x", 1, 3)); R("too_big", setxattr("f", "user.a", buf, 65537, 0)); static char big[65536];
        R("max_size", setxattr("f", "user.big", big, 65536, 0)); R("get_big_small", getxattr("f", "user.big", buf, 100)); R("efault_name", setxattr("f", (char *)8, "x", 1, 0)); R("efault_value", setxattr("f", "user.a", (char *)8, 1, 0));
        R("efault_get", getxattr("f", "user.big", (char *)8, 65536)); R("enoent", setxattr("missing", "user.a", "x", 1, 0)); R("bad_flags_enoent", setxattr("missing", "user.a", "x", 1, 4));
        R("bad_name_enoent", getxattr("missing", "", buf, 1)); R("remove_missing_file", removexattr("missing", "user.a")); R("list_missing", listxattr("missing", buf, 10)); R("remove_unknown_ns", removexattr("f", "foo.a"));`,
    run: async (p, l) => {
      await l.close(await l.open('f', l.O_CREAT | l.O_RDWR, 0o644));
      const B = p.buf;
      await p.r('no_prefix', l.setxattr('f', 'a', 'x', 1, 0));
      await p.r('empty_name', l.setxattr('f', '', 'x', 1, 0));
      await p.r('unknown_ns', l.setxattr('f', 'foo.a', 'x', 1, 0));
      await p.r('user_only', l.setxattr('f', 'user.', 'x', 1, 0));
      await p.r('system', l.setxattr('f', 'system.x', 'x', 1, 0));
      await p.r('get_unknown_ns', l.getxattr('f', 'foo.a', B, 10));
      await p.r('get_user_only', l.getxattr('f', 'user.', B, 10));
      await p.r('name_255', l.setxattr('f', 'user.' + 'a'.repeat(250), 'x', 1, 0));
      await p.r('name_256', l.setxattr('f', 'user.' + 'a'.repeat(251), 'x', 1, 0));
      await p.r('bad_flags', l.setxattr('f', 'user.a', 'x', 1, 4));
      await p.r('both_flags', l.setxattr('f', 'user.a', 'x', 1, 3));
      await p.r('too_big', l.setxattr('f', 'user.a', B, 65537, 0));
      const big = l.malloc(65536);
      l.poke(big, new Uint8Array(65536));
      await p.r('max_size', l.setxattr('f', 'user.big', big, 65536, 0));
      await p.r('get_big_small', l.getxattr('f', 'user.big', B, 100));
      await p.r('efault_name', l.setxattr('f', 8, 'x', 1, 0));
      await p.r('efault_value', l.setxattr('f', 'user.a', 8, 1, 0));
      await p.r('efault_get', l.getxattr('f', 'user.big', 8, 65536));
      await p.r('enoent', l.setxattr('missing', 'user.a', 'x', 1, 0));
      await p.r('bad_flags_enoent', l.setxattr('missing', 'user.a', 'x', 1, 4));
      await p.r('bad_name_enoent', l.getxattr('missing', '', B, 1));
      await p.r('remove_missing_file', l.removexattr('missing', 'user.a'));
      await p.r('list_missing', l.listxattr('missing', B, 10));
      await p.r('remove_unknown_ns', l.removexattr('f', 'foo.a'));
    },
  },
  {
    name: 'xattr_l_and_f_forms', c_globals: HELPERS,
    c: `close(open("f", O_CREAT|O_RDWR, 0644)); symlink("f", "ln"); mkdir("d", 0755); R("via_link", setxattr("ln", "user.a", "x", 1, 0)); RD("on_target", getxattr("f", "user.a", buf, 10), buf);
        R("lset_link_user", lsetxattr("ln", "user.a", "x", 1, 0)); R("lget_link", lgetxattr("ln", "user.a", buf, 10)); R("llist_link", llistxattr("ln", buf, 10)); R("lset_link_trusted", lsetxattr("ln", "trusted.a", "x", 1, 0));
        LX("llist_link_after", llistxattr("ln", buf, sizeof buf)); R("lremove_link", lremovexattr("ln", "trusted.a"));
        R("dir_user", setxattr("d", "user.a", "x", 1, 0)); int fd = open("f", O_RDONLY); R("fset_rdonly", fsetxattr(fd, "user.b", "2", 1, 0));
        RD("fget", fgetxattr(fd, "user.b", buf, 10), buf); LX("flist", flistxattr(fd, buf, sizeof buf)); R("fremove", fremovexattr(fd, "user.b")); int pa = open("f", O_PATH);
        R("opath_get", fgetxattr(pa, "user.a", buf, 10)); R("opath_set", fsetxattr(pa, "user.a", "x", 1, 0)); R("badfd", fgetxattr(99, "user.a", buf, 10)); R("badfd_badname", fgetxattr(99, "", buf, 10));
        R("badfd_badflags", fsetxattr(99, "user.a", "x", 1, 8)); R("proc", getxattr("/proc/self/status", "user.a", buf, 10)); R("proc_list", listxattr("/proc/self/status", buf, 10));
        int pp[2]; pipe(pp); R("pipe", fsetxattr(pp[0], "user.a", "x", 1, 0)); R("devnull", setxattr("/dev/null", "user.a", "x", 1, 0)); R("dev_trusted", getxattr("/dev/null", "trusted.none", buf, 10));
        R("dev_get_user", getxattr("/dev/null", "user.a", buf, 10));`,
    run: async (p, l) => {
      await l.close(await l.open('f', l.O_CREAT | l.O_RDWR, 0o644));
      await l.symlink('f', 'ln');
      await l.mkdir('d', 0o755);
      const B = p.buf;
      await p.r('via_link', l.setxattr('ln', 'user.a', 'x', 1, 0));
      await p.rd('on_target', l.getxattr('f', 'user.a', B, 10));
      await p.r('lset_link_user', l.lsetxattr('ln', 'user.a', 'x', 1, 0));
      await p.r('lget_link', l.lgetxattr('ln', 'user.a', B, 10));
      await p.r('llist_link', l.llistxattr('ln', B, 10));
      await p.r('lset_link_trusted', l.lsetxattr('ln', 'trusted.a', 'x', 1, 0));
      await lx(p, l, 'llist_link_after', l.llistxattr('ln', B, 4096));
      await p.r('lremove_link', l.lremovexattr('ln', 'trusted.a'));
      await p.r('dir_user', l.setxattr('d', 'user.a', 'x', 1, 0));
      const fd = await l.open('f', l.O_RDONLY);
      await p.r('fset_rdonly', l.fsetxattr(fd, 'user.b', '2', 1, 0));
      await p.rd('fget', l.fgetxattr(fd, 'user.b', B, 10));
      await lx(p, l, 'flist', l.flistxattr(fd, B, 4096));
      await p.r('fremove', l.fremovexattr(fd, 'user.b'));
      const pa = await l.open('f', l.O_PATH);
      await p.r('opath_get', l.fgetxattr(pa, 'user.a', B, 10));
      await p.r('opath_set', l.fsetxattr(pa, 'user.a', 'x', 1, 0));
      await p.r('badfd', l.fgetxattr(99, 'user.a', B, 10));
      await p.r('badfd_badname', l.fgetxattr(99, '', B, 10));
      await p.r('badfd_badflags', l.fsetxattr(99, 'user.a', 'x', 1, 8));
      await p.r('proc', l.getxattr('/proc/self/status', 'user.a', B, 10));
      await p.r('proc_list', l.listxattr('/proc/self/status', B, 10));
      await l.pipe(p.st);
      await p.r('pipe', l.fsetxattr(l.peek_i32(p.st), 'user.a', 'x', 1, 0));
      await p.r('devnull', l.setxattr('/dev/null', 'user.a', 'x', 1, 0));
      await p.r('dev_trusted', l.getxattr('/dev/null', 'trusted.none', B, 10));
      await p.r('dev_get_user', l.getxattr('/dev/null', 'user.a', B, 10));
    },
  },
];

conformance(test, 'fs_xattr', cases);
