/**
 * AF_UNIX sockets (net/unix/af_unix.c): addresses in the VFS (an S_IFSOCK inode) or in the
 * abstract namespace, autobind, stream connect/listen/accept with a bounded backlog,
 * socketpair, SO_PEERCRED, shutdown, poll, and release (the peer sees EOF, or ECONNRESET when
 * data was left unread). Sending and receiving are in unix_io.ts.
 */
import {
  EADDRINUSE, EAGAIN, ECONNREFUSED, EINVAL, EISCONN, ENOENT, ENOTCONN, EOPNOTSUPP, EPROTONOSUPPORT,
  ESOCKTNOSUPPORT, ECONNRESET, ENOTDIR, ENOSPC, EPERM,
} from '../../include/uapi/errno.ts';
import { S_IFSOCK, S_ISDIR } from '../../include/uapi/stat.ts';
import { AF_UNIX, SOCK_DGRAM, SOCK_STREAM } from '../../include/uapi/socket.ts';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM } from '../../fs/poll_types.ts';
import { Dentry } from '../../fs/fs_types.ts';
import { MAY_EXEC, MAY_WRITE, inode_permission, path_lookupat, path_start } from '../../fs/namei.ts';
import { shmem_get_inode } from '../../fs/tmpfs.ts';
import { AT_FDCWD } from '../../include/uapi/fcntl.ts';
import type { Task } from '../../sched/task.ts';
import { wait_event_interruptible, sys_then } from '../../sched/wait.ts';
import { sk_accept_wait, sk_acceptq_is_full, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, task_ucred } from '../core/sock.ts';
import { SS_CONNECTED, SS_UNCONNECTED, Socket, sock_register, type ProtoOps, SIOCINQ, SIOCOUTQ, sock_ioctl_common } from '../socket.ts';
import { put_user_u32 } from '../../mm/uaccess.ts';
import { unix_dgram_recvmsg, unix_dgram_sendmsg, unix_stream_recvmsg, unix_stream_sendmsg } from './unix_io.ts';
import { UNIX_MAX_DGRAM_QLEN, type UnixAddress, UnixSock, unix_find_other, unix_mkname, unix_table, usk } from './unix_sock.ts';
import { as_user_ptr } from '../../include/linux/compiler_types.ts';

/** unix_autobind(): an abstract name of five hex digits. */
function unix_autobind(sk: UnixSock): number {
  const tab = unix_table(sk.k);
  for (let i = 0; i < 0x100000; i++) {
    const name = '\0' + ((tab.autobind++ & 0xfffff).toString(16).padStart(5, '0'));
    if (tab.abstract.has(name)) continue;
    const bytes = new Uint8Array(2 + name.length);
    bytes[0] = AF_UNIX;
    for (let j = 0; j < name.length; j++) bytes[2 + j] = name.charCodeAt(j);
    sk.addr = { bytes, abstract: true, key: name };
    tab.abstract.set(name, sk);
    return 0;
  }
  return -ENOSPC;
}

/** unix_bind_bsd(): creates the socket inode at path; EADDRINUSE if anything is there. */
function unix_bind_bsd(t: Task, sk: UnixSock, addr: UnixAddress): number {
  const start = path_start(t, AT_FDCWD, addr.key);
  if (typeof start === 'number') return start;
  const r = path_lookupat(t, start, addr.key, false);
  if (typeof r === 'number') return r;
  if (r.dentry) return -EADDRINUSE;
  if (r.trailing_slash) return -ENOENT;
  const dir = r.parent.d_inode!;
  if (!S_ISDIR(dir.i_mode)) return -ENOTDIR;
  const err = inode_permission(t, dir, MAY_WRITE | MAY_EXEC);
  if (err) return err;
  const inode = shmem_get_inode(dir.i_sb, S_IFSOCK | (0o777 & ~t.fs.umask), t.cred.fsuid, t.cred.fsgid);
  r.parent.d_children.set(r.last, new Dentry(r.last, r.parent, inode));
  dir.i_mtime = dir.i_ctime = Date.now() * 1e6;
  sk.inode = inode;
  unix_table(sk.k).by_inode.set(inode, sk);
  return 0;
}

function unix_bind(sock: Socket, t: Task, a: Uint8Array): number {
  const sk = usk(sock);
  if (a.length < 2 || (a[0] | (a[1] << 8)) !== AF_UNIX) return -EINVAL;
  if (a.length === 2) return sk.addr ? 0 : unix_autobind(sk); // unix_autobind(): already bound is success
  const addr = unix_mkname(a);
  if (typeof addr === 'number') return addr;
  if (sk.addr) return -EINVAL;
  if (addr.abstract) {
    const tab = unix_table(sk.k);
    if (tab.abstract.has(addr.key)) return -EADDRINUSE;
    tab.abstract.set(addr.key, sk);
  } else {
    const err = unix_bind_bsd(t, sk, addr);
    if (err) return err;
  }
  sk.addr = addr;
  return 0;
}

