/** Conformance: getrusage(2) and wait4's rusage — who values, faults, and CPU time that grows with work (self, thread, waited-for children). */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase } from './harness.ts';

const HELPERS = String.raw`
#include <time.h>
#include <sys/times.h>
#include <sys/sysinfo.h>
static struct rusage ru_;
static long cpu_ms(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec * 1000 + t.tv_nsec / 1000000; }
static void burn(long ms) { long s = cpu_ms(); while (cpu_ms() - s < ms) ; }
static long ru_ms(struct rusage *r) { return (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000 + (r->ru_utime.tv_usec + r->ru_stime.tv_usec) / 1000; }
static long ru_usec_ok(struct rusage *r) { return r->ru_utime.tv_usec < 1000000 && r->ru_stime.tv_usec < 1000000; }
`;

const RU = 144;
const cpu_ms = async (l: Libc): Promise<number> => Math.floor(await l.clock_ns(l.CLOCK_PROCESS_CPUTIME_ID) / 1e6);
async function burn(l: Libc, ms: number): Promise<void> { const s = await cpu_ms(l); while ((await cpu_ms(l)) - s < ms) { /* spin */ } }
const ru_ms = (l: Libc, r: number): number => (l.peek_u64(r) + l.peek_u64(r + 16)) * 1000 + Math.floor((l.peek_u64(r + 8) + l.peek_u64(r + 24)) / 1000);
const ru_usec_ok = (l: Libc, r: number): number => (l.peek_u64(r + 8) < 1e6 && l.peek_u64(r + 24) < 1e6 ? 1 : 0);

