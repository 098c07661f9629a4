/**
 * ae.c over epoll (ae_epoll.c), in userland/echo's pattern: file events registered per fd with
 * read/write handlers, time events, a before-sleep hook, and aeProcessEvents as one iteration
 * (the unit `--kerncall yes` runs inside a PrivBox).
 */
import type { Libc } from '../../libc/index.ts';

export const AE_READABLE = 1, AE_WRITABLE = 2;
const MAX_EVENTS = 128;

type FileProc = (fd: number, mask: number) => void;
interface FileEvent { mask: number; rproc: FileProc | null; wproc: FileProc | null }
interface TimeEvent { when: number; proc: () => number }

export class EventLoop {
  readonly epfd: number;
  private readonly events: number;
  private readonly evs = new Uint8Array(MAX_EVENTS * 16);
  private readonly evv = new DataView(this.evs.buffer);
  private readonly fevents = new Map<number, FileEvent>();
  private readonly tevents: TimeEvent[] = [];
  stop = false;
  /** Called before every wait; may shorten it (a return ≥ 0 is a timeout in ms). */
  beforesleep: () => Promise<void> | void = () => {};
  /** Milliseconds until something other than an fd needs the loop (blocked-client timeouts). */
  next_deadline: () => number = () => -1;

  constructor(private readonly libc: Libc) {
    this.epfd = libc.epoll_create1(libc.EPOLL_CLOEXEC) as number;
    this.events = libc.malloc(MAX_EVENTS * libc.EPOLL_EVENT_SIZE);
  }

  /** aeCreateFileEvent: adds mask to what the fd is watched for. */
  create_file_event(fd: number, mask: number, proc: FileProc): boolean {
    const fe = this.fevents.get(fd) ?? { mask: 0, rproc: null, wproc: null };
    const op = fe.mask === 0 ? this.libc.EPOLL_CTL_ADD : this.libc.EPOLL_CTL_MOD;
    const nmask = fe.mask | mask;
    if ((this.libc.epoll_ctl_ev(this.epfd, op, fd, this.epoll_bits(nmask), fd) as number) < 0) return false;
    fe.mask = nmask;
    if (mask & AE_READABLE) fe.rproc = proc;
    if (mask & AE_WRITABLE) fe.wproc = proc;
    this.fevents.set(fd, fe);
    return true;
  }

  delete_file_event(fd: number, mask: number): void {
    const fe = this.fevents.get(fd);
    if (!fe) return;
    fe.mask &= ~mask;
    if (fe.mask === 0) { this.libc.epoll_ctl_ev(this.epfd, this.libc.EPOLL_CTL_DEL, fd, 0, fd); this.fevents.delete(fd); return; }
    this.libc.epoll_ctl_ev(this.epfd, this.libc.EPOLL_CTL_MOD, fd, this.epoll_bits(fe.mask), fd);
  }

  private epoll_bits(mask: number): number {
    return (mask & AE_READABLE ? this.libc.EPOLLIN : 0) | (mask & AE_WRITABLE ? this.libc.EPOLLOUT : 0);
  }

  create_time_event(ms: number, proc: () => number): void { this.last = this.clock(); this.tevents.push({ when: this.last + ms, proc }); }

  /** The loop's clock (ms), read once per iteration after the wait: one clock_gettime, not one per use. */
  private last = 0;
  clock: () => number = () => (this.libc.clock_ns(this.libc.CLOCK_REALTIME) as number) / 1e6;
  private now(): number { return this.last; }

  /** aeProcessEvents: before-sleep, one epoll_wait, the ready handlers, the due timers. */
  async process_events(): Promise<number> {
    await this.beforesleep();
    const timeout = this.wait_timeout();
    const libc = this.libc, esz = libc.EPOLL_EVENT_SIZE, doff = esz === 12 ? 4 : 8;
    const n = (await libc.epoll_wait(this.epfd, this.events, MAX_EVENTS, timeout)) as number;
    this.last = this.clock();
    if (n > 0) {
      libc.peek_into(this.events, this.evs, 0, n * esz);
      for (let i = 0; i < n; i++) {
        const ev = this.evv.getUint32(i * esz, true), fd = this.evv.getUint32(i * esz + doff, true);
        this.fire(fd, ev);
      }
    }
    this.process_time_events();
    return n < 0 ? 0 : n;
  }

  private fire(fd: number, ev: number): void {
    const libc = this.libc;
    let fe = this.fevents.get(fd);
    if (fe && fe.mask & AE_READABLE && ev & (libc.EPOLLIN | libc.EPOLLHUP | libc.EPOLLERR)) fe.rproc!(fd, AE_READABLE);
    fe = this.fevents.get(fd);
    if (fe && fe.mask & AE_WRITABLE && ev & (libc.EPOLLOUT | libc.EPOLLHUP | libc.EPOLLERR)) fe.wproc!(fd, AE_WRITABLE);
  }

  private wait_timeout(): number {
    let t = -1;
    if (this.tevents.length && this.last > 0) {
      const now = this.now();
      let first = Infinity;
      for (const e of this.tevents) if (e.when < first) first = e.when;
      t = Math.max(0, Math.ceil(first - now));
    }
    const d = this.next_deadline();
    if (d >= 0 && (t < 0 || d < t)) t = d;
    return t;
  }

  private process_time_events(): void {
    if (!this.tevents.length) return;
    const now = this.now();
    for (const te of this.tevents) {
      if (te.when > now) continue;
      const again = te.proc();
      te.when = now + again;
    }
  }
}
