/**
 * struct sock, the protocol-independent half of a socket (include/net/sock.h, net/core/sock.c):
 * state, shutdown bits, the pending error, buffer limits, the wait queue, the receive queue,
 * and the SOL_SOCKET options every family shares.
 */
import { EAGAIN, EDOM, EFAULT, EINTR, EINVAL, ENOPROTOOPT, EPIPE } from '../../include/uapi/errno.ts';
import { SIGPIPE } from '../../include/uapi/signal.ts';
import {
  MSG_NOSIGNAL, SO_ACCEPTCONN, SO_DOMAIN, SO_ERROR, SO_KEEPALIVE, SO_LINGER, SO_PASSCRED, SO_PEERCRED,
  SO_PROTOCOL, SO_RCVBUF, SO_RCVBUFFORCE, SO_RCVLOWAT, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_SNDBUFFORCE,
  SO_TYPE, SO_BROADCAST, SO_DONTROUTE, SO_OOBINLINE, SO_DEBUG, SO_RCVTIMEO, SO_SNDTIMEO, SO_RCVTIMEO_NEW, SO_SNDTIMEO_NEW,
} from '../../include/uapi/socket.ts';
import { copy_to_user, get_user_u32, get_user_u64, put_user_u32 } from '../../mm/uaccess.ts';
import { send_signal } from '../../sched/signal.ts';
import { signal_pending } from '../../include/linux/sched/signal.ts';
import type { Task } from '../../sched/task.ts';
import { WaitQueueHead, sleep_on, wait_event_interruptible, sys_then } from '../../sched/wait.ts';
import { SkBuffHead, type UCred } from './skbuff.ts';
import { user_ptr_add, type UserPtr } from '../../include/linux/compiler_types.ts';

// include/net/tcp_states.h
export const TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_CLOSE = 7, TCP_CLOSE_WAIT = 8, TCP_LISTEN = 10;
export const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;
export const SOCK_SNDBUF_LOCK = 1, SOCK_RCVBUF_LOCK = 2;
/** net.core.{w,r}mem_{default,max} at their Linux defaults; SOCK_MIN_{SND,RCV}BUF on 64-bit. */
export const SYSCTL_WMEM_DEFAULT = 212992, SYSCTL_RMEM_DEFAULT = 212992;
export const SYSCTL_WMEM_MAX = 212992, SYSCTL_RMEM_MAX = 212992;
export const SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;

export class Sock {
  sk_state = TCP_CLOSE;
  /** Pending error (positive errno), reported once (sock_error). */
  sk_err = 0;
  sk_shutdown = 0;
  sk_sndbuf = SYSCTL_WMEM_DEFAULT;
  sk_rcvbuf = SYSCTL_RMEM_DEFAULT;
  sk_userlocks = 0;
  sk_reuse = false;
  sk_reuseport = false;
  sk_keepalive = false;
  sk_passcred = false;
  sk_broadcast = false;
  sk_dontroute = false;
  sk_oobinline = false;
  sk_debug = false;
  sk_rcvlowat = 1;
  sk_linger = { onoff: 0, secs: 0 };
  /** SO_RCVTIMEO / SO_SNDTIMEO in µs; -1 is none (MAX_SCHEDULE_TIMEOUT), 0 fails at once. */
  sk_rcvtimeo = -1;
  sk_sndtimeo = -1;
  sk_peer_cred: UCred | null = null;
  sk_max_ack_backlog = 0;
  /** Every sleeper on this socket: readers, writers, accept, poll and epoll. */
  readonly sk_wq = new WaitQueueHead();
  readonly sk_receive_queue = new SkBuffHead();
  /** Bound to a File (not yet accepted embryos have none). */
  dead = false;

  constructor(readonly sk_family: number, readonly sk_type: number, readonly sk_protocol: number) {}

  /** sk_state_change / sk_data_ready / sk_write_space: wake everyone who waits or polls. */
  wake(): void { this.sk_wq.wake_up(); }
}

/** sock_error(): the pending error, cleared, as -errno (0 if none). */
export function sock_error(sk: Sock): number {
  const e = sk.sk_err;
  sk.sk_err = 0;
  return -e;
}

/** The credentials a task presents to a peer (cred_to_ucred). */
export function task_ucred(t: Task): UCred {
  return { pid: t.tgid, uid: t.cred.euid, gid: t.cred.egid };
}

/** sk_stream_error(): err (negative) as is, with SIGPIPE for -EPIPE unless MSG_NOSIGNAL. */
export function sk_stream_error(t: Task, flags: number, err: number): number {
  if (err === -EPIPE && !(flags & MSG_NOSIGNAL)) send_signal(t, SIGPIPE);
  return err;
}

/** -EPIPE, with SIGPIPE to the caller unless MSG_NOSIGNAL. */
export function sk_epipe(t: Task, flags: number): number {
  return sk_stream_error(t, flags, -EPIPE);
}