const cases: ConfCase[] = [
  {
    name: 'getrusage_who_and_growth', c_globals: HELPERS,
    c: `R("self", getrusage(RUSAGE_SELF, &ru_)); R("usec_in_range", ru_usec_ok(&ru_)); R("thread", getrusage(RUSAGE_THREAD, &ru_)); R("children", getrusage(RUSAGE_CHILDREN, &ru_)); R("children_zero", ru_ms(&ru_) == 0 && ru_.ru_utime.tv_usec == 0);
        R("who2", getrusage(2, &ru_)); R("who_neg2", getrusage(-2, &ru_)); R("efault", getrusage(RUSAGE_SELF, (struct rusage *)8)); R("einval_before_efault", getrusage(5, (struct rusage *)8));
        getrusage(RUSAGE_SELF, &ru_); long before = ru_ms(&ru_); burn(30); getrusage(RUSAGE_SELF, &ru_); R("self_grew", ru_ms(&ru_) - before >= 20); getrusage(RUSAGE_THREAD, &ru_); R("thread_counts", ru_ms(&ru_) >= 20);`,
    run: async (p, l) => {
      const r = l.malloc(RU);
      await p.r('self', l.getrusage(0, r));
      await p.r('usec_in_range', ru_usec_ok(l, r));
      await p.r('thread', l.getrusage(1, r));
      await p.r('children', l.getrusage(-1, r));
      await p.r('children_zero', ru_ms(l, r) === 0 && l.peek_u64(r + 8) === 0 ? 1 : 0);
      await p.r('who2', l.getrusage(2, r));
      await p.r('who_neg2', l.getrusage(-2, r));
      await p.r('efault', l.getrusage(0, 8));
      await p.r('einval_before_efault', l.getrusage(5, 8));
      await l.getrusage(0, r);
      const before = ru_ms(l, r);
      await burn(l, 30);
      await l.getrusage(0, r);
      await p.r('self_grew', ru_ms(l, r) - before >= 20 ? 1 : 0);
      await l.getrusage(1, r);
      await p.r('thread_counts', ru_ms(l, r) >= 20 ? 1 : 0);
    },
  },
  {
    name: 'rusage_of_waited_children', c_globals: HELPERS,
    c: `fflush(stdout); pid_t c = fork(); if (c == 0) { burn(30); _exit(0); } int st_; R("wait4", wait4(c, &st_, 0, &ru_) == c); R("child_time", ru_ms(&ru_) >= 20); R("usec_in_range", ru_usec_ok(&ru_));
        getrusage(RUSAGE_CHILDREN, &ru_); R("children_total", ru_ms(&ru_) >= 20); long one = ru_ms(&ru_); fflush(stdout); c = fork(); if (c == 0) { pid_t g = fork(); if (g == 0) { burn(30); _exit(0); } waitpid(g, 0, 0); _exit(0); }
        waitpid(c, 0, 0); getrusage(RUSAGE_CHILDREN, &ru_); R("grandchild_counted", ru_ms(&ru_) - one >= 20); fflush(stdout); c = fork(); if (c == 0) _exit(0); R("wait4_efault", wait4(c, 0, 0, (struct rusage *)8)); R("reaped_anyway", waitpid(c, 0, WNOHANG));
        fflush(stdout); c = fork(); if (c == 0) { burn(30); _exit(0); } siginfo_t si; R("waitid", waitid(P_PID, c, &si, WEXITED|WNOWAIT)); R("waitid_rusage", syscall(SYS_waitid, P_PID, c, &si, WEXITED, &ru_)); R("waitid_time", ru_ms(&ru_) >= 20);`,
    run: async (p, l) => {
      const r = l.malloc(RU), ws = l.malloc(4);
      let c = await l.fork(async (cl) => { await burn(cl, 30); return 0; });
      await p.r('wait4', (await l.wait4(c, ws, 0, r)) === c ? 1 : 0);
      await p.r('child_time', ru_ms(l, r) >= 20 ? 1 : 0);
      await p.r('usec_in_range', ru_usec_ok(l, r));
      await l.getrusage(-1, r);
      await p.r('children_total', ru_ms(l, r) >= 20 ? 1 : 0);
      const one = ru_ms(l, r);
      c = await l.fork(async (cl) => { const g = await cl.fork(async (gl) => { await burn(gl, 30); return 0; }) as number; await cl.waitpid(g, 0, 0); return 0; });
      await l.waitpid(c, 0, 0);
      await l.getrusage(-1, r);
      await p.r('grandchild_counted', ru_ms(l, r) - one >= 20 ? 1 : 0);
      c = await l.fork(async () => 0);
      await p.r('wait4_efault', l.wait4(c, 0, 0, 8));
      await p.r('reaped_anyway', l.waitpid(c, 0, l.WNOHANG));
      c = await l.fork(async (cl) => { await burn(cl, 30); return 0; });
      const si = l.malloc(128);
      await p.r('waitid', l.syscall(l.SYS.waitid, 1, c, si, 4 | 0x1000000, 0));
      await p.r('waitid_rusage', l.syscall(l.SYS.waitid, 1, c, si, 4, r));
      await p.r('waitid_time', ru_ms(l, r) >= 20 ? 1 : 0);
    },
  },
  {
    name: 'times_and_sysinfo', c_globals: HELPERS,
    c: `struct tms tb; long a = times(&tb); R("times_positive", a > 0); burn(30); long b = times(&tb); R("ticks_grow", b >= a); R("tms_self_counts", tb.tms_utime + tb.tms_stime >= 2);
        R("tms_children_zero", tb.tms_cutime + tb.tms_cstime == 0); R("times_null", times(0) > 0); R("times_efault", syscall(SYS_times, 8)); struct sysinfo si; R("sysinfo", sysinfo(&si)); R("mem_unit", si.mem_unit);
        R("ram_consistent", si.totalram > 0 && si.freeram <= si.totalram); R("procs", si.procs >= 1); R("uptime", si.uptime > 0); R("no_swap", si.totalswap == 0 && si.freeswap == 0); R("efault", sysinfo((struct sysinfo *)8));
        R("ticks_count_from_initial_jiffies", labs((times(0) - 1717956918L) / 100 - si.uptime) <= 2);`,
    run: async (p, l) => {
      const tb = l.malloc(32);
      const a = await l.times(tb);
      await p.r('times_positive', a > 0 ? 1 : 0);
      await burn(l, 30);
      const b = await l.times(tb);
      await p.r('ticks_grow', b >= a ? 1 : 0);
      await p.r('tms_self_counts', l.peek_u64(tb) + l.peek_u64(tb + 8) >= 2 ? 1 : 0);
      await p.r('tms_children_zero', l.peek_u64(tb + 16) + l.peek_u64(tb + 24) === 0 ? 1 : 0);
      await p.r('times_null', await l.times(0) > 0 ? 1 : 0);
      await p.r('times_efault', l.times(8));
      const si = l.malloc(112);
      await p.r('sysinfo', l.sysinfo(si));
      await p.r('mem_unit', l.peek_u32(si + 104));
      await p.r('ram_consistent', l.peek_u64(si + 32) > 0 && l.peek_u64(si + 40) <= l.peek_u64(si + 32) ? 1 : 0);
      await p.r('procs', (l.peek_u32(si + 80) & 0xffff) >= 1 ? 1 : 0);
      await p.r('uptime', l.peek_u64(si) > 0 ? 1 : 0);
      await p.r('no_swap', l.peek_u64(si + 64) === 0 && l.peek_u64(si + 72) === 0 ? 1 : 0);
      await p.r('efault', l.sysinfo(8));
      await p.r('ticks_count_from_initial_jiffies', Math.abs(Math.trunc((await l.times(0) - 1717956918) / 100) - l.peek_u64(si)) <= 2 ? 1 : 0);
    },
  },
];

conformance(test, 'sys_rusage', cases);
