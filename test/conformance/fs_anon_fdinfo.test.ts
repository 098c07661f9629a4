/** Conformance: what /proc/PID/fd and /proc/PID/fdinfo say about anonymous-inode files, pipes and memfds. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

/**
 * FDI prints /proc/self/fdinfo/FD without the lines that name machine-specific numbers (mnt_id,
 * ino, eventfd-id) and cuts an epoll "tfd:" line before its target's inode and device.
 * LNK prints a /proc/self/fd link with the inode number of "type:[ino]" links replaced by N.
 */
export const FDINFO_HELPERS = String.raw`
#include <sys/eventfd.h>
#include <sys/epoll.h>
static void FDI(const char *l, int fd) {
  char p[64], b[4096]; snprintf(p, sizeof p, "/proc/self/fdinfo/%d", fd); int f = open(p, O_RDONLY); if (f < 0) { pr_err(l); return; }
  int n = read(f, b, sizeof b - 1); close(f); b[n > 0 ? n : 0] = 0;
  for (char *s = strtok(b, "\n"); s; s = strtok(0, "\n")) {
    if (!strncmp(s, "mnt_id:", 7) || !strncmp(s, "ino:", 4) || !strncmp(s, "eventfd-id:", 11)) continue;
    char *c = strstr(s, " ino:"); if (!strncmp(s, "tfd:", 4) && c) *c = 0;
    printf("%s: %s\n", l, s);
  }
}
static void LNK(const char *l, int fd) {
  char p[64], b[512]; snprintf(p, sizeof p, "/proc/self/fd/%d", fd); int n = readlink(p, b, sizeof b - 1); if (n < 0) { pr_err(l); return; } b[n] = 0;
  char *o = strstr(b, ":["); if (o && o[2] >= '0' && o[2] <= '9') strcpy(o + 2, "N]");
  printf("%s: %s\n", l, b);
}
`;

export async function fdi(p: P, l: Libc, label: string, fd: number): Promise<void> {
  const f = await l.open(`/proc/self/fdinfo/${fd}`, l.O_RDONLY) as number;
  if (f < 0) { p.err(label); return; }
  const b = new Uint8Array(4096); const n = await l.read(f, b, 4095) as number; await l.close(f);
  for (let s of new TextDecoder().decode(b.subarray(0, Math.max(n, 0))).split('\n')) {
    if (!s || s.startsWith('mnt_id:') || s.startsWith('ino:') || s.startsWith('eventfd-id:')) continue;
    const c = s.indexOf(' ino:'); if (s.startsWith('tfd:') && c >= 0) s = s.slice(0, c);
    p.out(`${label}: ${s}`);
  }
}

export async function lnk(p: P, l: Libc, label: string, fd: number): Promise<void> {
  const n = await l.readlink(`/proc/self/fd/${fd}`, p.buf, 511) as number;
  if (n < 0) { p.err(label); return; }
  p.out(`${label}: ${new TextDecoder().decode(l.peek(p.buf, n)).replace(/:\[\d+\]/, ':[N]')}`);
}

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
      const e = await l.eventfd(3, 0o4000) as number; const ep = await l.epoll_create1(l.O_CLOEXEC) as number; await l.epoll_ctl_ev(ep, 1, e, l.POLLIN | (1 << 31), 0x1234567890);
      await lnk(p, l, 'eventfd', e); await lnk(p, l, 'epoll', ep); await p.s('eventfd_stat', l.fstat(e, p.st)); await p.s('epoll_stat', l.fstat(ep, p.st)); await fdi(p, l, 'eventfd_info', e); await fdi(p, l, 'epoll_info', ep);
      const v = l.malloc(8); l.poke_u64(v, 2 ** 32); await l.write(e, v, 8); await fdi(p, l, 'eventfd_big', e); const s = await l.eventfd(0, 1 | l.O_CLOEXEC) as number; await fdi(p, l, 'sem', s);
      await l.pipe2(p.st, l.O_NONBLOCK); const r = l.peek_i32(p.st), w = l.peek_i32(p.st + 4); await lnk(p, l, 'pipe', r); await fdi(p, l, 'pipe_w', w); await l.write(w, 'abc'); await fdi(p, l, 'pipe_r', r);
      const f = await l.open('f', l.O_CREAT | l.O_RDWR | l.O_APPEND, 0o644) as number; await l.write(f, 'hello'); await fdi(p, l, 'file', f);
      await p.s('fdinfo_file', l.stat('/proc/self/fdinfo/3', p.st)); await p.s('fdinfo_dir', l.stat('/proc/self/fdinfo', p.st));
      await p.r('fdinfo_closed', l.open('/proc/self/fdinfo/99', l.O_RDONLY)); await p.s('fdinfo_epoll', l.stat('/proc/self/fdinfo/4', p.st));
    },
    arch_specific: true, // the regular file's flags show O_LARGEFILE, whose value differs on arm64
  },
];

conformance(test, 'fs_anon_fdinfo', cases);
