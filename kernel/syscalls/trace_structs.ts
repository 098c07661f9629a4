/**
 * strace's decoders for the structs servers pass most: struct stat (print_struct_stat, non-verbose
 * as strace prints by default), struct pollfd (decode_poll_entering / decode_poll_exiting) and
 * struct epoll_event (print_epoll_event). Layouts follow each architecture's uapi: x86_64's
 * struct stat and its packed 12-byte epoll_event; arm64's asm-generic stat and 16-byte event.
 */
import type { Task } from '../sched/task.ts';
import { signal_name } from '../include/uapi/signal.ts';
import { flags, fmt_ptr, peek_user_quiet } from './trace_util.ts';

const POLL_EVENTS: readonly [number, string][] = [[1, 'POLLIN'], [2, 'POLLPRI'], [4, 'POLLOUT'], [8, 'POLLERR'], [0x10, 'POLLHUP'],
  [0x20, 'POLLNVAL'], [0x40, 'POLLRDNORM'], [0x80, 'POLLRDBAND'], [0x100, 'POLLWRNORM'], [0x200, 'POLLWRBAND'],
  [0x400, 'POLLMSG'], [0x2000, 'POLLRDHUP']];
const EPOLL_EVENTS: readonly [number, string][] = [[1, 'EPOLLIN'], [2, 'EPOLLPRI'], [4, 'EPOLLOUT'], [8, 'EPOLLERR'], [0x10, 'EPOLLHUP'],
  [0x40, 'EPOLLRDNORM'], [0x80, 'EPOLLRDBAND'], [0x100, 'EPOLLWRNORM'], [0x200, 'EPOLLWRBAND'], [0x400, 'EPOLLMSG'],
  [0x2000, 'EPOLLRDHUP'], [1 << 28, 'EPOLLEXCLUSIVE'], [1 << 29, 'EPOLLWAKEUP'], [1 << 30, 'EPOLLONESHOT'], [0x80000000, 'EPOLLET']];
/** strace prints at most this many array elements (-s's sibling, max_strlen for arrays). */
const MAX_ELEMS = 32;

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u64 = (dv: DataView, off: number): number => dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;

/** st_mode as `S_IFREG|S_ISUID|0755` (sprintmode). */
function fmt_mode(mode: number): string {
  const type = ['', 'S_IFIFO', 'S_IFCHR', '', 'S_IFDIR', '', 'S_IFBLK', '', 'S_IFREG', '', 'S_IFLNK', '', 'S_IFSOCK'][(mode >> 12) & 0xf];
  const bits = [type, mode & 0o4000 ? 'S_ISUID' : '', mode & 0o2000 ? 'S_ISGID' : '', mode & 0o1000 ? 'S_ISVTX' : ''].filter(Boolean);
  return [...bits, '0' + (mode & 0o777).toString(8).padStart(2, '0')].join('|');
}

/** `makedev(0x1, 0x3)`: Linux's dev_t split (MAJOR/MINOR of the new 32-bit encoding). */
function fmt_dev(lo: number, hi: number): string {
  const major = ((lo >>> 8) & 0xfff) | (hi & ~0xfff), minor = (lo & 0xff) | ((lo >>> 12) & ~0xff);
  return `makedev(0x${(major >>> 0).toString(16)}, 0x${(minor >>> 0).toString(16)})`;
}

/** struct stat after a successful call: `{st_mode=S_IFREG|0644, st_size=3, ...}`. */
export function fmt_stat(t: Task, addr: number): string {
  const b = peek_user_quiet(t, addr, 64);
  if (!b || b.length < 64) return fmt_ptr(addr);
  const dv = view(b), x86 = t.kernel.arch.name === 'x86_64';
  const mode = dv.getUint32(x86 ? 24 : 16, true), rdev = x86 ? 40 : 32;
  const kind = mode & 0o170000;
  const second = kind === 0o020000 || kind === 0o060000
    ? `st_rdev=${fmt_dev(dv.getUint32(rdev, true), dv.getUint32(rdev + 4, true))}` : `st_size=${u64(dv, 48)}`;
  return `{st_mode=${fmt_mode(mode)}, ${second}, ...}`;
}

function pollfds(t: Task, addr: number, n: number): DataView | null {
  if (n <= 0) return null;
  const b = peek_user_quiet(t, addr, Math.min(n, MAX_ELEMS) * 8);
  return b && b.length >= 8 ? view(b) : null;
}

/** The array poll(2) is given: `[{fd=4, events=POLLIN}, {fd=5, events=POLLIN|POLLOUT}]`. */
export function fmt_pollfds(t: Task, addr: number, n: number): string {
  const dv = pollfds(t, addr, n);
  if (!dv) return n === 0 ? '[]' : fmt_ptr(addr);
  const out: string[] = [];
  for (let i = 0; i + 8 <= dv.byteLength; i += 8) out.push(`{fd=${dv.getInt32(i, true)}, events=${flags(dv.getInt16(i + 4, true) & 0xffff, POLL_EVENTS)}}`);
  return `[${out.join(', ')}${n > MAX_ELEMS ? ', ...' : ''}]`;
}

