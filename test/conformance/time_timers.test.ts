/** Conformance: timerfd, alarm and the interval timers (setitimer/getitimer), SIGALRM's siginfo. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';
import { FDINFO_HELPERS, fdi, lnk } from './fdinfo_util.ts';

const HELPERS = FDINFO_HELPERS + String.raw`
#include <sys/timerfd.h>
#include <sys/time.h>
#include <sys/auxv.h>
#include <time.h>
static struct itimerspec its, oits;
static int ts_set(int fd, int flags, long vs, long vn, long is, long in) { its.it_value.tv_sec = vs; its.it_value.tv_nsec = vn; its.it_interval.tv_sec = is; its.it_interval.tv_nsec = in; return timerfd_settime(fd, flags, &its, &oits); }
static void GT(const char *l, int fd) { struct itimerspec g; if (timerfd_gettime(fd, &g)) { pr_err(l); return; } printf("%s: value_s=%ld interval=%ld.%09ld\n", l, (long)g.it_value.tv_sec, (long)g.it_interval.tv_sec, g.it_interval.tv_nsec); }
static void RDU(const char *l, int fd) { unsigned long long v = 0; errno = 0; long r = read(fd, &v, 8); if (r < 0) pr_err(l); else printf("%s: %ld ticks=%llu\n", l, r, v); }
static long rt_s(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return t.tv_sec; }
static struct itimerval itv, oitv;
static int it_set(int which, long vs, long vu, long is, long iu) { itv.it_value.tv_sec = vs; itv.it_value.tv_usec = vu; itv.it_interval.tv_sec = is; itv.it_interval.tv_usec = iu; return setitimer(which, &itv, &oitv); }
static void IT(const char *l, struct itimerval *v) { printf("%s: value_s=%ld interval=%ld.%06ld\n", l, (long)v->it_value.tv_sec, (long)v->it_interval.tv_sec, (long)v->it_interval.tv_usec); }
static void GI(const char *l, int which) { struct itimerval g; if (getitimer(which, &g)) { pr_err(l); return; } IT(l, &g); }
`;

const ITS = 32;
async function ts_set(l: Libc, buf: number, fd: number, flags: number, vs: number, vn: number, is: number, inn: number): Promise<number> {
  l.poke_u64(buf, is);
  l.poke_u64(buf + 8, inn);
  l.poke_u64(buf + 16, vs);
  l.poke_u64(buf + 24, vn);
  return l.timerfd_settime(fd, flags, buf, buf + ITS);
}
async function gt(p: P, l: Libc, label: string, fd: number): Promise<void> {
  const g = l.malloc(ITS);
  if (await l.timerfd_gettime(fd, g) === -1) { p.err(label); return; }
  p.out(`${label}: value_s=${l.peek_u64(g + 16)} interval=${l.peek_u64(g)}.${String(l.peek_u64(g + 8)).padStart(9, '0')}`);
}
async function rdu(p: P, l: Libc, label: string, fd: number): Promise<void> {
  const b = l.malloc(8);
  l.poke_u64(b, 0);
  const r = await l.read(fd, b, 8);
  if (r < 0) p.err(label); else p.out(`${label}: ${r} ticks=${l.peek_u64(b)}`);
}
async function it_set(l: Libc, buf: number, which: number, vs: number, vu: number, is: number, iu: number): Promise<number> {
  l.poke_u64(buf, is);
  l.poke_u64(buf + 8, iu);
  l.poke_u64(buf + 16, vs);
  l.poke_u64(buf + 24, vu);
  return l.setitimer(which, buf, buf + 32);
}
function it(p: P, l: Libc, label: string, v: number): void {
  p.out(`${label}: value_s=${l.peek_u64(v + 16)} interval=${l.peek_u64(v)}.${String(l.peek_u64(v + 8)).padStart(6, '0')}`);
}
async function gi(p: P, l: Libc, label: string, which: number): Promise<void> {
  const g = l.malloc(32);
  if (await l.getitimer(which, g) === -1) { p.err(label); return; }
  it(p, l, label, g);
}
const rt_s = (l: Libc): number => Math.floor((l.clock_ns(l.CLOCK_REALTIME) as number) / 1e9);
const NB = 0o4000, ABS = 1;

const cases: ConfCase[] = [
  {
    name: 'timerfd_basics', c_globals: HELPERS,
    c: `int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK); R("create", fd); LNK("link", fd); FDI("fdinfo_idle", fd); RDU("read_unarmed", fd); R("arm_1ns", ts_set(fd, 0, 0, 1, 0, 0));
        struct pollfd pf = { fd, POLLIN, 0 }; R("poll_waits", poll(&pf, 1, -1)); RDU("read", fd); RDU("read_again", fd); GT("expired", fd); R("arm_100s", ts_set(fd, 0, 100, 0, 5, 0)); GT("armed", fd);
        R("rearm", ts_set(fd, 0, 0, 0, 7, 500)); printf("old: value_s=%ld interval=%ld\\n", (long)oits.it_value.tv_sec, (long)oits.it_interval.tv_sec); GT("disarmed_keeps_interval", fd); FDI("fdinfo_disarmed", fd);
        char b[8]; R("read_7", read(fd, b, 7)); R("bad_clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0)); R("bad_create_flags", timerfd_create(CLOCK_MONOTONIC, 1)); R("bad_settime_flags", ts_set(fd, 4, 1, 0, 0, 0));
        R("bad_nsec", ts_set(fd, 0, 0, 1000000000, 0, 0)); R("neg_sec", ts_set(fd, 0, -1, 0, 0, 0)); R("bad_interval", ts_set(fd, 0, 1, 0, 0, -1)); int p[2]; pipe(p); R("not_timerfd", timerfd_settime(p[0], 0, &its, 0));
        R("bad_fd", timerfd_settime(55, 0, &its, 0)); R("bad_flags_bad_fd", timerfd_settime(55, 4, &its, 0)); R("efault", timerfd_settime(fd, 0, (void *)8, 0)); R("gettime_pipe", timerfd_gettime(p[0], &its));
        R("gettime_efault", timerfd_gettime(fd, (void *)8)); int c = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC); R("cloexec", fcntl(c, F_GETFD)); R("boottime", timerfd_create(CLOCK_BOOTTIME, 0));`,
    run: async (p, l) => {
      const b = l.malloc(2 * ITS);
      const fd = await p.r('create', l.timerfd_create(l.CLOCK_MONOTONIC, NB));
      await lnk(p, l, 'link', fd);
      await fdi(p, l, 'fdinfo_idle', fd);
      await rdu(p, l, 'read_unarmed', fd);
      await p.r('arm_1ns', ts_set(l, b, fd, 0, 0, 1, 0, 0));
      const pf = l.malloc(8);
      l.poke_u32(pf, fd);
      l.poke_u32(pf + 4, l.POLLIN);
      await p.r('poll_waits', l.poll(pf, 1, -1));
      await rdu(p, l, 'read', fd);
      await rdu(p, l, 'read_again', fd);
      await gt(p, l, 'expired', fd);
      await p.r('arm_100s', ts_set(l, b, fd, 0, 100, 0, 5, 0));
      await gt(p, l, 'armed', fd);
      await p.r('rearm', ts_set(l, b, fd, 0, 0, 0, 7, 500));
      p.out(`old: value_s=${l.peek_u64(b + ITS + 16)} interval=${l.peek_u64(b + ITS)}`);
      await gt(p, l, 'disarmed_keeps_interval', fd);
      await fdi(p, l, 'fdinfo_disarmed', fd);
      await p.r('read_7', l.read(fd, l.malloc(8), 7));
      await p.r('bad_clock', l.timerfd_create(2, 0));
      await p.r('bad_create_flags', l.timerfd_create(l.CLOCK_MONOTONIC, 1));
      await p.r('bad_settime_flags', ts_set(l, b, fd, 4, 1, 0, 0, 0));
      await p.r('bad_nsec', ts_set(l, b, fd, 0, 0, 1e9, 0, 0));
      await p.r('neg_sec', ts_set(l, b, fd, 0, -1, 0, 0, 0));
      await p.r('bad_interval', ts_set(l, b, fd, 0, 1, 0, 0, -1));
      await l.pipe(p.st);
      const pr = l.peek_i32(p.st);
      await p.r('not_timerfd', l.timerfd_settime(pr, 0, b, 0));
      await p.r('bad_fd', l.timerfd_settime(55, 0, b, 0));
      await p.r('bad_flags_bad_fd', l.timerfd_settime(55, 4, b, 0));
      await p.r('efault', l.timerfd_settime(fd, 0, 8, 0));
      await p.r('gettime_pipe', l.timerfd_gettime(pr, b));
      await p.r('gettime_efault', l.timerfd_gettime(fd, 8));
      const c = await l.timerfd_create(l.CLOCK_REALTIME, l.O_CLOEXEC);
      await p.r('cloexec', l.fcntl(c, l.F_GETFD));
      await p.r('boottime', l.timerfd_create(7, 0));
    },
  },
  {
    name: 'timerfd_abstime_and_periods', c_globals: HELPERS,
    c: `int fd = timerfd_create(CLOCK_MONOTONIC, 0); R("past_abs", ts_set(fd, TFD_TIMER_ABSTIME, 0, 1, 0, 0)); RDU("one_tick", fd); int rt = timerfd_create(CLOCK_REALTIME, 0); long now = rt_s();
        R("periodic_past", ts_set(rt, TFD_TIMER_ABSTIME, now - 105, 0, 10, 0)); RDU("ticks_elapsed", rt); GT("next_period", rt); R("reset_clears", ts_set(fd, 0, 1000, 0, 0, 0));
        int nb = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK); R("rt_past_abs", ts_set(nb, TFD_TIMER_ABSTIME, 1, 0, 0, 0)); RDU("rt_tick", nb); RDU("rt_none", nb);
        R("cancel_on_set_ok", ts_set(nb, TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET, 2, 0, 0, 0)); RDU("rt_tick2", nb);`,
    run: async (p, l) => {
      const b = l.malloc(2 * ITS);
      const fd = await l.timerfd_create(l.CLOCK_MONOTONIC, 0);
      await p.r('past_abs', ts_set(l, b, fd, ABS, 0, 1, 0, 0));
      await rdu(p, l, 'one_tick', fd);
      const rt = await l.timerfd_create(l.CLOCK_REALTIME, 0);
      const now = rt_s(l);
      await p.r('periodic_past', ts_set(l, b, rt, ABS, now - 105, 0, 10, 0));
      await rdu(p, l, 'ticks_elapsed', rt);
      await gt(p, l, 'next_period', rt);
      await p.r('reset_clears', ts_set(l, b, fd, 0, 1000, 0, 0, 0));
      const nb = await l.timerfd_create(l.CLOCK_REALTIME, NB);
      await p.r('rt_past_abs', ts_set(l, b, nb, ABS, 1, 0, 0, 0));
      await rdu(p, l, 'rt_tick', nb);
      await rdu(p, l, 'rt_none', nb);
      await p.r('cancel_on_set_ok', ts_set(l, b, nb, ABS | 2, 2, 0, 0, 0));
      await rdu(p, l, 'rt_tick2', nb);
    },
  },
  {
    name: 'alarm_and_itimers', c_globals: HELPERS,
    c: `R("alarm_first", alarm(100)); R("alarm_replace", alarm(5)); R("alarm_cancel", alarm(0)); GI("real_idle", ITIMER_REAL); R("set_real", it_set(ITIMER_REAL, 5, 0, 2, 500)); IT("old", &oitv); GI("real", ITIMER_REAL);
        R("alarm_sees_itimer", alarm(0)); GI("real_after_alarm0", ITIMER_REAL); R("bad_which", it_set(7, 1, 0, 0, 0)); R("bad_usec", it_set(ITIMER_REAL, 1, 1000000, 0, 0)); R("neg_usec", it_set(ITIMER_REAL, 1, 0, 0, -1));
        R("getitimer_bad", getitimer(3, &itv)); R("getitimer_efault", getitimer(ITIMER_REAL, (void *)8)); R("setitimer_efault", setitimer(ITIMER_REAL, (void *)8, 0));
        it_set(ITIMER_REAL, 9, 0, 0, 0); R("null_value", syscall(SYS_setitimer, ITIMER_REAL, 0, &oitv)); IT("null_value_old", &oitv); GI("real_cleared", ITIMER_REAL);
        R("prof", it_set(ITIMER_PROF, 10, 0, 1, 0)); GI("prof_get", ITIMER_PROF); R("virt", it_set(ITIMER_VIRTUAL, 0, 0, 3, 0)); GI("virt_unarmed", ITIMER_VIRTUAL);
        alarm(50); fflush(stdout); pid_t c = fork(); if (c == 0) _exit(alarm(0)); int s; waitpid(c, &s, 0); R("child_has_no_alarm", WEXITSTATUS(s)); R("parent_keeps", alarm(0) > 0);
        sigset_t m; sigemptyset(&m); sigaddset(&m, SIGALRM); sigprocmask(SIG_BLOCK, &m, 0); R("set_1ms", it_set(ITIMER_REAL, 0, 1000, 0, 0)); siginfo_t si; R("sigalrm", sigwaitinfo(&m, &si));
        R("code", si.si_code); GI("after_fire", ITIMER_REAL);`,
    run: async (p, l) => {
      const b = l.malloc(64);
      const REAL = 0, VIRT = 1, PROF = 2;
      await p.r('alarm_first', l.alarm(100));
      await p.r('alarm_replace', l.alarm(5));
      await p.r('alarm_cancel', l.alarm(0));
      await gi(p, l, 'real_idle', REAL);
      await p.r('set_real', it_set(l, b, REAL, 5, 0, 2, 500));
      it(p, l, 'old', b + 32);
      await gi(p, l, 'real', REAL);
      await p.r('alarm_sees_itimer', l.alarm(0));
      await gi(p, l, 'real_after_alarm0', REAL);
      await p.r('bad_which', it_set(l, b, 7, 1, 0, 0, 0));
      await p.r('bad_usec', it_set(l, b, REAL, 1, 1e6, 0, 0));
      await p.r('neg_usec', it_set(l, b, REAL, 1, 0, 0, -1));
      await p.r('getitimer_bad', l.getitimer(3, b));
      await p.r('getitimer_efault', l.getitimer(REAL, 8));
      await p.r('setitimer_efault', l.setitimer(REAL, 8, 0));
      await it_set(l, b, REAL, 9, 0, 0, 0);
      await p.r('null_value', l.syscall(l.SYS.setitimer, REAL, 0, b + 32));
      it(p, l, 'null_value_old', b + 32);
      await gi(p, l, 'real_cleared', REAL);
      await p.r('prof', it_set(l, b, PROF, 10, 0, 1, 0));
      await gi(p, l, 'prof_get', PROF);
      await p.r('virt', it_set(l, b, VIRT, 0, 0, 3, 0));
      await gi(p, l, 'virt_unarmed', VIRT);
      await l.alarm(50);
      const c = await l.fork(async (cl) => cl.alarm(0) as number);
      const s = l.malloc(4);
      await l.waitpid(c, s, 0);
      await p.r('child_has_no_alarm', l.WEXITSTATUS(l.peek_i32(s)));
      await p.r('parent_keeps', await l.alarm(0) > 0 ? 1 : 0);
      await l.sigprocmask(l.SIG_BLOCK, [l.SIGALRM]);
      await p.r('set_1ms', it_set(l, b, REAL, 0, 1000, 0, 0));
      const si = l.malloc(128);
      await p.r('sigalrm', l.sigwaitinfo([l.SIGALRM], si));
      await p.r('code', l.peek_i32(si + 8));
      await gi(p, l, 'after_fire', REAL);
    },
  },
  {
    // Every clock id clock_gettime/clock_getres accept (CLOCK_TAI is CLOCK_REALTIME while the
    // kernel's TAI offset is 0), the resolutions, and the vDSO the auxiliary vector points at.
    name: 'clock_ids_and_vdso', c_globals: HELPERS,
    c: `struct timespec a, r; char l[32];
        for (int c = -1; c <= 12; c++) { sprintf(l, "gettime_%d", c); R(l, clock_gettime(c, &a)); sprintf(l, "getres_%d", c); int e; R(l, e = clock_getres(c, &r)); if (!e) printf("res_%d: %ld\\n", c, r.tv_nsec); }
        struct timespec x, y; clock_gettime(CLOCK_REALTIME, &x); clock_gettime(CLOCK_TAI, &y); printf("tai_minus_realtime_s: %ld\\n", (long)(y.tv_sec - x.tv_sec));
        struct timespec d = { 0, 1000 }; R("nanosleep_tai", clock_nanosleep(CLOCK_TAI, 0, &d, 0));
        unsigned long v = getauxval(AT_SYSINFO_EHDR); printf("vdso: %s\\n", v ? (memcmp((void *)v, "\\x7f" "ELF", 4) ? "not elf" : "elf") : "none");`,
    run: async (p, l) => {
      const a = l.malloc(16), r = l.malloc(16);
      for (let c = -1; c <= 12; c++) {
        await p.r(`gettime_${c}`, l.clock_gettime(c, a));
        const e = await p.r(`getres_${c}`, l.syscall(l.SYS.clock_getres, c, r));
        if (e === 0) p.out(`res_${c}: ${l.peek_u64(r + 8)}`);
      }
      const x = l.malloc(16), y = l.malloc(16);
      l.clock_gettime(l.CLOCK_REALTIME, x); l.clock_gettime(11, y);
      p.out(`tai_minus_realtime_s: ${l.peek_u64(y) - l.peek_u64(x)}`);
      l.poke_u64(a, 0); l.poke_u64(a + 8, 1000);
      await p.r('nanosleep_tai', l.raw(l.SYS.clock_nanosleep, 11, 0, a, 0)); // glibc returns the error number itself
      const v = l.getauxval(33);
      p.out(`vdso: ${v ? (String.fromCharCode(...l.peek(v, 4)) === '\x7fELF' ? 'elf' : 'not elf') : 'none'}`);
    },
  },
];

conformance(test, 'time_timers', cases);
