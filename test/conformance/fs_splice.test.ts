/** Conformance: splice(2), tee(2), vmsplice(2) and copy_file_range(2) — files ↔ pipes, offsets, blocking rules, errno order. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase } from './harness.ts';

const HELPERS = String.raw`
static int mkf(const char *n, const char *s) { int fd = open(n, O_RDWR|O_CREAT|O_TRUNC, 0644); write(fd, s, strlen(s)); lseek(fd, 0, SEEK_SET); return fd; }
static int pr_, pw_; static void mkpipe(int flags) { int p[2]; pipe2(p, flags); pr_ = p[0]; pw_ = p[1]; }
static loff_t off_;
static loff_t *at(long v) { off_ = v; return &off_; }
`;

async function mkf(l: Libc, n: string, s: string): Promise<number> {
  const fd = await l.open(n, l.O_RDWR | l.O_CREAT | l.O_TRUNC, 0o644);
  await l.write(fd, s);
  await l.lseek(fd, 0, l.SEEK_SET);
  return fd;
}
/** A pipe: [read end, write end]. */
async function mkpipe(l: Libc, flags = 0): Promise<[number, number]> { const b = l.malloc(8); await l.pipe2(b, flags); return [l.peek_i32(b), l.peek_i32(b + 4)]; }
/** A loff_t holding v (the C side's at(v)). */
function at(l: Libc, v: number): number { const b = l.malloc(8); l.poke_u64(b, v); return b; }
const NB = 2; // SPLICE_F_NONBLOCK