/**
 * sk_wait_event for a blocking call: -EAGAIN when non-blocking, otherwise a Promise of 0 once
 * cond() holds, or -ERESTARTSYS on a signal. With a timeout (timeo_us ≥ 0: the socket's
 * SO_RCVTIMEO or SO_SNDTIMEO) it resolves -EAGAIN when the time runs out and a signal gives
 * -EINTR (sock_intr_errno). A syscall that waits again after progress (MSG_WAITALL) starts
 * a fresh timeout, where Linux carries the remaining one.
 */
export function sk_wait(t: Task, sk: Sock, nonblock: boolean, cond: () => boolean, timeo_us = -1): number | Promise<number> {
  if (nonblock || timeo_us === 0) return -EAGAIN;
  if (timeo_us < 0) return wait_event_interruptible(t, sk.sk_wq, cond);
  return sk_wait_timeout(t, sk, Math.ceil(timeo_us / 1000), cond);
}

/** sk_acceptq_is_full(): a listener holds at most backlog + 1 connections (the `>` is Linux's). */
export function sk_acceptq_is_full(sk: Sock, queued: number): boolean {
  return queued > sk.sk_max_ack_backlog;
}

/**
 * inet_csk_wait_for_connect() / unix_accept's wait: take() at once when a connection is
 * queued, else wait for one (SO_RCVTIMEO applies) or for the listener to stop listening.
 */
export function sk_accept_wait<T>(t: Task, sk: Sock, nonblock: boolean, queued: () => boolean, take: () => T | number): T | number | Promise<T | number> {
  if (queued()) return take();
  const w = sk_wait(t, sk, nonblock, () => queued() || sk.sk_state !== TCP_LISTEN, sk.sk_rcvtimeo);
  if (typeof w === 'number') return w;
  return sys_then(t, w, (err) => (err ? err : take()));
}

async function sk_wait_timeout(t: Task, sk: Sock, ms: number, cond: () => boolean): Promise<number> {
  const deadline = Date.now() + ms, wqs = [sk.sk_wq];
  while (!cond()) {
    if (signal_pending(t)) return -EINTR;
    const left = deadline - Date.now();
    if (left <= 0) return -EAGAIN;
    await sleep_on(t, wqs, left);
  }
  return 0;
}

/** sock_set_timeout(): a struct timeval (16 bytes) from user memory into µs. */
function sock_set_timeout(t: Task, uval: UserPtr, optlen: number): number {
  if (optlen < 16) return -EINVAL;
  if (get_user_u64(t, uval)) return -EFAULT;
  const sec = t.cpu.uval;
  if (get_user_u64(t, user_ptr_add(uval, 8))) return -EFAULT;
  const usec = t.cpu.uval;
  const s = sec >= 2 ** 63 ? sec - 2 ** 64 : sec, us = usec >= 2 ** 63 ? usec - 2 ** 64 : usec;
  if (us < 0 || us >= 1e6) return -EDOM;
  if (s < 0) return 0;
  if (s === 0 && us === 0) return -1;
  return s > 1e12 ? -1 : s * 1e6 + us;
}

/** sock_setsockopt(): SOL_SOCKET options. optval was read as an int by the caller. */
export function sock_setsockopt(sk: Sock, t: Task, opt: number, uval: UserPtr, optlen: number): number {
  if (opt === SO_LINGER) {
    if (optlen < 8) return -EINVAL;
    if (get_user_u32(t, uval)) return -EFAULT;
    const on = t.cpu.uval;
    if (get_user_u32(t, user_ptr_add(uval, 4))) return -EFAULT;
    const secs = t.cpu.uval;
    sk.sk_linger = { onoff: on, secs };
    return 0;
  }
  if (opt === SO_RCVTIMEO || opt === SO_SNDTIMEO || opt === SO_RCVTIMEO_NEW || opt === SO_SNDTIMEO_NEW) {
    const v = sock_set_timeout(t, uval, optlen);
    if (v < -1) return v; // -EINVAL, -EFAULT, -EDOM (-1 is 'no timeout')
    if (opt === SO_RCVTIMEO || opt === SO_RCVTIMEO_NEW) sk.sk_rcvtimeo = v; else sk.sk_sndtimeo = v;
    return 0;
  }
  if (optlen < 4) return -EINVAL;
  if (get_user_u32(t, uval)) return -EFAULT;
  const raw = t.cpu.uval, v = raw | 0;
  switch (opt) {
    case SO_REUSEADDR: sk.sk_reuse = v !== 0; return 0;
    case SO_REUSEPORT: sk.sk_reuseport = v !== 0; return 0;
    case SO_KEEPALIVE: sk.sk_keepalive = v !== 0; return 0;
    case SO_PASSCRED: sk.sk_passcred = v !== 0; return 0;
    case SO_BROADCAST: sk.sk_broadcast = v !== 0; return 0;
    case SO_DONTROUTE: sk.sk_dontroute = v !== 0; return 0;
    case SO_OOBINLINE: sk.sk_oobinline = v !== 0; return 0;
    case SO_DEBUG: sk.sk_debug = v !== 0; return 0;
    case SO_RCVLOWAT: sk.sk_rcvlowat = v < 0 ? 0x7fffffff : v || 1; return 0;
    case SO_SNDBUF: case SO_SNDBUFFORCE: {
      // The kernel doubles the value to allow for bookkeeping overhead (socket(7)).
      const val = Math.min(raw >>> 0 > 0x7fffffff ? 0x7fffffff : raw >>> 0, opt === SO_SNDBUF ? SYSCTL_WMEM_MAX : 0x7fffffff);
      sk.sk_userlocks |= SOCK_SNDBUF_LOCK;
      sk.sk_sndbuf = Math.max(val * 2, SOCK_MIN_SNDBUF);
      sk.wake();
      return 0;
    }
    case SO_RCVBUF: case SO_RCVBUFFORCE: {
      const val = Math.min(raw >>> 0 > 0x7fffffff ? 0x7fffffff : raw >>> 0, opt === SO_RCVBUF ? SYSCTL_RMEM_MAX : 0x7fffffff);
      sk.sk_userlocks |= SOCK_RCVBUF_LOCK;
      sk.sk_rcvbuf = Math.max(val * 2, SOCK_MIN_RCVBUF);
      return 0;
    }
  }
  return -ENOPROTOOPT;
}

