/** Conformance: mmap of regular files — private and shared mappings, coherence with read/write, SIGBUS, msync, madvise, errnos. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';
import type { Libc } from '../../libc/index.ts';
import type { P } from './p.ts';

/** Creates file `name` with content (both sides do the same with their own calls). */
async function mk(l: Libc, name: string, content: string): Promise<void> {
  const fd = await l.open(name, l.O_CREAT | l.O_WRONLY | l.O_TRUNC, 0o644);
  if (content) await l.write(fd, content);
  await l.close(fd);
}
/** M(label, mmap(...)): "ok" or the errno, never the address; m_ keeps the address. */
const HELPERS = String.raw`static void mk(const char *n, const char *c) { int fd = open(n, O_CREAT|O_WRONLY|O_TRUNC, 0644); write(fd, c, strlen(c)); close(fd); }
static char *m_;
#define M(l, e) do { errno = 0; m_ = (char *)(e); if (m_ == MAP_FAILED) pr_err(l); else printf("%s: ok\n", l); } while (0)
static int sig_of(pid_t pid) { int s; waitpid(pid, &s, 0); return WIFSIGNALED(s) ? WTERMSIG(s) : -WEXITSTATUS(s); }`;

/** The privos side of M: prints like the C macro and returns the address (or -1). */
async function M(p: P, l: Libc, label: string, v: unknown): Promise<number> {
  const a = await v as number;
  if (a === -1) await p.r(label, -1); else p.out(`${label}: ok`);
  return a;
}
/** RD of mapped memory: privos copies it into p.buf with user loads first. */
async function rdm(p: P, l: Libc, label: string, addr: number, n: number): Promise<void> {
  l.poke(p.buf, l.peek(addr, n));
  await p.rd(label, n);
}
async function sig_of(l: Libc, pid: number): Promise<number> {
  const st = l.malloc(4);
  await l.waitpid(pid, st, 0);
  const s = l.peek_u32(st);
  return (s & 0x7f) !== 0 ? s & 0x7f : -((s >> 8) & 0xff);
}

const PG = 4096;

