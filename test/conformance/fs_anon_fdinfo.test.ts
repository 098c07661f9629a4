/** Conformance: what /proc/PID/fd and /proc/PID/fdinfo say about anonymous-inode files, pipes and memfds. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';
import { FDINFO_HELPERS, fdi, lnk } from './fdinfo_util.ts';

const cases: ConfCase[] = [
  {
    name: 'anon_inode_links_and_fdinfo', c_globals: FDINFO_HELPERS,
    c: `int e = eventfd(3, EFD_NONBLOCK); int ep = epoll_create1(EPOLL_CLOEXEC); struct epoll_event ev = { .events = EPOLLIN|EPOLLET, .data.u64 = 0x1234567890ULL }; epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev);
        LNK("eventfd", e); LNK("epoll", ep); S("eventfd_stat", fstat(e, &st)); S("epoll_stat", fstat(ep, &st)); FDI("eventfd_info", e); FDI("epoll_info", ep);
        eventfd_write(e, 0x100000000ULL); FDI("eventfd_big", e); int s = eventfd(0, EFD_SEMAPHORE|EFD_CLOEXEC); FDI("sem", s);
        int p[2]; pipe2(p, O_NONBLOCK); LNK("pipe", p[0]); FDI("pipe_w", p[1]); write(p[1], "abc", 3); FDI("pipe_r", p[0]);
        int f = open("f", O_CREAT|O_RDWR|O_APPEND, 0644); write(f, "hello", 5); FDI("file", f); S("fdinfo_file", stat("/proc/self/fdinfo/3", &st)); S("fdinfo_dir", stat("/proc/self/fdinfo", &st));
        R("fdinfo_closed", open("/proc/self/fdinfo/99", O_RDONLY)); S("fdinfo_epoll", stat("/proc/self/fdinfo/4", &st));`,
    run: async (p, l) => {
      const e = await l.eventfd(3, 0o4000);
      const ep = await l.epoll_create1(l.O_CLOEXEC);
      await l.epoll_ctl_ev(ep, 1, e, l.POLLIN | (1 << 31), 0x1234567890);
      await lnk(p, l, 'eventfd', e);
      await lnk(p, l, 'epoll', ep);
      await p.s('eventfd_stat', l.fstat(e, p.st));
      await p.s('epoll_stat', l.fstat(ep, p.st));
      await fdi(p, l, 'eventfd_info', e);
      await fdi(p, l, 'epoll_info', ep);
      const v = l.malloc(8);
      l.poke_u64(v, 2 ** 32);
      await l.write(e, v, 8);
      await fdi(p, l, 'eventfd_big', e);
      const s = await l.eventfd(0, 1 | l.O_CLOEXEC);
      await fdi(p, l, 'sem', s);
      await l.pipe2(p.st, l.O_NONBLOCK);
      const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4);
      await lnk(p, l, 'pipe', r);
      await fdi(p, l, 'pipe_w', w);
      await l.write(w, 'abc');
      await fdi(p, l, 'pipe_r', r);
      const f = await l.open('f', l.O_CREAT | l.O_RDWR | l.O_APPEND, 0o644);
      await l.write(f, 'hello');
      await fdi(p, l, 'file', f);
      await p.s('fdinfo_file', l.stat('/proc/self/fdinfo/3', p.st));
      await p.s('fdinfo_dir', l.stat('/proc/self/fdinfo', p.st));
      await p.r('fdinfo_closed', l.open('/proc/self/fdinfo/99', l.O_RDONLY));
      await p.s('fdinfo_epoll', l.stat('/proc/self/fdinfo/4', p.st));
    },
    arch_specific: true, // the regular file's flags show O_LARGEFILE, whose value differs on arm64
  },
];

conformance(test, 'fs_anon_fdinfo', cases);
