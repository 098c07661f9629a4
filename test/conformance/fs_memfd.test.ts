/** Conformance: memfd_create(2), file seals (F_ADD_SEALS / F_GET_SEALS) and how a memfd is named in /proc. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase } from './harness.ts';

const HELPERS = String.raw`
#ifndef MFD_EXEC
#define MFD_NOEXEC_SEAL 0x8U
#define MFD_EXEC 0x10U
#endif
#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x20
#endif
static int maps_has(const char *needle) {
  static char m[1 << 16]; int fd = open("/proc/self/maps", O_RDONLY); long n = 0, r;
  while ((r = read(fd, m + n, sizeof m - 1 - n)) > 0) n += r; close(fd); m[n] = 0; return strstr(m, needle) != 0;
}
static char name250[251];
static const char *long_name(int n) { memset(name250, 'n', n); name250[n] = 0; return name250; }
`;

async function maps_has(l: Libc, needle: string): Promise<number> {
  const fd = await l.open('/proc/self/maps', l.O_RDONLY);
  const b = new Uint8Array(65536);
  let s = '';
  for (;;) { const n = await l.read(fd, b, b.length); if (n <= 0) break; s += new TextDecoder().decode(b.subarray(0, n)); }
  await l.close(fd);
  return s.includes(needle) ? 1 : 0;
}
const PG = 4096;

const cases: ConfCase[] = [
  {
    name: 'memfd_basics', c_globals: HELPERS,
    c: `int fd = memfd_create("test", 0); R("memfd", fd); S("fstat", fstat(fd, &st)); R("write", write(fd, "hello", 5)); RD("pread", pread(fd, buf, 10, 0), buf);
        RD("link", readlink("/proc/self/fd/3", buf, sizeof buf), buf); R("getfd", fcntl(fd, F_GETFD)); R("get_seals", fcntl(fd, F_GET_SEALS)); R("add_seals", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
        int c = memfd_create("c", MFD_CLOEXEC); R("getfd_cloexec", fcntl(c, F_GETFD)); int e = memfd_create("", 0); RD("empty_name_link", readlink("/proc/self/fd/5", buf, sizeof buf), buf);
        void *m = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0); R("in_maps", maps_has("/memfd:test (deleted)")); munmap(m, 4096);
        int d = dup(fd); RD("dup_link", readlink("/proc/self/fd/6", buf, sizeof buf), buf); R("ftruncate", ftruncate(d, 2)); S("fstat_after", fstat(fd, &st));
        int s2 = memfd_create("test", 0); R("same_name_again", s2); R("lseek_end", lseek(s2, 0, SEEK_END));`,
    run: async (p, l) => {
      const fd = await p.r('memfd', l.memfd_create('test', 0));
      await p.s('fstat', l.fstat(fd, p.st));
      await p.r('write', l.write(fd, 'hello'));
      await p.rd('pread', l.pread(fd, p.buf, 10, 0));
      await p.rd('link', l.readlink('/proc/self/fd/3', p.buf, 4096));
      await p.r('getfd', l.fcntl(fd, l.F_GETFD));
      await p.r('get_seals', l.fcntl(fd, l.F_GET_SEALS));
      await p.r('add_seals', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_WRITE));
      const c = await l.memfd_create('c', l.MFD_CLOEXEC);
      await p.r('getfd_cloexec', l.fcntl(c, l.F_GETFD));
      await l.memfd_create('', 0);
      await p.rd('empty_name_link', l.readlink('/proc/self/fd/5', p.buf, 4096));
      const m = await l.mmap(0, PG, l.PROT_READ, l.MAP_SHARED, fd, 0);
      await p.r('in_maps', maps_has(l, '/memfd:test (deleted)'));
      await l.munmap(m, PG);
      const d = await l.dup(fd);
      await p.rd('dup_link', l.readlink('/proc/self/fd/6', p.buf, 4096));
      await p.r('ftruncate', l.ftruncate(d, 2));
      await p.s('fstat_after', l.fstat(fd, p.st));
      const s2 = await p.r('same_name_again', l.memfd_create('test', 0));
      await p.r('lseek_end', l.lseek(s2, 0, l.SEEK_END));
    },
  },
  {
    name: 'memfd_flags_and_names', c_globals: HELPERS,
    c: `R("bad_flag", memfd_create("x", 0x20)); R("exec_and_noexec", memfd_create("x", MFD_EXEC|MFD_NOEXEC_SEAL)); R("huge_size_no_hugetlb", memfd_create("x", 21 << MFD_HUGE_SHIFT));
        R("name_249", memfd_create(long_name(249), 0)); R("name_250", memfd_create(long_name(250), 0)); R("efault", memfd_create((char *)8, 0)); R("bad_flag_first", memfd_create((char *)8, 0x40));
        int n = memfd_create("ne", MFD_NOEXEC_SEAL); S("noexec_mode", fstat(n, &st)); R("noexec_seals", fcntl(n, F_GET_SEALS)); R("chmod_x", fchmod(n, 0755)); R("chmod_same_x", fchmod(n, 0640));
        S("mode_now", fstat(n, &st)); R("add_after_noexec", fcntl(n, F_ADD_SEALS, F_SEAL_SHRINK)); R("seals_now", fcntl(n, F_GET_SEALS)); int x = memfd_create("ex", MFD_EXEC); S("exec_mode", fstat(x, &st));
        R("exec_seals", fcntl(x, F_GET_SEALS)); umask(0777); int u = memfd_create("um", 0); S("umask_ignored", fstat(u, &st));`,
    run: async (p, l) => {
      await p.r('bad_flag', l.memfd_create('x', 0x20));
      await p.r('exec_and_noexec', l.memfd_create('x', l.MFD_EXEC | l.MFD_NOEXEC_SEAL));
      await p.r('huge_size_no_hugetlb', l.memfd_create('x', 21 << l.MFD_HUGE_SHIFT));
      await p.r('name_249', l.memfd_create('n'.repeat(249), 0));
      await p.r('name_250', l.memfd_create('n'.repeat(250), 0));
      await p.r('efault', l.memfd_create(8, 0));
      await p.r('bad_flag_first', l.memfd_create(8, 0x40));
      const n = await l.memfd_create('ne', l.MFD_NOEXEC_SEAL);
      await p.s('noexec_mode', l.fstat(n, p.st));
      await p.r('noexec_seals', l.fcntl(n, l.F_GET_SEALS));
      await p.r('chmod_x', l.fchmod(n, 0o755));
      await p.r('chmod_same_x', l.fchmod(n, 0o640));
      await p.s('mode_now', l.fstat(n, p.st));
      await p.r('add_after_noexec', l.fcntl(n, l.F_ADD_SEALS, l.F_SEAL_SHRINK));
      await p.r('seals_now', l.fcntl(n, l.F_GET_SEALS));
      const x = await l.memfd_create('ex', l.MFD_EXEC);
      await p.s('exec_mode', l.fstat(x, p.st));
      await p.r('exec_seals', l.fcntl(x, l.F_GET_SEALS));
      l.umask(0o777);
      const u = await l.memfd_create('um', 0);
      await p.s('umask_ignored', l.fstat(u, p.st));
    },
  },
  {
    name: 'memfd_size_and_write_seals', c_globals: HELPERS,
    c: `int fd = memfd_create("s", MFD_ALLOW_SEALING); R("seals0", fcntl(fd, F_GET_SEALS)); R("trunc10", ftruncate(fd, 10)); R("shrink", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
        R("trunc5", ftruncate(fd, 5)); R("trunc20", ftruncate(fd, 20)); R("trunc_same", ftruncate(fd, 20)); R("grow", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW)); R("trunc30", ftruncate(fd, 30));
        R("write_inside", pwrite(fd, "abc", 3, 0)); R("write_across_eof", pwrite(fd, "abcde", 5, 18)); R("write_at_eof", pwrite(fd, "a", 1, 20)); R("write_empty_at_eof", pwrite(fd, "", 0, 20));
        R("seal_write", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)); R("write_sealed", pwrite(fd, "z", 1, 0)); R("write_zero", write(fd, "", 0)); RD("read_ok", pread(fd, buf, 4, 0), buf);
        R("seals", fcntl(fd, F_GET_SEALS)); R("seal_seal", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL)); R("after_seal", fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC)); R("bad_bits_after_seal", fcntl(fd, F_ADD_SEALS, 0x40));
        R("add_nothing_after_seal", fcntl(fd, F_ADD_SEALS, 0)); R("seals_final", fcntl(fd, F_GET_SEALS));`,
    run: async (p, l) => {
      const fd = await l.memfd_create('s', l.MFD_ALLOW_SEALING);
      await p.r('seals0', l.fcntl(fd, l.F_GET_SEALS));
      await p.r('trunc10', l.ftruncate(fd, 10));
      await p.r('shrink', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_SHRINK));
      await p.r('trunc5', l.ftruncate(fd, 5));
      await p.r('trunc20', l.ftruncate(fd, 20));
      await p.r('trunc_same', l.ftruncate(fd, 20));
      await p.r('grow', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_GROW));
      await p.r('trunc30', l.ftruncate(fd, 30));
      await p.r('write_inside', l.pwrite(fd, 'abc', 3, 0));
      await p.r('write_across_eof', l.pwrite(fd, 'abcde', 5, 18));
      await p.r('write_at_eof', l.pwrite(fd, 'a', 1, 20));
      await p.r('write_empty_at_eof', l.pwrite(fd, '', 0, 20));
      await p.r('seal_write', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_WRITE));
      await p.r('write_sealed', l.pwrite(fd, 'z', 1, 0));
      await p.r('write_zero', l.write(fd, '', 0));
      await p.rd('read_ok', l.pread(fd, p.buf, 4, 0));
      await p.r('seals', l.fcntl(fd, l.F_GET_SEALS));
      await p.r('seal_seal', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_SEAL));
      await p.r('after_seal', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_EXEC));
      await p.r('bad_bits_after_seal', l.fcntl(fd, l.F_ADD_SEALS, 0x40));
      await p.r('add_nothing_after_seal', l.fcntl(fd, l.F_ADD_SEALS, 0));
      await p.r('seals_final', l.fcntl(fd, l.F_GET_SEALS));
    },
  },
  {
    name: 'memfd_grow_seal_partial_write', c_globals: HELPERS,
    c: `int fd = memfd_create("g", MFD_ALLOW_SEALING); ftruncate(fd, 4106); R("grow", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW)); memset(buf, 'q', 20);
        R("partial", pwrite(fd, buf, 20, 4090)); R("inside_second_page", pwrite(fd, buf, 10, 4096)); R("past", pwrite(fd, buf, 11, 4096)); int a = open("/proc/self/fd/3", O_RDWR|O_APPEND);
        R("append", write(fd, buf, 1)); R("size", lseek(fd, 0, SEEK_END));`,
    run: async (p, l) => {
      const fd = await l.memfd_create('g', l.MFD_ALLOW_SEALING);
      await l.ftruncate(fd, 4106);
      await p.r('grow', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_GROW));
      const q = new Uint8Array(20).fill(0x71);
      await p.r('partial', l.pwrite(fd, q, 20, 4090));
      await p.r('inside_second_page', l.pwrite(fd, q, 10, 4096));
      await p.r('past', l.pwrite(fd, q, 11, 4096));
      await l.open('/proc/self/fd/3', l.O_RDWR | l.O_APPEND);
      await p.r('append', l.write(fd, q, 1));
      await p.r('size', l.lseek(fd, 0, l.SEEK_END));
    },
  },
  {
    name: 'memfd_write_seal_and_mappings', c_globals: HELPERS,
    c: `int fd = memfd_create("w", MFD_ALLOW_SEALING); ftruncate(fd, 4096); char *m = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0); R("busy_shared_rw", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
        munmap(m, 4096); m = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0); R("busy_shared_ro", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)); munmap(m, 4096);
        char *pv = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0); R("private_ok", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)); pv[0] = 'p'; R("private_store", pv[0]);
        R("mmap_shared_rw", (long)mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)); char *ro = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0); R("mmap_shared_ro_ok", ro != MAP_FAILED);
        R("mprotect_w", mprotect(ro, 4096, PROT_READ|PROT_WRITE)); R("mmap_private_rw", mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0) != MAP_FAILED);
        int f2 = memfd_create("fw", MFD_ALLOW_SEALING); ftruncate(f2, 4096); char *m2 = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, f2, 0); R("future_write", fcntl(f2, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
        m2[0] = 'Z'; RD("old_mapping_still_writes", pread(f2, buf, 1, 0), buf); R("write_now", write(f2, "x", 1)); R("new_shared_rw", (long)mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, f2, 0));
        R("seal_write_now_busy", fcntl(f2, F_ADD_SEALS, F_SEAL_WRITE));`,
    run: async (p, l) => {
      const fd = await l.memfd_create('w', l.MFD_ALLOW_SEALING);
      await l.ftruncate(fd, PG);
      const RW = l.PROT_READ | l.PROT_WRITE;
      let m = await l.mmap(0, PG, RW, l.MAP_SHARED, fd, 0);
      await p.r('busy_shared_rw', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_WRITE));
      await l.munmap(m, PG);
      m = await l.mmap(0, PG, l.PROT_READ, l.MAP_SHARED, fd, 0);
      await p.r('busy_shared_ro', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_WRITE));
      await l.munmap(m, PG);
      const pv = await l.mmap(0, PG, RW, l.MAP_PRIVATE, fd, 0);
      await p.r('private_ok', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_WRITE));
      l.poke_u8(pv, 0x70);
      await p.r('private_store', l.peek_u8(pv));
      await p.r('mmap_shared_rw', l.mmap(0, PG, RW, l.MAP_SHARED, fd, 0));
      const ro = await l.mmap(0, PG, l.PROT_READ, l.MAP_SHARED, fd, 0);
      await p.r('mmap_shared_ro_ok', ro !== -1 ? 1 : 0);
      await p.r('mprotect_w', l.mprotect(ro, PG, RW));
      await p.r('mmap_private_rw', (await l.mmap(0, PG, RW, l.MAP_PRIVATE, fd, 0)) !== -1 ? 1 : 0);
      const f2 = await l.memfd_create('fw', l.MFD_ALLOW_SEALING);
      await l.ftruncate(f2, PG);
      const m2 = await l.mmap(0, PG, RW, l.MAP_SHARED, f2, 0);
      await p.r('future_write', l.fcntl(f2, l.F_ADD_SEALS, l.F_SEAL_FUTURE_WRITE));
      l.poke_u8(m2, 0x5a);
      await p.rd('old_mapping_still_writes', l.pread(f2, p.buf, 1, 0));
      await p.r('write_now', l.write(f2, 'x'));
      await p.r('new_shared_rw', l.mmap(0, PG, RW, l.MAP_SHARED, f2, 0));
      await p.r('seal_write_now_busy', l.fcntl(f2, l.F_ADD_SEALS, l.F_SEAL_WRITE));
    },
  },
  {
    name: 'memfd_exec_seal', c_globals: HELPERS,
    c: `int fd = memfd_create("e", MFD_ALLOW_SEALING); R("exec_seal", fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC)); R("seals", fcntl(fd, F_GET_SEALS)); R("chmod_drop_x", fchmod(fd, 0666));
        R("chmod_keep_x", fchmod(fd, 0711)); S("mode", fstat(fd, &st)); R("write", write(fd, "a", 1)); R("trunc", ftruncate(fd, 0));
        int g = memfd_create("e2", MFD_ALLOW_SEALING); fchmod(g, 0644); R("exec_seal_nonexec", fcntl(g, F_ADD_SEALS, F_SEAL_EXEC)); R("seals2", fcntl(g, F_GET_SEALS)); R("chmod_add_x", fchmod(g, 0744));
        R("write2", write(g, "a", 1));`,
    run: async (p, l) => {
      const fd = await l.memfd_create('e', l.MFD_ALLOW_SEALING);
      await p.r('exec_seal', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_EXEC));
      await p.r('seals', l.fcntl(fd, l.F_GET_SEALS));
      await p.r('chmod_drop_x', l.fchmod(fd, 0o666));
      await p.r('chmod_keep_x', l.fchmod(fd, 0o711));
      await p.s('mode', l.fstat(fd, p.st));
      await p.r('write', l.write(fd, 'a'));
      await p.r('trunc', l.ftruncate(fd, 0));
      const g = await l.memfd_create('e2', l.MFD_ALLOW_SEALING);
      await l.fchmod(g, 0o644);
      await p.r('exec_seal_nonexec', l.fcntl(g, l.F_ADD_SEALS, l.F_SEAL_EXEC));
      await p.r('seals2', l.fcntl(g, l.F_GET_SEALS));
      await p.r('chmod_add_x', l.fchmod(g, 0o744));
      await p.r('write2', l.write(g, 'a'));
    },
  },
  {
    name: 'seals_on_other_files', c_globals: HELPERS,
    c: `int fd = open("f", O_CREAT|O_RDWR, 0644); R("regular_get", fcntl(fd, F_GET_SEALS)); R("regular_add", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)); int ro = open("f", O_RDONLY);
        R("rdonly_add", fcntl(ro, F_ADD_SEALS, F_SEAL_WRITE)); R("rdonly_add_bad_bits", fcntl(ro, F_ADD_SEALS, 0x40)); R("rw_bad_bits", fcntl(fd, F_ADD_SEALS, 0x40)); int p[2]; pipe(p);
        R("pipe_get", fcntl(p[0], F_GET_SEALS)); R("pipe_add", fcntl(p[1], F_ADD_SEALS, F_SEAL_WRITE)); int d = open(".", O_RDONLY); R("dir_get", fcntl(d, F_GET_SEALS));
        int pa = open("f", O_PATH); R("opath_get", fcntl(pa, F_GET_SEALS)); R("devnull_get", fcntl(open("/dev/null", O_RDWR), F_GET_SEALS));`,
    run: async (p, l) => {
      const fd = await l.open('f', l.O_CREAT | l.O_RDWR, 0o644);
      await p.r('regular_get', l.fcntl(fd, l.F_GET_SEALS));
      await p.r('regular_add', l.fcntl(fd, l.F_ADD_SEALS, l.F_SEAL_WRITE));
      const ro = await l.open('f', l.O_RDONLY);
      await p.r('rdonly_add', l.fcntl(ro, l.F_ADD_SEALS, l.F_SEAL_WRITE));
      await p.r('rdonly_add_bad_bits', l.fcntl(ro, l.F_ADD_SEALS, 0x40));
      await p.r('rw_bad_bits', l.fcntl(fd, l.F_ADD_SEALS, 0x40));
      await l.pipe(p.st);
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      await p.r('pipe_get', l.fcntl(r, l.F_GET_SEALS));
      await p.r('pipe_add', l.fcntl(w, l.F_ADD_SEALS, l.F_SEAL_WRITE));
      const d = await l.open('.', l.O_RDONLY);
      await p.r('dir_get', l.fcntl(d, l.F_GET_SEALS));
      const pa = await l.open('f', l.O_PATH);
      await p.r('opath_get', l.fcntl(pa, l.F_GET_SEALS));
      await p.r('devnull_get', l.fcntl(await l.open('/dev/null', l.O_RDWR), l.F_GET_SEALS));
    },
  },
];

conformance(test, 'fs_memfd', cases);
