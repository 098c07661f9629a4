/** Shared helpers of the conformance cases that read /proc/self/fd links and /proc/self/fdinfo. */
import type { Libc } from '../../libc/index.ts';
import type { P } from './harness.ts';

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
  const f = await l.open(`/proc/self/fdinfo/${fd}`, l.O_RDONLY);
  if (f < 0) { p.err(label); return; }
  const b = new Uint8Array(4096);
  const n = await l.read(f, b, 4095);
  await l.close(f);
  for (let s of new TextDecoder().decode(b.subarray(0, Math.max(n, 0))).split('\n')) {
    if (!s || s.startsWith('mnt_id:') || s.startsWith('ino:') || s.startsWith('eventfd-id:')) continue;
    const c = s.indexOf(' ino:');
    if (s.startsWith('tfd:') && c >= 0) s = s.slice(0, c);
    p.out(`${label}: ${s}`);
  }
}

export async function lnk(p: P, l: Libc, label: string, fd: number): Promise<void> {
  const n = await l.readlink(`/proc/self/fd/${fd}`, p.buf, 511);
  if (n < 0) { p.err(label); return; }
  p.out(`${label}: ${new TextDecoder().decode(l.peek(p.buf, n)).replace(/:\[\d+\]/, ':[N]')}`);
}

