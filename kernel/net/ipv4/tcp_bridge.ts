/**
 * TCP, carried by the host (privos's stand-in for net/ipv4/tcp.c): each emulated TCP socket is
 * backed by a Node socket on the host's loopback. Host events are the interrupts: received
 * data is queued without copying (bounded by the receive buffer: the host socket is paused when
 * full and resumed when drained), FIN/RST set the shutdown bits and the error, and every change
 * wakes the socket's wait queue. tcp_sendmsg/tcp_recvmsg/tcp_poll follow Linux's shapes.
 */
import type { Socket as HostSocket } from 'node:net';
import * as errno from '../../include/uapi/errno.ts';
import { EFAULT, EINVAL, ENOTCONN, EPIPE } from '../../include/uapi/errno.ts';
import { MSG_DONTWAIT, MSG_OOB, MSG_PEEK, MSG_WAITALL } from '../../include/uapi/socket.ts';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRNORM } from '../../fs/poll_types.ts';
import type { SysRet } from '../../fs/fs_types.ts';
import type { Task } from '../../sched/task.ts';
import type { IovIter } from '../core/iov_iter.ts';
import { SkBuff } from '../core/skbuff.ts';
import {
  Sock, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, SOCK_RCVBUF_LOCK, SOCK_SNDBUF_LOCK, TCP_CLOSE, TCP_ESTABLISHED,
  TCP_LISTEN, TCP_SYN_SENT, TCP_CLOSE_WAIT, sk_epipe, sk_stream_error, sk_wait, sock_error,
} from '../core/sock.ts';
import type { InetAddr } from './inet_addr.ts';
import type { PortOwner } from './inet_hashtables.ts';
import { sys_then } from '../../sched/wait.ts';
import { host_rx_copy } from './tcp_host.ts';
import { C } from '../../time/cost.ts';

/** net.ipv4.tcp_wmem / tcp_rmem: [min, default, max]; autotuning grows to max unless locked. */
export const TCP_WMEM = [4096, 16384, 4194304] as const;
export const TCP_RMEM = [4096, 131072, 6291456] as const;

/** struct inet_sock / tcp_sock, with the host socket behind it. */
export class InetSock extends Sock implements PortOwner {
  local: InetAddr | null = null;
  /** On its port's bind bucket (inet_hashtables.ts), and the uid that owns it there. */
  hashed = false;
  owner_uid = 0;
  readonly time_wait = false;
  /** This end sent its FIN before the peer's arrived (closing then leaves TIME_WAIT), and the peer's FIN came. */
  fin_first = false; peer_fin = false;
  remote: InetAddr | null = null;
  /** The guest port is published on this host port (bind), for connects from inside. */
  host_port = 0;
  host: HostSocket | null = null;
  readonly accept_queue: InetSock[] = [];
  /**
   * Host connections whose SYN the listener dropped because its accept queue was full: each
   * waits, paused and invisible to accept, for its client's next SYN retransmission.
   */
  readonly syn_retry = new Map<HostSocket, ReturnType<typeof setTimeout>>();
  paused = false;
  nodelay = false;
  was_connected = false;
  /** TCP options kept for getsockopt (TCP_KEEPIDLE, …), by number. */
  readonly tcp_opts = new Map<number, number>();

  constructor(family: number, type: number, protocol: number) {
    super(family, type, protocol);
    this.sk_sndbuf = TCP_WMEM[1];
    this.sk_rcvbuf = TCP_RMEM[1];
  }

  /** Bytes the send side may hold before writers block (sk_stream_memory_free). */
  get snd_limit(): number { return this.sk_userlocks & SOCK_SNDBUF_LOCK ? this.sk_sndbuf : TCP_WMEM[2]; }
  get rcv_limit(): number { return this.sk_rcvbuf; }

