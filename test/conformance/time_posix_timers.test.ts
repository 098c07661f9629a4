/** Conformance: POSIX per-process timers — timer_create/settime/gettime/getoverrun/delete, SIGEV_*, SI_TIMER siginfo. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

const HELPERS = String.raw`
#include <time.h>
static int tid_;
static int tc(int clk, int notify, int signo, long val) { struct sigevent ev; memset(&ev, 0, sizeof ev); ev.sigev_notify = notify; ev.sigev_signo = signo; ev.sigev_value.sival_ptr = (void *)val;
  ev._sigev_un._tid = notify == 4 ? (val ? (int)val : getpid()) : 0; return syscall(SYS_timer_create, clk, &ev, &tid_) ? -1 : tid_; }
static int tc_null(int clk) { return syscall(SYS_timer_create, clk, 0, &tid_) ? -1 : tid_; }
static int tset(int id, int flags, long vs, long vn, long is, long in) { struct itimerspec n = {{is, in}, {vs, vn}}, o; int r = syscall(SYS_timer_settime, id, flags, &n, &o);
  if (!r) printf("  old: value_s=%ld interval=%ld.%09ld\n", (long)o.it_value.tv_sec, (long)o.it_interval.tv_sec, o.it_interval.tv_nsec); return r; }
static void TG(const char *l, int id) { struct itimerspec g; if (syscall(SYS_timer_gettime, id, &g)) { pr_err(l); return; } printf("%s: value_s=%ld interval=%ld.%09ld\n", l, (long)g.it_value.tv_sec, (long)g.it_interval.tv_sec, g.it_interval.tv_nsec); }
static siginfo_t si;
static int wt(int sig) { sigset_t s; sigemptyset(&s); sigaddset(&s, sig); memset(&si, 0, sizeof si); return sigwaitinfo(&s, &si); }
static void blk(int sig) { sigset_t s; sigemptyset(&s); sigaddset(&s, sig); sigprocmask(SIG_BLOCK, &s, 0); }
static void SIT(const char *l) { printf("%s: signo=%d code=%d timerid=%d overrun=%d value=%d\n", l, si.si_signo, si.si_code, si.si_timerid, si.si_overrun, si.si_value.sival_int); }
`;

const SEV = 64, ITS = 32;
/** timer_create with a struct sigevent (notify 4: SIGEV_THREAD_ID for the caller, or the tid in val). */
async function tc(l: Libc, clk: number, notify: number, signo: number, val: number): Promise<number> {
  const ev = l.malloc(SEV);
  l.poke(ev, new Uint8Array(SEV));
  l.poke_u64(ev, val);
  l.poke_u32(ev + 8, signo);
  l.poke_u32(ev + 12, notify);
  if (notify === 4) l.poke_u32(ev + 16, val || l.getpid() as number);
  const id = l.malloc(4);
  return await l.timer_create(clk, ev, id) ? -1 : l.peek_i32(id);
}
async function tc_null(l: Libc, clk: number): Promise<number> { const id = l.malloc(4); return await l.timer_create(clk, 0, id) ? -1 : l.peek_i32(id); }
async function tset(p: P, l: Libc, id: number, flags: number, vs: number, vn: number, is: number, inn: number): Promise<number> {
  const n = l.malloc(ITS * 2);
  l.poke_u64(n, is);
  l.poke_u64(n + 8, inn);
  l.poke_u64(n + 16, vs);
  l.poke_u64(n + 24, vn);
  const r = await l.timer_settime(id, flags, n, n + ITS);
  if (!r) p.out(`  old: value_s=${l.peek_u64(n + ITS + 16)} interval=${l.peek_u64(n + ITS)}.${String(l.peek_u64(n + ITS + 8)).padStart(9, '0')}`);
  return r;
}
async function tg(p: P, l: Libc, label: string, id: number): Promise<void> {
  const g = l.malloc(ITS);
  if (await l.timer_gettime(id, g) === -1) { p.err(label); return; }
  p.out(`${label}: value_s=${l.peek_u64(g + 16)} interval=${l.peek_u64(g)}.${String(l.peek_u64(g + 8)).padStart(9, '0')}`);
}
async function wt(p: P, l: Libc, sig: number): Promise<number> { l.poke(p.st, new Uint8Array(128)); return l.sigwaitinfo([sig], p.st); }
const blk = (l: Libc, sig: number): number | Promise<number> => l.sigprocmask(l.SIG_BLOCK, [sig]);
function sit(p: P, l: Libc, label: string): void {
  const i = p.st;
  p.out(`${label}: signo=${l.peek_i32(i)} code=${l.peek_i32(i + 8)} timerid=${l.peek_i32(i + 16)} overrun=${l.peek_i32(i + 20)} value=${l.peek_i32(i + 24)}`);
}
const RT = 34, RT1 = 35, ALRM = 14;

