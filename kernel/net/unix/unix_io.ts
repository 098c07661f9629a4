/**
 * AF_UNIX data transfer (net/unix/af_unix.c unix_stream_sendmsg, unix_stream_read_generic,
 * unix_dgram_sendmsg, unix_dgram_recvmsg). Stream writers are limited by their own sk_sndbuf
 * (bytes queued at the peer and not yet read); datagram writers by the receiver's queue length.
 * SCM_RIGHTS files ride on the first buffer of a send and stop a stream read after it.
 */
import {
  EAGAIN, ECONNREFUSED, EFAULT, EINVAL, EISCONN, EMSGSIZE, ENOTCONN, EOPNOTSUPP, EPERM,
} from '../../include/uapi/errno.ts';
import { MSG_DONTWAIT, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL } from '../../include/uapi/socket.ts';
import { fput } from '../../fs/fdtable.ts';
import type { SysRet } from '../../fs/fs_types.ts';
import type { Task } from '../../sched/task.ts';
import { wait_event_interruptible, sys_then } from '../../sched/wait.ts';
import type { IovIter } from '../core/iov_iter.ts';
import { SkBuff } from '../core/skbuff.ts';
import { RCV_SHUTDOWN, SEND_SHUTDOWN, TCP_ESTABLISHED, sk_epipe, sk_wait, sock_error, task_ucred } from '../core/sock.ts';
import type { MsgHdr, Socket } from '../socket.ts';
import { UNIX_MAX_DGRAM_QLEN, unix_find_other, usk, type UnixSock } from './unix_sock.ts';

/** Hands a received buffer's files to the receiver, or drops them when nobody takes them. */
function take_fds(skb: SkBuff, msg: MsgHdr | null, peek: boolean): boolean {
  const fp = skb.fp;
  if (!fp) return false;
  if (peek) {
    if (msg) msg.fp = fp.map((f) => f.get());
  } else {
    skb.fp = null;
    if (msg) msg.fp = fp; else for (const f of fp) fput(f);
  }
  return true;
}