function connect_pair(a: UnixSock, b: UnixSock): void {
  a.peer = b; b.peer = a;
  a.sk_state = b.sk_state = TCP_ESTABLISHED;
}

/** unix_stream_connect(): queues a new server-side socket on the listener. */
function unix_stream_connect(sock: Socket, t: Task, a: Uint8Array, nonblock: boolean): number | Promise<number> {
  const sk = usk(sock);
  if (sk.sk_state === TCP_ESTABLISHED) return -EISCONN;
  if (sk.sk_state === TCP_LISTEN) return -EINVAL;
  const other = unix_find_other(t, sk.k, a, sk.sk_type);
  if (typeof other === 'number') return other;
  if (other.sk_state !== TCP_LISTEN) return -ECONNREFUSED;
  const full = (): boolean => sk_acceptq_is_full(other, other.accept_queue.length);
  const finish = (): number => {
    if (sk.sk_state === TCP_ESTABLISHED) return -EISCONN;
    if (other.dead || other.sk_state !== TCP_LISTEN) return -ECONNREFUSED;
    const newsk = new UnixSock(sk.k, sk.sk_type);
    newsk.embryo = true;
    newsk.addr = other.addr;
    newsk.sk_peer_cred = task_ucred(t);
    sk.sk_peer_cred = other.sk_peer_cred; // the listener's credentials, taken at listen()
    connect_pair(sk, newsk);
    sock.state = SS_CONNECTED;
    other.accept_queue.push(newsk);
    other.wake();
    return 0;
  };
  if (!full()) return finish();
  if (nonblock) return -EAGAIN;
  const w = wait_event_interruptible(t, other.sk_wq, () => !full() || other.dead || other.sk_state !== TCP_LISTEN);
  return sys_then(t, w, (err) => (err ? err : finish()));
}

/** unix_dgram_connect(): sets (or with AF_UNSPEC clears) the default peer. */
function unix_dgram_connect(sock: Socket, t: Task, a: Uint8Array): number {
  const sk = usk(sock);
  if (a.length >= 2 && (a[0] | (a[1] << 8)) === 0) { sk.peer = null; sk.sk_state = TCP_CLOSE; sock.state = SS_UNCONNECTED; return 0; }
  const other = unix_find_other(t, sk.k, a, sk.sk_type);
  if (typeof other === 'number') return other;
  if (other.peer && other.peer !== sk) return -EPERM; // !unix_may_send()
  sk.peer = other;
  sk.sk_state = TCP_ESTABLISHED;
  sock.state = SS_CONNECTED;
  return 0;
}

function unix_listen(sock: Socket, t: Task, backlog: number): number {
  const sk = usk(sock);
  if (sk.sk_type !== SOCK_STREAM) return -EOPNOTSUPP;
  if (!sk.addr) return -EINVAL; // no listen on an unbound AF_UNIX socket
  if (sk.sk_state !== TCP_CLOSE && sk.sk_state !== TCP_LISTEN) return -EINVAL;
  sk.sk_max_ack_backlog = backlog; // capped at somaxconn by sys_listen
  sk.sk_state = TCP_LISTEN;
  sk.sk_peer_cred = task_ucred(t);
  sk.wake();
  return 0;
}

function unix_accept(sock: Socket, t: Task, nonblock: boolean): Socket | number | Promise<Socket | number> {
  const sk = usk(sock);
  if (sk.sk_type !== SOCK_STREAM) return -EOPNOTSUPP;
  if (sk.sk_state !== TCP_LISTEN) return -EINVAL;
  const take = (): Socket | number => {
    if (sk.sk_state !== TCP_LISTEN) return -EINVAL;
    const newsk = sk.accept_queue.shift()!;
    newsk.embryo = false;
    sk.wake(); // a connector may wait for backlog room
    const ns = new Socket(SOCK_STREAM, unix_stream_ops, newsk);
    ns.state = SS_CONNECTED;
    return ns;
  };
  return sk_accept_wait(t, sk, nonblock, () => sk.accept_queue.length > 0, take);
}

function unix_socketpair(a: Socket, b: Socket, t: Task): number {
  const ska = usk(a), skb = usk(b);
  connect_pair(ska, skb);
  ska.sk_peer_cred = skb.sk_peer_cred = task_ucred(t);
  a.state = b.state = SS_CONNECTED;
  return 0;
}

function unix_getname(sock: Socket, peer: boolean): Uint8Array | number {
  const sk = usk(sock);
  let s: UnixSock | null = sk;
  if (peer) {
    s = sk.peer;
    if (!s || (sk.sk_type === SOCK_STREAM && sk.sk_state !== TCP_ESTABLISHED)) return -ENOTCONN;
  }
  if (s.addr) return s.addr.bytes;
  return new Uint8Array([AF_UNIX, 0]);
}

