/** Conformance: scheduling policies — sched_setscheduler/setparam/getscheduler/getparam, priority ranges, rr interval, the unprivileged rules. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

const HELPERS = String.raw`
#include <sched.h>
static struct sched_param sp_;
static struct sched_param *prm(int v) { sp_.sched_priority = v; return &sp_; }
static void GP(const char *l) { struct sched_param g = {-1}; sched_getparam(0, &g); struct timespec ts; sched_rr_get_interval(0, &ts); printf("%s: policy=%d prio=%d rr=%ld.%09ld\n", l, sched_getscheduler(0), g.sched_priority, (long)ts.tv_sec, ts.tv_nsec); }
`;

function prm(l: Libc, v: number): number { const b = l.malloc(4); l.poke_u32(b, v); return b; }
async function gp(p: P, l: Libc, label: string): Promise<void> {
  const g = l.malloc(4);
  l.poke_u32(g, -1);
  await l.sched_getparam(0, g);
  const ts = l.malloc(16);
  await l.sched_rr_get_interval(0, ts);
  p.out(`${label}: policy=${await l.sched_getscheduler(0)} prio=${l.peek_i32(g)} rr=${l.peek_u64(ts)}.${String(l.peek_u64(ts + 8)).padStart(9, '0')}`);
}
const FIFO = 1, RR = 2, BATCH = 3, IDLE = 5, RESET = 0x40000000;

const cases: ConfCase[] = [
  {
    name: 'sched_priority_ranges', c_globals: HELPERS,
    c: `for (int p = -1; p <= 8; p++) { char l[16]; sprintf(l, "max%d", p); R(l, sched_get_priority_max(p)); sprintf(l, "min%d", p); R(l, sched_get_priority_min(p)); }
        GP("default"); R("getscheduler_neg", sched_getscheduler(-1)); R("getscheduler_nopid", sched_getscheduler(999999)); R("getparam_null", syscall(SYS_sched_getparam, 0, 0));
        R("getparam_efault", syscall(SYS_sched_getparam, 0, 8)); R("getparam_neg", sched_getparam(-1, prm(0))); R("rr_efault", syscall(SYS_sched_rr_get_interval, 0, 8)); R("rr_neg", sched_rr_get_interval(-1, 0)); R("rr_nopid", sched_rr_get_interval(999999, 0));`,
    run: async (p, l) => {
      for (let x = -1; x <= 8; x++) { await p.r(`max${x}`, l.sched_get_priority_max(x)); await p.r(`min${x}`, l.sched_get_priority_min(x)); }
      await gp(p, l, 'default');
      await p.r('getscheduler_neg', l.sched_getscheduler(-1));
      await p.r('getscheduler_nopid', l.sched_getscheduler(999999));
      await p.r('getparam_null', l.sched_getparam(0, 0));
      await p.r('getparam_efault', l.sched_getparam(0, 8));
      await p.r('getparam_neg', l.sched_getparam(-1, prm(l, 0)));
      await p.r('rr_efault', l.sched_rr_get_interval(0, 8));
      await p.r('rr_neg', l.sched_rr_get_interval(-1, 0));
      await p.r('rr_nopid', l.sched_rr_get_interval(999999, 0));
    },
  },
  {
    name: 'sched_setscheduler_rules', c_globals: HELPERS,
    c: `R("fifo", sched_setscheduler(0, SCHED_FIFO, prm(10))); GP("as_fifo"); R("setparam", sched_setparam(0, prm(5))); GP("prio5"); R("rr", sched_setscheduler(0, SCHED_RR, prm(99))); GP("as_rr");
        R("fifo_prio0", sched_setscheduler(0, SCHED_FIFO, prm(0))); R("fifo_prio100", sched_setscheduler(0, SCHED_FIFO, prm(100))); R("other_prio1", sched_setscheduler(0, SCHED_OTHER, prm(1))); R("setparam_0_under_rr", sched_setparam(0, prm(0)));
        R("batch", sched_setscheduler(0, SCHED_BATCH, prm(0))); GP("as_batch"); R("idle", sched_setscheduler(0, SCHED_IDLE, prm(0))); GP("as_idle"); R("deadline", sched_setscheduler(0, 6, prm(0))); R("policy4", sched_setscheduler(0, 4, prm(0)));
        R("policy9", sched_setscheduler(0, 9, prm(0))); R("policy_neg", sched_setscheduler(0, -1, prm(0))); R("reset_on_fork", sched_setscheduler(0, SCHED_OTHER|SCHED_RESET_ON_FORK, prm(0))); GP("reset_flag");
        R("null_param", syscall(SYS_sched_setscheduler, 0, 0, 0)); R("efault_param", syscall(SYS_sched_setscheduler, 0, 0, 8)); R("neg_pid", sched_setscheduler(-1, 0, prm(0))); R("nopid", sched_setscheduler(999999, 0, prm(0)));
        R("efault_before_esrch", syscall(SYS_sched_setscheduler, 999999, 0, 8)); R("bad_policy_nopid", sched_setscheduler(999999, 9, prm(0))); R("setparam_null", syscall(SYS_sched_setparam, 0, 0));`,
    run: async (p, l) => {
      await p.r('fifo', l.sched_setscheduler(0, FIFO, prm(l, 10)));
      await gp(p, l, 'as_fifo');
      await p.r('setparam', l.sched_setparam(0, prm(l, 5)));
      await gp(p, l, 'prio5');
      await p.r('rr', l.sched_setscheduler(0, RR, prm(l, 99)));
      await gp(p, l, 'as_rr');
      await p.r('fifo_prio0', l.sched_setscheduler(0, FIFO, prm(l, 0)));
      await p.r('fifo_prio100', l.sched_setscheduler(0, FIFO, prm(l, 100)));
      await p.r('other_prio1', l.sched_setscheduler(0, 0, prm(l, 1)));
      await p.r('setparam_0_under_rr', l.sched_setparam(0, prm(l, 0)));
      await p.r('batch', l.sched_setscheduler(0, BATCH, prm(l, 0)));
      await gp(p, l, 'as_batch');
      await p.r('idle', l.sched_setscheduler(0, IDLE, prm(l, 0)));
      await gp(p, l, 'as_idle');
      await p.r('deadline', l.sched_setscheduler(0, 6, prm(l, 0)));
      await p.r('policy4', l.sched_setscheduler(0, 4, prm(l, 0)));
      await p.r('policy9', l.sched_setscheduler(0, 9, prm(l, 0)));
      await p.r('policy_neg', l.sched_setscheduler(0, -1, prm(l, 0)));
      await p.r('reset_on_fork', l.sched_setscheduler(0, RESET, prm(l, 0)));
      await gp(p, l, 'reset_flag');
      await p.r('null_param', l.sched_setscheduler(0, 0, 0));
      await p.r('efault_param', l.sched_setscheduler(0, 0, 8));
      await p.r('neg_pid', l.sched_setscheduler(-1, 0, prm(l, 0)));
      await p.r('nopid', l.sched_setscheduler(999999, 0, prm(l, 0)));
      await p.r('efault_before_esrch', l.sched_setscheduler(999999, 0, 8));
      await p.r('bad_policy_nopid', l.sched_setscheduler(999999, 9, prm(l, 0)));
      await p.r('setparam_null', l.sched_setparam(0, 0));
    },
  },
  {
    name: 'sched_fork_and_unprivileged', c_globals: HELPERS,
    c: `sched_setscheduler(0, SCHED_RR, prm(7)); fflush(stdout); pid_t c = fork(); if (c == 0) { GP("child_inherits"); fflush(stdout); _exit(0); } waitpid(c, 0, 0);
        sched_setscheduler(0, SCHED_RR|SCHED_RESET_ON_FORK, prm(7)); GP("parent_reset_flag"); fflush(stdout); c = fork(); if (c == 0) { GP("child_reset"); fflush(stdout); _exit(0); } waitpid(c, 0, 0);
        sched_setscheduler(0, SCHED_OTHER|SCHED_RESET_ON_FORK, prm(0)); setuid(1000); R("unpriv_clear_reset", sched_setscheduler(0, SCHED_OTHER, prm(0))); R("unpriv_keep_reset", sched_setscheduler(0, SCHED_BATCH|SCHED_RESET_ON_FORK, prm(0)));
        R("unpriv_fifo", sched_setscheduler(0, SCHED_FIFO|SCHED_RESET_ON_FORK, prm(1))); R("unpriv_idle", sched_setscheduler(0, SCHED_IDLE|SCHED_RESET_ON_FORK, prm(0))); R("unpriv_leave_idle", sched_setscheduler(0, SCHED_OTHER|SCHED_RESET_ON_FORK, prm(0)));
        R("unpriv_root_parent", sched_setscheduler(getppid(), SCHED_OTHER, prm(0))); R("getscheduler_parent_ok", sched_getscheduler(getppid()) >= 0); R("sched_ext", sched_setscheduler(0, 7, prm(0)));`,
    run: async (p, l) => {
      await l.sched_setscheduler(0, RR, prm(l, 7));
      let c = await l.fork(async (cl) => { await gp(new (p.constructor as new (x: Libc) => P)(cl), cl, 'child_inherits'); return 0; });
      await l.waitpid(c, 0, 0);
      await l.sched_setscheduler(0, RR | RESET, prm(l, 7));
      await gp(p, l, 'parent_reset_flag');
      c = await l.fork(async (cl) => { await gp(new (p.constructor as new (x: Libc) => P)(cl), cl, 'child_reset'); return 0; });
      await l.waitpid(c, 0, 0);
      await l.sched_setscheduler(0, RESET, prm(l, 0));
      await l.setuid(1000);
      await p.r('unpriv_clear_reset', l.sched_setscheduler(0, 0, prm(l, 0)));
      await p.r('unpriv_keep_reset', l.sched_setscheduler(0, BATCH | RESET, prm(l, 0)));
      await p.r('unpriv_fifo', l.sched_setscheduler(0, FIFO | RESET, prm(l, 1)));
      await p.r('unpriv_idle', l.sched_setscheduler(0, IDLE | RESET, prm(l, 0)));
      await p.r('unpriv_leave_idle', l.sched_setscheduler(0, RESET, prm(l, 0)));
      const pp = await l.getppid();
      await p.r('unpriv_root_parent', l.sched_setscheduler(pp, 0, prm(l, 0)));
      await p.r('getscheduler_parent_ok', await l.sched_getscheduler(pp) >= 0 ? 1 : 0);
      await p.r('sched_ext', l.sched_setscheduler(0, 7, prm(l, 0)));
    },
  },
];

conformance(test, 'sched_policy', cases);
