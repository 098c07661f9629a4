/**
 * Where the guided fuzzer's coverage comes from. The real source is kcov, reached only through
 * the guest ABI as syzkaller's executor does (Documentation/dev-tools/kcov.rst): the executing
 * process opens /sys/kernel/debug/kcov, sizes the buffer with KCOV_INIT_TRACE, mmaps it,
 * enables it with KCOV_ENABLE(KCOV_TRACE_PC), and after each call reads word 0 (the count) and
 * the PCs that follow. A fake source (PCs made from each call's number and outcome) stands in
 * for unit tests.
 */
import type { Libc } from '../../libc/index.ts';
import { KCOV_ENABLE, KCOV_INIT_TRACE, KCOV_PATH, KCOV_TRACE_PC } from '../../kernel/include/uapi/kcov.ts';
import { KCOV_TEXT, KCOV_TEXT_SIZE } from '../../kernel/mm/vmalloc.ts';
/** Words in the kcov buffer (syzkaller's executor uses 256K; privos's syscalls are shorter). */
export const COVER_WORDS = 1 << 15;
/** Where the executor moves its kcov fd, out of the way of the small fds programs use. */
export const KCOV_FD = 250;

/** The PCs of one call, copied out of the process in one load. */
const pc_bytes = new Uint8Array(COVER_WORDS * 8), pc_view = new DataView(pc_bytes.buffer);

/** Coverage of one process's calls. */
export interface CallCover {
  /** Before a call: start counting afresh. */
  begin(): void;
  /** After call `nr` returned `ret`: appends the PCs it reached to `out`. */
  end(nr: number, ret: number, out: number[]): void;
}

/** Coverage set up in the executor, enabled afresh in each child it forks. */
export interface CoverSetup {
  /** In a forked child: starts collecting for that task; null if it cannot. */
  enable(libc: Libc): Promise<CallCover | null>;
}

export interface CoverSource {
  readonly name: string;
  /** In the executor, once: opens and maps what its children inherit; null when the kernel has none. */
  setup(libc: Libc): Promise<CoverSetup | null>;
}

/**
 * kcov through the processes' own syscalls and memory, as syzkaller's fork server has it: the
 * executor opens the file, sizes the buffer and maps it MAP_SHARED; each child inherits fd and
 * mapping and only calls KCOV_ENABLE (kcov is per task; a child's exit disables it again).
 */
export const kcov_source: CoverSource = {
  name: 'kcov',
  async setup(lc: Libc): Promise<CoverSetup | null> {
    const fd0 = await lc.open(KCOV_PATH, lc.O_RDWR);
    if (fd0 < 0) return null;
    const fd = await lc.syscall(lc.SYS.fcntl, fd0, lc.F_DUPFD_CLOEXEC, KCOV_FD);
    await lc.close(fd0);
    if (fd < 0 || await lc.ioctl(fd, KCOV_INIT_TRACE, COVER_WORDS) < 0) return null;
    const area = await lc.mmap(0, COVER_WORDS * 8, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_SHARED, fd, 0);
    if (area === -1) return null;
    return { enable: async (c) => (await c.ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC) < 0 ? null : kcov_reader(c, area)) };
  },
};

const TEXT_LO = KCOV_TEXT >>> 0;

/**
 * Is the buffer word (hi:lo) a block PC of the instrumented kernel? The buffer is the fuzzed
 * process's own memory, which its calls may overwrite (a read into it, an mmap over it): as
 * syzkaller drops PCs outside the kernel's text, words outside the kcov text range (kernel half,
 * 4-aligned) are not coverage. Unchecked, one such run counted 8.4 million "blocks", and a
 * longer one overflowed the fuzzer's Set of seen PCs.
 */
export function kcov_pc_valid(hi: number, lo: number): boolean {
  return hi === 0xffffffff && lo >= TEXT_LO && lo - TEXT_LO < KCOV_TEXT_SIZE && (lo & 3) === 0;
}

/** The calls' PCs, read out of the task's mapping of the buffer. */
function kcov_reader(lc: Libc, area: number): CallCover {
  return {
    begin: () => lc.poke_u64(area, 0),
    end: (_nr, _ret, out) => {
      const n = Math.min(lc.peek_u64(area), COVER_WORDS - 1);
      if (n === 0) return;
      lc.peek_into(area + 8, pc_bytes, 0, n * 8);
      // A PC's low 48 bits, exact in a number (the top 16 are the kernel half's sign bits).
      for (let i = 0; i < n * 8; i += 8) {
        const hi = pc_view.getUint32(i + 4, true), lo = pc_view.getUint32(i, true);
        if (kcov_pc_valid(hi, lo)) out.push((hi & 0xffff) * 2 ** 32 + lo);
      }
    },
  };
}

/** Fake coverage for tests: one "PC" per (call, outcome), outcome being the errno or ≥0. */
const fake_cover: CallCover = {
  begin: () => undefined,
  end: (nr, ret, out) => { out.push(nr * 4096 + (ret < 0 ? Math.min(-ret, 4095) : 0)); },
};
export const fake_source: CoverSource = {
  name: 'fake',
  setup: () => Promise.resolve({ enable: () => Promise.resolve(fake_cover) }),
};