/** unix_poll() / unix_dgram_poll() */
function unix_poll(sock: Socket): number {
  const sk = usk(sock);
  let mask = 0;
  if (sk.sk_err) mask |= POLLERR;
  if (sk.sk_shutdown === SHUTDOWN_MASK) mask |= POLLHUP;
  if (sk.sk_shutdown & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
  if (!sk.sk_receive_queue.empty || sk.accept_queue.length) mask |= POLLIN | POLLRDNORM;
  if (sk.sk_type === SOCK_STREAM) {
    if (sk.sk_state === TCP_CLOSE) mask |= POLLHUP;
    if (sk.sk_state !== TCP_LISTEN && sk.wmem * 4 <= sk.sk_sndbuf) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
  } else {
    const p = sk.peer;
    const blocked = p !== null && p.peer !== sk && p.sk_receive_queue.qlen > UNIX_MAX_DGRAM_QLEN;
    if (!blocked && sk.wmem * 4 <= sk.sk_sndbuf) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
  }
  return mask;
}

function unix_shutdown(sock: Socket, how: number): number {
  const sk = usk(sock);
  const mode = how + 1; // SHUT_RD → RCV_SHUTDOWN, SHUT_WR → SEND_SHUTDOWN
  sk.sk_shutdown |= mode;
  sk.wake();
  const p = sk.peer;
  if (p && sk.sk_type === SOCK_STREAM) {
    if (mode & RCV_SHUTDOWN) p.sk_shutdown |= SEND_SHUTDOWN;
    if (mode & SEND_SHUTDOWN) p.sk_shutdown |= RCV_SHUTDOWN;
    p.wake();
  }
  return 0;
}

/** unix_release_sock(): unbinds, tells the peer, drops queued data and pending connections. */
export function unix_release_sock(sk: UnixSock, embrion: boolean): void {
  sk.dead = true;
  const tab = unix_table(sk.k);
  if (sk.addr?.abstract && tab.abstract.get(sk.addr.key) === sk) tab.abstract.delete(sk.addr.key);
  if (sk.inode && tab.by_inode.get(sk.inode) === sk) tab.by_inode.delete(sk.inode);
  const p = sk.peer;
  sk.sk_state = TCP_CLOSE;
  sk.sk_shutdown = SHUTDOWN_MASK;
  if (p) {
    if (sk.sk_type === SOCK_STREAM) {
      if (p.peer === sk) {
        p.sk_shutdown = SHUTDOWN_MASK;
        if (!sk.sk_receive_queue.empty || embrion) p.sk_err = ECONNRESET;
      }
    }
    p.wake();
    sk.peer = null;
  }
  for (const e of sk.accept_queue.splice(0)) unix_release_sock(e, true);
  sk.sk_receive_queue.purge();
  sk.wake();
}

function unix_ioctl(sock: Socket, t: Task, cmd: number, arg: number): number {
  const sk = usk(sock);
  if (cmd === SIOCINQ) {
    if (sk.sk_state === TCP_LISTEN) return -EINVAL;
    const n = sk.sk_type === SOCK_STREAM ? sk.sk_receive_queue.bytes : sk.sk_receive_queue.peek()?.len ?? 0;
    return put_user_u32(t, as_user_ptr(arg), n);
  }
  if (cmd === SIOCOUTQ) return put_user_u32(t, as_user_ptr(arg), sk.wmem);
  return sock_ioctl_common(cmd);
}

const common = {
  family: AF_UNIX,
  release: (sock: Socket): void => unix_release_sock(usk(sock), false),
  bind: unix_bind,
  socketpair: unix_socketpair,
  getname: unix_getname,
  poll: unix_poll,
  ioctl: unix_ioctl,
  shutdown: unix_shutdown,
  setsockopt: (): number => -EOPNOTSUPP,
  getsockopt: (): number => -EOPNOTSUPP,
};

export const unix_stream_ops: ProtoOps = {
  ...common,
  connect: unix_stream_connect,
  listen: unix_listen,
  accept: unix_accept,
  sendmsg: unix_stream_sendmsg,
  recvmsg: unix_stream_recvmsg,
};

export const unix_dgram_ops: ProtoOps = {
  ...common,
  connect: (sock, t, a) => unix_dgram_connect(sock, t, a),
  listen: () => -EOPNOTSUPP,
  accept: () => -EOPNOTSUPP,
  sendmsg: unix_dgram_sendmsg,
  recvmsg: unix_dgram_recvmsg,
};

/** unix_create() */
function unix_create(t: Task, type: number, protocol: number): Socket | number {
  if (protocol && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
  if (type === SOCK_STREAM) return new Socket(type, unix_stream_ops, new UnixSock(t.kernel, type));
  if (type === SOCK_DGRAM) return new Socket(type, unix_dgram_ops, new UnixSock(t.kernel, type));
  return -ESOCKTNOSUPPORT; // SOCK_SEQPACKET is not implemented (see the support matrix)
}

sock_register(AF_UNIX, unix_create);
