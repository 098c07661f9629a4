/**
 * Conformance: signal frames — SA_SIGINFO handlers reading siginfo_t and ucontext_t from user
 * memory (kill, tgkill, sigqueue, faults, SIGCHLD stop/continue), sigaltstack(2) and SA_ONSTACK,
 * rt_sigreturn restoring uc_sigmask, pause(2).
 */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

const HELPERS = String.raw`
#include <sys/signalfd.h>
#include <ucontext.h>
#include <sys/time.h>
#include <time.h>
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
static char *stk; static size_t stksz = 65536;
static volatile int hits;
static char *segv_target;
static void in_alt(const char *l, const void *p) { printf("%s: %d\n", l, (const char *)p >= stk && (const char *)p < stk + stksz); }
static void on_info(int s, siginfo_t *si, void *uc) {
  sigset_t cur; sigprocmask(SIG_BLOCK, 0, &cur); hits++;
  printf("h: signo=%d arg=%d code=%d pid_is_me=%d uid=%d value=%d blocked_now=%d uc_has=%d\n", si->si_signo, s, si->si_code, si->si_pid == getpid(), si->si_uid,
    si->si_code == SI_QUEUE ? si->si_value.sival_int : 0, sigismember(&cur, s), sigismember(&((ucontext_t *)uc)->uc_sigmask, s));
}
static void on_alt(int s, siginfo_t *si, void *uc) {
  (void)s; stack_t cur; int r = sigaltstack(0, &cur); in_alt("si_in_alt", si); in_alt("uc_in_alt", uc); printf("query: %d flags=%d\n", r, cur.ss_flags);
  stack_t n = { .ss_sp = stk, .ss_size = stksz, .ss_flags = 0 }; R("change_on_it", sigaltstack(&n, 0)); n.ss_flags = SS_DISABLE; R("disable_on_it", sigaltstack(&n, 0));
  ucontext_t *u = uc; printf("uc_stack: flags=%d sp_ok=%d size=%ld\n", u->uc_stack.ss_flags, u->uc_stack.ss_sp == stk, (long)u->uc_stack.ss_size);
}
static void add_usr2(int s, siginfo_t *si, void *uc) { (void)s; (void)si; sigaddset(&((ucontext_t *)uc)->uc_sigmask, SIGUSR2); }
static void on_segv(int s, siginfo_t *si, void *uc) { (void)uc; printf("segv: signo=%d code=%d addr_ok=%d\n", s, si->si_code, si->si_addr == (void *)segv_target); fflush(stdout); _exit(7); }
static void SS(const char *l) { stack_t o; int r = sigaltstack(0, &o); printf("%s: %d flags=%#x sp_null=%d size=%ld\n", l, r, (unsigned)o.ss_flags, o.ss_sp == 0, (long)o.ss_size); }
static int setalt(void *sp, size_t size, int flags) { stack_t n = { .ss_sp = sp, .ss_size = size, .ss_flags = flags }; return sigaltstack(&n, 0); }
static void act(int sig, void (*fn)(int, siginfo_t *, void *), int flags) { struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = fn; sa.sa_flags = SA_SIGINFO | flags; sigaction(sig, &sa, 0); }
static void on_plain(int s) { (void)s; hits++; }
static void *outer_si;
static void on_nested(int s, siginfo_t *si, void *uc) {
  (void)uc; if (!outer_si) { outer_si = si; raise(s); return; }
  printf("inner: below_outer=%d gap_ok=%d\n", (char *)si < (char *)outer_si, (char *)outer_si - (char *)si < 65536); in_alt("inner_in_alt", si); in_alt("outer_in_alt", outer_si);
}
static void on_timer(int s, siginfo_t *si, void *uc) { (void)uc; printf("timer: signo=%d code=%d value=%d overrun=%d\n", s, si->si_code, si->si_value.sival_int, si->si_overrun); hits++; }
`;

const USR1 = 10, USR2 = 12, CHLD = 17, SEGV = 11, ALRM = 14;
const SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000;
const SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;
const STKSZ = 65536;

/** A stack_t at p: ss_sp, ss_flags, ss_size. */
function stack_t(l: Libc, p: number, sp: number, size: number, flags: number): number {
  l.poke_u64(p, sp); l.poke_u32(p + 8, flags >>> 0); l.poke_u32(p + 12, 0); l.poke_u64(p + 16, size);
  return p;
}
async function ss(p: P, l: Libc, label: string): Promise<void> {
  const o = l.malloc(24); const r = await l.sigaltstack(0, o);
  const f = l.peek_u32(o + 8);
  p.out(`${label}: ${r} flags=${f ? '0x' + f.toString(16) : '0'} sp_null=${l.peek_u64(o) === 0 ? 1 : 0} size=${l.peek_u64(o + 16)}`);
}
function sigmember(l: Libc, set: number, sig: number): number { return l.peek_u32(set + (sig > 32 ? 4 : 0)) & (1 << ((sig - 1) % 32)) ? 1 : 0; }