const cases: ConfCase[] = [
  {
    name: 'splice_file_to_pipe', c_globals: HELPERS,
    c: `int fd = mkf("f", "hello world"); mkpipe(0); R("splice", splice(fd, 0, pw_, 0, 5, 0)); R("file_pos", lseek(fd, 0, SEEK_CUR)); RD("pipe_got", read(pr_, buf, sizeof buf), buf);
        loff_t *o = at(6); R("with_offset", splice(fd, o, pw_, 0, 100, 0)); R("offset_now", off_); R("file_pos_kept", lseek(fd, 0, SEEK_CUR)); RD("pipe_got2", read(pr_, buf, sizeof buf), buf);
        R("at_eof", splice(fd, at(11), pw_, 0, 5, 0)); R("past_eof", splice(fd, at(100), pw_, 0, 5, 0)); R("len0", splice(fd, 0, pw_, 0, 0, 0)); R("neg_offset", splice(fd, at(-1), pw_, 0, 5, 0));
        R("efault_offset", splice(fd, (loff_t *)8, pw_, 0, 5, 0)); int z = open("/dev/zero", O_RDONLY); R("dev_zero", splice(z, 0, pw_, 0, 3, 0)); RD("zeros", read(pr_, buf, sizeof buf), buf);
        R("flags_hints", splice(fd, at(0), pw_, 0, 2, SPLICE_F_MOVE|SPLICE_F_MORE|SPLICE_F_GIFT)); RD("got", read(pr_, buf, sizeof buf), buf);`,
    run: async (p, l) => {
      const fd = await mkf(l, 'f', 'hello world');
      const [r, w] = await mkpipe(l);
      await p.r('splice', l.splice(fd, 0, w, 0, 5, 0));
      await p.r('file_pos', l.lseek(fd, 0, l.SEEK_CUR));
      await p.rd('pipe_got', l.read(r, p.buf, 4096));
      const o = at(l, 6);
      await p.r('with_offset', l.splice(fd, o, w, 0, 100, 0));
      await p.r('offset_now', l.peek_u64(o));
      await p.r('file_pos_kept', l.lseek(fd, 0, l.SEEK_CUR));
      await p.rd('pipe_got2', l.read(r, p.buf, 4096));
      await p.r('at_eof', l.splice(fd, at(l, 11), w, 0, 5, 0));
      await p.r('past_eof', l.splice(fd, at(l, 100), w, 0, 5, 0));
      await p.r('len0', l.splice(fd, 0, w, 0, 0, 0));
      await p.r('neg_offset', l.splice(fd, at(l, -1), w, 0, 5, 0));
      await p.r('efault_offset', l.splice(fd, 8, w, 0, 5, 0));
      const z = await l.open('/dev/zero', l.O_RDONLY);
      await p.r('dev_zero', l.splice(z, 0, w, 0, 3, 0));
      await p.rd('zeros', l.read(r, p.buf, 4096));
      await p.r('flags_hints', l.splice(fd, at(l, 0), w, 0, 2, 1 | 4 | 8));
      await p.rd('got', l.read(r, p.buf, 4096));
    },
  },
  {
    name: 'splice_pipe_to_file', c_globals: HELPERS,
    c: `int fd = mkf("f", ""); mkpipe(0); write(pw_, "abcdefgh", 8); R("splice", splice(pr_, 0, fd, 0, 3, 0)); R("file_pos", lseek(fd, 0, SEEK_CUR)); R("with_offset", splice(pr_, 0, fd, at(10), 2, 0)); R("offset_now", off_);
        S("size", fstat(fd, &st)); RD("content", pread(fd, buf, sizeof buf, 0), buf); RD("pipe_left", read(pr_, buf, sizeof buf), buf); R("empty_nonblock", splice(pr_, 0, fd, 0, 5, SPLICE_F_NONBLOCK));
        int a = open("f", O_WRONLY|O_APPEND); R("append_out", splice(pr_, 0, a, 0, 1, 0)); write(pw_, "zz", 2); int n = open("/dev/null", O_WRONLY); R("to_dev_null", splice(pr_, 0, n, 0, 100, 0)); close(pw_); R("eof_no_writer", splice(pr_, 0, fd, 0, 5, 0));
        mkpipe(O_NONBLOCK); R("o_nonblock_pipe", splice(pr_, 0, fd, 0, 5, 0)); mkpipe(0); int ro = open("f", O_RDONLY); R("out_rdonly", splice(pr_, 0, ro, 0, 5, 0)); R("pipe_out_offset", splice(fd, 0, pw_, at(0), 5, 0));
        R("pipe_in_offset", splice(pr_, at(0), fd, 0, 5, 0)); R("offset_before_mode", splice(pr_, at(0), ro, 0, 5, 0));`,
    run: async (p, l) => {
      const fd = await mkf(l, 'f', '');
      let [r, w] = await mkpipe(l);
      await l.write(w, 'abcdefgh');
      await p.r('splice', l.splice(r, 0, fd, 0, 3, 0));
      await p.r('file_pos', l.lseek(fd, 0, l.SEEK_CUR));
      const o = at(l, 10);
      await p.r('with_offset', l.splice(r, 0, fd, o, 2, 0));
      await p.r('offset_now', l.peek_u64(o));
      await p.s('size', l.fstat(fd, p.st));
      await p.rd('content', l.pread(fd, p.buf, 4096, 0));
      await p.rd('pipe_left', l.read(r, p.buf, 4096));
      await p.r('empty_nonblock', l.splice(r, 0, fd, 0, 5, NB));
      const a = await l.open('f', l.O_WRONLY | l.O_APPEND);
      await p.r('append_out', l.splice(r, 0, a, 0, 1, 0));
      await l.write(w, 'zz');
      const n = await l.open('/dev/null', l.O_WRONLY);
      await p.r('to_dev_null', l.splice(r, 0, n, 0, 100, 0));
      await l.close(w);
      await p.r('eof_no_writer', l.splice(r, 0, fd, 0, 5, 0));
      [r, w] = await mkpipe(l, l.O_NONBLOCK);
      await p.r('o_nonblock_pipe', l.splice(r, 0, fd, 0, 5, 0));
      [r, w] = await mkpipe(l);
      const ro = await l.open('f', l.O_RDONLY);
      await p.r('out_rdonly', l.splice(r, 0, ro, 0, 5, 0));
      await p.r('pipe_out_offset', l.splice(fd, 0, w, at(l, 0), 5, 0));
      await p.r('pipe_in_offset', l.splice(r, at(l, 0), fd, 0, 5, 0));
      await p.r('offset_before_mode', l.splice(r, at(l, 0), ro, 0, 5, 0));
    },
  },
  {
    name: 'splice_errnos', c_globals: HELPERS,
    c: `int fd = mkf("f", "data"); int g = mkf("g", ""); mkpipe(0); R("len0_bad_fds", splice(99, 0, 98, 0, 0, 0)); R("bad_flags", splice(fd, 0, pw_, 0, 1, 0x10)); R("bad_flags_bad_fd", splice(99, 0, pw_, 0, 1, 0x10));
        R("ebadf_in", splice(99, 0, pw_, 0, 1, 0)); R("ebadf_out", splice(fd, 0, 99, 0, 1, 0)); R("file_to_file", splice(fd, 0, g, 0, 1, 0)); R("same_pipe", splice(pr_, 0, pw_, 0, 1, 0)); R("in_write_end", splice(pw_, 0, g, 0, 1, 0));
        R("out_read_end", splice(fd, 0, pr_, 0, 1, 0)); int w = open("f", O_WRONLY); R("in_wronly", splice(w, 0, pw_, 0, 1, 0)); int d = open(".", O_RDONLY); R("dir_in", splice(d, 0, pw_, 0, 1, 0));
        int op = open("f", O_PATH); R("o_path_in", splice(op, 0, pw_, 0, 1, 0)); R("proc_in_no_offset", splice(open("/proc/self/stat", O_RDONLY), at(0), pw_, 0, 1, 0) > 0);
        close(pr_); signal(SIGPIPE, SIG_IGN); R("no_reader", splice(fd, 0, pw_, 0, 1, 0)); R("no_reader_len0", splice(fd, 0, pw_, 0, 0, 0));`,
    run: async (p, l) => {
      const fd = await mkf(l, 'f', 'data');
      const g = await mkf(l, 'g', '');
      const [r, w] = await mkpipe(l);
      await p.r('len0_bad_fds', l.splice(99, 0, 98, 0, 0, 0));
      await p.r('bad_flags', l.splice(fd, 0, w, 0, 1, 0x10));
      await p.r('bad_flags_bad_fd', l.splice(99, 0, w, 0, 1, 0x10));
      await p.r('ebadf_in', l.splice(99, 0, w, 0, 1, 0));
      await p.r('ebadf_out', l.splice(fd, 0, 99, 0, 1, 0));
      await p.r('file_to_file', l.splice(fd, 0, g, 0, 1, 0));
      await p.r('same_pipe', l.splice(r, 0, w, 0, 1, 0));
      await p.r('in_write_end', l.splice(w, 0, g, 0, 1, 0));
      await p.r('out_read_end', l.splice(fd, 0, r, 0, 1, 0));
      const wo = await l.open('f', l.O_WRONLY);
      await p.r('in_wronly', l.splice(wo, 0, w, 0, 1, 0));
      const d = await l.open('.', l.O_RDONLY);
      await p.r('dir_in', l.splice(d, 0, w, 0, 1, 0));
      const op = await l.open('f', l.O_PATH);
      await p.r('o_path_in', l.splice(op, 0, w, 0, 1, 0));
      await p.r('proc_in_no_offset', (await l.splice(await l.open('/proc/self/stat', l.O_RDONLY), at(l, 0), w, 0, 1, 0)) > 0 ? 1 : 0);
      await l.close(r);
      await l.signal(l.SIGPIPE, l.SIG_IGN);
      await p.r('no_reader', l.splice(fd, 0, w, 0, 1, 0));
      await p.r('no_reader_len0', l.splice(fd, 0, w, 0, 0, 0));
    },
  },
  {
    name: 'splice_pipe_to_pipe', c_globals: HELPERS,
    c: `mkpipe(0); int a = pr_, aw = pw_; mkpipe(0); int b = pr_, bw = pw_; write(aw, "0123456789", 10); R("move", splice(a, 0, bw, 0, 4, 0)); RD("out", read(b, buf, sizeof buf), buf); RD("in_left", read(a, buf, 2), buf);
        R("move_rest_more_than_there", splice(a, 0, bw, 0, 100, 0)); RD("out2", read(b, buf, sizeof buf), buf); R("empty_nonblock", splice(a, 0, bw, 0, 5, SPLICE_F_NONBLOCK)); R("offset_on_pipe", splice(a, at(0), bw, 0, 5, 0));
        fcntl(bw, F_SETPIPE_SZ, 4096); write(aw, "x", 1); memset(buf, 'y', 4096); write(bw, buf, 4096); R("out_full_nonblock", splice(a, 0, bw, 0, 1, SPLICE_F_NONBLOCK)); read(b, buf, 4096);
        close(aw); R("move_last", splice(a, 0, bw, 0, 5, 0)); read(b, buf, sizeof buf); R("eof", splice(a, 0, bw, 0, 5, 0)); close(b); signal(SIGPIPE, SIG_IGN); R("eof_no_reader", splice(a, 0, bw, 0, 5, 0));
        mkpipe(O_NONBLOCK); int c = pr_, cw = pw_; R("o_nonblock_in", splice(c, 0, bw, 0, 5, 0)); write(cw, "z", 1); R("no_reader_out", splice(c, 0, bw, 0, 5, 0));`,
    run: async (p, l) => {
      const [a, aw] = await mkpipe(l);
      const [b, bw] = await mkpipe(l);
      await l.write(aw, '0123456789');
      await p.r('move', l.splice(a, 0, bw, 0, 4, 0));
      await p.rd('out', l.read(b, p.buf, 4096));
      await p.rd('in_left', l.read(a, p.buf, 2));
      await p.r('move_rest_more_than_there', l.splice(a, 0, bw, 0, 100, 0));
      await p.rd('out2', l.read(b, p.buf, 4096));
      await p.r('empty_nonblock', l.splice(a, 0, bw, 0, 5, NB));
      await p.r('offset_on_pipe', l.splice(a, at(l, 0), bw, 0, 5, 0));
      await l.fcntl(bw, l.F_SETPIPE_SZ, 4096);
      await l.write(aw, 'x');
      await l.write(bw, new Uint8Array(4096).fill(0x79));
      await p.r('out_full_nonblock', l.splice(a, 0, bw, 0, 1, NB));
      await l.read(b, p.buf, 4096);
      await l.close(aw);
      await p.r('move_last', l.splice(a, 0, bw, 0, 5, 0));
      await l.read(b, p.buf, 4096);
      await p.r('eof', l.splice(a, 0, bw, 0, 5, 0));
      await l.close(b);
      await l.signal(l.SIGPIPE, l.SIG_IGN);
      await p.r('eof_no_reader', l.splice(a, 0, bw, 0, 5, 0));
      const [c, cw] = await mkpipe(l, l.O_NONBLOCK);
      await p.r('o_nonblock_in', l.splice(c, 0, bw, 0, 5, 0));
      await l.write(cw, 'z');
      await p.r('no_reader_out', l.splice(c, 0, bw, 0, 5, 0));
    },
  },
  {
    name: 'tee_duplicates', c_globals: HELPERS,
    c: `mkpipe(0); int a = pr_, aw = pw_; mkpipe(0); int b = pr_, bw = pw_; write(aw, "abcdef", 6); R("tee", tee(a, bw, 4, 0)); RD("copy", read(b, buf, sizeof buf), buf); RD("source_kept", read(a, buf, 3), buf);
        R("tee_rest", tee(a, bw, 100, 0)); RD("copy2", read(b, buf, sizeof buf), buf); read(a, buf, sizeof buf); R("empty_nonblock", tee(a, bw, 5, SPLICE_F_NONBLOCK)); R("len0", tee(99, 98, 0, 0)); R("bad_flags", tee(a, bw, 1, 0x10));
        R("bad_flags_len0", tee(a, bw, 0, 0x10)); R("ebadf", tee(99, bw, 1, 0)); R("same_pipe", tee(a, aw, 1, 0)); int fd = mkf("f", "x"); R("file_in", tee(fd, bw, 1, 0)); R("file_out", tee(a, fd, 1, 0)); R("write_end_in", tee(aw, bw, 1, 0));
        R("read_end_out", tee(a, b, 1, 0)); fcntl(bw, F_SETPIPE_SZ, 4096); write(aw, "q", 1); memset(buf, 'y', 4096); write(bw, buf, 4096); R("out_full_nonblock", tee(a, bw, 1, SPLICE_F_NONBLOCK)); read(b, buf, 4096);
        close(b); signal(SIGPIPE, SIG_IGN); R("no_reader", tee(a, bw, 1, 0)); read(a, buf, 1); close(aw); R("eof_no_reader", tee(a, bw, 1, 0)); mkpipe(0); close(pw_); R("eof", tee(pr_, bw, 1, 0));`,
    run: async (p, l) => {
      const [a, aw] = await mkpipe(l);
      const [b, bw] = await mkpipe(l);
      await l.write(aw, 'abcdef');
      await p.r('tee', l.tee(a, bw, 4, 0));
      await p.rd('copy', l.read(b, p.buf, 4096));
      await p.rd('source_kept', l.read(a, p.buf, 3));
      await p.r('tee_rest', l.tee(a, bw, 100, 0));
      await p.rd('copy2', l.read(b, p.buf, 4096));
      await l.read(a, p.buf, 4096);
      await p.r('empty_nonblock', l.tee(a, bw, 5, NB));
      await p.r('len0', l.tee(99, 98, 0, 0));
      await p.r('bad_flags', l.tee(a, bw, 1, 0x10));
      await p.r('bad_flags_len0', l.tee(a, bw, 0, 0x10));
      await p.r('ebadf', l.tee(99, bw, 1, 0));
      await p.r('same_pipe', l.tee(a, aw, 1, 0));
      const fd = await mkf(l, 'f', 'x');
      await p.r('file_in', l.tee(fd, bw, 1, 0));
      await p.r('file_out', l.tee(a, fd, 1, 0));
      await p.r('write_end_in', l.tee(aw, bw, 1, 0));
      await p.r('read_end_out', l.tee(a, b, 1, 0));
      await l.fcntl(bw, l.F_SETPIPE_SZ, 4096);
      await l.write(aw, 'q');
      await l.write(bw, new Uint8Array(4096).fill(0x79));
      await p.r('out_full_nonblock', l.tee(a, bw, 1, NB));
      await l.read(b, p.buf, 4096);
      await l.close(b);
      await l.signal(l.SIGPIPE, l.SIG_IGN);
      await p.r('no_reader', l.tee(a, bw, 1, 0));
      await l.read(a, p.buf, 1);
      await l.close(aw);
      await p.r('eof_no_reader', l.tee(a, bw, 1, 0));
      const [r2, w2] = await mkpipe(l);
      await l.close(w2);
      await p.r('eof', l.tee(r2, bw, 1, 0));
    },
  },
  {
    name: 'vmsplice_both_ways', c_globals: HELPERS,
    c: `mkpipe(0); struct iovec v[2] = {{"hello ", 6}, {"world", 5}}; R("to_pipe", vmsplice(pw_, v, 2, 0)); char x[4], y[20]; struct iovec u[2] = {{x, 4}, {y, 20}}; R("to_user", vmsplice(pr_, u, 2, 0));
        printf("x=%.4s y=%.7s\\n", x, y); R("empty_nonblock", vmsplice(pr_, u, 2, SPLICE_F_NONBLOCK)); R("zero_len", vmsplice(pr_, u, 0, 0)); struct iovec z = {x, 0}; R("zero_len_seg", vmsplice(pr_, &z, 1, 0));
        R("bad_flags", vmsplice(pw_, v, 2, 0x10)); R("too_many_segs", vmsplice(pw_, v, 1025, 0)); R("efault_iov", vmsplice(pw_, (struct iovec *)8, 1, 0)); struct iovec bad = {(void *)8, 4}; R("efault_base", vmsplice(pw_, &bad, 1, 0));
        R("ebadf", vmsplice(99, v, 1, 0)); int fd = mkf("f", "x"); R("regular_file", vmsplice(fd, v, 1, 0)); int ro = open("f", O_RDONLY); R("regular_rdonly", vmsplice(ro, u, 1, 0)); int op = open("f", O_PATH); R("o_path", vmsplice(op, v, 1, 0));
        fcntl(pw_, F_SETPIPE_SZ, 4096); memset(buf, 'y', 4096); write(pw_, buf, 4096); struct iovec big = {buf, 100}; R("full_nonblock", vmsplice(pw_, &big, 1, SPLICE_F_NONBLOCK));
        read(pr_, buf, sizeof buf); close(pw_); R("eof", vmsplice(pr_, u, 2, 0)); close(pr_); mkpipe(0); close(pr_); signal(SIGPIPE, SIG_IGN); R("no_reader", vmsplice(pw_, v, 1, 0));`,
    run: async (p, l) => {
      const IOV = 16;
      let [r, w] = await mkpipe(l);
      const v = l.malloc(IOV * 2);
      const s1 = l.malloc(16);
      l.poke(s1, new TextEncoder().encode('hello world'));
      l.poke_u64(v, s1);
      l.poke_u64(v + 8, 6);
      l.poke_u64(v + 16, s1 + 6);
      l.poke_u64(v + 24, 5);
      await p.r('to_pipe', l.vmsplice(w, v, 2, 0));
      const x = l.malloc(4), y = l.malloc(20);
      const u = l.malloc(IOV * 2);
      l.poke_u64(u, x);
      l.poke_u64(u + 8, 4);
      l.poke_u64(u + 16, y);
      l.poke_u64(u + 24, 20);
      await p.r('to_user', l.vmsplice(r, u, 2, 0));
      const dec = (a: number, n: number): string => new TextDecoder().decode(l.peek(a, n));
      p.out(`x=${dec(x, 4)} y=${dec(y, 7)}`);
      await p.r('empty_nonblock', l.vmsplice(r, u, 2, NB));
      await p.r('zero_len', l.vmsplice(r, u, 0, 0));
      const z = l.malloc(IOV);
      l.poke_u64(z, x);
      l.poke_u64(z + 8, 0);
      await p.r('zero_len_seg', l.vmsplice(r, z, 1, 0));
      await p.r('bad_flags', l.vmsplice(w, v, 2, 0x10));
      await p.r('too_many_segs', l.vmsplice(w, v, 1025, 0));
      await p.r('efault_iov', l.vmsplice(w, 8, 1, 0));
      const bad = l.malloc(IOV);
      l.poke_u64(bad, 8);
      l.poke_u64(bad + 8, 4);
      await p.r('efault_base', l.vmsplice(w, bad, 1, 0));
      await p.r('ebadf', l.vmsplice(99, v, 1, 0));
      const fd = await mkf(l, 'f', 'x');
      await p.r('regular_file', l.vmsplice(fd, v, 1, 0));
      const ro = await l.open('f', l.O_RDONLY);
      await p.r('regular_rdonly', l.vmsplice(ro, u, 1, 0));
      const op = await l.open('f', l.O_PATH);
      await p.r('o_path', l.vmsplice(op, v, 1, 0));
      await l.fcntl(w, l.F_SETPIPE_SZ, 4096);
      await l.write(w, new Uint8Array(4096).fill(0x79));
      const big = l.malloc(IOV);
      l.poke_u64(big, p.buf);
      l.poke_u64(big + 8, 100);
      await p.r('full_nonblock', l.vmsplice(w, big, 1, NB));
      await l.read(r, p.buf, 4096);
      await l.close(w);
      await p.r('eof', l.vmsplice(r, u, 2, 0));
      await l.close(r);
      [r, w] = await mkpipe(l);
      await l.close(r);
      await l.signal(l.SIGPIPE, l.SIG_IGN);
      await p.r('no_reader', l.vmsplice(w, v, 1, 0));
    },
  },
  {
    name: 'copy_file_range_basics', c_globals: HELPERS,
    c: `int a = mkf("a", "0123456789"); int b = mkf("b", ""); R("copy", copy_file_range(a, 0, b, 0, 4, 0)); R("pos_in", lseek(a, 0, SEEK_CUR)); R("pos_out", lseek(b, 0, SEEK_CUR));
        loff_t oi = 6, oo = 20; R("with_offsets", copy_file_range(a, &oi, b, &oo, 100, 0)); R("off_in", oi); R("off_out", oo); R("pos_in_kept", lseek(a, 0, SEEK_CUR)); S("size", fstat(b, &st)); RD("content", pread(b, buf, 30, 0), buf);
        R("at_eof", copy_file_range(a, at(10), b, 0, 5, 0)); R("past_eof", copy_file_range(a, at(50), b, 0, 5, 0)); R("len0", copy_file_range(a, 0, b, 0, 0, 0)); R("flags", copy_file_range(a, 0, b, 0, 1, 1));
        R("same_file_apart", copy_file_range(a, at(0), a, &oo, 2, 0)); oo = 20; RD("same_file_result", pread(a, buf, 30, 0), buf); loff_t o2 = 1; R("same_file_overlap", copy_file_range(a, at(0), a, &o2, 5, 0));
        loff_t o3 = 5; R("same_file_touching", copy_file_range(a, at(0), a, &o3, 5, 0)); R("neg_off", copy_file_range(a, at(-1), b, 0, 5, 0)); R("efault_off", copy_file_range(a, (loff_t *)8, b, 0, 5, 0));`,
    run: async (p, l) => {
      const a = await mkf(l, 'a', '0123456789');
      const b = await mkf(l, 'b', '');
      await p.r('copy', l.copy_file_range(a, 0, b, 0, 4, 0));
      await p.r('pos_in', l.lseek(a, 0, l.SEEK_CUR));
      await p.r('pos_out', l.lseek(b, 0, l.SEEK_CUR));
      const oi = at(l, 6), oo = at(l, 20);
      await p.r('with_offsets', l.copy_file_range(a, oi, b, oo, 100, 0));
      await p.r('off_in', l.peek_u64(oi));
      await p.r('off_out', l.peek_u64(oo));
      await p.r('pos_in_kept', l.lseek(a, 0, l.SEEK_CUR));
      await p.s('size', l.fstat(b, p.st));
      await p.rd('content', l.pread(b, p.buf, 30, 0));
      await p.r('at_eof', l.copy_file_range(a, at(l, 10), b, 0, 5, 0));
      await p.r('past_eof', l.copy_file_range(a, at(l, 50), b, 0, 5, 0));
      await p.r('len0', l.copy_file_range(a, 0, b, 0, 0, 0));
      await p.r('flags', l.copy_file_range(a, 0, b, 0, 1, 1));
      await p.r('same_file_apart', l.copy_file_range(a, at(l, 0), a, oo, 2, 0));
      l.poke_u64(oo, 20);
      await p.rd('same_file_result', l.pread(a, p.buf, 30, 0));
      await p.r('same_file_overlap', l.copy_file_range(a, at(l, 0), a, at(l, 1), 5, 0));
      await p.r('same_file_touching', l.copy_file_range(a, at(l, 0), a, at(l, 5), 5, 0));
      await p.r('neg_off', l.copy_file_range(a, at(l, -1), b, 0, 5, 0));
      await p.r('efault_off', l.copy_file_range(a, 8, b, 0, 5, 0));
    },
  },
  {
    name: 'copy_file_range_errnos', c_globals: HELPERS,
    c: `int a = mkf("a", "data"); int b = mkf("b", ""); R("ebadf_in", copy_file_range(99, 0, b, 0, 1, 0)); R("ebadf_out", copy_file_range(a, 0, 99, 0, 1, 0)); R("flags_before_checks", copy_file_range(a, 0, 1, 0, 1, 1));
        int d = open(".", O_RDONLY); R("dir_in", copy_file_range(d, 0, b, 0, 1, 0)); R("dir_out", copy_file_range(a, 0, d, 0, 1, 0)); mkpipe(0); R("pipe_in", copy_file_range(pr_, 0, b, 0, 1, 0)); R("pipe_out", copy_file_range(a, 0, pw_, 0, 1, 0));
        int ro = open("b", O_RDONLY); R("out_rdonly", copy_file_range(a, 0, ro, 0, 1, 0)); int wo = open("a", O_WRONLY); R("in_wronly", copy_file_range(wo, 0, b, 0, 1, 0)); int ap = open("b", O_WRONLY|O_APPEND); R("out_append", copy_file_range(a, 0, ap, 0, 1, 0));
        int m = memfd_create("m", 0); R("cross_fs", copy_file_range(a, 0, m, 0, 1, 0)); R("cross_fs_from", copy_file_range(m, 0, b, 0, 1, 0)); int op = open("a", O_PATH); R("o_path", copy_file_range(op, 0, b, 0, 1, 0));
        R("len0_dir", copy_file_range(d, 0, b, 0, 0, 0)); R("len0_rdonly_out", copy_file_range(a, 0, ro, 0, 0, 0)); R("dev_null_out", copy_file_range(a, 0, open("/dev/null", O_WRONLY), 0, 1, 0));`,
    run: async (p, l) => {
      const a = await mkf(l, 'a', 'data');
      const b = await mkf(l, 'b', '');
      await p.r('ebadf_in', l.copy_file_range(99, 0, b, 0, 1, 0));
      await p.r('ebadf_out', l.copy_file_range(a, 0, 99, 0, 1, 0));
      await p.r('flags_before_checks', l.copy_file_range(a, 0, 1, 0, 1, 1));
      const d = await l.open('.', l.O_RDONLY);
      await p.r('dir_in', l.copy_file_range(d, 0, b, 0, 1, 0));
      await p.r('dir_out', l.copy_file_range(a, 0, d, 0, 1, 0));
      const [r, w] = await mkpipe(l);
      await p.r('pipe_in', l.copy_file_range(r, 0, b, 0, 1, 0));
      await p.r('pipe_out', l.copy_file_range(a, 0, w, 0, 1, 0));
      const ro = await l.open('b', l.O_RDONLY);
      await p.r('out_rdonly', l.copy_file_range(a, 0, ro, 0, 1, 0));
      const wo = await l.open('a', l.O_WRONLY);
      await p.r('in_wronly', l.copy_file_range(wo, 0, b, 0, 1, 0));
      const ap = await l.open('b', l.O_WRONLY | l.O_APPEND);
      await p.r('out_append', l.copy_file_range(a, 0, ap, 0, 1, 0));
      const m = await l.memfd_create('m', 0);
      await p.r('cross_fs', l.copy_file_range(a, 0, m, 0, 1, 0));
      await p.r('cross_fs_from', l.copy_file_range(m, 0, b, 0, 1, 0));
      const op = await l.open('a', l.O_PATH);
      await p.r('o_path', l.copy_file_range(op, 0, b, 0, 1, 0));
      await p.r('len0_dir', l.copy_file_range(d, 0, b, 0, 0, 0));
      await p.r('len0_rdonly_out', l.copy_file_range(a, 0, ro, 0, 0, 0));
      await p.r('dev_null_out', l.copy_file_range(a, 0, await l.open('/dev/null', l.O_WRONLY), 0, 1, 0));
    },
  },
];

conformance(test, 'fs_splice', cases);