const cases: ConfCase[] = [
  {
    name: 'timer_create_ids_and_clocks', c_globals: HELPERS,
    c: `R("null_sigevent", tc_null(CLOCK_MONOTONIC)); R("second", tc_null(CLOCK_MONOTONIC)); R("delete0", syscall(SYS_timer_delete, 0)); R("delete0_again", syscall(SYS_timer_delete, 0)); R("third_not_reused", tc_null(CLOCK_MONOTONIC));
        for (int c = 0; c <= 12; c++) { char l[16]; sprintf(l, "clock%d", c); R(l, tc_null(c)); } R("clock_neg", tc_null(-1)); R("clock_pid_cpu", tc_null(-6));
        R("delete_neg", syscall(SYS_timer_delete, -1)); R("delete_unknown", syscall(SYS_timer_delete, 1000));`,
    run: async (p, l) => {
      await p.r('null_sigevent', tc_null(l, l.CLOCK_MONOTONIC));
      await p.r('second', tc_null(l, l.CLOCK_MONOTONIC));
      await p.r('delete0', l.timer_delete(0));
      await p.r('delete0_again', l.timer_delete(0));
      await p.r('third_not_reused', tc_null(l, l.CLOCK_MONOTONIC));
      for (let c = 0; c <= 12; c++) await p.r(`clock${c}`, tc_null(l, c));
      await p.r('clock_neg', tc_null(l, -1));
      await p.r('clock_pid_cpu', tc_null(l, -6));
      await p.r('delete_neg', l.timer_delete(-1));
      await p.r('delete_unknown', l.timer_delete(1000));
    },
  },
  {
    name: 'timer_create_sigevent_rules', c_globals: HELPERS,
    c: `R("none", tc(0, SIGEV_NONE, 0, 0)); R("signal_0", tc(0, SIGEV_SIGNAL, 0, 0)); R("signal_65", tc(0, SIGEV_SIGNAL, 65, 0)); R("signal_64", tc(0, SIGEV_SIGNAL, 64, 0)); R("signal_kill", tc(0, SIGEV_SIGNAL, SIGKILL, 0));
        R("thread_0", tc(0, SIGEV_THREAD, 0, 0)); R("thread", tc(0, SIGEV_THREAD, SIGUSR1, 0)); R("thread_id_me", tc(0, SIGEV_THREAD_ID, SIGUSR1, 0)); R("thread_id_init", tc(0, SIGEV_THREAD_ID, SIGUSR1, 1));
        R("thread_id_only", tc(0, 4, SIGUSR1, 0) >= 0 ? 0 : -1); R("notify_3", tc(0, 3, SIGUSR1, 0)); R("notify_7", tc(0, 7, SIGUSR1, 0)); R("notify_neg", tc(0, -1, SIGUSR1, 0));
        R("efault_sigevent", syscall(SYS_timer_create, 0, 8, &tid_)); R("efault_before_clock", syscall(SYS_timer_create, 99, 8, &tid_)); R("bad_clock_before_sigevent", tc(99, 7, 0, 0)); R("efault_id", syscall(SYS_timer_create, 0, 0, 8));`,
    run: async (p, l) => {
      await p.r('none', tc(l, 0, 1, 0, 0));
      await p.r('signal_0', tc(l, 0, 0, 0, 0));
      await p.r('signal_65', tc(l, 0, 0, 65, 0));
      await p.r('signal_64', tc(l, 0, 0, 64, 0));
      await p.r('signal_kill', tc(l, 0, 0, l.SIGKILL, 0));
      await p.r('thread_0', tc(l, 0, 2, 0, 0));
      await p.r('thread', tc(l, 0, 2, l.SIGUSR1, 0));
      await p.r('thread_id_me', tc(l, 0, 4, l.SIGUSR1, 0));
      await p.r('thread_id_init', tc(l, 0, 4, l.SIGUSR1, 1));
      await p.r('thread_id_only', (await tc(l, 0, 4, l.SIGUSR1, 0)) >= 0 ? 0 : -1);
      await p.r('notify_3', tc(l, 0, 3, l.SIGUSR1, 0));
      await p.r('notify_7', tc(l, 0, 7, l.SIGUSR1, 0));
      await p.r('notify_neg', tc(l, 0, -1, l.SIGUSR1, 0));
      const id = l.malloc(4);
      await p.r('efault_sigevent', l.timer_create(0, 8, id));
      await p.r('efault_before_clock', l.timer_create(99, 8, id));
      await p.r('bad_clock_before_sigevent', tc(l, 99, 7, 0, 0));
      await p.r('efault_id', l.timer_create(0, 0, 8));
    },
  },
  {
    name: 'timer_settime_gettime', c_globals: HELPERS,
    c: `int id = tc(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0); TG("unarmed", id); R("arm_100s", tset(id, 0, 100, 0, 5, 0)); TG("armed", id); R("rearm", tset(id, 0, 50, 0, 0, 250)); TG("rearmed", id);
        R("value_zero_drops_interval", tset(id, 0, 0, 0, 5, 0)); TG("disarmed", id); R("overrun_none", syscall(SYS_timer_getoverrun, id));
        struct timespec now; clock_gettime(CLOCK_REALTIME, &now); int r = tc(CLOCK_REALTIME, SIGEV_NONE, 0, 0); R("abs_past", tset(r, TIMER_ABSTIME, now.tv_sec - 5, 0, 0, 0)); TG("abs_expired", r);
        R("abs_future", tset(r, TIMER_ABSTIME, now.tv_sec + 1000, 0, 0, 0)); struct itimerspec g; syscall(SYS_timer_gettime, r, &g); R("abs_future_left_ok", g.it_value.tv_sec >= 998 && g.it_value.tv_sec <= 1000);
        R("periodic_past", tset(r, TIMER_ABSTIME, now.tv_sec - 5, 0, 3600, 0)); syscall(SYS_timer_gettime, r, &g); R("periodic_next_within_period", g.it_value.tv_sec < 3600 && g.it_value.tv_sec >= 3590); R("flags_ignored", tset(id, 0xfe, 0, 0, 0, 0));
        struct itimerspec n = {{0, 0}, {0, 1000000000}}; R("bad_nsec", syscall(SYS_timer_settime, id, 0, &n, 0)); n.it_value.tv_nsec = 0; n.it_interval.tv_nsec = -1; R("bad_interval", syscall(SYS_timer_settime, id, 0, &n, 0));
        n.it_interval.tv_nsec = 0; n.it_value.tv_sec = -1; R("neg_sec", syscall(SYS_timer_settime, id, 0, &n, 0)); R("null_new", syscall(SYS_timer_settime, id, 0, 0, 0)); R("efault_new", syscall(SYS_timer_settime, id, 0, 8, 0));
        n.it_value.tv_sec = 1; R("bad_id", syscall(SYS_timer_settime, 99, 0, &n, 0)); n.it_value.tv_nsec = -5; R("einval_before_bad_id", syscall(SYS_timer_settime, 99, 0, &n, 0)); R("gettime_bad_id", syscall(SYS_timer_gettime, 99, &g));
        R("gettime_efault", syscall(SYS_timer_gettime, id, 8)); R("getoverrun_bad_id", syscall(SYS_timer_getoverrun, 99)); R("delete", syscall(SYS_timer_delete, id)); R("gettime_deleted", syscall(SYS_timer_gettime, id, &g));`,
    run: async (p, l) => {
      const id = await tc(l, l.CLOCK_MONOTONIC, 1, 0, 0);
      await tg(p, l, 'unarmed', id);
      await p.r('arm_100s', tset(p, l, id, 0, 100, 0, 5, 0));
      await tg(p, l, 'armed', id);
      await p.r('rearm', tset(p, l, id, 0, 50, 0, 0, 250));
      await tg(p, l, 'rearmed', id);
      await p.r('value_zero_drops_interval', tset(p, l, id, 0, 0, 0, 5, 0));
      await tg(p, l, 'disarmed', id);
      await p.r('overrun_none', l.timer_getoverrun(id));
      const now = Math.floor((l.clock_ns(l.CLOCK_REALTIME) as number) / 1e9);
      const r = await tc(l, l.CLOCK_REALTIME, 1, 0, 0);
      await p.r('abs_past', tset(p, l, r, 1, now - 5, 0, 0, 0));
      await tg(p, l, 'abs_expired', r);
      const g = l.malloc(ITS);
      await p.r('abs_future', tset(p, l, r, 1, now + 1000, 0, 0, 0));
      await l.timer_gettime(r, g);
      const left = l.peek_u64(g + 16);
      await p.r('abs_future_left_ok', left >= 998 && left <= 1000 ? 1 : 0);
      await p.r('periodic_past', tset(p, l, r, 1, now - 5, 0, 3600, 0));
      await l.timer_gettime(r, g);
      const nx = l.peek_u64(g + 16);
      await p.r('periodic_next_within_period', nx < 3600 && nx >= 3590 ? 1 : 0);
      await p.r('flags_ignored', tset(p, l, id, 0xfe, 0, 0, 0, 0));
      const n = l.malloc(ITS);
      l.poke(n, new Uint8Array(ITS));
      l.poke_u64(n + 24, 1e9);
      await p.r('bad_nsec', l.timer_settime(id, 0, n, 0));
      l.poke_u64(n + 24, 0);
      l.poke_u64(n + 8, -1);
      await p.r('bad_interval', l.timer_settime(id, 0, n, 0));
      l.poke_u64(n + 8, 0);
      l.poke_u64(n + 16, -1);
      await p.r('neg_sec', l.timer_settime(id, 0, n, 0));
      await p.r('null_new', l.timer_settime(id, 0, 0, 0));
      await p.r('efault_new', l.timer_settime(id, 0, 8, 0));
      l.poke_u64(n + 16, 1);
      await p.r('bad_id', l.timer_settime(99, 0, n, 0));
      l.poke_u64(n + 24, -5);
      await p.r('einval_before_bad_id', l.timer_settime(99, 0, n, 0));
      await p.r('gettime_bad_id', l.timer_gettime(99, g));
      await p.r('gettime_efault', l.timer_gettime(id, 8));
      await p.r('getoverrun_bad_id', l.timer_getoverrun(99));
      await p.r('delete', l.timer_delete(id));
      await p.r('gettime_deleted', l.timer_gettime(id, g));
    },
  },
  {
    name: 'timer_signal_siginfo', c_globals: HELPERS,
    c: `blk(SIGRTMIN); int id = tc(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN, 0x1234); R("id", id); R("arm_1ns", tset(id, 0, 0, 1, 0, 0)); R("wait", wt(SIGRTMIN)); SIT("siginfo");
        R("overrun", syscall(SYS_timer_getoverrun, id)); TG("after", id); blk(SIGALRM); int a = tc_null(CLOCK_REALTIME); R("arm_null_sigevent", tset(a, 0, 0, 1, 0, 0)); R("wait_alrm", wt(SIGALRM));
        R("value_is_id", si.si_value.sival_int == a); R("code", si.si_code); blk(SIGUSR2); int th = tc(CLOCK_BOOTTIME, SIGEV_THREAD_ID, SIGUSR2, 0); si.si_value.sival_int = 0; R("arm_thread_id", tset(th, 0, 0, 1, 0, 0));
        R("wait_thread_id", wt(SIGUSR2)); R("thread_id_code", si.si_code); R("thread_id_timerid", si.si_timerid == th);`,
    run: async (p, l) => {
      await blk(l, RT);
      const id = await p.r('id', tc(l, l.CLOCK_MONOTONIC, 0, RT, 0x1234));
      await p.r('arm_1ns', tset(p, l, id, 0, 0, 1, 0, 0));
      await p.r('wait', wt(p, l, RT));
      sit(p, l, 'siginfo');
      await p.r('overrun', l.timer_getoverrun(id));
      await tg(p, l, 'after', id);
      await blk(l, ALRM);
      const a = await tc_null(l, l.CLOCK_REALTIME);
      await p.r('arm_null_sigevent', tset(p, l, a, 0, 0, 1, 0, 0));
      await p.r('wait_alrm', wt(p, l, ALRM));
      await p.r('value_is_id', l.peek_i32(p.st + 24) === a ? 1 : 0);
      await p.r('code', l.peek_i32(p.st + 8));
      await blk(l, l.SIGUSR2);
      const th = await tc(l, 7, 4, l.SIGUSR2, 0);
      await p.r('arm_thread_id', tset(p, l, th, 0, 0, 1, 0, 0));
      await p.r('wait_thread_id', wt(p, l, l.SIGUSR2));
      await p.r('thread_id_code', l.peek_i32(p.st + 8));
      await p.r('thread_id_timerid', l.peek_i32(p.st + 16) === th ? 1 : 0);
    },
  },
  {
    name: 'timer_overrun_while_queued', c_globals: HELPERS,
    c: `blk(SIGRTMIN + 1); int id = tc(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN + 1, 7); R("arm_periodic_1ms", tset(id, 0, 0, 1, 0, 1000000)); usleep(30000); R("overrun_before_delivery", syscall(SYS_timer_getoverrun, id));
        R("wait", wt(SIGRTMIN + 1)); R("si_overrun_counts_expiries", si.si_overrun >= 20); R("getoverrun_matches", syscall(SYS_timer_getoverrun, id) == si.si_overrun); R("next_period_signals", wt(SIGRTMIN + 1) == SIGRTMIN + 1);
        R("disarm", tset(id, 0, 0, 0, 0, 0)); R("overrun_reset", syscall(SYS_timer_getoverrun, id)); R("delete", syscall(SYS_timer_delete, id));`,
    run: async (p, l) => {
      await blk(l, RT1);
      const id = await tc(l, l.CLOCK_MONOTONIC, 0, RT1, 7);
      await p.r('arm_periodic_1ms', tset(p, l, id, 0, 0, 1, 0, 1e6));
      await l.nanosleep(30e6);
      await p.r('overrun_before_delivery', l.timer_getoverrun(id));
      await p.r('wait', wt(p, l, RT1));
      const ov = l.peek_i32(p.st + 20);
      await p.r('si_overrun_counts_expiries', ov >= 20 ? 1 : 0);
      await p.r('getoverrun_matches', (await l.timer_getoverrun(id)) === ov ? 1 : 0);
      await p.r('next_period_signals', (await wt(p, l, RT1)) === RT1 ? 1 : 0);
      await p.r('disarm', tset(p, l, id, 0, 0, 0, 0, 0));
      await p.r('overrun_reset', l.timer_getoverrun(id));
      await p.r('delete', l.timer_delete(id));
    },
  },
  {
    name: 'timer_not_inherited_by_fork', c_globals: HELPERS,
    c: `int id = tc(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0); tset(id, 0, 100, 0, 0, 0); fflush(stdout); pid_t c = fork(); if (c == 0) { struct itimerspec g; _exit(syscall(SYS_timer_gettime, id, &g) == -1 ? errno : 0); }
        int st_; waitpid(c, &st_, 0); printf("child_gettime: %s\\n", WEXITSTATUS(st_) == EINVAL ? "EINVAL" : "other"); fflush(stdout); c = fork(); if (c == 0) _exit(tc_null(CLOCK_MONOTONIC)); waitpid(c, &st_, 0); R("child_first_id", WEXITSTATUS(st_)); TG("parent_kept", id);`,
    run: async (p, l) => {
      const id = await tc(l, l.CLOCK_MONOTONIC, 1, 0, 0);
      await tset(p, l, id, 0, 100, 0, 0, 0);
      const g = l.malloc(ITS);
      const ws = l.malloc(4);
      let c = await l.fork(async (cl) => ((await cl.timer_gettime(id, g)) === -1 ? cl.errno : 0));
      await l.waitpid(c, ws, 0);
      p.out(`child_gettime: ${((l.peek_i32(ws) >> 8) & 0xff) === l.EINVAL ? 'EINVAL' : 'other'}`);
      c = await l.fork(async (cl) => tc_null(cl, cl.CLOCK_MONOTONIC));
      await l.waitpid(c, ws, 0);
      await p.r('child_first_id', (l.peek_i32(ws) >> 8) & 0xff);
      await tg(p, l, 'parent_kept', id);
    },
  },
];

conformance(test, 'time_posix_timers', cases);
