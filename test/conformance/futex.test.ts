/** Conformance: futex(2) errnos and results a single thread can observe. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';
import type { Libc } from '../../libc/index.ts';
import type { P } from './p.ts';

const G = String.raw`#include <linux/futex.h>
#include <time.h>
static unsigned fw[16] __attribute__((aligned(64)));
static long FX(void *u, int op, unsigned v, void *ts, void *u2, unsigned v3) { return syscall(SYS_futex, u, op, v, ts, u2, v3); }
static struct timespec TS(long s, long ns) { struct timespec t = { s, ns }; return t; }`;

/** The raw call with pointer arguments, as the C side's FX. */
const fx = (l: Libc, u: number, op: number, v: number, ts = 0, u2 = 0, v3 = 0): number | Promise<number> =>
  l.syscall(l.SYS.futex, u, op, v, ts, u2, v3);

/** A struct timespec in p.st (which may be invalid on purpose). */
function ts(p: P, sec: number, nsec: number): number {
  p.libc.poke_u64(p.st, sec);
  p.libc.poke_u64(p.st + 8, nsec);
  return p.st;
}

const KADDR = -0x7f000000; // 0xffffffff81000000

const cases: ConfCase[] = [
  {
    name: 'futex_eagain_on_value_mismatch',
    c_globals: G,
    c: `fw[0] = 5; R("wait", FX(fw, FUTEX_WAIT, 4, 0, 0, 0)); R("wait_private", FX(fw, FUTEX_WAIT_PRIVATE, 6, 0, 0, 0));
        R("wait_bitset", FX(fw, FUTEX_WAIT_BITSET, 0, 0, 0, ~0u)); struct timespec t = TS(5, 0); R("timed", FX(fw, FUTEX_WAIT, 4, &t, 0, 0));
        R("cmp_requeue", FX(fw, FUTEX_CMP_REQUEUE, 1, (void *)1, fw + 1, 4));`,
    run: async (p, l) => {
      const w = p.buf;
      l.poke_u32(w, 5);
      await p.r('wait', l.futex(w, l.FUTEX_WAIT, 4));
      await p.r('wait_private', l.futex(w, l.FUTEX_WAIT_PRIVATE, 6));
      await p.r('wait_bitset', l.futex(w, l.FUTEX_WAIT_BITSET, 0, null, 0, -1));
      await p.r('timed', l.futex(w, l.FUTEX_WAIT, 4, 5e9));
      await p.r('cmp_requeue', l.futex(w, l.FUTEX_CMP_REQUEUE, 1, 1, w + 4, 4));
    },
  },
  {
    name: 'futex_etimedout',
    c_globals: G,
    c: `fw[0] = 5; struct timespec t = TS(0, 2000000); R("relative", FX(fw, FUTEX_WAIT, 5, &t, 0, 0)); R("relative_private", FX(fw, FUTEX_WAIT_PRIVATE, 5, &t, 0, 0));
        struct timespec now; clock_gettime(CLOCK_MONOTONIC, &now); R("abs_monotonic_past", FX(fw, FUTEX_WAIT_BITSET, 5, &now, 0, ~0u));
        now.tv_nsec = (now.tv_nsec + 2000000) % 1000000000; if (now.tv_nsec < 2000000) now.tv_sec++; R("abs_monotonic_soon", FX(fw, FUTEX_WAIT_BITSET_PRIVATE, 5, &now, 0, 1));
        clock_gettime(CLOCK_REALTIME, &now); R("abs_realtime_past", FX(fw, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &now, 0, ~0u));
        t = TS(0, 0); R("zero", FX(fw, FUTEX_WAIT, 5, &t, 0, 0));`,
    run: async (p, l) => {
      const w = p.buf;
      l.poke_u32(w, 5);
      await p.r('relative', l.futex(w, l.FUTEX_WAIT, 5, 2e6));
      await p.r('relative_private', l.futex(w, l.FUTEX_WAIT_PRIVATE, 5, 2e6));
      await p.r('abs_monotonic_past', l.futex(w, l.FUTEX_WAIT_BITSET, 5, l.clock_ns(l.CLOCK_MONOTONIC) as number, 0, -1));
      await p.r('abs_monotonic_soon', l.futex(w, l.FUTEX_WAIT_BITSET | l.FUTEX_PRIVATE_FLAG, 5, (l.clock_ns(l.CLOCK_MONOTONIC) as number) + 2e6, 0, 1));
      await p.r('abs_realtime_past', l.futex(w, l.FUTEX_WAIT_BITSET | l.FUTEX_CLOCK_REALTIME, 5, l.clock_ns(l.CLOCK_REALTIME) as number, 0, -1));
      await p.r('zero', l.futex(w, l.FUTEX_WAIT, 5, 0));
    },
  },
  {
    name: 'futex_einval',
    c_globals: G,
    c: `fw[0] = 5; char *m = (char *)fw; R("wait_misaligned", FX(m + 1, FUTEX_WAIT, 5, 0, 0, 0)); R("wake_misaligned", FX(m + 2, FUTEX_WAKE, 1, 0, 0, 0));
        R("wake_private_misaligned", FX(m + 3, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0)); R("requeue_misaligned2", FX(fw, FUTEX_CMP_REQUEUE, 1, (void *)1, m + 5, 5));
        R("wait_bitset_zero", FX(fw, FUTEX_WAIT_BITSET, 5, 0, 0, 0)); R("wake_bitset_zero", FX(fw, FUTEX_WAKE_BITSET, 1, 0, 0, 0));
        struct timespec t = TS(0, 1000000000); R("nsec_too_big", FX(fw, FUTEX_WAIT, 5, &t, 0, 0)); R("nsec_too_big_mismatch", FX(fw, FUTEX_WAIT, 4, &t, 0, 0));
        t = TS(-1, 0); R("negative_sec", FX(fw, FUTEX_WAIT_PRIVATE, 5, &t, 0, 0)); t = TS(0, -1); R("negative_nsec", FX(fw, FUTEX_WAIT_BITSET, 5, &t, 0, ~0u));
        R("requeue_negative_wake", FX(fw, FUTEX_CMP_REQUEUE, -1, (void *)1, fw + 1, 5)); R("requeue_negative_count", FX(fw, FUTEX_REQUEUE, 1, (void *)-1L, fw + 1, 0));`,
    run: async (p, l) => {
      const w = p.buf;
      l.poke_u32(w, 5);
      await p.r('wait_misaligned', fx(l, w + 1, l.FUTEX_WAIT, 5));
      await p.r('wake_misaligned', fx(l, w + 2, l.FUTEX_WAKE, 1));
      await p.r('wake_private_misaligned', fx(l, w + 3, l.FUTEX_WAKE_PRIVATE, 1));
      await p.r('requeue_misaligned2', fx(l, w, l.FUTEX_CMP_REQUEUE, 1, 1, w + 5, 5));
      await p.r('wait_bitset_zero', fx(l, w, l.FUTEX_WAIT_BITSET, 5, 0, 0, 0));
      await p.r('wake_bitset_zero', fx(l, w, l.FUTEX_WAKE_BITSET, 1, 0, 0, 0));
      await p.r('nsec_too_big', fx(l, w, l.FUTEX_WAIT, 5, ts(p, 0, 1e9)));
      await p.r('nsec_too_big_mismatch', fx(l, w, l.FUTEX_WAIT, 4, ts(p, 0, 1e9)));
      await p.r('negative_sec', fx(l, w, l.FUTEX_WAIT_PRIVATE, 5, ts(p, -1, 0)));
      await p.r('negative_nsec', fx(l, w, l.FUTEX_WAIT_BITSET, 5, ts(p, 0, -1), 0, -1));
      await p.r('requeue_negative_wake', fx(l, w, l.FUTEX_CMP_REQUEUE, -1, 1, w + 4, 5));
      await p.r('requeue_negative_count', fx(l, w, l.FUTEX_REQUEUE, 1, -1, w + 4));
    },
  },
  {
    name: 'futex_efault',
    c_globals: G,
    c: `fw[0] = 5; R("wait_null", FX(0, FUTEX_WAIT, 5, 0, 0, 0)); R("wait_null_private", FX(0, FUTEX_WAIT_PRIVATE, 5, 0, 0, 0));
        R("wake_null", FX(0, FUTEX_WAKE, 1, 0, 0, 0)); R("wake_null_private", FX(0, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0));
        R("wake_kernel_private", FX((void *)0xffffffff81000000ul, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0)); R("timeout_bad_ptr", FX(fw, FUTEX_WAIT, 5, (void *)8, 0, 0));
        void *m = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); R("wait_prot_none", FX(m, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0));
        R("wake_prot_none", FX(m, FUTEX_WAKE, 1, 0, 0, 0)); R("wake_prot_none_private", FX(m, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0));
        R("cmp_requeue_null", FX(0, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, fw, 5)); R("requeue_null_private", FX(0, FUTEX_REQUEUE_PRIVATE, 1, (void *)1, fw, 0));
        R("requeue_null2_shared", FX(fw, FUTEX_REQUEUE, 1, (void *)1, 0, 0));`,
    run: async (p, l) => {
      const w = p.buf;
      l.poke_u32(w, 5);
      const PRIV = l.FUTEX_PRIVATE_FLAG;
      await p.r('wait_null', fx(l, 0, l.FUTEX_WAIT, 5));
      await p.r('wait_null_private', fx(l, 0, l.FUTEX_WAIT_PRIVATE, 5));
      await p.r('wake_null', fx(l, 0, l.FUTEX_WAKE, 1));
      await p.r('wake_null_private', fx(l, 0, l.FUTEX_WAKE_PRIVATE, 1));
      await p.r('wake_kernel_private', fx(l, KADDR, l.FUTEX_WAKE_PRIVATE, 1));
      await p.r('timeout_bad_ptr', fx(l, w, l.FUTEX_WAIT, 5, 8));
      const m = l.mmap(0, 4096, l.PROT_NONE, l.MAP_PRIVATE | l.MAP_ANONYMOUS, -1, 0) as number;
      await p.r('wait_prot_none', fx(l, m, l.FUTEX_WAIT_PRIVATE, 0));
      await p.r('wake_prot_none', fx(l, m, l.FUTEX_WAKE, 1));
      await p.r('wake_prot_none_private', fx(l, m, l.FUTEX_WAKE_PRIVATE, 1));
      await p.r('cmp_requeue_null', fx(l, 0, l.FUTEX_CMP_REQUEUE | PRIV, 1, 1, w, 5));
      await p.r('requeue_null_private', fx(l, 0, l.FUTEX_REQUEUE | PRIV, 1, 1, w, 0));
      await p.r('requeue_null2_shared', fx(l, w, l.FUTEX_REQUEUE, 1, 1, 0, 0));
    },
  },
  {
    name: 'futex_enosys',
    c_globals: G,
    c: `fw[0] = 5; struct timespec t = TS(0, 1000); R("bad_op", FX(fw, 99, 1, 0, 0, 0)); R("futex_fd", FX(fw, FUTEX_FD, 1, 0, 0, 0)); R("op_14", FX(fw, 14, 1, 0, 0, 0));
        R("wait_realtime", FX(fw, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, &t, 0, 0)); R("wake_realtime", FX(fw, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0));`,
    run: async (p, l) => {
      const w = p.buf;
      l.poke_u32(w, 5);
      await p.r('bad_op', fx(l, w, 99, 1));
      await p.r('futex_fd', fx(l, w, l.FUTEX_FD, 1));
      await p.r('op_14', fx(l, w, 14, 1));
      await p.r('wait_realtime', l.futex(w, l.FUTEX_WAIT | l.FUTEX_CLOCK_REALTIME, 5, 1000));
      await p.r('wake_realtime', fx(l, w, l.FUTEX_WAKE | l.FUTEX_CLOCK_REALTIME, 1));
    },
  },
  {
    name: 'futex_wake_without_waiters',
    c_globals: G,
    c: `fw[0] = 5; R("wake", FX(fw, FUTEX_WAKE, 1, 0, 0, 0)); R("wake_private_many", FX(fw, FUTEX_WAKE_PRIVATE, 100, 0, 0, 0)); R("wake_zero", FX(fw, FUTEX_WAKE, 0, 0, 0, 0));
        R("wake_bitset", FX(fw, FUTEX_WAKE_BITSET, 1, 0, 0, 4)); R("requeue", FX(fw, FUTEX_REQUEUE, 1, (void *)1, fw + 1, 0));
        R("cmp_requeue", FX(fw, FUTEX_CMP_REQUEUE, 1, (void *)1, fw + 1, 5)); R("requeue_same", FX(fw, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)9, fw, 5));`,
    run: async (p, l) => {
      const w = p.buf;
      l.poke_u32(w, 5);
      await p.r('wake', l.futex(w, l.FUTEX_WAKE, 1));
      await p.r('wake_private_many', l.futex(w, l.FUTEX_WAKE_PRIVATE, 100));
      await p.r('wake_zero', l.futex(w, l.FUTEX_WAKE, 0));
      await p.r('wake_bitset', l.futex(w, l.FUTEX_WAKE_BITSET, 1, null, 0, 4));
      await p.r('requeue', l.futex(w, l.FUTEX_REQUEUE, 1, 1, w + 4));
      await p.r('cmp_requeue', l.futex(w, l.FUTEX_CMP_REQUEUE, 1, 1, w + 4, 5));
      await p.r('requeue_same', l.futex(w, l.FUTEX_CMP_REQUEUE | l.FUTEX_PRIVATE_FLAG, 0, 9, w, 5));
    },
  },
  {
    name: 'futex_lock_pi',
    c_globals: G,
    c: `fw[0] = 0; R("trylock_pi_unowned", FX(fw, FUTEX_TRYLOCK_PI, 0, 0, 0, 0)); R("owner_is_me", fw[0] == (unsigned)gettid());`,
    run: async (p, l) => {
      const w = p.buf;
      l.poke_u32(w, 0);
      await p.r('trylock_pi_unowned', fx(l, w, l.FUTEX_TRYLOCK_PI, 0));
      await p.r('owner_is_me', l.peek_u32(w) === l.gettid() ? 1 : 0);
    },
    differs: { why: 'priority-inheritance futexes are not implemented (ENOSYS, listed as partial in the support matrix)', privos: ['trylock_pi_unowned: -1 ENOSYS', 'owner_is_me: 0'] },
  },
];

conformance(test, 'futex', cases);
