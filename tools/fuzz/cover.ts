/**
 * Where the guided fuzzer's coverage comes from. The real source is kcov, reached only through
 * the guest ABI as syzkaller's executor does (Documentation/dev-tools/kcov.rst): the executing
 * process opens /sys/kernel/debug/kcov, sizes the buffer with KCOV_INIT_TRACE, mmaps it,
 * enables it with KCOV_ENABLE(KCOV_TRACE_PC), and after each call reads word 0 (the count) and
 * the PCs that follow. A fake source (PCs made from each call's number and outcome) stands in
 * for unit tests.
 */
import type { Libc } from '../../libc/index.ts';

/** Linux's numbers: KCOV_INIT_TRACE = _IOR('c', 1, unsigned long), KCOV_ENABLE = _IO('c', 100), KCOV_DISABLE = _IO('c', 101). */
export const KCOV_INIT_TRACE = 0x80086301, KCOV_ENABLE = 0x6364, KCOV_DISABLE = 0x6365, KCOV_TRACE_PC = 0;
/** Words in the kcov buffer (syzkaller's executor uses 256K; privos's syscalls are shorter). */
export const COVER_WORDS = 1 << 16;
/** Where the executor moves its kcov fd, out of the way of the small fds programs use. */
export const KCOV_FD = 250;

/** Coverage of one process's calls. */
export interface CallCover {
  /** Before a call: start counting afresh. */
  begin(): void;
  /** After call `nr` returned `ret`: appends the PCs it reached to `out`. */
  end(nr: number, ret: number, out: number[]): void;
}

export interface CoverSource {
  readonly name: string;
  /** Sets up coverage in the process `libc` belongs to; null when the kernel has none. */
  attach(libc: Libc): Promise<CallCover | null>;
}

/** kcov through the process's own syscalls and memory. */
export const kcov_source: CoverSource = {
  name: 'kcov',
  async attach(lc: Libc): Promise<CallCover | null> {
    const fd0 = await lc.open('/sys/kernel/debug/kcov', lc.O_RDWR);
    if (fd0 < 0) return null;
    const fd = await lc.syscall(lc.SYS.fcntl, fd0, lc.F_DUPFD_CLOEXEC, KCOV_FD);
    await lc.close(fd0);
    if (fd < 0 || await lc.ioctl(fd, KCOV_INIT_TRACE, COVER_WORDS) < 0) return null;
    const area = await lc.mmap(0, COVER_WORDS * 8, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0);
    if (area === -1 || await lc.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC) < 0) return null;
    return {
      begin: () => lc.poke_u64(area, 0),
      end: (_nr, _ret, out) => {
        const n = Math.min(lc.peek_u64(area), COVER_WORDS - 1);
        for (let i = 0; i < n; i++) out.push(lc.peek_u64(area + 8 + i * 8));
      },
    };
  },
};

/** Fake coverage for tests: one "PC" per (call, outcome), outcome being the errno or ≥0. */
export const fake_source: CoverSource = {
  name: 'fake',
  attach: () => Promise.resolve({
    begin: () => undefined,
    end: (nr, ret, out) => { out.push(nr * 4096 + (ret < 0 ? Math.min(-ret, 4095) : 0)); },
  }),
};