const cases: ConfCase[] = [
  {
    name: 'mmap_private_reads_file', c_globals: HELPERS,
    c: `mk("f", "hello world"); int fd = open("f", O_RDWR); M("map", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0)); char *m = m_;
        RD("content", 11, m); R("past_eof_zero", m[100]); m[0] = 'H'; RD("private_view", 11, m); RD("file_unchanged", pread(fd, buf, 64, 0), buf);
        R("msync", msync(m, 4096, MS_SYNC)); R("munmap", munmap(m, 4096)); RD("still_unchanged", pread(fd, buf, 64, 0), buf);`,
    run: async (p, l) => {
      await mk(l, 'f', 'hello world');
      const fd = await l.open('f', l.O_RDWR);
      const m = await M(p, l, 'map', l.mmap(0, PG, l.PROT_READ | l.PROT_WRITE, l.MAP_PRIVATE, fd, 0));
      await rdm(p, l, 'content', m, 11);
      await p.r('past_eof_zero', l.peek_u8(m + 100));
      l.poke_u8(m, 0x48);
      await rdm(p, l, 'private_view', m, 11);
      await p.rd('file_unchanged', l.pread(fd, p.buf, 64, 0));
      await p.r('msync', l.msync(m, PG, l.MS_SYNC));
      await p.r('munmap', l.munmap(m, PG));
      await p.rd('still_unchanged', l.pread(fd, p.buf, 64, 0));
    },
  },
  {
    name: 'mmap_shared_store_seen_by_read', c_globals: HELPERS,
    c: `mk("f", "abcdefghij"); int fd = open("f", O_RDWR); M("map", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)); char *m = m_;
        memcpy(m + 2, "XY", 2); RD("read_without_msync", pread(fd, buf, 64, 0), buf); R("msync", msync(m, 4096, MS_SYNC)); RD("read_after_msync", pread(fd, buf, 64, 0), buf);
        R("munmap", munmap(m, 4096)); close(fd); fd = open("f", O_RDONLY); RD("reopened", read(fd, buf, 64), buf);`,
    run: async (p, l) => {
      await mk(l, 'f', 'abcdefghij');
      let fd = await l.open('f', l.O_RDWR);
      const m = await M(p, l, 'map', l.mmap(0, PG, l.PROT_READ | l.PROT_WRITE, l.MAP_SHARED, fd, 0));
      l.poke(m + 2, 'XY');
      await p.rd('read_without_msync', l.pread(fd, p.buf, 64, 0));
      await p.r('msync', l.msync(m, PG, l.MS_SYNC));
      await p.rd('read_after_msync', l.pread(fd, p.buf, 64, 0));
      await p.r('munmap', l.munmap(m, PG));
      await l.close(fd);
      fd = await l.open('f', l.O_RDONLY);
      await p.rd('reopened', l.read(fd, p.buf, 64));
    },
  },
  {
    name: 'mmap_write_seen_through_shared', c_globals: HELPERS,
    c: `mk("f", "0123456789"); int fd = open("f", O_RDWR); M("map", mmap(0, 8192, PROT_READ, MAP_SHARED, fd, 0)); char *m = m_; R("touch", m[0]);
        R("pwrite", pwrite(fd, "AB", 2, 4)); RD("mapped", 10, m); R("grow", pwrite(fd, "Z", 1, 12)); RD("grown", 13, m);
        M("private", mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0)); char *q = m_; R("pwrite2", pwrite(fd, "q", 1, 0)); RD("private_untouched_page_sees_write", 4, q);`,
    run: async (p, l) => {
      await mk(l, 'f', '0123456789');
      const fd = await l.open('f', l.O_RDWR);
      const m = await M(p, l, 'map', l.mmap(0, 2 * PG, l.PROT_READ, l.MAP_SHARED, fd, 0));
      await p.r('touch', l.peek_u8(m));
      await p.r('pwrite', l.pwrite(fd, 'AB', 2, 4));
      await rdm(p, l, 'mapped', m, 10);
      await p.r('grow', l.pwrite(fd, 'Z', 1, 12));
      await rdm(p, l, 'grown', m, 13);
      const q = await M(p, l, 'private', l.mmap(0, PG, l.PROT_READ, l.MAP_PRIVATE, fd, 0));
      await p.r('pwrite2', l.pwrite(fd, 'q', 1, 0));
      await rdm(p, l, 'private_untouched_page_sees_write', q, 4);
    },
  },
  {
    name: 'mmap_sigbus_past_eof', c_globals: HELPERS,
    c: `mk("f", "tiny"); int fd = open("f", O_RDWR); M("map", mmap(0, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)); char *m = m_;
        R("last_page_tail", m[4095]); pid_t c = fork(); if (c == 0) { volatile char x = m[4096]; (void)x; _exit(0); } R("child_signal", sig_of(c));
        c = fork(); if (c == 0) { m[8191] = 1; _exit(0); } R("store_signal", sig_of(c)); R("read_into_it", pread(fd, m + 4096, 4, 0));`,
    run: async (p, l) => {
      await mk(l, 'f', 'tiny');
      const fd = await l.open('f', l.O_RDWR);
      const m = await M(p, l, 'map', l.mmap(0, 2 * PG, l.PROT_READ | l.PROT_WRITE, l.MAP_SHARED, fd, 0));
      await p.r('last_page_tail', l.peek_u8(m + 4095));
      let c = await l.fork((cl) => { cl.peek_u8(m + PG); return 0; });
      await p.r('child_signal', sig_of(l, c));
      c = await l.fork((cl) => { cl.poke_u8(m + 2 * PG - 1, 1); return 0; });
      await p.r('store_signal', sig_of(l, c));
      await p.r('read_into_it', l.pread(fd, m + PG, 4, 0));
    },
  },
  {
    name: 'mmap_file_errnos', c_globals: HELPERS,
    c: `mk("f", "data"); int ro = open("f", O_RDONLY), wo = open("f", O_WRONLY);
        M("ro_shared_write", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, ro, 0)); M("ro_private_write", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE, ro, 0));
        M("wo_private", mmap(0, 4096, PROT_READ, MAP_PRIVATE, wo, 0)); M("wo_shared_write", mmap(0, 4096, PROT_WRITE, MAP_SHARED, wo, 0));
        M("unaligned_off", mmap(0, 4096, PROT_READ, MAP_PRIVATE, ro, 100)); M("overflow", mmap(0, 8192, PROT_READ, MAP_PRIVATE, ro, 0x7ffffffffffff000L));
        M("neg_off", mmap(0, 4096, PROT_READ, MAP_PRIVATE, ro, -4096L)); M("badfd_badtype", mmap(0, 4096, PROT_READ, 0, 99, 0)); M("len0_badfd", mmap(0, 0, PROT_READ, MAP_PRIVATE, 99, 0));
        int d = open(".", O_RDONLY); M("dir", mmap(0, 4096, PROT_READ, MAP_PRIVATE, d, 0)); int pp[2]; pipe(pp); M("pipe_read_end", mmap(0, 4096, PROT_READ, MAP_PRIVATE, pp[0], 0));
        M("pipe_write_end", mmap(0, 4096, PROT_READ, MAP_PRIVATE, pp[1], 0)); int pf = open("/proc/self/status", O_RDONLY); M("proc_file", mmap(0, 4096, PROT_READ, MAP_PRIVATE, pf, 0));
        int op = open("f", O_PATH); M("o_path", mmap(0, 4096, PROT_READ, MAP_PRIVATE, op, 0)); M("growsdown", mmap(0, 4096, PROT_READ, MAP_PRIVATE|MAP_GROWSDOWN, ro, 0));
        M("ro_shared_read", mmap(0, 4096, PROT_READ, MAP_SHARED, ro, 0)); R("mprotect_write", mprotect(m_, 4096, PROT_READ|PROT_WRITE)); R("mprotect_exec", mprotect(m_, 4096, PROT_READ|PROT_EXEC));`,
    run: async (p, l) => {
      await mk(l, 'f', 'data');
      const ro = await l.open('f', l.O_RDONLY), wo = await l.open('f', l.O_WRONLY);
      const R_ = l.PROT_READ, RW = l.PROT_READ | l.PROT_WRITE;
      await M(p, l, 'ro_shared_write', l.mmap(0, PG, RW, l.MAP_SHARED, ro, 0));
      await M(p, l, 'ro_private_write', l.mmap(0, PG, RW, l.MAP_PRIVATE, ro, 0));
      await M(p, l, 'wo_private', l.mmap(0, PG, R_, l.MAP_PRIVATE, wo, 0));
      await M(p, l, 'wo_shared_write', l.mmap(0, PG, l.PROT_WRITE, l.MAP_SHARED, wo, 0));
      await M(p, l, 'unaligned_off', l.mmap(0, PG, R_, l.MAP_PRIVATE, ro, 100));
      await M(p, l, 'overflow', l.mmap(0, 2 * PG, R_, l.MAP_PRIVATE, ro, 2 ** 63 - PG));
      await M(p, l, 'neg_off', l.mmap(0, PG, R_, l.MAP_PRIVATE, ro, -PG));
      await M(p, l, 'badfd_badtype', l.mmap(0, PG, R_, 0, 99, 0));
      await M(p, l, 'len0_badfd', l.mmap(0, 0, R_, l.MAP_PRIVATE, 99, 0));
      const d = await l.open('.', l.O_RDONLY);
      await M(p, l, 'dir', l.mmap(0, PG, R_, l.MAP_PRIVATE, d, 0));
      const pp = l.malloc(8);
      await l.pipe(pp);
      await M(p, l, 'pipe_read_end', l.mmap(0, PG, R_, l.MAP_PRIVATE, l.peek_i32(pp), 0));
      await M(p, l, 'pipe_write_end', l.mmap(0, PG, R_, l.MAP_PRIVATE, l.peek_i32(pp + 4), 0));
      const pf = await l.open('/proc/self/status', l.O_RDONLY);
      await M(p, l, 'proc_file', l.mmap(0, PG, R_, l.MAP_PRIVATE, pf, 0));
      const op = await l.open('f', l.O_PATH);
      await M(p, l, 'o_path', l.mmap(0, PG, R_, l.MAP_PRIVATE, op, 0));
      await M(p, l, 'growsdown', l.mmap(0, PG, R_, l.MAP_PRIVATE | l.MAP_GROWSDOWN, ro, 0));
      const s = await M(p, l, 'ro_shared_read', l.mmap(0, PG, R_, l.MAP_SHARED, ro, 0));
      await p.r('mprotect_write', l.mprotect(s, PG, RW));
      await p.r('mprotect_exec', l.mprotect(s, PG, l.PROT_READ | l.PROT_EXEC));
    },
  },
  {
    name: 'msync_madvise_errnos', c_globals: HELPERS,
    c: `mk("f", "data"); int fd = open("f", O_RDWR); M("map", mmap(0, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)); char *m = m_;
        R("ms_both", msync(m, 4096, MS_SYNC|MS_ASYNC)); R("ms_badflag", msync(m, 4096, 8)); R("ms_unaligned", msync(m + 1, 4096, MS_SYNC)); R("ms_len0", msync(m, 0, MS_SYNC));
        R("ms_async", msync(m, 8192, MS_ASYNC)); R("ms_invalidate", msync(m, 4096, MS_INVALIDATE)); R("ms_unmapped", msync((char *)0x10000, 4096, MS_ASYNC)); R("ms_neg_len", msync(m, -4096, MS_SYNC));
        R("ma_bad", madvise(m, 4096, 999)); R("ma_unaligned", madvise(m + 1, 4096, MADV_NORMAL)); R("ma_unmapped", madvise((char *)0x10000, 4096, MADV_WILLNEED));
        R("ma_len0_bad", madvise(m, 0, 999)); R("ma_len0", madvise(m, 0, MADV_NORMAL)); R("ma_neg_len", madvise(m, -4096, MADV_NORMAL)); R("ma_free_file", madvise(m, 4096, MADV_FREE));
        R("ma_normal", madvise(m, 4096, MADV_NORMAL)); R("ma_random", madvise(m, 4096, MADV_RANDOM)); R("ma_sequential", madvise(m, 4096, MADV_SEQUENTIAL)); R("ma_willneed", madvise(m, 8192, MADV_WILLNEED));
        munmap(m + 4096, 4096); R("ms_hole", msync(m, 8192, MS_SYNC)); R("ma_hole", madvise(m, 8192, MADV_DONTNEED));`,
    run: async (p, l) => {
      await mk(l, 'f', 'data');
      const fd = await l.open('f', l.O_RDWR);
      const m = await M(p, l, 'map', l.mmap(0, 2 * PG, l.PROT_READ | l.PROT_WRITE, l.MAP_SHARED, fd, 0));
      await p.r('ms_both', l.msync(m, PG, l.MS_SYNC | l.MS_ASYNC));
      await p.r('ms_badflag', l.msync(m, PG, 8));
      await p.r('ms_unaligned', l.msync(m + 1, PG, l.MS_SYNC));
      await p.r('ms_len0', l.msync(m, 0, l.MS_SYNC));
      await p.r('ms_async', l.msync(m, 2 * PG, l.MS_ASYNC));
      await p.r('ms_invalidate', l.msync(m, PG, l.MS_INVALIDATE));
      await p.r('ms_unmapped', l.msync(0x10000, PG, l.MS_ASYNC));
      await p.r('ms_neg_len', l.msync(m, -PG, l.MS_SYNC));
      await p.r('ma_bad', l.madvise(m, PG, 999));
      await p.r('ma_unaligned', l.madvise(m + 1, PG, l.MADV_NORMAL));
      await p.r('ma_unmapped', l.madvise(0x10000, PG, l.MADV_WILLNEED));
      await p.r('ma_len0_bad', l.madvise(m, 0, 999));
      await p.r('ma_len0', l.madvise(m, 0, l.MADV_NORMAL));
      await p.r('ma_neg_len', l.madvise(m, -PG, l.MADV_NORMAL));
      await p.r('ma_free_file', l.madvise(m, PG, l.MADV_FREE));
      await p.r('ma_normal', l.madvise(m, PG, l.MADV_NORMAL));
      await p.r('ma_random', l.madvise(m, PG, l.MADV_RANDOM));
      await p.r('ma_sequential', l.madvise(m, PG, l.MADV_SEQUENTIAL));
      await p.r('ma_willneed', l.madvise(m, 2 * PG, l.MADV_WILLNEED));
      await l.munmap(m + PG, PG);
      await p.r('ms_hole', l.msync(m, 2 * PG, l.MS_SYNC));
      await p.r('ma_hole', l.madvise(m, 2 * PG, l.MADV_DONTNEED));
    },
  },
  {
    name: 'madvise_dontneed_file_pages', c_globals: HELPERS,
    c: `mk("f", "original"); int fd = open("f", O_RDWR); M("shared", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)); char *s = m_;
        M("private", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0)); char *q = m_; memcpy(s, "SHARED", 6); memcpy(q + 6, "!!", 2); RD("private_copy", 8, q);
        R("dontneed_private", madvise(q, 4096, MADV_DONTNEED)); RD("private_reread", 8, q); R("dontneed_shared", madvise(s, 4096, MADV_DONTNEED)); RD("shared_kept", 8, s);
        M("anon", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)); m_[0] = 7; R("free_anon", madvise(m_, 4096, MADV_FREE)); R("dontneed_anon", madvise(m_, 4096, MADV_DONTNEED)); R("anon_zero", m_[0]);`,
    run: async (p, l) => {
      await mk(l, 'f', 'original');
      const fd = await l.open('f', l.O_RDWR);
      const RW = l.PROT_READ | l.PROT_WRITE;
      const s = await M(p, l, 'shared', l.mmap(0, PG, RW, l.MAP_SHARED, fd, 0));
      const q = await M(p, l, 'private', l.mmap(0, PG, RW, l.MAP_PRIVATE, fd, 0));
      l.poke(s, 'SHARED');
      l.poke(q + 6, '!!');
      await rdm(p, l, 'private_copy', q, 8);
      await p.r('dontneed_private', l.madvise(q, PG, l.MADV_DONTNEED));
      await rdm(p, l, 'private_reread', q, 8);
      await p.r('dontneed_shared', l.madvise(s, PG, l.MADV_DONTNEED));
      await rdm(p, l, 'shared_kept', s, 8);
      const a = await M(p, l, 'anon', l.mmap(0, PG, RW, l.MAP_PRIVATE | l.MAP_ANONYMOUS, -1, 0));
      l.poke_u8(a, 7);
      await p.r('free_anon', l.madvise(a, PG, l.MADV_FREE));
      await p.r('dontneed_anon', l.madvise(a, PG, l.MADV_DONTNEED));
      await p.r('anon_zero', l.peek_u8(a));
    },
  },
  {
    name: 'mmap_outlives_fd_and_fork_shares', c_globals: HELPERS,
    c: `mk("f", "parent"); int fd = open("f", O_RDWR); M("map", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)); char *m = m_; R("close", close(fd));
        pid_t c = fork(); if (c == 0) { memcpy(m, "CHILD!", 6); _exit(0); } R("child", sig_of(c)); RD("seen_by_parent", 6, m); R("munmap", munmap(m, 4096));
        fd = open("f", O_RDONLY); RD("file", read(fd, buf, 64), buf);`,
    run: async (p, l) => {
      await mk(l, 'f', 'parent');
      let fd = await l.open('f', l.O_RDWR);
      const m = await M(p, l, 'map', l.mmap(0, PG, l.PROT_READ | l.PROT_WRITE, l.MAP_SHARED, fd, 0));
      await p.r('close', l.close(fd));
      const c = await l.fork((cl) => { cl.poke(m, 'CHILD!'); return 0; });
      await p.r('child', sig_of(l, c));
      await rdm(p, l, 'seen_by_parent', m, 6);
      await p.r('munmap', l.munmap(m, PG));
      fd = await l.open('f', l.O_RDONLY);
      await p.rd('file', l.read(fd, p.buf, 64));
    },
  },
];

conformance(test, 'fs_mmap', cases);
