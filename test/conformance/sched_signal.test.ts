/** Conformance: queued signals and their siginfo — sigtimedwait, sigqueue, signalfd, sigsuspend, SIGCHLD's siginfo. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';
import { FDINFO_HELPERS, fdi, lnk } from './fdinfo_util.ts';

const HELPERS = FDINFO_HELPERS + String.raw`
#include <sys/signalfd.h>
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
static siginfo_t si;
static void blk(int a, int b) { sigset_t s; sigemptyset(&s); if (a) sigaddset(&s, a); if (b) sigaddset(&s, b); sigprocmask(SIG_BLOCK, &s, 0); }
static int tw(int a, int b, long ns) { sigset_t s; sigemptyset(&s); if (a) sigaddset(&s, a); if (b) sigaddset(&s, b); struct timespec ts = { 0, ns }; memset(&si, 0, sizeof si); return sigtimedwait(&s, &si, ns < 0 ? 0 : &ts); }
static void SI(const char *l) { printf("%s: signo=%d code=%d pid_is_me=%d uid=%d value=%d\n", l, si.si_signo, si.si_code, si.si_pid == getpid(), si.si_uid, si.si_value.sival_int); }
static void SFD(const char *l, struct signalfd_siginfo *f) { printf("%s: signo=%u code=%d pid_is_me=%d int=%d\n", l, f->ssi_signo, f->ssi_code, f->ssi_pid == (unsigned)getpid(), f->ssi_int); }
static volatile int hits;
static void on_sig(int s) { (void)s; hits++; }
`;

const SI_SIZE = 128;
async function tw(l: Libc, info: number, set: number[], ns: number): Promise<number> {
  l.poke(info, new Uint8Array(SI_SIZE));
  if (ns < 0) return l.sigtimedwait(set, info, 0);
  const ts = l.malloc(16);
  l.poke_u64(ts, 0);
  l.poke_u64(ts + 8, ns);
  return l.sigtimedwait(set, info, ts);
}
function si(p: P, l: Libc, label: string, info: number): void {
  p.out(`${label}: signo=${l.peek_i32(info)} code=${l.peek_i32(info + 8)} pid_is_me=${l.peek_i32(info + 16) === l.getpid() ? 1 : 0} uid=${l.peek_u32(info + 20)} value=${l.peek_i32(info + 24)}`);
}
function sfd(p: P, l: Libc, label: string, b: number): void {
  p.out(`${label}: signo=${l.peek_u32(b)} code=${l.peek_i32(b + 8)} pid_is_me=${l.peek_u32(b + 12) === l.getpid() ? 1 : 0} int=${l.peek_i32(b + 44)}`);
}
const USR1 = 10, USR2 = 12, RT1 = 35, CHLD = 17;

const cases: ConfCase[] = [
  {
    name: 'sigtimedwait_basics', c_globals: HELPERS,
    c: `blk(SIGUSR1, SIGUSR2); R("kill", kill(getpid(), SIGUSR1)); R("wait", tw(SIGUSR1, 0, -1)); SI("info"); R("raise", raise(SIGUSR2)); R("wait_tkill", tw(SIGUSR2, SIGUSR1, -1)); SI("info_tkill");
        R("poll_empty", tw(SIGUSR1, 0, 0)); R("short_timeout", tw(SIGUSR1, 0, 1000000)); R("bad_nsec", tw(SIGUSR1, 0, 1000000000)); sigset_t s; sigemptyset(&s);
        R("bad_size", syscall(SYS_rt_sigtimedwait, &s, 0, 0, 4)); R("efault_set", syscall(SYS_rt_sigtimedwait, 8, 0, 0, 8)); kill(getpid(), SIGUSR1);
        R("null_info", sigtimedwait(&(sigset_t){{1UL << 9}}, 0, 0)); kill(getpid(), SIGUSR1); R("efault_info", syscall(SYS_rt_sigtimedwait, &(sigset_t){{1UL << 9}}, 8, 0, 8));
        sigset_t p; sigpending(&p); R("consumed_anyway", sigismember(&p, SIGUSR1)); R("kill_stop_ignored", tw(SIGKILL, SIGSTOP, 0));`,
    run: async (p, l) => {
      const info = l.malloc(SI_SIZE);
      await l.sigprocmask(l.SIG_BLOCK, [USR1, USR2]);
      await p.r('kill', l.kill(l.getpid() as number, USR1));
      await p.r('wait', tw(l, info, [USR1], -1));
      si(p, l, 'info', info);
      await p.r('raise', l.raise(USR2));
      await p.r('wait_tkill', tw(l, info, [USR2, USR1], -1));
      si(p, l, 'info_tkill', info);
      await p.r('poll_empty', tw(l, info, [USR1], 0));
      await p.r('short_timeout', tw(l, info, [USR1], 1e6));
      await p.r('bad_nsec', tw(l, info, [USR1], 1e9));
      const s = l.malloc(8);
      l.poke_u64(s, 0);
      await p.r('bad_size', l.syscall(l.SYS.rt_sigtimedwait, s, 0, 0, 4));
      await p.r('efault_set', l.syscall(l.SYS.rt_sigtimedwait, 8, 0, 0, 8));
      await l.kill(l.getpid() as number, USR1);
      await p.r('null_info', l.sigtimedwait([USR1], 0, 0));
      await l.kill(l.getpid() as number, USR1);
      l.poke_u64(s, 1 << 9);
      await p.r('efault_info', l.syscall(l.SYS.rt_sigtimedwait, s, 8, 0, 8));
      await l.syscall(l.SYS.rt_sigpending, s, 8);
      await p.r('consumed_anyway', l.peek_u32(s) & (1 << 9) ? 1 : 0);
      await p.r('kill_stop_ignored', tw(l, info, [9, 19], 0));
    },
  },
  {
    name: 'sigqueue_rt_order_and_perm', c_globals: HELPERS,
    c: `blk(SIGRTMIN+1, SIGUSR2); R("q5", sigqueue(getpid(), SIGRTMIN+1, (union sigval){5})); R("q6", sigqueue(getpid(), SIGRTMIN+1, (union sigval){6})); R("q7", sigqueue(getpid(), SIGRTMIN+1, (union sigval){7}));
        kill(getpid(), SIGUSR2); kill(getpid(), SIGUSR2); for (int i = 0; i < 5; i++) { char l[8]; snprintf(l, 8, "w%d", i); R(l, tw(SIGRTMIN+1, SIGUSR2, 0)); if (si.si_signo) SI(l); }
        siginfo_t q; memset(&q, 0, sizeof q); q.si_code = SI_USER; fflush(stdout); pid_t c = fork(); if (c == 0) { pause(); _exit(0); }
        R("forge_si_user_other", syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &q)); q.si_code = SI_TKILL; R("forge_tkill_other", syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &q));
        q.si_code = SI_QUEUE; R("queue_other", syscall(SYS_rt_sigqueueinfo, c, SIGKILL, &q)); waitpid(c, 0, 0); q.si_code = SI_USER; R("si_user_self", syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &q));
        R("got_it", tw(SIGUSR2, 0, 0)); q.si_code = SI_QUEUE; R("no_such_pid", syscall(SYS_rt_sigqueueinfo, 999999, SIGUSR2, &q)); R("bad_sig_self", syscall(SYS_rt_sigqueueinfo, getpid(), 99, &q));
        R("efault", syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, 8)); R("tg_zero_pid", syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR2, &q));
        R("tg_self", syscall(SYS_rt_tgsigqueueinfo, getpid(), getpid(), SIGUSR2, &q)); R("tg_wrong_tgid", syscall(SYS_rt_tgsigqueueinfo, 999999, getpid(), SIGUSR2, &q)); R("sig0", syscall(SYS_rt_sigqueueinfo, getpid(), 0, &q));
        R("tg_got", tw(SIGUSR2, 0, 0)); SI("tg_info");`,
    run: async (p, l) => {
      const info = l.malloc(SI_SIZE);
      const me = l.getpid() as number;
      await l.sigprocmask(l.SIG_BLOCK, [RT1, USR2]);
      await p.r('q5', l.sigqueue(me, RT1, 5));
      await p.r('q6', l.sigqueue(me, RT1, 6));
      await p.r('q7', l.sigqueue(me, RT1, 7));
      await l.kill(me, USR2);
      await l.kill(me, USR2);
      for (let i = 0; i < 5; i++) { await p.r(`w${i}`, tw(l, info, [RT1, USR2], 0)); if (l.peek_i32(info)) si(p, l, `w${i}`, info); }
      const q = l.malloc(SI_SIZE);
      l.poke(q, new Uint8Array(SI_SIZE));
      const c = await l.fork(async (cl) => { await cl.sigsuspend([]); return 0; });
      const code = (v: number): void => l.poke_u32(q + 8, v);
      code(0);
      await p.r('forge_si_user_other', l.syscall(l.SYS.rt_sigqueueinfo, c, USR1, q));
      code(-6);
      await p.r('forge_tkill_other', l.syscall(l.SYS.rt_sigqueueinfo, c, USR1, q));
      code(-1);
      await p.r('queue_other', l.syscall(l.SYS.rt_sigqueueinfo, c, 9, q));
      await l.waitpid(c, 0, 0);
      code(0);
      await p.r('si_user_self', l.syscall(l.SYS.rt_sigqueueinfo, me, USR2, q));
      await p.r('got_it', tw(l, info, [USR2], 0));
      code(-1);
      await p.r('no_such_pid', l.syscall(l.SYS.rt_sigqueueinfo, 999999, USR2, q));
      await p.r('bad_sig_self', l.syscall(l.SYS.rt_sigqueueinfo, me, 99, q));
      await p.r('efault', l.syscall(l.SYS.rt_sigqueueinfo, me, USR2, 8));
      await p.r('tg_zero_pid', l.syscall(l.SYS.rt_tgsigqueueinfo, me, 0, USR2, q));
      await p.r('tg_self', l.syscall(l.SYS.rt_tgsigqueueinfo, me, me, USR2, q));
      await p.r('tg_wrong_tgid', l.syscall(l.SYS.rt_tgsigqueueinfo, 999999, me, USR2, q));
      await p.r('sig0', l.syscall(l.SYS.rt_sigqueueinfo, me, 0, q));
      await p.r('tg_got', tw(l, info, [USR2], 0));
      si(p, l, 'tg_info', info);
    },
  },
  {
    name: 'signalfd_reads_own_signals', c_globals: HELPERS,
    c: `blk(SIGUSR1, SIGUSR2); sigset_t m; sigemptyset(&m); sigaddset(&m, SIGUSR1); int fd = signalfd(-1, &m, SFD_NONBLOCK); R("signalfd", fd); LNK("link", fd); FDI("fdinfo", fd);
        struct signalfd_siginfo f[3]; R("read_empty", read(fd, f, sizeof f)); kill(getpid(), SIGUSR1); struct pollfd pf = { fd, POLLIN, 0 }; R("poll", poll(&pf, 1, 0)); R("revents", pf.revents);
        R("read_short", read(fd, f, 127)); R("read", read(fd, f, sizeof f)); SFD("got", &f[0]); kill(getpid(), SIGUSR2); R("not_in_mask", read(fd, f, sizeof f)); sigaddset(&m, SIGUSR2);
        R("new_mask", signalfd(fd, &m, 0)); R("read_usr2", read(fd, f, sizeof f)); SFD("got2", &f[0]); blk(SIGRTMIN+1, 0); sigaddset(&m, SIGRTMIN+1); signalfd(fd, &m, 0);
        for (int i = 1; i <= 3; i++) sigqueue(getpid(), SIGRTMIN+1, (union sigval){i}); R("read_two", read(fd, f, 2 * sizeof f[0])); SFD("a", &f[0]); SFD("b", &f[1]); R("read_rest", read(fd, f, sizeof f)); SFD("c", &f[0]);
        int p[2]; pipe(p); R("not_signalfd", signalfd(p[0], &m, 0)); R("bad_flags", signalfd(-1, &m, 1)); R("bad_size", syscall(SYS_signalfd4, -1, &m, 4, 0)); R("bad_fd", signalfd(77, &m, 0));
        R("bad_fd_bad_flags", syscall(SYS_signalfd4, 77, &m, 8, 1)); R("efault", syscall(SYS_signalfd4, -1, 8, 8, 0)); int c = signalfd(-1, &m, SFD_CLOEXEC); R("cloexec", fcntl(c, F_GETFD));
        kill(getpid(), SIGUSR1); fflush(stdout); pid_t ch = fork(); if (ch == 0) { _exit(read(fd, f, sizeof f) == -1 ? errno : 0); } int st; waitpid(ch, &st, 0); R("child_sees_own_only", WEXITSTATUS(st) == EAGAIN);`,
    run: async (p, l) => {
      const me = l.getpid() as number;
      await l.sigprocmask(l.SIG_BLOCK, [USR1, USR2]);
      const fd = await p.r('signalfd', l.signalfd(-1, [USR1], l.O_NONBLOCK));
      await lnk(p, l, 'link', fd);
      await fdi(p, l, 'fdinfo', fd);
      const f = l.malloc(3 * 128);
      await p.r('read_empty', l.read(fd, f, 384));
      await l.kill(me, USR1);
      const pf = l.malloc(8);
      l.poke_u32(pf, fd);
      l.poke_u32(pf + 4, l.POLLIN);
      await p.r('poll', l.poll(pf, 1, 0));
      await p.r('revents', l.peek_u32(pf + 4) >>> 16);
      await p.r('read_short', l.read(fd, f, 127));
      await p.r('read', l.read(fd, f, 384));
      sfd(p, l, 'got', f);
      await l.kill(me, USR2);
      await p.r('not_in_mask', l.read(fd, f, 384));
      await p.r('new_mask', l.signalfd(fd, [USR1, USR2], 0));
      await p.r('read_usr2', l.read(fd, f, 384));
      sfd(p, l, 'got2', f);
      await l.sigprocmask(l.SIG_BLOCK, [RT1]);
      await l.signalfd(fd, [USR1, USR2, RT1], 0);
      for (let i = 1; i <= 3; i++) await l.sigqueue(me, RT1, i);
      await p.r('read_two', l.read(fd, f, 256));
      sfd(p, l, 'a', f);
      sfd(p, l, 'b', f + 128);
      await p.r('read_rest', l.read(fd, f, 384));
      sfd(p, l, 'c', f);
      await l.pipe(p.st);
      const m = [USR1, USR2, RT1];
      await p.r('not_signalfd', l.signalfd(l.peek_i32(p.st), m, 0));
      await p.r('bad_flags', l.signalfd(-1, m, 1));
      const ms = l.malloc(8);
      l.poke_u32(ms, (1 << 9) | (1 << 11));
      l.poke_u32(ms + 4, 1 << 2);
      await p.r('bad_size', l.syscall(l.SYS.signalfd4, -1, ms, 4, 0));
      await p.r('bad_fd', l.signalfd(77, m, 0));
      await p.r('bad_fd_bad_flags', l.syscall(l.SYS.signalfd4, 77, ms, 8, 1));
      await p.r('efault', l.syscall(l.SYS.signalfd4, -1, 8, 8, 0));
      const c = await l.signalfd(-1, m, l.O_CLOEXEC);
      await p.r('cloexec', l.fcntl(c, l.F_GETFD));
      await l.kill(me, USR1);
      const ch = await l.fork(async (cl) => ((await cl.read(fd, cl.malloc(384), 384)) === -1 ? cl.errno : 0));
      const st = l.malloc(4);
      await l.waitpid(ch, st, 0);
      await p.r('child_sees_own_only', l.WEXITSTATUS(l.peek_i32(st)) === l.EAGAIN ? 1 : 0);
    },
  },
  {
    name: 'sigchld_siginfo_and_sigsuspend', c_globals: HELPERS,
    c: `blk(SIGCHLD, 0); fflush(stdout); pid_t c = fork(); if (c == 0) _exit(3); R("chld", tw(SIGCHLD, 0, -1)); printf("exited: code=%d status=%d pid_ok=%d\\n", si.si_code, si.si_status, si.si_pid == c); waitpid(c, 0, 0);
        c = fork(); if (c == 0) { pause(); _exit(0); } kill(c, SIGKILL); R("chld2", tw(SIGCHLD, 0, -1)); printf("killed: code=%d status=%d pid_ok=%d\\n", si.si_code, si.si_status, si.si_pid == c); waitpid(c, 0, 0);
        struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_sig; sigaction(SIGUSR1, &sa, 0); blk(SIGUSR1, 0); kill(getpid(), SIGUSR1); R("hits_before", hits);
        sigset_t e; sigemptyset(&e); R("sigsuspend", sigsuspend(&e)); R("hits_after", hits); sigset_t cur; sigprocmask(SIG_BLOCK, 0, &cur); R("usr1_blocked_again", sigismember(&cur, SIGUSR1));
        R("bad_size", syscall(SYS_rt_sigsuspend, &e, 4)); R("efault", syscall(SYS_rt_sigsuspend, 8, 8));`,
    run: async (p, l) => {
      const info = l.malloc(SI_SIZE);
      await l.sigprocmask(l.SIG_BLOCK, [CHLD]);
      let c = await l.fork(() => 3);
      await p.r('chld', tw(l, info, [CHLD], -1));
      p.out(`exited: code=${l.peek_i32(info + 8)} status=${l.peek_i32(info + 24)} pid_ok=${l.peek_i32(info + 16) === c ? 1 : 0}`);
      await l.waitpid(c, 0, 0);
      c = await l.fork(async (cl) => { await cl.sigsuspend([]); return 0; });
      await l.kill(c, 9);
      await p.r('chld2', tw(l, info, [CHLD], -1));
      p.out(`killed: code=${l.peek_i32(info + 8)} status=${l.peek_i32(info + 24)} pid_ok=${l.peek_i32(info + 16) === c ? 1 : 0}`);
      await l.waitpid(c, 0, 0);
      let hits = 0;
      await l.sigaction(USR1, { handler: () => { hits++; } });
      await l.sigprocmask(l.SIG_BLOCK, [USR1]);
      await l.kill(l.getpid() as number, USR1);
      await p.r('hits_before', hits);
      await p.r('sigsuspend', l.sigsuspend([]));
      await p.r('hits_after', hits);
      const cur = l.malloc(8);
      await l.sigprocmask(l.SIG_BLOCK, null, cur);
      await p.r('usr1_blocked_again', l.peek_u32(cur) & (1 << 9) ? 1 : 0);
      const e = l.malloc(8);
      l.poke_u64(e, 0);
      await p.r('bad_size', l.syscall(l.SYS.rt_sigsuspend, e, 4));
      await p.r('efault', l.syscall(l.SYS.rt_sigsuspend, 8, 8));
    },
  },
  {
    name: 'pidfd_open_poll_and_signal', c_globals: HELPERS,
    c: `fflush(stdout); pid_t c = fork(); if (c == 0) { pause(); _exit(0); } int fd = syscall(SYS_pidfd_open, c, 0); R("pidfd_open", fd); R("cloexec", fcntl(fd, F_GETFD)); LNK("link", fd);
        struct pollfd pf = { fd, POLLIN, 0 }; R("poll_alive", poll(&pf, 1, 0)); R("sig0", syscall(SYS_pidfd_send_signal, fd, 0, 0, 0)); R("bad_flags", syscall(SYS_pidfd_send_signal, fd, SIGTERM, 0, 8));
        R("two_scopes", syscall(SYS_pidfd_send_signal, fd, SIGTERM, 0, 3)); R("bad_sig", syscall(SYS_pidfd_send_signal, fd, 99, 0, 0)); siginfo_t q; memset(&q, 0, sizeof q); q.si_signo = SIGTERM; q.si_code = SI_QUEUE;
        R("info_sig_mismatch", syscall(SYS_pidfd_send_signal, fd, SIGUSR1, &q, 0)); q.si_code = SI_USER; R("forge_si_user", syscall(SYS_pidfd_send_signal, fd, SIGTERM, &q, 0));
        R("efault_info", syscall(SYS_pidfd_send_signal, fd, SIGTERM, 8, 0)); int p[2]; pipe(p); R("not_pidfd", syscall(SYS_pidfd_send_signal, p[0], SIGTERM, 0, 0)); R("bad_fd", syscall(SYS_pidfd_send_signal, 99, SIGTERM, 0, 0));
        R("term", syscall(SYS_pidfd_send_signal, fd, SIGTERM, 0, 0)); R("poll_exit", poll(&pf, 1, -1)); R("revents", pf.revents); R("signal_zombie", syscall(SYS_pidfd_send_signal, fd, SIGTERM, 0, 0));
        int st; waitpid(c, &st, 0); R("termsig", WTERMSIG(st)); R("after_reap", syscall(SYS_pidfd_send_signal, fd, SIGTERM, 0, 0)); R("open_reaped", syscall(SYS_pidfd_open, c, 0));
        R("bad_open_flags", syscall(SYS_pidfd_open, getpid(), 1)); R("pid0", syscall(SYS_pidfd_open, 0, 0)); R("neg", syscall(SYS_pidfd_open, -1, 0)); int me = syscall(SYS_pidfd_open, getpid(), PIDFD_NONBLOCK);
        R("nonblock", (fcntl(me, F_GETFL) & O_NONBLOCK) != 0); blk(SIGUSR1, 0); q.si_code = SI_USER; q.si_signo = SIGUSR1; R("self_any_code", syscall(SYS_pidfd_send_signal, me, SIGUSR1, &q, 0)); R("got", tw(SIGUSR1, 0, 0));`,
    run: async (p, l) => {
      const c = await l.fork(async (cl) => { await cl.sigsuspend([]); return 0; });
      const fd = await p.r('pidfd_open', l.pidfd_open(c, 0));
      await p.r('cloexec', l.fcntl(fd, l.F_GETFD));
      await lnk(p, l, 'link', fd);
      const pf = l.malloc(8);
      l.poke_u32(pf, fd);
      l.poke_u32(pf + 4, l.POLLIN);
      await p.r('poll_alive', l.poll(pf, 1, 0));
      await p.r('sig0', l.pidfd_send_signal(fd, 0, 0, 0));
      await p.r('bad_flags', l.pidfd_send_signal(fd, l.SIGTERM, 0, 8));
      await p.r('two_scopes', l.pidfd_send_signal(fd, l.SIGTERM, 0, 3));
      await p.r('bad_sig', l.pidfd_send_signal(fd, 99, 0, 0));
      const q = l.malloc(SI_SIZE);
      l.poke(q, new Uint8Array(SI_SIZE));
      l.poke_u32(q, l.SIGTERM);
      l.poke_u32(q + 8, -1 >>> 0);
      await p.r('info_sig_mismatch', l.pidfd_send_signal(fd, USR1, q, 0));
      l.poke_u32(q + 8, 0);
      await p.r('forge_si_user', l.pidfd_send_signal(fd, l.SIGTERM, q, 0));
      await p.r('efault_info', l.pidfd_send_signal(fd, l.SIGTERM, 8, 0));
      await l.pipe(p.st);
      await p.r('not_pidfd', l.pidfd_send_signal(l.peek_i32(p.st), l.SIGTERM, 0, 0));
      await p.r('bad_fd', l.pidfd_send_signal(99, l.SIGTERM, 0, 0));
      await p.r('term', l.pidfd_send_signal(fd, l.SIGTERM, 0, 0));
      await p.r('poll_exit', l.poll(pf, 1, -1));
      await p.r('revents', l.peek_u32(pf + 4) >>> 16);
      await p.r('signal_zombie', l.pidfd_send_signal(fd, l.SIGTERM, 0, 0));
      const st = l.malloc(4);
      await l.waitpid(c, st, 0);
      await p.r('termsig', l.WTERMSIG(l.peek_i32(st)));
      await p.r('after_reap', l.pidfd_send_signal(fd, l.SIGTERM, 0, 0));
      await p.r('open_reaped', l.pidfd_open(c, 0));
      await p.r('bad_open_flags', l.pidfd_open(l.getpid() as number, 1));
      await p.r('pid0', l.pidfd_open(0, 0));
      await p.r('neg', l.pidfd_open(-1, 0));
      const me = await l.pidfd_open(l.getpid() as number, l.O_NONBLOCK);
      await p.r('nonblock', await l.fcntl(me, l.F_GETFL) & l.O_NONBLOCK ? 1 : 0);
      await l.sigprocmask(l.SIG_BLOCK, [USR1]);
      l.poke_u32(q, USR1);
      l.poke_u32(q + 8, 0);
      await p.r('self_any_code', l.pidfd_send_signal(me, USR1, q, 0));
      await p.r('got', tw(l, l.malloc(SI_SIZE), [USR1], 0));
    },
  },
];

conformance(test, 'sched_signal', cases);