  // ---- host "interrupts" (bound once per socket; no per-event allocation beyond the queue slot) ----
  /** A read through `onread` (tcp_host.ts): its bytes, copied out of the shared buffer, are queued. */
  readonly on_read = (n: number): boolean => { this.on_data(host_rx_copy(n)); return true; };
  readonly on_data = (b: Buffer): void => {
    if (this.dead) { this.host?.resetAndDestroy(); return; }
    this.sk_receive_queue.queue_tail(new SkBuff(b));
    if (this.sk_receive_queue.bytes >= this.rcv_limit && !this.paused) { this.paused = true; this.host!.pause(); }
    this.wake();
  };
  readonly on_end = (): void => { this.peer_fin = true; this.sk_shutdown |= RCV_SHUTDOWN; this.sk_state = this.sk_state === TCP_ESTABLISHED ? TCP_CLOSE_WAIT : this.sk_state; this.wake(); };
  readonly on_error = (e: NodeJS.ErrnoException): void => {
    if (e === this.reported) return; // already taken by a failed synchronous write
    const code = host_errno(e);
    // tcp_reset(): EPIPE once the peer had closed its side, ECONNRESET otherwise; refused connects keep their code.
    this.sk_err = this.sk_state === TCP_SYN_SENT ? code : (code === errno.ECONNRESET && this.sk_shutdown & RCV_SHUTDOWN ? EPIPE : code);
    this.sk_shutdown = SHUTDOWN_MASK;
    this.sk_state = TCP_CLOSE;
    this.wake();
  };
  readonly on_close = (): void => { this.sk_shutdown = SHUTDOWN_MASK; if (this.sk_state !== TCP_LISTEN) this.sk_state = TCP_CLOSE; this.wake(); };
  readonly on_written = (): void => { if (this.sk_wq.active) this.wake(); };

  /** The host error a synchronous write failure already applied (its 'error' event follows). */
  reported: Error | null = null;

  /** Unhooks the current host socket (its late events must not touch a reconnected sock). */
  detach(): void {
    const h = this.host;
    if (!h) return;
    h.off('data', this.on_data); h.off('end', this.on_end); h.off('error', this.on_error); h.off('close', this.on_close);
    h.on('error', ignore);
    if (!h.destroyed) h.resetAndDestroy();
    this.host = null;
  }

  /** Connects the host socket's events to this sock; one made with host_onread(on_read) delivers no 'data'. */
  attach(h: HostSocket, onread: boolean): void {
    this.host = h;
    if (!onread) h.on('data', this.on_data);
    h.on('end', this.on_end);
    h.on('error', this.on_error);
    h.on('close', this.on_close);
  }
}

const ignore = (): void => {};

/** The errno for a host error ('ECONNREFUSED' → 111). */
export function host_errno(e: NodeJS.ErrnoException): number {
  const v = (errno as unknown as Record<string, unknown>)[e.code ?? ''];
  return typeof v === 'number' ? v : errno.EIO;
}

/** sk_stream_wait_connect(): the connection state a send or receive needs. */
function stream_ready(sk: InetSock): boolean {
  return sk.sk_state !== TCP_SYN_SENT;
}

/**
 * Sends are copied into one reusable buffer instead of a fresh allocation each (malloc, GC of
 * external memory; Node's own 8 KiB pool costs a new ArrayBuffer every few small sends): it is
 * handed out again only once the host socket took a send from it synchronously and whole.
 */
const SPARE_SIZE = 1 << 16;
/** The free send buffer, the one lent to the send in progress, and the last view of one handed out. */
let spare: Buffer | null = null, lent: Buffer | null = null, view: Buffer | null = null;

function send_buffer(n: number): Buffer {
  const b = spare && spare.length >= n ? spare : Buffer.allocUnsafeSlow(n > SPARE_SIZE ? n : SPARE_SIZE);
  spare = null; lent = b;
  if (b.length === n) return b;
  // A server answering same-sized messages sends through the same view again, allocating nothing.
  if (view === null || view.buffer !== b.buffer || view.length !== n) view = b.subarray(0, n);
  return view;
}

