/** Conformance: file locks — fcntl record locks (POSIX and OFD), flock(2), EDEADLK, their errnos. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { ERRNO_NAMES } from '../../kernel/include/uapi/errno.ts';
import { conformance, P, type ConfCase } from './harness.ts';

/**
 * C helpers: lk() is one fcntl lock call with a fresh struct flock; GL prints what F_GETLK
 * returned (pid as "who" when it is the expected process, "-1" for an OFD lock); CH runs a
 * lock call in a forked child and prints its errno; wait_sleeping polls /proc until a child
 * sleeps in the kernel (blocked in F_SETLKW), with no timing assumption.
 */
const HELPERS = String.raw`
static struct flock mkfl(short type, short whence, long start, long len) { struct flock f; memset(&f, 0, sizeof f); f.l_type = type; f.l_whence = whence; f.l_start = start; f.l_len = len; return f; }
static int lk(int fd, int cmd, short type, short whence, long start, long len) { struct flock f = mkfl(type, whence, start, len); return fcntl(fd, cmd, &f); }
static void GL(const char *l, int fd, int cmd, short type, long start, long len, pid_t who) {
  struct flock f = mkfl(type, SEEK_SET, start, len); errno = 0; int r = fcntl(fd, cmd, &f);
  if (r == -1) { pr_err(l); return; }
  printf("%s: type=%d start=%ld len=%ld pid=%s\n", l, f.l_type, (long)f.l_start, (long)f.l_len, f.l_type == F_UNLCK ? "-" : f.l_pid == who ? "who" : f.l_pid == -1 ? "-1" : "other");
}
static void on_usr1(int s) { (void)s; }
static int wst(pid_t c) { int s; waitpid(c, &s, 0); return WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s); }
static void pr_code(const char *l, int e) { if (e) printf("%s: %s\n", l, strerrorname_np(e)); else printf("%s: 0\n", l); }
static void CH(const char *l, int fd, int cmd, short type, long start, long len) {
  fflush(stdout); pid_t c = fork(); if (c == 0) _exit(lk(fd, cmd, type, SEEK_SET, start, len) == -1 ? errno : 0); pr_code(l, wst(c));
}
static void CHGL(const char *l, int fd, short type, long start, long len) {
  fflush(stdout); pid_t me = getpid(); pid_t c = fork(); if (c == 0) { GL(l, fd, F_GETLK, type, start, len, me); fflush(stdout); _exit(0); } wst(c);
}
static void CHF(const char *l, int fd, int op) { fflush(stdout); pid_t c = fork(); if (c == 0) _exit(flock(fd, op) == -1 ? errno : 0); pr_code(l, wst(c)); }
static void wait_sleeping(pid_t pid) {
  char path[64], b[512]; snprintf(path, sizeof path, "/proc/%d/stat", pid);
  for (;;) { int fd = open(path, O_RDONLY); int n = read(fd, b, sizeof b - 1); close(fd); if (n > 0) { b[n] = 0; char *p = strrchr(b, ')'); if (p && p[2] == 'S') return; } usleep(1000); }
}
`;

/** privos twins of the C helpers. */
function flock_at(l: Libc, type: number, whence: number, start: number, len: number, pid = 0): number {
  const f = l.malloc(32);
  l.poke(f, new Uint8Array(32));
  l.poke_u32(f, (type & 0xffff) | (whence << 16));
  l.poke_u64(f + 8, start);
  l.poke_u64(f + 16, len);
  l.poke_u32(f + 24, pid);
  return f;
}
const lk = (l: Libc, fd: number, cmd: number, type: number, whence: number, start: number, len: number, pid = 0): Promise<number> =>
  Promise.resolve(l.fcntl(fd, cmd, flock_at(l, type, whence, start, len, pid)));

