/**
 * Syscall argument widths: arguments are 64-bit registers; Linux truncates `int`/`unsigned int`
 * parameters (fds, flags, commands, whence, how, clock ids, signal numbers) to their low 32 bits
 * and treats `size_t` as unsigned 64-bit (a "negative" count is huge). Each expected value
 * below is what Linux 6.18 x86_64 returned for the same call, e.g.
 * `syscall(SYS_read, 0x100000000LL + fd, buf, 1)` reads from fd.
 */
import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import type { Libc } from '../../../libc/index.ts';

const HI = 2 ** 32;

test('x86_64: int/unsigned int arguments are truncated to 32 bits, size_t is unsigned', async (t) => {
  const k = boot({ arch: 'x86_64' });
  const got: [string, number, number][] = [];
  const { status } = await run_inline(k, async (libc: Libc) => {
    const S = libc.SYS, E = (e: number): number => -e;
    const buf = libc.malloc(8192);
    const str = (s: string): number => { const p = libc.malloc(s.length + 1); libc.poke(p, s + '\0'); return p; };
    const chk = (what: string, want: number, r: number | Promise<number>): void => {
      if (typeof r !== 'number') throw new Error(`${what} blocked`);
      got.push([what, r, want]);
    };
    const is_fd = (r: number | Promise<number>): number => (typeof r === 'number' && r >= 0 ? 1 : -1);
    libc.raw(S.pipe2, buf, 0);
    const p0 = libc.peek_i32(buf), p1 = libc.peek_i32(buf + 4);
    libc.raw(S.write, p1, str('abc'), 3);
    const f = libc.raw(S.openat, -100, str('/tmp/w'), 0o102 /* O_CREAT|O_RDWR */, 0o644) as number;
    libc.raw(S.write, f, str('hello'), 5);
    chk('read(HI+p0, buf, 1)', 1, libc.raw(S.read, HI + p0, buf, 1));
    chk('read(p0, buf, -1)', E(libc.EFAULT), libc.raw(S.read, p0, buf, -1));
    chk('read(p0, buf, 2^47)', E(libc.EFAULT), libc.raw(S.read, p0, buf, 2 ** 47));
    chk('write(p1, buf, -1)', E(libc.EFAULT), libc.raw(S.write, p1, buf, -1));
    chk('pread64(999, buf, 1, -1)', E(libc.EINVAL), libc.raw(S.pread64, 999, buf, 1, -1));
    chk('lseek(f, 1, HI+SEEK_SET)', 1, libc.raw(S.lseek, f, 1, HI));
    chk('lseek(f, 0, HI+99)', E(libc.EINVAL), libc.raw(S.lseek, f, 0, HI + 99));
    chk('openat(HI-100, rel)', f + 1, libc.raw(S.openat, HI - 100, str('tmp/w'), 0));
    libc.raw(S.close, f + 1);
    chk('openat2(.., size -1)', E(libc.E2BIG), libc.raw(S.openat2, -100, str('/tmp/w'), buf, -1));
    chk('fcntl(HI+f, F_GETFL)', 0o100002, libc.raw(S.fcntl, HI + f, 3));
    chk('fcntl(f, HI+F_GETFD)', 0, libc.raw(S.fcntl, f, HI + 1));
    chk('dup2(f, HI+f)', f, libc.raw(S.dup2, f, HI + f));
    chk('dup3(f, HI+f, 0)', E(libc.EINVAL), libc.raw(S.dup3, f, HI + f, 0));
    chk('dup2(f, HI+50)', 50, libc.raw(S.dup2, f, HI + 50));
    chk('ioctl(HI+f, FIOCLEX)', 0, libc.raw(S.ioctl, HI + f, 0x5451));
    chk('fcntl(f, F_GETFD) after FIOCLEX', 1, libc.raw(S.fcntl, f, 1));
    libc.raw(S.symlinkat, str('/tmp/w'), -100, str('/tmp/l'));
    chk('readlink(l, buf, HI+1)', 1, libc.raw(S.readlinkat, -100, str('/tmp/l'), buf, HI + 1));
    chk('readlink(l, buf, HI)', E(libc.EINVAL), libc.raw(S.readlinkat, -100, str('/tmp/l'), buf, HI));
    chk('getcwd(buf, HI)', 2, libc.raw(S.getcwd, buf, HI));
    chk('faccessat(AT_FDCWD, /tmp/w, HI)', 0, libc.raw(S.faccessat, -100, str('/tmp/w'), HI));
    chk('sendfile(p1, f, 0, -1)', E(libc.EINVAL), libc.raw(S.sendfile, p1, f, 0, -1));
    chk('mmap(0, -1, ..)', E(libc.ENOMEM), libc.raw(S.mmap, 0, -1, 1, 0x22, -1, 0));
    chk('mmap(0, -8192, ..)', E(libc.ENOMEM), libc.raw(S.mmap, 0, -8192, 1, 0x22, -1, 0));
    const m = libc.raw(S.mmap, 0, 8192, 1, 0x22, -1, 0) as number;
    chk('mprotect(m, -1, R)', E(libc.ENOMEM), libc.raw(S.mprotect, m, -1, 1));
    chk('mprotect(m, 0, 0x100)', 0, libc.raw(S.mprotect, m, 0, 0x100));
    chk('mprotect(m, 4096, R|HI)', E(libc.EINVAL), libc.raw(S.mprotect, m, 4096, HI + 1));
    chk('mprotect(m, 4096, R|PROT_SEM)', 0, libc.raw(S.mprotect, m, 4096, 9));
    chk('rt_sigpending(buf, -1)', E(libc.EINVAL), libc.raw(S.rt_sigpending, buf, -1));
    chk('rt_sigprocmask(HI+SIG_BLOCK, ..)', 0, libc.raw(S.rt_sigprocmask, HI, buf, buf + 64, 8));
    chk('rt_sigprocmask(HI+7, ..)', E(libc.EINVAL), libc.raw(S.rt_sigprocmask, HI + 7, buf, buf + 64, 8));
    const pid = libc.raw(S.getpid) as number;
    chk('kill(pid, HI+0)', 0, libc.raw(S.kill, pid, HI));
    chk('kill(HI+pid, 0)', 0, libc.raw(S.kill, HI + pid, 0));
    chk('tgkill(HI+pid, HI+pid, 0)', 0, libc.raw(S.tgkill, HI + pid, HI + pid, 0));
    chk('wait4(0xffffffff, .., WNOHANG)', E(libc.ECHILD), libc.raw(S.wait4, 0xffffffff, 0, 1, 0));
    chk('clock_gettime(HI+1, buf)', 0, libc.raw(S.clock_gettime, HI + 1, buf));
    chk('clock_getres(HI+1, buf)', 0, libc.raw(S.clock_getres, HI + 1, buf));
    chk('syslog(HI+10, 0, 0)', 1 << 17, libc.raw(S.syslog, HI + 10, 0, 0));
    chk('setuid(HI+0)', 0, libc.raw(S.setuid, HI));
    chk('setgid(HI+0)', 0, libc.raw(S.setgid, HI));
    libc.raw(S.socketpair, 1, 1, 0, buf);
    const s0 = libc.peek_i32(buf), s1 = libc.peek_i32(buf + 4);
    chk('shutdown(s0, HI+SHUT_WR)', 0, libc.raw(S.shutdown, s0, HI + 1));
    libc.poke(buf + 100, new Uint8Array([1, 0, 0, 0]));
    chk('setsockopt(s1, HI+SOL_SOCKET, SO_REUSEADDR)', 0, libc.raw(S.setsockopt, s1, HI + 1, 2, buf + 100, 4));
    chk('socket(HI+AF_UNIX, SOCK_STREAM, 0)', 1, is_fd(libc.raw(S.socket, HI + 1, 1, 0)));
    chk('socket(AF_UNIX, HI+SOCK_STREAM, 0)', 1, is_fd(libc.raw(S.socket, 1, HI + 1, 0)));
    chk('sendto(s1, buf, 1, HI, 0, 0)', 1, libc.raw(S.sendto, s1, buf, 1, HI, 0, 0));
    chk('listen(s0, HI+1)', E(libc.EINVAL), libc.raw(S.listen, s0, HI + 1));
    chk('epoll_create(HI)', E(libc.EINVAL), libc.raw(S.epoll_create, HI));
    const ep = libc.raw(S.epoll_create1, HI) as number;
    chk('epoll_create1(HI)', 1, is_fd(ep));
    chk('eventfd2(0, HI)', 1, is_fd(libc.raw(S.eventfd2, 0, HI)));
    const efd = libc.raw(S.eventfd2, HI + 1, 0) as number;
    chk('read(eventfd2(HI+1, 0)) is 8 bytes', 8, libc.raw(S.read, efd, buf + 200, 8));
    chk('... holding initval 1', 1, libc.peek_u32(buf + 200) + libc.peek_u32(buf + 204) * HI);
    libc.poke(buf + 300, new Uint8Array(12).fill(0)); libc.poke(buf + 300, new Uint8Array([1, 0, 0, 0]));
    chk('epoll_ctl(ep, ADD, HI+efd)', 0, libc.raw(S.epoll_ctl, ep, 1, HI + efd, buf + 300));
    chk('epoll_ctl(ep, HI+DEL, efd)', 0, libc.raw(S.epoll_ctl, ep, HI + 2, efd, 0));
    chk('pipe2(buf, HI)', 0, libc.raw(S.pipe2, buf, HI));
    chk('getdents64(f, buf, HI+1)', E(libc.ENOTDIR), libc.raw(S.getdents64, f, buf, HI + 1));
    chk('fchmod(HI+f, 0644)', 0, libc.raw(S.fchmod, HI + f, 0o644));
    chk('ftruncate(HI+f, 2)', 0, libc.raw(S.ftruncate, HI + f, 2));
    chk('unlinkat(HI-100, nonexistent, 0)', E(libc.ENOENT), libc.raw(S.unlinkat, HI - 100, str('nonexistent'), 0));
    chk('mkdirat(HI-100, tmp/d1, HI+0700)', 0, libc.raw(S.mkdirat, HI - 100, str('tmp/d1'), HI + 0o700));
    chk('poll(0, HI, 0)', 0, libc.raw(S.poll, 0, HI, 0));
    chk('poll(0, 0, HI)', 0, libc.raw(S.poll, 0, 0, HI));
    chk('epoll_wait(HI+999, ..)', E(libc.EBADF), libc.raw(S.epoll_wait, HI + 999, buf, 1, 0));
    chk('epoll_wait(ep, buf, HI+1, 0)', 0, libc.raw(S.epoll_wait, ep, buf, HI + 1, 0));
    chk('epoll_wait(ep, buf, 1, HI)', 0, libc.raw(S.epoll_wait, ep, buf, 1, HI));
    chk('getrandom(buf, 1, HI)', 1, libc.raw(S.getrandom, buf, 1, HI));
    chk('readv(HI+p0, 0, 0)', 0, libc.raw(S.readv, HI + p0, 0, 0));
    chk('writev(p1, 0, HI)', 0, libc.raw(S.writev, p1, 0, HI));
    chk('close_range(HI+500, HI+600, 0)', 0, libc.raw(S.close_range, HI + 500, HI + 600, 0));
    chk('fsync(HI+f)', 0, libc.raw(S.fsync, HI + f));
    chk('close(HI+999)', E(libc.EBADF), libc.raw(S.close, HI + 999));
    chk('close(HI+50)', 0, libc.raw(S.close, HI + 50));
    return 0;
  });
  const bad = got.filter(([, r, want]) => r !== want).map(([w, r, want]) => `${w}: got ${r}, Linux ${want}`);
  t.is(status, 0);
  t.deepEqual(bad, []);
  t.true(got.length > 60, "every call ran");
});