const ucred_buf = new Uint8Array(16);
const ucred_dv = new DataView(ucred_buf.buffer);

/** sock_getsockopt(): SOL_SOCKET options; writes min(len, size) bytes and the size. */
export function sock_getsockopt(sk: Sock, t: Task, opt: number, uval: UserPtr, ulen: UserPtr, len: number): number {
  let v: number;
  switch (opt) {
    case SO_TYPE: v = sk.sk_type; break;
    case SO_DOMAIN: v = sk.sk_family; break;
    case SO_PROTOCOL: v = sk.sk_protocol; break;
    case SO_ERROR: v = -sock_error(sk); break;
    case SO_ACCEPTCONN: v = sk.sk_state === TCP_LISTEN ? 1 : 0; break;
    case SO_REUSEADDR: v = +sk.sk_reuse; break;
    case SO_REUSEPORT: v = +sk.sk_reuseport; break;
    case SO_KEEPALIVE: v = +sk.sk_keepalive; break;
    case SO_PASSCRED: v = +sk.sk_passcred; break;
    case SO_BROADCAST: v = +sk.sk_broadcast; break;
    case SO_DONTROUTE: v = +sk.sk_dontroute; break;
    case SO_OOBINLINE: v = +sk.sk_oobinline; break;
    case SO_DEBUG: v = +sk.sk_debug; break;
    case SO_RCVLOWAT: v = sk.sk_rcvlowat; break;
    case SO_SNDBUF: v = sk.sk_sndbuf; break;
    case SO_RCVBUF: v = sk.sk_rcvbuf; break;
    case SO_LINGER: {
      ucred_dv.setUint32(0, sk.sk_linger.onoff, true); ucred_dv.setUint32(4, sk.sk_linger.secs, true);
      return put_bytes(t, uval, ulen, len, 8);
    }
    case SO_RCVTIMEO: case SO_SNDTIMEO: case SO_RCVTIMEO_NEW: case SO_SNDTIMEO_NEW: {
      const us = opt === SO_RCVTIMEO || opt === SO_RCVTIMEO_NEW ? sk.sk_rcvtimeo : sk.sk_sndtimeo;
      const sec = us < 0 ? 0 : Math.floor(us / 1e6);
      ucred_dv.setUint32(0, sec % 2 ** 32, true); ucred_dv.setUint32(4, Math.floor(sec / 2 ** 32), true);
      ucred_dv.setUint32(8, us < 0 ? 0 : us - sec * 1e6, true); ucred_dv.setUint32(12, 0, true);
      return put_bytes(t, uval, ulen, len, 16);
    }
    case SO_PEERCRED: {
      const c = sk.sk_peer_cred ?? { pid: 0, uid: -1, gid: -1 };
      ucred_dv.setInt32(0, c.pid, true); ucred_dv.setUint32(4, c.uid >>> 0, true); ucred_dv.setUint32(8, c.gid >>> 0, true);
      return put_bytes(t, uval, ulen, len, 12);
    }
    default: return -ENOPROTOOPT;
  }
  return put_int_opt(t, uval, ulen, len, v);
}

/** Writes an int option: min(len, 4) bytes of it and the length used. */
export function put_int_opt(t: Task, uval: UserPtr, ulen: UserPtr, len: number, v: number): number {
  ucred_dv.setInt32(0, v, true);
  return put_bytes(t, uval, ulen, len, 4);
}

function put_bytes(t: Task, uval: UserPtr, ulen: UserPtr, len: number, size: number): number {
  const n = Math.min(len, size);
  if (copy_to_user(t, uval, ucred_buf, 0, n)) return -EFAULT;
  return put_user_u32(t, ulen, n);
}