async function gl(p: P, l: Libc, label: string, fd: number, cmd: number, type: number, start: number, len: number, who: number): Promise<void> {
  const f = flock_at(l, type, l.SEEK_SET, start, len);
  const r = await l.fcntl(fd, cmd, f);
  if (r === -1) { p.err(label); return; }
  const t = l.peek_u32(f) & 0xffff, pid = l.peek_i32(f + 24);
  p.out(`${label}: type=${t} start=${l.peek_u64(f + 8)} len=${l.peek_u64(f + 16)} pid=${t === l.F_UNLCK ? '-' : pid === who ? 'who' : pid === -1 ? '-1' : 'other'}`);
}
async function wst(l: Libc, c: number): Promise<number> {
  const s = l.malloc(4);
  await l.waitpid(c, s, 0);
  const v = l.peek_i32(s);
  return l.WIFEXITED(v) ? l.WEXITSTATUS(v) : 128 + l.WTERMSIG(v);
}
async function child(p: P, l: Libc, label: string, body: (c: Libc) => Promise<number>): Promise<void> {
  const c = await l.fork(async (cl) => ((await body(cl)) === -1 ? cl.errno : 0));
  const e = await wst(l, c);
  p.out(`${label}: ${e ? errname(e) : 0}`);
}
const errname = (e: number): string => ERRNO_NAMES[e] ?? String(e);
const ch = (p: P, l: Libc, label: string, fd: number, cmd: number, type: number, start: number, len: number): Promise<void> =>
  child(p, l, label, (c) => lk(c, fd, cmd, type, l.SEEK_SET, start, len));
const chf = (p: P, l: Libc, label: string, fd: number, op: number): Promise<void> => child(p, l, label, async (c) => c.flock(fd, op) as number);
async function chgl(p: P, l: Libc, label: string, fd: number, type: number, start: number, len: number): Promise<void> {
  const me = l.getpid() as number;
  const c = await l.fork(async (cl) => { await gl(new P(cl), cl, label, fd, cl.F_GETLK, type, start, len, me); return 0; });
  await wst(l, c);
}
async function wait_sleeping(l: Libc, pid: number): Promise<void> {
  const b = new Uint8Array(512);
  for (;;) {
    const fd = await l.open(`/proc/${pid}/stat`, l.O_RDONLY);
    const n = await l.read(fd, b, 511);
    await l.close(fd);
    if (n > 0) { const s = new TextDecoder().decode(b.subarray(0, n)); const i = s.lastIndexOf(')'); if (i >= 0 && s[i + 2] === 'S') return; }
    await l.usleep(1000);
  }
}
const mkfile = async (l: Libc, size = 0): Promise<number> => {
  const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
  if (size) await l.ftruncate(fd, size);
  return fd;
};

