/**
 * The BSD socket layer (net/socket.c): struct socket, the socket file (read/write/poll/ioctl
 * on an S_IFSOCK inode of sockfs), the family table (sock_register), and the syscalls that set
 * sockets up: socket, socketpair, bind, listen, accept4, connect, getsockname, getpeername,
 * shutdown, setsockopt, getsockopt. Data transfer syscalls are in socket_io.ts.
 */
import { sysctl_values } from '../sysctl.ts';
import {
  EAFNOSUPPORT, EBADF, ECONNABORTED, EFAULT, EINVAL, ENOTSOCK, EOPNOTSUPP, ENOTTY,
} from '../include/uapi/errno.ts';
import { O_NONBLOCK, O_RDWR } from '../include/uapi/fcntl.ts';
import { S_IFSOCK } from '../include/uapi/stat.ts';
import {
  AF_MAX, MSG_DONTWAIT, SOCK_CLOEXEC, SOMAXCONN, SOCK_NONBLOCK, SOCK_TYPE_MASK, SOCKADDR_STORAGE_SIZE, SOL_SOCKET,
} from '../include/uapi/socket.ts';
import { fput } from '../fs/fdtable.ts';
import { install_fd, RLIMIT_NOFILE } from '../fs/file_table.ts';
import { File, FMODE_READ, FMODE_WRITE, Inode, type FileOperations, type SuperBlock, type SysRet } from '../fs/fs_types.ts';
import { poll_wait, type PollTable } from '../fs/poll_types.ts';
import { copy_from_user, copy_to_user, get_user_u32, put_user_u32 } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import { task_iter, type IovIter } from './core/iov_iter.ts';
import { sock_getsockopt, sock_setsockopt, type Sock } from './core/sock.ts';
import { sys_then } from '../sched/wait.ts';
import { user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

/** SS_* (include/uapi/linux/net.h) */
export const SS_UNCONNECTED = 1, SS_CONNECTING = 2, SS_CONNECTED = 3;
/** SIOCINQ = FIONREAD, SIOCOUTQ = TIOCOUTQ */
export const SIOCINQ = 0x541b, SIOCOUTQ = 0x5411;

/** The kernel side of struct msghdr for sendmsg/recvmsg: address, control and flags. */
export class MsgHdr {
  /** Destination (send) as kernel sockaddr bytes, or the source a recv reports. */
  name: Uint8Array | null = null;
  /** Files passed with SCM_RIGHTS (send), or received (recv). */
  fp: File[] | null = null;
  /** Output msg_flags of a receive (MSG_TRUNC, MSG_CTRUNC). */
  flags = 0;
}

/** struct proto_ops: what a family implements. Addresses are kernel copies of sockaddrs. */
export interface ProtoOps {
  readonly family: number;
  release(sock: Socket): void;
  bind(sock: Socket, t: Task, addr: Uint8Array): SysRet;
  connect(sock: Socket, t: Task, addr: Uint8Array, nonblock: boolean): SysRet;
  socketpair(a: Socket, b: Socket, t: Task): number;
  /** Resolves with the accepted socket or -errno. */
  accept(sock: Socket, t: Task, nonblock: boolean): Socket | number | Promise<Socket | number>;
  /** The local or peer address as sockaddr bytes, or -errno. */
  getname(sock: Socket, peer: boolean): Uint8Array | number;
  poll(sock: Socket, t: Task): number;
  ioctl(sock: Socket, t: Task, cmd: number, arg: number): SysRet;
  listen(sock: Socket, t: Task, backlog: number): SysRet;
  shutdown(sock: Socket, how: number): number;
  setsockopt(sock: Socket, t: Task, level: number, opt: number, uval: number, optlen: number): number;
  getsockopt(sock: Socket, t: Task, level: number, opt: number, uval: number, ulen: number, len: number): number;
  sendmsg(sock: Socket, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet;
  recvmsg(sock: Socket, t: Task, it: IovIter, flags: number, msg: MsgHdr | null): SysRet;
}

/** struct socket */
export class Socket {
  state = SS_UNCONNECTED;
  file: File | null = null;
  constructor(readonly type: number, public ops: ProtoOps, public sk: Sock) {}
}

/** Creates a family's socket (the create member of struct net_proto_family). */
export type NetProtoCreate = (t: Task, type: number, protocol: number) => Socket | number;
const net_families: (NetProtoCreate | undefined)[] = [];

/** sock_register() */
export function sock_register(family: number, create: NetProtoCreate): void {
  net_families[family] = create;
}

class SockFs implements SuperBlock {
  readonly s_type = 'sockfs';
  readonly s_dev = 0x08;
  private ino = 10000;
  next_ino(): number { return ++this.ino; }
}
const sockfs = new SockFs();

/** The socket behind a socket file (sock_from_file). */
export function sock_from_file(f: File): Socket | null {
  return f.f_op === socket_file_ops ? (f.private_data as Socket) : null;
}

/** sock_recvmsg / sock_sendmsg for the file paths: O_NONBLOCK on the file is MSG_DONTWAIT. */
function file_recv(f: File, t: Task, it: IovIter): SysRet {
  const sock = f.private_data as Socket;
  return sock.ops.recvmsg(sock, t, it, f.f_flags & O_NONBLOCK ? MSG_DONTWAIT : 0, null);
}
function file_send(f: File, t: Task, it: IovIter): SysRet {
  const sock = f.private_data as Socket;
  return sock.ops.sendmsg(sock, t, it, f.f_flags & O_NONBLOCK ? MSG_DONTWAIT : 0, null);
}

const socket_file_ops: FileOperations = {
  read: (f, t, ubuf, count) => file_recv(f, t, task_iter(t).init_ubuf(ubuf, count)),
  write: (f, t, ubuf, count) => file_send(f, t, task_iter(t).init_ubuf(ubuf, count)),
  read_iter: (f, t, segs, total) => file_recv(f, t, task_iter(t).init_segs(segs, total)),
  write_iter: (f, t, segs, total) => file_send(f, t, task_iter(t).init_segs(segs, total)),
  /**
   * sendfile(2) to a socket (splice_to_socket): the file's bytes go through the protocol's
   * sendmsg from a kernel buffer; O_NONBLOCK on the socket makes it MSG_DONTWAIT, so a full
   * socket gives what fitted, or -EAGAIN. No MSG_NOSIGNAL: a closed peer raises SIGPIPE.
   */
  splice_write: (f, t, buf, off, count) => file_send(f, t, task_iter(t).init_kvec(buf, off, count)),
  poll(f, t, pt: PollTable | null) {
    const sock = f.private_data as Socket;
    poll_wait(pt, sock.sk.sk_wq);
    return sock.ops.poll(sock, t);
  },
  unlocked_ioctl(f, t, cmd, arg) {
    const sock = f.private_data as Socket;
    return sock.ops.ioctl(sock, t, cmd >>> 0, arg);
  },
  release(_inode, f) {
    const sock = f.private_data as Socket;
    sock.file = null;
    sock.sk.dead = true;
    sock.ops.release(sock);
  },
};

/** sock_alloc_file(): the socket's File on a new sockfs inode (S_IFSOCK | 0777). */
export function sock_alloc_file(t: Task, sock: Socket, flags: number): File {
  const inode = new Inode(sockfs, sockfs.next_ino(), S_IFSOCK | 0o777);
  inode.i_uid = t.cred.fsuid; inode.i_gid = t.cred.fsgid;
  inode.i_fop = socket_file_ops;
  const f = new File(socket_file_ops, O_RDWR | (flags & O_NONBLOCK), FMODE_READ | FMODE_WRITE, inode, null);
  f.private_data = sock;
  sock.file = f;
  return f;
}

/** Installs sock at the lowest free fd; returns the fd or -errno (the socket is released). */
export function sock_map_fd(t: Task, sock: Socket, flags: number): number {
  return install_fd(t, sock_alloc_file(t, sock, flags), (flags & SOCK_CLOEXEC) !== 0);
}

/** sockfd_lookup(): -EBADF for no file, -ENOTSOCK for a file that is not a socket. */
export function sockfd_lookup(t: Task, fd: number): Socket | number {
  const f = t.files.fcheck(fd);
  if (!f) return -EBADF;
  return sock_from_file(f) ?? -ENOTSOCK;
}

/** __sock_create(): checks the arguments and asks the family. */
export function sock_create(t: Task, family: number, type: number, protocol: number): Socket | number {
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  if (type < 0 || type > 10) return -EINVAL; // SOCK_MAX
  const create = net_families[family];
  if (!create) return -EAFNOSUPPORT;
  return create(t, type, protocol);
}

function split_type(type: number): [number, number] | number {
  const flags = type & ~SOCK_TYPE_MASK;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  return [type & SOCK_TYPE_MASK, flags];
}

export function sys_socket(t: Task, family: number, type: number, protocol: number): number {
  const tf = split_type(type);
  if (typeof tf === 'number') return tf;
  const sock = sock_create(t, family, tf[0], protocol);
  if (typeof sock === 'number') return sock;
  return sock_map_fd(t, sock, tf[1]);
}

export function sys_socketpair(t: Task, family: number, type: number, protocol: number, usv: UserPtr): number {
  const tf = split_type(type);
  if (typeof tf === 'number') return tf;
  const a = sock_create(t, family, tf[0], protocol);
  if (typeof a === 'number') return a;
  const b = sock_create(t, family, tf[0], protocol);
  if (typeof b === 'number') { a.ops.release(a); return b; }
  const err = a.ops.socketpair(a, b, t);
  if (err) { a.ops.release(a); b.ops.release(b); return err; }
  const fa = sock_alloc_file(t, a, tf[1]), fb = sock_alloc_file(t, b, tf[1]);
  const cloexec = (tf[1] & SOCK_CLOEXEC) !== 0;
  const fd1 = t.files.get_unused_fd_flags(cloexec, t.rlim[7].cur);
  if (fd1 < 0) { fput(fa); fput(fb); return fd1; }
  const fd2 = t.files.get_unused_fd_flags(cloexec, t.rlim[7].cur);
  if (fd2 < 0) { t.files.put_unused_fd(fd1); fput(fa); fput(fb); return fd2; }
  if (put_user_u32(t, usv, fd1) || put_user_u32(t, user_ptr_add(usv, 4), fd2)) {
    t.files.put_unused_fd(fd2); t.files.put_unused_fd(fd1); fput(fa); fput(fb);
    return -EFAULT;
  }
  t.files.fd_install(fd1, fa); t.files.fd_install(fd2, fb);
  return 0;
}

/** move_addr_to_kernel(): a copy of the user's sockaddr, or -EINVAL / -EFAULT. */
export function move_addr_to_kernel(t: Task, uaddr: UserPtr, len: number): Uint8Array | number {
  if (len < 0 || len > SOCKADDR_STORAGE_SIZE) return -EINVAL;
  const a = new Uint8Array(len);
  if (len && copy_from_user(t, a, 0, uaddr, len)) return -EFAULT;
  return a;
}

/** move_addr_to_user(): copies min(*ulen, len) bytes and stores the full length in *ulen. */
export function move_addr_to_user(t: Task, kaddr: Uint8Array, uaddr: UserPtr, ulen: UserPtr): number {
  if (get_user_u32(t, ulen)) return -EFAULT;
  const l = t.cpu.uval;
  if ((l | 0) < 0) return -EINVAL;
  const n = Math.min(l, kaddr.length);
  if (n && copy_to_user(t, uaddr, kaddr, 0, n)) return -EFAULT;
  return put_user_u32(t, ulen, kaddr.length);
}

export function sys_bind(t: Task, fd: number, uaddr: UserPtr, len: number): SysRet {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  const a = move_addr_to_kernel(t, uaddr, len);
  if (typeof a === 'number') return a;
  return sock.ops.bind(sock, t, a);
}

/** listen(2): the backlog is capped at net.core.somaxconn (__sys_listen). */
export function sys_listen(t: Task, fd: number, backlog: number): SysRet {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  const max = sysctl_values(t.kernel).somaxconn;
  if (backlog >>> 0 > max) backlog = max;
  return sock.ops.listen(sock, t, backlog);
}

export function sys_connect(t: Task, fd: number, uaddr: UserPtr, len: number): SysRet {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  const a = move_addr_to_kernel(t, uaddr, len);
  if (typeof a === 'number') return a;
  return sock.ops.connect(sock, t, a, (sock.file!.f_flags & O_NONBLOCK) !== 0);
}

/**
 * do_accept(): the next connection as a new File and, if asked, its peer's address; the
 * connection is consumed only here, once the caller already holds an fd for it.
 */
function do_accept(t: Task, file: File, uaddr: UserPtr, ulen: UserPtr, flags: number): File | number | Promise<File | number> {
  const sock = sock_from_file(file);
  if (!sock) return -ENOTSOCK;
  const r = sock.ops.accept(sock, t, (file.f_flags & O_NONBLOCK) !== 0);
  return r instanceof Promise ? sys_then(t, r, (ns) => accept_file(t, ns, uaddr, ulen, flags)) : accept_file(t, r, uaddr, ulen, flags);
}

function accept_file(t: Task, ns: Socket | number, uaddr: UserPtr, ulen: UserPtr, flags: number): File | number {
  if (typeof ns === 'number') return ns;
  const f = sock_alloc_file(t, ns, flags);
  if (uaddr) {
    const peer = ns.ops.getname(ns, true);
    const err = typeof peer === 'number' ? -ECONNABORTED : move_addr_to_user(t, peer, uaddr, ulen);
    if (err) { fput(f); return err; }
  }
  return f;
}

/** fd_install of the reserved fd, or put_unused_fd when the accept failed. */
function accept_install(t: Task, newfd: number, f: File | number): number {
  if (typeof f === 'number') { t.files.put_unused_fd(newfd); return f; }
  t.files.fd_install(newfd, f);
  return newfd;
}

/**
 * __sys_accept4_file(): the fd is reserved before a connection is taken off the queue, so
 * EMFILE (checked after EBADF and the flags, before ENOTSOCK) leaves the connection queued.
 */
export function sys_accept4(t: Task, fd: number, uaddr: UserPtr, ulen: UserPtr, flags: number): SysRet {
  const file = t.files.fcheck(fd);
  if (!file) return -EBADF;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  const newfd = t.files.get_unused_fd_flags((flags & SOCK_CLOEXEC) !== 0, t.rlim[RLIMIT_NOFILE].cur);
  if (newfd < 0) return newfd;
  const r = do_accept(t, file, uaddr, ulen, flags);
  return r instanceof Promise ? sys_then(t, r, (f) => accept_install(t, newfd, f)) : accept_install(t, newfd, r);
}

export function sys_accept(t: Task, fd: number, uaddr: UserPtr, ulen: UserPtr): SysRet {
  return sys_accept4(t, fd, uaddr, ulen, 0);
}

function getname(t: Task, fd: number, uaddr: UserPtr, ulen: UserPtr, peer: boolean): number {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  const a = sock.ops.getname(sock, peer);
  return typeof a === 'number' ? a : move_addr_to_user(t, a, uaddr, ulen);
}

export const sys_getsockname = (t: Task, fd: number, uaddr: UserPtr, ulen: UserPtr): number => getname(t, fd, uaddr, ulen, false);
export const sys_getpeername = (t: Task, fd: number, uaddr: UserPtr, ulen: UserPtr): number => getname(t, fd, uaddr, ulen, true);

export function sys_shutdown(t: Task, fd: number, how: number): number {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  if (how < 0 || how > 2) return -EINVAL;
  return sock.ops.shutdown(sock, how);
}

export function sys_setsockopt(t: Task, fd: number, level: number, opt: number, uval: UserPtr, optlen: number): number {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  if (optlen < 0) return -EINVAL;
  if (level === SOL_SOCKET) return sock_setsockopt(sock.sk, t, opt, uval, optlen);
  return sock.ops.setsockopt(sock, t, level, opt, uval, optlen);
}

export function sys_getsockopt(t: Task, fd: number, level: number, opt: number, uval: UserPtr, ulen: UserPtr): number {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  if (get_user_u32(t, ulen)) return -EFAULT;
  const len = t.cpu.uval;
  if ((len | 0) < 0) return -EINVAL;
  if (level === SOL_SOCKET) return sock_getsockopt(sock.sk, t, opt, uval, ulen, len);
  return sock.ops.getsockopt(sock, t, level, opt, uval, ulen, len);
}

/** The ioctls every family answers alike; families call this for what they do not handle. */
export function sock_ioctl_common(cmd: number): number {
  return cmd === SIOCINQ || cmd === SIOCOUTQ ? -EOPNOTSUPP : -ENOTTY;
}
