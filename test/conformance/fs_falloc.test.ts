/** Conformance: fallocate(2) on tmpfs (modes, seals, errno order), posix_fadvise/readahead, sync_file_range/syncfs/sync. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

const HELPERS = String.raw`
#include <linux/falloc.h>
#ifndef FALLOC_FL_WRITE_ZEROES
#define FALLOC_FL_WRITE_ZEROES 0x80
#endif
static int mkfile(const char *s) { int fd = open("f", O_RDWR|O_CREAT|O_TRUNC, 0644); write(fd, s, strlen(s)); return fd; }
static int pipe_r(void) { int p[2]; pipe(p); return p[0]; }
`;

async function mkfile(l: Libc, s: string): Promise<number> {
  const fd = await l.open('f', l.O_RDWR | l.O_CREAT | l.O_TRUNC, 0o644);
  await l.write(fd, s);
  return fd;
}
async function pipe_r(p: P, l: Libc): Promise<number> { await l.pipe(p.st); return l.peek_i32(p.st); }

const cases: ConfCase[] = [
  {
    name: 'fallocate_allocate', c_globals: HELPERS,
    c: `int fd = mkfile("abc"); R("grow", fallocate(fd, 0, 0, 100)); S("size100", fstat(fd, &st)); RD("zeros_after_data", pread(fd, buf, 8, 0), buf);
        R("inside", fallocate(fd, 0, 10, 20)); S("still100", fstat(fd, &st)); R("keep_past_eof", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 8192)); S("kept", fstat(fd, &st));
        R("grow_offset", fallocate(fd, 0, 5000, 1)); S("size5001", fstat(fd, &st)); R("lseek_end", lseek(fd, 0, SEEK_END)); R("pos_unchanged", lseek(fd, 0, SEEK_CUR));
        int a = open("f", O_WRONLY|O_APPEND); R("append_fd", fallocate(a, 0, 0, 6000)); R("append_keep", fallocate(a, FALLOC_FL_KEEP_SIZE, 0, 7000)); S("size6000", fstat(fd, &st));`,
    run: async (p, l) => {
      const fd = await mkfile(l, 'abc');
      await p.r('grow', l.fallocate(fd, 0, 0, 100));
      await p.s('size100', l.fstat(fd, p.st));
      await p.rd('zeros_after_data', l.pread(fd, p.buf, 8, 0));
      await p.r('inside', l.fallocate(fd, 0, 10, 20));
      await p.s('still100', l.fstat(fd, p.st));
      await p.r('keep_past_eof', l.fallocate(fd, l.FALLOC_FL_KEEP_SIZE, 0, 8192));
      await p.s('kept', l.fstat(fd, p.st));
      await p.r('grow_offset', l.fallocate(fd, 0, 5000, 1));
      await p.s('size5001', l.fstat(fd, p.st));
      await p.r('lseek_end', l.lseek(fd, 0, l.SEEK_END));
      await p.r('pos_unchanged', l.lseek(fd, 0, l.SEEK_CUR));
      const a = await l.open('f', l.O_WRONLY | l.O_APPEND);
      await p.r('append_fd', l.fallocate(a, 0, 0, 6000));
      await p.r('append_keep', l.fallocate(a, l.FALLOC_FL_KEEP_SIZE, 0, 7000));
      await p.s('size6000', l.fstat(fd, p.st));
    },
  },
  {
    name: 'fallocate_punch_hole', c_globals: HELPERS,
    c: `int fd = mkfile("abcdefghij"); R("punch_without_keep", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 2)); R("punch", fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 2, 3));
        RD("read", pread(fd, buf, 10, 0), buf); S("size_kept", fstat(fd, &st)); R("punch_across_eof", fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 8, 100)); RD("read2", pread(fd, buf, 20, 0), buf);
        R("punch_past_eof", fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 100, 100)); S("size_still", fstat(fd, &st));
        ftruncate(fd, 8192); char *m = mmap(0, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0); m[4096] = 'M'; m[4097] = 'N';
        R("punch_mapped", fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 4096, 1)); R("map_sees_hole", m[4096]); R("map_next", m[4097]); RD("file_sees", pread(fd, buf, 2, 4096), buf);`,
    run: async (p, l) => {
      const PK = l.FALLOC_FL_PUNCH_HOLE | l.FALLOC_FL_KEEP_SIZE;
      const fd = await mkfile(l, 'abcdefghij');
      await p.r('punch_without_keep', l.fallocate(fd, l.FALLOC_FL_PUNCH_HOLE, 0, 2));
      await p.r('punch', l.fallocate(fd, PK, 2, 3));
      await p.rd('read', l.pread(fd, p.buf, 10, 0));
      await p.s('size_kept', l.fstat(fd, p.st));
      await p.r('punch_across_eof', l.fallocate(fd, PK, 8, 100));
      await p.rd('read2', l.pread(fd, p.buf, 20, 0));
      await p.r('punch_past_eof', l.fallocate(fd, PK, 100, 100));
      await p.s('size_still', l.fstat(fd, p.st));
      await l.ftruncate(fd, 8192);
      const m = await l.mmap(0, 8192, l.PROT_READ | l.PROT_WRITE, l.MAP_SHARED, fd, 0);
      l.poke_u8(m + 4096, 0x4d);
      l.poke_u8(m + 4097, 0x4e);
      await p.r('punch_mapped', l.fallocate(fd, PK, 4096, 1));
      await p.r('map_sees_hole', l.peek_u8(m + 4096));
      await p.r('map_next', l.peek_u8(m + 4097));
      await p.rd('file_sees', l.pread(fd, p.buf, 2, 4096));
    },
  },
  {
    name: 'fallocate_modes_and_errnos', c_globals: HELPERS,
    c: `int fd = mkfile("x"); R("zero_range", fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 1)); R("collapse", fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096)); R("insert", fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, 4096));
        R("unshare", fallocate(fd, FALLOC_FL_UNSHARE_RANGE, 0, 1)); R("write_zeroes", fallocate(fd, FALLOC_FL_WRITE_ZEROES, 0, 1)); R("no_hide_stale", fallocate(fd, FALLOC_FL_NO_HIDE_STALE, 0, 1));
        R("unknown_bit", fallocate(fd, 0x100, 0, 1)); R("punch_and_zero", fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_ZERO_RANGE|FALLOC_FL_KEEP_SIZE, 0, 1)); R("collapse_keep", fallocate(fd, FALLOC_FL_COLLAPSE_RANGE|FALLOC_FL_KEEP_SIZE, 0, 1));
        R("len0", fallocate(fd, 0, 0, 0)); R("len_neg", fallocate(fd, 0, 0, -1)); R("off_neg", fallocate(fd, 0, -1, 1)); R("ebadf", fallocate(99, 0, 0, 1)); R("ebadf_before_len", fallocate(99, 0, 0, 0));
        int ro = open("f", O_RDONLY); R("rdonly", fallocate(ro, 0, 0, 1)); R("rdonly_len0", fallocate(ro, 0, 0, 0)); R("rdonly_bad_mode", fallocate(ro, FALLOC_FL_COLLAPSE_RANGE|FALLOC_FL_KEEP_SIZE, 0, 1)); R("rdonly_zero_range", fallocate(ro, FALLOC_FL_ZERO_RANGE, 0, 1));
        int pr = pipe_r(); int pw = pr + 1; R("pipe_w", fallocate(pw, 0, 0, 1)); R("pipe_r", fallocate(pr, 0, 0, 1)); int d = open(".", O_RDONLY); R("dir", fallocate(d, 0, 0, 1));
        int op = open("f", O_PATH); R("o_path", fallocate(op, 0, 0, 1)); int n = open("/dev/null", O_RDWR); R("dev_null", fallocate(n, 0, 0, 1)); R("dev_null_zero_range", fallocate(n, FALLOC_FL_ZERO_RANGE, 0, 1));`,
    run: async (p, l) => {
      const fd = await mkfile(l, 'x');
      await p.r('zero_range', l.fallocate(fd, l.FALLOC_FL_ZERO_RANGE, 0, 1));
      await p.r('collapse', l.fallocate(fd, l.FALLOC_FL_COLLAPSE_RANGE, 0, 4096));
      await p.r('insert', l.fallocate(fd, l.FALLOC_FL_INSERT_RANGE, 0, 4096));
      await p.r('unshare', l.fallocate(fd, l.FALLOC_FL_UNSHARE_RANGE, 0, 1));
      await p.r('write_zeroes', l.fallocate(fd, l.FALLOC_FL_WRITE_ZEROES, 0, 1));
      await p.r('no_hide_stale', l.fallocate(fd, l.FALLOC_FL_NO_HIDE_STALE, 0, 1));
      await p.r('unknown_bit', l.fallocate(fd, 0x100, 0, 1));
      await p.r('punch_and_zero', l.fallocate(fd, l.FALLOC_FL_PUNCH_HOLE | l.FALLOC_FL_ZERO_RANGE | l.FALLOC_FL_KEEP_SIZE, 0, 1));
      await p.r('collapse_keep', l.fallocate(fd, l.FALLOC_FL_COLLAPSE_RANGE | l.FALLOC_FL_KEEP_SIZE, 0, 1));
      await p.r('len0', l.fallocate(fd, 0, 0, 0));
      await p.r('len_neg', l.fallocate(fd, 0, 0, -1));
      await p.r('off_neg', l.fallocate(fd, 0, -1, 1));
      await p.r('ebadf', l.fallocate(99, 0, 0, 1));
      await p.r('ebadf_before_len', l.fallocate(99, 0, 0, 0));
      const ro = await l.open('f', l.O_RDONLY);
      await p.r('rdonly', l.fallocate(ro, 0, 0, 1));
      await p.r('rdonly_len0', l.fallocate(ro, 0, 0, 0));
      await p.r('rdonly_bad_mode', l.fallocate(ro, l.FALLOC_FL_COLLAPSE_RANGE | l.FALLOC_FL_KEEP_SIZE, 0, 1));
      await p.r('rdonly_zero_range', l.fallocate(ro, l.FALLOC_FL_ZERO_RANGE, 0, 1));
      const pr = await pipe_r(p, l);
      await p.r('pipe_w', l.fallocate(pr + 1, 0, 0, 1));
      await p.r('pipe_r', l.fallocate(pr, 0, 0, 1));
      const d = await l.open('.', l.O_RDONLY);
      await p.r('dir', l.fallocate(d, 0, 0, 1));
      const op = await l.open('f', l.O_PATH);
      await p.r('o_path', l.fallocate(op, 0, 0, 1));
      const n = await l.open('/dev/null', l.O_RDWR);
      await p.r('dev_null', l.fallocate(n, 0, 0, 1));
      await p.r('dev_null_zero_range', l.fallocate(n, l.FALLOC_FL_ZERO_RANGE, 0, 1));
    },
  },
  {
    name: 'fallocate_seals', c_globals: HELPERS,
    c: `int fd = memfd_create("m", MFD_ALLOW_SEALING); ftruncate(fd, 100); fcntl(fd, F_ADD_SEALS, F_SEAL_GROW); R("grow_sealed", fallocate(fd, 0, 0, 101)); R("keep_past_eof_sealed", fallocate(fd, FALLOC_FL_KEEP_SIZE, 90, 20));
        R("inside_ok", fallocate(fd, 0, 0, 100)); R("punch_ok", fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 0, 10)); fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE);
        R("punch_write_sealed", fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 0, 10)); R("alloc_inside_write_sealed", fallocate(fd, 0, 0, 50)); S("size", fstat(fd, &st));
        int s = memfd_create("s", MFD_ALLOW_SEALING); fcntl(s, F_ADD_SEALS, F_SEAL_SHRINK); R("grow_shrink_sealed", fallocate(s, 0, 0, 10)); R("punch_shrink_sealed", fallocate(s, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 0, 10));`,
    run: async (p, l) => {
      const PK = l.FALLOC_FL_PUNCH_HOLE | l.FALLOC_FL_KEEP_SIZE;
      const fd = await l.memfd_create('m', l.MFD_ALLOW_SEALING);
      await l.ftruncate(fd, 100);
      await l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_GROW);
      await p.r('grow_sealed', l.fallocate(fd, 0, 0, 101));
      await p.r('keep_past_eof_sealed', l.fallocate(fd, l.FALLOC_FL_KEEP_SIZE, 90, 20));
      await p.r('inside_ok', l.fallocate(fd, 0, 0, 100));
      await p.r('punch_ok', l.fallocate(fd, PK, 0, 10));
      await l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_WRITE);
      await p.r('punch_write_sealed', l.fallocate(fd, PK, 0, 10));
      await p.r('alloc_inside_write_sealed', l.fallocate(fd, 0, 0, 50));
      await p.s('size', l.fstat(fd, p.st));
      const s = await l.memfd_create('s', l.MFD_ALLOW_SEALING);
      await l.fcntl(s, l.F_ADD_SEALS, l.F_SEAL_SHRINK);
      await p.r('grow_shrink_sealed', l.fallocate(s, 0, 0, 10));
      await p.r('punch_shrink_sealed', l.fallocate(s, PK, 0, 10));
    },
  },
  {
    name: 'fadvise_and_readahead', c_globals: HELPERS,
    c: `int fd = mkfile("data"); for (int a = 0; a <= 7; a++) { char l[16]; sprintf(l, "advice%d", a); R(l, syscall(SYS_fadvise64, fd, 0, 0, a)); } R("posix_fadvise_ret", posix_fadvise(fd, 0, 0, 99));
        R("neg_len", syscall(SYS_fadvise64, fd, 0, -1, 0)); R("neg_off", syscall(SYS_fadvise64, fd, -1, 10, 0)); R("ebadf", syscall(SYS_fadvise64, 99, 0, 0, 0)); R("ebadf_bad_advice", syscall(SYS_fadvise64, 99, 0, 0, 99));
        int pr = pipe_r(); R("pipe", syscall(SYS_fadvise64, pr, 0, 0, 0)); R("pipe_bad_advice", syscall(SYS_fadvise64, pr, 0, 0, 99)); int d = open(".", O_RDONLY); R("dir", syscall(SYS_fadvise64, d, 0, 0, 3));
        int op = open("f", O_PATH); R("o_path", syscall(SYS_fadvise64, op, 0, 0, 0)); int w = open("f", O_WRONLY); R("wronly", syscall(SYS_fadvise64, w, 0, 0, 4)); int n = open("/dev/null", O_RDONLY); R("dev_null", syscall(SYS_fadvise64, n, 0, 0, 1));
        R("ra", readahead(fd, 0, 4096)); R("ra_neg_off", readahead(fd, -1, 1)); R("ra_past_eof", readahead(fd, 1 << 20, 1)); R("ra_ebadf", readahead(99, 0, 1)); R("ra_wronly", readahead(w, 0, 1)); R("ra_pipe", readahead(pr, 0, 1));
        R("ra_dir", readahead(d, 0, 1)); R("ra_o_path", readahead(op, 0, 1)); R("ra_dev_null", readahead(n, 0, 1));`,
    run: async (p, l) => {
      const fad = (fd: number, off: number, len: number, a: number): number | Promise<number> => l.syscall(l.SYS.fadvise64, fd, off, len, a);
      const fd = await mkfile(l, 'data');
      for (let a = 0; a <= 7; a++) await p.r(`advice${a}`, fad(fd, 0, 0, a));
      await p.r('posix_fadvise_ret', l.posix_fadvise(fd, 0, 0, 99));
      await p.r('neg_len', fad(fd, 0, -1, 0));
      await p.r('neg_off', fad(fd, -1, 10, 0));
      await p.r('ebadf', fad(99, 0, 0, 0));
      await p.r('ebadf_bad_advice', fad(99, 0, 0, 99));
      const pr = await pipe_r(p, l);
      await p.r('pipe', fad(pr, 0, 0, 0));
      await p.r('pipe_bad_advice', fad(pr, 0, 0, 99));
      const d = await l.open('.', l.O_RDONLY);
      await p.r('dir', fad(d, 0, 0, 3));
      const op = await l.open('f', l.O_PATH);
      await p.r('o_path', fad(op, 0, 0, 0));
      const w = await l.open('f', l.O_WRONLY);
      await p.r('wronly', fad(w, 0, 0, 4));
      const n = await l.open('/dev/null', l.O_RDONLY);
      await p.r('dev_null', fad(n, 0, 0, 1));
      await p.r('ra', l.readahead(fd, 0, 4096));
      await p.r('ra_neg_off', l.readahead(fd, -1, 1));
      await p.r('ra_past_eof', l.readahead(fd, 1 << 20, 1));
      await p.r('ra_ebadf', l.readahead(99, 0, 1));
      await p.r('ra_wronly', l.readahead(w, 0, 1));
      await p.r('ra_pipe', l.readahead(pr, 0, 1));
      await p.r('ra_dir', l.readahead(d, 0, 1));
      await p.r('ra_o_path', l.readahead(op, 0, 1));
      await p.r('ra_dev_null', l.readahead(n, 0, 1));
    },
  },
  {
    name: 'sync_file_range_syncfs', c_globals: HELPERS,
    c: `int fd = mkfile("data"); for (int f = 0; f <= 8; f++) { char l[16]; sprintf(l, "flags%d", f); R(l, sync_file_range(fd, 0, 0, f)); } R("neg_off", sync_file_range(fd, -1, 0, 0)); R("neg_len", sync_file_range(fd, 0, -1, 0));
        R("range", sync_file_range(fd, 4096, 4096, SYNC_FILE_RANGE_WRITE)); R("ebadf_before_bad_flags", sync_file_range(99, 0, 0, 8)); R("ebadf_before_neg", sync_file_range(99, -1, 0, 0)); R("ebadf", sync_file_range(99, 0, 0, 0));
        int ro = open("f", O_RDONLY); R("rdonly", sync_file_range(ro, 0, 0, 7)); int pr = pipe_r(); R("pipe", sync_file_range(pr, 0, 0, 0)); int d = open(".", O_RDONLY); R("dir", sync_file_range(d, 0, 0, 0));
        int op = open("f", O_PATH); R("o_path", sync_file_range(op, 0, 0, 0)); int n = open("/dev/null", O_RDONLY); R("dev_null", sync_file_range(n, 0, 0, 0));
        R("syncfs", syncfs(fd)); R("syncfs_pipe", syncfs(pr)); R("syncfs_dir", syncfs(d)); R("syncfs_ebadf", syncfs(99)); R("syncfs_o_path", syncfs(op)); sync(); OUT("sync returned");`,
    run: async (p, l) => {
      const fd = await mkfile(l, 'data');
      for (let f = 0; f <= 8; f++) await p.r(`flags${f}`, l.sync_file_range(fd, 0, 0, f));
      await p.r('neg_off', l.sync_file_range(fd, -1, 0, 0));
      await p.r('neg_len', l.sync_file_range(fd, 0, -1, 0));
      await p.r('range', l.sync_file_range(fd, 4096, 4096, l.SYNC_FILE_RANGE_WRITE));
      await p.r("ebadf_before_bad_flags", l.sync_file_range(99, 0, 0, 8));
      await p.r("ebadf_before_neg", l.sync_file_range(99, -1, 0, 0));
      await p.r('ebadf', l.sync_file_range(99, 0, 0, 0));
      const ro = await l.open('f', l.O_RDONLY);
      await p.r('rdonly', l.sync_file_range(ro, 0, 0, 7));
      const pr = await pipe_r(p, l);
      await p.r('pipe', l.sync_file_range(pr, 0, 0, 0));
      const d = await l.open('.', l.O_RDONLY);
      await p.r('dir', l.sync_file_range(d, 0, 0, 0));
      const op = await l.open('f', l.O_PATH);
      await p.r('o_path', l.sync_file_range(op, 0, 0, 0));
      const n = await l.open('/dev/null', l.O_RDONLY);
      await p.r('dev_null', l.sync_file_range(n, 0, 0, 0));
      await p.r('syncfs', l.syncfs(fd));
      await p.r('syncfs_pipe', l.syncfs(pr));
      await p.r('syncfs_dir', l.syncfs(d));
      await p.r('syncfs_ebadf', l.syncfs(99));
      await p.r('syncfs_o_path', l.syncfs(op));
      await l.sync();
      p.out('sync returned');
    },
  },
];

conformance(test, 'fs_falloc', cases);