/** What poll(2) returned, after ` = N`: ` ([{fd=4, revents=POLLIN}])` for the entries that fired. */
export function fmt_poll_revents(t: Task, addr: number, n: number): string {
  const dv = pollfds(t, addr, n);
  if (!dv) return '';
  const out: string[] = [];
  for (let i = 0; i + 8 <= dv.byteLength; i += 8) {
    const rev = dv.getInt16(i + 6, true) & 0xffff;
    if (rev) out.push(`{fd=${dv.getInt32(i, true)}, revents=${flags(rev, POLL_EVENTS)}}`);
  }
  return out.length ? ` ([${out.join(', ')}])` : '';
}

function epoll_event_at(dv: DataView, off: number, x86: boolean): string {
  const data = x86 ? off + 4 : off + 8;
  return `{events=${flags(dv.getUint32(off, true), EPOLL_EVENTS)}, data={u32=${dv.getUint32(data, true)}, u64=${u64(dv, data)}}}`;
}

/** One struct epoll_event (epoll_ctl's argument). */
export function fmt_epoll_event(t: Task, addr: number): string {
  const x86 = t.kernel.arch.name === 'x86_64', size = x86 ? 12 : 16;
  const b = addr ? peek_user_quiet(t, addr, size) : null;
  return b && b.length === size ? epoll_event_at(view(b), 0, x86) : fmt_ptr(addr);
}

/** The n events epoll_wait(2) filled in: `[{events=EPOLLIN, data={u32=7, u64=7}}]`. */
export function fmt_epoll_events(t: Task, addr: number, n: number): string {
  const x86 = t.kernel.arch.name === 'x86_64', size = x86 ? 12 : 16;
  if (n <= 0) return n === 0 ? '[]' : fmt_ptr(addr);
  const b = peek_user_quiet(t, addr, Math.min(n, MAX_ELEMS) * size);
  if (!b || b.length < size) return fmt_ptr(addr);
  const dv = view(b), out: string[] = [];
  for (let off = 0; off + size <= b.length; off += size) out.push(epoll_event_at(dv, off, x86));
  return `[${out.join(', ')}${n > MAX_ELEMS ? ', ...' : ''}]`;
}

/** The int[2] pipe(2) and socketpair(2) fill: `[3, 4]`. */
export function fmt_fdpair(t: Task, addr: number): string {
  const b = peek_user_quiet(t, addr, 8);
  if (!b || b.length < 8) return fmt_ptr(addr);
  const dv = view(b);
  return `[${dv.getInt32(0, true)}, ${dv.getInt32(4, true)}]`;
}

const SA_FLAGS: readonly [number, string][] = [[1, 'SA_NOCLDSTOP'], [2, 'SA_NOCLDWAIT'], [4, 'SA_SIGINFO'], [0x04000000, 'SA_RESTORER'],
  [0x08000000, 'SA_ONSTACK'], [0x10000000, 'SA_RESTART'], [0x40000000, 'SA_NODEFER'], [0x80000000, 'SA_RESETHAND']];
const SA_RESTORER = 0x04000000;

/** A sigset as strace prints it: `[]`, `[INT TERM]` (names without SIG), `~[KILL STOP]` when most are set. */
function fmt_sigset(lo: number, hi: number): string {
  const set: number[] = [], unset: number[] = [];
  for (let sig = 1; sig <= 64; sig++) (((sig <= 32 ? lo >>> (sig - 1) : hi >>> (sig - 33)) & 1) ? set : unset).push(sig);
  const names = (l: number[]): string => l.map((s) => signal_name(s).replace(/^SIG/, '')).join(' ');
  return set.length > 32 ? `~[${names(unset)}]` : `[${names(set)}]`;
}

/** struct sigaction (the kernel's: handler, flags, restorer, mask), as rt_sigaction(2) takes it. */
export function fmt_sigaction(t: Task, addr: number): string {
  const b = addr ? peek_user_quiet(t, addr, 32) : null;
  if (!b || b.length < 32) return fmt_ptr(addr);
  const dv = view(b), h = u64(dv, 0), fl = dv.getUint32(8, true);
  const handler = h === 0 ? 'SIG_DFL' : h === 1 ? 'SIG_IGN' : fmt_ptr(h);
  const restorer = fl & SA_RESTORER ? `, sa_restorer=${fmt_ptr(u64(dv, 16))}` : '';
  return `{sa_handler=${handler}, sa_mask=${fmt_sigset(dv.getUint32(24, true), dv.getUint32(28, true))}, sa_flags=${flags(fl, SA_FLAGS)}${restorer}}`;
}
