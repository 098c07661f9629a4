/** Conformance: read/write paths — positions, holes, vectored I/O, truncation, sendfile, devices, ioctl. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';
import type { Libc } from '../../libc/index.ts';

/** Creates file `name` with content (both sides do the same with their own calls). */
async function mk(l: Libc, name: string, content: string, mode = 0o644): Promise<void> {
  const fd = await l.open(name, l.O_CREAT | l.O_WRONLY | l.O_TRUNC, mode);
  if (content) await l.write(fd, content);
  await l.close(fd);
}
const MK = String.raw`static void mk(const char *n, const char *c) { int fd = open(n, O_CREAT|O_WRONLY|O_TRUNC, 0644); write(fd, c, strlen(c)); close(fd); }`;

const cases: ConfCase[] = [
  {
    name: 'rw_basic_positions', c_globals: MK,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("w1", write(fd, "hello world", 11)); R("pos", lseek(fd, 0, SEEK_CUR)); R("eof_read", read(fd, buf, 10));
        R("seek", lseek(fd, 6, SEEK_SET)); RD("r", read(fd, buf, 3), buf); RD("r2", read(fd, buf, 100), buf); R("zero_count", read(fd, buf, 0));`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await p.r('w1', l.write(fd, 'hello world'));
      await p.r('pos', l.lseek(fd, 0, l.SEEK_CUR));
      await p.r('eof_read', l.read(fd, p.buf, 10));
      await p.r('seek', l.lseek(fd, 6, l.SEEK_SET));
      await p.rd('r', l.read(fd, p.buf, 3));
      await p.rd('r2', l.read(fd, p.buf, 100));
      await p.r('zero_count', l.read(fd, p.buf, 0));
    },
  },
  {
    name: 'rw_holes_read_zero',
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("seek", lseek(fd, 10, SEEK_SET)); R("w", write(fd, "X", 1)); S("st", fstat(fd, &st));
        RD("pread", pread(fd, buf, 20, 0), buf); R("ftrunc_grow", ftruncate(fd, 16)); RD("tail", pread(fd, buf, 20, 8), buf);
        R("ftrunc_shrink", ftruncate(fd, 4)); R("ftrunc_grow2", ftruncate(fd, 12)); RD("regrown", pread(fd, buf, 20, 0), buf);`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await p.r('seek', l.lseek(fd, 10, l.SEEK_SET));
      await p.r('w', l.write(fd, 'X'));
      await p.s('st', l.fstat(fd, p.st));
      await p.rd('pread', l.pread(fd, p.buf, 20, 0));
      await p.r('ftrunc_grow', l.ftruncate(fd, 16));
      await p.rd('tail', l.pread(fd, p.buf, 20, 8));
      await p.r('ftrunc_shrink', l.ftruncate(fd, 4));
      await p.r('ftrunc_grow2', l.ftruncate(fd, 12));
      await p.rd('regrown', l.pread(fd, p.buf, 20, 0));
    },
  },
  {
    name: 'rw_pread_pwrite', c_globals: MK,
    c: `mk("f", "0123456789"); int fd = open("f", O_RDWR); R("pw", pwrite(fd, "AB", 2, 4)); R("pos", lseek(fd, 0, SEEK_CUR)); RD("pr", pread(fd, buf, 4, 3), buf);
        R("pr_neg", pread(fd, buf, 1, -1)); R("pw_neg", pwrite(fd, "x", 1, -5)); R("pr_past", pread(fd, buf, 5, 100)); R("pos2", lseek(fd, 0, SEEK_CUR));`,
    run: async (p, l) => {
      await mk(l, 'f', '0123456789');
      const fd = await l.open('f', l.O_RDWR);
      await p.r('pw', l.pwrite(fd, 'AB', 2, 4));
      await p.r('pos', l.lseek(fd, 0, l.SEEK_CUR));
      await p.rd('pr', l.pread(fd, p.buf, 4, 3));
      await p.r('pr_neg', l.pread(fd, p.buf, 1, -1));
      await p.r('pw_neg', l.pwrite(fd, 'x', 1, -5));
      await p.r('pr_past', l.pread(fd, p.buf, 5, 100));
      await p.r('pos2', l.lseek(fd, 0, l.SEEK_CUR));
    },
  },
  {
    name: 'rw_pwrite_append_quirk', c_globals: MK,
    c: `mk("f", "abc"); int fd = open("f", O_WRONLY|O_APPEND); R("pw", pwrite(fd, "Z", 1, 0)); close(fd); fd = open("f", O_RDONLY); RD("r", read(fd, buf, 10), buf);`,
    run: async (p, l) => {
      await mk(l, 'f', 'abc');
      let fd = await l.open('f', l.O_WRONLY | l.O_APPEND);
      await p.r('pw', l.pwrite(fd, 'Z', 1, 0));
      await l.close(fd);
      fd = await l.open('f', l.O_RDONLY);
      await p.rd('r', l.read(fd, p.buf, 10));
    },
  },
  {
    name: 'rw_readv_writev',
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); struct iovec v[3] = {{"ab", 2}, {"", 0}, {"cde", 3}}; R("writev", writev(fd, v, 3));
        lseek(fd, 0, SEEK_SET); char a[2], b[10]; struct iovec r[2] = {{a, 2}, {b, 10}}; R("readv", readv(fd, r, 2)); RD("a", 2, a); RD("b", 3, b);
        R("bad_cnt", readv(fd, r, -1)); R("big_cnt", readv(fd, r, 1025)); R("zero_cnt", readv(fd, r, 0)); struct iovec bad[1] = {{(void *)8, 4}}; lseek(fd, 0, SEEK_SET);
        R("efault", readv(fd, bad, 1)); R("preadv", preadv(fd, r, 2, 1)); RD("pa", 2, a); R("pwritev", pwritev(fd, v, 1, 4)); R("pos", lseek(fd, 0, SEEK_CUR));`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      const s = l.malloc(64);
      l.poke(s, 'abcde');
      const v = l.iovec(l.malloc(48), [[s, 2], [s, 0], [s + 2, 3]]);
      await p.r('writev', l.writev(fd, v, 3));
      await l.lseek(fd, 0, l.SEEK_SET);
      const a = l.malloc(2), b = l.malloc(10);
      const r = l.iovec(l.malloc(32), [[a, 2], [b, 10]]);
      await p.r('readv', l.readv(fd, r, 2));
      await p.rd('a', 2, a);
      await p.rd('b', 3, b);
      await p.r('bad_cnt', l.readv(fd, r, -1));
      await p.r('big_cnt', l.readv(fd, r, 1025));
      await p.r('zero_cnt', l.readv(fd, r, 0));
      const bad = l.iovec(l.malloc(16), [[8, 4]]);
      await l.lseek(fd, 0, l.SEEK_SET);
      await p.r('efault', l.readv(fd, bad, 1));
      await p.r('preadv', l.preadv(fd, r, 2, 1));
      await p.rd('pa', 2, a);
      await p.r('pwritev', l.pwritev(fd, v, 1, 4));
      await p.r('pos', l.lseek(fd, 0, l.SEEK_CUR));
    },
  },
  {
    name: 'rw_lseek_whence', c_globals: MK,
    c: `mk("f", "0123456789"); int fd = open("f", O_RDONLY); R("end", lseek(fd, -3, SEEK_END)); R("cur", lseek(fd, 2, SEEK_CUR)); R("neg", lseek(fd, -100, SEEK_SET));
        R("bad_whence", lseek(fd, 0, 7)); R("past_end", lseek(fd, 100, SEEK_SET)); R("data", lseek(fd, 3, SEEK_DATA)); R("hole", lseek(fd, 3, SEEK_HOLE)); R("data_past", lseek(fd, 10, SEEK_DATA));
        R("badfd", lseek(99, 0, SEEK_SET));`,
    run: async (p, l) => {
      await mk(l, 'f', '0123456789');
      const fd = await l.open('f', l.O_RDONLY);
      await p.r('end', l.lseek(fd, -3, l.SEEK_END));
      await p.r('cur', l.lseek(fd, 2, l.SEEK_CUR));
      await p.r('neg', l.lseek(fd, -100, l.SEEK_SET));
      await p.r('bad_whence', l.lseek(fd, 0, 7));
      await p.r('past_end', l.lseek(fd, 100, l.SEEK_SET));
      await p.r('data', l.lseek(fd, 3, l.SEEK_DATA));
      await p.r('hole', l.lseek(fd, 3, l.SEEK_HOLE));
      await p.r('data_past', l.lseek(fd, 10, l.SEEK_DATA));
      await p.r('badfd', l.lseek(99, 0, l.SEEK_SET));
    },
  },
  {
    name: 'rw_unlinked_stays_readable', c_globals: MK,
    c: `mk("f", "still here"); int fd = open("f", O_RDONLY); R("unlink", unlink("f")); S("fstat", fstat(fd, &st)); RD("read", read(fd, buf, 100), buf); R("open_again", open("f", O_RDONLY));`,
    run: async (p, l) => {
      await mk(l, 'f', 'still here');
      const fd = await l.open('f', l.O_RDONLY);
      await p.r('unlink', l.unlink('f'));
      await p.s('fstat', l.fstat(fd, p.st));
      await p.rd('read', l.read(fd, p.buf, 100));
      await p.r('open_again', l.open('f', l.O_RDONLY));
    },
  },
  {
    name: 'rw_dir_and_badfd',
    c: `mkdir("d", 0755); int fd = open("d", O_RDONLY); R("read_dir", read(fd, buf, 10)); R("write_dir", write(fd, "x", 1)); R("pread_dir", pread(fd, buf, 1, 0));
        R("read_badfd", read(77, buf, 1)); R("write_neg_fd", write(-1, "x", 1)); R("read_efault", read(fd, (void *)8, 1));`,
    run: async (p, l) => {
      await l.mkdir('d', 0o755);
      const fd = await l.open('d', l.O_RDONLY);
      await p.r('read_dir', l.read(fd, p.buf, 10));
      await p.r('write_dir', l.write(fd, 'x'));
      await p.r('pread_dir', l.pread(fd, p.buf, 1, 0));
      await p.r('read_badfd', l.read(77, p.buf, 1));
      await p.r('write_neg_fd', l.write(-1, 'x'));
      await p.r('read_efault', l.read(fd, 8, 1));
    },
  },
  {
    name: 'rw_efault_file', c_globals: MK,
    c: `mk("f", "abc"); int fd = open("f", O_RDWR); R("read_null", read(fd, NULL, 3)); R("write_null", write(fd, NULL, 3)); R("read_kernel", read(fd, (void *)0xffffffff81000000UL, 3)); R("write_zero_null", write(fd, NULL, 0));`,
    run: async (p, l) => {
      await mk(l, 'f', 'abc');
      const fd = await l.open('f', l.O_RDWR);
      await p.r('read_null', l.read(fd, 0, 3));
      await p.r('write_null', l.write(fd, 0, 3));
      await p.r('read_kernel', l.read(fd, -0x7f000000, 3));
      await p.r('write_zero_null', l.write(fd, 0, 0));
    },
  },
  {
    name: 'truncate_cases', c_globals: MK,
    c: `mk("f", "0123456789"); mkdir("d", 0755); R("t5", truncate("f", 5)); S("st", stat("f", &st)); R("t_dir", truncate("d", 0)); R("t_missing", truncate("nope", 0));
        R("t_neg", truncate("f", -1)); int ro = open("f", O_RDONLY); R("ft_rdonly", ftruncate(ro, 0)); int ap = open("f", O_WRONLY|O_APPEND); R("ft_append", ftruncate(ap, 1));
        R("ft_dir", ftruncate(open("d", O_RDONLY), 0)); R("ft_badfd", ftruncate(99, 0)); chmod("f", 0444); setuid(1000); R("t_noperm", truncate("f", 1));`,
    run: async (p, l) => {
      await mk(l, 'f', '0123456789');
      await l.mkdir('d', 0o755);
      await p.r('t5', l.truncate('f', 5));
      await p.s('st', l.stat('f', p.st));
      await p.r('t_dir', l.truncate('d', 0));
      await p.r('t_missing', l.truncate('nope', 0));
      await p.r('t_neg', l.truncate('f', -1));
      const ro = await l.open('f', l.O_RDONLY);
      await p.r('ft_rdonly', l.ftruncate(ro, 0));
      const ap = await l.open('f', l.O_WRONLY | l.O_APPEND);
      await p.r('ft_append', l.ftruncate(ap, 1));
      await p.r('ft_dir', l.ftruncate(await l.open('d', l.O_RDONLY), 0));
      await p.r('ft_badfd', l.ftruncate(99, 0));
      await l.chmod('f', 0o444);
      await l.setuid(1000);
      await p.r('t_noperm', l.truncate('f', 1));
    },
  },
  {
    name: 'sendfile_files', c_globals: MK,
    c: `mk("in", "0123456789"); int in = open("in", O_RDONLY); int out = open("out", O_CREAT|O_RDWR, 0644); off_t off = 2;
        R("sf_off", sendfile(out, in, &off, 5)); R("off_after", off); R("in_pos", lseek(in, 0, SEEK_CUR)); R("sf_pos", sendfile(out, in, NULL, 100)); R("in_pos2", lseek(in, 0, SEEK_CUR));
        RD("out", pread(out, buf, 100, 0), buf); int ap = open("out", O_WRONLY|O_APPEND); R("sf_append", sendfile(ap, in, NULL, 1)); R("sf_badin", sendfile(out, 99, NULL, 1));
        R("sf_wronly_in", sendfile(out, ap, NULL, 1)); R("sf_rdonly_out", sendfile(in, in, NULL, 1));`,
    run: async (p, l) => {
      await mk(l, 'in', '0123456789');
      const inf = await l.open('in', l.O_RDONLY);
      const out = await l.open('out', l.O_CREAT | l.O_RDWR, 0o644);
      const off = l.malloc(8);
      l.poke_u64(off, 2);
      await p.r('sf_off', l.sendfile(out, inf, off, 5));
      await p.r('off_after', l.peek_u64(off));
      await p.r('in_pos', l.lseek(inf, 0, l.SEEK_CUR));
      await p.r('sf_pos', l.sendfile(out, inf, 0, 100));
      await p.r('in_pos2', l.lseek(inf, 0, l.SEEK_CUR));
      await p.rd('out', l.pread(out, p.buf, 100, 0));
      const ap = await l.open('out', l.O_WRONLY | l.O_APPEND);
      await p.r('sf_append', l.sendfile(ap, inf, 0, 1));
      await p.r('sf_badin', l.sendfile(out, 99, 0, 1));
      await p.r('sf_wronly_in', l.sendfile(out, ap, 0, 1));
      await p.r('sf_rdonly_out', l.sendfile(inf, inf, 0, 1));
    },
  },
  {
    name: 'fsync_fdatasync', c_globals: MK,
    c: `mk("f", "x"); int fd = open("f", O_RDONLY); int p[2]; pipe(p); R("fsync", fsync(fd)); R("fdatasync", fdatasync(fd)); R("fsync_dir", fsync(open(".", O_RDONLY)));
        R("fsync_pipe", fsync(p[0])); R("fsync_badfd", fsync(99)); R("fsync_null", fsync(open("/dev/null", O_WRONLY)));`,
    run: async (p, l) => {
      await mk(l, 'f', 'x');
      const fd = await l.open('f', l.O_RDONLY);
      await l.pipe(p.st);
      const p0 = l.peek_i32(p.st);
      await p.r('fsync', l.fsync(fd));
      await p.r('fdatasync', l.fdatasync(fd));
      await p.r('fsync_dir', l.fsync(await l.open('.', l.O_RDONLY)));
      await p.r('fsync_pipe', l.fsync(p0));
      await p.r('fsync_badfd', l.fsync(99));
      await p.r('fsync_null', l.fsync(await l.open('/dev/null', l.O_WRONLY)));
    },
  },
  {
    name: 'dev_null_zero_full',
    c: `int n = open("/dev/null", O_RDWR), z = open("/dev/zero", O_RDWR), f = open("/dev/full", O_RDWR); R("null_w", write(n, "abc", 3)); R("null_r", read(n, buf, 10));
        memset(buf, 'x', 8); RD("zero_r", read(z, buf, 5), buf); R("zero_w", write(z, "abc", 3)); R("full_w", write(f, "abc", 3)); RD("full_r", read(f, buf, 2), buf);
        R("null_seek", lseek(n, 100, SEEK_SET)); S("st_null", stat("/dev/null", &st)); R("rand", read(open("/dev/urandom", O_RDONLY), buf, 64));`,
    run: async (p, l) => {
      const n = await l.open('/dev/null', l.O_RDWR), z = await l.open('/dev/zero', l.O_RDWR), f = await l.open('/dev/full', l.O_RDWR);
      await p.r('null_w', l.write(n, 'abc'));
      await p.r('null_r', l.read(n, p.buf, 10));
      l.poke(p.buf, 'xxxxxxxx');
      await p.rd('zero_r', l.read(z, p.buf, 5));
      await p.r('zero_w', l.write(z, 'abc'));
      await p.r('full_w', l.write(f, 'abc'));
      await p.rd('full_r', l.read(f, p.buf, 2));
      await p.r('null_seek', l.lseek(n, 100, l.SEEK_SET));
      await p.s('st_null', l.stat('/dev/null', p.st));
      await p.r('rand', l.read(await l.open('/dev/urandom', l.O_RDONLY), p.buf, 64));
    },
  },
  {
    name: 'ioctl_on_files', c_globals: MK,
    c: `mk("f", "0123456789"); int fd = open("f", O_RDONLY); int n = -1; lseek(fd, 3, SEEK_SET); R("fionread", ioctl(fd, FIONREAD, &n)); R("n", n);
        struct termios tio; R("tcgets", ioctl(fd, TCGETS, &tio)); int on = 1; R("fionbio", ioctl(fd, FIONBIO, &on)); R("getfl_nb", fcntl(fd, F_GETFL) & O_NONBLOCK);
        R("fioclex", ioctl(fd, FIOCLEX)); R("getfd", fcntl(fd, F_GETFD)); R("badfd", ioctl(99, FIONREAD, &n)); R("dir_fionread", ioctl(open(".", O_RDONLY), FIONREAD, &n));
        R("unknown", ioctl(fd, 0x1234, 0));`,
    run: async (p, l) => {
      await mk(l, 'f', '0123456789');
      const fd = await l.open('f', l.O_RDONLY);
      const n = l.malloc(4);
      l.poke_u32(n, 0xffffffff);
      await l.lseek(fd, 3, l.SEEK_SET);
      await p.r('fionread', l.ioctl(fd, 0x541b, n));
      await p.r('n', l.peek_i32(n));
      await p.r('tcgets', l.ioctl(fd, 0x5401, p.buf));
      l.poke_u32(n, 1);
      await p.r('fionbio', l.ioctl(fd, 0x5421, n));
      await p.r('getfl_nb', await l.fcntl(fd, l.F_GETFL) & l.O_NONBLOCK);
      await p.r('fioclex', l.ioctl(fd, 0x5451));
      await p.r('getfd', l.fcntl(fd, l.F_GETFD));
      await p.r('badfd', l.ioctl(99, 0x541b, n));
      await p.r('dir_fionread', l.ioctl(await l.open('.', l.O_RDONLY), 0x541b, n));
      await p.r('unknown', l.ioctl(fd, 0x1234, 0));
    },
  },
];

conformance(test, 'fs_rw', cases);