/** The host took buf whole and synchronously: its storage is free again. */
function send_buffer_done(buf: Buffer): void {
  if (lent && buf.buffer === lent.buffer) spare = lent;
  lent = null;
}

/** tcp_sendmsg() */
export function tcp_sendmsg(sk: InetSock, t: Task, it: IovIter, flags: number, sent = 0): SysRet {
  const nonblock = (flags & MSG_DONTWAIT) !== 0;
  if (sk.sk_state === TCP_SYN_SENT) return send_wait_connect(sk, t, it, flags, sent, nonblock);
  while (it.count > 0) {
    if (sk.sk_err) return sent || sk_stream_error(t, flags, sock_error(sk));
    const h = sk.host;
    if (!h || sk.sk_shutdown & SEND_SHUTDOWN || !sk.was_connected || h.destroyed) return sent || sk_epipe(t, flags);
    const space = sk.snd_limit - h.writableLength;
    if (space <= 0) return send_wait_space(sk, t, it, flags, sent, nonblock, h);
    const n = Math.min(space, it.count, 1 << 20);
    const buf = send_buffer(n);
    const c = it.copy_from(t, buf, 0, n);
    // The kernel's work for a send, once per call that sends (docs/cost-model.md, the network path).
    if (sent === 0 && c > 0) t.kernel.cpu.charge(C.tcp_sendmsg);
    // Ask the host for a completion only near the limit: a writer blocked at the limit is
    // always woken by the completion of the write that crossed it.
    if (c > 0) {
      const data = c === n ? buf : buf.subarray(0, c), queued = h.writableLength;
      if (queued + c >= sk.snd_limit >> 1) h.write(data, sk.on_written); else h.write(data);
      if (h.errored) return sent || tcp_write_failed(sk, t, flags, h); // set synchronously; destroyed comes later
      // Nothing more queued: the host took the bytes at once and holds no reference to them.
      if (h.writableLength === queued) send_buffer_done(buf);
    }
    sent += c;
    if (c < n) return sent || -EFAULT;
  }
  return sent;
}

// The waits live in functions of their own: closures in tcp_sendmsg/recv_loop would make V8
// allocate a context for their captured variables on every call, waiting or not.

function send_wait_connect(sk: InetSock, t: Task, it: IovIter, flags: number, sent: number, nonblock: boolean): SysRet {
  const w = sk_wait(t, sk, nonblock, () => stream_ready(sk), sk.sk_sndtimeo);
  return sys_then(t, w, (e) => (e ? e : tcp_sendmsg(sk, t, it, flags, sent)));
}

function send_wait_space(sk: InetSock, t: Task, it: IovIter, flags: number, sent: number, nonblock: boolean, h: HostSocket): SysRet {
  const w = sk_wait(t, sk, nonblock, () => sk.snd_limit - h.writableLength > 0 || sk.sk_err !== 0 || h.destroyed || (sk.sk_shutdown & SEND_SHUTDOWN) !== 0, sk.sk_sndtimeo);
  if (typeof w === 'number') return sent || w;
  return sys_then(t, w, (e) => (e ? sent || e : tcp_sendmsg(sk, t, it, flags, sent)));
}

function recv_wait(sk: InetSock, t: Task, it: IovIter, flags: number, target: number, copied: number): SysRet {
  const rq = sk.sk_receive_queue;
  const w = sk_wait(t, sk, (flags & MSG_DONTWAIT) !== 0, () => !rq.empty || sk.sk_err !== 0 || (sk.sk_shutdown & RCV_SHUTDOWN) !== 0, sk.sk_rcvtimeo);
  if (typeof w === 'number') return copied || w;
  return sys_then(t, w, (e) => (e ? copied || e : recv_loop(sk, t, it, flags, target, copied)));
}