export function unix_stream_sendmsg(sock: Socket, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet {
  const sk = usk(sock);
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  if (msg?.name) return sk.sk_state === TCP_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
  if (!sk.peer) return -ENOTCONN;
  if (sk.sk_shutdown & SEND_SHUTDOWN) return sk_epipe(t, flags);
  return stream_send(sk, t, it, flags, msg, 0);
}

function stream_send(sk: UnixSock, t: Task, it: IovIter, flags: number, msg: MsgHdr | null, sent: number): SysRet {
  const nonblock = (flags & MSG_DONTWAIT) !== 0;
  while (it.count > 0) {
    const other = sk.peer;
    if (!other || other.dead || other.sk_shutdown & RCV_SHUTDOWN || sk.sk_shutdown & SEND_SHUTDOWN) {
      return sent || sk_epipe(t, flags);
    }
    if (sk.wmem >= sk.sk_sndbuf) {
      const w = sk_wait(t, sk, nonblock, () => sk.wmem < sk.sk_sndbuf || !sk.peer || sk.peer.dead || (sk.peer.sk_shutdown & RCV_SHUTDOWN) !== 0, sk.sk_sndtimeo);
      if (typeof w === 'number') return sent || w;
      return sys_then(t, w, (err) => (err ? sent || err : stream_send(sk, t, it, flags, msg, sent)));
    }
    // Linux sizes each skb to at most half the send buffer (unix_stream_sendmsg).
    const size = Math.min(it.count, (sk.sk_sndbuf >> 1) - 64);
    const data = new Uint8Array(size);
    if (it.copy_from(t, data, 0, size) < size) return sent || -EFAULT;
    const skb = new SkBuff(data);
    skb.owner = sk;
    if (msg?.fp) { skb.fp = msg.fp; msg.fp = null; }
    sk.wmem += size;
    other.sk_receive_queue.queue_tail(skb);
    other.wake();
    sent += size;
  }
  return sent;
}

export function unix_stream_recvmsg(sock: Socket, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet {
  const sk = usk(sock);
  if (sk.sk_state !== TCP_ESTABLISHED) return -EINVAL;
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  const target = flags & MSG_WAITALL ? it.count : Math.min(sk.sk_rcvlowat, it.count);
  return stream_recv(sk, t, it, flags, msg, target, 0);
}

function stream_recv(sk: UnixSock, t: Task, it: IovIter, flags: number, msg: MsgHdr | null, target: number, copied: number): SysRet {
  const rq = sk.sk_receive_queue, peek = (flags & MSG_PEEK) !== 0;
  let idx = 0;
  while (it.count > 0) {
    const skb = peek ? rq.at(idx) : rq.peek();
    if (!skb) {
      if (copied >= target || (peek && copied)) break;
      const err = sock_error(sk);
      if (err) return copied || err;
      if (sk.sk_shutdown & RCV_SHUTDOWN) break;
      const w = sk_wait(t, sk, (flags & MSG_DONTWAIT) !== 0, () => !rq.empty || sk.sk_err !== 0 || (sk.sk_shutdown & RCV_SHUTDOWN) !== 0, sk.sk_rcvtimeo);
      if (typeof w === 'number') return copied || w;
      return sys_then(t, w, (e) => (e ? copied || e : stream_recv(sk, t, it, flags, msg, target, copied)));
    }
    const n = Math.min(skb.len, it.count);
    const c = it.copy_to(t, skb.data, skb.off, n);
    copied += c;
    if (c < n) return copied || -EFAULT;
    const had_fds = take_fds(skb, msg, peek);
    if (peek) idx++; else rq.consume_head(n);
    if (had_fds) break;
  }
  return copied;
}

export function unix_dgram_sendmsg(sock: Socket, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet {
  const sk = usk(sock);
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  let other: UnixSock | number | null = sk.peer;
  if (msg?.name) other = unix_find_other(t, sk.k, msg.name, sk.sk_type);
  if (other === null) return -ENOTCONN;
  if (typeof other === 'number') return other;
  if (it.count > sk.sk_sndbuf - 32) return -EMSGSIZE;
  return dgram_send(sk, other, t, it, flags, msg);
}

function dgram_send(sk: UnixSock, other: UnixSock, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet {
  if (other.dead) {
    if (sk.peer === other) sk.peer = null;
    return -ECONNREFUSED;
  }
  if (other.peer && other.peer !== sk) return -EPERM;
  if (other.sk_shutdown & RCV_SHUTDOWN) return sk_epipe(t, flags);
  if (other.sk_receive_queue.qlen > UNIX_MAX_DGRAM_QLEN) {
    if (flags & MSG_DONTWAIT) return -EAGAIN;
    const w = wait_event_interruptible(t, [sk.sk_wq, other.sk_wq], () => other.dead || other.sk_receive_queue.qlen <= UNIX_MAX_DGRAM_QLEN);
    return sys_then(t, w, (err) => (err ? err : dgram_send(sk, other, t, it, flags, msg)));
  }
  const len = it.count;
  const data = new Uint8Array(len);
  if (it.copy_from(t, data, 0, len) < len) return -EFAULT;
  const skb = new SkBuff(data);
  skb.owner = sk;
  skb.addr = sk.addr?.bytes ?? null;
  skb.cred = task_ucred(t);
  if (msg?.fp) { skb.fp = msg.fp; msg.fp = null; }
  sk.wmem += len;
  other.sk_receive_queue.queue_tail(skb);
  other.wake();
  return len;
}

export function unix_dgram_recvmsg(sock: Socket, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet {
  const sk = usk(sock);
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  const rq = sk.sk_receive_queue;
  const skb = rq.peek();
  if (!skb) {
    const err = sock_error(sk);
    if (err) return err;
    if (sk.sk_shutdown & RCV_SHUTDOWN) return 0;
    const w = sk_wait(t, sk, (flags & MSG_DONTWAIT) !== 0, () => !rq.empty || sk.sk_err !== 0 || (sk.sk_shutdown & RCV_SHUTDOWN) !== 0, sk.sk_rcvtimeo);
    if (typeof w === 'number') return w;
    return sys_then(t, w, (e) => (e ? e : unix_dgram_recvmsg(sock, t, it, flags, msg)));
  }
  const len = skb.len, n = Math.min(len, it.count);
  if (it.copy_to(t, skb.data, skb.off, n) < n) return -EFAULT;
  const peek = (flags & MSG_PEEK) !== 0;
  if (msg) {
    msg.name = skb.addr;
    if (n < len) msg.flags |= MSG_TRUNC;
  }
  take_fds(skb, msg, peek);
  if (!peek) { rq.dequeue(); sk.wake(); }
  return flags & MSG_TRUNC ? len : n;
}