const cases: ConfCase[] = [
  {
    name: 'lock_getlk_sees_other_process', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("setlk", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 20));
        GL("own_not_reported", fd, F_GETLK, F_WRLCK, 0, 0, getpid()); CHGL("child_sees", fd, F_RDLCK, 0, 0); CHGL("child_before", fd, F_WRLCK, 0, 10);
        CHGL("child_after", fd, F_WRLCK, 30, 5); CHGL("child_last_byte", fd, F_RDLCK, 29, 1); GL("getlk_unlck", fd, F_GETLK, F_UNLCK, 0, 0, 0);
        CH("child_setlk", fd, F_SETLK, F_RDLCK, 15, 1); CH("child_setlk_outside", fd, F_SETLK, F_WRLCK, 30, 0);`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      await p.r('setlk', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, 10, 20));
      await gl(p, l, 'own_not_reported', fd, l.F_GETLK, l.F_WRLCK, 0, 0, l.getpid() as number);
      await chgl(p, l, 'child_sees', fd, l.F_RDLCK, 0, 0);
      await chgl(p, l, 'child_before', fd, l.F_WRLCK, 0, 10);
      await chgl(p, l, 'child_after', fd, l.F_WRLCK, 30, 5);
      await chgl(p, l, 'child_last_byte', fd, l.F_RDLCK, 29, 1);
      await gl(p, l, 'getlk_unlck', fd, l.F_GETLK, l.F_UNLCK, 0, 0, 0);
      await ch(p, l, 'child_setlk', fd, l.F_SETLK, l.F_RDLCK, 15, 1);
      await ch(p, l, 'child_setlk_outside', fd, l.F_SETLK, l.F_WRLCK, 30, 0);
    },
  },
  {
    name: 'lock_read_locks_share', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("rdlck", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 100)); CH("child_rdlck", fd, F_SETLK, F_RDLCK, 50, 100);
        CH("child_wrlck", fd, F_SETLK, F_WRLCK, 99, 1); CH("child_wrlck_past", fd, F_SETLK, F_WRLCK, 100, 1); R("upgrade_own", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100));
        CH("child_rd_after_upgrade", fd, F_SETLK, F_RDLCK, 0, 1); R("downgrade", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 0)); CH("child_rd_after_down", fd, F_SETLK, F_RDLCK, 500, 1);`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      await p.r('rdlck', lk(l, fd, l.F_SETLK, l.F_RDLCK, l.SEEK_SET, 0, 100));
      await ch(p, l, 'child_rdlck', fd, l.F_SETLK, l.F_RDLCK, 50, 100);
      await ch(p, l, 'child_wrlck', fd, l.F_SETLK, l.F_WRLCK, 99, 1);
      await ch(p, l, 'child_wrlck_past', fd, l.F_SETLK, l.F_WRLCK, 100, 1);
      await p.r('upgrade_own', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, 0, 100));
      await ch(p, l, 'child_rd_after_upgrade', fd, l.F_SETLK, l.F_RDLCK, 0, 1);
      await p.r('downgrade', lk(l, fd, l.F_SETLK, l.F_RDLCK, l.SEEK_SET, 0, 0));
      await ch(p, l, 'child_rd_after_down', fd, l.F_SETLK, l.F_RDLCK, 500, 1);
    },
  },
  {
    name: 'lock_split_and_merge', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("wr_0_100", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100)); R("unlock_40_60", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20));
        CHGL("first", fd, F_RDLCK, 0, 0); CHGL("hole", fd, F_RDLCK, 40, 20); CHGL("second", fd, F_RDLCK, 45, 0); R("rd_40_60", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 40, 20));
        CHGL("middle_is_read", fd, F_WRLCK, 40, 20); CHGL("middle_rd_ok", fd, F_RDLCK, 40, 20); R("wr_40_60", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 40, 20)); CHGL("merged", fd, F_RDLCK, 0, 0);
        R("wr_adjacent", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 100, 10)); CHGL("merged_adjacent", fd, F_RDLCK, 0, 0); R("unlock_all", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
        CHGL("none", fd, F_WRLCK, 0, 0); R("unlock_nothing", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 5, 5));`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      await p.r('wr_0_100', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, 0, 100));
      await p.r('unlock_40_60', lk(l, fd, l.F_SETLK, l.F_UNLCK, l.SEEK_SET, 40, 20));
      await chgl(p, l, 'first', fd, l.F_RDLCK, 0, 0);
      await chgl(p, l, 'hole', fd, l.F_RDLCK, 40, 20);
      await chgl(p, l, 'second', fd, l.F_RDLCK, 45, 0);
      await p.r('rd_40_60', lk(l, fd, l.F_SETLK, l.F_RDLCK, l.SEEK_SET, 40, 20));
      await chgl(p, l, 'middle_is_read', fd, l.F_WRLCK, 40, 20);
      await chgl(p, l, 'middle_rd_ok', fd, l.F_RDLCK, 40, 20);
      await p.r('wr_40_60', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, 40, 20));
      await chgl(p, l, 'merged', fd, l.F_RDLCK, 0, 0);
      await p.r('wr_adjacent', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, 100, 10));
      await chgl(p, l, 'merged_adjacent', fd, l.F_RDLCK, 0, 0);
      await p.r('unlock_all', lk(l, fd, l.F_SETLK, l.F_UNLCK, l.SEEK_SET, 0, 0));
      await chgl(p, l, 'none', fd, l.F_WRLCK, 0, 0);
      await p.r('unlock_nothing', lk(l, fd, l.F_SETLK, l.F_UNLCK, l.SEEK_SET, 5, 5));
    },
  },
  {
    name: 'lock_whence_and_negative_len', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); ftruncate(fd, 100); lseek(fd, 10, SEEK_SET); R("cur", lk(fd, F_SETLK, F_WRLCK, SEEK_CUR, 5, 10)); CHGL("cur_range", fd, F_RDLCK, 0, 0);
        R("end", lk(fd, F_SETLK, F_RDLCK, SEEK_END, -10, 0)); CHGL("end_range", fd, F_WRLCK, 50, 0); R("neg_len", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 50, -10)); CHGL("neg_range", fd, F_RDLCK, 30, 0);
        R("neg_len_before_0", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -10)); R("neg_start", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1)); R("cur_neg_ok", lk(fd, F_SETLK, F_UNLCK, SEEK_CUR, -10, 0));
        CHGL("all_gone", fd, F_WRLCK, 0, 0);`,
    run: async (p, l) => {
      const fd = await mkfile(l, 100);
      await l.lseek(fd, 10, l.SEEK_SET);
      await p.r('cur', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_CUR, 5, 10));
      await chgl(p, l, 'cur_range', fd, l.F_RDLCK, 0, 0);
      await p.r('end', lk(l, fd, l.F_SETLK, l.F_RDLCK, l.SEEK_END, -10, 0));
      await chgl(p, l, 'end_range', fd, l.F_WRLCK, 50, 0);
      await p.r('neg_len', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, 50, -10));
      await chgl(p, l, 'neg_range', fd, l.F_RDLCK, 30, 0);
      await p.r('neg_len_before_0', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, 5, -10));
      await p.r('neg_start', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, -1, 1));
      await p.r('cur_neg_ok', lk(l, fd, l.F_SETLK, l.F_UNLCK, l.SEEK_CUR, -10, 0));
      await chgl(p, l, 'all_gone', fd, l.F_WRLCK, 0, 0);
    },
  },
  {
    name: 'lock_errnos', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); int ro = open("f", O_RDONLY), wo = open("f", O_WRONLY), pa = open("f", O_PATH);
        R("bad_whence", lk(fd, F_SETLK, F_WRLCK, 3, 0, 0)); R("bad_type", lk(fd, F_SETLK, 7, SEEK_SET, 0, 0)); R("bad_type_and_whence", lk(fd, F_SETLK, 7, 9, 0, 0));
        R("getlk_unlck", lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 0)); R("getlk_bad_type", lk(fd, F_GETLK, 5, SEEK_SET, 0, 0));
        R("wr_on_rdonly", lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)); R("rd_on_wronly", lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 0)); R("unlck_on_rdonly", lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
        R("rd_on_rdonly", lk(ro, F_SETLK, F_RDLCK, SEEK_SET, 0, 0)); R("getlk_wr_on_rdonly", lk(ro, F_GETLK, F_WRLCK, SEEK_SET, 0, 0)); R("opath", lk(pa, F_SETLK, F_RDLCK, SEEK_SET, 0, 0));
        R("bad_fd", lk(99, F_SETLK, F_RDLCK, SEEK_SET, 0, 0)); R("efault", fcntl(fd, F_SETLK, (void *)8)); R("efault_getlk", fcntl(fd, F_GETLK, (void *)8));
        R("overflow_len", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0x4000000000000000L, 0x6000000000000000L)); lseek(fd, 2048, SEEK_SET);
        R("overflow_start", lk(fd, F_SETLK, F_WRLCK, SEEK_CUR, 0x7ffffffffffffc00L, 1)); R("bad_type_before_fmode", lk(ro, F_SETLK, 9, SEEK_SET, 0, 0));
        struct flock f = mkfl(F_WRLCK, SEEK_SET, 0, 0); f.l_pid = 5; R("posix_pid_ignored", fcntl(fd, F_SETLK, &f)); R("ofd_pid_nonzero", fcntl(fd, F_OFD_SETLK, &f));
        R("ofd_getlk_pid_nonzero", fcntl(fd, F_OFD_GETLK, &f)); R("ofd_pid_wrong_mode_first", fcntl(ro, F_OFD_SETLK, &f));`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      const ro = await l.open('f', l.O_RDONLY), wo = await l.open('f', l.O_WRONLY), pa = await l.open('f', l.O_PATH);
      const S = l.SEEK_SET;
      await p.r('bad_whence', lk(l, fd, l.F_SETLK, l.F_WRLCK, 3, 0, 0));
      await p.r('bad_type', lk(l, fd, l.F_SETLK, 7, S, 0, 0));
      await p.r('bad_type_and_whence', lk(l, fd, l.F_SETLK, 7, 9, 0, 0));
      await p.r('getlk_unlck', lk(l, fd, l.F_GETLK, l.F_UNLCK, S, 0, 0));
      await p.r('getlk_bad_type', lk(l, fd, l.F_GETLK, 5, S, 0, 0));
      await p.r('wr_on_rdonly', lk(l, ro, l.F_SETLK, l.F_WRLCK, S, 0, 0));
      await p.r('rd_on_wronly', lk(l, wo, l.F_SETLK, l.F_RDLCK, S, 0, 0));
      await p.r('unlck_on_rdonly', lk(l, ro, l.F_SETLK, l.F_UNLCK, S, 0, 0));
      await p.r('rd_on_rdonly', lk(l, ro, l.F_SETLK, l.F_RDLCK, S, 0, 0));
      await p.r('getlk_wr_on_rdonly', lk(l, ro, l.F_GETLK, l.F_WRLCK, S, 0, 0));
      await p.r('opath', lk(l, pa, l.F_SETLK, l.F_RDLCK, S, 0, 0));
      await p.r('bad_fd', lk(l, 99, l.F_SETLK, l.F_RDLCK, S, 0, 0));
      await p.r('efault', l.fcntl(fd, l.F_SETLK, 8));
      await p.r('efault_getlk', l.fcntl(fd, l.F_GETLK, 8));
      await p.r('overflow_len', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 2 ** 62, 2 ** 62 + 2 ** 61));
      await l.lseek(fd, 2048, S);
      await p.r('overflow_start', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_CUR, 2 ** 63 - 1024, 1));
      await p.r('bad_type_before_fmode', lk(l, ro, l.F_SETLK, 9, S, 0, 0));
      await p.r('posix_pid_ignored', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 0, 0, 5));
      await p.r('ofd_pid_nonzero', lk(l, fd, l.F_OFD_SETLK, l.F_WRLCK, S, 0, 0, 5));
      await p.r('ofd_getlk_pid_nonzero', lk(l, fd, l.F_OFD_GETLK, l.F_WRLCK, S, 0, 0, 5));
      await p.r('ofd_pid_wrong_mode_first', lk(l, ro, l.F_OFD_SETLK, l.F_WRLCK, S, 0, 0, 5));
    },
  },
  {
    name: 'lock_any_close_drops_posix', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("lock", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)); int d = dup(fd); R("close_dup", close(d)); CH("after_close_dup", fd, F_SETLK, F_RDLCK, 0, 1);
        R("lock2", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)); int o = open("f", O_RDONLY); R("close_other_open", close(o)); CH("after_close_other", fd, F_SETLK, F_RDLCK, 0, 1);
        R("lock3", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)); int g = open("f", O_RDONLY); R("dup2_over", dup2(0, g)); CH("after_dup2", fd, F_SETLK, F_RDLCK, 0, 1);
        R("lock4", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)); int pa = open("f", O_PATH); R("close_opath", close(pa)); CH("after_close_opath", fd, F_SETLK, F_RDLCK, 0, 1);
        fflush(stdout); pid_t c = fork(); if (c == 0) { close(fd); _exit(0); } wst(c); CH("after_child_close", fd, F_SETLK, F_RDLCK, 0, 1);`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      const S = l.SEEK_SET;
      await p.r('lock', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 0, 0));
      const d = await l.dup(fd);
      await p.r('close_dup', l.close(d));
      await ch(p, l, 'after_close_dup', fd, l.F_SETLK, l.F_RDLCK, 0, 1);
      await p.r('lock2', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 0, 0));
      const o = await l.open('f', l.O_RDONLY);
      await p.r('close_other_open', l.close(o));
      await ch(p, l, 'after_close_other', fd, l.F_SETLK, l.F_RDLCK, 0, 1);
      await p.r('lock3', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 0, 0));
      const g = await l.open('f', l.O_RDONLY);
      await p.r('dup2_over', l.dup2(0, g));
      await ch(p, l, 'after_dup2', fd, l.F_SETLK, l.F_RDLCK, 0, 1);
      await p.r('lock4', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 0, 0));
      const pa = await l.open('f', l.O_PATH);
      await p.r('close_opath', l.close(pa));
      await ch(p, l, 'after_close_opath', fd, l.F_SETLK, l.F_RDLCK, 0, 1);
      const c = await l.fork(async (cl) => { await cl.close(fd); return 0; });
      await wst(l, c);
      await ch(p, l, 'after_child_close', fd, l.F_SETLK, l.F_RDLCK, 0, 1);
    },
  },
  {
    name: 'lock_ofd', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); int fd2 = open("f", O_RDWR); R("ofd_wr", lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10)); R("ofd_other_ofd", lk(fd2, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5, 1));
        R("posix_same_process", lk(fd2, F_SETLK, F_RDLCK, SEEK_SET, 5, 1)); GL("ofd_getlk", fd2, F_OFD_GETLK, F_RDLCK, 0, 0, 0); GL("posix_getlk", fd2, F_GETLK, F_RDLCK, 0, 0, 0);
        GL("ofd_getlk_own", fd, F_OFD_GETLK, F_WRLCK, 0, 0, 0); GL("ofd_getlk_unlck_own", fd, F_OFD_GETLK, F_UNLCK, 0, 0, 0); GL("ofd_getlk_unlck_other", fd2, F_OFD_GETLK, F_UNLCK, 0, 0, 0);
        R("close_fd2", close(fd2)); int d = dup(fd); R("close_dup", close(d)); CH("child_same_ofd", fd, F_OFD_SETLK, F_WRLCK, 0, 10);
        int fd3 = open("f", O_RDWR); CH("child_fresh_open", fd3, F_OFD_SETLK, F_WRLCK, 0, 1); R("posix_wr_then", lk(fd3, F_SETLK, F_WRLCK, SEEK_SET, 20, 5)); R("ofd_vs_posix", lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 22, 1));
        R("close_last", close(fd)); R("ofd_after_last_close", lk(fd3, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10)); R("ofd_wait_free", lk(fd3, F_OFD_SETLKW, F_RDLCK, SEEK_SET, 0, 1));`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      const fd2 = await l.open('f', l.O_RDWR);
      const S = l.SEEK_SET;
      await p.r('ofd_wr', lk(l, fd, l.F_OFD_SETLK, l.F_WRLCK, S, 0, 10));
      await p.r('ofd_other_ofd', lk(l, fd2, l.F_OFD_SETLK, l.F_RDLCK, S, 5, 1));
      await p.r('posix_same_process', lk(l, fd2, l.F_SETLK, l.F_RDLCK, S, 5, 1));
      await gl(p, l, 'ofd_getlk', fd2, l.F_OFD_GETLK, l.F_RDLCK, 0, 0, 0);
      await gl(p, l, 'posix_getlk', fd2, l.F_GETLK, l.F_RDLCK, 0, 0, 0);
      await gl(p, l, 'ofd_getlk_own', fd, l.F_OFD_GETLK, l.F_WRLCK, 0, 0, 0);
      await gl(p, l, 'ofd_getlk_unlck_own', fd, l.F_OFD_GETLK, l.F_UNLCK, 0, 0, 0);
      await gl(p, l, 'ofd_getlk_unlck_other', fd2, l.F_OFD_GETLK, l.F_UNLCK, 0, 0, 0);
      await p.r('close_fd2', l.close(fd2));
      const d = await l.dup(fd);
      await p.r('close_dup', l.close(d));
      await ch(p, l, 'child_same_ofd', fd, l.F_OFD_SETLK, l.F_WRLCK, 0, 10);
      const fd3 = await l.open('f', l.O_RDWR);
      await ch(p, l, 'child_fresh_open', fd3, l.F_OFD_SETLK, l.F_WRLCK, 0, 1);
      await p.r('posix_wr_then', lk(l, fd3, l.F_SETLK, l.F_WRLCK, S, 20, 5));
      await p.r('ofd_vs_posix', lk(l, fd, l.F_OFD_SETLK, l.F_WRLCK, S, 22, 1));
      await p.r('close_last', l.close(fd));
      await p.r('ofd_after_last_close', lk(l, fd3, l.F_OFD_SETLK, l.F_WRLCK, S, 0, 10));
      await p.r('ofd_wait_free', lk(l, fd3, l.F_OFD_SETLKW, l.F_RDLCK, S, 0, 1));
    },
  },
  {
    name: 'flock_basics', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); int fd2 = open("f", O_RDONLY); R("ex", flock(fd, LOCK_EX)); R("ex_again", flock(fd, LOCK_EX)); R("other_ex_nb", flock(fd2, LOCK_EX|LOCK_NB));
        R("other_sh_nb", flock(fd2, LOCK_SH|LOCK_NB)); int d = dup(fd); R("dup_shares", flock(d, LOCK_EX|LOCK_NB)); CHF("child_inherited", fd, LOCK_EX|LOCK_NB); CHF("child_other", fd2, LOCK_SH|LOCK_NB);
        R("fcntl_independent", lk(fd2, F_SETLK, F_RDLCK, SEEK_SET, 0, 0)); R("close_dup", close(d)); R("still_held", flock(fd2, LOCK_SH|LOCK_NB)); R("close_fd", close(fd));
        R("free_now", flock(fd2, LOCK_EX|LOCK_NB)); R("un", flock(fd2, LOCK_UN)); R("un_again", flock(fd2, LOCK_UN));`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      const fd2 = await l.open('f', l.O_RDONLY);
      const NB = l.LOCK_NB;
      await p.r('ex', l.flock(fd, l.LOCK_EX));
      await p.r('ex_again', l.flock(fd, l.LOCK_EX));
      await p.r('other_ex_nb', l.flock(fd2, l.LOCK_EX | NB));
      await p.r('other_sh_nb', l.flock(fd2, l.LOCK_SH | NB));
      const d = await l.dup(fd);
      await p.r('dup_shares', l.flock(d, l.LOCK_EX | NB));
      await chf(p, l, 'child_inherited', fd, l.LOCK_EX | NB);
      await chf(p, l, 'child_other', fd2, l.LOCK_SH | NB);
      await p.r('fcntl_independent', lk(l, fd2, l.F_SETLK, l.F_RDLCK, l.SEEK_SET, 0, 0));
      await p.r('close_dup', l.close(d));
      await p.r('still_held', l.flock(fd2, l.LOCK_SH | NB));
      await p.r('close_fd', l.close(fd));
      await p.r('free_now', l.flock(fd2, l.LOCK_EX | NB));
      await p.r('un', l.flock(fd2, l.LOCK_UN));
      await p.r('un_again', l.flock(fd2, l.LOCK_UN));
    },
  },
  {
    name: 'flock_errnos_and_conversion', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); int fd2 = open("f", O_RDWR); int pa = open("f", O_PATH);
        R("zero", flock(fd, 0)); R("sh_ex", flock(fd, LOCK_SH|LOCK_EX)); R("sh_un", flock(fd, LOCK_SH|LOCK_UN)); R("nb_only", flock(fd, LOCK_NB)); R("bit16", flock(fd, LOCK_SH|16));
        R("mand", flock(fd, 32)); R("mand_bad_fd", flock(99, 32|LOCK_SH)); R("bad_cmd_bad_fd", flock(99, 0)); R("bad_fd", flock(99, LOCK_SH)); R("opath", flock(pa, LOCK_SH)); R("opath_un", flock(pa, LOCK_UN));
        R("sh1", flock(fd, LOCK_SH)); R("sh2", flock(fd2, LOCK_SH)); R("convert_nb", flock(fd, LOCK_EX|LOCK_NB)); R("lost_old_lock", flock(fd2, LOCK_EX|LOCK_NB));
        R("sh_blocked", flock(fd, LOCK_SH|LOCK_NB)); R("down", flock(fd2, LOCK_SH)); R("sh_now", flock(fd, LOCK_SH|LOCK_NB));`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      const fd2 = await l.open('f', l.O_RDWR);
      const pa = await l.open('f', l.O_PATH);
      const NB = l.LOCK_NB;
      await p.r('zero', l.flock(fd, 0));
      await p.r('sh_ex', l.flock(fd, l.LOCK_SH | l.LOCK_EX));
      await p.r('sh_un', l.flock(fd, l.LOCK_SH | l.LOCK_UN));
      await p.r('nb_only', l.flock(fd, NB));
      await p.r('bit16', l.flock(fd, l.LOCK_SH | 16));
      await p.r('mand', l.flock(fd, 32));
      await p.r('mand_bad_fd', l.flock(99, 32 | l.LOCK_SH));
      await p.r('bad_cmd_bad_fd', l.flock(99, 0));
      await p.r('bad_fd', l.flock(99, l.LOCK_SH));
      await p.r('opath', l.flock(pa, l.LOCK_SH));
      await p.r('opath_un', l.flock(pa, l.LOCK_UN));
      await p.r('sh1', l.flock(fd, l.LOCK_SH));
      await p.r('sh2', l.flock(fd2, l.LOCK_SH));
      await p.r('convert_nb', l.flock(fd, l.LOCK_EX | NB));
      await p.r('lost_old_lock', l.flock(fd2, l.LOCK_EX | NB));
      await p.r('sh_blocked', l.flock(fd, l.LOCK_SH | NB));
      await p.r('down', l.flock(fd2, l.LOCK_SH));
      await p.r('sh_now', l.flock(fd, l.LOCK_SH | NB));
    },
  },
  {
    name: 'lock_setlkw_waits_and_deadlock', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("p_lock0", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)); int pp[2]; pipe(pp); fflush(stdout);
        pid_t c = fork(); if (c == 0) { lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1); write(pp[1], "x", 1); _exit(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1) == -1 ? errno : 0); }
        read(pp[0], buf, 1); wait_sleeping(c); R("p_lock1_deadlock", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1)); R("p_lock1_nb", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
        R("p_lock2_ok", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 2, 1)); R("unlock0", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1)); pr_code("child", wst(c)); R("p_lock1_after_exit", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 2));`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      const S = l.SEEK_SET;
      await p.r('p_lock0', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 0, 1));
      const pp = l.malloc(8);
      await l.pipe(pp);
      const c = await l.fork(async (cl) => {
        await lk(cl, fd, cl.F_SETLK, cl.F_WRLCK, S, 1, 1);
        await cl.write(cl.peek_i32(pp + 4), 'x');
        return (await lk(cl, fd, cl.F_SETLKW, cl.F_WRLCK, S, 0, 1)) === -1 ? cl.errno : 0;
      });
      await l.read(l.peek_i32(pp), p.buf, 1);
      await wait_sleeping(l, c);
      await p.r('p_lock1_deadlock', lk(l, fd, l.F_SETLKW, l.F_WRLCK, S, 1, 1));
      await p.r('p_lock1_nb', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 1, 1));
      await p.r('p_lock2_ok', lk(l, fd, l.F_SETLKW, l.F_WRLCK, S, 2, 1));
      await p.r('unlock0', lk(l, fd, l.F_SETLK, l.F_UNLCK, S, 0, 1));
      const e = await wst(l, c);
      p.out(`child: ${e ? errname(e) : 0}`);
      await p.r('p_lock1_after_exit', lk(l, fd, l.F_SETLK, l.F_WRLCK, S, 0, 2));
    },
  },
  {
    name: 'lock_setlkw_interrupted', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("lock", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)); fflush(stdout);
        pid_t c = fork(); if (c == 0) { struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_usr1; sigaction(SIGUSR1, &sa, 0); _exit(lk(fd, F_SETLKW, F_RDLCK, SEEK_SET, 0, 1) == -1 ? errno : 0); }
        wait_sleeping(c); R("kill", kill(c, SIGUSR1)); pr_code("child", wst(c));
        c = fork(); if (c == 0) { _exit(flock(fd, LOCK_SH) == -1 ? errno : 0); } R("flock_free", wst(c)); R("flock_ex", flock(fd, LOCK_EX)); fflush(stdout);
        c = fork(); if (c == 0) { int o = open("f", O_RDONLY); _exit(flock(o, LOCK_SH) == -1 ? errno : 0); } wait_sleeping(c); R("flock_un", flock(fd, LOCK_UN)); pr_code("flock_waiter", wst(c));`,
    run: async (p, l) => {
      const fd = await mkfile(l);
      await p.r('lock', lk(l, fd, l.F_SETLK, l.F_WRLCK, l.SEEK_SET, 0, 0));
      let c = await l.fork(async (cl) => { await cl.sigaction(cl.SIGUSR1, { handler: () => undefined }); return (await lk(cl, fd, cl.F_SETLKW, cl.F_RDLCK, cl.SEEK_SET, 0, 1)) === -1 ? cl.errno : 0; });
      await wait_sleeping(l, c);
      await p.r('kill', l.kill(c, l.SIGUSR1));
      const e = await wst(l, c);
      p.out(`child: ${e ? errname(e) : 0}`);
      c = await l.fork(async (cl) => ((await cl.flock(fd, cl.LOCK_SH)) === -1 ? cl.errno : 0));
      await p.r('flock_free', wst(l, c));
      await p.r('flock_ex', l.flock(fd, l.LOCK_EX));
      c = await l.fork(async (cl) => { const o = await cl.open('f', cl.O_RDONLY) as number; return (await cl.flock(o, cl.LOCK_SH)) === -1 ? cl.errno : 0; });
      await wait_sleeping(l, c);
      await p.r('flock_un', l.flock(fd, l.LOCK_UN));
      const e2 = await wst(l, c);
      p.out(`flock_waiter: ${e2 ? errname(e2) : 0}`);
    },
  },
];

conformance(test, 'fs_locks', cases);