/**
 * The host refused a write at once (the peer's RST had arrived: Node destroys the socket
 * synchronously and emits 'error' later). Apply it as tcp_reset() would and report it now.
 */
function tcp_write_failed(sk: InetSock, t: Task, flags: number, h: HostSocket): number {
  const e = h.errored as NodeJS.ErrnoException | null;
  if (e) { sk.on_error(e); sk.reported = e; } else sk.on_close();
  const err = sock_error(sk);
  return sk_stream_error(t, flags, err || -EPIPE);
}

/** tcp_recvmsg() */
export function tcp_recvmsg(sk: InetSock, t: Task, it: IovIter, flags: number): SysRet {
  if (sk.sk_state === TCP_LISTEN) return -ENOTCONN;
  if (flags & MSG_OOB) return -EINVAL;
  const target = flags & MSG_WAITALL ? it.count : Math.min(sk.sk_rcvlowat, it.count);
  return recv_loop(sk, t, it, flags, target, 0);
}

function recv_loop(sk: InetSock, t: Task, it: IovIter, flags: number, target: number, copied: number): SysRet {
  const rq = sk.sk_receive_queue, peek = (flags & MSG_PEEK) !== 0;
  let idx = 0;
  while (it.count > 0) {
    const skb = peek ? rq.at(idx) : rq.peek();
    if (!skb) {
      if (copied >= target || (peek && copied)) break;
      if (sk.sk_err) return copied || sock_error(sk);
      if (sk.sk_shutdown & RCV_SHUTDOWN) break;
      if (sk.sk_state === TCP_CLOSE) return copied || -ENOTCONN; // never connected, or disconnected
      return recv_wait(sk, t, it, flags, target, copied);
    }
    const n = Math.min(skb.len, it.count);
    const c = it.copy_to(t, skb.data, skb.off, n);
    if (copied === 0 && c > 0) t.kernel.cpu.charge(C.tcp_recvmsg); // once per call that returns data
    copied += c;
    if (c < n) return copied || -EFAULT;
    if (peek) idx++; else rq.consume_head(n);
  }
  if (sk.paused && rq.bytes < sk.rcv_limit) { tcp_rcv_space_adjust(sk); sk.paused = false; sk.host?.resume(); }
  return copied;
}

/**
 * tcp_rcv_space_adjust(), coarsely: a reader that drained a full receive buffer keeps up, so
 * the buffer doubles (up to tcp_rmem[2]) unless SO_RCVBUF fixed it. Linux sizes it from the
 * bytes copied per RTT; a reader that does not read never grows it, as here.
 */
function tcp_rcv_space_adjust(sk: InetSock): void {
  if (!(sk.sk_userlocks & SOCK_RCVBUF_LOCK) && sk.sk_rcvbuf < TCP_RMEM[2]) sk.sk_rcvbuf = Math.min(sk.sk_rcvbuf * 2, TCP_RMEM[2]);
}

/** tcp_poll() */
export function tcp_poll(sk: InetSock): number {
  const state = sk.sk_state;
  if (state === TCP_LISTEN) return sk.accept_queue.length ? POLLIN | POLLRDNORM : 0;
  let mask = 0;
  if (sk.sk_shutdown === SHUTDOWN_MASK || state === TCP_CLOSE) mask |= POLLHUP;
  if (sk.sk_shutdown & RCV_SHUTDOWN) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
  if (state !== TCP_SYN_SENT) {
    if (sk.sk_receive_queue.bytes >= sk.sk_rcvlowat) mask |= POLLIN | POLLRDNORM;
    if (sk.sk_shutdown & SEND_SHUTDOWN) mask |= POLLOUT | POLLWRNORM;
    else if (sk.host && sk.host.writableLength < sk.snd_limit) mask |= POLLOUT | POLLWRNORM;
    else if (!sk.host) mask |= POLLOUT | POLLWRNORM;
  }
  if (sk.sk_err) mask |= POLLERR;
  return mask;
}