function on_info(p: P, l: Libc) {
  return (s: number, si: number, uc: number): void => {
    const cur = l.malloc(8); void l.sigprocmask(l.SIG_BLOCK, null, cur);
    const code = l.peek_i32(si + 8);
    p.out(`h: signo=${l.peek_i32(si)} arg=${s} code=${code} pid_is_me=${l.peek_i32(si + 16) === l.getpid() ? 1 : 0} uid=${l.peek_u32(si + 20)} value=${code === -1 ? l.peek_i32(si + 24) : 0} blocked_now=${sigmember(l, cur, s)} uc_has=${sigmember(l, l.uc_sigmask(uc), s)}`);
  };
}

const cases: ConfCase[] = [
  {
    name: 'sa_siginfo_kill_tgkill_sigqueue', c_globals: HELPERS,
    c: `act(SIGUSR1, on_info, 0); act(SIGRTMIN+2, on_info, 0); R("kill", kill(getpid(), SIGUSR1)); R("tgkill", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
        R("sigqueue", sigqueue(getpid(), SIGRTMIN+2, (union sigval){42})); R("hits", hits); sigset_t cur; sigprocmask(SIG_BLOCK, 0, &cur); R("unblocked_after", sigismember(&cur, SIGUSR1));`,
    run: async (p, l) => {
      const me = l.getpid() as number; let hits = 0; const hi = on_info(p, l); const h = (s: number, si: number, uc: number): void => { hits++; hi(s, si, uc); };
      await l.sigaction(USR1, { handler: h, flags: SA_SIGINFO }); await l.sigaction(36, { handler: h, flags: SA_SIGINFO });
      await p.r('kill', l.kill(me, USR1)); await p.r('tgkill', l.syscall(l.SYS.tgkill, me, l.gettid() as number, USR1));
      await p.r('sigqueue', l.sigqueue(me, 36, 42)); await p.r('hits', hits); const cur = l.malloc(8); await l.sigprocmask(l.SIG_BLOCK, null, cur); await p.r('unblocked_after', sigmember(l, cur, USR1));
    },
  },
  {
    name: 'sa_siginfo_sigchld_stop_continue', c_globals: HELPERS,
    c: `sigset_t m; sigemptyset(&m); sigaddset(&m, SIGCHLD); sigprocmask(SIG_BLOCK, &m, 0); int fd = signalfd(-1, &m, 0); siginfo_t si; struct signalfd_siginfo f;
        fflush(stdout); pid_t c = fork(); if (c == 0) { for (;;) pause(); }
        kill(c, SIGSTOP); R("stopped", sigwaitinfo(&m, &si)); printf("info: code=%d status=%d pid_ok=%d\\n", si.si_code, si.si_status, si.si_pid == c);
        kill(c, SIGCONT); R("continued", read(fd, &f, sizeof f)); printf("sfd: code=%d status=%d pid_ok=%d\\n", f.ssi_code, f.ssi_status, f.ssi_pid == (unsigned)c);
        kill(c, SIGKILL); R("killed", sigwaitinfo(&m, &si)); printf("info: code=%d status=%d pid_ok=%d\\n", si.si_code, si.si_status, si.si_pid == c); waitpid(c, 0, 0);`,
    run: async (p, l) => {
      await l.sigprocmask(l.SIG_BLOCK, [CHLD]); const fd = await l.signalfd(-1, [CHLD], 0) as number; const si = l.malloc(128), f = l.malloc(128);
      const c = await l.fork(async (cl) => { for (;;) await cl.pause(); }) as number;
      await l.kill(c, 19); await p.r('stopped', l.sigwaitinfo([CHLD], si)); p.out(`info: code=${l.peek_i32(si + 8)} status=${l.peek_i32(si + 24)} pid_ok=${l.peek_i32(si + 16) === c ? 1 : 0}`);
      await l.kill(c, 18); await p.r('continued', l.read(fd, f, 128)); p.out(`sfd: code=${l.peek_i32(f + 8)} status=${l.peek_i32(f + 40)} pid_ok=${l.peek_u32(f + 12) === c ? 1 : 0}`);
      await l.kill(c, 9); await p.r('killed', l.sigwaitinfo([CHLD], si)); p.out(`info: code=${l.peek_i32(si + 8)} status=${l.peek_i32(si + 24)} pid_ok=${l.peek_i32(si + 16) === c ? 1 : 0}`); await l.waitpid(c, 0, 0);
    },
  },
  {
    name: 'sa_siginfo_sigsegv_addr', c_globals: HELPERS,
    c: `char *m = mmap(0, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); mprotect(m + 4096, 4096, PROT_NONE); char *addrs[2] = { (char *)16, m + 4096 + 20 };
        for (int i = 0; i < 2; i++) { fflush(stdout); pid_t c = fork(); if (c == 0) { act(SIGSEGV, on_segv, 0); segv_target = addrs[i]; printf("probe %d\\n", i); fflush(stdout); (void)*(volatile char *)addrs[i]; _exit(0); }
          int st; waitpid(c, &st, 0); R("exit", WEXITSTATUS(st)); }`,
    run: async (p, l) => {
      const m = await l.mmap(0, 8192, l.PROT_READ, l.MAP_PRIVATE | l.MAP_ANONYMOUS, -1, 0) as number; await l.mprotect(m + 4096, 4096, l.PROT_NONE);
      for (const [i, a] of [16, m + 4096 + 20].entries()) {
        const c = await l.fork(async (cl) => {
          await cl.sigaction(SEGV, { handler: (s: number, si: number) => { p.out(`segv: signo=${s} code=${cl.peek_i32(si + 8)} addr_ok=${cl.peek_u64(si + 16) === a ? 1 : 0}`); cl._exit(7); }, flags: SA_SIGINFO });
          p.out(`probe ${i}`); cl.peek(a, 1); return 0;
        }) as number;
        const st = l.malloc(4); await l.waitpid(c, st, 0); await p.r('exit', l.WEXITSTATUS(l.peek_i32(st)));
      }
    },
  },
  {
    name: 'sigaltstack_args', c_globals: HELPERS,
    c: `stk = malloc(stksz); SS("initial"); R("too_small", setalt(stk, 1024, 0)); R("bad_flags", setalt(stk, stksz, 77)); R("set", setalt(stk, stksz, 0)); SS("after_set");
        R("ss_onstack_accepted", setalt(stk, stksz, SS_ONSTACK)); R("disable_ignores_size", setalt(stk, 5, SS_DISABLE)); SS("disabled"); R("efault_new", syscall(SYS_sigaltstack, 8, 0));
        R("efault_old", syscall(SYS_sigaltstack, 0, 8)); R("autodisarm", setalt(stk, stksz, SS_AUTODISARM)); SS("armed"); R("both_null", sigaltstack(0, 0));
        stack_t o; R("efault_old_still_sets", syscall(SYS_sigaltstack, &(stack_t){ .ss_sp = stk, .ss_size = stksz, .ss_flags = SS_DISABLE }, 8)); SS("after_efault_old");`,
    run: async (p, l) => {
      const stk = l.malloc(STKSZ), n = l.malloc(24);
      await ss(p, l, 'initial'); await p.r('too_small', l.sigaltstack(stack_t(l, n, stk, 1024, 0), 0)); await p.r('bad_flags', l.sigaltstack(stack_t(l, n, stk, STKSZ, 77), 0));
      await p.r('set', l.sigaltstack(stack_t(l, n, stk, STKSZ, 0), 0)); await ss(p, l, 'after_set'); await p.r('ss_onstack_accepted', l.sigaltstack(stack_t(l, n, stk, STKSZ, 1), 0));
      await p.r('disable_ignores_size', l.sigaltstack(stack_t(l, n, stk, 5, SS_DISABLE), 0)); await ss(p, l, 'disabled'); await p.r('efault_new', l.sigaltstack(8, 0));
      await p.r('efault_old', l.sigaltstack(0, 8)); await p.r('autodisarm', l.sigaltstack(stack_t(l, n, stk, STKSZ, SS_AUTODISARM), 0)); await ss(p, l, 'armed');
      await p.r('both_null', l.sigaltstack(0, 0)); await p.r('efault_old_still_sets', l.sigaltstack(stack_t(l, n, stk, STKSZ, SS_DISABLE), 8)); await ss(p, l, 'after_efault_old');
    },
  },
  {
    name: 'sigaltstack_minsigstksz_x86', arch_specific: true, c_globals: HELPERS,
    c: `stk = malloc(stksz); R("below", setalt(stk, 2047, 0)); R("at", setalt(stk, 2048, 0));`,
    run: async (p, l) => {
      const stk = l.malloc(STKSZ), n = l.malloc(24);
      await p.r('below', l.sigaltstack(stack_t(l, n, stk, 2047, 0), 0)); await p.r('at', l.sigaltstack(stack_t(l, n, stk, 2048, 0), 0));
    },
  },
  {
    name: 'sigaltstack_sa_onstack_handler', c_globals: HELPERS,
    c: `stk = malloc(stksz); setalt(stk, stksz, 0); act(SIGUSR1, on_alt, SA_ONSTACK); R("raise_onstack", raise(SIGUSR1)); SS("after_onstack");
        act(SIGUSR1, on_alt, 0); R("raise_plain", raise(SIGUSR1)); SS("restored_by_sigreturn");`,
    run: async (p, l) => {
      const stk = l.malloc(STKSZ), n = l.malloc(24); await l.sigaltstack(stack_t(l, n, stk, STKSZ, 0), 0);
      const inside = (label: string, a: number): void => p.out(`${label}: ${a >= stk && a < stk + STKSZ ? 1 : 0}`);
      const h = async (_s: number, si: number, uc: number): Promise<void> => {
        const cur = l.malloc(24); const r = await l.sigaltstack(0, cur); inside('si_in_alt', si); inside('uc_in_alt', uc); p.out(`query: ${r} flags=${l.peek_i32(cur + 8)}`);
        const m = l.malloc(24); await p.r('change_on_it', l.sigaltstack(stack_t(l, m, stk, STKSZ, 0), 0)); await p.r('disable_on_it', l.sigaltstack(stack_t(l, m, stk, STKSZ, SS_DISABLE), 0));
        p.out(`uc_stack: flags=${l.peek_i32(uc + 24)} sp_ok=${l.peek_u64(uc + 16) === stk ? 1 : 0} size=${l.peek_u64(uc + 32)}`);
      };
      await l.sigaction(USR1, { handler: h, flags: SA_SIGINFO | SA_ONSTACK }); await p.r('raise_onstack', l.raise(USR1)); await ss(p, l, 'after_onstack');
      await l.sigaction(USR1, { handler: h, flags: SA_SIGINFO }); await p.r('raise_plain', l.raise(USR1)); await ss(p, l, 'restored_by_sigreturn');
    },
  },
  {
    name: 'sigaltstack_autodisarm_and_fork', c_globals: HELPERS,
    c: `stk = malloc(stksz); setalt(stk, stksz, SS_AUTODISARM); act(SIGUSR1, on_alt, SA_ONSTACK); R("raise", raise(SIGUSR1)); SS("rearmed");
        fflush(stdout); pid_t c = fork(); if (c == 0) { SS("child"); fflush(stdout); _exit(0); } waitpid(c, 0, 0);`,
    run: async (p, l) => {
      const stk = l.malloc(STKSZ), n = l.malloc(24); await l.sigaltstack(stack_t(l, n, stk, STKSZ, SS_AUTODISARM), 0);
      const inside = (label: string, a: number): void => p.out(`${label}: ${a >= stk && a < stk + STKSZ ? 1 : 0}`);
      await l.sigaction(USR1, { handler: async (_s: number, si: number, uc: number) => {
        const cur = l.malloc(24); const r = await l.sigaltstack(0, cur); inside('si_in_alt', si); inside('uc_in_alt', uc); p.out(`query: ${r} flags=${l.peek_i32(cur + 8)}`);
        const m = l.malloc(24); await p.r('change_on_it', l.sigaltstack(stack_t(l, m, stk, STKSZ, 0), 0)); await p.r('disable_on_it', l.sigaltstack(stack_t(l, m, stk, STKSZ, SS_DISABLE), 0));
        p.out(`uc_stack: flags=${l.peek_i32(uc + 24)} sp_ok=${l.peek_u64(uc + 16) === stk ? 1 : 0} size=${l.peek_u64(uc + 32)}`);
      }, flags: SA_SIGINFO | SA_ONSTACK });
      await p.r('raise', l.raise(USR1)); await ss(p, l, 'rearmed');
      const c = await l.fork(async (cl) => { await ss(p, cl, 'child'); return 0; }) as number; await l.waitpid(c, 0, 0);
    },
  },
  {
    name: 'sigreturn_restores_uc_sigmask', c_globals: HELPERS,
    c: `act(SIGUSR1, add_usr2, 0); R("raise", raise(SIGUSR1)); sigset_t cur; sigprocmask(SIG_BLOCK, 0, &cur); R("usr2_blocked", sigismember(&cur, SIGUSR2)); R("usr1_blocked", sigismember(&cur, SIGUSR1));`,
    run: async (p, l) => {
      await l.sigaction(USR1, { handler: (_s: number, _si: number, uc: number) => { const m = l.uc_sigmask(uc); l.poke_u32(m, l.peek_u32(m) | (1 << (USR2 - 1))); }, flags: SA_SIGINFO });
      await p.r('raise', l.raise(USR1)); const cur = l.malloc(8); await l.sigprocmask(l.SIG_BLOCK, null, cur); await p.r('usr2_blocked', sigmember(l, cur, USR2)); await p.r('usr1_blocked', sigmember(l, cur, USR1));
    },
  },
  {
    name: 'pause_eintr', c_globals: HELPERS,
    c: `struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_plain; sa.sa_flags = SA_RESTART; sigaction(SIGALRM, &sa, 0);
        struct itimerval it = { { 0, 0 }, { 0, 20000 } }; setitimer(ITIMER_REAL, &it, 0); R("pause", pause()); R("hits", hits);`,
    run: async (p, l) => {
      let hits = 0; await l.sigaction(ALRM, { handler: () => { hits++; }, flags: SA_RESTART });
      const it = l.malloc(32); l.poke_u64(it, 0); l.poke_u64(it + 8, 0); l.poke_u64(it + 16, 0); l.poke_u64(it + 24, 20000); await l.setitimer(0, it, 0);
      await p.r('pause', l.pause()); await p.r('hits', hits);
    },
  },
  {
    name: 'sa_nodefer_nested_frames', c_globals: HELPERS,
    c: `act(SIGUSR2, on_nested, SA_NODEFER); R("raise", raise(SIGUSR2));`,
    run: async (p, l) => nested(p, l, SA_NODEFER, 0),
  },
  {
    name: 'sigaltstack_nested_frames_stay_on_it', c_globals: HELPERS,
    c: `stk = malloc(stksz); setalt(stk, stksz, 0); act(SIGUSR2, on_nested, SA_NODEFER | SA_ONSTACK); R("raise", raise(SIGUSR2));`,
    run: async (p, l) => nested(p, l, SA_NODEFER | SA_ONSTACK, l.malloc(STKSZ)),
  },
  {
    name: 'sa_siginfo_posix_timer', c_globals: HELPERS,
    c: `act(SIGRTMIN+3, on_timer, 0); struct sigevent ev; memset(&ev, 0, sizeof ev); ev.sigev_notify = SIGEV_SIGNAL; ev.sigev_signo = SIGRTMIN+3; ev.sigev_value.sival_int = 77; timer_t id;
        R("create", timer_create(CLOCK_MONOTONIC, &ev, &id)); struct itimerspec its = { { 0, 0 }, { 0, 1000000 } }; R("settime", timer_settime(id, 0, &its, 0)); sigset_t e; sigemptyset(&e);
        while (!hits) sigsuspend(&e); R("hits", hits);`,
    run: async (p, l) => {
      let hits = 0; await l.sigaction(37, { handler: (s: number, si: number) => { hits++; p.out(`timer: signo=${s} code=${l.peek_i32(si + 8)} value=${l.peek_i32(si + 24)} overrun=${l.peek_i32(si + 20)}`); }, flags: SA_SIGINFO });
      const ev = l.malloc(64); l.poke(ev, new Uint8Array(64)); l.poke_u32(ev, 77); l.poke_u32(ev + 8, 37); l.poke_u32(ev + 12, 0); const id = l.malloc(8);
      await p.r('create', l.timer_create(1, ev, id)); const its = l.malloc(32); l.poke(its, new Uint8Array(32)); l.poke_u64(its + 24, 1000000);
      await p.r('settime', l.timer_settime(l.peek_i32(id), 0, its, 0)); while (!hits) await l.sigsuspend([]); await p.r('hits', hits);
    },
  },
];

/** on_nested: a handler that raises its own signal once; the inner frame lies below the outer one. */
async function nested(p: P, l: Libc, flags: number, stk: number): Promise<void> {
  if (stk) await l.sigaltstack(stack_t(l, l.malloc(24), stk, STKSZ, 0), 0);
  const inside = (a: number): number => (stk && a >= stk && a < stk + STKSZ ? 1 : 0);
  let outer = 0;
  await l.sigaction(USR2, { handler: async (s: number, si: number) => {
    if (!outer) { outer = si; await l.raise(s); return; }
    p.out(`inner: below_outer=${si < outer ? 1 : 0} gap_ok=${outer - si < STKSZ ? 1 : 0}`); p.out(`inner_in_alt: ${inside(si)}`); p.out(`outer_in_alt: ${inside(outer)}`);
  }, flags: SA_SIGINFO | flags });
  await p.r('raise', l.raise(USR2));
}

conformance(test, 'sched_sigframe', cases);
