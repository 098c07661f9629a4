/**
 * Data transfer on sockets (net/socket.c): sendto, recvfrom, sendmsg, recvmsg. read/write on a
 * socket file go straight to the family through socket.ts's file operations.
 */
import { EFAULT, EINVAL, EMSGSIZE, ENOBUFS } from '../include/uapi/errno.ts';
import { O_NONBLOCK } from '../include/uapi/fcntl.ts';
import { MSG_CMSG_CLOEXEC, MSG_DONTWAIT, MSGHDR_SIZE, SOCKADDR_STORAGE_SIZE } from '../include/uapi/socket.ts';
import type { SysRet } from '../fs/fs_types.ts';
import { fput } from '../fs/fdtable.ts';
import { copy_from_user, put_user_u32, put_user_u64, copy_to_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import { UIO_MAXIOV, task_iter, type IovIter } from './core/iov_iter.ts';
import { scm_detach_fds, scm_send } from './core/scm.ts';
import { MsgHdr, move_addr_to_kernel, move_addr_to_user, sockfd_lookup, type Socket } from './socket.ts';
import { sys_then } from '../sched/wait.ts';
import { as_user_ptr, user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

function io_flags(sock: Socket, flags: number): number {
  return sock.file!.f_flags & O_NONBLOCK ? flags | MSG_DONTWAIT : flags;
}

/** import_ubuf's cap of a size_t len at MAX_RW_COUNT ("negative" is huge, so capped too). */
const rw_len = (len: number): number => (len < 0 || len > 0x7ffff000 ? 0x7ffff000 : len);

export function sys_sendto(t: Task, fd: number, ubuf: UserPtr, len: number, flags: number, uaddr: UserPtr, alen: number): SysRet {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  const it = task_iter(t).init_ubuf(ubuf, rw_len(len));
  let msg: MsgHdr | null = null;
  if (uaddr) {
    const a = move_addr_to_kernel(t, uaddr, alen);
    if (typeof a === 'number') return a;
    msg = new MsgHdr();
    msg.name = a;
  }
  return sock.ops.sendmsg(sock, t, it, io_flags(sock, flags), msg);
}

export function sys_recvfrom(t: Task, fd: number, ubuf: UserPtr, len: number, flags: number, uaddr: UserPtr, ulen: UserPtr): SysRet {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  const it = task_iter(t).init_ubuf(ubuf, rw_len(len));
  if (!uaddr) return sock.ops.recvmsg(sock, t, it, io_flags(sock, flags), null);
  const msg = new MsgHdr();
  const finish = (r: number): number => {
    if (r < 0) return r;
    if (msg.name) { const e = move_addr_to_user(t, msg.name, uaddr, ulen); if (e) return e; }
    else if (put_user_u32(t, ulen, 0)) return -EFAULT;
    return r;
  };
  const r = sock.ops.recvmsg(sock, t, it, io_flags(sock, flags), msg);
  return sys_then(t, r, finish);
}

/** The user's struct msghdr, read once (copy_msghdr_from_user). */
interface UserMsg { name: UserPtr; namelen: number; iov: UserPtr; iovlen: number; control: UserPtr; controllen: number }
const hdr = new Uint8Array(MSGHDR_SIZE);
const hdr_dv = new DataView(hdr.buffer);
const u64 = (o: number): number => hdr_dv.getUint32(o, true) + hdr_dv.getUint32(o + 4, true) * 2 ** 32;
/** A pointer member of the msghdr (msg_name, msg_iov, msg_control): a user address. */
const uptr = (o: number): UserPtr => as_user_ptr(u64(o));

function copy_msghdr(t: Task, umsg: UserPtr, it: IovIter): UserMsg | number {
  if (copy_from_user(t, hdr, 0, umsg, MSGHDR_SIZE)) return -EFAULT;
  const m: UserMsg = { name: uptr(0), namelen: hdr_dv.getInt32(8, true), iov: uptr(16), iovlen: u64(24), control: uptr(32), controllen: u64(40) };
  if (m.controllen > 0x7fffffff) return -ENOBUFS;
  if (m.iovlen > UIO_MAXIOV) return -EMSGSIZE; // __copy_msghdr()
  const err = it.init_iovec(t, m.iov, m.iovlen);
  return err < 0 ? err : m;
}

export function sys_sendmsg(t: Task, fd: number, umsg: UserPtr, flags: number): SysRet {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  const it = task_iter(t);
  const m = copy_msghdr(t, umsg, it);
  if (typeof m === 'number') return m;
  const msg = new MsgHdr();
  if (m.name && m.namelen) {
    const a = move_addr_to_kernel(t, m.name, Math.min(m.namelen, SOCKADDR_STORAGE_SIZE));
    if (typeof a === 'number') return a;
    msg.name = a;
  }
  const fp = scm_send(t, m.control, m.controllen);
  if (typeof fp === 'number') return fp;
  msg.fp = fp;
  const drop = (r: number): number => { if (msg.fp) for (const f of msg.fp) fput(f); return r; };
  const r = sock.ops.sendmsg(sock, t, it, io_flags(sock, flags), msg);
  return sys_then(t, r, drop);
}

/** Writes name, control and flags of a completed receive back to the user's msghdr. */
function recvmsg_finish(t: Task, umsg: UserPtr, m: UserMsg, msg: MsgHdr, flags: number, r: number): number {
  if (r < 0) { if (msg.fp) for (const f of msg.fp) fput(f); return r; }
  let namelen = 0;
  if (m.name && msg.name) {
    namelen = Math.min(Math.max(m.namelen, 0), msg.name.length);
    if (copy_to_user(t, m.name, msg.name, 0, namelen)) return -EFAULT;
    namelen = msg.name.length;
  }
  // ___sys_recvmsg() starts msg_flags from the call's MSG_CMSG_CLOEXEC bit.
  let used = 0, mflags = msg.flags | (flags & MSG_CMSG_CLOEXEC);
  if (msg.fp) {
    const d = scm_detach_fds(t, msg.fp, m.control, m.controllen, flags & MSG_CMSG_CLOEXEC);
    if (typeof d === 'number') return d;
    used = d.used; mflags |= d.flags;
  }
  if (put_user_u32(t, user_ptr_add(umsg, 8), namelen) || put_user_u64(t, user_ptr_add(umsg, 40), used) || put_user_u32(t, user_ptr_add(umsg, 48), mflags)) return -EFAULT;
  return r;
}

export function sys_recvmsg(t: Task, fd: number, umsg: UserPtr, flags: number): SysRet {
  const sock = sockfd_lookup(t, fd);
  if (typeof sock === 'number') return sock;
  const it = task_iter(t);
  const m = copy_msghdr(t, umsg, it);
  if (typeof m === 'number') return m;
  const msg = new MsgHdr();
  const r = sock.ops.recvmsg(sock, t, it, io_flags(sock, flags & ~MSG_CMSG_CLOEXEC), msg);
  return typeof r === 'number' ? recvmsg_finish(t, umsg, m, msg, flags, r) : sys_then(t, r, (v) => recvmsg_finish(t, umsg, m, msg, flags, v));
}
